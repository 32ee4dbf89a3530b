"""The district's map over HTTP: the console's upload (an image or a page of a PDF), and the
map image every page of the workshop shows.

``POST /w/{code}/map`` takes one file as the request's body: a picture (JPEG, PNG, WebP,
GIF: a phone photo of the paper map, a scan) or a PDF (the city's own map; ``?page=N``,
1-based, picks the page, the first by default); ``?title=`` names it. Who sends it is
checked before a byte of the body is read, as for the photos of the evening (photos.py):
the facilitator's key cookie, or a つむぎすと's token in ``X-Yoriai-Token``. The body is
counted while it arrives (``MAP_UPLOAD_MAX_BYTES``). A picture is checked and cleaned like a
photo (its header's size against ``MAP_PIXELS_MAX`` before decoding, a full decode, upright,
no metadata) and shrunk to ``MAP_LONG_SIDE_PX`` on its long side; a PDF page is rendered by
PDFium at the scale that makes its long side ``MAP_LONG_SIDE_PX`` — whatever size its page
claims, the bitmap is never larger than that square. Both end as a fresh JPEG kept like a
photo, under the SHA-256 of its bytes (``<data>/photos/<sha256>.jpg``), and the upload sends
``add_map`` ``{hash, title, width, height}`` through the hub. As for photos, the command is
decided once before the body is read (who, the title, a map still holding pins), once more
before the file is written, and by the hub; a file this upload created that nothing holds
after a refusal is taken away again.

``GET /w/{code}/map/{hash}.jpg`` serves the workshop's current map to anyone who has the
workshop's address (phones place their notes on it, and it is on the projector anyway);
any other hash is 404.
"""

from __future__ import annotations

import hashlib
import io
import logging
import math
import os
import threading
import time
import uuid
from pathlib import Path
from typing import Any

from PIL import Image
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response

from yoriai.facilitation import limits as domain_limits
from yoriai.facilitation.commands import decide, effective_actor
from yoriai.facilitation.errors import Refusal

from . import limits
from .context import AppContext
from .pages import Pages
from .photos import (
    PhotoProblem,
    Photos,
    clean_image,
    clean_jpeg,
    photo_path,
    read_body,
    record_upload,
)
from .problems import HttpProblem, NotFound

log = logging.getLogger("yoriai.maps")

# A PDF starts with "%PDF-"; readers accept it anywhere in the first KiB (some writers put
# a byte-order mark or a mail header first), and so do we.
PDF_MAGIC = b"%PDF-"
PDF_MAGIC_WITHIN = 1024
# PDFium's load error for a document that needs a password to be opened (FPDF_ERR_PASSWORD).
# A PDF locked only against printing or copying (an owner password: many a city's maps)
# opens without one and is rendered as any other.
PDFIUM_ERR_PASSWORD = 4
# The trailer's key that every encrypted PDF carries (ISO 32000-1, 7.5.5 and 7.6.1).
ENCRYPT_KEY = b"/Encrypt"
# One map is prepared at a time. PDFium is one C library with global state, not safe to call
# from two threads at once (pypdfium2 says so); and a picture's decode may take ~200 MB
# (MAP_PIXELS_MAX as RGB). A second upload waits its turn: a workshop has one map, uploads
# are rare, and this bounds what they may take of the laptop to one core and one decode.
_PREPARING = threading.Lock()
# The stored map's side, from the domain: the add_map command checks width and height
# against it.
LONG_SIDE = domain_limits.MAP_LONG_SIDE_PX


class MapProblem(PhotoProblem):
    """A map's upload refused: a photo's refusal (its status and the catalogue's
    ``error.<code>``) under the map's own title."""

    title_key = "error.map_refused_title"


def too_large() -> MapProblem:
    return MapProblem(413, "map_too_large", max_mb=limits.MAP_UPLOAD_MAX_BYTES // (1024 * 1024))


def too_many_pixels() -> MapProblem:
    return MapProblem(413, "map_too_many_pixels", max_mp=limits.MAP_PIXELS_MAX // 1_000_000)


def not_an_image() -> MapProblem:
    return MapProblem(415, "map_not_an_image")


def pdf_broken() -> MapProblem:
    return MapProblem(422, "map_pdf_broken")


def refused(exc: Refusal) -> MapProblem:
    """A command's refusal as an HTTP answer: who may not (403), a map still holding pins
    (409), a record the store could not write (503, ``server_error``), anything else the
    request got wrong (422)."""
    if exc.code == "join_first":
        # The sender was removed while the file was on its way (decided again once it
        # arrived). join_first tells a phone's socket to join again; an upload's answer is
        # the removed person's, as if it had been asked before the body (§11).
        return MapProblem(403, "not_allowed", command="add_map")
    status = {"not_allowed": 403, "map_in_use": 409, "server_error": 503}.get(exc.code, 422)
    return MapProblem(status, exc.code, **exc.params)


def page_number(text: str | None) -> int:
    """``?page=``: a page number from 1, the first page when it is not given."""
    if text is None:
        return 1
    # ASCII digits only ("１" and "²" are digits to str.isdigit), and short: no page
    # number has twenty digits.
    if not (text.isascii() and text.isdigit() and len(text) <= 9) or int(text) < 1:
        raise MapProblem(422, "map_bad_page")
    return int(text)


# --- the image ---------------------------------------------------------------------------

def is_pdf(raw: bytes) -> bool:
    return PDF_MAGIC in raw[:PDF_MAGIC_WITHIN]


def prepare_map(raw: bytes, page: int = 1) -> tuple[bytes, int, int]:
    """The map as it is kept — a JPEG with no metadata, at most ``MAP_LONG_SIDE_PX`` on its
    long side — and its width and height. ``page`` is the PDF's page (ignored for a
    picture). Raises :class:`MapProblem` for anything else."""
    with _PREPARING:
        if is_pdf(raw):
            data = clean_jpeg(render_pdf(raw, page), LONG_SIDE, limits.MAP_JPEG_QUALITY)
        else:
            data = clean_image(raw, long_side=LONG_SIDE, pixels_max=limits.MAP_PIXELS_MAX,
                               quality=limits.MAP_JPEG_QUALITY, too_many=too_many_pixels,
                               not_image=not_an_image)
    with Image.open(io.BytesIO(data)) as stored:
        width, height = stored.size
    return data, width, height


def render_scale(width: float, height: float, long_side: int = LONG_SIDE) -> float:
    """The scale (pixels per PDF unit) at which a page of ``width`` x ``height`` units is
    rendered ``long_side`` pixels on its long side. The bitmap is sized from the page, so
    it is never larger than ``long_side`` squared whatever the page claims: a media box of
    200 x 200 inches is rendered small, not at 72 dpi into gigabytes. Half a pixel is kept
    in hand: PDFium rounds the bitmap's sides up."""
    if not (math.isfinite(width) and math.isfinite(height) and width > 0 and height > 0):
        raise pdf_broken()
    return (long_side - 0.5) / max(width, height)


def render_pdf(raw: bytes, page: int) -> Image.Image:
    """Page ``page`` (from 1) of the PDF in ``raw``, rendered on white, as an RGB image.
    Called with ``_PREPARING`` held (PDFium is used by one thread at a time)."""
    # Loaded on the first PDF, not at start (PDFium is a 6 MB library; most evenings
    # have no map, and the laptop must be serving within a second of `yoriai serve`).
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(raw)
    except pdfium.PdfiumError as exc:
        # PDFium's last error is the thread's, and some failures (a PDF with no page at
        # all) leave it as it was: after an encrypted PDF, the next broken one would be
        # called encrypted too. An encrypted PDF names its /Encrypt dictionary.
        if exc.err_code == PDFIUM_ERR_PASSWORD and ENCRYPT_KEY in raw:
            raise MapProblem(422, "map_pdf_encrypted") from None
        raise pdf_broken() from None
    except Exception:  # any damage PDFium's loader did not foresee
        raise pdf_broken() from None
    try:
        pages = len(pdf)
        if page > pages:
            raise MapProblem(422, "map_pdf_no_page", page=page, pages=pages)
        return _render_page(pdf, page - 1)
    except HttpProblem:
        raise
    except Exception:  # a page PDFium cannot draw
        raise pdf_broken() from None
    finally:
        pdf.close()


def _render_page(pdf: Any, index: int) -> Image.Image:
    """The page drawn into a bitmap sized from the page (see :func:`render_scale`), by
    PDFium's progressive renderer, which asks between its steps whether to pause: past
    ``MAP_RENDER_MAX_SECS`` it is told to, and the render is abandoned."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as fpdf

    page = pdf[index]
    try:
        width, height = page.get_size()  # in PDF units (1/72 in), turned by /Rotate
        scale = render_scale(float(width), float(height))
        columns, rows = math.ceil(width * scale), math.ceil(height * scale)
        if columns * rows > (LONG_SIDE + 1) ** 2:
            raise pdf_broken()  # cannot happen by render_scale; never allocate past it
        bitmap = pdfium.PdfBitmap.new_native(columns, rows, fpdf.FPDFBitmap_BGR)
        try:
            bitmap.fill_rect((255, 255, 255, 255), 0, 0, columns, rows)  # white paper
            deadline = time.monotonic() + limits.MAP_RENDER_MAX_SECS
            pause = fpdf.IFSDK_PAUSE(version=1)
            # Kept in a local for as long as PDFium may call it (ctypes would free it).
            too_long = type(pause.NeedToPauseNow)(lambda _: time.monotonic() > deadline)
            pause.NeedToPauseNow = too_long
            status = fpdf.FPDF_RenderPageBitmap_Start(bitmap, page, 0, 0, columns, rows, 0,
                                                      fpdf.FPDF_ANNOT, pause)
            while status == fpdf.FPDF_RENDER_TOBECONTINUED and time.monotonic() <= deadline:
                status = fpdf.FPDF_RenderPage_Continue(page, pause)
            fpdf.FPDF_RenderPage_Close(page)
            if status == fpdf.FPDF_RENDER_TOBECONTINUED:
                raise MapProblem(422, "map_pdf_too_slow", secs=limits.MAP_RENDER_MAX_SECS)
            if status != fpdf.FPDF_RENDER_DONE:
                raise pdf_broken()
            # A copy: the bitmap's own buffer is freed when it is closed.
            image: Image.Image = bitmap.to_pil().convert("RGB")
        finally:
            bitmap.close()
        return image
    finally:
        page.close()


# --- the routes --------------------------------------------------------------------------

class Maps:
    def __init__(self, ctx: AppContext, pages: Pages, photos: Photos) -> None:
        self.ctx, self.pages, self.photos = ctx, pages, photos

    @property
    def data_dir(self) -> Path:
        return self.ctx.settings.data_dir

    async def upload(self, request: Request) -> Response:
        """``POST /w/{code}/map``: the map as the body; answers its hash and size."""
        room = await self.pages.room(request)
        actor = self.photos.sender(request, room.code)
        # Authorised before the body is read: a participant's upload is never looked at.
        if not effective_actor(room.state, actor).privileged:
            raise MapProblem(403, "not_allowed", command="add_map")
        title = request.query_params.get("title", "")
        page = page_number(request.query_params.get("page"))
        try:
            # The title, and whether a map may be added at all (the current one's pins),
            # decided before the file is read: any hash and size will do here.
            decide(room.state, actor, "add_map",
                   {"hash": "0" * 64, "title": title, "width": 1, "height": 1},
                   self.ctx.clock())
        except Refusal as exc:
            raise refused(exc) from None
        raw = await read_body(request, limits.MAP_UPLOAD_MAX_BYTES, limits.MAP_DRAIN_MAX_BYTES)
        if raw is None:
            raise too_large()
        # Decoding and rendering take a moment (a PDF page a second or so): off the event
        # loop, so that the room's phones are answered meanwhile.
        data, width, height = await run_in_threadpool(prepare_map, raw, page)
        del raw
        image = hashlib.sha256(data).hexdigest()
        args = {"hash": image, "title": title, "width": width, "height": height}
        ack = await record_upload(self.ctx, room, actor, data, "add_map", args, refused)
        return JSONResponse({"hash": image, "width": width, "height": height, "seq": ack.seq},
                            headers={"cache-control": "no-store"})

    async def serve(self, request: Request) -> Response:
        """``GET /w/{code}/map/{hash}.jpg``: the workshop's current map, for anyone; and
        ``{hash}-phone.jpg``, the phones' smaller copy of it (made on first asking)."""
        room = await self.pages.room(request)
        name = request.path_params["name"]
        phone = name.endswith(PHONE_SUFFIX)
        image = name.removesuffix(PHONE_SUFFIX if phone else ".jpg")
        current = room.state.map
        if not name.endswith(".jpg") or current is None or current.hash != image:
            raise NotFound("unknown_map")
        path = photo_path(self.data_dir, image)
        if not await run_in_threadpool(path.is_file):
            raise NotFound("unknown_map")
        if phone:
            try:
                path = await run_in_threadpool(phone_copy, path)
            except OSError as exc:
                # The copy cannot be written (a full disk, a damaged folder): the phones are
                # given the map itself, the same shape (every place is where it was), only
                # larger, rather than no map at all for the rest of the evening.
                log.warning("serving the map itself: its phones' copy cannot be made: %s", exc)
        # Sent from the file in chunks as each phone takes them: when the whole room opens
        # the map step at once, 200 phones do not each hold a copy of 1-2 MB in memory.
        # The address names the bytes (their hash): they never change. Public: the map is
        # on the projector for the whole room, and every phone of the workshop loads it.
        return FileResponse(path, media_type="image/jpeg",
                            headers={"cache-control": "public, max-age=31536000, immutable"})


PHONE_SUFFIX = "-phone.jpg"
# One phone copy made at a time: when the room opens step 1, forty phones ask at once, and
# the first makes it while the others wait for the file rather than each decoding the map.
_PHONE_COPYING = threading.Lock()


def phone_copy(path: Path) -> Path:
    """The phones' copy of the stored map at ``path`` (``<hash>-phone.jpg`` beside it): at
    most ``MAP_PHONE_LONG_SIDE_PX`` on its long side, same shape, so a pin's place on the
    grid is the same on either. Made once and kept (derived from the map, so an archive
    does not carry it); a map already that small is its own copy."""
    copy = path.with_name(path.name.removesuffix(".jpg") + PHONE_SUFFIX)
    with _PHONE_COPYING:
        if copy.is_file():
            return copy
        with Image.open(path) as stored:
            if max(stored.size) <= limits.MAP_PHONE_LONG_SIDE_PX:
                return path
            data = clean_jpeg(stored, limits.MAP_PHONE_LONG_SIDE_PX,
                              limits.MAP_PHONE_JPEG_QUALITY)
        tmp = copy.with_name(f".{copy.name}.{uuid.uuid4().hex}.tmp")
        try:
            tmp.write_bytes(data)
            os.replace(tmp, copy)
        finally:
            tmp.unlink(missing_ok=True)
    return copy
