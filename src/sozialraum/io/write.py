"""Writing results: GeoPackage (v1.3), Excel with German headers, GeoJSON.

Missing values that carry a reason (``status`` frame, see :mod:`sozialraum.io`)
are written so that the reason survives: in Excel as the statistical symbol
(``.`` geheim, ``-`` nichts vorhanden, …), in GeoPackage/GeoJSON as an extra
text column ``<column>_status`` for each column that has any such cell.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from sozialraum.core.spreadsheet import neutralise
from sozialraum.io.xlsx import SYMBOL, SheetCells, plain_value, write_workbook

__all__ = ["write_gpkg", "write_excel", "write_geojson", "STATUS_SYMBOLS", "with_status_columns"]

#: Symbol written to Excel for each status code (Destatis Zeichenerklärung).
STATUS_SYMBOLS: dict[str, str] = {
    "geheim": ".",
    "nichts_vorhanden": "-",
    "nicht_sinnvoll": "x",
    "nicht_sicher": "/",
    "spaeter": "…",
    "fehlt": "",
}


def with_status_columns(frame: pd.DataFrame, status: pd.DataFrame | None) -> pd.DataFrame:
    """Add a ``<column>_status`` text column for every column whose status has codes.

    Parameters
    ----------
    frame
        Values (any index).
    status
        Status codes aligned with ``frame`` (``<NA>`` = plain value); ``None`` = nothing to add.
    """
    if status is None:
        return frame
    cols = [c for c in status.columns if c in frame.columns]
    if not frame.columns.is_unique or not status.columns.is_unique:
        return _insert_status_columns(frame, status, cols)
    codes = status[cols].reindex(frame.index)
    if not all(isinstance(dt, pd.StringDtype) for dt in codes.dtypes):
        codes = codes.astype("string")
    # text codes and <NA> as objects, all columns in one array (the cells of astype("string"))
    arr = codes.to_numpy(dtype=object, na_value=pd.NA)
    has_codes = ~pd.isna(arr).all(axis=0) if arr.size else np.zeros(len(cols), dtype=bool)
    keep = [j for j, has in enumerate(has_codes) if has]
    if not keep:
        return frame.copy()
    cols = [cols[j] for j in keep]
    if any(f"{c}_status" in frame.columns for c in cols):
        return _insert_status_columns(frame, status, cols)
    # all text columns at once, each placed right after its column
    added = pd.DataFrame(  # the columns' type inferred as insert() does it
        {f"{cols[i]}_status": arr[:, j] for i, j in enumerate(keep)}, index=frame.index
    )
    has = set(cols)
    order = [n for c in frame.columns for n in ((c, f"{c}_status") if c in has else (c,))]
    return pd.concat([frame, added], axis=1)[order]


def _insert_status_columns(frame: pd.DataFrame, status: pd.DataFrame, cols) -> pd.DataFrame:
    """:func:`with_status_columns` one column at a time (frames with repeated names)."""
    out = frame.copy()
    for col in cols:
        codes = status[col].reindex(out.index)
        if codes.notna().any():
            pos = out.columns.get_loc(col) + 1
            out.insert(pos, f"{col}_status", codes.astype("string").to_numpy(dtype=object))
    return out


def split_status_columns(frame: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The inverse of :func:`with_status_columns`: ``(values, status)``.

    Every ``<column>_status`` text column whose ``<column>`` exists (as written by
    :func:`write_gpkg`) becomes the column of the status frame (``"string"``
    dtype, ``<NA>`` = plain value); the values keep all other columns.
    """
    cols = [
        c
        for c in frame.columns
        if str(c).endswith("_status") and str(c)[: -len("_status")] in frame.columns
    ]
    status = pd.DataFrame(
        {c[: -len("_status")]: frame[c].astype("string") for c in cols}, index=frame.index
    )
    return frame.drop(columns=cols), status


def _prepare(gdf: gpd.GeoDataFrame, status: pd.DataFrame | None) -> gpd.GeoDataFrame:
    out = with_status_columns(gdf, status)
    if out.index.name is not None or not isinstance(out.index, pd.RangeIndex):
        name = out.index.name or "key"
        if name in out.columns:
            out = out.reset_index(drop=True)
        else:
            out = out.reset_index(names=name)
    # pandas "string"/object columns with NA: pyogrio writes them as text fields
    geom = out.geometry.name
    categorical = [
        col
        for col, dt in zip(out.columns, out.dtypes, strict=True)
        if col != geom and isinstance(dt, pd.CategoricalDtype)
    ]
    for col in categorical:
        out[col] = out[col].astype(object)
    return out


def write_gpkg(
    gdf: gpd.GeoDataFrame,
    path: str | Path,
    layer: str,
    *,
    status: pd.DataFrame | None = None,
    append_layer: bool = True,
) -> Path:
    """Write a layer to a GeoPackage of version 1.3 (read by QGIS 3.22 without warning).

    Parameters
    ----------
    gdf
        Features; the index (area key) is written as a column.
    path
        ``.gpkg`` file; created if missing.
    layer
        Layer name; an existing layer of that name is replaced.
    status
        Optional status codes aligned with ``gdf`` (written as ``<col>_status``).
    append_layer
        Keep the file's other layers (default). ``False`` rewrites the file.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if not append_layer and path.exists():
        path.unlink()
    out = _prepare(gdf, status)
    out.to_file(
        path,
        layer=layer,
        driver="GPKG",
        engine="pyogrio",
        VERSION="1.3",
        SPATIAL_INDEX="YES",
    )
    return path


def write_geojson(
    gdf: gpd.GeoDataFrame,
    path: str | Path,
    *,
    status: pd.DataFrame | None = None,
    precision: int = 6,
) -> Path:
    """Write RFC 7946 GeoJSON (WGS 84, coordinates rounded to ``precision`` decimals)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    out = _prepare(gdf, status).to_crs(4326)
    if path.exists():
        path.unlink()
    out.to_file(
        path,
        driver="GeoJSON",
        engine="pyogrio",
        RFC7946="YES",
        COORDINATE_PRECISION=str(precision),
    )
    return path


def write_excel(
    sheets: Mapping[str, pd.DataFrame],
    path: str | Path,
    *,
    labels: Mapping[str, str] | None = None,
    status: Mapping[str, pd.DataFrame] | None = None,
    decimals: Mapping[str, int] | int = 1,
    title: str | None = None,
) -> Path:
    """Write one or more tables to an ``.xlsx`` workbook for planners.

    Headers are replaced by their German ``labels`` where given; numbers keep full
    precision but are *displayed* with ``decimals`` (Excel shows decimal comma and
    thousands point in a German Excel); cells whose value is missing for a reason show
    the statistical symbol (``.`` = geheim, ``-`` = nichts vorhanden, …) as text.
    The header row is frozen and has an auto-filter; a geometry column is dropped.
    Text (headers, names, the title) that a spreadsheet could run as a formula is
    written with a leading ``'`` (:mod:`sozialraum.core.spreadsheet`); numbers stay numbers.

    Tables of text, numbers and booleans are serialised column by column
    (:mod:`sozialraum.io.xlsx`, the same cells, formats and layout as openpyxl writes);
    a workbook with other values (dates, objects) is written cell by cell by openpyxl.

    Parameters
    ----------
    sheets
        Sheet name → table. The index is written as the first column.
    path
        Target ``.xlsx``.
    labels
        Column name → header text.
    status
        Sheet name → status codes aligned with that table.
    decimals
        Decimals shown, per column or for all.
    title
        Optional title line above each table.
    """
    from openpyxl import Workbook

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    labels = dict(labels or {})
    wb = Workbook()
    wb.remove(wb.active)
    tables = []
    for sheet_name, frame in sheets.items():
        # openpyxl names the sheet: the same checks and de-duplication in both paths
        ws = wb.create_sheet(title=str(sheet_name)[:31])
        st = status[sheet_name] if status is not None and sheet_name in status else None
        tables.append(_sheet_cells(ws.title, frame, st, labels, decimals, title))
    if all(_plain(t) for t in tables):
        return write_workbook(path, tables)
    return _write_openpyxl(wb, tables, path)


def _plain(table: SheetCells) -> bool:
    """Whether every header and value of the sheet is text, a number or a boolean."""
    return all(plain_value(v) for v in table.headers) and all(
        plain_value(v) for col in table.columns for v in col
    )


def _write_openpyxl(wb, tables: list[SheetCells], path: Path) -> Path:
    """The workbook written cell by cell by openpyxl (``wb`` has one sheet per table)."""
    for ws, table in zip(wb.worksheets, tables, strict=True):
        _fill_sheet(ws, table)
    wb.save(path)
    return path


def _cell_codes(st: pd.DataFrame | None, keys: list, columns) -> dict[str, list]:
    """The status code of every cell of the columns that have codes (aligned to ``keys``)."""
    if st is None:
        return {}
    cols = [c for c in st.columns if c in set(columns)]
    if not cols:
        return {}
    sub = st[cols].reindex(keys)
    return {c: sub[c].tolist() for c in cols}


def _is_missing(v) -> bool:
    return v is None or v is pd.NA or (isinstance(v, float) and np.isnan(v))


def _column_cells(series: pd.Series, fmt: str, codes: list | None) -> tuple[list, list]:
    """Values and style keys of one column: numbers with ``fmt``, symbols right-aligned."""
    values = series.tolist()
    kind = series.dtype.kind if isinstance(series.dtype, np.dtype) else ""
    if kind in ("i", "u"):  # integers: never missing, never a decimal format
        return values, [None] * len(values)
    if kind == "f" and not np.isnan(series.to_numpy()).any():
        return values, [fmt] * len(values)  # floats, none missing: numbers with the format
    numeric = pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series)
    out_v, out_s = [], []
    for i, v in enumerate(values):
        if _is_missing(v):
            code = codes[i] if codes is not None else None
            if code is not None and not _is_missing(code):
                out_v.append(neutralise(STATUS_SYMBOLS.get(str(code), str(code))))
                out_s.append(SYMBOL)
            else:
                out_v.append(None)
                out_s.append(None)
            continue
        if isinstance(v, np.generic):
            v = v.item()
        out_v.append(neutralise(v))
        out_s.append(fmt if numeric and isinstance(v, float) else None)
    return out_v, out_s


def _sheet_cells(name, frame, st, labels, decimals, title) -> SheetCells:
    """The cells of one sheet: header texts, values, style keys and column widths."""
    df = pd.DataFrame(frame).copy()
    if "geometry" in df.columns:
        df = df.drop(columns="geometry")
    index_name = df.index.name or "Schlüssel"
    df = (
        df.reset_index(names=index_name)
        if index_name not in df.columns
        else df.reset_index(drop=True)
    )
    row0 = 3 if title else 1
    sheet = SheetCells(
        title=name,
        heading=neutralise(title) if title else None,
        row0=row0,
        headers=[neutralise(labels.get(col, str(col))) for col in df.columns],
        nrows=len(df),
    )
    keys = df[index_name].tolist()
    codes = _cell_codes(st, keys, df.columns)
    for j in range(len(df.columns)):
        col, series = df.columns[j], df.iloc[:, j]
        d = decimals.get(col, 1) if isinstance(decimals, Mapping) else decimals
        fmt = "#,##0" if d == 0 else "#,##0." + "0" * d
        vals, styles = _column_cells(series, fmt, codes.get(col))
        sheet.columns.append(vals)
        sheet.styles.append(styles)
        width = max(
            [len(str(labels.get(col, col)))] + [len(str(x)) for x in series.iloc[:200].tolist()]
        )
        sheet.widths.append(min(45, max(8, width + 2)))
    return sheet


def _fill_sheet(ws, sheet: SheetCells) -> None:
    """Write ``sheet`` cell by cell with openpyxl (for values :mod:`.xlsx` does not write)."""
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    right = Alignment(horizontal="right")  # one style object for every symbol cell
    row0 = sheet.row0
    if sheet.heading is not None:
        ws.cell(row=1, column=1, value=sheet.heading).font = Font(bold=True, size=12)
    for j, text in enumerate(sheet.headers, start=1):
        c = ws.cell(row=row0, column=j, value=text)
        c.font = Font(bold=True)
        c.alignment = Alignment(wrap_text=True, vertical="top")
    for j, (values, styles) in enumerate(zip(sheet.columns, sheet.styles, strict=True), start=1):
        for i, (v, s) in enumerate(zip(values, styles, strict=True)):
            cell = ws.cell(row=row0 + 1 + i, column=j)
            if v is None:
                continue
            cell.value = v
            if s == SYMBOL:
                cell.alignment = right
            elif s is not None:
                cell.number_format = s
    ws.freeze_panes = ws.cell(row=row0 + 1, column=2)
    last = get_column_letter(max(1, len(sheet.headers)))
    ws.auto_filter.ref = f"A{row0}:{last}{row0 + sheet.nrows}"
    for j, width in enumerate(sheet.widths, start=1):
        ws.column_dimensions[get_column_letter(j)].width = width
