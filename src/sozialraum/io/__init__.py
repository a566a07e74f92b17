"""Reading and writing: planning areas, indicator tables, the catalogue, results.

* :func:`read_areas` — area geometries (any OGR format), keys as text, checked.
* :func:`read_table` — indicator tables (CSV/XLSX, wide/long, German symbols) →
  :class:`IndicatorTable` with values and per-cell status codes.
* :func:`read_text_table` — any other plain CSV/XLSX table (Zensus grids, population,
  rates, registers): the same decoding (encoding, delimiter) and number format
  detection → :class:`TextTable`.
* :func:`read_catalogue` — the indicator catalogue (TOML/CSV/XLSX) → :class:`Catalogue`.
* :func:`write_gpkg`, :func:`write_excel`, :func:`write_geojson` — results for planners.

See ``docs/formats.md`` for the accepted formats.
"""

from sozialraum.io.areas import check_areas, read_areas
from sozialraum.io.catalogue import Catalogue, read_catalogue
from sozialraum.io.headers import normalise_header
from sozialraum.io.keys import KEY_WIDTHS, normalise_keys, restore_leading_zeros
from sozialraum.io.reader import TextTable, read_text_table
from sozialraum.io.symbols import DEFAULT_SYMBOLS, STATUS_CODES, parse_cells
from sozialraum.io.tables import IndicatorTable, read_table
from sozialraum.io.write import (
    STATUS_SYMBOLS,
    split_status_columns,
    with_status_columns,
    write_excel,
    write_geojson,
    write_gpkg,
)

__all__ = [
    "Catalogue",
    "DEFAULT_SYMBOLS",
    "IndicatorTable",
    "KEY_WIDTHS",
    "STATUS_CODES",
    "STATUS_SYMBOLS",
    "TextTable",
    "check_areas",
    "normalise_header",
    "normalise_keys",
    "parse_cells",
    "read_areas",
    "read_catalogue",
    "read_table",
    "read_text_table",
    "restore_leading_zeros",
    "split_status_columns",
    "with_status_columns",
    "write_excel",
    "write_geojson",
    "write_gpkg",
]
