"""Reading planning-area geometries (Sozialräume, Planungsräume, Gemeinden).

Any OGR format that pyogrio reads (GeoPackage, Shapefile, GeoJSON, …). The
result is a GeoDataFrame indexed by the area key as text, with checked and,
where needed, repaired geometries.
"""

from __future__ import annotations

import difflib
import warnings
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely

from sozialraum._i18n import t
from sozialraum.core.crs import ensure_metric
from sozialraum.errors import InputError, SozialraumWarning, format_ids
from sozialraum.io.keys import restore_leading_zeros

__all__ = ["read_areas", "check_areas", "duplicate_keys"]

_MSG = {
    "not_found": {
        "de": "{file}: Datei nicht gefunden.",
        "en": "{file}: file not found.",
    },
    "unreadable": {
        "de": "{file}: Datei kann nicht als Geodaten gelesen werden ({err}).",
        "en": "{file}: cannot be read as spatial data ({err}).",
    },
    "no_layer": {
        "de": "{file}: Ebene {layer!r} nicht vorhanden. Vorhandene Ebenen: {layers}.",
        "en": "{file}: layer {layer!r} not found. Available layers: {layers}.",
    },
    "empty": {
        "de": "{file}: Die Ebene enthält keine Objekte.",
        "en": "{file}: the layer contains no features.",
    },
    "no_crs": {
        "de": "{file}: Die Geometrien haben kein Koordinatenbezugssystem (CRS). Bitte in QGIS "
        "zuweisen (z. B. EPSG:25833) oder beim Lesen crs= angeben.",
        "en": "{file}: the geometries have no coordinate reference system (CRS). Assign one "
        "(e.g. EPSG:25833) in QGIS or pass crs= when reading.",
    },
    "no_key": {
        "de": "{file}: Schlüsselspalte {key!r} fehlt. Vorhandene Spalten: {columns}.{hint}",
        "en": "{file}: key column {key!r} not found. Available columns: {columns}.{hint}",
    },
    "hint": {"de": " Meinten Sie {cand!r}?", "en": " Did you mean {cand!r}?"},
    "null_keys": {
        "de": "{file}: {n} Objekt(e) ohne Schlüssel in Spalte {key!r} (Objekt-Nr. {rows}). "
        "Jedes Gebiet braucht einen eindeutigen Schlüssel.",
        "en": "{file}: {n} feature(s) without a key in column {key!r} (feature no. {rows}). "
        "Every area needs a unique key.",
    },
    "dup_keys": {
        "de": "{file}: Schlüssel in Spalte {key!r} sind nicht eindeutig: {ids}. Gleiche "
        "Schlüssel sind oft zwei verschiedene Gebiete (z. B. in zwei übergeordneten Gebieten), "
        "deshalb nicht zusammenlegen: bitte die Geometrien (z. B. in QGIS) ansehen und einem "
        "von ihnen seinen richtigen, eigenen Schlüssel geben.\n{details}",
        "en": "{file}: keys in column {key!r} are not unique: {ids}. Equal keys are often two "
        "different areas (e.g. in two parent areas), so do not dissolve them: look at the "
        "geometries (e.g. in QGIS) and give one of them its correct, own key.\n{details}",
    },
    "dup_one": {
        "de": "  {key!r} Objekt {row}: {attrs}Mittelpunkt x={x}, y={y}; Ausdehnung x {x0}–{x1}, "
        "y {y0}–{y1} ({crs})",
        "en": "  {key!r} feature {row}: {attrs}centre x={x}, y={y}; extent x {x0}–{x1}, "
        "y {y0}–{y1} ({crs})",
    },
    "numeric_key": {
        "de": "{file}: Schlüsselspalte {key!r} ist numerisch gespeichert; die Schlüssel werden "
        "als Text gelesen. Führende Nullen gehen in numerischen Feldern verloren – "
        "ggf. key_width= angeben.",
        "en": "{file}: key column {key!r} is stored as a number; keys are read as text. Numeric "
        "fields lose leading zeros — pass key_width= if needed.",
    },
    "empty_geom": {
        "de": "{file}: Gebiete ohne Geometrie (leer oder fehlend): {ids}. Bitte Geometrien "
        "ergänzen oder die Gebiete entfernen.",
        "en": "{file}: areas without geometry (empty or missing): {ids}. Add geometries or "
        "remove these areas.",
    },
    "repaired": {
        "de": "{file}: Ungültige Geometrien repariert (make_valid): {ids}.",
        "en": "{file}: invalid geometries repaired (make_valid): {ids}.",
    },
    "not_polygon": {
        "de": "{file}: Gebiete müssen Flächen sein; keine Fläche bei: {ids}.",
        "en": "{file}: areas must be polygons; not a polygon: {ids}.",
    },
}


def read_areas(
    path: str | Path,
    *,
    key: str,
    layer: str | int | None = None,
    name: str | None = None,
    crs: str | int | None = None,
    to_crs: str | int | None = None,
    metric: bool = False,
    key_width: int | None = None,
    lang: str | None = None,
) -> gpd.GeoDataFrame:
    """Read planning areas and check them.

    Parameters
    ----------
    path
        Any vector file pyogrio reads (GeoPackage, Shapefile, GeoJSON, …).
    key
        Column with the unique area key. Keys are returned as text.
    layer
        Layer name or index (GeoPackages with several layers).
    name
        Optional column with area names (kept as is; only checked to exist).
    crs
        CRS to *assign* when the file has none. Without it, a file without CRS is an error.
    to_crs
        Reproject to this CRS.
    metric
        Bring the areas into a metric CRS by the one rule of
        :func:`sozialraum.core.crs.ensure_metric` (degrees → ETRS89 UTM zone of the
        data, with a warning; non-metre units refused).
    key_width
        Pad all-digit keys with leading zeros to this width (for keys stored as numbers).
    lang
        Language of messages (``"de"`` default, ``"en"``).

    Returns
    -------
    geopandas.GeoDataFrame
        Indexed by the key (text, index name = ``key``), other columns as in the file.

    Raises
    ------
    InputError
        Missing file/layer/key column, missing CRS, null or duplicate keys, empty or
        non-polygon geometries. Invalid geometries are repaired with a warning naming the ids.
    """
    path = Path(path)
    src = str(path)
    if not path.exists():
        raise InputError(t(_MSG, "not_found", lang, file=src), file=src)
    if layer is not None:
        layers = [row[0] for row in pyogrio.list_layers(path)]
        if isinstance(layer, str) and layer not in layers:
            raise InputError(
                t(_MSG, "no_layer", lang, file=src, layer=layer, layers=", ".join(layers)),
                file=src,
            )
    try:
        gdf = gpd.read_file(path, layer=layer, engine="pyogrio")
    except Exception as err:  # pyogrio raises several types for unreadable files
        raise InputError(t(_MSG, "unreadable", lang, file=src, err=err), file=src) from err
    if len(gdf) == 0:
        raise InputError(t(_MSG, "empty", lang, file=src), file=src)
    if gdf.crs is None:
        if crs is None:
            raise InputError(t(_MSG, "no_crs", lang, file=src), file=src)
        gdf = gdf.set_crs(crs)
    if key not in gdf.columns:
        close = difflib.get_close_matches(key, [str(c) for c in gdf.columns], n=1)
        hint = t(_MSG, "hint", lang, cand=close[0]) if close else ""
        cols = ", ".join(repr(str(c)) for c in gdf.columns if c != "geometry")
        raise InputError(
            t(_MSG, "no_key", lang, file=src, key=key, columns=cols, hint=hint),
            file=src,
            column=key,
        )
    if name is not None and name not in gdf.columns:
        cols = ", ".join(repr(str(c)) for c in gdf.columns if c != "geometry")
        raise InputError(
            t(_MSG, "no_key", lang, file=src, key=name, columns=cols, hint=""),
            file=src,
            column=name,
        )
    gdf = _keys_as_text(gdf, key, src, key_width, lang, name)
    gdf = gdf.set_index(key)
    gdf = check_areas(gdf, source=src, lang=lang)
    if to_crs is not None:
        gdf = gdf.to_crs(to_crs)
    elif metric:
        gdf = ensure_metric(gdf, name=src, lang=lang)
    return gdf


def _keys_as_text(
    gdf: gpd.GeoDataFrame,
    key: str,
    src: str,
    key_width: int | None,
    lang: str | None,
    name: str | None = None,
) -> gpd.GeoDataFrame:
    col = gdf[key]
    null = col.isna() | (col.astype("string").str.strip() == "")
    if null.any():
        rows = ", ".join(str(i + 1) for i in np.flatnonzero(null.to_numpy())[:20])
        raise InputError(
            t(_MSG, "null_keys", lang, file=src, n=int(null.sum()), key=key, rows=rows),
            file=src,
            column=key,
        )
    if pd.api.types.is_numeric_dtype(col):
        warnings.warn(
            t(_MSG, "numeric_key", lang, file=src, key=key), SozialraumWarning, stacklevel=3
        )
        as_float = col.astype(float)
        if np.all(np.mod(as_float, 1) == 0):
            col = as_float.astype(np.int64).astype(str)
        else:
            col = col.astype(str)
    keys = col.astype(str).str.strip()
    if key_width is not None:
        keys = restore_leading_zeros(keys, key_width)
    gdf = gdf.copy()
    gdf[key] = keys.to_numpy(dtype=object)
    dups = duplicate_keys(gdf, key, name=name, lang=lang)
    if dups:
        ids = list(dups)
        details = "\n".join(line for lines in dups.values() for line in lines)
        raise InputError(
            t(_MSG, "dup_keys", lang, file=src, key=key, ids=format_ids(ids), details=details),
            file=src,
            column=key,
            ids=ids,
        )
    return gdf


def duplicate_keys(
    gdf: gpd.GeoDataFrame,
    key: str,
    *,
    name: str | None = None,
    lang: str | None = None,
    max_attrs: int = 4,
) -> dict[str, list[str]]:
    """Each duplicated area key with one line per feature saying which geometry is which.

    A duplicated key is usually two *different* areas (a typo, or two areas with
    the same number in two parent areas), so the user must re-key one of them,
    not dissolve them. Each line names the feature number (1-based, as QGIS counts
    in the attribute table), the name column, further attributes (typically the
    parent area's key and name), the centroid and the bounding box.

    Parameters
    ----------
    gdf
        Areas as read (the key as a column, text).
    key
        The key column.
    name
        The name column, shown first.
    lang
        Message language.
    max_attrs
        How many further attribute columns to show.

    Returns
    -------
    dict
        Duplicated key → lines (sorted by key; empty when all keys are unique).
    """
    keys = gdf[key].astype(str).str.strip()
    dup = keys.duplicated(keep=False).to_numpy()
    if not dup.any():
        return {}
    others = [c for c in gdf.columns if c not in (key, name, gdf.geometry.name)][:max_attrs]
    shown = ([name] if name in gdf.columns else []) + others
    crs = gdf.crs.to_string() if gdf.crs is not None else "–"
    degrees = gdf.crs is not None and gdf.crs.is_geographic
    out: dict[str, list[str]] = {}
    for i in np.flatnonzero(dup):
        row = gdf.iloc[i]
        attrs = "".join(f"{c} {_short(row[c])}, " for c in shown)
        geom = row[gdf.geometry.name]
        if geom is None or geom.is_empty:
            x = y = x0 = x1 = y0 = y1 = "–"
        else:
            c = geom.centroid
            x, y = _coord(c.x, degrees), _coord(c.y, degrees)
            x0, y0, x1, y1 = (_coord(v, degrees) for v in geom.bounds)
        line = t(
            _MSG,
            "dup_one",
            lang,
            key=keys.iloc[i],
            row=i + 1,
            attrs=attrs,
            x=x,
            y=y,
            x0=x0,
            x1=x1,
            y0=y0,
            y1=y1,
            crs=crs,
        )
        out.setdefault(keys.iloc[i], []).append(line)
    return dict(sorted(out.items()))


def _short(value: object, width: int = 40) -> str:
    text = "–" if value is None or (isinstance(value, float) and np.isnan(value)) else str(value)
    return repr(text if len(text) <= width else text[: width - 1] + "…")


def _coord(v: float, degrees: bool) -> str:
    """A coordinate as read in QGIS: metres whole, degrees to 5 decimals."""
    return f"{v:.5f}" if degrees else f"{v:.0f}"


def check_areas(
    gdf: gpd.GeoDataFrame, *, source: str = "areas", lang: str | None = None
) -> gpd.GeoDataFrame:
    """Reject empty or non-polygon geometries and repair invalid ones.

    Repairs use :func:`shapely.make_valid`, keeping only the polygonal parts (a
    bow-tie becomes a MultiPolygon, stray lines from the repair are dropped). The
    ids of repaired areas are named in a :class:`SozialraumWarning`.

    Parameters
    ----------
    gdf
        Areas indexed by their key.
    source
        Name of the source for messages.
    lang
        Message language.
    """
    geom = gdf.geometry.values
    empty = shapely.is_missing(geom) | shapely.is_empty(geom)
    if empty.any():
        ids = gdf.index[empty].astype(str).tolist()
        raise InputError(
            t(_MSG, "empty_geom", lang, file=source, ids=format_ids(ids)), file=source, ids=ids
        )
    invalid = ~shapely.is_valid(geom)
    if invalid.any():
        fixed = shapely.make_valid(geom[invalid])
        fixed = np.array([_polygonal(g) for g in fixed], dtype=object)
        geom = geom.copy()
        geom[invalid] = fixed
        gdf = gdf.copy()
        gdf = gdf.set_geometry(gpd.GeoSeries(geom, index=gdf.index, crs=gdf.crs))
        ids = gdf.index[invalid].astype(str).tolist()
        warnings.warn(
            t(_MSG, "repaired", lang, file=source, ids=format_ids(ids)),
            SozialraumWarning,
            stacklevel=3,
        )
    types = shapely.get_type_id(gdf.geometry.values)
    not_poly = ~np.isin(types, (3, 6)) | shapely.is_empty(gdf.geometry.values)
    if not_poly.any():
        ids = gdf.index[not_poly].astype(str).tolist()
        raise InputError(
            t(_MSG, "not_polygon", lang, file=source, ids=format_ids(ids)), file=source, ids=ids
        )
    return gdf


def _polygonal(g: shapely.Geometry) -> shapely.Geometry:
    """The polygonal part of a repaired geometry (Polygon or MultiPolygon)."""
    if g.geom_type in ("Polygon", "MultiPolygon"):
        return g
    parts = [p for p in getattr(g, "geoms", []) if p.geom_type in ("Polygon", "MultiPolygon")]
    if not parts:
        return shapely.Polygon()
    return shapely.union_all(parts)
