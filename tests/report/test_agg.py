"""The text-caching Agg canvas draws exactly Agg's pixels (texts rasterised once per process)."""

from __future__ import annotations

import matplotlib
import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from sozialraum.report import agg


def _chart(canvas_cls, seed: int, dpi: int = 110) -> np.ndarray:
    rng = np.random.default_rng(seed)
    fig = Figure(figsize=(7, 3.2), dpi=dpi)
    canvas_cls(fig)
    axs = fig.subplots(2, 3)
    for i, ax in enumerate(axs.flat):
        ax.plot([2022, 2023, 2024], rng.random(3) * 10, marker="o", label="Gebiet")
        ax.plot([2022, 2023, 2024], rng.random(3) * 10, ls="--", label="Landkreis")
        ax.set_title(f"Anteil Minderjährige {i} (Ü 80)", fontsize=8, fontweight="bold")
        ax.tick_params(labelsize=6)
        ax.set_xticks([2022, 2023, 2024])
        ax.set_ylabel("je 1.000 Einwohner")  # rotated by 90°
        ax.text(0.4, 0.5, "schräg", rotation=30, transform=ax.transAxes, fontstyle="italic")
        ax.text(0.1, 0.2, r"$x^2$", transform=ax.transAxes)  # mathtext: drawn as Agg draws it
    axs[0, 0].legend(fontsize=7)
    fig.tight_layout()
    fig.canvas.draw()
    return np.asarray(fig.canvas.buffer_rgba()).copy()


def test_pixels_equal_agg_also_when_the_texts_come_from_the_cache():
    agg._GLYPHS.clear()
    for seed in range(4):  # from the second chart on the texts come from the cache
        want, got = _chart(FigureCanvasAgg, seed), _chart(agg.TextCachingCanvas, seed)
        assert want.shape == got.shape and np.array_equal(want, got), seed
    assert agg._GLYPHS  # texts were kept


@pytest.mark.parametrize("setting", [("text.hinting", "no_hinting"), ("text.antialiased", False)])
def test_raster_settings_are_part_of_the_key(setting):
    _chart(agg.TextCachingCanvas, 0)  # texts of the default settings kept
    with matplotlib.rc_context({setting[0]: setting[1]}):
        want, got = _chart(FigureCanvasAgg, 0), _chart(agg.TextCachingCanvas, 0)
    assert np.array_equal(want, got)


def test_another_resolution_draws_its_own_texts():
    _chart(agg.TextCachingCanvas, 1, dpi=110)
    assert np.array_equal(
        _chart(FigureCanvasAgg, 1, dpi=72), _chart(agg.TextCachingCanvas, 1, dpi=72)
    )
