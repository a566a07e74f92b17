"""Codes, colours and labels of map categories: the one home.

LISA clusters and Getis-Ord Gi* hot/cold spots are stored as language-free
*codes* (columns ``lisa_code``, ``gi_code`` written by :mod:`sozialraum.spatial`);
every output — web map, static maps, report, QGIS styles — takes colour and
label from the code here, never from a display label.

================  ===========================  =========================
LISA code         label (de / en)              colour (GeoDa)
================  ===========================  =========================
``HH``            Hoch-Hoch / High-High        ``#ff0000``
``LL``            Niedrig-Niedrig / Low-Low    ``#0000ff``
``LH``            Niedrig-Hoch / Low-High      ``#9696ff``
``HL``            Hoch-Niedrig / High-Low      ``#ff9696``
``ns``            nicht signifikant            ``#f0f0f0``
``island``        ohne Nachbarn                ``#8c8c8c``
``nan``           kein Wert / no value         ``#464646``
``not_rated``     nicht bewertet / not rated   ``#bdbdbd``
================  ===========================  =========================

Gi* codes ``hot99``, ``hot95``, ``hot90``, ``ns``, ``cold90``, ``cold95``,
``cold99`` (two-sided significance 99/95/90 %) in red and blue (ArcGIS-like
diverging), plus ``island``, ``nan`` and ``not_rated`` as for LISA.

Class colours come from named ramps (:data:`RAMPS`, ColorBrewer): ``need``
(YlOrRd, light = little need, dark red = much), ``resource`` (YlGnBu) and
``diverging`` (RdYlBu reversed); :func:`class_colors` spreads ``k`` colours
evenly over a ramp, the same way for the web map, the print maps and QGIS.
"""

from __future__ import annotations

import numpy as np

from sozialraum._i18n import get_lang

__all__ = [
    "GI_CODES",
    "GI_COLORS",
    "GI_LABELS",
    "HIDDEN_COLOR",
    "LISA_CODES",
    "LISA_COLORS",
    "LISA_LABELS",
    "LISA_RGB",
    "MISSING_COLOR",
    "DYNAMIC_CLASS_COLORS",
    "NOT_RATED_COLOR",
    "RAMPS",
    "STATUS_CLASS_COLORS",
    "class_colors",
    "code_colors",
    "code_label",
    "code_labels",
    "codes_of",
    "mark_not_rated",
]

#: Class of areas without value (choropleths).
MISSING_COLOR = "#d9d9d9"
#: Class of areas whose value may not be shown ("nicht veröffentlicht").
HIDDEN_COLOR = "#969696"
#: Class of areas that are not rated ("nicht bewertet").
NOT_RATED_COLOR = "#bdbdbd"

#: Colours of the status classes of the monitor (MSS style), high status blue to very low red;
#: the one table for the web map and the printed maps (German and English class names).
STATUS_CLASS_COLORS = {
    "hoch": "#2c7bb6",
    "mittel": "#ffffbf",
    "niedrig": "#fdae61",
    "sehr niedrig": "#d7191c",
    "nicht bewertet": NOT_RATED_COLOR,
    "high": "#2c7bb6",
    "medium": "#ffffbf",
    "low": "#fdae61",
    "very low": "#d7191c",
    "not rated": NOT_RATED_COLOR,
}
#: Colours of the dynamic classes (positive green, stable yellow, negative red).
DYNAMIC_CLASS_COLORS = {
    "positiv": "#1a9641",
    "stabil": "#ffffbf",
    "negativ": "#d7191c",
    "nicht bewertet": NOT_RATED_COLOR,
    "positive": "#1a9641",
    "stable": "#ffffbf",
    "negative": "#d7191c",
    "not rated": NOT_RATED_COLOR,
}

_COMMON = {
    "not_rated": {"de": "nicht bewertet", "en": "not rated"},
    "island": {"de": "ohne Nachbarn", "en": "no neighbours"},
    "nan": {"de": "kein Wert", "en": "no value"},
}

#: LISA codes in legend order.
LISA_CODES: tuple[str, ...] = ("HH", "LL", "LH", "HL", "ns", "island", "nan", "not_rated")
LISA_LABELS = {
    "HH": {"de": "Hoch-Hoch", "en": "High-High"},
    "LL": {"de": "Niedrig-Niedrig", "en": "Low-Low"},
    "LH": {"de": "Niedrig-Hoch", "en": "Low-High"},
    "HL": {"de": "Hoch-Niedrig", "en": "High-Low"},
    "ns": {"de": "nicht signifikant", "en": "not significant"},
    **_COMMON,
}
#: GeoDa's standard LISA colours (RGB 0–255).
LISA_RGB = {
    "HH": (255, 0, 0),
    "LL": (0, 0, 255),
    "LH": (150, 150, 255),
    "HL": (255, 150, 150),
    "ns": (240, 240, 240),
    "not_rated": (189, 189, 189),
    "island": (140, 140, 140),
    "nan": (70, 70, 70),
}
LISA_COLORS = {k: "#{:02x}{:02x}{:02x}".format(*v) for k, v in LISA_RGB.items()}

#: Gi* codes in legend order.
GI_CODES: tuple[str, ...] = (
    "hot99",
    "hot95",
    "hot90",
    "ns",
    "cold90",
    "cold95",
    "cold99",
    "island",
    "nan",
    "not_rated",
)
GI_LABELS = {
    "hot99": {"de": "Hot Spot 99 %", "en": "Hot spot 99 %"},
    "hot95": {"de": "Hot Spot 95 %", "en": "Hot spot 95 %"},
    "hot90": {"de": "Hot Spot 90 %", "en": "Hot spot 90 %"},
    "ns": {"de": "nicht signifikant", "en": "not significant"},
    "cold90": {"de": "Cold Spot 90 %", "en": "Cold spot 90 %"},
    "cold95": {"de": "Cold Spot 95 %", "en": "Cold spot 95 %"},
    "cold99": {"de": "Cold Spot 99 %", "en": "Cold spot 99 %"},
    **_COMMON,
}
GI_COLORS = {
    "hot99": "#d62f27",
    "hot95": "#ed7551",
    "hot90": "#fab984",
    "ns": "#f0f0f0",
    "cold90": "#c0ccbe",
    "cold95": "#849eba",
    "cold99": "#4575b5",
    "not_rated": LISA_COLORS["not_rated"],
    "island": LISA_COLORS["island"],
    "nan": LISA_COLORS["nan"],
}

_KINDS = {
    "lisa": (LISA_CODES, LISA_LABELS, LISA_COLORS),
    "gi": (GI_CODES, GI_LABELS, GI_COLORS),
}

#: Class colour ramps (ColorBrewer, 9 steps, light to dark).
RAMPS: dict[str, tuple[str, ...]] = {
    "need": (
        "#ffffcc",
        "#ffeda0",
        "#fed976",
        "#feb24c",
        "#fd8d3c",
        "#fc4e2a",
        "#e31a1c",
        "#bd0026",
        "#800026",
    ),
    "resource": (
        "#ffffd9",
        "#edf8b1",
        "#c7e9b4",
        "#7fcdbb",
        "#41b6c4",
        "#1d91c0",
        "#225ea8",
        "#253494",
        "#081d58",
    ),
    "diverging": (
        "#4575b4",
        "#74add1",
        "#abd9e9",
        "#e0f3f8",
        "#ffffbf",
        "#fee090",
        "#fdae61",
        "#f46d43",
        "#d73027",
    ),
}
#: matplotlib/ColorBrewer names of the ramps.
_RAMP_ALIASES = {"YlOrRd": "need", "YlGnBu": "resource", "RdYlBu_r": "diverging"}


def codes_of(kind: str) -> tuple[str, ...]:
    """The codes of ``kind`` (``"lisa"`` or ``"gi"``) in legend order."""
    return _KINDS[kind][0]


def code_label(kind: str, code: str, lang: str | None = None) -> str:
    """German (default) or English label of a LISA/Gi* code."""
    return _KINDS[kind][1][code][get_lang(lang)]


def code_labels(kind: str, lang: str | None = None) -> dict[str, str]:
    """Label of every code of ``kind``."""
    return {c: code_label(kind, c, lang) for c in codes_of(kind)}


def code_colors(kind: str) -> dict[str, str]:
    """Colour (``#rrggbb``) of every code of ``kind``."""
    return dict(_KINDS[kind][2])


def mark_not_rated(codes, data) -> np.ndarray:
    """LISA/Gi* codes with ``"nan"`` turned into ``"not_rated"`` for areas not rated.

    An area the monitor did not rate (``bewertet`` False in ``data``) has no value
    in the statistic; its category says why: "nicht bewertet", not "kein Wert".
    """
    from sozialraum.core.classify import rated_mask

    out = np.asarray(codes, dtype=object).copy()
    r = rated_mask(data) if hasattr(data, "columns") else None
    if r is not None:
        out[(out == "nan") & ~r.to_numpy(dtype=bool)] = "not_rated"
    return out


def class_colors(k: int, ramp: str = "need") -> tuple[str, ...]:
    """``k`` class colours spread evenly over a ramp (light to dark).

    ``ramp`` is a key of :data:`RAMPS` (also ``"YlOrRd"``, ``"YlGnBu"``,
    ``"RdYlBu_r"``) or any other matplotlib colour map name.
    """
    if k <= 0:
        return ()
    name = _RAMP_ALIASES.get(ramp, ramp)
    if name in RAMPS:
        cols = RAMPS[name]
        if k == 1:
            return (cols[len(cols) // 2],)
        return tuple(cols[round(i * (len(cols) - 1) / (k - 1))] for i in range(k))
    import matplotlib as mpl

    cm = mpl.colormaps[ramp]
    pos = [0.6] if k == 1 else np.linspace(0.12, 0.95, k)
    return tuple(mpl.colors.to_hex(cm(p)) for p in pos)
