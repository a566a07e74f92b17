"""Static print maps (PNG/PDF via matplotlib) with the same classes as the web map."""

from __future__ import annotations

import math
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from sozialraum._i18n import get_lang, t
from sozialraum.core.crs import metric_crs

from ._format import fmt_number, hidden_label, missing_label
from .layers import (
    HIDDEN_COLOR,
    MISSING_COLOR,
    CategoryLayer,
    Classes,
    Indicator,
    categorize,
    classify,
    hidden_mask,
    status_for,
)

_MSG = {
    "source": {"de": "Quelle: {src}", "en": "Source: {src}"},
    "unit": {"de": "Einheit: {unit}", "en": "Unit: {unit}"},
    "year": {"de": "Stand: {year}", "en": "Year: {year}"},
    "north": {"de": "N", "en": "N"},
}


def _nice_length(width_m: float) -> float:
    target = width_m / 5.0
    if target <= 0:
        return 1.0
    exp = 10 ** math.floor(math.log10(target))
    for f in (5, 2, 1):
        if f * exp <= target:
            return f * exp
    return exp


def static_map(
    areas: gpd.GeoDataFrame,
    layer: Indicator | CategoryLayer | str,
    path: str | Path | None = None,
    *,
    boundaries: gpd.GeoDataFrame | None = None,
    boundary_label: str | None = None,
    facilities: gpd.GeoDataFrame | None = None,
    facility_category: str = "kategorie",
    status: pd.DataFrame | None = None,
    status_suffix: str = "_status",
    title: str | None = None,
    figsize: tuple[float, float] | None = None,
    dpi: int = 200,
    lang: str | None = None,
):
    """Draw one layer as a print map with legend, scale bar and north arrow.

    Parameters
    ----------
    areas
        Areas with a CRS (drawn in a metric CRS: their own if projected, else UTM).
    layer
        An :class:`Indicator` (classified exactly as in :func:`make_map`), a
        :class:`CategoryLayer` (LISA, Gi*) or a column name.
    path
        ``.png`` or ``.pdf``; ``None`` only returns the figure.
    figsize
        Inches; default: 10 wide, height from the district's shape.

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt
    from matplotlib import patheffects
    from matplotlib.patches import Patch, Rectangle

    lang = get_lang(lang)
    spec = Indicator(column=layer) if isinstance(layer, str) else layer
    st = status_for(areas, status, spec.column, status_suffix)
    hid = hidden_mask(st) if st is not None else None
    if isinstance(spec, CategoryLayer):
        cl: Classes = categorize(areas, spec, hidden=hid)
        missing_color = "#464646" if spec.kind == "lisa" else MISSING_COLOR
        sub = [t(_MSG, "year", lang, year=spec.year)] if spec.year is not None else []
    else:
        cl = classify(
            areas[spec.column],
            spec,
            hidden=hid,
            lang=lang,
            classes=areas[spec.class_column] if spec.class_column else None,
        )
        missing_color = MISSING_COLOR
        sub = []
        if spec.unit:
            sub.append(t(_MSG, "unit", lang, unit=spec.unit))
        if spec.year is not None:
            sub.append(t(_MSG, "year", lang, year=spec.year))
    metric = (
        areas
        if (areas.crs is not None and not areas.crs.is_geographic)
        else areas.to_crs(metric_crs(areas))  # the one metric-CRS rule
    )
    colors = np.array(
        [
            cl.colors[c] if c >= 0 else (missing_color if c == -1 else HIDDEN_COLOR)
            for c in cl.codes
        ],
        dtype=object,
    )
    if figsize is None:
        bx0, by0, bx1, by1 = metric.total_bounds
        ratio = (by1 - by0) / (bx1 - bx0) if bx1 > bx0 else 1.0
        figsize = (10.0, float(min(14.0, max(4.0, 7.0 * ratio + 1.0))))
    fig, ax = plt.subplots(figsize=figsize)
    metric.plot(ax=ax, color=list(colors), edgecolor="#555555", linewidth=0.3)
    if boundaries is not None and len(boundaries):
        b = boundaries.to_crs(metric.crs)
        b.boundary.plot(ax=ax, color="#1a1a1a", linewidth=1.2)
        if boundary_label:
            for lab, pt in zip(b[boundary_label], b.geometry.representative_point(), strict=False):
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
    if facilities is not None and len(facilities):
        f = facilities.to_crs(metric.crs)
        for i, (_cat, grp) in enumerate(f.groupby(facility_category, sort=False)):
            grp.plot(ax=ax, markersize=8, color=f"C{i}", edgecolor="white", linewidth=0.4, zorder=5)
    ax.set_axis_off()
    ax.set_aspect("equal")
    minx, miny, maxx, maxy = metric.total_bounds
    width = maxx - minx
    # scale bar (bottom left)
    length = _nice_length(width)
    x0, y0 = minx + 0.02 * width, miny - 0.04 * (maxy - miny)
    h = 0.012 * (maxy - miny)
    ax.add_patch(Rectangle((x0, y0), length / 2, h, facecolor="black", edgecolor="black", lw=0.6))
    ax.add_patch(
        Rectangle(
            (x0 + length / 2, y0), length / 2, h, facecolor="white", edgecolor="black", lw=0.6
        )
    )
    km = length / 1000.0
    lab = f"{fmt_number(km, 0 if km >= 1 else 1, lang)} km" if km >= 0.1 else f"{int(length)} m"
    ax.text(x0 + length, y0 + 2.2 * h, lab, ha="center", va="bottom", fontsize=8)
    ax.text(x0, y0 + 2.2 * h, "0", ha="center", va="bottom", fontsize=8)
    # north arrow (top right)
    ax.annotate(
        t(_MSG, "north", lang),
        xy=(maxx - 0.03 * width, maxy),
        xytext=(maxx - 0.03 * width, maxy - 0.09 * (maxy - miny)),
        ha="center",
        va="center",
        fontsize=11,
        fontweight="bold",
        arrowprops={"facecolor": "black", "width": 4, "headwidth": 11, "headlength": 10},
    )
    ax.set_ylim(miny - 0.07 * (maxy - miny), maxy + 0.02 * (maxy - miny))
    handles = [
        Patch(facecolor=c, edgecolor="#777777", label=f"{lbl} ({n})")
        for c, lbl, n in zip(cl.colors, cl.labels, cl.counts, strict=False)
    ]
    if cl.n_missing:
        handles.append(
            Patch(
                facecolor=missing_color,
                edgecolor="#777777",
                label=f"{missing_label(lang)} ({cl.n_missing})",
            )
        )
    if cl.n_hidden:
        handles.append(
            Patch(
                facecolor=HIDDEN_COLOR,
                edgecolor="#777777",
                label=f"{hidden_label(lang)} ({cl.n_hidden})",
            )
        )
    ltitle = spec.title or spec.column
    if sub:
        ltitle += "\n" + " · ".join(sub)
    leg = ax.legend(
        handles=handles,
        title=ltitle,
        loc="upper left",
        bbox_to_anchor=(1.0, 1.0),
        fontsize=8,
        title_fontsize=9,
        frameon=False,
    )
    leg._legend_box.align = "left"
    if title:
        ax.set_title(title, fontsize=13, fontweight="bold")
    if getattr(spec, "source", ""):
        fig.text(0.01, 0.01, t(_MSG, "source", lang, src=spec.source), fontsize=7, color="#444444")
    fig.tight_layout()
    if path is not None:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        fig.savefig(path, dpi=dpi, bbox_inches="tight")
        plt.close(fig)
    return fig
