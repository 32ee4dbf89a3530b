"""Every limit of the domain, in one place, each with the reason it has the value it has:
what a workshop may hold and what a person may type. The browser is told these (the
vocabulary block). The server's own tunables (message sizes, outbox, heartbeat, rates,
per-address counts) are in ``yoriai/server/limits.py``.
"""

from __future__ import annotations

# A sticky note is a sentence or two: 140 characters fit on a projected card at a size
# that people at the back of the room can read, and are quick to type on a phone.
NOTE_MAX_CHARS = 140

# Display names sit on cards and in the role table; 20 characters hold a full Japanese
# name with an honorific ("佐々木 ひろ子さん") or a group name.
NAME_MAX_CHARS = 20

# Workshop titles appear in the projector header and the newsletter headline.
TITLE_MAX_CHARS = 60
CENTER_MAX_CHARS = 30

# A workshop code is read off the projector and typed into a phone: the server makes them
# 6 characters long; a code given by hand (or carried in an archive) may be 4 to 16 ASCII
# letters and digits, short enough to type and to sit in a URL and a file name.
CODE_MIN_CHARS = 4
CODE_MAX_CHARS = 16

# The Wi-Fi phones should join (handout, projector, join page): an SSID is at most 32 bytes
# (IEEE 802.11), about ten Japanese characters; a WPA passphrase is 8 to 63 printable ASCII
# characters (802.11i). Anything else could never name or open a real network.
WIFI_NAME_MAX_BYTES = 32
WIFI_PASSWORD_MIN_CHARS = 8
WIFI_PASSWORD_MAX_CHARS = 63

# --- the five-step flow -------------------------------------------------------------------

# 共感 votes per person: the guideline's practice of a few votes each makes people choose;
# 10 is the most a facilitator may set before votes stop meaning anything.
DEFAULT_VOTE_BUDGET = 3
VOTE_BUDGET_MAX = 10

# A theme title is read from the back of the room: a short phrase.
THEME_TITLE_MAX_CHARS = 40
# A room of 30-150 people forms a handful of circles; 30 leaves room for a festival.
THEMES_MAX = 30

# A proposal's aim is one sentence, each idea a note-sized line; ten ideas fill a phone.
PROPOSAL_AIM_MAX_CHARS = 200
IDEA_MAX_CHARS = NOTE_MAX_CHARS
IDEAS_MAX = 10

# An action title heads a row of the role table in the newsletter.
ACTION_TITLE_MAX_CHARS = 60
FIRST_STEP_MAX_CHARS = NOTE_MAX_CHARS
PARTNER_MAX_CHARS = 30
PARTNERS_MAX = 8
RECORD_MAX_CHARS = 400
# A single evening settles on a handful of actions; a plan carried over many meetings (or a
# festival's) may gather a hundred. 200 keeps the role board and every phone's snapshot small.
ACTIONS_MAX = 200

# Ceilings that keep one workshop's state (and every snapshot) small enough for an old
# phone: a festival of 1,000 people posting a few notes each fits.
PARTICIPANTS_MAX = 1500
NOTES_MAX = 3000
REVIEWS_MAX = 500

# The ceilings by what they count, and how full one is when the console starts saying so:
# at 90% a room of 1,500 still has 150 joins to go — time to see a bot filling the room and
# remove it before real people are turned away.
CEILINGS = {"participants": PARTICIPANTS_MAX, "notes": NOTES_MAX, "themes": THEMES_MAX,
            "actions": ACTIONS_MAX, "reviews": REVIEWS_MAX}
NEAR_CEILING_SHARE = 0.9

# --- the newsletter page (newsletter.py) ----------------------------------------------------

# The lead paragraph opens the 会報's page: when, where, who and what was decided in a few
# sentences. 400 characters is about eight lines of an A4 column; more is an article,
# which the editor writes in Word, not on the console.
LEAD_MAX_CHARS = 400
# The next meeting's place: a centre's full name and a room (「西部市民サービスセンター
# 2階 和室」) with room to spare.
PLACE_MAX_CHARS = 40
# The contact line under the 次回 box (``yoriai contact``): a centre's name and telephone
# number, or an e-mail address, on one line.
CONTACT_MAX_CHARS = 80

# Photos of the evening (the sheets at each table, the room): a newsletter page holds a
# handful, and an evening of 10-15 tables photographed once or twice each, plus the room,
# is about 30; 40 leaves room without letting the data folder and the archive (which
# carries every photo, ~0.5-1 MB each after resizing) grow past ~40 MB per workshop.
PHOTOS_MAX = 40
# A caption is one line under a photo in the newsletter: 「3班の模造紙」「会場の様子」.
PHOTO_CAPTION_MAX_CHARS = 80

# --- map work (地図ワーク, maps.py) ----------------------------------------------------------

# A place on the map is a pair of whole numbers on a fixed grid over the image: 0 is the
# left (top) edge, MAP_GRID the right (bottom) edge. One ten-thousandth of the image is
# 0.24 px on a 2,400 px map, finer than any finger can tap; whole numbers keep JSON,
# equality and replay exact, and leave no way for NaN, infinities or 1e308 to arrive.
MAP_GRID = 10000
# The smallest area the projector may be focused on, per side: a tenth of the map. Past
# that a 2,400 px image shown on a 1,024 px projector is blown up more than 4x and blurs.
MAP_AREA_MIN = 1000
# The stored map image's long side in pixels (the upload resizes to it, a PDF page is
# rendered at it): street names of a district map stay legible when the projector or a
# phone zooms in, and the JPEG stays under ~1.5 MB for 200 phones on one Wi-Fi.
MAP_LONG_SIDE_PX = 2400
# The map's title sits above it on the projector and in the plan: 「西部地区 全図」「〇〇町
# 防災マップ」 — a short line, as long as a theme's title.
MAP_TITLE_MAX_CHARS = 40

# --- tables (班, tables.py) -------------------------------------------------------------------

# A hall of 200 at tables of 6-8 is about 30 tables; a festival of 1,000 does not sit at
# tables of one board. 40 leaves room, and keeps the projector's grid and every phone's
# snapshot (every table's view) small.
TABLES_MAX = 40
# People per table when the facilitator gives that rather than a count: a table is at least
# a pair (fewer is no table), and beyond 12 a table splits into two conversations anyway.
PER_TABLE_MIN = 2
PER_TABLE_MAX = 12
# A table's name sits beside its big number on the projector's grid and on each phone
# (「3班 子育て」): a short word or two.
TABLE_NAME_MAX_CHARS = 20
# World-café rounds: an evening runs 2-4; each round's seating is kept (who met whom), so a
# cap keeps that history, and the reshuffle over it, small.
ROUNDS_MAX = 10

# A countdown is for one activity of an evening: two hours is more than any.
TIMER_MAX_SECS = 2 * 60 * 60
TIMER_EXTEND_SECS = 60

# --- text a person types (see text.py) ------------------------------------------------------

# Lengths count the characters a person sees (grapheme clusters), so one "character" may be
# several code points: 「が」 as か + ゛, a flag (2), a family or a kiss with skin tones (the
# longest emoji people send, 10). 16 leaves room for new emoji and for the stacked clusters
# of Indic and Tibetan writing. More is a tower of combining marks ("Zalgo") that smears
# over the cards around it on the projector, and would let a 140-character note carry
# 100,000 code points: refused. So a text never holds more than 16 code points per
# character of its limit (2,240 for a note).
CHAR_MAX_CODEPOINTS = 16
