"""QR codes for the join URL: SVG for the projector and handouts, text for the terminal."""

from __future__ import annotations

import io

import qrcode
import qrcode.image.svg

# Medium error correction: survives a projector's glare and a smudged handout while
# keeping modules large enough for old phone cameras at the back of the room.
ERROR_CORRECTION = qrcode.constants.ERROR_CORRECT_M


def _qr(data: str) -> qrcode.QRCode:
    qr = qrcode.QRCode(error_correction=ERROR_CORRECTION, border=2)
    qr.add_data(data)
    qr.make(fit=True)
    return qr


def svg(data: str) -> str:
    """A standalone SVG (one path, no styles, scales to any size)."""
    image = _qr(data).make_image(image_factory=qrcode.image.svg.SvgPathImage)
    buf = io.BytesIO()
    image.save(buf)
    return buf.getvalue().decode("utf-8")


def terminal(data: str) -> str:
    """The code drawn with half-block characters, two modules per character row, dark on
    light whatever the terminal's colours (phones cannot read an inverted code)."""
    matrix = _qr(data).get_matrix()
    if len(matrix) % 2:
        matrix.append([False] * len(matrix[0]))
    lines = []
    for top, bottom in zip(matrix[0::2], matrix[1::2], strict=True):
        row = []
        for t, b in zip(top, bottom, strict=True):
            row.append({(False, False): "█", (True, False): "▄",
                        (False, True): "▀", (True, True): " "}[(t, b)])
        lines.append("".join(row))
    return "\n".join(lines)
