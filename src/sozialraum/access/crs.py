"""Coordinate reference systems for distances: metres in a projected CRS, never degrees.

Every distance in :mod:`sozialraum.access` is measured in metres. Layers in a
geographic CRS (longitude/latitude, e.g. EPSG:4326) are reprojected to a metric
CRS with a :class:`~sozialraum.errors.SozialraumWarning` — or refused with an
:class:`~sozialraum.errors.InputError` when ``reproject=False``. A layer without a
CRS is always refused: its coordinates cannot be interpreted.
"""

from __future__ import annotations

import warnings

import geopandas as gpd
import numpy as np
import shapely
from pyproj import CRS

from sozialraum._i18n import t
from sozialraum.errors import InputError, SozialraumWarning, format_ids

__all__ = ["DEFAULT_METRIC_CRS", "align_crs", "ensure_metric", "is_metric", "point_coords"]

#: ETRS89 / UTM zone 32N: the usual metric CRS for most of Germany.
DEFAULT_METRIC_CRS = "EPSG:25832"

_MSG = {
    "no_crs": {
        "de": "{name}: Die Geometrien haben kein Koordinatensystem (CRS). Entfernungen in Metern "
        "sind so nicht berechenbar. Bitte das CRS setzen (z. B. EPSG:25832 für ETRS89/UTM 32N).",
        "en": "{name}: the geometries have no coordinate reference system (CRS). Distances in metres "
        "cannot be computed. Please set the CRS (e.g. EPSG:25832 for ETRS89/UTM 32N).",
    },
    "geographic_refused": {
        "de": "{name}: Das Koordinatensystem {crs} ist geographisch (Grad, Länge/Breite). Entfernungen "
        "werden nie in Grad gemessen. Bitte in ein metrisches CRS umprojizieren (z. B. EPSG:25832) "
        "oder reproject=True setzen.",
        "en": "{name}: the CRS {crs} is geographic (degrees, longitude/latitude). Distances are never "
        "measured in degrees. Please reproject to a metric CRS (e.g. EPSG:25832) or set reproject=True.",
    },
    "geographic_reprojected": {
        "de": "{name}: Das Koordinatensystem {crs} ist geographisch (Grad); die Geometrien wurden für "
        "die Entfernungsberechnung nach {target} (Meter) umprojiziert.",
        "en": "{name}: the CRS {crs} is geographic (degrees); the geometries were reprojected to "
        "{target} (metres) for distance computation.",
    },
    "not_metre": {
        "de": "{name}: Das Koordinatensystem {crs} hat die Einheit {unit!r}, nicht Meter. Bitte in ein "
        "metrisches CRS umprojizieren (z. B. EPSG:25832).",
        "en": "{name}: the CRS {crs} has the unit {unit!r}, not metres. Please reproject to a metric "
        "CRS (e.g. EPSG:25832).",
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
}


def is_metric(crs: object) -> bool:
    """Return True when ``crs`` is projected with metre units."""
    if crs is None:
        return False
    c = CRS.from_user_input(crs)
    if not c.is_projected:
        return False
    units = {ax.unit_name.lower() for ax in c.axis_info}
    return units <= {"metre", "meter", "m"}


def _crs_label(crs: object) -> str:
    c = CRS.from_user_input(crs)
    epsg = c.to_epsg()
    return f"EPSG:{epsg}" if epsg else c.name


def ensure_metric(
    gdf: gpd.GeoDataFrame,
    *,
    target_crs: object | None = None,
    reproject: bool = True,
    name: str = "Eingabe",
    lang: str | None = None,
) -> gpd.GeoDataFrame:
    """Return ``gdf`` in a metric, projected CRS.

    Parameters
    ----------
    gdf
        Input layer.
    target_crs
        CRS to reproject to when needed (and always, if given and different).
        ``None``: keep a metric CRS; reproject geographic input to the UTM zone
        estimated from the data (ETRS89 for Germany).
    reproject
        False: refuse non-metric input with :class:`InputError` instead.
    name
        Name of the layer (file or role) for messages.
    lang
        Message language.

    Raises
    ------
    InputError
        No CRS; geographic or non-metre CRS with ``reproject=False``; missing geometries.
    """
    if not isinstance(gdf, gpd.GeoDataFrame):
        raise InputError(t(_MSG, "not_gdf", lang, name=name, typ=type(gdf).__name__), file=name)
    if gdf.crs is None:
        raise InputError(t(_MSG, "no_crs", lang, name=name), file=name)
    geom = gdf.geometry.values
    bad = shapely.is_missing(geom) | shapely.is_empty(geom)
    if bad.any():
        ids = [str(i) for i in gdf.index[np.asarray(bad)]]
        raise InputError(
            t(_MSG, "empty_geom", lang, name=name, n=len(ids), ids=format_ids(ids)),
            file=name,
            ids=ids,
        )
    if target_crs is not None:
        target = CRS.from_user_input(target_crs)
        if not is_metric(target):
            raise InputError(
                t(_MSG, "geographic_refused", lang, name=str(target_crs), crs=_crs_label(target))
            )
        if CRS.from_user_input(gdf.crs) == target:
            return gdf
        if not is_metric(gdf.crs):
            if not reproject:
                _refuse(gdf.crs, name, lang)
            _warn_reprojected(gdf.crs, target, name, lang)
        return gdf.to_crs(target)
    if is_metric(gdf.crs):
        return gdf
    if not reproject:
        _refuse(gdf.crs, name, lang)
    target = (
        gdf.estimate_utm_crs(datum_name="ETRS89")
        if CRS.from_user_input(gdf.crs).is_geographic
        else DEFAULT_METRIC_CRS
    )
    _warn_reprojected(gdf.crs, target, name, lang)
    return gdf.to_crs(target)


def _warn_reprojected(crs: object, target: object, name: str, lang: str | None) -> None:
    warnings.warn(
        t(
            _MSG,
            "geographic_reprojected",
            lang,
            name=name,
            crs=_crs_label(crs),
            target=_crs_label(target),
        ),
        SozialraumWarning,
        stacklevel=3,  # the caller of ensure_metric
    )


def _refuse(crs: object, name: str, lang: str | None) -> None:
    c = CRS.from_user_input(crs)
    if c.is_geographic:
        raise InputError(
            t(_MSG, "geographic_refused", lang, name=name, crs=_crs_label(c)), file=name
        )
    unit = c.axis_info[0].unit_name if c.axis_info else "?"
    raise InputError(t(_MSG, "not_metre", lang, name=name, crs=_crs_label(c), unit=unit), file=name)


def align_crs(
    *layers: tuple[gpd.GeoDataFrame, str],
    target_crs: object | None = None,
    reproject: bool = True,
    lang: str | None = None,
) -> list[gpd.GeoDataFrame]:
    """Bring several ``(layer, name)`` pairs into one metric CRS.

    The target is ``target_crs`` or else the CRS of the first layer (made metric).
    """
    out: list[gpd.GeoDataFrame] = []
    target = target_crs
    for gdf, name in layers:
        g = ensure_metric(gdf, target_crs=target, reproject=reproject, name=name, lang=lang)
        if target is None:
            target = g.crs
        out.append(g)
    return out


def point_coords(gdf: gpd.GeoDataFrame) -> np.ndarray:
    """Return an ``(n, 2)`` float array of point coordinates.

    Points give their coordinates; other geometries (planning-area polygons)
    their centroid (in the layer's metric CRS). Call :func:`ensure_metric` first.
    """
    geom = np.asarray(gdf.geometry.values, dtype=object)
    kinds = shapely.get_type_id(geom)
    if not (kinds == 0).all():
        geom = np.where(kinds == 0, geom, shapely.centroid(geom))
    return shapely.get_coordinates(geom)[:, :2].astype(float, copy=False).reshape(len(gdf), 2)
