"""The WebSocket endpoint: handshake, hello, then commands in and events out.

See ``docs/protocol.md`` for the messages. This module only translates between the wire
and the hub: it checks the shape of each message, who is sending it, and how fast; the
domain decides everything else.

Every frame is paid for before it is looked at: it takes a token from its sender's bucket
(``floodgate.py``) first, so garbage, oversized and deeply nested frames cost a flooder
its rate like anything else. A sender over its rate is answered ``slow_down`` and not read
again until it has a token: the rest of its flood waits in its own TCP buffers, not in
the server's CPU.
"""

from __future__ import annotations

import asyncio
import json
import logging
import math
import re
import time
from collections.abc import Callable
from typing import Any

from starlette.websockets import WebSocket, WebSocketDisconnect

from yoriai.facilitation.commands import effective_actor
from yoriai.facilitation.errors import Refusal
from yoriai.facilitation.model import FACILITATOR, Actor, Role
from yoriai.server import limits

from .connection import (
    CLOSE_NORMAL,
    CLOSE_POLICY,
    CLOSE_SERVER_ERROR,
    CLOSE_TRY_AGAIN_LATER,
    Connection,
)
from .context import AppContext
from .floodgate import Floodgate, Ticket
from .hub import Ack, Room, ServerFault
from .i18n import LANGUAGES, error_text, pick_language
from .problems import WorkshopDamaged
from .suggestions import suggester

log = logging.getLogger("yoriai.ws")

# The workshop does not exist: the client shows it and stops reconnecting.
CLOSE_UNKNOWN_WORKSHOP = 4004
# Its stored log does not load (`yoriai check --repair` mends it): like 503 on its pages.
CLOSE_WORKSHOP_DAMAGED = 4503


# A command id is stored with the command and echoed in its ack or error: plain ASCII that
# no layer (JSON, SQLite, a log line) can choke on, as the browser's "c-" + 32 hex digits is.
COMMAND_ID = re.compile(rf"[A-Za-z0-9._:-]{{1,{limits.COMMAND_ID_MAX_CHARS}}}")

# A message answered without being parsed (over the rate, too large, not JSON) still gets
# its id back when the id is near the start, where clients put it ({"type":"cmd","id":…}):
# the server looks only at the first ID_PEEK_CHARS characters, so reading it costs nothing.
ID_PEEK_CHARS = 256
PEEK_ID = re.compile(rf'"id"\s*:\s*"({COMMAND_ID.pattern})"')


# Commands that record a file the server keeps (a photo, the map): only the HTTP upload sends
# them, after it has checked, cleaned and stored the file (photos.py, maps.py). Sent over
# the socket they would record a hash with no file behind it.
UPLOAD_ONLY = frozenset({"add_photo", "add_map"})
# A command only the server sends (`yoriai new`, the home page's form), never a socket: the
# socket's workshop exists, so deciding it there could only answer workshop_exists, a
# refusal of the home page's form that §5 says is never sent on a WebSocket.
SERVER_ONLY = frozenset({"create_workshop"})


def valid_id(raw: object) -> str | None:
    return raw if isinstance(raw, str) and COMMAND_ID.fullmatch(raw) else None


def peek_id(text: str | None) -> str | None:
    """The id of a message read from its first characters, without parsing it."""
    if not text:
        return None
    match = PEEK_ID.search(text, 0, ID_PEEK_CHARS)
    return match.group(1) if match else None


def too_large(text: str) -> bool:
    """Whether ``text`` is over MESSAGE_MAX_BYTES in UTF-8, encoding it only when its
    length in characters cannot tell (a character is 1 to 4 bytes)."""
    if len(text) > limits.MESSAGE_MAX_BYTES:
        return True
    if len(text) * 4 <= limits.MESSAGE_MAX_BYTES:
        return False
    return len(text.encode("utf-8", "surrogatepass")) > limits.MESSAGE_MAX_BYTES


class BadMessage(Exception):
    def __init__(self, code: str, command_id: str | None = None, **params: Any) -> None:
        super().__init__(code)
        self.code, self.command_id, self.params = code, command_id, params


def error_message(code: str, lang: str, command_id: str | None = None,
                  **params: Any) -> dict[str, Any]:
    return {"type": "error", "id": command_id, "code": code,
            "message": error_text(code, lang, **params), "params": params}


def _not_json(constant: str) -> Any:
    """Python's reader takes NaN, Infinity and -Infinity; JSON (RFC 8259) has none of them,
    and a NaN that got in would be stored, compared unequal to itself and written back out
    as something no other JSON reader takes."""
    raise ValueError(f"{constant} is not JSON")


def parse(text: str) -> dict[str, Any]:
    if too_large(text):
        raise BadMessage("message_too_large", peek_id(text), max=limits.MESSAGE_MAX_BYTES)
    try:
        msg = json.loads(text, parse_constant=_not_json)
    except (ValueError, RecursionError):
        # RecursionError: JSON nested deeper than the parser's stack ([[[[…]]]]).
        raise BadMessage("bad_json", peek_id(text)) from None
    if not isinstance(msg, dict):
        raise BadMessage("bad_message")
    if not isinstance(msg.get("type"), str):
        raise BadMessage("bad_message", valid_id(msg.get("id")))
    return msg


def client_address(ws: WebSocket) -> str:
    return ws.client.host if ws.client is not None else "unknown"


async def receive_text(conn: Connection) -> str:
    message = await conn.receive()
    if message["type"] == "websocket.disconnect":
        raise WebSocketDisconnect(message.get("code", CLOSE_NORMAL))
    text = message.get("text")
    if text is None:
        raise BadMessage("bad_message")
    return str(text)


async def endpoint(ws: WebSocket) -> None:
    ctx: AppContext = ws.app.state.ctx
    if not ctx.origin_allowed(ws.headers.get("origin"), ws.headers.get("host")):
        # Refused before accept: the browser sees a failed handshake (HTTP 403).
        await ws.close(CLOSE_POLICY)
        return
    await ws.accept()
    # Counted from here on, and released in the finally below whatever happens: a count
    # that leaked would shut an address out for good.
    gate: Floodgate = ctx.floodgate
    ticket = gate.admit(client_address(ws))
    conn = Connection(ws, ctx.clock())
    room: Room | None = None
    # Until the hello says otherwise, the language the browser asks for.
    lang = conn.lang = pick_language(ws.headers.get("accept-language"))
    try:
        if ticket is None:
            conn.deliver(error_message("too_many_connections", lang))
            conn.drop(CLOSE_TRY_AGAIN_LATER, "too many connections")
            return
        try:
            hello = parse(await asyncio.wait_for(receive_text(conn), limits.HELLO_TIMEOUT_SECS))
        except TimeoutError:
            conn.drop(CLOSE_POLICY, "no hello")
            return
        except BadMessage as exc:
            conn.deliver(error_message(exc.code, lang, exc.command_id, **exc.params))
            conn.drop(CLOSE_POLICY, "bad hello")
            return
        if hello.get("lang") in LANGUAGES:
            lang = conn.lang = str(hello["lang"])
        code = hello.get("workshop")
        if hello["type"] != "hello" or not isinstance(code, str):
            conn.deliver(error_message("hello_first", lang))
            conn.drop(CLOSE_POLICY, "hello first")
            return
        try:
            room = await ctx.hub.room(code) if code.isalnum() and len(code) <= 16 else None
        except WorkshopDamaged:
            conn.deliver(error_message("workshop_damaged", lang, workshop=code))
            conn.drop(CLOSE_WORKSHOP_DAMAGED, "workshop damaged")
            return
        if room is None:
            conn.deliver(error_message("unknown_workshop", lang))
            conn.drop(CLOSE_UNKNOWN_WORKSHOP, "unknown workshop")
            return
        conn.actor = authenticate(ctx, room, hello, conn, lang)
        if is_someone(conn.actor):
            gate.joined(ticket)
        epoch = hello.get("epoch") if isinstance(hello.get("epoch"), str) else None
        last_seq = hello.get("last_seq")
        if not isinstance(last_seq, int) or isinstance(last_seq, bool) or last_seq < 0:
            last_seq = None
        room.subscribe(conn, epoch, last_seq, ctx.clock())
        conn.push()  # its welcome and snapshot: never held for the room's pace
        await serve_commands(ctx, room, conn, ticket, lang)
    except WebSocketDisconnect:
        pass
    except Exception:
        # A bug, not the phone's doing: it reconnects and starts from a snapshot.
        log.exception("closing a socket after an unexpected error")
        conn.drop(CLOSE_SERVER_ERROR, "server error")
    finally:
        if ticket is not None:
            gate.release(ticket)
        if room is not None:
            room.unsubscribe(conn)
        conn.drop(CLOSE_NORMAL, "")
        sender = conn.sender  # started by the drop above
        if sender is not None and not sender.done():
            await asyncio.wait({sender}, timeout=1.0)  # let the close frame go out
        await conn.finish()


def authenticate(ctx: AppContext, room: Room, hello: dict[str, Any], conn: Connection,
                 lang: str) -> Actor:
    """The actor the hello proves; anything unproven sees only the public board. Keys and
    tokens are ASCII: anything else (a lone surrogate, say) is wrong without a look."""
    if "key" in hello:
        key = hello["key"]
        if isinstance(key, str) and key.isascii() and ctx.secrets.is_facilitator(key):
            return FACILITATOR
        conn.deliver(error_message("bad_key", lang))
    elif "token" in hello:
        token = hello["token"]
        ascii_token = token if isinstance(token, str) and token.isascii() else None
        pid = ctx.secrets.participant_of(room.code, ascii_token)
        if pid is not None and pid in room.state.participants:
            return effective_actor(room.state, Actor(Role.PARTICIPANT, pid))
        # Forged, or from another workshop or data folder: the phone forgets it and
        # offers to join again.
        conn.deliver(error_message("bad_token", lang))
    return Actor(Role.PROJECTOR)


def is_someone(actor: Actor) -> bool:
    """Whether a socket speaks for a person (a participant or the facilitator), rather
    than showing the public board as every phone does before it joins."""
    return actor.role is Role.FACILITATOR or actor.participant_id is not None


async def serve_commands(ctx: AppContext, room: Room, conn: Connection, ticket: Ticket,
                         lang: str) -> None:
    gate: Floodgate = ctx.floodgate

    def reply(message: dict[str, Any]) -> None:
        """What the phone is sent for what it sent: written now, never held for the pace
        of the room's fan-out (connection.FLUSH_PACE_SECS)."""
        conn.deliver(message)
        conn.push()

    while True:
        message = await conn.receive()
        if message["type"] == "websocket.disconnect":
            raise WebSocketDisconnect(message.get("code", CLOSE_NORMAL))
        text = message.get("text")
        # Rates are counted on the monotonic clock, never the wall clock: a laptop whose clock
        # is set back (it syncs when it joins the centre's Wi-Fi) would otherwise refill no
        # bucket until the wall clock caught up, and every phone would be told to slow down.
        now = time.monotonic()
        # The person's bucket (their role may have changed since the last frame).
        bucket = gate.bucket(ticket, room.code, conn.actor, now)
        if not bucket.take(now):
            reply(error_message("slow_down", lang, peek_id(text)))
            await asyncio.sleep(bucket.wait(now))
            continue
        command_id: str | None = None
        try:
            if text is None:
                raise BadMessage("bad_message")  # a binary frame
            msg = parse(text)
            command_id = valid_id(msg.get("id"))
            if msg["type"] == "ping":
                reply({"type": "pong", "now": ctx.clock()})
                continue
            if msg["type"] == "suggest":  # a console asks for 「まとめ方の提案」
                refused = suggester(ctx).request(room, conn, msg)
                if refused is not None:
                    raise BadMessage(refused, command_id)
                continue
            if msg["type"] != "cmd":
                raise BadMessage("bad_message", command_id)
            if command_id is None:
                raise BadMessage("bad_command_id")
            name, args = msg.get("name"), msg.get("args", {})
            if not isinstance(name, str) or not isinstance(args, dict):
                raise BadMessage("bad_message", command_id)
            if name in UPLOAD_ONLY:
                raise BadMessage("upload_only", command_id, command=name)
            if name in SERVER_ONLY:
                raise BadMessage("not_allowed", command_id, command=name)
            if name == "join" and len(command_id) < limits.JOIN_ID_MIN_CHARS:
                raise BadMessage("bad_command_id", command_id)
            if (name == "join" and not is_someone(conn.actor)
                    and not ctx.hub.known(room, conn.actor, command_id)):
                # A join sent again after its ack was lost is answered from memory below,
                # whatever the address's join rate: only a new join is counted.
                wait = gate.may_join(ticket, now)
                if wait:
                    raise BadMessage("too_many_joins", command_id, seconds=math.ceil(wait))
            ack = await ctx.hub.submit(room, conn.actor, command_id, name, args, origin=conn,
                                       reply=answer_with(ctx, room, conn, command_id, name))
        except BadMessage as exc:
            reply(error_message(exc.code, lang, exc.command_id or command_id,
                                       **exc.params))
            continue
        except Refusal as exc:
            reply(error_message(exc.code, lang, command_id, **exc.params))
            continue
        except ServerFault:
            # This command failed to store; the room is fine and this socket stays.
            reply(error_message("server_error", lang, command_id))
            continue
        joined = name == "join" and "participant_id" in ack.result
        if joined and conn.actor.role is Role.PROJECTOR:
            # The connection now speaks for the new participant: start it afresh.
            room.unsubscribe(conn)
            conn.actor = Actor(Role.PARTICIPANT, ack.result["participant_id"])
            gate.joined(ticket)
            room.subscribe(conn, None, None, ctx.clock())
            conn.push()  # its own snapshot: never held for the room's pace


def answer_with(ctx: AppContext, room: Room, conn: Connection, command_id: str,
                name: str) -> Callable[[Ack], None]:
    """What sends a command's ack: the hub calls it as soon as the command's events are
    broadcast (see ``Hub.submit``). A join's ack carries the new participant's token."""

    def answer(ack: Ack) -> None:
        result = dict(ack.result)
        if name == "join" and "participant_id" in result:
            result["token"] = ctx.secrets.token_for(room.code, result["participant_id"])
        conn.deliver({"type": "ack", "id": command_id, "seq": ack.seq, "result": result})
        conn.push()  # with its event, ahead of the room's fan-out

    return answer
