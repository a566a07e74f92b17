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
    out = frame.copy()
    for col in status.columns:
        if col not in out.columns:
            continue
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
    for col in out.columns:
        if col != out.geometry.name and isinstance(out[col].dtype, pd.CategoricalDtype):
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
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    labels = dict(labels or {})
    right = Alignment(horizontal="right")  # one style object for every symbol cell
    wb = Workbook()
    wb.remove(wb.active)
    for sheet_name, frame in sheets.items():
        ws = wb.create_sheet(title=str(sheet_name)[:31])
        df = pd.DataFrame(frame).copy()
        if "geometry" in df.columns:
            df = df.drop(columns="geometry")
        index_name = df.index.name or "Schlüssel"
        df = (
            df.reset_index(names=index_name)
            if index_name not in df.columns
            else df.reset_index(drop=True)
        )
        st = None
        if status is not None and sheet_name in status:
            st = status[sheet_name]
        row0 = 1
        if title:
            ws.cell(row=1, column=1, value=neutralise(title)).font = Font(bold=True, size=12)
            row0 = 3
        for j, col in enumerate(df.columns, start=1):
            c = ws.cell(row=row0, column=j, value=neutralise(labels.get(col, str(col))))
            c.font = Font(bold=True)
            c.alignment = Alignment(wrap_text=True, vertical="top")
        keys = df[index_name].tolist()
        for j, col in enumerate(df.columns, start=1):
            values = df[col].tolist()
            numeric = pd.api.types.is_numeric_dtype(df[col]) and not pd.api.types.is_bool_dtype(
                df[col]
            )
            d = decimals.get(col, 1) if isinstance(decimals, Mapping) else decimals
            fmt = "#,##0" if d == 0 else "#,##0." + "0" * d
            codes = None
            if st is not None and col in st.columns:
                codes = st[col].reindex(keys).tolist()
            for i, v in enumerate(values):
                cell = ws.cell(row=row0 + 1 + i, column=j)
                if v is None or (isinstance(v, float) and np.isnan(v)) or v is pd.NA:
                    code = codes[i] if codes is not None else None
                    if (
                        code is not None
                        and code is not pd.NA
                        and not (isinstance(code, float) and np.isnan(code))
                    ):
                        cell.value = neutralise(STATUS_SYMBOLS.get(str(code), str(code)))
                        cell.alignment = right
                    continue
                if isinstance(v, np.generic):
                    v = v.item()
                cell.value = neutralise(v)
                if numeric and isinstance(v, float):
                    cell.number_format = fmt
        ws.freeze_panes = ws.cell(row=row0 + 1, column=2)
        last = get_column_letter(max(1, len(df.columns)))
        ws.auto_filter.ref = f"A{row0}:{last}{row0 + len(df)}"
        for j, col in enumerate(df.columns, start=1):
            width = max(
                [len(str(labels.get(col, col)))] + [len(str(x)) for x in df[col].head(200).tolist()]
            )
            ws.column_dimensions[get_column_letter(j)].width = min(45, max(8, width + 2))
    wb.save(path)
    return path
