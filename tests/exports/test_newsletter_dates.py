"""Dates as people write them (``exports/dates.py``): 「2026年11月20日（金）19:00〜21:00」 in
a Japanese page, "Friday 20 November 2026, 7-9 pm" in an English one."""

from __future__ import annotations

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from yoriai.exports.dates import date_text, parse_time, time_text, when_text


def test_the_demo_evening_in_japanese() -> None:
    assert date_text("2026-11-20") == "2026年11月20日（金）"
    assert date_text("2026-11-20", year=False) == "11月20日（金）"
    assert when_text("2026-11-20", "19:00", "21:00") == "2026年11月20日（金）19:00〜21:00"
    assert when_text("2026-11-20", "19:00", "21:00", year=False) == "11月20日（金）19:00〜21:00"


def test_the_demo_evening_in_english() -> None:
    assert date_text("2026-11-20", "en") == "Friday 20 November 2026"
    assert when_text("2026-11-20", "19:00", "21:00", "en") == "Friday 20 November 2026, 7-9 pm"
    assert when_text("2026-11-20", "19:00", "21:00", "en", year=False) == \
        "Friday 20 November, 7-9 pm"


@pytest.mark.parametrize(("start", "end", "ja", "en"), [
    ("19:00", "21:00", "19:00〜21:00", "7-9 pm"),
    ("19:30", "21:00", "19:30〜21:00", "7:30-9 pm"),
    ("18:45", "20:15", "18:45〜20:15", "6:45-8:15 pm"),
    ("09:05", "11:30", "9:05〜11:30", "9:05-11:30 am"),
    ("10:00", "13:00", "10:00〜13:00", "10 am-1 pm"),
    ("11:30", "13:30", "11:30〜13:30", "11:30 am-1:30 pm"),
    # Noon and midnight are words, with no am/pm.
    ("10:00", "12:00", "10:00〜12:00", "10 am-noon"),
    ("12:00", "14:00", "12:00〜14:00", "noon-2 pm"),
    ("22:00", "00:00", "22:00〜0:00", "10 pm-midnight"),
    ("00:00", "01:30", "0:00〜1:30", "midnight-1:30 am"),
    ("12:30", "13:00", "12:30〜13:00", "12:30-1 pm"),
    ("00:30", "02:00", "0:30〜2:00", "12:30-2 am"),
    # No end time: from the start.
    ("19:00", "", "19:00〜", "from 7 pm"),
    ("12:00", "", "12:00〜", "from noon"),
    ("19:15", "", "19:15〜", "from 7:15 pm"),
])
def test_times_in_both_languages(start: str, end: str, ja: str, en: str) -> None:
    assert time_text(start, end) == ja
    assert time_text(start, end, "en") == en


def test_missing_parts_leave_the_rest() -> None:
    assert when_text("2026-11-20") == "2026年11月20日（金）"
    assert when_text("2026-11-20", lang="en") == "Friday 20 November 2026"
    assert when_text("", "19:00", "21:00") == "19:00〜21:00"
    assert when_text("", "19:00", "21:00", "en") == "7-9 pm"
    assert when_text("") == "" and when_text("", lang="en") == ""
    # An end alone says nothing a reader can use.
    assert time_text("", "21:00") == "" and time_text("", "21:00", "en") == ""


@pytest.mark.parametrize("bad", ["24:00", "7pm", "19:0", "１９:００", "19:60", ":30", "x",
                                 "123:00"])
def test_a_time_that_is_not_one_prints_nothing(bad: str) -> None:
    assert parse_time(bad) is None
    assert time_text(bad, "21:00") == ""


def test_a_date_that_is_not_one_is_printed_as_typed() -> None:
    assert date_text("2026-13-01") == "2026-13-01"
    assert date_text("2026-13-01", "en") == "2026-13-01"


@given(st.dates(min_value=datetime.date(1990, 1, 1), max_value=datetime.date(2100, 12, 31)))
def test_every_date_has_its_own_weekday(day: datetime.date) -> None:
    # English from the C library's own names (a second implementation): Python's
    # strftime uses the C locale unless a program changes it, which Yoriai never does.
    assert date_text(day.isoformat(), "en") == \
        f"{day.strftime('%A')} {day.day} {day.strftime('%B')} {day.year}"
    # Japanese: the weekday character agrees with the English name.
    weekday = dict(zip(["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"], "月火水木金土日",
                       strict=True))[day.strftime("%a")]
    assert date_text(day.isoformat()) == f"{day.year}年{day.month}月{day.day}日（{weekday}）"
