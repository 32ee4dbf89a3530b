"""Every limit in Yoriai, in one place, each with the reason it has the value it has.

The server imports these too (message size, outbox, rate); they live here because the
domain is the one package every other layer already depends on.
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

# The longest legitimate client message is a note edit with its envelope (about 1 KB in
# UTF-8); 16 KiB leaves room for growth while refusing pasted essays early. Messages over
# this get a readable error; messages over WS_HARD_MAX_BYTES are cut off by the transport.
MESSAGE_MAX_BYTES = 16 * 1024
WS_HARD_MAX_BYTES = 256 * 1024

# Client command ids are echoed in acks and kept for de-duplication; 64 characters fit a
# UUID with a prefix and keep the de-duplication table small. They are also limited to
# ASCII letters, digits and "-_.:" (see COMMAND_ID in server/ws.py): an id is stored and
# echoed as it came, so it must be plain text that nothing can choke on.
COMMAND_ID_MAX_CHARS = 64

# A phone that cannot read its events fast enough (sleeping radio, 2G) must not hold
# messages for the whole room: after this many unsent messages it is dropped and resyncs
# with a snapshot on reconnect. 512 covers a burst of every phone in a 200-seat room
# posting at once, twice over.
OUTBOX_MAX_MESSAGES = 512

# A connection being closed gets this long to send what it has queued and its close frame;
# a phone that does not read by then is cut off (it resyncs when it wakes).
DROP_GRACE_SECS = 5.0

# Wi-Fi access points and phone radios drop idle TCP connections after 30-60 s; a
# heartbeat every 20 s keeps the path open and lets the phone notice a dead link within
# HEARTBEAT_SECS * 2 without waiting for TCP.
HEARTBEAT_SECS = 20.0

# Before a phone has joined, its command id is all that ties a retried join to the first
# try (phones that have not joined share one actor): it must be random and long enough that
# two phones never choose the same one, or one would be handed the other's identity.
JOIN_ID_MIN_CHARS = 16

# A person types at most a note every few seconds; 5 messages per second sustained with
# a burst of 20 lets a phone replay its offline queue at once, while a script flooding
# the socket is told to slow down instead of slowing the room. The bucket is per person
# (all of their sockets share it) and, before joining, per address; every frame counts,
# read or not (pings, garbage and oversized frames too).
RATE_PER_SEC = 5.0
RATE_BURST = 20.0

# The facilitator's console legitimately sends bursts (sorting a hundred notes into themes,
# entering a paper sheet for someone without a phone); it holds the key, so it gets room.
FACILITATOR_RATE_PER_SEC = 50.0
FACILITATOR_RATE_BURST = 200.0

# One person may have the page open on a phone and a tablet, and reloads leave a dying
# socket behind for a while: four at once is generous; past that the oldest is closed, so
# a person who reloads never locks themselves out and no one can hold hundreds of sockets.
CONNECTIONS_PER_PARTICIPANT = 4

# A laptop serves one centre's workshops over years: a thousand is far beyond that, and
# the cap stops a script from filling the disk or the home page.
WORKSHOPS_MAX = 1000

# The first message must arrive quickly: a socket that never says hello only holds a slot.
HELLO_TIMEOUT_SECS = 10.0

# Sockets that are not yet anyone's (before the hello proves a token or the key, or the
# public board: phones before they join, the projector). A phone opens one per page; a
# few tabs, or a reload while the old socket is still closing, need a handful: 32 per
# address is generous for a phone and stops one device from holding hundreds (each costs
# ~45 KB and a file descriptor). The total admits a festival of 1,000 phones arriving at
# once and keeps file descriptors for the people who have joined. This assumes what a
# community centre's Wi-Fi gives: every phone has an address of its own and reaches the
# laptop on the same LAN, with no NAT in between. Phones behind one NAT router (a guest
# network in router mode) would share one address; these per-address values would then
# have to be raised. The laptop itself (localhost) is not counted.
UNJOINED_SOCKETS_PER_ADDRESS = 32
UNJOINED_SOCKETS_MAX = 1000

# A real phone joins once (twice if someone hands their phone to a neighbour): 10 joins
# at once and then one every 5 s per address lets that through, while a script cannot
# add hundreds of people from one address in seconds (a hundred takes it 7 minutes,
# which the facilitator sees on the console and can undo by removing them).
# The facilitator's 代理入力 (add_proxy) is not a join and is not counted.
JOINS_PER_ADDRESS_BURST = 10.0
JOINS_PER_ADDRESS_PER_SEC = 0.2

# Messages a socket has sent that the server has not read yet. A phone sends a few at a
# time, and replays its offline queue (tens of commands) at once; a script can pack
# thousands of small frames into one TCP read, which would all wait in memory for the
# sender's rate. Past this many the socket is closed (1008) and the rest is dropped unread.
WS_UNREAD_MESSAGES_MAX = 64

# A phone opens at most seven TCP connections to load a page (a browser opens up to six at
# once and keeps them for the next page; one more for the WebSocket), and reconnects with a
# backoff of half a second or more: 20 at once and then 2 a second per address is a few
# page loads at once and a reload every few seconds. More is a script re-opening sockets as
# fast as it can, each costing the server an HTTP parse, a WebSocket handshake and a whole
# snapshot of the board: its new connections are reset before a byte is read. The laptop
# itself (localhost) is not counted; the LAN assumption is UNJOINED_SOCKETS_PER_ADDRESS's.
CONNECTIONS_PER_ADDRESS_BURST = 20.0
CONNECTIONS_PER_ADDRESS_PER_SEC = 2.0

# An HTTP request (its headers, and its body if any) must arrive within this time of the
# connection opening or of the previous response: a phone on a busy Wi-Fi sends them in a
# packet or two, so 10 s covers many retransmissions, while a client that dribbles its
# headers to hold connections open (slowloris) is cut off.
HTTP_REQUEST_TIMEOUT_SECS = 10.0

# A restart replays from the latest snapshot: one every thousand events keeps a restart
# within a second however long the workshop runs, for a few milliseconds of work each time.
SNAPSHOT_EVERY_EVENTS = 1000

# Events kept in memory per workshop for resuming clients; a client further behind gets a
# snapshot, which is smaller than thousands of events anyway.
RESUME_WINDOW_EVENTS = 5000

# Seconds uvicorn waits for open connections at Ctrl-C before closing them: phones hold
# sockets open forever, so without a bound the laptop would never stop.
GRACEFUL_SHUTDOWN_SECS = 2

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
