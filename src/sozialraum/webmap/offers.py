"""Offers by theme on the web map: one switchable point layer per theme.

The offer inventory groups facilities and services by the four themes planners use
(Gesundheit; Bildung & Freizeit; Leben & Wohnen; Förderung, Beratung & Hilfe;
:data:`sozialraum.access.offers.THEMES`). :class:`OfferLayers` draws them as small
coloured circles, one layer per theme in the layer list, with a German (or English)
popup: the name, the theme and — where the register has them — target group,
address and operator. Only these columns enter the HTML: an offer layer never
carries capacities, occupancy, waiting lists or anything else about persons.

A register may mark offers whose address must not be published (e.g. a women's
shelter) in a column ``oeffentlich`` (``nein``/``false``/``0``):
:func:`sozialraum.access.offers.public_offers` drops them for every map but the internal one.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import geopandas as gpd
import pandas as pd

from sozialraum._i18n import t
from sozialraum.access.offers import PUBLIC_COLUMN, THEMES, public_offers
from sozialraum.errors import InputError, format_ids

from ._format import esc, missing_label

__all__ = [
    "DETAIL_COLUMNS",
    "OFFERS_SHOWN_MAX",
    "PUBLIC_COLUMN",
    "THEME_COLORS",
    "OfferLayers",
    "offers_config",
    "public_offers",
]

#: Colours of the four themes (Okabe–Ito, colour-blind safe); further themes cycle
#: through :data:`EXTRA_COLORS`.
THEME_COLORS: dict[str, str] = {
    "Gesundheit": "#d55e00",
    "Bildung & Freizeit": "#0072b2",
    "Leben & Wohnen": "#009e73",
    "Förderung, Beratung & Hilfe": "#cc79a7",
}
EXTRA_COLORS = ("#e69f00", "#56b4e9", "#f0e442", "#000000")

#: Popup rows an offer shows where the register has the column: column → (de, en).
DETAIL_COLUMNS: dict[str, tuple[str, str]] = {
    "zielgruppe": ("Zielgruppe", "Target group"),
    "adresse": ("Adresse", "Address"),
    "anschrift": ("Adresse", "Address"),
    "strasse": ("Straße", "Street"),
    "ort": ("Ort", "Place"),
    "traeger": ("Träger", "Operator"),
    "träger": ("Träger", "Operator"),
    "betreiber": ("Träger", "Operator"),
}

#: Offer layers with more points than this start switched off (like the facility layers).
OFFERS_SHOWN_MAX = 500

_MSG = {
    "title": {"de": "Angebote nach Thema", "en": "Offers by theme"},
    "prefix": {"de": "Angebote", "en": "Offers"},
    "theme": {"de": "Thema", "en": "Theme"},
    "no_points": {
        "de": "Angebote: Zeilen ohne Punktgeometrie: {ids}. Bitte Koordinaten ergänzen.",
        "en": "Offers: rows without a point geometry: {ids}. Please add coordinates.",
    },
    "missing": {
        "de": "Angebote: Spalten fehlen: {cols}. Vorhanden: {have}.",
        "en": "Offers: missing columns: {cols}. Present: {have}.",
    },
}


@dataclass(frozen=True)
class OfferLayers:
    """Offer points, one switchable layer per theme.

    Parameters
    ----------
    frame
        One point per offer (any CRS) with the theme and name columns.
    theme, name
        Columns of the theme and the name.
    details
        Popup rows ``{column: label}``; default: the columns of :data:`DETAIL_COLUMNS`
        the frame has (target group, address, operator).
    themes
        Order of the layers; default the four themes, then any other theme in the data.
    show
        Switched on when the map opens; default only up to :data:`OFFERS_SHOWN_MAX` points.
    cluster
        Cluster close points (if the markercluster plugin is on the page).
    """

    frame: gpd.GeoDataFrame = field(hash=False, compare=False)
    theme: str = "thema"
    name: str = "name"
    details: Mapping[str, str] | None = field(default=None, hash=False)
    themes: Sequence[str] | None = None
    show: bool | None = None
    cluster: bool = True

    def detail_columns(self, lang: str) -> dict[str, str]:
        """The popup rows ``{column: label}`` (given, or the known columns present)."""
        if self.details is not None:
            return dict(self.details)
        i = 1 if lang == "en" else 0
        return {c: lab[i] for c, lab in DETAIL_COLUMNS.items() if c in self.frame.columns}

    def used_columns(self, lang: str) -> list[str]:
        """The columns of the frame that enter the HTML."""
        return [self.theme, self.name, *self.detail_columns(lang)]


def _theme_order(spec: OfferLayers, present: Sequence[str]) -> list[str]:
    base = list(spec.themes) if spec.themes is not None else list(THEMES)
    return [th for th in base if th in present] + sorted(set(present) - set(base))


def _color(theme: str, i_extra: int) -> str:
    return THEME_COLORS.get(theme) or EXTRA_COLORS[i_extra % len(EXTRA_COLORS)]


def _check(spec: OfferLayers, lang: str) -> None:
    fr = spec.frame
    missing = [c for c in spec.used_columns(lang) if c not in fr.columns]
    if missing:
        raise InputError(
            t(_MSG, "missing", lang, cols=", ".join(missing), have=", ".join(map(str, fr.columns))),
            column=missing[0],
        )
    g = fr.geometry
    bad = g.isna() | g.is_empty | (g.geom_type != "Point")
    if bad.any():
        raise InputError(
            t(_MSG, "no_points", lang, ids=format_ids(list(fr.index[bad]))),
            ids=[str(i) for i in fr.index[bad]],
        )


def offers_config(spec: OfferLayers, lang: str) -> tuple[dict, str]:
    """Points, themes and legend of the offer layers (page configuration and legend HTML).

    Every text from the register is escaped when the page writes it; the legend is
    escaped here.
    """
    _check(spec, lang)
    fr = spec.frame
    pts = fr.geometry.to_crs(4326) if not fr.crs.equals("EPSG:4326") else fr.geometry
    themes_col = fr[spec.theme].astype("string").fillna(missing_label(lang))
    order = _theme_order(spec, list(pd.unique(themes_col)))
    index = {th: i for i, th in enumerate(order)}
    extra = [th for th in order if th not in THEME_COLORS]
    cats = [
        {
            "label": th,
            "color": _color(th, extra.index(th) if th in extra else 0),
            "title": f"{t(_MSG, 'prefix', lang)}: {th}",
        }
        for th in order
    ]
    details = spec.detail_columns(lang)
    texts = {
        c: ["" if pd.isna(v) or not str(v).strip() else str(v) for v in fr[c]] for c in details
    }
    points = []
    for j, (th, name, pt) in enumerate(zip(themes_col, fr[spec.name], pts, strict=True)):
        rows = [[lab, texts[c][j]] for c, lab in details.items() if texts[c][j]]
        points.append(
            [round(pt.y, 6), round(pt.x, 6), index[th], "" if pd.isna(name) else str(name), rows]
        )
    counts = pd.Series([p[2] for p in points], dtype=int).value_counts()
    legend = _legend(cats, counts, lang)
    show = spec.show if spec.show is not None else len(points) <= OFFERS_SHOWN_MAX
    cfg = {
        "cats": cats,
        "points": points,
        "cluster": bool(spec.cluster),
        "show": bool(show),
        "themeLabel": t(_MSG, "theme", lang),
    }
    return cfg, legend


def _legend(cats: list[dict], counts: pd.Series, lang: str) -> str:
    rows = "".join(
        '<div class="sr-legend-row"><span class="sr-sw sr-sw-dot" style="background:'
        f'{c["color"]}"></span>{esc(c["label"])}'
        f'<span class="sr-legend-n">({int(counts.get(i, 0))})</span></div>'
        for i, c in enumerate(cats)
    )
    return f'<div class="sr-legend-title">{esc(t(_MSG, "title", lang))}</div>{rows}'
