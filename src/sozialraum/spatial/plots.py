"""Figures: the one static map renderer, Moran scatter plot, LISA and Gi* maps.

:func:`draw_map` is the single renderer of print maps (choropleths of the web
map's classes, LISA clusters, Gi* hot spots): one scale bar (:func:`scale_bar`),
one north arrow (:func:`north_arrow`), one legend style (outside right, counts in
brackets). :func:`sozialraum.webmap.static_map`, :func:`cluster_map` and
:func:`hotspot_map` all draw through it. LISA/Gi* colours and labels come from the
codes (:mod:`sozialraum.core.palettes`).

Uses :class:`matplotlib.figure.Figure` directly (no ``pyplot``, no global
backend switch): works headless (the Agg canvas is attached when saving)
and leaves the caller's matplotlib state alone. Labels German by default.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sozialraum._i18n import get_lang, t
from sozialraum.core import palettes
from sozialraum.core.crs import metric_crs
from sozialraum.core.numbers import format_number
from sozialraum.errors import InputError
from sozialraum.spatial._common import ALT_LABELS

__all__ = [
    "cluster_map",
    "draw_map",
    "hotspot_map",
    "moran_scatterplot",
    "north_arrow",
    "save_figure",
    "scale_bar",
]

_MSG = {
    "scatter_title": {
        "de": "Moran-Streudiagramm: {column} (Moran's I = {I})",
        "en": "Moran scatter plot: {column} (Moran's I = {I})",
    },
    "x": {"de": "{column} (standardisiert)", "en": "{column} (standardised)"},
    "y": {
        "de": "Räumlich verzögerter Wert (Mittel der Nachbarn, standardisiert)",
        "en": "Spatial lag (mean of neighbours, standardised)",
    },
    "y_bv": {
        "de": "{column} der Nachbarn (räumlich verzögert, standardisiert)",
        "en": "{column} of neighbours (spatial lag, standardised)",
    },
    "map_title": {"de": "LISA-Clusterkarte: {column}", "en": "LISA cluster map: {column}"},
    "gi_title": {"de": "Hot Spots (Gi*): {column}", "en": "Hot spots (Gi*): {column}"},
    "sig_note": {
        "de": "{alt}, alpha = {alpha}, Korrektur: {corr}, {perm}",
        "en": "{alt}, alpha = {alpha}, correction: {corr}, {perm}",
    },
    "perm": {"de": "{p} Permutationen", "en": "{p} permutations"},
    "analytic": {"de": "analytische Inferenz", "en": "analytical inference"},
    "no_geom": {
        "de": "Für die Karte werden Geometrien gebraucht; das Ergebnis enthält keine "
        "(GeoDataFrame an local_moran / getis_ord übergeben).",
        "en": "The map needs geometries; the result has none "
        "(pass a GeoDataFrame to local_moran / getis_ord).",
    },
    "north": {"de": "N", "en": "N"},
    "fmt": {
        "de": "Dateiformat {suffix!r} wird nicht unterstützt; bitte .png, .svg oder .pdf.",
        "en": "File format {suffix!r} is not supported; please use .png, .svg or .pdf.",
    },
}


def _figure(figsize=(7.0, 6.0)):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=figsize, dpi=100)
    FigureCanvasAgg(fig)
    return fig


def save_figure(fig, path: str | Path, *, dpi: int = 150, lang: str | None = None) -> Path:
    """Save ``fig`` as PNG, SVG or PDF (by suffix)."""
    path = Path(path)
    if path.suffix.lower() not in (".png", ".svg", ".pdf"):
        raise InputError(t(_MSG, "fmt", lang, suffix=path.suffix), file=str(path))
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=dpi, bbox_inches="tight")
    return path


def moran_scatterplot(
    result: Any,
    path: str | Path | None = None,
    *,
    lang: str | None = None,
    label: str | None = None,
):
    """Moran scatter plot of a :class:`~sozialraum.spatial.lisa.LisaResult`.

    ``label`` names the variable in title and axis (e.g. the catalogue's label)
    instead of the column name.

    x: standardised value, y: spatial lag; points coloured by LISA category;
    the regression line through the origin has slope Moran's I. Areas
    without value or neighbours are not drawn (they have no lag).
    """
    lang = get_lang(lang or result.params.get("lang"))
    pre = result.params["prefix"]
    f = result.frame
    ok = f[pre + "std"].notna().to_numpy()
    x = f[pre + "std"].to_numpy()[ok]
    y = f[pre + "lag"].to_numpy()[ok]
    codes = f[pre + "code"].to_numpy()[ok]
    col = result.params["column"]
    if label is not None:
        col = label
    if isinstance(col, tuple):
        xname, yname = col
    else:
        xname = yname = col
    fig = _figure()
    ax = fig.add_subplot(111)
    for code in palettes.LISA_CODES[:5]:
        sel = codes == code
        if sel.any():
            ax.scatter(
                x[sel],
                y[sel],
                s=18,
                c=palettes.LISA_COLORS[code],
                edgecolors="#555555",
                linewidths=0.4,
                label=f"{palettes.code_label('lisa', code, lang)} ({int(sel.sum())})",
                zorder=3,
            )
    slope = float(np.sum(x * y) / np.sum(x * x))
    lim = np.nanmax(np.abs(np.concatenate([x, y]))) * 1.1 if len(x) else 1.0
    xx = np.array([-lim, lim])
    ax.plot(xx, slope * xx, color="#333333", lw=1.2, zorder=2)
    ax.axhline(0, color="#999999", lw=0.8, zorder=1)
    ax.axvline(0, color="#999999", lw=0.8, zorder=1)
    ax.set_xlim(-lim, lim)
    ax.set_ylim(-lim, lim)
    ax.set_xlabel(t(_MSG, "x", lang, column=xname))
    ax.set_ylabel(
        t(_MSG, "y_bv", lang, column=yname) if isinstance(col, tuple) else t(_MSG, "y", lang)
    )
    ax.set_title(
        t(
            _MSG,
            "scatter_title",
            lang,
            column=" / ".join(col) if isinstance(col, tuple) else col,
            I=format_number(result.params["moran_I"], 3, lang),
        )
    )
    ax.legend(loc="best", fontsize=8, frameon=True)
    if path is not None:
        save_figure(fig, path, lang=lang)
    return fig


def _nice_length(max_m: float) -> float:
    """The largest 1/2/5 × 10^n metres not above ``max_m``."""
    if max_m <= 0:
        return 1.0
    exp = 10 ** math.floor(math.log10(max_m))
    for f in (5, 2, 1):
        if f * exp <= max_m:
            return f * exp
    return exp


def scale_bar(
    ax, *, lang: str | None = None, fraction: float = 0.2, loc: str = "lower left"
) -> float:
    """Draw the scale bar (black/white halves, metres or km) on an axis in a metric CRS.

    Returns its length in metres (a 1/2/5 step not longer than ``fraction`` of the width).
    """
    from matplotlib.patches import Rectangle

    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    length = _nice_length((x1 - x0) * fraction)
    pad_x, pad_y = (x1 - x0) * 0.03, (y1 - y0) * 0.03
    xs = x0 + pad_x if loc == "lower left" else x1 - pad_x - length
    ys, h = y0 + pad_y, (y1 - y0) * 0.012
    for i, fc in enumerate(("black", "white")):
        ax.add_patch(
            Rectangle(
                (xs + i * length / 2, ys), length / 2, h, facecolor=fc, edgecolor="black", lw=0.6
            )
        )
    km = length / 1000.0
    lab = f"{format_number(km, 0 if km >= 1 else 1, lang)} km" if km >= 0.1 else f"{int(length)} m"
    ax.text(xs + length, ys + 2.2 * h, lab, ha="center", va="bottom", fontsize=8)
    ax.text(xs, ys + 2.2 * h, "0", ha="center", va="bottom", fontsize=8)
    return float(length)


def north_arrow(ax, *, lang: str | None = None) -> None:
    """Draw the north arrow in the top right corner of a map axis."""
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    x = x1 - 0.03 * (x1 - x0)
    ax.annotate(
        t(_MSG, "north", lang),
        xy=(x, y1 - 0.01 * (y1 - y0)),
        xytext=(x, y1 - 0.10 * (y1 - y0)),
        ha="center",
        va="center",
        fontsize=11,
        fontweight="bold",
        arrowprops={"facecolor": "black", "width": 4, "headwidth": 11, "headlength": 10},
    )


def _boundaries(ax, boundaries, crs, label: str | None) -> None:
    from matplotlib import patheffects

    b = boundaries.to_crs(crs)
    b.boundary.plot(ax=ax, color="#1a1a1a", linewidth=1.2)
    if not label:
        return
    for lab, pt in zip(b[label], b.geometry.representative_point(), strict=False):
        if pd.notna(lab):
            ax.annotate(
                str(lab),
                (pt.x, pt.y),
                ha="center",
                va="center",
                fontsize=7,
                fontweight="bold",
                color="#222222",
                path_effects=[patheffects.withStroke(linewidth=2.5, foreground="white")],
            )


def _metric(frame):
    if frame.crs is not None and frame.crs.is_geographic:
        return frame.to_crs(metric_crs(frame))  # the one metric-CRS rule
    return frame


def draw_map(
    areas,
    colors: Sequence[str],
    legend: Sequence[tuple[str, str, int]],
    *,
    title: str | None = None,
    legend_title: str | None = None,
    note: str | None = None,
    boundaries=None,
    boundary_label: str | None = None,
    facilities=None,
    facility_category: str = "kategorie",
    figsize: tuple[float, float] | None = None,
    lang: str | None = None,
):
    """Draw areas in given colours as a print map: the one static renderer.

    Parameters
    ----------
    areas
        GeoDataFrame (drawn in a metric CRS: its own if projected, else UTM).
    colors
        Fill colour per area (``#rrggbb``), in the order of ``areas``.
    legend
        ``(colour, label, count)`` rows in legend order (counts shown in brackets).
    title, legend_title, note
        Title above the map, title of the legend, small note below (source, test).
    boundaries, boundary_label
        Municipal boundaries drawn on top, labelled from ``boundary_label``.
    facilities, facility_category
        Points drawn on top, one colour per category.
    figsize
        Inches; default 10 wide, height from the district's shape.

    Returns
    -------
    matplotlib.figure.Figure
    """
    from matplotlib.patches import Patch

    lang = get_lang(lang)
    metric = _metric(areas)
    minx, miny, maxx, maxy = metric.total_bounds
    if figsize is None:
        ratio = (maxy - miny) / (maxx - minx) if maxx > minx else 1.0
        figsize = (10.0, float(min(14.0, max(4.0, 7.0 * ratio + 1.0))))
    fig = _figure(figsize)
    ax = fig.add_subplot(111)
    metric.plot(ax=ax, color=list(colors), edgecolor="#555555", linewidth=0.3)
    if boundaries is not None and len(boundaries):
        _boundaries(ax, boundaries, metric.crs, boundary_label)
    if facilities is not None and len(facilities):
        f = facilities.to_crs(metric.crs)
        for i, (_cat, grp) in enumerate(f.groupby(facility_category, sort=False)):
            grp.plot(ax=ax, markersize=8, color=f"C{i}", edgecolor="white", linewidth=0.4, zorder=5)
    ax.set_axis_off()
    ax.set_aspect("equal")
    h = maxy - miny
    ax.set_ylim(miny - 0.08 * h, maxy + 0.02 * h)
    scale_bar(ax, lang=lang)
    north_arrow(ax, lang=lang)
    handles = [
        Patch(facecolor=c, edgecolor="#777777", label=f"{lab} ({int(n)})") for c, lab, n in legend
    ]
    leg = ax.legend(
        handles=handles,
        title=legend_title,
        loc="upper left",
        bbox_to_anchor=(1.0, 1.0),
        fontsize=8,
        title_fontsize=9,
        frameon=False,
    )
    leg._legend_box.align = "left"
    if title:
        ax.set_title(title, fontsize=13, fontweight="bold")
    if note:
        fig.text(0.01, 0.01, note, fontsize=7, color="#444444")
    fig.tight_layout()
    return fig


def _code_map(result, kind: str, title: str, note: str, path, lang):
    """Map of the LISA/Gi* codes of a result: colours and labels from the palette."""
    frame = result.frame
    if not hasattr(frame, "geometry"):
        raise InputError(t(_MSG, "no_geom", lang))
    codes = frame[result.params["prefix"] + "code"].astype(str).to_numpy()
    colors = palettes.code_colors(kind)
    counts = pd.Series(codes).value_counts()
    legend = [
        (colors[c], palettes.code_label(kind, c, lang), int(counts.get(c, 0)))
        for c in palettes.codes_of(kind)
        if counts.get(c, 0) > 0 or c not in ("island", "nan", "not_rated")
    ]
    fig = draw_map(frame, [colors[c] for c in codes], legend, title=title, note=note, lang=lang)
    if path is not None:
        save_figure(fig, path, lang=lang)
    return fig


def cluster_map(
    result: Any,
    path: str | Path | None = None,
    *,
    lang: str | None = None,
    label: str | None = None,
):
    """LISA cluster map (GeoDa colours) of a LisaResult whose frame has geometries.

    ``label`` names the variable in the title (e.g. the catalogue's label) instead of
    the column name.
    """
    lang = get_lang(lang or result.params.get("lang"))
    p = result.params
    col = " / ".join(p["column"]) if isinstance(p["column"], tuple) else p["column"]
    col = label if label is not None else col
    corr = {
        "none": {"de": "keine", "en": "none"},
        "fdr": {"de": "FDR", "en": "FDR"},
        "bonferroni": {"de": "Bonferroni", "en": "Bonferroni"},
    }[p["correction"]][lang]
    note = t(
        _MSG,
        "sig_note",
        lang,
        alt=ALT_LABELS[p.get("alternative", "two-sided")][lang],
        alpha=format_number(p["alpha"], 2, lang),
        corr=corr,
        perm=t(_MSG, "perm", lang, p=p["permutations"])
        if p["permutations"]
        else t(_MSG, "analytic", lang),
    )
    return _code_map(result, "lisa", t(_MSG, "map_title", lang, column=col), note, path, lang)


def hotspot_map(result: Any, path: str | Path | None = None, *, lang: str | None = None):
    """Gi* hot/cold-spot map of a GiResult whose frame has geometries."""
    lang = get_lang(lang or result.params.get("lang"))
    title = t(_MSG, "gi_title", lang, column=result.params["column"])
    return _code_map(result, "gi", title, "", path, lang)
