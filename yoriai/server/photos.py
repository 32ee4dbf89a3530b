"""Photos of the evening over HTTP: the console's upload, and the photos it shows back.

``POST /w/{code}/photos`` takes one image as the request's body (``?caption=`` optional).
Who sends it is checked before a byte of the body is read: the facilitator (the console's
key cookie) or a つむぎすと (co-facilitator: their participant token in the
``X-Yoriai-Token`` header); a participant, or no one, is refused. The body is counted while
it arrives (``PHOTO_UPLOAD_MAX_BYTES``), then Pillow checks it is really an image (the
header's size against ``PHOTO_PIXELS_MAX`` before decoding, ``verify``, then a full
decode), turns it upright by its EXIF orientation, shrinks it to ``PHOTO_LONG_SIDE_PX``
and writes a fresh JPEG with no metadata at all: no GPS position, no camera owner, no
thumbnail, leaves the laptop in an export or an archive.

The file is kept in the data folder under the SHA-256 of those bytes
(``<data>/photos/<sha256>.jpg``, one copy for every workshop that has it), never in the
event log; then the upload sends ``add_photo`` ``{hash, caption}`` through the hub like
any command, so it is authorised per message, acked and broadcast to the console. The
command is decided once *before* the file is written (a refusal stores nothing) and again
by the hub; should the second be refused (a race with another upload), a file this upload
created and nothing holds is taken away again.

``GET /w/{code}/photos/{hash}.jpg`` serves a photo of the workshop to the console only.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import io
import os
import tempfile
import uuid
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from PIL import Image, ImageOps
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from yoriai.facilitation.commands import decide, effective_actor
from yoriai.facilitation.errors import Refusal
from yoriai.facilitation.model import FACILITATOR, Actor, Role, WorkshopState
from yoriai.facilitation.photos import is_photo_hash

from . import limits
from .context import AppContext
from .hub import Ack, Room, ServerFault
from .pages import Pages
from .problems import Forbidden, HttpProblem, NotFound

PHOTOS_DIR = "photos"
# The header a つむぎすと's page sends its participant token in (the console's facilitator
# sends the key cookie instead).
TOKEN_HEADER = "x-yoriai-token"
# What a phone or a camera makes; Pillow reads each. (iPhones send HEIC as JPEG through a
# file input.) MPO is the JPEG some cameras write with a second image inside.
FORMATS = frozenset({"JPEG", "MPO", "PNG", "WEBP", "GIF"})


class PhotoProblem(HttpProblem):
    """An upload refused, with its status and the catalogue's ``error.<code>``."""

    title_key = "error.photo_refused_title"

    def __init__(self, status: int, code: str, **params: Any) -> None:
        super().__init__(code, **params)
        self.status = status


def too_large() -> PhotoProblem:
    return PhotoProblem(413, "photo_too_large",
                        max_mb=limits.PHOTO_UPLOAD_MAX_BYTES // (1024 * 1024))


def too_many_pixels() -> PhotoProblem:
    return PhotoProblem(413, "photo_too_many_pixels",
                        max_mp=limits.PHOTO_PIXELS_MAX // 1_000_000)


def not_an_image() -> PhotoProblem:
    return PhotoProblem(415, "not_an_image")


def refused(exc: Refusal) -> PhotoProblem:
    """A command's refusal as an HTTP answer: who may not (403), a full workshop (409), a
    record the store could not write (503, ``server_error``), anything else the request got
    wrong (422)."""
    if exc.code == "join_first":
        # The sender was removed while the photo was on its way (decided again once it
        # arrived): answered as a removed person's token is before the body (§9), not
        # with the socket's "join first".
        return PhotoProblem(403, "not_allowed", command="add_photo")
    status = {"not_allowed": 403, "too_many_photos": 409, "server_error": 503}.get(exc.code, 422)
    return PhotoProblem(status, exc.code, **exc.params)


# --- the image ---------------------------------------------------------------------------

def prepare(raw: bytes) -> bytes:
    """The photo as it is kept: upright, at most ``PHOTO_LONG_SIDE_PX`` on its longest
    side, a JPEG with no metadata. Raises :class:`PhotoProblem` for anything that is not an
    image Pillow reads whole."""
    return clean_image(raw, long_side=limits.PHOTO_LONG_SIDE_PX,
                       pixels_max=limits.PHOTO_PIXELS_MAX, quality=limits.PHOTO_JPEG_QUALITY,
                       too_many=too_many_pixels, not_image=not_an_image)


def clean_image(raw: bytes, *, long_side: int, pixels_max: int, quality: int,
                too_many: Callable[[], HttpProblem],
                not_image: Callable[[], HttpProblem]) -> bytes:
    """``raw`` as a kept image: upright, at most ``long_side`` on its longest side, a JPEG
    with no metadata; ``too_many()`` or ``not_image()`` is raised for a file that claims
    more than ``pixels_max`` pixels or is not an image Pillow reads whole. The photos and
    the map (maps.py) are prepared alike, each with its own limits and words."""
    try:
        with Image.open(io.BytesIO(raw)) as probe:
            if probe.format not in FORMATS:
                raise not_image()
            width, height = probe.size
            if width * height > pixels_max:
                raise too_many()  # decided from the header: nothing decoded
            probe.verify()  # the file's structure (chunks and their checksums)
        with Image.open(io.BytesIO(raw)) as image:
            if image.format == "JPEG":
                # Let the JPEG decoder scale down by 1/2, 1/4 or 1/8 as it decodes: a
                # 48-megapixel photo decodes in a fraction of the time and memory.
                image.draft("RGB", (long_side, long_side))
            image.load()  # every pixel: a truncated file fails here
            return clean_jpeg(image, long_side, quality)
    except HttpProblem:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise too_many() from None
    except Exception:  # Pillow says "not an image" in many ways (OSError, SyntaxError …)
        raise not_image() from None


def _upright(image: Image.Image) -> Image.Image:
    try:
        return ImageOps.exif_transpose(image)
    except Exception:  # a damaged EXIF block: the photo itself is fine, keep it as it is
        return image


def _eight_bits(image: Image.Image) -> Image.Image:
    """A 16-bit greyscale picture (a scanner's PNG of a paper map) as 8 bits per pixel:
    Pillow's own conversion clips every value over 255 to white, which would leave such a
    scan a blank page."""
    if image.mode in ("I", "I;16", "I;16B", "I;16L", "I;16N"):
        return image.convert("I").point(lambda v: v * (1 / 256)).convert("L")
    return image


def clean_jpeg(image: Image.Image, long_side: int, quality: int) -> bytes:
    """``image`` upright, on white where it was transparent, shrunk to ``long_side``, as a
    JPEG made from its pixels alone."""
    upright = _eight_bits(_upright(image))
    if upright.mode in ("RGBA", "LA", "PA") or "transparency" in upright.info:
        # A transparent PNG or GIF: on white paper, as it would print.
        rgba = upright.convert("RGBA")
        rgb = Image.new("RGB", rgba.size, "white")
        rgb.paste(rgba, mask=rgba.getchannel("A"))
    else:
        rgb = upright.convert("RGB")
    rgb.thumbnail((long_side, long_side), Image.Resampling.LANCZOS, reducing_gap=3.0)
    # A new image from the pixels alone: nothing of the original's info (EXIF, XMP, ICC,
    # comments, the camera's own thumbnail) can follow it into the file.
    fresh = Image.frombytes("RGB", rgb.size, rgb.tobytes())
    out = io.BytesIO()
    fresh.save(out, "JPEG", quality=quality)
    return out.getvalue()


# --- the data folder ---------------------------------------------------------------------

def photo_path(data_dir: Path, photo: str) -> Path:
    if not is_photo_hash(photo):
        raise ValueError("not a photo's hash")
    return data_dir / PHOTOS_DIR / f"{photo}.jpg"


def store_photo(data_dir: Path, data: bytes) -> tuple[str, bool]:
    """Keep ``data`` under its hash; returns the hash and whether this call created the
    file (False: the same photo was already there). Written to a temporary file and renamed,
    so a file under a hash always holds those bytes whole."""
    photo = hashlib.sha256(data).hexdigest()
    path = photo_path(data_dir, photo)
    if path.is_file():
        return photo, False
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".upload-", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return photo, True


def discard_photo(data_dir: Path, photo: str) -> None:
    with contextlib.suppress(OSError):
        photo_path(data_dir, photo).unlink()


def read_photos(data_dir: Path, hashes: Iterable[str]) -> dict[str, bytes]:
    """The bytes of each photo in ``hashes`` that the data folder holds (a photo whose file
    is gone is left out: the exports show the others)."""
    out: dict[str, bytes] = {}
    for photo in hashes:
        with contextlib.suppress(OSError, ValueError):
            out[photo] = photo_path(data_dir, photo).read_bytes()
    return out


# --- the routes --------------------------------------------------------------------------

async def read_body(request: Request, max_bytes: int, drain_bytes: int) -> bytes | None:
    """The body, counted as it arrives: None once it passes ``max_bytes`` (what is past it
    is read and dropped up to ``drain_bytes``, so that the client reads our answer rather
    than a reset connection). A declared length over the limit is refused unread."""
    declared = request.headers.get("content-length")
    if declared is not None and (not declared.isdigit() or int(declared) > drain_bytes):
        return None
    body = bytearray()
    seen = 0
    async for chunk in request.stream():
        seen += len(chunk)
        if seen > drain_bytes:
            return None
        if seen <= max_bytes:
            body += chunk
    return bytes(body) if seen <= max_bytes else None


def holds(state: WorkshopState, image: str) -> bool:
    """Whether the workshop holds a file by this hash, as a photo or as its map."""
    current = state.map
    return image in state.photos or (current is not None and current.hash == image)


async def record_upload(ctx: AppContext, room: Room, actor: Actor, data: bytes, name: str,
                        args: dict[str, Any], refused: Callable[[Refusal], HttpProblem]) -> Ack:
    """Keep an upload's ``data`` (a photo or the map) and record it with the command
    ``name``: decided once more before the file is written (a refusal writes nothing), then
    sent through the hub like any command. Should the hub refuse it (a race with another
    upload) or fail to make it durable, a file this upload created is taken away unless a
    workshop holds it (as a photo or as its map: the same bytes may be both; any workshop
    of the data folder, not only this one) or another upload of it is under way."""
    image = args["hash"]
    try:
        decide(room.state, actor, name, args, ctx.clock())
    except Refusal as exc:
        raise refused(exc) from None
    data_dir = ctx.settings.data_dir
    # Counted from before the file is looked at until the answer: an upload that finds the
    # file there (created False) may be about to record it.
    uploading = (str(data_dir), image)
    _UPLOADING[uploading] = _UPLOADING.get(uploading, 0) + 1
    try:
        _, created = await run_in_threadpool(store_photo, data_dir, data)
        try:
            return await ctx.hub.submit(room, actor, f"{name}-{uuid.uuid4().hex}", name, args)
        except (Refusal, ServerFault) as exc:
            # A failed write left the room's state with this upload's event applied until
            # the hub has put it back to its stored log: what it holds is read after that.
            while room.rewinding is not None:
                await asyncio.shield(room.rewinding)
            # The data folder is shared by every workshop: the same bytes (one city's map
            # for two evenings) may have been taken by another workshop, or be on their way
            # there, since this upload created the file. Taken away only when none does.
            if (created and _UPLOADING[uploading] == 1
                    and not any(holds(other.state, image) for other in ctx.hub.rooms.values())
                    and not holds(room.state, image)):
                discard_photo(data_dir, image)
            if isinstance(exc, Refusal):
                raise refused(exc) from None
            # The store could not write it (a full disk, an I/O error): as a command's
            # server_error on the socket, said to the console (503: nothing was kept; the
            # same upload may succeed once there is room), not a bare 500 and a traceback.
            raise refused(Refusal("server_error")) from None
    finally:
        _UPLOADING[uploading] -= 1
        if not _UPLOADING[uploading]:
            del _UPLOADING[uploading]


# The uploads between keeping their file and their answer, by data folder and hash (a
# count: two consoles may send the same file). Only the event loop's thread touches it.
_UPLOADING: dict[tuple[str, str], int] = {}


class Photos:
    def __init__(self, ctx: AppContext, pages: Pages) -> None:
        self.ctx, self.pages = ctx, pages

    @property
    def data_dir(self) -> Path:
        return self.ctx.settings.data_dir

    def sender(self, request: Request, code: str) -> Actor:
        """The facilitator (key cookie) or the participant a token names; else 403."""
        if self.pages.is_facilitator(request):
            return FACILITATOR
        token = request.headers.get(TOKEN_HEADER)
        pid = self.ctx.secrets.participant_of(code, token) if token else None
        if pid is None:
            raise Forbidden()
        return Actor(Role.PARTICIPANT, pid)

    async def upload(self, request: Request) -> Response:
        """``POST /w/{code}/photos``: one photo as the body; answers the photo's hash."""
        room = await self.pages.room(request)
        actor = self.sender(request, room.code)
        # Authorised before the body is read: a participant's upload is never looked at.
        if not effective_actor(room.state, actor).privileged:
            raise PhotoProblem(403, "not_allowed", command="add_photo")
        caption = request.query_params.get("caption", "")
        try:
            # The count and the caption, decided before the photo is read (any hash will
            # do: a photo the workshop has already is not a new one, and is checked below).
            decide(room.state, actor, "add_photo", {"hash": "0" * 64, "caption": caption},
                   self.ctx.clock())
        except Refusal as exc:
            raise refused(exc) from None
        raw = await read_body(request, limits.PHOTO_UPLOAD_MAX_BYTES,
                              limits.PHOTO_DRAIN_MAX_BYTES)
        if raw is None:
            raise too_large()
        data = await run_in_threadpool(prepare, raw)
        photo = hashlib.sha256(data).hexdigest()
        args = {"hash": photo, "caption": caption}
        ack = await record_upload(self.ctx, room, actor, data, "add_photo", args, refused)
        with Image.open(io.BytesIO(data)) as stored:
            width, height = stored.size
        return JSONResponse({"hash": photo, "seq": ack.seq, "width": width, "height": height,
                             "bytes": len(data)}, headers={"cache-control": "no-store"})

    async def serve(self, request: Request) -> Response:
        """``GET /w/{code}/photos/{hash}.jpg``: a photo of this workshop, for the console."""
        self.pages.require_facilitator(request)
        room = await self.pages.room(request)
        name = request.path_params["name"]
        photo = name.removesuffix(".jpg")
        if not name.endswith(".jpg") or photo not in room.state.photos:
            raise NotFound("unknown_photo")
        found = await run_in_threadpool(read_photos, self.data_dir, [photo])
        if photo not in found:
            raise NotFound("unknown_photo")
        # The address names the bytes (their hash): they never change.
        return Response(found[photo], media_type="image/jpeg",
                        headers={"cache-control": "private, max-age=31536000, immutable"})


def photos_for(data_dir: Path, state: WorkshopState, fmt: str) -> dict[str, bytes]:
    """The image files an export of ``fmt`` needs, by hash: every photo of the workshop and
    its map for the archive (it carries them to another laptop); for the pages, the chosen
    photos where they are printed and the map where it is drawn (exports/maps.py reads it
    as ``source.photos[state.map.hash]``)."""
    current = [state.map.hash] if state.map is not None else []
    if fmt == "json":
        return read_photos(data_dir, [*state.photos, *current])
    wanted = [h for h, p in state.photos.items() if p.chosen] if fmt in PHOTO_FORMATS else []
    return read_photos(data_dir, [*wanted, *(current if fmt in MAP_FORMATS else [])])


# The formats that print photos (exports/photos.py), and those that draw the map with its
# pins (exports/maps.py).
PHOTO_FORMATS = frozenset({"html", "pdf", "docx"})
MAP_FORMATS = frozenset({"html", "pdf", "docx", "svg", "png"})


def restore_photos(data_dir: Path, photos: Mapping[str, bytes]) -> list[str]:
    """Put an imported archive's photos (checked against their hashes) into the data
    folder; returns those this call created, to take away again if the import fails."""
    created: list[str] = []
    try:
        for data in photos.values():
            photo, new = store_photo(data_dir, data)
            if new:
                created.append(photo)
    except BaseException:
        for photo in created:
            discard_photo(data_dir, photo)
        raise
    return created
