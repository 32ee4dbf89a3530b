"""Downloads for the facilitator console (the plan in every export format) and the join
handout to print for the tables.

The exporters are pure and can take a moment on a big workshop (the PDF lays out pages),
so a download renders a *copy* of the state in a worker thread: the room's event loop
keeps answering the phones meanwhile. The archive is made from the event log as stored,
up to what is durable, so that importing it reproduces exactly what the laptop has.
"""

from __future__ import annotations

import dataclasses
import datetime

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from yoriai.exports.plan import venue_of
from yoriai.exports.source import Source

from .check import replay_until_damage
from .contact import read_contact
from .context import AppContext
from .filenames import ascii_name, content_disposition, download_name
from .pages import Pages
from .photos import photos_for
from .problems import NotFound, WorkshopDamaged


class Downloads:
    def __init__(self, ctx: AppContext, pages: Pages) -> None:
        self.ctx, self.pages = ctx, pages

    def now(self) -> datetime.datetime:
        return datetime.datetime.fromtimestamp(self.ctx.clock()).astimezone()

    async def export(self, request: Request) -> Response:
        """``/w/{code}/export/{fmt}``: the facilitator's download of one format."""
        self.pages.require_facilitator(request)
        # The exporters (reportlab, python-docx) load on the first download, not at start:
        # the laptop must be serving the room within a second of `yoriai serve`.
        from yoriai.exports.registry import EXPORTERS

        fmt = EXPORTERS.get(request.path_params["fmt"])
        if fmt is None:
            raise NotFound("unknown_format", known=", ".join(EXPORTERS))
        room = await self.pages.room(request)
        if fmt.format == "json":
            durable = room.durable_seq
            try:
                stored, _ = await self.ctx.store.load(room.code)
            except ValueError as exc:  # a stored event that is not JSON
                raise WorkshopDamaged(room.code, f"an event cannot be read ({exc})") from exc
            events = [e for e in stored if e.seq <= durable]
            # The room may be served from a snapshot past an old hole: the archive is the
            # whole log, and must replay wherever it is imported.
            replayed = replay_until_damage(events)
            if replayed.damage is not None:
                raise WorkshopDamaged(room.code, replayed.damage)
            source = Source(replayed.state, self.now(), events)
        else:
            # Only what is durable: the room's state may hold events still being written.
            source = Source(room.shown.copy(), self.now(),
                            contact=read_contact(self.ctx.settings.data_dir))
        # The photos' files are read here, not by the exporters (which read no file).
        source = dataclasses.replace(source, photos=await run_in_threadpool(
            photos_for, self.ctx.settings.data_dir, source.state, fmt.format))
        data = await run_in_threadpool(fmt.render, source)
        today = source.generated_at.date()
        name = download_name(source.state, fmt.format, fmt.extension, today)
        fallback = ascii_name(source.state, fmt.format, fmt.extension, today)
        return Response(data, media_type=fmt.media_type, headers={
            "content-disposition": content_disposition(name, fallback),
            "cache-control": "no-store",
        })

    async def handout(self, request: Request) -> Response:
        """``/w/{code}/handout``: an A4 sheet to print and put on the tables — the Wi-Fi to
        join first (with its QR code when it has a password), the big QR code, the address
        to type, and the steps for someone who has never scanned one."""
        room = await self.pages.room(request)
        if (moved := self.pages.canonical(request, room)) is not None:
            return moved
        workshop = self.pages.workshop(request, room)  # a view of the durable state
        return self.pages.render(request, "handout.html", workshop=workshop,
                                 venue=venue_of(workshop.center),
                                 join_url=self.ctx.join_url(room.code))
