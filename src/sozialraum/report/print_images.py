"""Charts of a joint print: printed as blank stand-ins, their own data put into the PDF.

A browser printing a page decodes every PNG image and compresses its pixels again
for the PDF — about half of the work of printing a profile with three charts. A
JPEG image, however, goes into the PDF as it is. So for the joint prints of
:func:`sozialraum.report.pdf.print_sections` every chart that can go into a PDF
unchanged (an 8-bit RGB PNG, :func:`sozialraum.report.png.pdf_image`; the
charts of :func:`sozialraum.report.charts.to_data_uri` are) is printed as a white
JPEG of the same size that carries a number (a JPEG comment); afterwards each
stand-in in the printed PDF gets the PNG's own data (``/FlateDecode`` with the
PNG predictors, the colour space the browser gave the image). Nothing else of the
page changes: the image has the same size, so the layout is the same.

A stand-in that is not found in the print (a hidden image, an image drawn as a
pattern) makes :func:`put_images` answer False; the caller then prints those
files as they are.
"""

from __future__ import annotations

import base64
import binascii
import io
import re
import struct
from collections.abc import Mapping

from sozialraum.report.png import PdfImage, pdf_image

#: ``<img src="data:image/png;base64,…">``: the source of an image element.
_IMG_RE = re.compile(
    r"""(<img\b[^>]*?\bsrc\s*=\s*["'])data:image/png;base64,([A-Za-z0-9+/=]+)""", re.I
)
_TAG = b"sozialraum-bild "  # + 8 digits: the comment of a stand-in


class StandIns:
    """The charts of one batch of joint prints and their stand-ins."""

    def __init__(self) -> None:
        self.images: dict[int, PdfImage] = {}
        self._ids: dict[str, int] = {}
        self._blank: dict[tuple[int, int], bytes] = {}

    def swap(self, html: str) -> tuple[str, set[int]]:
        """``html`` with each chart replaced by its stand-in; the numbers of the charts in it."""
        used: set[int] = set()

        def one(m: re.Match) -> str:
            k = self._number(m.group(2))
            if k is None:
                return m.group(0)
            used.add(k)
            return m.group(1) + "data:image/jpeg;base64," + self._jpeg(k)

        return _IMG_RE.sub(one, html), used

    def _number(self, b64: str) -> int | None:
        k = self._ids.get(b64)
        if k is None:
            try:
                img = pdf_image(base64.b64decode(b64, validate=True))
            except (binascii.Error, ValueError):
                img = None
            if img is None:
                return None
            k = self._ids[b64] = len(self.images)
            self.images[k] = img
        return k

    def _jpeg(self, k: int) -> str:
        img = self.images[k]
        blank = self._blank.get((img.width, img.height))
        if blank is None:
            from PIL import Image

            buf = io.BytesIO()
            Image.new("RGB", (img.width, img.height), "white").save(buf, "JPEG", quality=50)
            blank = self._blank[(img.width, img.height)] = buf.getvalue()
        return base64.b64encode(_with_comment(blank, _TAG + b"%08d" % k)).decode("ascii")


def _with_comment(jpeg: bytes, text: bytes) -> bytes:
    """``jpeg`` with a comment segment after its JFIF header (or after its start marker)."""
    at = 2
    if jpeg[2:4] == b"\xff\xe0":  # APP0 (JFIF) comes first
        at = 4 + struct.unpack(">H", jpeg[4:6])[0]
    return jpeg[:at] + b"\xff\xfe" + struct.pack(">H", len(text) + 2) + text + jpeg[at:]


def _stand_in(obj) -> int | None:
    """The number of the stand-in this image XObject is, or None."""
    if obj.get("/Filter") != "/DCTDecode":
        return None
    data = obj._data  # the stream as stored: the JPEG file the page showed  # noqa: SLF001
    i = data.find(_TAG, 0, 96)
    if i < 0:
        return None
    digits = data[i + len(_TAG) : i + len(_TAG) + 8]
    return int(digits) if digits.isdigit() else None


def _put(obj, img: PdfImage) -> bool:
    from pypdf.generic import DictionaryObject, NameObject, NumberObject

    if obj.get("/Width") != img.width or obj.get("/Height") != img.height:
        return False
    obj[NameObject("/Filter")] = NameObject("/FlateDecode")
    obj[NameObject("/DecodeParms")] = DictionaryObject(
        {
            NameObject("/Predictor"): NumberObject(15),
            NameObject("/Colors"): NumberObject(img.colors),
            NameObject("/BitsPerComponent"): NumberObject(8),
            NameObject("/Columns"): NumberObject(img.width),
        }
    )
    for key in ("/ColorTransform", "/Decode"):
        obj.pop(key, None)
    obj._data = img.data  # noqa: SLF001 - stored as it is (pypdf would compress it again)
    obj.decoded_self = None
    return True


def put_images(reader, images: Mapping[int, PdfImage], wanted: set[int]) -> bool:
    """Give every stand-in in the pages of ``reader`` its chart's data (in place).

    True when exactly the stand-ins ``wanted`` were found, each of its chart's size.
    """
    found: set[int] = set()
    seen: set[int] = set()
    stack = [page.get("/Resources") for page in reader.pages]
    while stack:
        res = stack.pop()
        res = res.get_object() if res is not None else None
        xobjects = res.get("/XObject") if res is not None else None
        for ref in xobjects.get_object().values() if xobjects is not None else ():
            obj = ref.get_object()
            if id(obj) in seen:
                continue
            seen.add(id(obj))
            if obj.get("/Subtype") == "/Form":
                stack.append(obj.get("/Resources"))
                continue
            k = _stand_in(obj)
            if k is None:
                continue
            if k not in wanted or k not in images or not _put(obj, images[k]):
                return False
            found.add(k)
    return found == wanted
