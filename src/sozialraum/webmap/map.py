"""Interactive committee maps (Leaflet via folium): choropleths, LISA, Gi*, facilities.

One call, :func:`make_map`, turns a GeoDataFrame with ready columns and a
:class:`MapSpec` (what to show: layers, overlays, view, release) into a
:class:`folium.Map`; :func:`save_map` writes it as one HTML file (``offline=True``:
self-contained, every script and style inlined, renders with no network).
The keyword arguments of earlier versions are still accepted and become a
:class:`MapSpec` (:meth:`MapSpec.from_kwargs`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from pathlib import Path

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
from branca.element import Element, MacroElement

from sozialraum._i18n import get_lang, t
from sozialraum.core import palettes
from sozialraum.core.classify import scheme_name
from sozialraum.core.numbers import format_number
from sozialraum.core.territory import Territory
from sozialraum.errors import InputError, format_ids
from sozialraum.monitor.certainty import certainty_text

from . import _assets, _js
from ._format import esc, fmt_number, hidden_label, js_json, missing_label
from .geometry import GeometryParams, shared_arcs, shared_geometries
from .layers import (
    HIDDEN_COLOR,
    MISSING_COLOR,
    NOT_RATED_COLOR,
    CategoryLayer,
    Classes,
    Indicator,
    categorize,
    classify_layer,
    format_values,
    gi_layer,
    hidden_mask,
    lisa_layer,
    numeric,
    rated_for,
    status_for,
    to_hex,
)
from .offers import OfferLayers, offers_config

_MSG = {
    "unsure": {
        "de": "gestrichelter Rand: Klasse unsicher (unter {p} % sicher)",
        "en": "dashed outline: class uncertain (below {p} % certain)",
    },
    "first_layer": {
        "de": "Die Startebene {col!r} ist keine Ebene der Karte (Ebenen: {have}).",
        "en": "The start layer {col!r} is not a layer of the map (layers: {have}).",
    },
    "not_allowed": {
        "de": (
            "Die Spalten {cols} sollen in die Karte, sind aber nicht in columns_allowed freigegeben. "
            "Bitte freigeben oder die Ebene weglassen (für eine öffentliche Karte die Freigabestufe prüfen)."
        ),
        "en": (
            "The columns {cols} are used by the map but not released in columns_allowed. "
            "Release them or leave the layer out (for a public map check the release level)."
        ),
    },
    "missing_cols": {
        "de": "{what}: Spalten fehlen: {cols}. Vorhanden: {have}.",
        "en": "{what}: missing columns: {cols}. Present: {have}.",
    },
    "dup_index": {
        "de": "Die Gebietsschlüssel (Index) sind doppelt: {ids}. Jeder Schlüssel darf nur einmal vorkommen.",
        "en": "Duplicate area keys (index): {ids}. Each key may occur only once.",
    },
    "no_points": {
        "de": "Einrichtungen: Zeilen ohne Punktgeometrie: {ids}. Bitte Koordinaten ergänzen.",
        "en": "Facilities: rows without a point geometry: {ids}. Please add coordinates.",
    },
    "basemap": {
        "de": "Unbekannte Grundkarte {name!r}; möglich: 'osm', 'grau', 'keine'.",
        "en": "Unknown basemap {name!r}; choose 'osm', 'grey', 'none'.",
    },
    "no_layers": {
        "de": "Die Karte braucht mindestens einen Indikator oder eine Kategorienebene.",
        "en": "The map needs at least one indicator or category layer.",
    },
    # texts on the page
    "cls": {"de": "Klasse", "en": "Class"},
    "area": {"de": "Gebiet", "en": "Area"},
    "average": {"de": "Ø gesamt", "en": "Ø overall"},
    "search": {"de": "Gebiet suchen …", "en": "Search area …"},
    "not_found": {"de": "Kein Gebiet dieses Namens gefunden", "en": "No area of that name found"},
    "fullscreen": {"de": "Vollbild", "en": "Full screen"},
    "catchments": {"de": "Einzugsbereiche", "en": "Catchment areas"},
    "boundaries": {"de": "Gemeindegrenzen", "en": "Municipal boundaries"},
    "members": {"de": "Mitglieder", "en": "Members"},
    "category": {"de": "Kategorie", "en": "Category"},
    "capacity": {"de": "Kapazität", "en": "Capacity"},
    "facilities": {"de": "Einrichtungen", "en": "Facilities"},
    "source": {"de": "Quelle", "en": "Source"},
    "unit": {"de": "Einheit", "en": "Unit"},
    "year": {"de": "Stand", "en": "Year"},
    "lisa": {"de": "Räumliche Cluster (LISA)", "en": "Spatial clusters (LISA)"},
    "gi": {"de": "Hot- und Coldspots (Gi*)", "en": "Hot and cold spots (Gi*)"},
    "osm": {"de": "OpenStreetMap", "en": "OpenStreetMap"},
    "grey": {"de": "Hellgraue Karte", "en": "Light grey map"},
    "none": {"de": "Ohne Hintergrund", "en": "No basemap"},
    "not_rated": {"de": "nicht bewertet", "en": "not rated"},
    "classes": {"de": "Klassen: {scheme}", "en": "Classes: {scheme}"},
}

BASEMAPS = {
    "osm": (
        "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
        '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>-Mitwirkende',
        19,
    ),
    "grey": (
        "https://{s}.basemaps.cartocdn.com/light_all/{z}/{x}/{y}.png",
        '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>-Mitwirkende '
        '&copy; <a href="https://carto.com/attributions">CARTO</a>',
        20,
    ),
    "none": (None, "", 19),
}
_BASEMAP_ALIASES = {
    "osm": "osm",
    "openstreetmap": "osm",
    "grey": "grey",
    "gray": "grey",
    "grau": "grey",
    "light": "grey",
    "positron": "grey",
    "none": "none",
    "keine": "none",
    "blank": "none",
}

#: Qualitative colours for facility categories (ColorBrewer Set1/Dark2-like, readable on white).
FACILITY_COLORS = (
    "#1b9e77",
    "#d95f02",
    "#7570b3",
    "#e7298a",
    "#66a61e",
    "#a6761d",
    "#1f78b4",
    "#666666",
)


@dataclass(frozen=True)
class MapInfo:
    """What went into a map (for reports and tests).

    Attributes
    ----------
    n_areas
        Areas drawn per area layer.
    layers
        Titles of the area layers (indicators, then category layers).
    columns
        Data columns whose content (values, classes or text) entered the HTML.
    geometry
        Simplification and rounding of the area geometries.
    offline
        Whether all assets are inlined.
    """

    n_areas: int
    layers: tuple[str, ...]
    columns: tuple[str, ...]
    geometry: GeometryParams
    offline: bool


class _Raw(Element):
    """An element whose text is inserted as is (never parsed as a Jinja template)."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self._text = text

    def render(self, **kwargs) -> str:  # noqa: D102
        return self._text


class _SozialraumLayers(MacroElement):
    """Adds sozialraum's script, styles and map configuration to a folium map."""

    def __init__(self, head: str, cfg_json: str) -> None:
        super().__init__()
        self._name = "SozialraumLayers"
        self._head = head
        self._cfg = cfg_json

    def render(self, **kwargs) -> None:  # noqa: D102
        figure = self.get_root()
        figure.header.add_child(_Raw(self._head), name="sozialraum_head")
        map_name = self._parent.get_name()
        figure.script.add_child(
            _Raw(f"SozialraumMap({map_name},{self._cfg});"), name="sozialraum_script"
        )


def _need(frame: pd.DataFrame, cols: Iterable[str], what: str, lang: str | None) -> None:
    miss = [c for c in cols if c not in frame.columns]
    if miss:
        raise InputError(
            t(
                _MSG,
                "missing_cols",
                lang,
                what=what,
                cols=format_ids(miss),
                have=format_ids(list(frame.columns), 20),
            ),
            column=miss[0],
        )


def _as_indicator(x: Indicator | str) -> Indicator:
    return x if isinstance(x, Indicator) else Indicator(column=str(x))


def _legend_html(
    title: str, sub: str, source: str, rows: list[tuple[str, str, str]], dot: bool = False
) -> str:
    h = [f'<div class="sr-legend-title">{esc(title)}</div>']
    if sub:
        h.append(f'<div class="sr-legend-sub">{esc(sub)}</div>')
    cls = "sr-sw sr-sw-dot" if dot else "sr-sw"
    for color, label, n in rows:
        h.append(
            f'<div class="sr-legend-row"><span class="{cls}" style="background:{to_hex(color)}"></span>'
            f'<span>{esc(label)}</span><span class="sr-legend-n">{esc(n)}</span></div>'
        )
    if source:
        h.append(f'<div class="sr-legend-src">{esc(source)}</div>')
    return "".join(h)


def _class_rows(cl: Classes, missing_color: str, lang: str | None) -> list[tuple[str, str, str]]:
    rows = [(c, lab, f"({n})") for c, lab, n in zip(cl.colors, cl.labels, cl.counts, strict=False)]
    if cl.n_not_rated:
        rows.append((NOT_RATED_COLOR, t(_MSG, "not_rated", lang), f"({cl.n_not_rated})"))
    if cl.n_missing:
        rows.append((missing_color, missing_label(lang), f"({cl.n_missing})"))
    if cl.n_hidden:
        rows.append((HIDDEN_COLOR, hidden_label(lang), f"({cl.n_hidden})"))
    return rows


def _unique_title(title: str, used: set[str]) -> str:
    out, i = title, 2
    while out in used:
        out = f"{title} ({i})"
        i += 1
    used.add(out)
    return out


@dataclass(frozen=True)
class Layers:
    """What the areas show.

    Attributes
    ----------
    indicators
        Choropleth layers (:class:`~sozialraum.webmap.layers.Indicator` or column names);
        the first is shown, the others can be switched on (area layers are exclusive).
    lisa, gi, category_layers
        Category layers: ``lisa="lisa_cat"`` uses the codes in ``lisa_code``;
        ``gi="gi_cat"`` those in ``gi_code``; or ready :class:`CategoryLayer` objects.
    profile
        Key indicators of the popup's mini-profile (default: ``indicators``), each
        shown with the average over all published areas (unweighted mean of the values
        shown; pass ``averages[column]`` for an official, e.g. population-weighted, one).
    status, status_suffix
        Status codes per value: a frame like the values, or columns ``<col>_status``.
        Secret codes (:mod:`sozialraum.core.status`, and unknown codes) show as text
        and class "nicht veröffentlicht", never as a number.
    first
        Column of the layer shown when the map opens (an indicator or a category
        layer, e.g. the status class); default: the first indicator.
    """

    indicators: tuple = ()
    lisa: CategoryLayer | str | None = None
    gi: CategoryLayer | str | None = None
    category_layers: tuple = ()
    profile: tuple | None = None
    averages: Mapping[str, float] | None = field(default=None, hash=False)
    status: pd.DataFrame | None = field(default=None, hash=False, compare=False)
    status_suffix: str = "_status"
    first: str | None = None


@dataclass(frozen=True)
class Facilities:
    """Facility points: one switchable layer per category with letter icons.

    ``icons={category: (colour, letters)}`` sets icons; ``columns={column: label}``
    adds popup rows (e.g. a 2SFCA supply ratio); clustered if ``cluster``.
    ``show``: switched on when the map opens; default only up to
    :data:`FACILITIES_SHOWN_MAX` points — thousands of markers would cover the areas,
    so a dense layer starts switched off and is turned on in the layer list.
    """

    frame: gpd.GeoDataFrame = field(hash=False, compare=False)
    category: str = "kategorie"
    name: str = "name"
    capacity: str | None = "kapazitaet"
    capacity_unit: str = ""
    icons: Mapping[str, tuple[str, str]] | None = field(default=None, hash=False)
    columns: Mapping[str, str] | None = field(default=None, hash=False)
    cluster: bool = True
    show: bool | None = None

    def used_columns(self) -> list[str]:
        """The columns of the facility frame that enter the HTML."""
        cap = [self.capacity] if self.capacity else []
        return [self.category, self.name, *cap, *list(self.columns or {})]


@dataclass(frozen=True)
class Overlays:
    """Drawn on top of the areas: facilities, catchments (dashed), municipal boundaries,
    region sets (:class:`RegionOverlay`, one switchable layer each).

    ``offers``: the offer inventory by theme (:class:`~sozialraum.webmap.offers.OfferLayers`).
    """

    facilities: Facilities | None = None
    catchments: gpd.GeoDataFrame | None = field(default=None, hash=False, compare=False)
    boundaries: gpd.GeoDataFrame | None = field(default=None, hash=False, compare=False)
    boundary_label: str | None = None
    regions: tuple = field(default=(), hash=False, compare=False)
    offers: OfferLayers | None = None


@dataclass(frozen=True)
class RegionOverlay:
    """One region set on the map: its regions' borders, filled in the colour of their class.

    ``frame`` has one polygon per region (dissolved from the member areas) and the
    text columns ``name``, ``members`` and ``cls`` (shown in the tooltip; no numbers);
    ``colors`` maps a class to its colour (a region without class is grey).
    """

    title: str
    frame: gpd.GeoDataFrame = field(hash=False, compare=False)
    colors: Mapping[str, str] = field(default_factory=dict, hash=False, compare=False)


@dataclass(frozen=True)
class View:
    """Base map, title and page controls.

    ``basemap`` ``"osm"``, ``"grey"`` or ``"none"`` (all three can be chosen on the map;
    default ``"osm"`` online and ``"none"`` offline); ``offline`` inlines Leaflet (and
    markercluster) from the installed ``xstatic-*`` packages; ``tolerance_m``,
    ``decimals``: coverage simplification in metres and decimals of the coordinates
    (default automatic, see :mod:`sozialraum.webmap.geometry`).
    """

    basemap: str | None = None
    offline: bool = False
    title: str | None = None
    tolerance_m: float | None = None
    decimals: int | None = None
    search: bool = True
    fullscreen: bool = True
    collapsed_layers: bool = False
    fill_opacity: float = 0.75


@dataclass(frozen=True)
class Release:
    """What may enter the HTML (the release level of the map).

    ``columns_allowed``: if given, only these columns may enter (values, names,
    categories, facility attributes); any other raises :class:`InputError`. No other
    property is written into the embedded GeoJSON in any case. ``show_values=False``
    for a public map that shows classes only: no values in tooltips, popups or GeoJSON.
    """

    columns_allowed: tuple[str, ...] | None = None
    show_values: bool = True


@dataclass(frozen=True)
class MapSpec:
    """Everything a web map shows besides the areas themselves.

    ``name_column``: area names (tooltips, popups, search; default the area key);
    ``average_label``: head of the average column (default ``Ø gesamt``);
    ``lang``: ``"de"`` (default) or ``"en"`` for every text on the map;
    ``territory``: the level words of the legends (boundary layer "Bezirksgrenzen";
    default: Gemeindegrenzen).
    """

    layers: Layers = field(default_factory=Layers)
    overlays: Overlays = field(default_factory=Overlays)
    view: View = field(default_factory=View)
    release: Release = field(default_factory=Release)
    name_column: str | None = None
    average_label: str | None = None
    lang: str | None = None
    territory: Territory | None = None

    @classmethod
    def from_kwargs(cls, indicators: Sequence[Indicator | str] = (), **kw) -> MapSpec:
        """A spec from the keyword arguments of :func:`make_map` (earlier interface)."""
        top = {
            k: kw.pop(k) for k in ("name_column", "average_label", "lang", "territory") if k in kw
        }
        groups = {}
        for part in (Layers, View, Release):
            names = {f.name for f in fields(part)}
            groups[part] = part(**{k: kw.pop(k) for k in list(kw) if k in names})
        if groups[Layers].profile is not None:
            groups[Layers] = _replace(groups[Layers], profile=tuple(groups[Layers].profile))
        groups[Layers] = _replace(
            groups[Layers],
            indicators=tuple(indicators),
            category_layers=tuple(groups[Layers].category_layers),
        )
        if groups[Release].columns_allowed is not None:
            groups[Release] = Release(
                tuple(groups[Release].columns_allowed), groups[Release].show_values
            )
        fac = kw.pop("facilities", None)
        fac_kw = {
            k.removeprefix("facility_"): kw.pop(k)
            for k in list(kw)
            if k.startswith("facility_") or k in ("capacity_unit", "cluster")
        }
        overlays = Overlays(
            facilities=Facilities(fac, **fac_kw) if fac is not None else None,
            catchments=kw.pop("catchments", None),
            boundaries=kw.pop("boundaries", None),
            boundary_label=kw.pop("boundary_label", None),
            regions=tuple(kw.pop("regions", None) or ()),
            offers=kw.pop("offers", None),
        )
        if kw:
            raise TypeError(f"make_map() got unexpected keyword arguments: {sorted(kw)}")
        return cls(groups[Layers], overlays, groups[View], groups[Release], **top)


def _replace(obj, **changes):
    import dataclasses

    return dataclasses.replace(obj, **changes)


@dataclass
class _Page:
    """What the steps of :func:`make_map` collect for the page."""

    props: list[dict]
    name_key: str
    layer_cfg: list[dict] = field(default_factory=list)
    legends: list[str] = field(default_factory=list)
    class_codes: list[np.ndarray] = field(default_factory=list)
    layer_columns: list[str] = field(default_factory=list)
    titles: set[str] = field(default_factory=set)
    layer_of_column: dict[str, int] = field(default_factory=dict)
    value_cols: set[str] = field(default_factory=set)


def make_map(
    areas: gpd.GeoDataFrame,
    spec: MapSpec | Sequence[Indicator | str] = (),
    **kwargs,
) -> folium.Map:
    """Build an interactive committee map from a GeoDataFrame of areas.

    Parameters
    ----------
    areas
        Areas (polygons, any CRS) indexed by area key; columns with ready values.
    spec
        A :class:`MapSpec`; or, as in earlier versions, the indicators, with the
        other settings as keyword arguments (``name_column``, ``lisa``, ``gi``,
        ``category_layers``, ``profile``, ``averages``, ``status``, ``status_suffix``,
        ``columns_allowed``, ``show_values``, ``facilities``, ``facility_category``,
        ``facility_name``, ``facility_capacity``, ``capacity_unit``,
        ``facility_icons``, ``facility_columns``, ``cluster``, ``catchments``,
        ``boundaries``, ``boundary_label``, ``basemap``, ``offline``, ``title``,
        ``average_label``, ``tolerance_m``, ``decimals``, ``search``, ``fullscreen``,
        ``collapsed_layers``, ``fill_opacity``, ``lang``) — see :class:`Layers`,
        :class:`Facilities`, :class:`Overlays`, :class:`View`, :class:`Release`.

    Returns
    -------
    folium.Map
        With attribute ``sozialraum_info`` (:class:`MapInfo`).
    """
    if not isinstance(spec, MapSpec):
        spec = MapSpec.from_kwargs(spec, **kwargs)
    elif kwargs:
        raise TypeError("make_map(areas, MapSpec) takes no further keyword arguments")
    lang = get_lang(spec.lang)
    _check_areas(areas, lang)
    inds, cats, prof = _resolve_layers(spec, lang)
    all_cols = _check_columns(areas, spec, inds, cats, prof, lang)
    # the same areas in every package of a run: encoded once (the identical result)
    arcs, gparams = shared_arcs(areas, spec.view.tolerance_m, spec.view.decimals, what="areas")
    page = _new_page(areas, spec.name_column)
    for ind in inds:
        _indicator_layer(areas, spec, ind, page, lang)
    for cat in cats:
        _category_layer(areas, spec, cat, page, lang)
    _first_layer(spec.layers.first, page, lang)
    profile_cfg = _profile(areas, spec, prof, page, lang)
    features = _features(page, arcs, len(areas))
    overlay_cfg = _overlays(spec.overlays, spec.view, gparams.decimals, page, lang)
    cfg = _config(areas, spec, page, profile_cfg, overlay_cfg, lang)
    m = _folium_map(areas, spec, cfg, features, overlay_cfg, page, lang)
    m.sozialraum_info = MapInfo(
        n_areas=len(areas),
        layers=tuple(lc["title"] for lc in page.layer_cfg),
        columns=tuple(all_cols),
        geometry=gparams,
        offline=spec.view.offline,
    )
    return m


#: Facility layers with more points than this start switched off (``Facilities.show``).
FACILITIES_SHOWN_MAX = 500

#: From this many areas on, the areas are drawn on one canvas instead of as SVG paths
#: (a national map of 10,997 municipalities opens in about a second instead of four).
CANVAS_FROM = 3000


def _check_areas(areas, lang: str) -> None:
    if not isinstance(areas, gpd.GeoDataFrame):
        raise InputError(t(_MSG, "missing_cols", lang, what="areas", cols="geometry", have="-"))
    if areas.index.has_duplicates:
        dups = list(areas.index[areas.index.duplicated()].unique())
        raise InputError(
            t(_MSG, "dup_index", lang, ids=format_ids(dups)), ids=[str(d) for d in dups]
        )


def _resolve_layers(spec: MapSpec, lang: str):
    """Indicator specs, category layers and profile rows of the map."""
    lay = spec.layers
    inds = [_as_indicator(x) for x in lay.indicators]
    cats: list[CategoryLayer] = []
    if lay.lisa is not None:
        lisa = lay.lisa
        cats.append(
            lisa
            if isinstance(lisa, CategoryLayer)
            else lisa_layer(str(lisa), color_column=f"{str(lisa).rsplit('_', 1)[0]}_color")
        )
    if lay.gi is not None:
        cats.append(lay.gi if isinstance(lay.gi, CategoryLayer) else gi_layer(str(lay.gi)))
    cats.extend(lay.category_layers)
    if not inds and not cats:
        raise InputError(t(_MSG, "no_layers", lang))
    prof = [_as_indicator(x) for x in (inds if lay.profile is None else lay.profile)]
    return inds, cats, prof


def _check_columns(areas, spec: MapSpec, inds, cats, prof, lang: str) -> list[str]:
    """The columns that enter the HTML: present and released (else a clear error)."""
    used: list[str] = [spec.name_column] if spec.name_column else []
    for ind in inds:
        used.append(ind.column)
        if ind.class_column:
            used.append(ind.class_column)
    used += [c.data_column(areas) for c in cats]
    used += [c.certainty_column for c in (*cats, *inds) if c.certainty_column in areas.columns]
    used += [p.column for p in prof]
    ov = spec.overlays
    fac_cols = ov.facilities.used_columns() if ov.facilities is not None else []
    bnd_cols = [ov.boundary_label] if (ov.boundaries is not None and ov.boundary_label) else []
    _need(areas, dict.fromkeys(used), "areas", lang)
    if ov.facilities is not None:
        _need(ov.facilities.frame, fac_cols, "facilities", lang)
    if bnd_cols:
        _need(ov.boundaries, bnd_cols, "boundaries", lang)
    off_cols = ov.offers.used_columns(lang) if ov.offers is not None else []
    all_cols = list(dict.fromkeys(used + fac_cols + bnd_cols + off_cols))
    if spec.release.columns_allowed is not None:
        allowed = set(spec.release.columns_allowed)
        bad = [c for c in all_cols if c not in allowed]
        if bad:
            raise InputError(t(_MSG, "not_allowed", lang, cols=format_ids(bad)), column=bad[0])
    return all_cols


def _new_page(areas, name_column: str | None) -> _Page:
    if name_column:
        names = [("" if pd.isna(v) else str(v)) for v in areas[name_column]]
        return _Page(props=[{name_column: nm} for nm in names], name_key=name_column)
    return _Page(props=[{"_key": str(i)} for i in areas.index], name_key="_key")


def _emit_values(areas, spec: MapSpec, ind: Indicator, page: _Page, lang: str) -> None:
    """Value texts of one column into the area properties (once, never when hidden)."""
    if not spec.release.show_values or ind.column in page.value_cols:
        return
    st = status_for(areas, spec.layers.status, ind.column, spec.layers.status_suffix)
    y = numeric(areas[ind.column], ind.column)
    for p, s in zip(page.props, format_values(y, st, ind.decimals, ind.unit, lang), strict=False):
        p[ind.column] = s
    page.value_cols.add(ind.column)


def _layer_entry(kind: str, title: str, field_: str | None, cl: Classes, missing: str, page):
    return {
        "kind": kind,
        "title": title,
        "field": field_,
        "labels": list(cl.labels),
        "colors": list(cl.colors),
        "missingColor": missing,
        "hiddenColor": HIDDEN_COLOR,
        "notRatedColor": NOT_RATED_COLOR,
        "show": len(page.layer_cfg) == 0,
    }


def _indicator_layer(areas, spec: MapSpec, ind: Indicator, page: _Page, lang: str) -> None:
    """Classes, legend and value texts of one choropleth layer."""
    st = status_for(areas, spec.layers.status, ind.column, spec.layers.status_suffix)
    cl = classify_layer(
        areas[ind.column],
        ind,
        hidden=hidden_mask(st) if st is not None else None,
        lang=lang,
        classes=areas[ind.class_column] if ind.class_column else None,
        rated=rated_for(areas, ind),
    )
    ttl = _unique_title(ind.label, page.titles)
    sub = []
    if ind.unit:
        sub.append(f"{t(_MSG, 'unit', lang)}: {ind.unit}")
    if ind.year is not None and str(ind.year):
        sub.append(f"{t(_MSG, 'year', lang)}: {ind.year}")
    if not ind.class_column:
        sub.append(t(_MSG, "classes", lang, scheme=scheme_name(ind.scheme_used, lang)))
    src = f"{t(_MSG, 'source', lang)}: {ind.source}" if ind.source else ""
    page.legends.append(
        _legend_html(ttl, " · ".join(sub), src, _class_rows(cl, MISSING_COLOR, lang))
    )
    _certainty_notes(areas, ind, cl, page, lang)
    page.layer_of_column.setdefault(ind.column, len(page.layer_cfg))
    fld = ind.column if spec.release.show_values else None
    page.layer_cfg.append(_layer_entry("choro", ttl, fld, cl, MISSING_COLOR, page))
    page.class_codes.append(cl.codes)
    page.layer_columns.append(ind.column)
    _emit_values(areas, spec, ind, page, lang)


def _category_layer(areas, spec: MapSpec, cat: CategoryLayer, page: _Page, lang: str) -> None:
    """Classes and legend of one category layer (LISA, Gi*, typology)."""
    st = status_for(areas, spec.layers.status, cat.column, spec.layers.status_suffix)
    cl = categorize(areas, cat, hidden=hidden_mask(st) if st is not None else None, lang=lang)
    default_title = t(_MSG, cat.kind, lang) if cat.kind in ("lisa", "gi") else cat.column
    ttl = _unique_title(cat.title or default_title, page.titles)
    miss_color = palettes.LISA_COLORS["nan"] if cat.kind in ("lisa", "gi") else MISSING_COLOR
    sub = f"{t(_MSG, 'year', lang)}: {cat.year}" if cat.year is not None else ""
    src = f"{t(_MSG, 'source', lang)}: {cat.source}" if cat.source else ""
    page.legends.append(_legend_html(ttl, sub, src, _class_rows(cl, miss_color, lang)))
    _certainty_notes(areas, cat, cl, page, lang)
    page.layer_cfg.append(_layer_entry(cat.kind, ttl, None, cl, miss_color, page))
    page.class_codes.append(cl.codes)
    page.layer_columns.append(cat.column)


def _certainty_notes(areas, cat: CategoryLayer | Indicator, cl, page: _Page, lang: str) -> None:
    """Tooltip note "Klasse zu 62 % sicher" (``_n<layer>``) and unsure mark (``_u<layer>``)."""
    col = cat.certainty_column
    if col is None or col not in areas.columns:
        return
    li = len(page.layer_cfg)
    p_all = pd.to_numeric(areas[col], errors="coerce").to_numpy(dtype=float)
    for props, p, code in zip(page.props, p_all, cl.codes, strict=True):
        if code < 0 or not np.isfinite(p):
            continue
        props[f"_n{li}"] = certainty_text(p, lang)
        if p < cat.unsure_below:
            props[f"_u{li}"] = 1
    note = t(_MSG, "unsure", lang, p=format_number(100 * cat.unsure_below, 0, lang))
    page.legends[-1] += f'<div class="sr-legend-sub">{esc(note)}</div>'


def _first_layer(first: str | None, page: _Page, lang: str) -> None:
    """Show the layer of column ``first`` when the map opens (default: the first layer)."""
    if first is None:
        return
    if first not in page.layer_columns:
        raise InputError(
            t(_MSG, "first_layer", lang, col=first, have=format_ids(page.layer_columns)),
            column=first,
        )
    pick = page.layer_columns.index(first)
    for i, entry in enumerate(page.layer_cfg):
        entry["show"] = i == pick


def _profile(areas, spec: MapSpec, prof, page: _Page, lang: str) -> list[dict]:
    """Rows of the popup's mini-profile with the average over the published areas."""
    out = []
    averages = spec.layers.averages
    for ind in prof:
        _emit_values(areas, spec, ind, page, lang)
        st = status_for(areas, spec.layers.status, ind.column, spec.layers.status_suffix)
        y = numeric(areas[ind.column], ind.column)
        hid = hidden_mask(st) if st is not None else np.zeros(len(y), dtype=bool)
        if averages is not None and ind.column in averages:
            avg = float(averages[ind.column])
        else:
            ok = ~np.isnan(y) & ~hid
            avg = float(np.mean(y[ok])) if ok.any() else float("nan")
        avg_txt = fmt_number(avg, ind.decimals, lang)
        if avg_txt and ind.unit:
            avg_txt = f"{avg_txt} {ind.unit}"
        out.append(
            {
                "field": ind.column,
                "title": ind.label,
                "avg": avg_txt if spec.release.show_values else "",
                "layer": page.layer_of_column.get(ind.column, -1),
            }
        )
    return out


def _features(page: _Page, arcs: dict, n: int) -> str:
    """Area features as arc-encoded JSON text: properties with the class of every layer.

    The format is :mod:`sozialraum.core.topology`'s (shared borders stored once);
    the page script decodes it before drawing.
    """
    codes = np.vstack(page.class_codes).T if page.class_codes else np.zeros((n, 0), dtype=int)
    parts = []
    for i, (p, f) in enumerate(zip(page.props, arcs["features"], strict=True)):
        p["_c"] = [int(c) for c in codes[i]]
        parts.append('{"properties":' + js_json(p) + ',"geometry":' + js_json(f["geometry"]) + "}")
    return (
        '{"type":"FeatureCollection","transform":'
        + js_json(arcs["transform"])
        + ',"arcs":'
        + js_json(arcs["arcs"])
        + ',"features":['
        + ",".join(parts)
        + "]}"
    )


def _overlays(ov: Overlays, view: View, decimals: int, page: _Page, lang: str) -> dict:
    """Facilities, catchments and boundaries as page configuration."""
    out: dict = {"fac": None, "fac_legend": "", "catch": None, "bnd": None, "bnd_labels": []}
    out["regions"] = [_region_overlay(r, view, decimals) for r in ov.regions if len(r.frame)]
    fac = ov.facilities
    if fac is not None and len(fac.frame):
        out["fac"], out["fac_legend"] = _facilities_cfg(fac, lang)
        page.titles.update(c["label"] for c in out["fac"]["cats"])
    out["offers"], out["offer_legend"] = None, ""
    if ov.offers is not None and len(ov.offers.frame):
        out["offers"], out["offer_legend"] = offers_config(ov.offers, lang)
    if ov.catchments is not None and len(ov.catchments):
        ctexts, _ = shared_geometries(
            ov.catchments, view.tolerance_m, decimals, what="catchments", coverage=False
        )
        out["catch"] = _fc_text([({}, g) for g in ctexts])
    if ov.boundaries is not None and len(ov.boundaries):
        btexts, _ = shared_geometries(ov.boundaries, view.tolerance_m, decimals, what="boundaries")
        out["bnd"] = _fc_text([({}, g) for g in btexts])
        if ov.boundary_label:
            pts = ov.boundaries.geometry.representative_point().to_crs(4326)
            for lab, pt in zip(ov.boundaries[ov.boundary_label], pts, strict=False):
                if pd.notna(lab):
                    out["bnd_labels"].append([round(pt.y, 5), round(pt.x, 5), str(lab)])
    return out


def _region_overlay(r: RegionOverlay, view: View, decimals: int) -> tuple[str, str]:
    """(title, GeoJSON text) of one region set: name, members, class and colour per region."""
    texts, _ = shared_geometries(r.frame, view.tolerance_m, decimals, what="regions")
    feats = []
    for (_, row), g in zip(r.frame.iterrows(), texts, strict=True):
        cls = row.get("cls")
        cls = str(cls) if isinstance(cls, str) and cls else ""
        props = {
            "name": str(row.get("name") or ""),
            "members": str(row.get("members") or ""),
            "cls": cls,
            "color": r.colors.get(cls, palettes.MISSING_COLOR),
        }
        feats.append((props, g))
    return r.title, _fc_text(feats)


def _basemaps(view: View, lang: str) -> tuple[list[dict], int]:
    """The three base maps and the index of the one shown first."""
    bm = _BASEMAP_ALIASES.get((view.basemap or ("none" if view.offline else "osm")).lower())
    if bm is None:
        raise InputError(t(_MSG, "basemap", lang, name=view.basemap))
    order = ["osm", "grey", "none"]
    maps = [
        {
            "name": t(_MSG, k, lang),
            "url": BASEMAPS[k][0],
            "attribution": BASEMAPS[k][1],
            "maxZoom": BASEMAPS[k][2],
        }
        for k in order
    ]
    return maps, order.index(bm)


def _bounds(areas) -> list[list[float]]:
    wgs = areas.geometry.to_crs(4326) if not areas.crs.equals("EPSG:4326") else areas.geometry
    minx, miny, maxx, maxy = (float(v) for v in wgs.total_bounds)
    return [[round(miny, 5), round(minx, 5)], [round(maxy, 5), round(maxx, 5)]]


_PAGE_TEXTS = (
    ("cls", "cls"),
    ("area", "area"),
    ("average", "average"),
    ("search", "search"),
    ("notFound", "not_found"),
    ("fullscreen", "fullscreen"),
    ("catchments", "catchments"),
    ("boundaries", "boundaries"),
    ("members", "members"),
    ("category", "category"),
    ("capacity", "capacity"),
    ("notRated", "not_rated"),
)


def _config(areas, spec: MapSpec, page: _Page, profile_cfg, ov: dict, lang: str) -> dict:
    """The configuration object of the page script (without the geometry arrays)."""
    view = spec.view
    basemaps, active = _basemaps(view, lang)
    texts = {k: t(_MSG, key, lang) for k, key in _PAGE_TEXTS}
    texts |= {"missing": missing_label(lang), "hidden": hidden_label(lang)}
    if spec.average_label:
        texts["average"] = spec.average_label
    if spec.territory is not None:  # "Bezirksgrenzen" in a city
        b = spec.territory.middle.compound("grenzen", lang, english="boundaries")
        texts["boundaries"] = b[:1].upper() + b[1:]
    return {
        "lang": lang,
        "nameKey": page.name_key,
        "layers": page.layer_cfg,
        "legends": page.legends,
        "facilityLegend": ov["fac_legend"],
        "profile": profile_cfg,
        "showValues": bool(spec.release.show_values),
        "facilities": ov["fac"],
        "offers": ov["offers"],
        "offerLegend": ov["offer_legend"],
        "catchmentsShow": True,
        "boundaryLabels": ov["bnd_labels"],
        "regionTitles": [title for title, _ in ov["regions"]],
        "basemaps": basemaps,
        "basemapActive": active,
        "bounds": _bounds(areas),
        "title": view.title or "",
        "search": bool(view.search),
        "fullscreen": bool(view.fullscreen),
        "collapsed": bool(view.collapsed_layers),
        "fillOpacity": float(view.fill_opacity),
        "lineColor": "#555555",
        "lineWeight": 0.6,
        "canvasFrom": CANVAS_FROM,
        "text": texts,
    }


def _folium_map(areas, spec: MapSpec, cfg: dict, features, ov: dict, page: _Page, lang: str):
    """The folium map with sozialraum's script, styles and data (no CDN defaults)."""
    # the big geometry arrays are spliced in as text (already compact JSON)
    cfg_json = (
        js_json(cfg)[:-1]
        + ',"areas":'
        + features
        + ',"catchments":'
        + (ov["catch"] or "null")
        + ',"boundaries":'
        + (ov["bnd"] or "null")
        + ',"regionSets":['
        + ",".join(fc for _, fc in ov["regions"])
        + "]}"
    )
    (miny, minx), (maxy, maxx) = cfg["bounds"]
    m = folium.Map(
        location=[(miny + maxy) / 2, (minx + maxx) / 2],
        zoom_start=11,
        tiles=None,
        control_scale=False,
        zoom_control=True,
    )
    # never load folium's default CDN assets (jQuery, Bootstrap, Font Awesome, ...)
    m.default_js = []
    m.default_css = []
    title = spec.view.title
    page_title = (
        title if title is not None else (page.layer_cfg[0]["title"] if page.layer_cfg else "")
    )
    fac = spec.overlays.facilities
    need_cluster = (ov["fac"] is not None and fac is not None and fac.cluster) or bool(
        ov["offers"] and ov["offers"]["cluster"]
    )
    head = [
        '<meta charset="utf-8"/>',
        f"<title>{esc(page_title)}</title>" if page_title else "",
        _assets.header_html(spec.view.offline, need_cluster, lang),
        f"<style>{_js.CSS}</style>",
        f"<script>{_js.JS}</script>",
    ]
    m.add_child(_SozialraumLayers("\n".join(h for h in head if h), cfg_json))
    return m


def _fc_text(features: Sequence[tuple[dict, str]]) -> str:
    parts = [
        '{"type":"Feature","properties":' + js_json(p) + ',"geometry":' + g + "}"
        for p, g in features
    ]
    return '{"type":"FeatureCollection","features":[' + ",".join(parts) + "]}"


def _facilities_cfg(spec: Facilities, lang: str) -> tuple[dict, str]:
    """Points, categories and legend of the facility layers."""
    fac = spec.frame
    cat_col, name_col, cap_col, unit = spec.category, spec.name, spec.capacity, spec.capacity_unit
    icons, extra, cluster = spec.icons, spec.columns, spec.cluster
    geom = fac.geometry
    bad = geom.isna() | geom.is_empty | (geom.geom_type != "Point")
    if bad.any():
        raise InputError(
            t(_MSG, "no_points", lang, ids=format_ids(list(fac.index[bad]))),
            ids=[str(i) for i in fac.index[bad]],
        )
    pts = geom.to_crs(4326) if not geom.crs.equals("EPSG:4326") else geom
    cats = [str(c) for c in pd.unique(fac[cat_col].fillna(missing_label(lang)))]
    cat_cfg = []
    for i, c in enumerate(cats):
        color, letter = (icons or {}).get(
            c, (FACILITY_COLORS[i % len(FACILITY_COLORS)], c[:1].upper())
        )
        cat_cfg.append(
            {"label": c, "color": to_hex(color, "facility_icons"), "letter": str(letter)[:3]}
        )
    index = {c: i for i, c in enumerate(cats)}
    caps = numeric(fac[cap_col], cap_col) if cap_col else np.full(len(fac), np.nan)
    extra_txt = []
    for col in extra or {}:
        vals = fac[col]
        if pd.api.types.is_numeric_dtype(vals):
            extra_txt.append([fmt_number(v, 2, lang) for v in vals])
        else:
            extra_txt.append(["" if pd.isna(v) else str(v) for v in vals])
    labels = list((extra or {}).values())
    points = []
    for j, (cat, name, cap, pt) in enumerate(
        zip(fac[cat_col].fillna(missing_label(lang)), fac[name_col], caps, pts, strict=False)
    ):
        cap_txt = fmt_number(cap, 0, lang)
        if cap_txt and unit:
            cap_txt = f"{cap_txt} {unit}"
        points.append(
            [
                round(pt.y, 6),
                round(pt.x, 6),
                index[str(cat)],
                "" if pd.isna(name) else str(name),
                cap_txt or None,
                [[lab, col[j]] for lab, col in zip(labels, extra_txt, strict=False) if col[j]],
            ]
        )
    counts = pd.Series([p[2] for p in points]).value_counts()
    rows = [
        (c["color"], f"{c['letter']} – {c['label']}", f"({int(counts.get(i, 0))})")
        for i, c in enumerate(cat_cfg)
    ]
    legend = _legend_html(t(_MSG, "facilities", lang), "", "", rows, dot=True)
    show = spec.show if spec.show is not None else len(points) <= FACILITIES_SHOWN_MAX
    return {"cats": cat_cfg, "points": points, "cluster": bool(cluster), "show": show}, legend


def map_html(m: folium.Map) -> str:
    """The complete HTML page of a map made by :func:`make_map`."""
    return m.get_root().render()


def save_map(
    areas: gpd.GeoDataFrame | folium.Map,
    path: str | Path,
    indicators: MapSpec | Sequence[Indicator | str] = (),
    **kwargs,
) -> Path:
    """Write a map as one HTML file (one call from a GeoDataFrame).

    ``areas`` may be a GeoDataFrame (then ``indicators`` and ``**kwargs`` go to
    :func:`make_map`) or a map made before.  Returns the path written.
    """
    if isinstance(areas, folium.Map):
        m = areas
    elif isinstance(indicators, MapSpec):
        m = make_map(areas, indicators)
    else:
        m = make_map(areas, indicators, **kwargs)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(map_html(m), encoding="utf-8")
    return path


def default_palette(k: int, cmap: str = "YlOrRd") -> tuple[str, ...]:
    """The class colours a map uses for ``k`` classes of ``cmap``."""
    return palettes.class_colors(k, cmap)
