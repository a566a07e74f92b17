"""PNG files of the charts, made so that a PDF can take their pixel data over unchanged.

A PDF image may hold the compressed data of a PNG file as it is: ``/FlateDecode``
with the PNG predictors (``/Predictor 15``) reads the zlib stream of the PNG's
``IDAT`` chunks, row filters included. A browser printing an HTML page does not
use that: it decodes every image and compresses its pixels again, which is about
half of the work of printing a profile with three charts.
:func:`sozialraum.report.pdf.print_sections` therefore prints small stand-ins and
puts each chart's own data into the printed PDF (:func:`pdf_image`).

:func:`encode_png` writes the charts' files. Pillow (which matplotlib uses) always
writes the alpha channel of a figure and chooses a row filter per row; for a chart
— flat colour areas, an opaque white background — rows without a filter compress
better and faster, and an opaque image needs no alpha channel. The file is an
ordinary PNG (signature, ``IHDR``, text, one ``IDAT``, ``IEND``); zlib compresses.

Example
-------
>>> import numpy as np
>>> rgba = np.full((2, 3, 4), 255, dtype=np.uint8)
>>> img = pdf_image(encode_png(rgba))
>>> (img.width, img.height, img.colors)
(3, 2, 3)
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

SIGNATURE = b"\x89PNG\r\n\x1a\n"

#: Chunks a PDF image does not need: text and the pixel size. Any other chunk but the
#: image data (a palette, gamma, a colour profile, transparency) changes how the pixels
#: look, so such a file is left to the browser.
_IGNORABLE = {b"tEXt", b"zTXt", b"iTXt", b"pHYs", b"tIME"}


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def encode_png(
    pixels: np.ndarray,
    *,
    level: int = 6,
    dpi: float | None = None,
    text: Mapping[str, str] | None = None,
) -> bytes:
    """An 8-bit PNG of ``pixels`` (height × width × 3 or 4, ``uint8``), rows without filter.

    An RGBA image whose alpha is 255 everywhere is written as RGB (the same pixels).
    ``dpi``: the pixel density (``pHYs``, as Pillow writes it); ``text``: ``tEXt``
    entries (Latin-1), e.g. the software that drew the image.
    """
    px = np.asarray(pixels)
    if px.dtype != np.uint8 or px.ndim != 3 or px.shape[2] not in (3, 4):
        raise ValueError("encode_png: pixels must be uint8 of shape (height, width, 3 or 4)")
    if px.shape[2] == 4 and bool((px[..., 3] == 255).all()):
        px = px[..., :3]
    h, w, c = px.shape
    rows = np.zeros((h, 1 + w * c), dtype=np.uint8)  # first byte of each row: filter 0 (none)
    rows[:, 1:] = px.reshape(h, w * c)
    header = struct.pack(">IIBBBBB", w, h, 8, 2 if c == 3 else 6, 0, 0, 0)
    notes = b""
    if dpi:
        ppm = int(dpi / 0.0254 + 0.5)
        notes += _chunk(b"pHYs", struct.pack(">IIB", ppm, ppm, 1))
    notes += b"".join(
        _chunk(b"tEXt", k.encode("latin-1") + b"\0" + v.encode("latin-1"))
        for k, v in (text or {}).items()
    )
    data = zlib.compress(rows.tobytes(), level)
    return (
        SIGNATURE + _chunk(b"IHDR", header) + notes + _chunk(b"IDAT", data) + _chunk(b"IEND", b"")
    )


@dataclass(frozen=True)
class PdfImage:
    """The pixel data of a PNG as a PDF image takes it (``/FlateDecode``, ``/Predictor 15``)."""

    width: int
    height: int
    colors: int  # 3: RGB
    data: bytes  # the zlib stream of the PNG's IDAT chunks


def _chunks(png: bytes):
    """``(kind, data)`` of every chunk; None where the file is cut short or a CRC is wrong."""
    pos, out = len(SIGNATURE), []
    while pos + 12 <= len(png):
        (n,) = struct.unpack(">I", png[pos : pos + 4])
        kind, data = png[pos + 4 : pos + 8], png[pos + 8 : pos + 8 + n]
        crc = png[pos + 8 + n : pos + 12 + n]
        if (
            len(data) != n
            or len(crc) != 4
            or struct.unpack(">I", crc)[0] != zlib.crc32(kind + data)
        ):
            return None
        out.append((kind, data))
        pos += 12 + n
        if kind == b"IEND":
            return out
    return None


def pdf_image(png: bytes) -> PdfImage | None:
    """The data of an 8-bit RGB, non-interlaced PNG for a PDF image; None for any other file.

    None also for a PNG with a palette, transparency, gamma or a colour profile
    (the browser then prints it itself) and for a damaged file.
    """
    if not png.startswith(SIGNATURE):
        return None
    chunks = _chunks(png)
    if not chunks or chunks[0][0] != b"IHDR" or len(chunks[0][1]) != 13:
        return None
    w, h, depth, colour, method, filt, interlace = struct.unpack(">IIBBBBB", chunks[0][1])
    if (depth, colour, method, filt, interlace) != (8, 2, 0, 0, 0) or not w or not h:
        return None
    kinds = [k for k, _ in chunks[1:-1]]
    if any(k != b"IDAT" and k not in _IGNORABLE for k in kinds) or b"IDAT" not in kinds:
        return None
    first = kinds.index(b"IDAT")
    if any(k != b"IDAT" for k in kinds[first : first + kinds.count(b"IDAT")]):
        return None  # the image data must be one run of chunks
    data = b"".join(d for k, d in chunks[1:-1] if k == b"IDAT")
    return PdfImage(width=w, height=h, colors=3, data=data)
