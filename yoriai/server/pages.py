"""HTTP pages: the facilitator home, the phone page, the projector, the console.

Pages are rendered once with what a first paint needs (title, QR code, words in the
visitor's language, the vocabulary block of ``vocab.py``); everything live arrives over the
WebSocket. A template is given a view of the workshop (``pageview.py``), never its state.
"""

from __future__ import annotations

import datetime
import unicodedata
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.templating import Jinja2Templates

from yoriai.facilitation.errors import Refusal
from yoriai.facilitation.program import Program
from yoriai.facilitation.steering import is_workshop_code
from yoriai.facilitation.venue import effective_wifi, wifi_uri

from . import qr
from .context import AppContext
from .hub import Room
from .i18n import LANGUAGES, catalogue, error_text, pick_language, translate
from .pageview import WorkshopPage, workshop_page
from .problems import Forbidden, HttpProblem, NotFound, UnknownWorkshop
from .vocab import vocabulary

COOKIE = "yoriai_key"
# A year: a phone that chose English at one meeting still reads English at the next.
LANG_COOKIE_SECS = 60 * 60 * 24 * 365

# The downloads the console offers, in the order an editor wants them; a test keeps this
# equal to the exporters' registry (which is not imported here: it loads reportlab).
EXPORT_FORMATS = ("html", "pdf", "docx", "md", "csv", "svg", "png", "json")

# Each page carries its words in the HTML (no extra request on a slow phone): only its own,
# not the other pages' namespaces, so the phone's first visit stays light.
PAGE_NAMESPACES = ("console.", "screen.", "home.", "handout.")
OWN_NAMESPACE = {"screen.html": "screen.", "home.html": "home.", "handout.html": "handout."}


def words_for(template: str, words: dict[str, str]) -> dict[str, str]:
    if template == "console.html":
        return words  # the laptop's console shows every kind of thing, and has no budget
    own = OWN_NAMESPACE.get(template)
    return {k: v for k, v in words.items()
            if not k.startswith(PAGE_NAMESPACES) or (own is not None and k.startswith(own))}


# What the code box keeps of what was typed, to show it back in a "not found" message: a
# code is at most 16 characters; more is not a code, and is not echoed whole.
CODE_ECHO_MAX_CHARS = 20

# A refused new workshop's numbers (a title's maximum length, say), as the home page reads
# them back from its address: a few digits; more is not ours, and is not echoed whole.
REFUSAL_PARAM_MAX_CHARS = 20


def code_candidates(raw: str) -> list[str]:
    """The workshop codes ``raw`` may mean, most likely first: as typed, then NFKC-folded
    (a phone's keyboard in Japanese mode types full-width ＡＢＣ１２３) and in either case
    (the server makes lower-case codes; a code given by hand or imported may be upper-case).
    Codes stay ASCII (``is_workshop_code``): only the edge is lenient."""
    folded = unicodedata.normalize("NFKC", raw).strip()
    out: list[str] = []
    for code in (raw, folded, folded.lower(), folded.upper()):
        if code not in out and is_workshop_code(code):
            out.append(code)
    return out


# The home page's form has three short fields; anything bigger is not from it.
FORM_MAX_BYTES = 4096


async def small_form(request: Request) -> dict[str, str]:
    """An urlencoded form, parsed without python-multipart (one dependency fewer)."""
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > FORM_MAX_BYTES:
            return {}
    try:
        pairs = parse_qsl(body.decode("utf-8"), max_num_fields=10)
    except (UnicodeDecodeError, ValueError):
        return {}
    return dict(pairs)


class Pages:
    def __init__(self, ctx: AppContext, templates: Jinja2Templates, static_version: str) -> None:
        self.ctx, self.templates, self.static_version = ctx, templates, static_version

    # --- helpers -----------------------------------------------------------------------

    @staticmethod
    def language(request: Request) -> str:
        return pick_language(request.headers.get("accept-language"),
                             request.query_params.get("lang") or request.cookies.get("lang"))

    def render(self, request: Request, name: str, status: int = 200, *,
               program: Program | None = None, **context: Any) -> Response:
        """Render a template with the page's words and its vocabulary block (``program``:
        the workshop's, whose steps the block lists)."""
        lang = self.language(request)
        words = words_for(name, catalogue(lang))

        def t(key: str, **params: Any) -> str:
            return translate(key, lang, **params)

        def t_en(key: str, **params: Any) -> str:
            return translate(key, "en", **params)

        context.update(lang=lang, t=t, t_en=t_en, words=words, vocab=vocabulary(lang, program),
                       static=f"/static/{self.static_version}", request=request)
        response = self.templates.TemplateResponse(request, name, context, status_code=status)
        chosen = request.query_params.get("lang")
        if chosen in LANGUAGES:
            # The language switch is remembered, so a reload does not switch back.
            response.set_cookie("lang", chosen, max_age=LANG_COOKIE_SECS, samesite="lax")
        return response

    def workshop(self, request: Request, room: Room) -> WorkshopPage:
        """What a template may show of the room: its durable state only (``room.state``
        may hold events still being written), as a view."""
        return workshop_page(room.shown, self.language(request))

    def is_facilitator(self, request: Request) -> bool:
        return self.ctx.secrets.is_facilitator(request.cookies.get(COOKIE))

    def key_redirect(self, request: Request) -> Response | None:
        """``?key=`` from the printed URL becomes a cookie, and leaves the address bar
        (and browser history) at once."""
        key = request.query_params.get("key")
        if key is None:
            return None
        params = {k: v for k, v in request.query_params.items() if k != "key"}
        target = request.url.path + (f"?{urlencode(params)}" if params else "")
        response = RedirectResponse(target, status_code=303)
        if self.ctx.secrets.is_facilitator(key):
            response.set_cookie(COOKIE, key, httponly=True, samesite="strict",
                                max_age=60 * 60 * 24 * 365)
        return response

    def require_facilitator(self, request: Request) -> None:
        if not self.is_facilitator(request):
            raise Forbidden()

    async def find_room(self, typed: str) -> Room | None:
        """The workshop a typed code names, in any case and full-width (see
        :func:`code_candidates`), or None. Raises ``WorkshopDamaged`` (from the hub) when
        its stored log does not load."""
        for code in code_candidates(typed):
            room = await self.ctx.hub.room(code)
            if room is not None:
                return room
        return None

    async def room(self, request: Request) -> Room:
        """The workshop named in the path. Raises :class:`UnknownWorkshop`, or
        ``WorkshopDamaged`` (from the hub) when its stored log does not load."""
        room = await self.find_room(request.path_params["code"])
        if room is None:
            raise UnknownWorkshop()
        return room

    @staticmethod
    def canonical(request: Request, room: Room) -> Response | None:
        """A page asked for by a code typed in another case or full-width goes to the
        workshop's own address, so that the page, its socket and its links agree."""
        if request.path_params["code"] == room.code:
            return None
        rest = request.url.path.split("/", 3)[3:]  # "", "w", the code, the rest
        target = f"/w/{quote(room.code)}" + "".join(f"/{part}" for part in rest)
        if request.url.query:
            target += f"?{request.url.query}"
        return RedirectResponse(target, status_code=307)

    def problem(self, request: Request, exc: HttpProblem) -> Response:
        """The one rendering of every HTTP error (see ``problems.py``), in the page's
        language: JSON for a client that asks for JSON and not for HTML (a script fetching
        an export), the error page for everyone else."""
        lang = self.language(request)
        message = error_text(exc.code, lang, **exc.params)
        accept = request.headers.get("accept", "")
        if "application/json" in accept and "text/html" not in accept:
            return JSONResponse({"error": {"code": exc.code, "message": message,
                                           "params": exc.params, "command": exc.command}},
                                status_code=exc.status,
                                headers={"cache-control": "no-store"})
        response = self.render(request, "error.html", exc.status, title_key=exc.title_key,
                               message=message, command=exc.command)
        response.headers["cache-control"] = "no-store"
        return response

    # --- pages -------------------------------------------------------------------------

    def today(self) -> str:
        """The laptop's date: what the new-workshop form starts with."""
        return datetime.datetime.fromtimestamp(self.ctx.clock()).astimezone().date().isoformat()

    async def home(self, request: Request) -> Response:
        """The facilitator's list of workshops and new-workshop form; for anyone else (a
        resident who typed the bare address) a box for the join code."""
        if (redirect := self.key_redirect(request)) is not None:
            return redirect
        if not self.is_facilitator(request):
            return self.render(request, "home.html", facilitator=False)
        workshops = await self.ctx.store.workshops()
        return self.render(request, "home.html", facilitator=True, workshops=workshops,
                           error=self.refusal_said(request), today=self.today())

    def refusal_said(self, request: Request) -> str | None:
        """The sentence for ``/?error=<code>&<param>=…`` (where ``create`` sends a refused
        new workshop), its numbers filled in. Only a code the catalogue knows is said, and
        each value is cut short: the address is typed by nobody, but anyone can make one."""
        query, lang = request.query_params, self.language(request)
        code = query.get("error")
        if not code or f"error.{code}" not in catalogue(lang):
            return None
        params = {k: v[:REFUSAL_PARAM_MAX_CHARS] for k, v in query.items() if k != "error"}
        return error_text(code, lang, **params)

    async def join(self, request: Request) -> Response:
        """``/join?code=…``: the home page's code box. A code that names a workshop goes to
        its join page; anything else comes back to the box with a message saying so (a
        person typing a code should never land on a bare 404)."""
        typed = request.query_params.get("code", "")
        room = await self.find_room(typed) if typed.strip() else None
        if room is not None:
            return RedirectResponse(f"/w/{quote(room.code)}", status_code=303)
        lang = self.language(request)
        shown = typed.strip()[:CODE_ECHO_MAX_CHARS]
        message = (translate("home.code_not_found", lang, code=shown) if shown
                   else translate("home.code_empty", lang))
        # 200: the answer to a form, read as a page (a 404 would show as a broken page in
        # some browsers and as an error in every console).
        return self.render(request, "home.html", facilitator=False, code_error=message,
                           typed=shown)

    async def create(self, request: Request) -> Response:
        self.require_facilitator(request)
        form = await small_form(request)
        title, center = form.get("title"), form.get("center")
        try:
            code = await self.ctx.hub.create_workshop(str(title or ""), str(center or ""),
                                                      date=str(form.get("date") or ""))
        except Refusal as exc:
            said = {"error": exc.code, **{k: str(v) for k, v in exc.params.items()}}
            return RedirectResponse(f"/?{urlencode(said)}", status_code=303)
        return RedirectResponse(f"/w/{code}/facilitate", status_code=303)

    async def participant(self, request: Request) -> Response:
        room = await self.room(request)
        if (moved := self.canonical(request, room)) is not None:
            return moved
        # ?preview=1: the facilitator sees what a phone shows now, without joining.
        return self.render(request, "participant.html", program=room.shown.program,
                           workshop=self.workshop(request, room),
                           preview=request.query_params.get("preview") == "1")

    async def screen(self, request: Request) -> Response:
        room = await self.room(request)
        if (moved := self.canonical(request, room)) is not None:
            return moved
        return self.render(request, "screen.html", program=room.shown.program,
                           workshop=self.workshop(request, room),
                           join_url=self.ctx.join_url(room.code))

    async def facilitate(self, request: Request) -> Response:
        if (redirect := self.key_redirect(request)) is not None:
            return redirect
        self.require_facilitator(request)
        room = await self.room(request)
        if (moved := self.canonical(request, room)) is not None:
            return moved
        response = self.render(request, "console.html", program=room.shown.program,
                               workshop=self.workshop(request, room),
                               export_formats=EXPORT_FORMATS,
                               join_url=self.ctx.join_url(room.code),
                               facilitator_key=self.ctx.secrets.facilitator_key)
        # The page carries the facilitator key: never kept in a cache (a shared laptop's
        # browser, the back button after logging off).
        response.headers["cache-control"] = "no-store"
        return response

    async def qr_svg(self, request: Request) -> Response:
        room = await self.room(request)
        return Response(qr.svg(self.ctx.join_url(room.code)), media_type="image/svg+xml",
                        headers={"cache-control": "no-cache"})

    async def wifi_svg(self, request: Request) -> Response:
        """The Wi-Fi QR code (a phone's camera offers to join the network): only when a
        password is set; without one there is nothing a QR code would save typing."""
        room = await self.room(request)
        wifi = effective_wifi(room.shown)
        if wifi is None or not wifi.password:
            raise NotFound("no_wifi_qr")
        # no-store: it carries the password, and changes when the facilitator changes it.
        return Response(qr.svg(wifi_uri(wifi)), media_type="image/svg+xml",
                        headers={"cache-control": "no-store"})

    async def healthz(self, request: Request) -> Response:
        return JSONResponse({"ok": True, "workshops_loaded": len(self.ctx.hub.rooms)})
