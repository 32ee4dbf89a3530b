"""The console's look at the newsletter page's lead paragraph made from the record.

The contact line is kept by :mod:`.contact` (one per data folder).

``GET /w/{code}/newsletter`` gives the facilitator's console the paragraph the page would
print now (``generated_lead``: it changes with joins and decisions, which do not resend the
workshop header), the facilitator's own (``lead``) and the contact line.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse

from yoriai.facilitation.newsletter import generated_lead

from .contact import read_contact
from .context import AppContext
from .pages import Pages


class NewsletterRoutes:
    def __init__(self, ctx: AppContext, pages: Pages) -> None:
        self.ctx, self.pages = ctx, pages

    async def lead(self, request: Request) -> JSONResponse:
        """``/w/{code}/newsletter``: the facilitator's look at the lead paragraph."""
        self.pages.require_facilitator(request)
        room = await self.pages.room(request)
        state = room.shown  # what is durable, as the exports print it
        return JSONResponse({
            "lead": state.newsletter.lead, "generated_lead": generated_lead(state),
            "contact": read_contact(self.ctx.settings.data_dir)},
            headers={"cache-control": "no-store"})
