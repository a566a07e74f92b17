"""Reading and writing: planning areas, indicator tables, the catalogue, results.

* :func:`read_areas` — area geometries (any OGR format), keys as text, checked.
* :func:`read_table` — indicator tables (CSV/XLSX, wide/long, German symbols) →
  :class:`IndicatorTable` with values and per-cell status codes.
* :func:`read_catalogue` — the indicator catalogue (TOML/CSV/XLSX) → :class:`Catalogue`.
* :func:`write_gpkg`, :func:`write_excel`, :func:`write_geojson` — results for planners.

See ``docs/formats.md`` for the accepted formats.
"""

from sozialraum.io.areas import check_areas, ensure_metric, read_areas
from sozialraum.io.catalogue import Catalogue, normalise_header, read_catalogue
from sozialraum.io.keys import KEY_WIDTHS, normalise_keys, restore_leading_zeros
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
    "check_areas",
    "ensure_metric",
    "normalise_header",
    "normalise_keys",
    "parse_cells",
    "read_areas",
    "read_catalogue",
    "read_table",
    "restore_leading_zeros",
    "split_status_columns",
    "with_status_columns",
    "write_excel",
    "write_geojson",
    "write_gpkg",
]
