"""The WebSocket endpoint: handshake, hello, then commands in and events out.

See ``docs/protocol.md`` for the messages. This module only translates between the wire
and the hub: it checks the shape of each message, who is sending it, and how fast; the
domain decides everything else.
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

from starlette.websockets import WebSocket, WebSocketDisconnect

from yoriai.facilitation import limits
from yoriai.facilitation.commands import effective_actor
from yoriai.facilitation.errors import Refusal
from yoriai.facilitation.model import FACILITATOR, Actor, Role

from .connection import CLOSE_POLICY, Connection, TokenBucket
from .context import AppContext
from .hub import Room, ServerFault
from .i18n import LANGUAGES, error_text
from .problems import WorkshopDamaged

log = logging.getLogger("yoriai.ws")

# The workshop does not exist: the client shows it and stops reconnecting.
CLOSE_UNKNOWN_WORKSHOP = 4004
# Its stored log does not load (`yoriai check --repair` mends it): like 503 on its pages.
CLOSE_WORKSHOP_DAMAGED = 4503


class BadMessage(Exception):
    def __init__(self, code: str, command_id: str | None = None, **params: Any) -> None:
        super().__init__(code)
        self.code, self.command_id, self.params = code, command_id, params


def error_message(code: str, lang: str, command_id: str | None = None,
                  **params: Any) -> dict[str, Any]:
    return {"type": "error", "id": command_id, "code": code,
            "message": error_text(code, lang, **params), "params": params}


def parse(text: str) -> dict[str, Any]:
    if len(text.encode("utf-8")) > limits.MESSAGE_MAX_BYTES:
        raise BadMessage("message_too_large", max=limits.MESSAGE_MAX_BYTES)
    try:
        msg = json.loads(text)
    except ValueError:
        raise BadMessage("bad_json") from None
    if not isinstance(msg, dict) or not isinstance(msg.get("type"), str):
        raise BadMessage("bad_message")
    return msg


async def receive_text(conn: Connection) -> str:
    message = await conn.receive()
    if message["type"] == "websocket.disconnect":
        raise WebSocketDisconnect(message.get("code", 1000))
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
    conn = Connection(ws, ctx.clock())
    room: Room | None = None
    lang = "ja"
    try:
        try:
            hello = parse(await asyncio.wait_for(receive_text(conn), limits.HELLO_TIMEOUT_SECS))
        except TimeoutError:
            conn.drop(CLOSE_POLICY, "no hello")
            return
        except BadMessage as exc:
            conn.deliver(error_message(exc.code, lang, **exc.params))
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
        if conn.actor.role is Role.FACILITATOR:
            conn.bucket = TokenBucket(limits.FACILITATOR_RATE_PER_SEC,
                                      limits.FACILITATOR_RATE_BURST, ctx.clock())
        epoch = hello.get("epoch") if isinstance(hello.get("epoch"), str) else None
        last_seq = hello.get("last_seq")
        if not isinstance(last_seq, int) or isinstance(last_seq, bool) or last_seq < 0:
            last_seq = None
        room.subscribe(conn, epoch, last_seq, ctx.clock())
        await serve_commands(ctx, room, conn, lang)
    except WebSocketDisconnect:
        pass
    finally:
        if room is not None:
            room.unsubscribe(conn)
        conn.drop(1000, "")
        if not conn.sender.done():
            await asyncio.wait({conn.sender}, timeout=1.0)  # let the close frame go out
        await conn.finish()


def authenticate(ctx: AppContext, room: Room, hello: dict[str, Any], conn: Connection,
                 lang: str) -> Actor:
    """The actor the hello proves; anything unproven sees only the public board."""
    if "key" in hello:
        if ctx.secrets.is_facilitator(hello["key"]):
            return FACILITATOR
        conn.deliver(error_message("bad_key", lang))
    elif "token" in hello:
        pid = ctx.secrets.participant_of(room.code, hello["token"])
        if pid is not None and pid in room.state.participants:
            return effective_actor(room.state, Actor(Role.PARTICIPANT, pid))
        # Forged, or from another workshop or data folder: the phone forgets it and
        # offers to join again.
        conn.deliver(error_message("bad_token", lang))
    return Actor(Role.PROJECTOR)


async def serve_commands(ctx: AppContext, room: Room, conn: Connection, lang: str) -> None:
    while True:
        text = await receive_text_or_error(conn, lang)
        if text is None:
            continue
        command_id: str | None = None
        try:
            msg = parse(text)
            raw_id = msg.get("id")
            if isinstance(raw_id, str) and 0 < len(raw_id) <= limits.COMMAND_ID_MAX_CHARS:
                command_id = raw_id
            # Every message counts against the bucket, not only commands: a flood of pings
            # or unknown types is told to slow down like any other.
            if not conn.bucket.take(ctx.clock()):
                raise BadMessage("slow_down", command_id)
            if msg["type"] == "ping":
                conn.deliver({"type": "pong", "now": ctx.clock()})
                continue
            if msg["type"] != "cmd":
                raise BadMessage("bad_message", command_id)
            if command_id is None:
                raise BadMessage("bad_command_id")
            name, args = msg.get("name"), msg.get("args", {})
            if not isinstance(name, str) or not isinstance(args, dict):
                raise BadMessage("bad_message", command_id)
            if name == "join" and len(command_id) < limits.JOIN_ID_MIN_CHARS:
                raise BadMessage("bad_command_id", command_id)
            ack = await ctx.hub.submit(room, conn.actor, command_id, name, args)
        except BadMessage as exc:
            conn.deliver(error_message(exc.code, lang, exc.command_id or command_id,
                                       **exc.params))
            continue
        except Refusal as exc:
            conn.deliver(error_message(exc.code, lang, command_id, **exc.params))
            continue
        except ServerFault:
            # This command failed to store; the room is fine and this socket stays.
            conn.deliver(error_message("server_error", lang, command_id))
            continue
        result = dict(ack.result)
        joined = name == "join" and "participant_id" in result
        if joined:
            result["token"] = ctx.secrets.token_for(room.code, result["participant_id"])
        conn.deliver({"type": "ack", "id": command_id, "seq": ack.seq, "result": result})
        if joined and conn.actor.role is Role.PROJECTOR:
            # The connection now speaks for the new participant: start it afresh.
            room.unsubscribe(conn)
            conn.actor = Actor(Role.PARTICIPANT, result["participant_id"])
            room.subscribe(conn, None, None, ctx.clock())


async def receive_text_or_error(conn: Connection, lang: str) -> str | None:
    try:
        return await receive_text(conn)
    except BadMessage as exc:
        conn.deliver(error_message(exc.code, lang))
        return None
