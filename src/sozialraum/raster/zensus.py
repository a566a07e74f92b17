"""Zensus grid cells (Gitterzellen): decode cell ids, read grid CSVs, write GeoTIFFs.

The Zensus 2022 (and the re-published Zensus 2011) grid data use the INSPIRE
grid ``Grid_ETRS89-LAEA`` in EPSG:3035. Cell ids come in two forms:

* long (Zensus 2022): ``CRS3035RES100mN2689100E4337000`` — resolution in
  metres, then northing and easting **in metres**;
* short (Zensus 2011 files): ``100mN26891E43370`` (northing/easting in units
  of 100 m), ``1kmN2689E4337`` (units of 1 km), ``10kmN268E433`` (10 km).

Convention: the coordinates in the id are the **lower-left (south-west)
corner** of the cell. The INSPIRE geographical-grid specification fixes the
reference point of a Grid_ETRS89-LAEA cell as its lower-left corner
(INSPIRE Data Specification on Geographical Grid Systems, D2.8.I.2 v3.1,
summarised at https://en.wikipedia.org/wiki/European_grid: "The reference
point of the grid cell for grids based on ETRS89-LAEA is the lower left corner
of the grid cell"). The Zensus 2022 CSVs confirm it: next to
``GITTER_ID_100m = CRS3035RES100mN2689100E4337000`` they give the cell
centre ``x_mp_100m = 4337050``, ``y_mp_100m = 2689150`` (corner + 50 m).
So ``N2689100 E4337000`` is the cell x ∈ [4337000, 4337100), y ∈ [2689100, 2689200).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from os import PathLike

import geopandas as gpd
import numpy as np
import pandas as pd

from sozialraum._i18n import t
from sozialraum.errors import InputError, format_ids
from sozialraum.io.reader import TextTable, read_text_table

__all__ = [
    "ZensusGrid",
    "decode_grid_ids",
    "encode_grid_ids",
    "read_zensus_csv",
    "zensus_to_geotiff",
]

ZENSUS_CRS = "EPSG:3035"

_MSG = {
    "bad_ids": {
        "de": "{file}: {n} Gitterzellen-Kennung(en) sind nicht lesbar (z. B. Zeile {row}: {example!r}). "
        "Erwartet wird z. B. 'CRS3035RES100mN2689100E4337000' oder '100mN26891E43370'.",
        "en": "{file}: {n} grid cell id(s) cannot be read (e.g. row {row}: {example!r}). Expected e.g. "
        "'CRS3035RES100mN2689100E4337000' or '100mN26891E43370'.",
    },
    "no_id_col": {
        "de": "{file}: Keine Spalte mit Gitterzellen-Kennungen gefunden (z. B. 'GITTER_ID_100m') und keine "
        "Mittelpunkt-Spalten (x_mp_100m/y_mp_100m). Spalten: {cols}. Bitte id_column= angeben.",
        "en": "{file}: no grid cell id column found (e.g. 'GITTER_ID_100m') and no centre columns "
        "(x_mp_100m/y_mp_100m). Columns: {cols}. Pass id_column=.",
    },
    "missing_col": {
        "de": "{file}: Spalte {column!r} fehlt. Vorhanden: {cols}.",
        "en": "{file}: column {column!r} is missing. Present: {cols}.",
    },
    "mixed_res": {
        "de": "{file}: Die Gitterzellen haben verschiedene Größen ({res} m). Bitte nur eine Gitterweite je "
        "Datei verwenden.",
        "en": "{file}: the grid cells have different sizes ({res} m). Use one grid resolution per file.",
    },
    "dup": {
        "de": "{file}: Gitterzellen mehrfach vorhanden: {ids}. Bitte Duplikate entfernen.",
        "en": "{file}: duplicated grid cells: {ids}. Remove the duplicates.",
    },
    "no_value_cols": {
        "de": "{file}: Keine Wertespalten gefunden.",
        "en": "{file}: no value columns found.",
    },
    "empty": {
        "de": "Die Zensus-Tabelle ist leer.",
        "en": "The Zensus table is empty.",
    },
}

_ID_PATTERN = (
    r"^(?:CRS(?P<crs>\d+)RES(?P<lres>\d+)mN(?P<ln>\d+)E(?P<le>\d+)"
    r"|(?P<sres>\d+)(?P<unit>m|km)N(?P<sn>\d+)E(?P<se>\d+))$"
)


def decode_grid_ids(
    ids: Iterable[str] | pd.Series, *, lang: str | None = None, file: str | None = None
) -> pd.DataFrame:
    """Decode Zensus / INSPIRE grid cell ids into lower-left corners and cell size.

    Parameters
    ----------
    ids
        Cell ids, long (``CRS3035RES100mN2689100E4337000``) or short
        (``100mN26891E43370``, ``1kmN2689E4337``) form; mixed forms allowed.
    lang, file
        Language and file name for error messages.

    Returns
    -------
    pandas.DataFrame
        Columns ``x`` and ``y`` (lower-left corner, metres, EPSG:3035) and
        ``res`` (cell edge, metres); index as ``ids`` (or 0..n-1).

    Raises
    ------
    InputError
        If an id cannot be read (the message names the first bad row).

    Examples
    --------
    >>> decode_grid_ids(["CRS3035RES100mN2689100E4337000", "100mN26891E43370"]).values.tolist()
    [[4337000.0, 2689100.0, 100.0], [4337000.0, 2689100.0, 100.0]]
    """
    s = ids if isinstance(ids, pd.Series) else pd.Series(list(ids))
    text = s.astype("string").str.strip()
    parts = text.str.extract(_ID_PATTERN)
    long_ok = parts["lres"].notna()
    short_ok = parts["sres"].notna()
    bad = ~(long_ok | short_ok).to_numpy(dtype=bool)
    if len(s) and bad.any():
        pos = int(np.flatnonzero(bad)[0])
        raise InputError(
            t(
                _MSG,
                "bad_ids",
                lang,
                file=file or "-",
                n=int(bad.sum()),
                row=pos + 2,
                example=str(s.iloc[pos]),
            ),
            file=file,
            row=pos + 2,
        )
    crs = parts["crs"].dropna().unique()
    if len(crs) and any(c != "3035" for c in crs):
        raise InputError(
            t(_MSG, "bad_ids", lang, file=file or "-", n=1, row="-", example=f"CRS{crs[0]}"),
            file=file,
        )
    lres = pd.to_numeric(parts["lres"], errors="coerce").to_numpy(dtype=float)
    ln = pd.to_numeric(parts["ln"], errors="coerce").to_numpy(dtype=float)
    le = pd.to_numeric(parts["le"], errors="coerce").to_numpy(dtype=float)
    sres = pd.to_numeric(parts["sres"], errors="coerce").to_numpy(dtype=float)
    unit = np.where(parts["unit"].fillna("m").to_numpy(dtype=object) == "km", 1000.0, 1.0)
    sres_m = sres * unit
    # short form: coordinates are in multiples of the cell size
    sn = pd.to_numeric(parts["sn"], errors="coerce").to_numpy(dtype=float) * sres_m
    se = pd.to_numeric(parts["se"], errors="coerce").to_numpy(dtype=float) * sres_m
    lo = long_ok.to_numpy(dtype=bool)
    out = pd.DataFrame(
        {
            "x": np.where(lo, le, se),
            "y": np.where(lo, ln, sn),
            "res": np.where(lo, lres, sres_m),
        },
        index=s.index,
    )
    return out


def encode_grid_ids(
    x: Sequence[float] | np.ndarray, y: Sequence[float] | np.ndarray, res: int = 100
) -> pd.Series:
    """Long Zensus 2022 ids for the cells containing points ``(x, y)`` (EPSG:3035).

    The point is floored to the cell's lower-left corner, so both corners and
    centres give the cell's id.
    """
    x = np.floor(np.asarray(x, dtype=float) / res).astype(np.int64) * res
    y = np.floor(np.asarray(y, dtype=float) / res).astype(np.int64) * res
    return pd.Series(
        [f"CRS3035RES{res}mN{b}E{a}" for a, b in zip(x.tolist(), y.tolist(), strict=True)],
        dtype="string",
    )


@dataclass(frozen=True)
class ZensusGrid:
    """A Zensus grid table as points.

    Attributes
    ----------
    frame
        GeoDataFrame in EPSG:3035, index = long cell id (string), one float
        column per value column, ``x``/``y`` (lower-left corner), geometry =
        cell centre point.
    status
        Status codes (same index/value columns, ``string`` dtype, ``<NA>`` = fine).
    resolution
        Cell edge in metres.
    source
        File name it was read from.
    """

    frame: gpd.GeoDataFrame
    status: pd.DataFrame
    resolution: float
    source: str = ""

    @property
    def value_columns(self) -> list[str]:
        """The value columns (all but ``x``, ``y``, geometry)."""
        return [c for c in self.frame.columns if c not in ("x", "y", self.frame.geometry.name)]

    def cells(self) -> gpd.GeoDataFrame:
        """The same table with square cell polygons instead of centre points."""
        import shapely

        r = self.resolution
        x, y = self.frame["x"].to_numpy(), self.frame["y"].to_numpy()
        geom = shapely.box(x, y, x + r, y + r)
        return self.frame.set_geometry(gpd.GeoSeries(geom, index=self.frame.index, crs=ZENSUS_CRS))


_ID_COLS = re.compile(r"^(gitter_id|grid_id|id)", re.IGNORECASE)
_MP = re.compile(r"^([xy])_mp(_\w+)?$", re.IGNORECASE)


def read_zensus_csv(
    path: str | PathLike,
    *,
    value_columns: Sequence[str] | None = None,
    id_column: str | None = None,
    sep: str | None = None,
    encoding: str | None = None,
    symbols: Mapping[str, str] | None = None,
    lang: str | None = None,
) -> ZensusGrid:
    """Read a Zensus-style grid CSV into cell-centre points (EPSG:3035).

    Parameters
    ----------
    path
        CSV file (``;`` or ``,`` separated; German numbers ``1.234,5``) or XLSX.
    value_columns
        Columns to read as numbers; default all columns except the id and the
        centre coordinates (``x_mp_100m``/``y_mp_100m``) and text columns
        named ``werterlaeuternde_Zeichen``.
    id_column
        Column with cell ids; default the first column named like
        ``GITTER_ID_…``/``Gitter_ID``/``grid_id``. Without an id column the
        centre columns ``x_mp_*``/``y_mp_*`` are used.
    sep, encoding
        CSV separator and encoding; detected when omitted (UTF-8, UTF-8 with BOM,
        Windows-1252), as for every table (:func:`sozialraum.io.read_text_table`).
        An ``.xlsx`` file is read as well. The number format (``1.234,5`` or
        ``1,234.5``) is detected from the cells.
    symbols
        Extra / overriding symbol → status code mapping, as in
        :func:`sozialraum.io.symbols.parse_cells`. By default ``–``/``-``
        mean ``nichts_vorhanden`` and ``.``/``*`` mean ``geheim`` (the
        Zeichenerklärung of official tables); if the Datensatzbeschreibung of
        your grid file says a dash marks suppressed cells, pass
        ``symbols={"–": "geheim"}``.
    lang
        Language of messages.

    Returns
    -------
    ZensusGrid
        Points (cell centres) with values, status codes and the resolution.

    Examples
    --------
    A Zensus 2022 file ``Zensus2022_Bevoelkerungszahl_100m-Gitter.csv`` looks like::

        GITTER_ID_100m;x_mp_100m;y_mp_100m;Einwohner
        CRS3035RES100mN2689100E4337000;4337050;2689150;4
        CRS3035RES100mN2689100E4341100;4341150;2689150;–

    >>> grid = read_zensus_csv("Zensus2022_Bevoelkerungszahl_100m-Gitter.csv")  # doctest: +SKIP
    >>> zensus_to_geotiff(grid, "Einwohner", "einwohner_100m.tif")  # doctest: +SKIP
    """
    tab = read_text_table(path, encoding=encoding, delimiter=sep, lang=lang)
    name = tab.source
    if not len(tab.frame):
        raise InputError(t(_MSG, "empty", lang), file=name)
    cols = [str(c) for c in tab.frame.columns]
    if id_column is None:
        id_column = next((c for c in cols if _ID_COLS.match(c)), None)
    elif id_column not in cols:
        raise InputError(
            t(_MSG, "missing_col", lang, file=name, column=id_column, cols=", ".join(cols)),
            file=name,
            column=id_column,
        )
    mp = {m.group(1).lower(): c for c in cols if (m := _MP.match(c))}
    dec = _cell_corners(tab, id_column, mp, lang)
    res, ids = _cell_ids(dec, name, lang)
    skip = {id_column, *mp.values()}
    if value_columns is None:
        value_columns = [c for c in cols if c not in skip and not c.lower().startswith("werterl")]
    for c in value_columns:
        if c not in cols:
            raise InputError(
                t(_MSG, "missing_col", lang, file=name, column=c, cols=", ".join(cols)),
                file=name,
                column=c,
            )
    if not value_columns:
        raise InputError(t(_MSG, "no_value_cols", lang, file=name), file=name)
    index = pd.Index(ids.to_numpy(dtype=object), dtype="string", name="gitter_id")
    values, status = _cell_values(tab, value_columns, symbols, lang)
    x = dec["x"].to_numpy(dtype=float)
    y = dec["y"].to_numpy(dtype=float)
    frame = gpd.GeoDataFrame(
        {**values, "x": x, "y": y},
        index=index,
        geometry=gpd.points_from_xy(x + res / 2, y + res / 2),
        crs=ZENSUS_CRS,
    )
    status_df = pd.DataFrame(status, index=index)
    return ZensusGrid(frame=frame, status=status_df, resolution=res, source=name)


def _cell_corners(tab: TextTable, id_column, mp: dict, lang) -> pd.DataFrame:
    """Lower-left corner and resolution of each cell, from the cell id or the centre columns."""
    name = tab.source
    if id_column is not None:
        return decode_grid_ids(tab.frame[id_column], lang=lang, file=name)
    if not ("x" in mp and "y" in mp):
        cols = ", ".join(map(str, tab.frame.columns))
        raise InputError(t(_MSG, "no_id_col", lang, file=name, cols=cols), file=name)
    xs, _ = tab.numbers(mp["x"], lang=lang)
    ys, _ = tab.numbers(mp["y"], lang=lang)
    suffix = re.search(r"(\d+)(k?m)", mp["x"])
    res = (
        float(suffix.group(1)) * (1000 if suffix and suffix.group(2) == "km" else 1)
        if suffix
        else 100.0
    )
    dec = pd.DataFrame({"x": xs - res / 2, "y": ys - res / 2, "res": res})
    badrows = (dec["x"].isna() | dec["y"].isna()).to_numpy()
    if badrows.any():
        pos = int(np.flatnonzero(badrows)[0])
        row = int(tab.rows[pos])
        raise InputError(
            t(
                _MSG,
                "bad_ids",
                lang,
                file=name,
                n=int(badrows.sum()),
                row=row,
                example=f"{tab.frame[mp['x']].iloc[pos]};{tab.frame[mp['y']].iloc[pos]}",
            ),
            file=name,
            row=row,
        )
    return dec


def _cell_ids(dec: pd.DataFrame, name: str, lang) -> tuple[float, pd.Series]:
    """The one resolution of the file and the INSPIRE id of each cell (no duplicates)."""
    resols = np.unique(dec["res"].to_numpy())
    if len(resols) > 1:
        raise InputError(
            t(_MSG, "mixed_res", lang, file=name, res=", ".join(f"{r:g}" for r in resols)),
            file=name,
        )
    res = float(resols[0]) if len(resols) else 100.0
    ids = encode_grid_ids(dec["x"].to_numpy() + res / 2, dec["y"].to_numpy() + res / 2, int(res))
    dup = ids.duplicated(keep=False).to_numpy()
    if dup.any():
        dids = sorted(set(ids[dup].tolist()))
        raise InputError(t(_MSG, "dup", lang, file=name, ids=format_ids(dids)), file=name, ids=dids)
    return res, ids


def _cell_values(tab: TextTable, value_columns, symbols, lang):
    """Numbers and status codes of the value columns (the table's number format, symbols)."""
    values = {}
    status = {}
    for c in value_columns:
        v, st = tab.numbers(c, symbols=symbols, lang=lang)
        values[c] = np.asarray(v, dtype=float)
        status[c] = pd.array(np.asarray(st.astype(object)), dtype="string")
    return values, status


def zensus_to_geotiff(
    grid: ZensusGrid,
    column: str,
    path: str | PathLike,
    *,
    fill: float = 0.0,
    nodata: float = -9999.0,
    dtype: str = "float32",
    lang: str | None = None,
) -> str:
    """Write one value column of a Zensus grid as a GeoTIFF in EPSG:3035.

    The raster covers the cells' extent, aligned to the Zensus grid. Cells
    missing from the file get ``fill`` (0: the Zensus omits cells without
    inhabitants); cells whose value is a symbol (secret, ``–``, …) get
    ``nodata`` so that they stay visible as gaps. Compressed (deflate), tiled,
    with overviews.

    Returns
    -------
    str
        The path written.
    """
    from sozialraum.raster._geotiff import write_geotiff

    if column not in grid.frame.columns:
        raise InputError(
            t(
                _MSG,
                "missing_col",
                lang,
                file=grid.source or "-",
                column=column,
                cols=", ".join(grid.value_columns),
            ),
            column=column,
        )
    if len(grid.frame) == 0:
        raise InputError(t(_MSG, "empty", lang))
    from affine import Affine

    r = grid.resolution
    x = grid.frame["x"].to_numpy()
    y = grid.frame["y"].to_numpy()
    x0, y1 = x.min(), y.max() + r
    width = int(round((x.max() + r - x0) / r))
    height = int(round((y1 - y.min()) / r))
    cols = np.rint((x - x0) / r).astype(np.int64)
    rows = np.rint((y1 - r - y) / r).astype(np.int64)
    arr = np.full((height, width), fill, dtype=dtype)
    vals = grid.frame[column].to_numpy(dtype=float)
    vals = np.where(np.isnan(vals), nodata, vals)
    arr[rows, cols] = vals
    write_geotiff(path, arr, Affine(r, 0.0, x0, 0.0, -r, y1), ZENSUS_CRS, nodata=nodata)
    return str(path)
