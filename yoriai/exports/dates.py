"""Dates and times as people write them, in the page's language: 「2026年11月20日（金）
19:00〜21:00」 in a Japanese 会報, "Friday 20 November 2026, 7-9 pm" in English.

The workshop keeps an ISO date (``2026-11-20``) and times as ``HH:MM``: right for the log,
wrong for a newsletter, where a reader looks for the weekday first. Pure functions of
their arguments (no clock, no locale: a laptop set to English still prints a Japanese
page), used by the domain's lead paragraph and by every exporter alike.
"""

from __future__ import annotations

import datetime

JA_WEEKDAYS = ("月", "火", "水", "木", "金", "土", "日")
EN_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
EN_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
             "September", "October", "November", "December")
# 「19:00〜21:00」: the wave dash is how Japanese print writes a range.
JA_RANGE = "〜"
EN_RANGE = "-"


def parse_date(value: str) -> datetime.date | None:
    """``2026-11-20`` as a date, or None for an empty or malformed one."""
    try:
        return datetime.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def parse_time(value: str) -> tuple[int, int] | None:
    """``19:00`` as (19, 0), or None for an empty or malformed one."""
    hours, sep, minutes = value.partition(":")
    if not sep or not (hours.isascii() and hours.isdigit() and minutes.isascii()
                       and minutes.isdigit()) or len(minutes) != 2 or len(hours) > 2:
        return None
    h, m = int(hours), int(minutes)
    return (h, m) if h < 24 and m < 60 else None


def date_text(value: str, lang: str = "ja", *, year: bool = True) -> str:
    """「2026年11月20日（金）」 / "Friday 20 November 2026"; without ``year``
    「11月20日（金）」 / "Friday 20 November". A value that is not a date is given back as
    it is (a reader still sees what was typed)."""
    day = parse_date(value)
    if day is None:
        return value
    if lang == "en":
        text = f"{EN_WEEKDAYS[day.weekday()]} {day.day} {EN_MONTHS[day.month - 1]}"
        return f"{text} {day.year}" if year else text
    text = f"{day.month}月{day.day}日（{JA_WEEKDAYS[day.weekday()]}）"
    return f"{day.year}年{text}" if year else text


def ja_time(value: tuple[int, int]) -> str:
    """「19:00」, 「9:30」: the hour without a leading zero, as a poster writes it."""
    return f"{value[0]}:{value[1]:02d}"


def en_time(value: tuple[int, int], *, meridiem: bool = True) -> str:
    """"7 pm", "7:30 pm", "noon", "midnight", "12:30 am"; without ``meridiem`` the
    first of a range that shares it ("7" of "7-9 pm")."""
    h, m = value
    if m == 0 and h == 12:
        return "noon"
    if m == 0 and h == 0:
        return "midnight"
    clock = str(h % 12 or 12) + (f":{m:02d}" if m else "")
    return f"{clock} {'am' if h < 12 else 'pm'}" if meridiem else clock


def time_text(start: str, end: str = "", lang: str = "ja") -> str:
    """「19:00〜21:00」 / "7-9 pm"; 「19:00〜」 / "from 7 pm" with no end; "" with no
    start (an end alone tells a reader nothing)."""
    first, last = parse_time(start), parse_time(end)
    if first is None:
        return ""
    if lang != "en":
        return f"{ja_time(first)}{JA_RANGE}{ja_time(last) if last else ''}"
    if last is None:
        return f"from {en_time(first)}"
    # "7-9 pm" when both are in the afternoon; "11 am-1 pm" when they differ; noon and
    # midnight are words and carry no am/pm.
    words = {(0, 0), (12, 0)}
    same_half = (first[0] < 12) == (last[0] < 12) and first not in words and last not in words
    return f"{en_time(first, meridiem=not same_half)}{EN_RANGE}{en_time(last)}"


def when_text(date: str, start: str = "", end: str = "", lang: str = "ja", *,
              year: bool = True) -> str:
    """The date and the time together: 「2026年11月20日（金）19:00〜21:00」,
    "Friday 20 November 2026, 7-9 pm"; either part alone when the other is missing."""
    day, hours = date_text(date, lang, year=year), time_text(start, end, lang)
    if day and hours:
        return f"{day}, {hours}" if lang == "en" else f"{day}{hours}"
    return day or hours
