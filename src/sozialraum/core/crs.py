"""One rule for metric coordinates: distances and areas in metres, never in degrees.

The rule (used by reading areas, access, spatial weights, web map and charts):

1. No CRS: refused (the coordinates cannot be interpreted).
2. A configured / requested CRS (``target_crs``): used; it must be projected in
   metres, else refused.
3. A projected CRS in metres (ETRS89 / UTM EPSG:25832, 25833, Gauß-Krüger
   EPSG:31467 …): kept as it is.
4. A geographic CRS (degrees, e.g. EPSG:4326): reprojected to the UTM zone of the
   data's centre in ETRS89 (EPSG:258xx: 25832 for most of Germany, 25833 in the
   east), with a :class:`~sozialraum.errors.SozialraumWarning` naming the target.
   Outside the ETRS89 area the WGS 84 UTM zone (EPSG:326xx/327xx) is used.
5. A projected CRS in other units (US feet …): refused — no metric CRS is guessed
   for it; with a given ``target_crs`` it is reprojected to that one.

``mode="refuse"`` turns rule 4 into a refusal: the access functions offer it as
``reproject=False`` for users who want distances only in the CRS they gave.
Layers with missing or empty geometries are refused where metric coordinates are
needed for computation (``require_geometries=True``, the default); display code
(maps, charts) passes ``False``.
"""

from __future__ import annotations

import warnings

import geopandas as gpd
import numpy as np
import shapely
from pyproj import CRS

from sozialraum._i18n import t
from sozialraum.errors import InputError, SozialraumWarning, format_ids

__all__ = ["MODES", "align_crs", "crs_label", "ensure_metric", "is_metric", "metric_crs"]

#: ``reproject``: geographic input is reprojected (warning); ``refuse``: it is an error.
MODES: tuple[str, ...] = ("reproject", "refuse")

_MSG = {
    "no_crs": {
        "de": "{name}: Die Geometrien haben kein Koordinatensystem (CRS). Entfernungen und "
        "Flächen in Metern sind so nicht berechenbar. Bitte das CRS setzen (z. B. EPSG:25832 "
        "für ETRS89/UTM 32N).",
        "en": "{name}: the geometries have no coordinate reference system (CRS). Distances and "
        "areas in metres cannot be computed. Please set the CRS (e.g. EPSG:25832 for "
        "ETRS89/UTM 32N).",
    },
    "geographic_refused": {
        "de": "{name}: Das Koordinatensystem {crs} ist geographisch (Grad, Länge/Breite). "
        "Entfernungen werden nie in Grad gemessen. Bitte in ein metrisches CRS umprojizieren "
        "(z. B. EPSG:25832) oder das Umprojizieren erlauben.",
        "en": "{name}: the CRS {crs} is geographic (degrees, longitude/latitude). Distances are "
        "never measured in degrees. Please reproject to a metric CRS (e.g. EPSG:25832) or allow "
        "reprojection.",
    },
    "reprojected": {
        "de": "{name}: Das Koordinatensystem {crs} ist geographisch (Grad); für Abstände und "
        "Flächen in das metrische Koordinatensystem {target} umprojiziert.",
        "en": "{name}: the CRS {crs} is geographic (degrees); reprojected to the metric CRS "
        "{target} for distances and areas.",
    },
    "reprojected_unit": {
        "de": "{name}: Das Koordinatensystem {crs} hat die Einheit {unit!r}; für Abstände und "
        "Flächen in das metrische Koordinatensystem {target} umprojiziert.",
        "en": "{name}: the CRS {crs} has the unit {unit!r}; reprojected to the metric CRS "
        "{target} for distances and areas.",
    },
    "not_metre": {
        "de": "{name}: Das Koordinatensystem {crs} hat die Einheit {unit!r}, nicht Meter. Bitte "
        "in ein metrisches CRS umprojizieren (z. B. EPSG:25832).",
        "en": "{name}: the CRS {crs} has the unit {unit!r}, not metres. Please reproject to a "
        "metric CRS (e.g. EPSG:25832).",
    },
    "target_not_metric": {
        "de": "Das angegebene Koordinatensystem {crs} ist nicht metrisch (Einheit {unit!r}). "
        "Bitte ein projiziertes CRS in Metern angeben (z. B. EPSG:25832).",
        "en": "the given CRS {crs} is not metric (unit {unit!r}). Please give a projected CRS in "
        "metres (e.g. EPSG:25832).",
    },
    "empty_geom": {
        "de": "{name}: {n} Objekt(e) ohne Geometrie (leer oder fehlend): {ids}. Bitte Geometrien "
        "ergänzen oder diese Zeilen entfernen.",
        "en": "{name}: {n} feature(s) without geometry (empty or missing): {ids}. Please add the "
        "geometries or remove these rows.",
    },
    "not_gdf": {
        "de": "{name}: Erwartet wird ein GeoDataFrame mit Geometrien, erhalten: {typ}.",
        "en": "{name}: a GeoDataFrame with geometries is expected, got: {typ}.",
    },
    "mode": {
        "de": "mode = {mode!r} ist ungültig; erlaubt sind 'reproject' und 'refuse'.",
        "en": "mode = {mode!r} is invalid; allowed are 'reproject' and 'refuse'.",
    },
}

_METRE = {"metre", "meter", "m", "metres", "meters"}


def _unit(crs: CRS) -> str:
    return crs.axis_info[0].unit_name if crs.axis_info else "?"


def is_metric(crs: object) -> bool:
    """Whether ``crs`` is projected with metre units on every axis."""
    if crs is None:
        return False
    c = CRS.from_user_input(crs)
    if not c.is_projected:
        return False
    return {ax.unit_name.lower() for ax in c.axis_info} <= _METRE


def crs_label(crs: object) -> str:
    """``"EPSG:25833"`` where there is an EPSG code, else the CRS's name."""
    c = CRS.from_user_input(crs)
    epsg = c.to_epsg()
    return f"EPSG:{epsg}" if epsg else c.name


def metric_crs(
    data: gpd.GeoDataFrame | gpd.GeoSeries,
    *,
    target_crs: object | None = None,
    name: str = "Eingabe",
    lang: str | None = None,
) -> CRS:
    """The metric CRS for ``data`` by the module's rule (no reprojection done).

    Raises
    ------
    InputError
        No CRS; a ``target_crs`` or a projected CRS that is not in metres.
    """
    if target_crs is not None:
        target = CRS.from_user_input(target_crs)
        if not is_metric(target):
            raise InputError(
                t(_MSG, "target_not_metric", lang, crs=crs_label(target), unit=_unit(target))
            )
        return target
    if data.crs is None:
        raise InputError(t(_MSG, "no_crs", lang, name=name), file=name)
    crs = CRS.from_user_input(data.crs)
    if is_metric(crs):
        return crs
    if not crs.is_geographic:
        raise InputError(
            t(_MSG, "not_metre", lang, name=name, crs=crs_label(crs), unit=_unit(crs)), file=name
        )
    return _utm_of(data)


def _utm_of(data: gpd.GeoDataFrame | gpd.GeoSeries) -> CRS:
    """ETRS89 / UTM (EPSG:258zz) of the data's centre, else WGS 84 / UTM (326zz, 327zz).

    (pyproj's ``estimate_utm_crs(datum_name="ETRS89")`` answers the older
    ETRS-TM codes such as EPSG:3044, so the zone is taken from the WGS 84 answer.)
    """
    wgs = CRS.from_user_input(data.estimate_utm_crs())
    code = wgs.to_epsg() or 0
    if 32628 <= code <= 32638:
        etrs = CRS.from_epsg(25800 + code - 32600)
        x0, y0, x1, y1 = data.to_crs(4326).total_bounds
        lon, lat = (x0 + x1) / 2, (y0 + y1) / 2
        aou = etrs.area_of_use
        if aou is not None and aou.west <= lon <= aou.east and aou.south <= lat <= aou.north:
            return etrs
    return wgs


def _check_geometries(gdf, name: str, lang) -> None:
    geom = gdf.geometry.values if isinstance(gdf, gpd.GeoDataFrame) else gdf.values
    bad = np.asarray(shapely.is_missing(geom) | shapely.is_empty(geom))
    if bad.any():
        ids = [str(i) for i in gdf.index[bad]]
        raise InputError(
            t(_MSG, "empty_geom", lang, name=name, n=len(ids), ids=format_ids(ids)),
            file=name,
            ids=ids,
        )


def ensure_metric(
    gdf: gpd.GeoDataFrame | gpd.GeoSeries,
    *,
    target_crs: object | None = None,
    mode: str = "reproject",
    name: str = "Eingabe",
    lang: str | None = None,
    require_geometries: bool = True,
) -> gpd.GeoDataFrame | gpd.GeoSeries:
    """Return ``gdf`` in a metric CRS by the module's rule.

    Parameters
    ----------
    gdf
        A layer (GeoDataFrame or GeoSeries).
    target_crs
        A configured metric CRS: the layer is reprojected to it when it differs.
    mode
        ``"reproject"`` (default): geographic input is reprojected with a warning;
        ``"refuse"``: geographic input is an error.
    name
        Name of the layer (file or role) for messages.
    lang
        Message language.
    require_geometries
        Refuse missing or empty geometries (naming their ids).

    Returns
    -------
    The same object when its CRS is already the metric one, else a reprojected copy.

    Raises
    ------
    InputError
        Not a GeoDataFrame/GeoSeries; no CRS; a non-metre projected CRS; a
        non-metric ``target_crs``; geographic input with ``mode="refuse"``;
        missing geometries (with ``require_geometries``).
    """
    if mode not in MODES:
        raise ValueError(t(_MSG, "mode", lang, mode=mode))
    if not isinstance(gdf, (gpd.GeoDataFrame, gpd.GeoSeries)):
        raise InputError(t(_MSG, "not_gdf", lang, name=name, typ=type(gdf).__name__), file=name)
    if gdf.crs is None:
        raise InputError(t(_MSG, "no_crs", lang, name=name), file=name)
    if require_geometries:
        _check_geometries(gdf, name, lang)
    src = CRS.from_user_input(gdf.crs)
    target = metric_crs(gdf, target_crs=target_crs, name=name, lang=lang)
    if src == target:
        return gdf
    if not is_metric(src):  # geographic, or non-metre units with a given metric target
        if mode == "refuse":
            if src.is_geographic:
                raise InputError(
                    t(_MSG, "geographic_refused", lang, name=name, crs=crs_label(src)), file=name
                )
            raise InputError(
                t(_MSG, "not_metre", lang, name=name, crs=crs_label(src), unit=_unit(src)),
                file=name,
            )
        unit = _unit(src)
        warnings.warn(
            t(
                _MSG,
                "reprojected" if src.is_geographic else "reprojected_unit",
                lang,
                name=name,
                unit=unit,
                crs=crs_label(src),
                target=crs_label(target),
            ),
            SozialraumWarning,
            stacklevel=2,
        )
    return gdf.to_crs(target)


def align_crs(
    *layers: tuple[gpd.GeoDataFrame, str],
    target_crs: object | None = None,
    mode: str = "reproject",
    lang: str | None = None,
) -> list[gpd.GeoDataFrame]:
    """Bring several ``(layer, name)`` pairs into one metric CRS.

    The target is ``target_crs``, else the metric CRS of the first layer.
    """
    out: list[gpd.GeoDataFrame] = []
    target = target_crs
    for gdf, name in layers:
        g = ensure_metric(gdf, target_crs=target, mode=mode, name=name, lang=lang)
        if target is None:
            target = g.crs
        out.append(g)
    return out
