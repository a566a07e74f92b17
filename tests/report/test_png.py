"""Chart PNGs: the pixels matplotlib draws, in a file whose data a PDF image takes over as it is."""

from __future__ import annotations

import base64
import io
import struct
import zlib

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from PIL import Image  # noqa: E402

from sozialraum.report import charts  # noqa: E402
from sozialraum.report.png import SIGNATURE, encode_png, pdf_image  # noqa: E402


def _pixels(shape, seed=3):
    rng = np.random.default_rng(seed)
    return rng.integers(0, 256, size=shape, dtype=np.uint8)


def _decode(png: bytes) -> Image.Image:
    return Image.open(io.BytesIO(png))


def test_rgb_and_opaque_rgba_are_written_as_rgb_with_the_same_pixels():
    rgb = _pixels((7, 5, 3))
    img = _decode(encode_png(rgb, dpi=110, text={"Software": "test"}))
    assert img.mode == "RGB" and np.array_equal(np.asarray(img), rgb)
    assert img.info["Software"] == "test" and round(img.info["dpi"][0]) == 110
    rgba = np.dstack([rgb, np.full((7, 5), 255, np.uint8)])
    img = _decode(encode_png(rgba))
    assert img.mode == "RGB" and np.array_equal(np.asarray(img), rgb)


def test_translucent_rgba_keeps_its_alpha():
    rgba = _pixels((4, 6, 4))
    img = _decode(encode_png(rgba))
    assert img.mode == "RGBA" and np.array_equal(np.asarray(img), rgba)
    assert pdf_image(encode_png(rgba)) is None  # alpha: left to the browser


def test_pdf_image_is_the_idat_stream_a_png_predictor_decodes_to_the_pixels():
    rgb = _pixels((9, 11, 3))
    img = pdf_image(encode_png(rgb, dpi=96))
    assert (img.width, img.height, img.colors) == (11, 9, 3)
    rows = np.frombuffer(zlib.decompress(img.data), np.uint8).reshape(9, 1 + 11 * 3)
    assert (rows[:, 0] == 0).all()  # filter "none": the PDF's /Predictor 15 reads the tag byte
    assert np.array_equal(rows[:, 1:].reshape(9, 11, 3), rgb)


def _with_chunk(png: bytes, kind: bytes, data: bytes) -> bytes:
    chunk = struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    at = len(SIGNATURE) + 25  # after IHDR
    return png[:at] + chunk + png[at:]


def _with_header(png: bytes, *, depth: int = 8, interlace: int = 0) -> bytes:
    """``png`` with another bit depth or interlace method in IHDR (its CRC made to fit)."""
    at = len(SIGNATURE)
    w, h, _d, colour, method, filt, _i = struct.unpack(">IIBBBBB", png[at + 8 : at + 21])
    data = struct.pack(">IIBBBBB", w, h, depth, colour, method, filt, interlace)
    chunk = png[at : at + 8] + data + struct.pack(">I", zlib.crc32(b"IHDR" + data))
    return png[:at] + chunk + png[at + 25 :]


def test_other_pngs_are_left_to_the_browser():
    ours = encode_png(_pixels((3, 3, 3)))
    assert pdf_image(ours) is not None
    buf = io.BytesIO()
    Image.fromarray(_pixels((3, 3, 4))).save(buf, "PNG")  # Pillow, with alpha
    assert pdf_image(buf.getvalue()) is None
    assert pdf_image(_with_chunk(ours, b"gAMA", struct.pack(">I", 45455))) is None
    assert pdf_image(_with_header(ours, interlace=1)) is None
    assert pdf_image(_with_header(ours, depth=16)) is None
    assert pdf_image(_with_header(ours)) is not None  # the helper itself keeps a good file
    broken = bytearray(ours)
    broken[-20] ^= 0xFF  # inside IDAT: the CRC fails
    assert pdf_image(bytes(broken)) is None
    assert pdf_image(b"GIF89a") is None
    assert pdf_image(ours[:-12]) is None  # no IEND


@pytest.mark.parametrize("tight", [False, True])
def test_chart_uri_has_the_pixels_of_matplotlibs_own_png(tight):
    fig, ax = plt.subplots(figsize=(4.6, 2.8))
    ax.barh([0, 1, 2], [1.5, -0.7, 0.2], color=["#c0392b", "#2e6da4", "#c0392b"])
    ax.set_title("Dimensionsprofil")
    ref = io.BytesIO()
    fig.savefig(
        ref, format="png", dpi=110, bbox_inches="tight" if tight else None, facecolor="white"
    )
    uri = charts.to_data_uri(fig, tight=tight)
    png = base64.b64decode(uri.split(",", 1)[1])
    got, want = _decode(png), _decode(ref.getvalue())
    assert got.mode == "RGB" and got.size == want.size
    assert np.array_equal(np.asarray(got), np.asarray(want.convert("RGB")))
    assert np.asarray(want)[..., 3].min() == 255  # what was dropped is the opaque alpha
    assert pdf_image(png) is not None


def test_a_matplotlib_without_shaped_buffer_gives_its_own_png(monkeypatch):
    """Where savefig hands over no (height, width, 4) buffer, the chart is matplotlib's PNG."""
    fig, ax = plt.subplots(figsize=(2, 1.5))
    ax.plot([0, 1], [1, 0])
    ref = io.BytesIO()
    fig.savefig(ref, format="png", dpi=110, facecolor="white")

    def flat(self, data):
        self.pixels = np.frombuffer(bytes(data), dtype=np.uint8)
        return self.pixels.nbytes

    monkeypatch.setattr(charts._Pixels, "write", flat)
    png = base64.b64decode(charts.to_data_uri(fig).split(",", 1)[1])
    assert _decode(png).mode == "RGBA"  # matplotlib's own file
    assert np.array_equal(np.asarray(_decode(png)), np.asarray(_decode(ref.getvalue())))
