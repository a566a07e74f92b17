"""Static print maps (PNG/PDF) with the same classes and colours as the web map.

The classes come from :func:`~sozialraum.webmap.layers.classify_layer` (the one
engine), the drawing from the one static renderer
:func:`sozialraum.spatial.plots.draw_map` (scale bar, north arrow, legend).
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd

from sozialraum._i18n import get_lang, t
from sozialraum.core import palettes

from ._format import hidden_label, missing_label
from .layers import (
    HIDDEN_COLOR,
    MISSING_COLOR,
    NOT_RATED_COLOR,
    CategoryLayer,
    Classes,
    Indicator,
    categorize,
    classify_layer,
    hidden_mask,
    rated_for,
    status_for,
)

_MSG = {
    "source": {"de": "Quelle: {src}", "en": "Source: {src}"},
    "unit": {"de": "Einheit: {unit}", "en": "Unit: {unit}"},
    "year": {"de": "Stand: {year}", "en": "Year: {year}"},
    "not_rated": {"de": "nicht bewertet", "en": "not rated"},
}


def _layer_classes(areas, spec, status, status_suffix, lang) -> tuple[Classes, str, list[str]]:
    """Classes, colour of "kein Wert" and legend subtitle of one layer."""
    st = status_for(areas, status, spec.column, status_suffix)
    hid = hidden_mask(st) if st is not None else None
    if isinstance(spec, CategoryLayer):
        cl = categorize(areas, spec, hidden=hid, lang=lang)
        missing = palettes.LISA_COLORS["nan"] if spec.kind in ("lisa", "gi") else MISSING_COLOR
        sub = [t(_MSG, "year", lang, year=spec.year)] if spec.year is not None else []
        return cl, missing, sub
    cl = classify_layer(
        areas[spec.column],
        spec,
        hidden=hid,
        lang=lang,
        classes=areas[spec.class_column] if spec.class_column else None,
        rated=rated_for(areas, spec),
    )
    sub = [t(_MSG, "unit", lang, unit=spec.unit)] if spec.unit else []
    if spec.year is not None:
        sub.append(t(_MSG, "year", lang, year=spec.year))
    return cl, MISSING_COLOR, sub


def _colors_and_legend(cl: Classes, missing_color: str, lang: str):
    other = {-1: missing_color, -2: HIDDEN_COLOR, -3: NOT_RATED_COLOR}
    colors = [cl.colors[c] if c >= 0 else other[int(c)] for c in cl.codes]
    legend = list(zip(cl.colors, cl.labels, cl.counts, strict=False))
    for n, color, label in (
        (cl.n_not_rated, NOT_RATED_COLOR, t(_MSG, "not_rated", lang)),
        (cl.n_missing, missing_color, missing_label(lang)),
        (cl.n_hidden, HIDDEN_COLOR, hidden_label(lang)),
    ):
        if n:
            legend.append((color, label, n))
    return colors, legend


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
        :class:`CategoryLayer` (LISA, Gi*: colours from the codes) or a column name.
    path
        ``.png`` or ``.pdf``; ``None`` only returns the figure.
    figsize
        Inches; default: 10 wide, height from the district's shape.

    Returns
    -------
    matplotlib.figure.Figure
    """
    from sozialraum.spatial.plots import draw_map  # matplotlib and the spatial stack on demand

    lang = get_lang(lang)
    spec = Indicator(column=layer) if isinstance(layer, str) else layer
    cl, missing_color, sub = _layer_classes(areas, spec, status, status_suffix, lang)
    colors, legend = _colors_and_legend(cl, missing_color, lang)
    ltitle = spec.title or spec.column
    if sub:
        ltitle += "\n" + " · ".join(sub)
    src = getattr(spec, "source", "")
    fig = draw_map(
        areas,
        colors,
        legend,
        title=title,
        legend_title=ltitle,
        note=t(_MSG, "source", lang, src=src) if src else None,
        boundaries=boundaries,
        boundary_label=boundary_label,
        facilities=facilities,
        facility_category=facility_category,
        figsize=figsize,
        lang=lang,
    )
    if path is not None:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        fig.savefig(path, dpi=dpi, bbox_inches="tight")
    return fig
