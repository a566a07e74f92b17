"""Interactive committee maps (Leaflet via folium): choropleths, LISA, Gi*, facilities.

One call, :func:`make_map`, turns a GeoDataFrame with ready columns into a
:class:`folium.Map`; :func:`save_map` writes it as one HTML file (``offline=True``:
self-contained, every script and style inlined, renders with no network).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
from branca.element import Element, MacroElement

from sozialraum._i18n import get_lang, t
from sozialraum.errors import InputError, format_ids

from . import _assets, _js
from ._format import esc, fmt_number, hidden_label, js_json, missing_label
from .geometry import GeometryParams, prepare_geometries
from .layers import (
    HIDDEN_COLOR,
    MISSING_COLOR,
    CategoryLayer,
    Classes,
    Indicator,
    categorize,
    classify,
    format_values,
    gi_layer,
    hidden_mask,
    lisa_layer,
    numeric,
    palette,
    status_for,
    to_hex,
)

_MSG = {
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
    "quantiles": {"de": "Quantile", "en": "quantiles"},
    "equal_interval": {"de": "gleiche Intervalle", "en": "equal intervals"},
    "natural_breaks": {
        "de": "natürliche Brüche (Fisher-Jenks)",
        "en": "natural breaks (Fisher-Jenks)",
    },
    "fisher_jenks": {
        "de": "natürliche Brüche (Fisher-Jenks)",
        "en": "natural breaks (Fisher-Jenks)",
    },
    "user_defined": {"de": "feste Grenzen", "en": "fixed bounds"},
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


def make_map(
    areas: gpd.GeoDataFrame,
    indicators: Sequence[Indicator | str] = (),
    *,
    name_column: str | None = None,
    lisa: CategoryLayer | str | None = None,
    gi: CategoryLayer | str | None = None,
    category_layers: Sequence[CategoryLayer] = (),
    profile: Sequence[Indicator | str] | None = None,
    averages: Mapping[str, float] | None = None,
    status: pd.DataFrame | None = None,
    status_suffix: str = "_status",
    columns_allowed: Iterable[str] | None = None,
    show_values: bool = True,
    facilities: gpd.GeoDataFrame | None = None,
    facility_category: str = "kategorie",
    facility_name: str = "name",
    facility_capacity: str | None = "kapazitaet",
    capacity_unit: str = "",
    facility_icons: Mapping[str, tuple[str, str]] | None = None,
    facility_columns: Mapping[str, str] | None = None,
    cluster: bool = True,
    catchments: gpd.GeoDataFrame | None = None,
    boundaries: gpd.GeoDataFrame | None = None,
    boundary_label: str | None = None,
    basemap: str | None = None,
    offline: bool = False,
    title: str | None = None,
    average_label: str | None = None,
    tolerance_m: float | None = None,
    decimals: int | None = None,
    search: bool = True,
    fullscreen: bool = True,
    collapsed_layers: bool = False,
    fill_opacity: float = 0.75,
    lang: str | None = None,
) -> folium.Map:
    """Build an interactive committee map from a GeoDataFrame of areas.

    Parameters
    ----------
    areas
        Areas (polygons, any CRS) indexed by area key; columns with ready values.
    indicators
        Choropleth layers (:class:`~sozialraum.webmap.layers.Indicator` or column names);
        the first is shown, the others can be switched on (area layers are exclusive).
    name_column
        Column with area names (tooltips, popups, search); default: the area key.
    lisa, gi, category_layers
        Category layers: ``lisa="lisa_cat"`` uses columns ``lisa_cat``/``lisa_color``;
        ``gi="gi_cat"`` Gi* classes; or ready :class:`CategoryLayer` objects.
    profile
        Key indicators of the popup's mini-profile (default: ``indicators``), each
        shown with the average over all published areas (unweighted mean of the values
        shown; pass ``averages[column]`` for an official, e.g. population-weighted, one).
    average_label
        Head of the average column (default ``Ø gesamt``; e.g. ``Ø Kreis``).
    status, status_suffix
        Status codes per value: a frame like the values, or columns ``<col>_status``.
        ``geheim``, ``teilsumme_geheim``, ``nicht_sicher`` (and unknown codes) show
        as text and class "nicht veröffentlicht", never as a number.
    columns_allowed
        If given, only these columns may enter the HTML (values, names, categories,
        facility attributes); using any other raises :class:`InputError`.  No other
        property is written into the embedded GeoJSON in any case.
    show_values
        ``False`` for a public map that shows classes only: no values in tooltips,
        popups or GeoJSON.
    facilities
        Points with ``facility_category``, ``facility_name`` and ``facility_capacity``;
        one switchable layer per category with letter icons, clustered if ``cluster``.
        ``facility_icons={category: (colour, letters)}`` sets icons;
        ``facility_columns={column: label}`` adds popup rows (e.g. a 2SFCA supply ratio).
    catchments
        Polygons (catchments or travel-time areas), drawn as dashed outlines.
    boundaries, boundary_label
        Municipal boundaries drawn on top, with labels from ``boundary_label``.
    basemap
        ``"osm"``, ``"grey"`` or ``"none"`` (all three can be chosen on the map);
        default ``"osm"`` online and ``"none"`` offline.
    offline
        Inline Leaflet (and markercluster) from the installed ``xstatic-*`` packages.
    tolerance_m, decimals
        Coverage simplification in metres and decimals of the coordinates
        (default: automatic, see :mod:`sozialraum.webmap.geometry`).
    lang
        ``"de"`` (default) or ``"en"`` for every text on the map.

    Returns
    -------
    folium.Map
        With attribute ``sozialraum_info`` (:class:`MapInfo`).
    """
    lang = get_lang(lang)
    if not isinstance(areas, gpd.GeoDataFrame):
        raise InputError(t(_MSG, "missing_cols", lang, what="areas", cols="geometry", have="-"))
    if areas.index.has_duplicates:
        dups = list(areas.index[areas.index.duplicated()].unique())
        raise InputError(
            t(_MSG, "dup_index", lang, ids=format_ids(dups)), ids=[str(d) for d in dups]
        )
    inds = [_as_indicator(x) for x in indicators]
    cats: list[CategoryLayer] = []
    if lisa is not None:
        cats.append(
            lisa
            if isinstance(lisa, CategoryLayer)
            else lisa_layer(str(lisa), color_column=f"{str(lisa).rsplit('_', 1)[0]}_color")
        )
    if gi is not None:
        cats.append(gi if isinstance(gi, CategoryLayer) else gi_layer(str(gi)))
    cats.extend(category_layers)
    if not inds and not cats:
        raise InputError(t(_MSG, "no_layers", lang))
    prof = [_as_indicator(x) for x in (inds if profile is None else profile)]

    # ---- which columns enter the HTML, and are they released?
    used: list[str] = []
    if name_column:
        used.append(name_column)
    for ind in inds:
        used.append(ind.column)
        if ind.class_column:
            used.append(ind.class_column)
    used += [c.column for c in cats]
    used += [p.column for p in prof]
    fac_cols: list[str] = []
    if facilities is not None:
        fac_cols = (
            [facility_category, facility_name]
            + ([facility_capacity] if facility_capacity else [])
            + list(facility_columns or {})
        )
    bnd_cols = [boundary_label] if (boundaries is not None and boundary_label) else []
    _need(areas, dict.fromkeys(c for c in used), "areas", lang)
    if facilities is not None:
        _need(facilities, fac_cols, "facilities", lang)
    if boundaries is not None and bnd_cols:
        _need(boundaries, bnd_cols, "boundaries", lang)
    all_cols = list(dict.fromkeys(used + fac_cols + bnd_cols))
    if columns_allowed is not None:
        allowed = set(columns_allowed)
        bad = [c for c in all_cols if c not in allowed]
        if bad:
            raise InputError(t(_MSG, "not_allowed", lang, cols=format_ids(bad)), column=bad[0])

    # ---- geometry
    areas_geo = areas
    texts, gparams = prepare_geometries(areas_geo, tolerance_m, decimals, what="areas")

    # ---- names
    if name_column:
        names = [("" if pd.isna(v) else str(v)) for v in areas[name_column]]
        name_key = name_column
    else:
        names = [str(i) for i in areas.index]
        name_key = "_key"

    # ---- classes and value texts per area layer
    props: list[dict] = [{name_key: nm} for nm in names]
    layer_cfg: list[dict] = []
    legends: list[str] = []
    class_codes: list[np.ndarray] = []
    used_titles: set[str] = set()
    layer_of_column: dict[str, int] = {}
    value_cols_emitted: set[str] = set()

    def emit_values(spec: Indicator) -> None:
        if not show_values or spec.column in value_cols_emitted:
            return
        st = status_for(areas, status, spec.column, status_suffix)
        y = numeric(areas[spec.column], spec.column)
        txt = format_values(y, st, spec.decimals, spec.unit, lang)
        for p, s in zip(props, txt, strict=False):
            p[spec.column] = s
        value_cols_emitted.add(spec.column)

    for ind in inds:
        st = status_for(areas, status, ind.column, status_suffix)
        hid = hidden_mask(st) if st is not None else None
        cl = classify(
            areas[ind.column],
            ind,
            hidden=hid,
            lang=lang,
            classes=areas[ind.class_column] if ind.class_column else None,
        )
        ttl = _unique_title(ind.label, used_titles)
        sub = []
        if ind.unit:
            sub.append(f"{t(_MSG, 'unit', lang)}: {ind.unit}")
        if ind.year is not None and str(ind.year):
            sub.append(f"{t(_MSG, 'year', lang)}: {ind.year}")
        if not ind.class_column:
            scheme = "user_defined" if ind.bins is not None else ind.scheme
            sname = t(_MSG, scheme, lang) if scheme in _MSG else scheme
            sub.append(t(_MSG, "classes", lang, scheme=sname))
        src = f"{t(_MSG, 'source', lang)}: {ind.source}" if ind.source else ""
        legends.append(
            _legend_html(ttl, " · ".join(sub), src, _class_rows(cl, MISSING_COLOR, lang))
        )
        layer_of_column.setdefault(ind.column, len(layer_cfg))
        layer_cfg.append(
            {
                "kind": "choro",
                "title": ttl,
                "field": ind.column if show_values else None,
                "labels": list(cl.labels),
                "colors": list(cl.colors),
                "missingColor": MISSING_COLOR,
                "hiddenColor": HIDDEN_COLOR,
                "show": len(layer_cfg) == 0,
            }
        )
        class_codes.append(cl.codes)
        emit_values(ind)

    for cat in cats:
        st = status_for(areas, status, cat.column, status_suffix)
        hid = hidden_mask(st) if st is not None else None
        cl = categorize(areas, cat, hidden=hid)
        default_title = (
            t(_MSG, "lisa", lang)
            if cat.kind == "lisa"
            else t(_MSG, "gi", lang)
            if cat.kind == "gi"
            else cat.column
        )
        ttl = _unique_title(cat.title or default_title, used_titles)
        miss_color = "#464646" if cat.kind == "lisa" else MISSING_COLOR
        sub = f"{t(_MSG, 'year', lang)}: {cat.year}" if cat.year is not None else ""
        src = f"{t(_MSG, 'source', lang)}: {cat.source}" if cat.source else ""
        legends.append(_legend_html(ttl, sub, src, _class_rows(cl, miss_color, lang)))
        layer_cfg.append(
            {
                "kind": cat.kind,
                "title": ttl,
                "field": None,
                "labels": list(cl.labels),
                "colors": list(cl.colors),
                "missingColor": miss_color,
                "hiddenColor": HIDDEN_COLOR,
                "show": len(layer_cfg) == 0,
            }
        )
        class_codes.append(cl.codes)

    # ---- mini-profile
    profile_cfg = []
    for spec in prof:
        emit_values(spec)
        st = status_for(areas, status, spec.column, status_suffix)
        y = numeric(areas[spec.column], spec.column)
        hid = hidden_mask(st) if st is not None else np.zeros(len(y), dtype=bool)
        if averages is not None and spec.column in averages:
            avg = float(averages[spec.column])
        else:
            ok = ~np.isnan(y) & ~hid
            avg = float(np.mean(y[ok])) if ok.any() else float("nan")
        avg_txt = fmt_number(avg, spec.decimals, lang)
        if avg_txt and spec.unit:
            avg_txt = f"{avg_txt} {spec.unit}"
        profile_cfg.append(
            {
                "field": spec.column,
                "title": spec.label,
                "avg": avg_txt if show_values else "",
                "layer": layer_of_column.get(spec.column, -1),
            }
        )

    codes_matrix = np.vstack(class_codes).T if class_codes else np.zeros((len(areas), 0), dtype=int)
    features = []
    for i, (p, g) in enumerate(zip(props, texts, strict=False)):
        p["_c"] = [int(c) for c in codes_matrix[i]]
        features.append((p, g))

    # ---- facilities
    fac_cfg = None
    fac_legend = ""
    if facilities is not None and len(facilities):
        fac_cfg, fac_legend = _facilities_cfg(
            facilities,
            facility_category,
            facility_name,
            facility_capacity,
            capacity_unit,
            facility_icons,
            facility_columns,
            cluster,
            lang,
        )
        used_titles.update(c["label"] for c in fac_cfg["cats"])

    # ---- catchments, boundaries
    catch_fc = None
    if catchments is not None and len(catchments):
        ctexts, _ = prepare_geometries(
            catchments, tolerance_m, gparams.decimals, what="catchments", coverage=False
        )
        catch_fc = _fc_text([({}, g) for g in ctexts])
    bnd_fc = None
    bnd_labels = []
    if boundaries is not None and len(boundaries):
        btexts, _ = prepare_geometries(boundaries, tolerance_m, gparams.decimals, what="boundaries")
        bnd_fc = _fc_text([({}, g) for g in btexts])
        if boundary_label:
            pts = boundaries.geometry.representative_point().to_crs(4326)
            for lab, pt in zip(boundaries[boundary_label], pts, strict=False):
                if pd.notna(lab):
                    bnd_labels.append([round(pt.y, 5), round(pt.x, 5), str(lab)])

    # ---- basemaps
    bm = _BASEMAP_ALIASES.get((basemap or ("none" if offline else "osm")).lower())
    if bm is None:
        raise InputError(t(_MSG, "basemap", lang, name=basemap))
    order = ["osm", "grey", "none"]
    basemaps = [
        {
            "name": t(_MSG, k, lang),
            "url": BASEMAPS[k][0],
            "attribution": BASEMAPS[k][1],
            "maxZoom": BASEMAPS[k][2],
        }
        for k in order
    ]

    wgs = areas.geometry.to_crs(4326) if not areas.crs.equals("EPSG:4326") else areas.geometry
    minx, miny, maxx, maxy = (float(v) for v in wgs.total_bounds)
    bounds = [[round(miny, 5), round(minx, 5)], [round(maxy, 5), round(maxx, 5)]]
    page_title = title if title is not None else (layer_cfg[0]["title"] if layer_cfg else "")

    cfg = {
        "lang": lang,
        "nameKey": name_key,
        "layers": layer_cfg,
        "legends": legends,
        "facilityLegend": fac_legend,
        "profile": profile_cfg,
        "showValues": bool(show_values),
        "facilities": fac_cfg,
        "catchmentsShow": True,
        "boundaryLabels": bnd_labels,
        "basemaps": basemaps,
        "basemapActive": order.index(bm),
        "bounds": bounds,
        "title": title or "",
        "search": bool(search),
        "fullscreen": bool(fullscreen),
        "collapsed": bool(collapsed_layers),
        "fillOpacity": float(fill_opacity),
        "lineColor": "#555555",
        "lineWeight": 0.6,
        "text": {
            k: t(_MSG, key, lang)
            for k, key in (
                ("cls", "cls"),
                ("area", "area"),
                ("average", "average"),
                ("search", "search"),
                ("notFound", "not_found"),
                ("fullscreen", "fullscreen"),
                ("catchments", "catchments"),
                ("boundaries", "boundaries"),
                ("category", "category"),
                ("capacity", "capacity"),
            )
        }
        | {"missing": missing_label(lang), "hidden": hidden_label(lang)}
        | ({"average": average_label} if average_label else {}),
    }
    # the big geometry arrays are spliced in as text (already compact JSON)
    cfg_json = js_json(cfg)
    areas_json = _fc_text(features)
    cfg_json = (
        cfg_json[:-1]
        + ',"areas":'
        + areas_json
        + ',"catchments":'
        + (catch_fc or "null")
        + ',"boundaries":'
        + (bnd_fc or "null")
        + "}"
    )

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
    need_cluster = fac_cfg is not None and cluster
    head = [
        '<meta charset="utf-8"/>',
        f"<title>{esc(page_title)}</title>" if page_title else "",
        _assets.header_html(offline, need_cluster, lang),
        f"<style>{_js.CSS}</style>",
        f"<script>{_js.JS}</script>",
    ]
    m.add_child(_SozialraumLayers("\n".join(h for h in head if h), cfg_json))
    m.sozialraum_info = MapInfo(
        n_areas=len(areas),
        layers=tuple(lc["title"] for lc in layer_cfg),
        columns=tuple(all_cols),
        geometry=gparams,
        offline=offline,
    )
    return m


def _fc_text(features: Sequence[tuple[dict, str]]) -> str:
    parts = [
        '{"type":"Feature","properties":' + js_json(p) + ',"geometry":' + g + "}"
        for p, g in features
    ]
    return '{"type":"FeatureCollection","features":[' + ",".join(parts) + "]}"


def _facilities_cfg(
    fac: gpd.GeoDataFrame,
    cat_col: str,
    name_col: str,
    cap_col: str | None,
    unit: str,
    icons: Mapping[str, tuple[str, str]] | None,
    extra: Mapping[str, str] | None,
    cluster: bool,
    lang: str,
) -> tuple[dict, str]:
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
    return {"cats": cat_cfg, "points": points, "cluster": bool(cluster), "show": True}, legend


def map_html(m: folium.Map) -> str:
    """The complete HTML page of a map made by :func:`make_map`."""
    return m.get_root().render()


def save_map(
    areas: gpd.GeoDataFrame | folium.Map,
    path: str | Path,
    indicators: Sequence[Indicator | str] = (),
    **kwargs,
) -> Path:
    """Write a map as one HTML file (one call from a GeoDataFrame).

    ``areas`` may be a GeoDataFrame (then ``indicators`` and ``**kwargs`` go to
    :func:`make_map`) or a map made before.  Returns the path written.
    """
    m = areas if isinstance(areas, folium.Map) else make_map(areas, indicators, **kwargs)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(map_html(m), encoding="utf-8")
    return path


def default_palette(k: int, cmap: str = "YlOrRd") -> tuple[str, ...]:
    """The class colours a map uses for ``k`` classes of ``cmap``."""
    return palette(cmap, k)
