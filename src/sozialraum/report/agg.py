"""Matplotlib's Agg renderer that rasterises each text once per process.

A run draws some hundred charts of the same few shapes: their tick labels, axis
titles and legends are the same texts in the same fonts again and again, and
Agg lays out and rasterises every one of them anew in each drawing (FreeType's
``set_text`` and ``draw_glyphs_to_bitmap``, about a tenth of a chart's time).
:class:`TextCachingRenderer` keeps the glyph image of a text — with the offsets
Agg computes for it — per text, font, size, resolution and the rcParams that
change the raster (hinting, antialiasing, kerning), and hands the image to the
same ``draw_text_image`` that Agg's own ``draw_text`` calls. The pixels are
therefore exactly Agg's (tested against a plain figure).

Matplotlib has no public hook for this, so it relies on two attributes of
``RendererAgg`` (``_prepare_font``, ``_renderer.draw_text_image``) that have been
there since 3.3; where they are missing the renderer draws as Agg does.
"""

from __future__ import annotations

from math import cos, radians, sin

import matplotlib
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg, get_hinting_flag

__all__ = ["TextCachingCanvas", "TextCachingRenderer"]

#: (text, font, size, dpi, raster settings) → (glyph image, descent, x and y offset)
_GLYPHS: dict[tuple, tuple[np.ndarray, float, float, float]] = {}
_LIMIT = 20000  # texts kept per process (a chart has some dozens)

_WORKS = hasattr(RendererAgg, "_prepare_font")


def _font_key(prop) -> tuple:
    """Everything of a FontProperties that picks the font and its size (as its ``hash``)."""
    return (
        tuple(prop.get_family()),
        prop.get_slant(),
        prop.get_variant(),
        prop.get_weight(),
        prop.get_stretch(),
        prop.get_size_in_points(),
        prop.get_file(),
        prop.get_math_fontfamily(),
    )


class TextCachingRenderer(RendererAgg):
    """``RendererAgg`` whose :meth:`draw_text` rasterises a text once per process."""

    def draw_text(self, gc, x, y, s, prop, angle, ismath=False, mtext=None):
        if ismath or not _WORKS:
            return super().draw_text(gc, x, y, s, prop, angle, ismath, mtext)
        rc = matplotlib.rcParams
        aa = bool(gc.get_antialiased())
        key = (
            s,
            _font_key(prop),
            self.dpi,
            aa,
            rc["text.hinting"],
            rc["text.hinting_factor"],
            rc["text.kerning_factor"],
        )
        got = _GLYPHS.get(key)
        if got is None:
            font = self._prepare_font(prop)
            font.set_text(s, 0, flags=get_hinting_flag())  # as RendererAgg.draw_text
            font.draw_glyphs_to_bitmap(antialiased=aa)
            xo, yo = font.get_bitmap_offset()
            got = (np.array(font.get_image(), copy=True), font.get_descent() / 64.0, xo, yo)
            if len(_GLYPHS) >= _LIMIT:
                _GLYPHS.clear()
            _GLYPHS[key] = got
        image, d, xo, yo = got
        x = round(x + xo / 64.0 + d * sin(radians(angle)))
        y = round(y + yo / 64.0 + d * cos(radians(angle)))
        self._renderer.draw_text_image(image, x, y + 1, angle, gc)


class TextCachingCanvas(FigureCanvasAgg):
    """An Agg canvas that draws with :class:`TextCachingRenderer`."""

    def get_renderer(self):
        w, h = self.figure.bbox.size
        key = w, h, self.figure.dpi
        if getattr(self, "_lastKey", None) != key or not isinstance(
            getattr(self, "renderer", None), TextCachingRenderer
        ):
            self.renderer = TextCachingRenderer(w, h, self.figure.dpi)
            self._lastKey = key
        return self.renderer
