"""The server's own tunables, each with the reason it has the value it has.

What a workshop may hold and what a person may type (note length, vote budget, ceilings)
is the domain's, in ``yoriai/facilitation/limits.py``, and the browser is told those. What
is here only the server acts on: the wire (message sizes, command ids), the sockets
(outbox, heartbeat, grace periods), the floodgate (rates and per-address counts), and the
room in memory (snapshots, the resume window, coalescing). docs/protocol.md lists both
modules (tests/server/test_limits.py and tests/facilitation/test_messages.py keep it so).
"""

from __future__ import annotations

# --- the wire -----------------------------------------------------------------------------

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

# Before a phone has joined, its command id is all that ties a retried join to the first
# try (phones that have not joined share one actor): it must be random and long enough that
# two phones never choose the same one, or one would be handed the other's identity.
JOIN_ID_MIN_CHARS = 16

# --- one socket ---------------------------------------------------------------------------

# A phone that cannot read its events fast enough (sleeping radio, 2G) must not hold
# messages for the whole room: after this many unsent messages it is dropped and resyncs
# with a snapshot on reconnect. 512 covers a burst of every phone in a 200-seat room
# posting at once, twice over.
OUTBOX_MAX_MESSAGES = 512

# Messages waiting for one phone go out in one frame (a "batch") of at most this many
# characters of JSON (a single larger message goes alone): 64 KiB is a few hundred events,
# read by an old phone in one go without a long pause, and well under what a browser
# accepts in a frame.
BATCH_MAX_CHARS = 64 * 1024

# A connection being closed gets this long to send what it has queued and its close frame;
# a phone that does not read by then is cut off (it resyncs when it wakes).
DROP_GRACE_SECS = 5.0

# Wi-Fi access points and phone radios drop idle TCP connections after 30-60 s; a
# heartbeat every 20 s keeps the path open and lets the phone notice a dead link within
# HEARTBEAT_SECS * 2 without waiting for TCP.
HEARTBEAT_SECS = 20.0
# The phones of a room are not all sent their heartbeat at the same moment: that was a
# burst of one message per phone every 20 s (500 at once in a big room), and the notes
# posted just then waited behind it. Each phone has one of this many slots, and one slot
# is beaten every HEARTBEAT_SECS / HEARTBEAT_SLOTS (1 s): every phone still hears one
# heartbeat every HEARTBEAT_SECS, the room a twentieth of them at a time.
HEARTBEAT_SLOTS = 20

# The first message must arrive quickly: a socket that never says hello only holds a slot.
HELLO_TIMEOUT_SECS = 10.0

# One person may have the page open on a phone and a tablet, and reloads leave a dying
# socket behind for a while: four at once is generous; past that the oldest is closed, so
# a person who reloads never locks themselves out and no one can hold hundreds of sockets.
CONNECTIONS_PER_PARTICIPANT = 4

# --- the floodgate (see floodgate.py) -------------------------------------------------------

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

# Seconds uvicorn waits for open connections at Ctrl-C before closing them: phones hold
# sockets open forever, so without a bound the laptop would never stop.
GRACEFUL_SHUTDOWN_SECS = 2

# --- photos of the evening (server/photos.py) ---------------------------------------------

# An upload's body: a phone camera's JPEG is 2-8 MB, a 48-megapixel one up to ~12 MB; 15 MB
# takes every photo a phone or a compact camera makes, and bounds what one request may make
# the laptop hold in memory. Counted while the body arrives, never after reading it all.
PHOTO_UPLOAD_MAX_BYTES = 15 * 1024 * 1024
# Past the limit the rest of the body is read and thrown away (so that the browser gets the
# answer instead of a broken connection), up to this much; then the connection is cut.
PHOTO_DRAIN_MAX_BYTES = 2 * PHOTO_UPLOAD_MAX_BYTES
# Decoded pixels, checked from the header before anything is decoded: a 48-megapixel phone
# photo fits; a small file claiming more (a decompression bomb) would need over 200 MB of
# memory to decode and is refused unread. Below Pillow's own warning (89 Mpx).
PHOTO_PIXELS_MAX = 50_000_000
# The stored photo's longest side: 2000 px prints a full A4 width at ~250 dpi, and keeps a
# photo around 0.5-1 MB, so forty of them travel in an archive.
PHOTO_LONG_SIDE_PX = 2000
# JPEG quality of the stored photo: 85 shows no artefacts in print at a third of the size
# of 95.
PHOTO_JPEG_QUALITY = 85

# --- the district's map (server/maps.py) --------------------------------------------------

# An upload's body: a city's A3 map as a PDF is 2-20 MB (vector streets, often with an aerial
# photo beneath), a phone photo of a paper map 3-8 MB; 30 MB takes them and bounds what one
# request may make the laptop hold. Counted while the body arrives, never after reading it.
MAP_UPLOAD_MAX_BYTES = 30 * 1024 * 1024
# Past the limit the rest of the body is read and thrown away up to this much (so that the
# browser reads the answer, not a reset connection); then the connection is cut.
MAP_DRAIN_MAX_BYTES = 2 * MAP_UPLOAD_MAX_BYTES
# Decoded pixels of an image, checked from its header before anything is decoded: a scan of
# an A3 map at 400 dpi (31 Mpx) and a 48-megapixel phone photo fit; a small file claiming
# more (a decompression bomb) is refused unread. Below Pillow's own warning (89 Mpx).
MAP_PIXELS_MAX = 50_000_000
# The stored map's JPEG quality: higher than a photo's, since a map is thin lines and small
# street names, where JPEG's ringing shows first; a 2,400 px map stays around 1-2 MB.
MAP_JPEG_QUALITY = 90
# The phones' copy of the map (``/w/{code}/map/{hash}-phone.jpg``): a phone shows the map
# about 330 px wide and street names are read zoomed 4-5x, so 1,600 px keeps them sharp;
# at quality 80 it is about a quarter of the stored map's bytes, which matters when 30-40
# phones open step 1 at once over the centre's Wi-Fi (a 2 MB city map: 80 MB become ~20).
MAP_PHONE_LONG_SIDE_PX = 1600
MAP_PHONE_JPEG_QUALITY = 80
# A PDF page's render is given this long: a city's densest page renders in a few seconds
# (bench/map_upload.py: a page of 100,000 shapes in 9 s on a loaded 2-core machine); a page
# still drawing after a minute was made to stall the laptop, or is beyond what it can do,
# and holds a core and the one PDFium lock until then. Refused: save the page as an image.
MAP_RENDER_MAX_SECS = 60

# --- the room in memory -------------------------------------------------------------------

# A laptop serves one centre's workshops over years: a thousand is far beyond that, and
# the cap stops a script from filling the disk or the home page.
WORKSHOPS_MAX = 1000

# A restart replays from the latest snapshot: one every thousand events keeps a restart
# within a second however long the workshop runs, for a few milliseconds of work each time.
SNAPSHOT_EVERY_EVENTS = 1000

# Events kept in memory per workshop for resuming clients; a client further behind gets a
# snapshot, which is smaller than thousands of events anyway.
RESUME_WINDOW_EVENTS = 5000

# A join changes only the head count for everyone but the facilitators: those updates are
# sent to the room at most once per this many seconds, the latest count only (anything
# else that happens sends the count first, so no one ever sees an older one). Without
# this, 1,000 phones arriving together would be sent a million head counts; four a second
# still looks live on the projector.
COUNT_EVERY_SECS = 0.25
