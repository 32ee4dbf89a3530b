"""Static files under a version path, so that phones cache them for good and still get a
new file the moment it changes (the version is a hash of the whole static tree)."""

from __future__ import annotations

import hashlib
from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, PlainTextResponse, Response

from yoriai import package_path

STATIC_DIR = package_path("yoriai.client", "static")
# A year: the URL changes whenever a file does, so a cached copy is never stale.
IMMUTABLE = "public, max-age=31536000, immutable"
MEDIA_TYPES = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8",
               ".svg": "image/svg+xml", ".png": "image/png", ".ico": "image/x-icon"}


def static_version(root: Path = STATIC_DIR) -> str:
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        if path.is_file():
            digest.update(path.relative_to(root).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:10]


def static_endpoint(version: str):  # type: ignore[no-untyped-def]
    """``/static/<version>/<path>``; another version is a 404 so that a stale page
    reloads rather than mixing old and new scripts."""
    root = STATIC_DIR.resolve()

    async def serve(request: Request) -> Response:
        if request.path_params["version"] != version:
            return PlainTextResponse("not found", status_code=404)
        target = (root / request.path_params["path"]).resolve()
        if not target.is_relative_to(root) or not target.is_file():
            return PlainTextResponse("not found", status_code=404)
        return FileResponse(target, media_type=MEDIA_TYPES.get(target.suffix),
                            headers={"cache-control": IMMUTABLE})

    return serve
