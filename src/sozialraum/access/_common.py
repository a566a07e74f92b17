"""Shared helpers of the access room: input checks, id handling (internal)."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd

from sozialraum._i18n import get_lang, t
from sozialraum.access.crs import crs_mode, point_coords
from sozialraum.core.crs import align_crs
from sozialraum.errors import InputError, format_ids

_MSG = {
    "no_column": {
        "de": "{name}: Spalte {col!r} fehlt. Vorhandene Spalten: {cols}.",
        "en": "{name}: column {col!r} is missing. Present columns: {cols}.",
    },
    "bad_values": {
        "de": "{name}: Spalte {col!r} enthält fehlende, negative oder nicht-numerische Werte in "
        "den Zeilen {ids}. Bitte korrigieren (0 für 'keine').",
        "en": "{name}: column {col!r} has missing, negative or non-numeric values in rows {ids}. "
        "Please correct them (0 for 'none').",
    },
    "dup_index": {
        "de": "{name}: Doppelte Schlüssel im Index: {ids}. Jede Zeile braucht einen eindeutigen Schlüssel.",
        "en": "{name}: duplicate keys in the index: {ids}. Every row needs a unique key.",
    },
}


def str_index(gdf: gpd.GeoDataFrame, name: str, lang: str | None) -> gpd.GeoDataFrame:
    """Return ``gdf`` with a unique string index (area/facility keys are text)."""
    idx = gdf.index.astype(str)
    if idx.has_duplicates:
        dups = sorted(set(idx[idx.duplicated()]))
        raise InputError(
            t(_MSG, "dup_index", lang, name=name, ids=format_ids(dups)), file=name, ids=dups
        )
    if not gdf.index.equals(idx):
        gdf = gdf.copy()
        gdf.index = idx
    return gdf


def numeric_column(
    df: pd.DataFrame, col: str, name: str, lang: str | None, *, allow_nan: bool = False
) -> np.ndarray:
    """Return column ``col`` as float array; refuse missing/negative/non-numeric values."""
    require_column(df, col, name, lang)
    vals = pd.to_numeric(df[col], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    bad = vals < 0
    if not allow_nan:
        bad = bad | ~np.isfinite(vals)
    if bad.any():
        ids = [str(i) for i in df.index[bad]]
        raise InputError(
            t(_MSG, "bad_values", lang, name=name, col=col, ids=format_ids(ids)),
            file=name,
            column=col,
            ids=ids,
        )
    return vals


def require_column(df: pd.DataFrame, col: str, name: str, lang: str | None) -> None:
    """Raise :class:`InputError` when ``col`` is missing."""
    if col not in df.columns:
        raise InputError(
            t(_MSG, "no_column", lang, name=name, col=col, cols=", ".join(map(str, df.columns))),
            file=name,
            column=col,
        )


def prepare_pair(
    demand: gpd.GeoDataFrame,
    supply: gpd.GeoDataFrame,
    *,
    target_crs: object | None = None,
    reproject: bool = True,
    lang: str | None = None,
) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame, np.ndarray, np.ndarray]:
    """Align demand and supply to one metric CRS; return frames and coordinates."""
    demand, supply = align_crs(
        (demand, "Nachfrage" if get_lang(lang) == "de" else "demand"),
        (supply, "Angebot" if get_lang(lang) == "de" else "supply"),
        target_crs=target_crs,
        mode=crs_mode(reproject),
        lang=lang,
    )
    demand = str_index(demand, "Nachfrage", lang)
    supply = str_index(supply, "Angebot", lang)
    return demand, supply, point_coords(demand), point_coords(supply)
