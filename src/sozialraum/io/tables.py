"""Reading indicator tables as they arrive: CSV and Excel, wide or long, with symbols.

:func:`read_table` reads one table (a CSV from the job centre, an Excel sheet
from the statistics office) into an :class:`IndicatorTable`: float values, a
parallel frame of status codes (why a cell has no number, see
:mod:`sozialraum.io.symbols`), area keys as text and the source row of every
key, so that every later message can point to the cell in the original file.

What is detected (each overridable): the encoding of a CSV (UTF-8, UTF-8 with
BOM, Windows-1252), its delimiter (``;``, ``,``, tab), decimal comma and
thousands point, the header row below title rows, footnotes under the table,
the key and name columns, the layout (wide, or long with indicator/year/value
columns), and keys that lost their leading zeros.
"""

from __future__ import annotations

import dataclasses
import difflib
import re
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl.utils import get_column_letter

from sozialraum._i18n import t
from sozialraum.core.doors import knob
from sozialraum.errors import InputError, SozialraumWarning
from sozialraum.io.headers import normalise_header
from sozialraum.io.keys import detect_key_width, normalise_keys, restore_leading_zeros
from sozialraum.io.plausibility import check_plausibility
from sozialraum.io.reader import filled_mask, read_grid
from sozialraum.io.symbols import (
    DEFAULT_SYMBOLS,
    STATUS_CODES,
    detect_number_format,
    parse_cells,
    percent_share,
)

__all__ = ["IndicatorTable", "read_table"]

_MSG = {
    "not_found": {"de": "{file}: Datei nicht gefunden.", "en": "{file}: file not found."},
    "empty": {
        "de": "{file}: Die Datei ist leer.",
        "en": "{file}: the file is empty.",
    },
    "no_rows": {
        "de": "{file}: Die Tabelle hat unter der Kopfzeile (Zeile {row}) keine Datenzeilen.",
        "en": "{file}: the table has no data rows below the header (row {row}).",
    },
    "no_header": {
        "de": "{file}: Keine Kopfzeile mit einer Schlüsselspalte gefunden (erste Zeilen: {rows}). "
        "Bitte {key_knob} (Name der Schlüsselspalte) und ggf. {header_knob} angeben.",
        "en": "{file}: no header row with a key column found (first rows: {rows}). Set "
        "{key_knob} (the key column's header) and {header_knob} if needed.",
    },
    "no_key": {
        "de": "{file}: Schlüsselspalte {key!r} nicht gefunden (Kopfzeile {row}). Vorhandene Spalten: "
        "{columns}.{hint}",
        "en": "{file}: key column {key!r} not found (header row {row}). Columns: {columns}.{hint}",
    },
    "no_key_detected": {
        "de": "{file}: Keine Schlüsselspalte erkannt (Kopfzeile {row}: {columns}). Bitte "
        "{key_knob} angeben, z. B. {first!r}.",
        "en": "{file}: no key column recognised (header row {row}: {columns}). Set {key_knob}, "
        "e.g. {first!r}.",
    },
    "hint": {"de": " Meinten Sie {cand!r}?", "en": " Did you mean {cand!r}?"},
    "no_column": {
        "de": "{file}: Spalte {column!r} fehlt (Kopfzeile {row}). Vorhandene Spalten: {columns}.{hint}",
        "en": "{file}: column {column!r} is missing (header row {row}). Columns: {columns}.{hint}",
    },
    "dup_header": {
        "de": "{file}: Die Spaltenüberschrift {column!r} kommt mehrfach vor (Kopfzeile {row}). Bitte "
        "eindeutig benennen.",
        "en": "{file}: the header {column!r} occurs more than once (header row {row}). Make the "
        "headers unique.",
    },
    "dup_target": {
        "de": "{file}: Die Spalten {a!r} und {b!r} werden beide der Variable {id!r} zugeordnet. "
        "Bitte eine davon entfernen oder die Zuordnung ({knob}) anpassen.",
        "en": "{file}: the columns {a!r} and {b!r} both map to variable {id!r}. Remove one of "
        "them or change the mapping ({knob}).",
    },
    "null_keys": {
        "de": "{file}: {n} Zeile(n) ohne Schlüssel in Spalte {key!r}: Zeile {rows}. Jede Datenzeile "
        "braucht einen Gebietsschlüssel.",
        "en": "{file}: {n} row(s) without a key in column {key!r}: row {rows}. Every data row "
        "needs an area key.",
    },
    "dup_keys": {
        "de": "{file}: Schlüssel mehrfach{in_year}: {ids}. Jede Zeile muss ein Gebiet eindeutig "
        "bezeichnen.",
        "en": "{file}: duplicate keys{in_year}: {ids}. Each row must name one area.",
    },
    "in_year": {"de": " im Jahr {year}", "en": " in year {year}"},
    "dup_row": {"de": "{key!r} (Zeilen {rows})", "en": "{key!r} (rows {rows})"},
    "dup_long": {
        "de": "{file}: Wert mehrfach angegeben für Schlüssel {key!r}, Merkmal {ind!r}{in_year} "
        "(Zeilen {rows}).",
        "en": "{file}: value given more than once for key {key!r}, indicator {ind!r}{in_year} "
        "(rows {rows}).",
    },
    "restored": {
        "de": "{file}: Bei {n} Schlüsseln fehlten führende Nullen (als Zahl gespeichert?); auf "
        "{width} Stellen ergänzt, z. B. {ex}.",
        "en": "{file}: {n} keys had lost their leading zeros (stored as numbers?); padded to "
        "{width} digits, e.g. {ex}.",
    },
    "unknown": {
        "de": "{file}: Unbekanntes Zeichen {text!r} in Zeile {row}, Spalte {column!r} – weder Zahl "
        "noch bekanntes Statistik-Zeichen (. * - – x / … (12) 12p).{more} Bitte die Zelle "
        "korrigieren oder einem Status zuordnen, z. B. {text!r} → fehlt ({knob}).",
        "en": "{file}: unknown symbol {text!r} in row {row}, column {column!r} — neither a number "
        "nor a known statistical symbol (. * - – x / … (12) 12p).{more} Correct the cell or "
        "map it to a status, e.g. {text!r} → fehlt ({knob}).",
    },
    "unknown_more": {
        "de": " Weitere ({n}): {cells}.",
        "en": " More ({n}): {cells}.",
    },
    "bad_symbol_code": {
        "de": "symbols: {code!r} (für {text!r}) ist kein Statuscode; erlaubt: {codes}.",
        "en": "symbols: {code!r} (for {text!r}) is not a status code; allowed: {codes}.",
    },
    "bad_year": {
        "de": "{file}: Ungültige Jahresangabe {text!r} in Zeile {row}, Spalte {column!r}.",
        "en": "{file}: invalid year {text!r} in row {row}, column {column!r}.",
    },
    "year_missing": {
        "de": "{file}: Jahr {year} ist nicht in der Tabelle (vorhanden: {years}).",
        "en": "{file}: year {year} is not in the table (present: {years}).",
    },
    "long_cols": {
        "de": "{file}: Für das Langformat fehlen Spalten: {missing} (Kopfzeile {row}: {columns}). "
        "Erwartet: Schlüssel, Merkmal/Indikator, Wert und ggf. Jahr.",
        "en": "{file}: columns missing for the long layout: {missing} (header row {row}: "
        "{columns}). Expected: key, indicator/Merkmal, value/Wert and optionally year/Jahr.",
    },
    "layout": {
        "de": 'layout muss "auto", "wide" oder "long" sein, nicht {layout!r}.',
        "en": 'layout must be "auto", "wide" or "long", not {layout!r}.',
    },
    "unmapped": {
        "de": "{file}: {n} Spalte(n) stehen nicht im Katalog und behalten ihre Überschrift: {cols}.",
        "en": "{file}: {n} column(s) are not in the catalogue and keep their header: {cols}.",
    },
    "totals": {
        "de": "{file}: Summenzeile erkannt und übergangen (Zeile {rows}: {names}).",
        "en": "{file}: total row recognised and skipped (row {rows}: {names}).",
    },
    "text_column": {
        "de": "{file}: Spalte {column!r} enthält keine lesbaren Zahlen (z. B. {sample!r}) und wird "
        "nicht als Merkmal gelesen, nur als Textspalte mitgeführt. Ist sie ein Merkmal, bitte die "
        "Zellen korrigieren oder die Zeichen zuordnen ({knob}).",
        "en": "{file}: column {column!r} holds no readable numbers (e.g. {sample!r}) and is not "
        "read as a variable, only kept as a text column. If it is a variable, correct the cells "
        "or map the symbols ({knob}).",
    },
    "percent": {
        "de": "{file}: Spalte {column!r} steht mit %-Zeichen in der Tabelle und wird als Anteil in "
        "Prozent gelesen (5,1 % → 5,1).",
        "en": "{file}: column {column!r} comes with a % sign and is read as a share in percent "
        "(5.1 % → 5.1).",
    },
    "ignored": {
        "de": "{file}: Langformat: Spalte(n) {cols} sind weder Schlüssel, Name, Jahr, Merkmal noch "
        "Wert und werden nicht gelesen.",
        "en": "{file}: long layout: column(s) {cols} are neither key, name, year, indicator nor "
        "value and are not read.",
    },
    "header_rows": {
        "de": "{file}: Kopfzeilen {rows} zu einer Überschrift zusammengefasst, z. B. {example!r}.",
        "en": "{file}: header rows {rows} combined into one header, e.g. {example!r}.",
    },
    "wide_years": {
        "de": "{file}: Jahre in den Spaltenüberschriften erkannt ({years}); gelesen als Merkmal × "
        "Jahr, z. B. {example!r} → {base!r}, {year}.",
        "en": "{file}: years recognised in the headers ({years}); read as variable × year, "
        "e.g. {example!r} → {base!r}, {year}.",
    },
    "header_row": {
        "de": "{file}: {knob} {row} liegt außerhalb der Tabelle (1–{n}).",
        "en": "{file}: {knob} {row} is outside the table (1–{n}).",
    },
    "no_values": {
        "de": "{file}: Die Tabelle hat außer Schlüssel und Namen keine Spalten mit Zahlen "
        "(Spalten: {columns}).",
        "en": "{file}: the table has no columns with numbers besides key and name "
        "(columns: {columns}).",
    },
}

_FOOTNOTE = re.compile(
    r"^\s*(?:quelle|quellen|anmerkung|anmerkungen|hinweis|hinweise|fu(?:ß|ss)note|stand\b|source|"
    r"notes?\b|zeichenerkl|erl(?:ä|ae)uterung|legende|\d{1,2}\s*\)|\*+\s|[¹²³⁴⁵]|-{3,}|©|"
    r"\S{1,3}\s*=\s)",
    re.IGNORECASE,
)
_TOTAL = re.compile(r"\b(?:insgesamt|summe|gesamt|zusammen|total)\b", re.IGNORECASE)
# a label that *is* a total ("Insgesamt", "Summe Bezirk 3", "Stadt gesamt", "Berlin insgesamt"):
# recognised also when the row has a numeric key (the district's own AGS)
_TOTAL_LABEL = re.compile(
    r"^\s*(?:insgesamt|summe|gesamt|zusammen|total)\b|\b(?:insgesamt|gesamt|zusammen|total)\s*$",
    re.IGNORECASE,
)


def _compact(h: object) -> str:
    return re.sub(r"[^a-z0-9]", "", normalise_header(h))


_KEY_EXACT = (
    "sozialraumnr",
    "sozialraumnummer",
    "sozialraumid",
    "sozialraumschluessel",
    "srnr",
    "srid",
    "srschluessel",
    "srkey",
    "schluessel",
    "gebietsschluessel",
    "gemeindeschluessel",
    "regionalschluessel",
    "ags",
    "ars",
    "gebietnr",
    "gebietsnr",
    "gebietsnummer",
    "gebietid",
    "planungsraumnr",
    "planungsraumid",
    "planungsraumnummer",
    "plrid",
    "plrnr",
    "plr",
    "id",
    "key",
    "kennziffer",
    "schluesselnr",
    "bezirknr",
    "bezirksnr",
    "statistischerbezirk",
    "stadtteilnr",
    "ortsteilnr",
    "gemeindenr",
    "nr",
    "nummer",
    "code",
    "areaid",
)
_KEY_AMBIGUOUS = ("sozialraum", "planungsraum", "gebiet", "bezirk", "stadtteil", "ortsteil")
_NAME = (
    "name",
    "bezeichnung",
    "sozialraumname",
    "srname",
    "sozialraum",
    "gemeindename",
    "gemeinde",
    "gebietsname",
    "gebiet",
    "planungsraumname",
    "planungsraum",
    "stadtteilname",
    "stadtteil",
    "ortsteilname",
    "ortsteil",
    "bezirksname",
    "bezirk",
    "areaname",
)
_YEAR = ("jahr", "year", "berichtsjahr", "bezugsjahr")
_INDICATOR = (
    "indikator",
    "indicator",
    "merkmal",
    "variable",
    "kennzahl",
    "merkmalsname",
    "merkmalid",
)
_VALUE = ("wert", "value", "werte", "anzahl", "values")


# --------------------------------------------------------------------------- result type


@dataclass(frozen=True, eq=False)
class IndicatorTable:
    """An indicator table: values, per-cell status, keys as text, source rows.

    Attributes
    ----------
    values
        float DataFrame; index = area key (text, named ``"key"``), or a MultiIndex
        ``(key, year)`` for a table holding several years; columns = variable ids
        (with ``columns=``) or the cleaned headers.
    status
        Same shape; ``"string"`` dtype status codes (``geheim``, ``nichts_vorhanden``, …,
        ``fehlt``), ``<NA>`` where the value is a plain number.
    key
        Header of the key column in the source.
    names
        Area names (Series aligned with ``values.index``) or ``None``.
    source
        File name, with the sheet for Excel: ``"indikatoren_2024.xlsx[Daten]"``.
    year
        The table's year (``None`` if unknown or several).
    meta
        ``rows`` (Series aligned with ``values.index``: 1-based source row),
        ``header_row``, ``last_row``, ``footnotes``, ``total_rows``, ``encoding``,
        ``delimiter``, ``decimal``, ``thousands``, ``layout``, ``restored_keys``,
        ``unknown_symbols`` (user-mapped symbol → count), ``text_columns``,
        ``unmapped_columns``, ``percent_columns`` (came with ``%``: shares in percent),
        ``years_from_headers``, ``plausibility`` (findings of
        :func:`sozialraum.io.plausibility.check_plausibility`), ``hidden_rows``,
        ``hidden_columns``, ``formula_cells`` (XLSX), ``path``.
    """

    values: pd.DataFrame
    status: pd.DataFrame
    key: str
    names: pd.Series | None
    source: str
    year: int | None = None
    meta: dict = field(default_factory=dict)

    @property
    def years(self) -> list[int]:
        """Years in the table (from the index, else ``[year]`` or ``[]``)."""
        if isinstance(self.values.index, pd.MultiIndex):
            return sorted(int(y) for y in self.values.index.get_level_values("year").unique())
        return [self.year] if self.year is not None else []

    def for_year(self, year: int, *, lang: str | None = None) -> IndicatorTable:
        """The table of one year (index = key).

        Raises
        ------
        InputError
            The year is not in the table (message names the years present).
        """
        year = int(year)
        if not isinstance(self.values.index, pd.MultiIndex):
            if self.year is not None and self.year != year:
                raise InputError(
                    t(_MSG, "year_missing", lang, file=self.source, year=year, years=self.year),
                    file=self.source,
                )
            return dataclasses.replace(self, year=year)
        if year not in self.years:
            raise InputError(
                t(
                    _MSG,
                    "year_missing",
                    lang,
                    file=self.source,
                    year=year,
                    years=", ".join(map(str, self.years)),
                ),
                file=self.source,
            )

        def pick(obj):
            if obj is None:
                return None
            return obj.xs(year, level="year")

        meta = dict(self.meta)
        if isinstance(meta.get("rows"), pd.Series):
            meta["rows"] = pick(meta["rows"])
        return dataclasses.replace(
            self,
            values=pick(self.values),
            status=pick(self.status),
            names=pick(self.names),
            year=year,
            meta=meta,
        )

    def to_long(self) -> pd.DataFrame:
        """One row per key (and year) and variable: ``key, [year,] variable, value, status``."""
        ids = list(self.values.index.names)
        v = self.values.reset_index().melt(id_vars=ids, var_name="variable", value_name="value")
        s = self.status.reset_index().melt(id_vars=ids, var_name="variable", value_name="status")
        v["status"] = s["status"].astype("string").to_numpy()
        if self.year is not None and "year" not in ids:
            v.insert(1, "year", self.year)
        return v

    def rename(self, mapping: Mapping[str, str]) -> IndicatorTable:
        """A copy with value/status columns renamed (``{old: new}``)."""
        return dataclasses.replace(
            self,
            values=self.values.rename(columns=dict(mapping)),
            status=self.status.rename(columns=dict(mapping)),
        )

    def __repr__(self) -> str:
        return (
            f"IndicatorTable(source={self.source!r}, year={self.year}, rows={len(self.values)}, "
            f"columns={list(self.values.columns)})"
        )


# --------------------------------------------------------------------------- raw reading


# --------------------------------------------------------------------------- structure


def _sample(col: pd.Series, n: int = 2000) -> np.ndarray:
    """The first ``n`` cells and ``n`` evenly spaced ones (to detect the number format)."""
    arr = col.to_numpy(dtype=object)
    if len(arr) <= 2 * n:
        return arr
    return np.concatenate([arr[:n], arr[n :: (len(arr) - n) // n + 1]])


def _find_key(headers: list[str], body: pd.DataFrame | None) -> int | None:
    comp = [_compact(h) for h in headers]
    for cand in _KEY_EXACT:
        if cand in comp:
            return comp.index(cand)
    for j, c in enumerate(comp):
        if (
            c
            and re.search(r"(nr|nummer|schluessel|kennziffer|id)$", c)
            and not c.startswith(("lfd", "laufende"))
        ):
            return j
    for cand in _KEY_AMBIGUOUS:
        if cand in comp:
            j = comp.index(cand)
            if body is None:
                return j
            vals = normalise_keys(body.iloc[:50, j]).dropna().astype(str)
            vals = vals[~vals.str.contains(_FOOTNOTE) & ~vals.str.contains(_TOTAL)]
            if len(vals) and vals.str.fullmatch(r"[\w.\-/]*\d[\w.\-/]*").mean() >= 0.8:
                return j
    return None


def _find_name(headers: list[str], exclude: set[int]) -> int | None:
    comp = [_compact(h) for h in headers]
    for cand in _NAME:
        for j, c in enumerate(comp):
            if c == cand and j not in exclude:
                return j
    return None


def _find(headers: list[str], words: tuple[str, ...]) -> int | None:
    comp = [_compact(h) for h in headers]
    for w in words:
        if w in comp:
            return comp.index(w)
    return None


def _match_header(headers: list[str], wanted: str) -> int | None:
    for j, h in enumerate(headers):
        if h == wanted:
            return j
    nw = normalise_header(wanted)
    for j, h in enumerate(headers):
        if normalise_header(h) == nw:
            return j
    return None


def _header_texts(cells) -> list[str]:
    out = []
    for c in cells:
        if c is None or (isinstance(c, float) and np.isnan(c)):
            out.append("")
        else:
            s = c.strftime("%Y") if hasattr(c, "strftime") else str(c)
            if isinstance(c, float) and c.is_integer():
                s = str(int(c))
            out.append(re.sub(r"\s+", " ", s).strip())
    return out


def _locate_header(grid, filled, rows, key, header_row, src, lang) -> int:
    n = len(grid)
    if header_row is not None:
        pos = np.flatnonzero(rows == int(header_row))
        if not len(pos):
            raise InputError(
                t(
                    _MSG,
                    "header_row",
                    lang,
                    file=src,
                    row=header_row,
                    n=int(rows[-1]),
                    knob=knob("header_row", lang),
                ),
                file=src,
            )
        return int(pos[0])
    look = min(n, 60)
    counts = filled[:look].sum(axis=1)
    width = int(counts.max()) if look else 0
    fallback = None
    for i in range(look):
        if counts[i] < 2 or counts[i] * 2 < width:
            continue
        cells = grid.iloc[i].tolist()
        texts = sum(
            1
            for c, f in zip(cells, filled[i], strict=True)
            if f and isinstance(c, str) and not _is_number_text(c)
        )
        if texts * 2 < counts[i]:
            continue
        headers = _header_texts(cells)
        if key is not None:
            if _match_header(headers, key) is not None:
                return i
            if fallback is None:
                fallback = i
            continue
        if _find_key(headers, grid.iloc[i + 1 :]) is not None:
            return i
        if fallback is None:
            fallback = i
    if fallback is not None:
        return fallback  # a header without the (recognised) key column: reported by the caller
    first = "; ".join(
        " | ".join(h for h in _header_texts(grid.iloc[i].tolist()) if h)[:60]
        for i in range(min(n, 3))
    )
    raise InputError(
        t(
            _MSG,
            "no_header",
            lang,
            file=src,
            rows=first or "–",
            key_knob=knob("table_key", lang),
            header_knob=knob("header_row", lang),
        ),
        file=src,
    )


def _is_number_text(s: str) -> bool:
    return bool(re.fullmatch(r"\s*[+-]?[\d.,\s]+(?:[eE][+-]?\d+)?\s*%?\s*", s))


_YEAR_TEXT = re.compile(r"(?:19|20)\d{2}")


def _header_like(cell: object) -> bool:
    """A cell that can stand in a header row: a text that is no number, or a year."""
    if isinstance(cell, bool):
        return False
    if isinstance(cell, int | float | np.integer | np.floating):
        return float(cell).is_integer() and 1900 <= float(cell) <= 2099
    if hasattr(cell, "strftime"):
        return True
    text = str(cell).strip()
    return bool(_YEAR_TEXT.fullmatch(text)) or not _is_number_text(text)


# --------------------------------------------------------------------------- main reader


def read_table(
    path: str | Path,
    *,
    sheet: str | int | None = None,
    key: str | None = None,
    name: str | None = None,
    year: int | None = None,
    layout: str = "auto",
    encoding: str | None = None,
    delimiter: str | None = None,
    decimal: str | None = None,
    thousands: str | None = None,
    key_width: int | None = None,
    header_row: int | None = None,
    symbols: Mapping[str, str] | None = None,
    columns=None,
    lang: str | None = None,
) -> IndicatorTable:
    """Read an indicator table (CSV or XLSX, wide or long) into an :class:`IndicatorTable`.

    Parameters
    ----------
    path
        ``.csv``/``.txt``/``.tsv`` or ``.xlsx``.
    sheet
        Excel sheet name or 0-based index (default: the first sheet).
    key
        Header of the key column; detected when omitted (``Sozialraum-Nr.``,
        ``Schlüssel``, ``AGS``, ``ARS``, ``Gebiet-Nr.``, ``sr_id``, …).
    name
        Header of the area-name column; detected when omitted (``Name``,
        ``Bezeichnung``, ``Sozialraum``, ``Gemeinde``, …).
    year
        Select this year from a multi-year table (error if absent), or the year of a
        single-year table.
    layout
        ``"wide"`` (one column per variable), ``"long"`` (columns key, indicator,
        [year,] value) or ``"auto"``.
    encoding, delimiter, decimal, thousands
        CSV encoding / delimiter and number format; detected when omitted.
    key_width
        Pad all-digit keys to this width (lost leading zeros); detected from an
        ``AGS``/``ARS`` header or the majority width when omitted.
    header_row
        1-based row of the header (as the spreadsheet shows it); detected when omitted.
    symbols
        Extra cell texts → status code, e.g. ``{"k.A.": "fehlt"}``.
    columns
        A :class:`~sozialraum.io.Catalogue` (headers matched through
        ``Catalogue.header_map()``) or a mapping ``header → variable id`` (every
        header in it must be present). Columns are renamed to variable ids; other
        value columns keep their header (with one warning listing them).
    lang
        Message language.

    Returns
    -------
    IndicatorTable

    Raises
    ------
    InputError
        Missing/empty file, undecodable encoding, unknown sheet, no header or key
        column, missing column, rows without key, duplicate keys (with their rows),
        unknown symbols (file, row, column, text), a year not in the table.
    """
    path = Path(path)
    user_symbols = _check_options(layout, symbols, lang)
    if not path.exists():
        raise InputError(t(_MSG, "not_found", lang, file=str(path)), file=str(path))
    raw = read_grid(path, sheet=sheet, encoding=encoding, delimiter=delimiter, lang=lang)  # decode
    grid = _grid_step(raw, lang)  # grid
    hd = _header_step(grid, key, header_row, lang)  # header
    lay = _layout_step(hd, key, name, layout, lang)  # layout
    region = _region_step(hd, lay, lang)
    keys, restored = _keys_step(region, hd, lay, key_width, lang)
    fmt = _number_format(region, lay, grid.info, decimal, thousands)
    meta = {
        "path": str(path),
        "header_row": hd.row,
        "first_row": int(region.rows[0]),
        "last_row": int(region.rows[-1]),
        "footnotes": region.footnotes,
        "total_rows": region.total_rows,
        "decimal": fmt[0],
        "thousands": fmt[1],
        "layout": "long" if lay.is_long else "wide",
        "restored_keys": restored,
        **grid.info,
    }
    values, status, names, rowser = _parse_step(  # parse
        region, keys, hd, lay, fmt, user_symbols, columns, meta, lang
    )
    table = _finish(values, status, names, rowser, hd, lay, year, meta, lang)
    return _plausible(table, columns, lang)


def _plausible(table: IndicatorTable, columns, lang) -> IndicatorTable:
    """Plausibility findings warned (file, column, areas); placeholders made missing."""
    res = check_plausibility(
        table.values,
        table.status,
        columns if hasattr(columns, "indicators") else None,
        percent_columns=table.meta.get("percent_columns", ()),
        source=table.source,
        lang=lang,
    )
    for f in res.findings:
        warnings.warn(f.message, SozialraumWarning, stacklevel=3)
    meta = table.meta | {"plausibility": list(res.findings)}
    return dataclasses.replace(table, values=res.values, status=res.status, meta=meta)


def _check_options(layout: str, symbols, lang) -> dict:
    if layout not in ("auto", "wide", "long"):
        raise ValueError(t(_MSG, "layout", lang, layout=layout))
    user_symbols = dict(symbols or {})
    for txt, code in user_symbols.items():
        if code not in STATUS_CODES:
            raise ValueError(
                t(_MSG, "bad_symbol_code", lang, code=code, text=txt, codes=", ".join(STATUS_CODES))
            )
    return user_symbols


@dataclass(frozen=True)
class _GridStep:
    cells: pd.DataFrame
    rows: np.ndarray
    source: str
    info: dict
    filled: np.ndarray


def _grid_step(raw, lang) -> _GridStep:
    """The raw cells and which of them hold something; empty files refused."""
    grid, source = raw.cells, raw.source
    if grid.shape[0] == 0 or grid.shape[1] == 0:
        raise InputError(t(_MSG, "empty", lang, file=source), file=source)
    filled = filled_mask(grid, stripped="delimiter" in raw.info)
    if not filled.any():
        raise InputError(t(_MSG, "empty", lang, file=source), file=source)
    return _GridStep(grid, raw.rows, source, dict(raw.info), filled)


@dataclass(frozen=True)
class _HeaderStep:
    headers: list[str]
    body: pd.DataFrame
    filled: np.ndarray
    rows: np.ndarray
    row: int
    source: str

    @property
    def columns_text(self) -> str:
        return ", ".join(repr(x) for x in self.headers)

    def missing_column(self, col: str, lang) -> InputError:
        close = difflib.get_close_matches(col, self.headers, n=1)
        hint = t(_MSG, "hint", lang, cand=close[0]) if close else ""
        return InputError(
            t(
                _MSG,
                "no_column",
                lang,
                file=self.source,
                column=col,
                row=self.row,
                columns=self.columns_text,
                hint=hint,
            ),
            file=self.source,
            row=self.row,
            column=col,
        )


def _header_step(grid: _GridStep, key, header_row, lang) -> _HeaderStep:
    """Locate the header row; name data columns without header, drop empty ones."""
    source, rows = grid.source, grid.rows
    h = _locate_header(grid.cells, grid.filled, rows, key, header_row, source, lang)
    hdr_row = int(rows[h])
    headers, n_rows = _combined_header(grid, h, lang)
    body = grid.cells.iloc[h + n_rows :]
    bfilled = grid.filled[h + n_rows :]
    keep = []
    for j, hd in enumerate(headers):
        if hd:
            keep.append(j)
        elif bfilled[:, j].any():
            headers[j] = f"Spalte {get_column_letter(j + 1)}"
            keep.append(j)
    headers = [headers[j] for j in keep]
    body = body.iloc[:, keep]
    body.columns = range(len(keep))
    seen: set[str] = set()
    for hd in headers:
        nh = normalise_header(hd)
        if nh in seen:
            raise InputError(
                t(_MSG, "dup_header", lang, file=source, column=hd, row=hdr_row),
                file=source,
                column=hd,
            )
        seen.add(nh)
    return _HeaderStep(headers, body, bfilled[:, keep], rows[h + n_rows :], hdr_row, source)


def _sub_header(grid: _GridStep, i: int) -> bool:
    """Whether grid row ``i`` continues the header above it (``2022``/``2023`` under a group).

    A data row holds its key in the first column and numbers; a header row below
    the header holds texts or years only and leaves the first column empty.
    """
    if i >= len(grid.cells):
        return False
    filled = grid.filled[i]
    if not filled.any() or filled[0]:
        return False
    cells = [c for c, f in zip(grid.cells.iloc[i].tolist(), filled, strict=True) if f]
    # one lone text is a section label ("Bezirk Mitte"), not a header row
    return (
        len(cells) >= 2
        and all(_header_like(c) for c in cells)
        and not _FOOTNOTE.match(str(cells[0]))
    )


def _combine(upper: list[str], lower: list[str]) -> list[str]:
    """One header per column from two header rows: a group text over its sub-headers."""
    out, group = [], ""
    for up, low in zip(upper, lower, strict=True):
        if up:
            group = up
        elif not low:
            group = ""  # an empty column ends a group
        top = up or group
        out.append(f"{top} {low}".strip() if low else up)
    return out


def _combined_header(grid: _GridStep, h: int, lang) -> tuple[list[str], int]:
    """Header texts of row ``h``, combined with the header rows below it (at most 3 in all).

    ``Einwohner`` over ``2022`` and ``2023`` (merged in Excel, or written once with
    empty cells to its right in a CSV) gives ``Einwohner 2022`` and ``Einwohner 2023``.
    """
    combined = _header_texts(grid.cells.iloc[h].tolist())
    n = 1
    while n < 3 and _sub_header(grid, h + n):
        combined = _combine(combined, _header_texts(grid.cells.iloc[h + n].tolist()))
        n += 1
    if n > 1:
        example = next((c for c in combined if " " in c), combined[-1])
        warnings.warn(
            t(
                _MSG,
                "header_rows",
                lang,
                file=grid.source,
                rows=f"{int(grid.rows[h])}–{int(grid.rows[h + n - 1])}",
                example=example,
            ),
            SozialraumWarning,
            stacklevel=5,
        )
    return combined, n


@dataclass(frozen=True)
class _LayoutStep:
    kj: int
    nj: int | None
    yj: int | None
    ij: int | None
    vj: int | None
    is_long: bool


def _layout_step(hd: _HeaderStep, key, name, layout, lang) -> _LayoutStep:
    """Key, name, year, indicator and value columns; wide or long."""
    headers, source, hdr_row = hd.headers, hd.source, hd.row
    if key is not None:
        kj = _match_header(headers, key)
        if kj is None:
            close = difflib.get_close_matches(key, headers, n=1)
            hint = t(_MSG, "hint", lang, cand=close[0]) if close else ""
            raise InputError(
                t(
                    _MSG,
                    "no_key",
                    lang,
                    file=source,
                    key=key,
                    row=hdr_row,
                    columns=hd.columns_text,
                    hint=hint,
                ),
                file=source,
                row=hdr_row,
                column=key,
            )
    else:
        kj = _find_key(headers, hd.body)
        if kj is None:
            raise InputError(
                t(
                    _MSG,
                    "no_key_detected",
                    lang,
                    key_knob=knob("table_key", lang),
                    file=source,
                    row=hdr_row,
                    columns=hd.columns_text,
                    first=headers[0],
                ),
                file=source,
                row=hdr_row,
            )
    if name is not None:
        nj = _match_header(headers, name)
        if nj is None:
            raise hd.missing_column(name, lang)
    else:
        nj = _find_name(headers, {kj})
    yj, ij, vj = _find(headers, _YEAR), _find(headers, _INDICATOR), _find(headers, _VALUE)
    is_long = layout == "long" or (layout == "auto" and ij is not None and vj is not None)
    if is_long and (ij is None or vj is None):
        missing = [w for w, j in (("Merkmal/indicator", ij), ("Wert/value", vj)) if j is None]
        raise InputError(
            t(
                _MSG,
                "long_cols",
                lang,
                file=source,
                missing=", ".join(missing),
                row=hdr_row,
                columns=hd.columns_text,
            ),
            file=source,
            row=hdr_row,
        )
    return _LayoutStep(kj, nj, yj, ij, vj, is_long)


@dataclass(frozen=True)
class _RegionStep:
    body: pd.DataFrame
    rows: np.ndarray
    keys: pd.Series
    footnotes: list[str]
    total_rows: list[dict]


def _table_end(body, bfilled, has_key, foot_key) -> int:
    """Index of the last row that holds data (-1: none)."""
    nfilled = bfilled.sum(axis=1)
    for i in range(len(body) - 1, -1, -1):
        if has_key[i] and not foot_key[i]:
            return i
        if nfilled[i] >= 2:
            first = next(c for c, f in zip(body.iloc[i].tolist(), bfilled[i], strict=True) if f)
            if not _FOOTNOTE.match(str(first)):
                return i
    return -1


def _footnotes(trailer: pd.DataFrame, tfilled: np.ndarray) -> list[str]:
    out = []
    for i in range(len(trailer)):
        txt = " ".join(
            str(c).strip() for c, f in zip(trailer.iloc[i].tolist(), tfilled[i], strict=True) if f
        )
        if txt:
            out.append(txt)
    return out


def _region_step(hd: _HeaderStep, lay: _LayoutStep, lang) -> _RegionStep:
    """The data rows: footnotes below the table cut off, empty and total rows dropped."""
    source, kj = hd.source, lay.kj
    keys_raw = normalise_keys(hd.body.iloc[:, kj].reset_index(drop=True))
    key_txt = keys_raw.astype("string")
    has_key = key_txt.notna().to_numpy(dtype=bool)
    foot_key = key_txt.str.contains(_FOOTNOTE, na=False).to_numpy(dtype=bool)
    last = _table_end(hd.body, hd.filled, has_key, foot_key)
    if last < 0 and not hd.filled.any():
        raise InputError(t(_MSG, "no_rows", lang, file=source, row=hd.row), file=source, row=hd.row)
    footnotes = _footnotes(hd.body.iloc[last + 1 :], hd.filled[last + 1 :])
    region = slice(0, last + 1)
    body = hd.body.iloc[region].reset_index(drop=True)
    body_rows = hd.rows[region]
    keys_raw = keys_raw.iloc[region].reset_index(drop=True)
    has_key = has_key[region]
    nonempty = hd.filled[region].any(axis=1)
    is_total, total_rows = _total_rows(
        body, body_rows, keys_raw, has_key, nonempty, lay, source, lang
    )
    take = nonempty & ~is_total
    null = take & ~has_key
    if null.any():
        bad = body_rows[null]
        raise InputError(
            t(
                _MSG,
                "null_keys",
                lang,
                file=source,
                n=int(null.sum()),
                key=hd.headers[kj],
                rows=", ".join(map(str, bad[:20])) + (" …" if len(bad) > 20 else ""),
            ),
            file=source,
            row=int(bad[0]),
            column=hd.headers[kj],
        )
    body = body[take].reset_index(drop=True)
    if not len(body):
        raise InputError(t(_MSG, "no_rows", lang, file=source, row=hd.row), file=source, row=hd.row)
    keys = keys_raw[take].reset_index(drop=True)
    return _RegionStep(body, body_rows[take], keys, footnotes, total_rows)


def _total_rows(body, body_rows, keys_raw, has_key, nonempty, lay, source, lang):
    """Rows without key (or with a word as key) whose label says insgesamt/Summe/…: warned."""
    label_cells = body.iloc[:, lay.kj].astype("string").fillna("")
    total_name = np.zeros(len(body), dtype=bool)
    if lay.nj is not None:
        name_cells = body.iloc[:, lay.nj].astype("string").fillna("").str.strip()
        total_name = name_cells.str.contains(_TOTAL_LABEL, na=False).to_numpy(dtype=bool)
        label_cells = label_cells + " " + name_cells
    label_cells = label_cells.str.strip()
    total_word = label_cells.str.contains(_TOTAL, na=False).to_numpy(dtype=bool)
    key_is_word = ~keys_raw.astype("string").str.contains(r"\d", na=False).to_numpy(dtype=bool)
    is_total = nonempty & ((total_word & (~has_key | key_is_word)) | total_name)
    total_rows = []
    if is_total.any():
        total_rows = [
            {"row": int(r), "text": str(s).strip()}
            for r, s in zip(body_rows[is_total], label_cells[is_total], strict=True)
        ]
        warnings.warn(
            t(
                _MSG,
                "totals",
                lang,
                file=source,
                rows=", ".join(str(d["row"]) for d in total_rows),
                names="; ".join(d["text"] for d in total_rows[:3]),
            ),
            SozialraumWarning,
            stacklevel=4,
        )
    return is_total, total_rows


def _keys_step(region: _RegionStep, hd: _HeaderStep, lay: _LayoutStep, key_width, lang):
    """Keys with their lost leading zeros restored (warned), and the log of restorations."""
    keys = region.keys
    width = key_width if key_width is not None else detect_key_width(keys, hd.headers[lay.kj])
    restored_log = pd.DataFrame({"row": [], "original": [], "restored": []})
    if not width:
        return keys, restored_log
    fixed = restore_leading_zeros(keys, int(width))
    changed = (fixed != keys).to_numpy(dtype=bool)
    if not changed.any():
        return keys, restored_log
    restored_log = pd.DataFrame(
        {
            "row": region.rows[changed],
            "original": keys[changed].to_numpy(),
            "restored": fixed[changed].to_numpy(),
        }
    )
    ex = ", ".join(
        f"{o} → {r}"
        for o, r in zip(restored_log["original"][:3], restored_log["restored"][:3], strict=True)
    )
    warnings.warn(
        t(_MSG, "restored", lang, file=hd.source, n=int(changed.sum()), width=int(width), ex=ex),
        SozialraumWarning,
        stacklevel=3,
    )
    return fixed, restored_log


def _value_columns(n_columns: int, lay: _LayoutStep) -> list[int]:
    skip = {lay.kj, lay.nj, lay.yj, lay.ij}
    return [lay.vj] if lay.is_long else [j for j in range(n_columns) if j not in skip]


def _number_format(region: _RegionStep, lay: _LayoutStep, info, decimal, thousands):
    """Decimal and thousands separators: given, or detected from the value cells."""
    if decimal is None and thousands is None:
        value_js = _value_columns(region.body.shape[1], lay)
        distinct = [pd.unique(_sample(region.body.iloc[:, j])) for j in value_js]
        prefer = "." if info.get("delimiter") == "," else ","
        txt_all = pd.Series(np.concatenate(distinct) if distinct else [], dtype=object)
        return detect_number_format(txt_all, prefer=prefer)
    if decimal is None:
        return ("," if thousands != "," else "."), thousands
    if thousands is None:
        return decimal, ("." if decimal == "," else ",")
    return decimal, thousands


def _parse_step(region, keys, hd, lay, fmt, user_symbols, columns, meta, lang):
    """Cells → values and status codes (wide or long); fills the column notes of ``meta``."""
    years_col = None
    if lay.yj is not None:
        years_col = _parse_years(
            region.body.iloc[:, lay.yj], region.rows, hd.headers[lay.yj], hd.source, lang
        )
    mapping, required = _column_mapping(columns)
    ctx = dict(
        source=hd.source,
        lang=lang,
        decimal=fmt[0],
        thousands=fmt[1],
        symbols=user_symbols,
        rows=region.rows,
        percent=[],
    )

    def missing_column(col: str) -> InputError:
        return hd.missing_column(col, lang)

    body, headers = region.body, hd.headers
    if lay.is_long:
        values, status, names, rowser, used = _long(
            body,
            keys,
            years_col,
            headers,
            lay.kj,
            lay.nj,
            lay.ij,
            lay.vj,
            mapping,
            required,
            ctx,
            missing_column,
        )
        skip = {lay.kj, lay.nj, lay.yj, lay.ij, lay.vj}
        meta["text_columns"] = None
        meta["unmapped_columns"] = []
        meta["ignored_columns"] = [headers[j] for j in range(len(headers)) if j not in skip]
        if meta["ignored_columns"]:
            _warn_ignored(meta["ignored_columns"], hd.source, lang)
    else:
        value_js, kj, nj, rows = _value_columns(len(headers), lay), lay.kj, lay.nj, region.rows
        found = _year_headers(headers, value_js, mapping) if years_col is None else {}
        if found:
            body, keys, years_col, headers, value_js, kj, nj, rows = _stack_years(
                body, keys, headers, value_js, kj, nj, rows, found
            )
            ctx["rows"] = rows
            meta["years_from_headers"] = sorted({y for _, y in found.values()})
            _warn_years(found, hd, lang)
        values, status, names, rowser, used, text_cols, unmapped = _wide(
            body,
            keys,
            years_col,
            headers,
            kj,
            nj,
            value_js,
            mapping,
            required,
            columns is not None,
            ctx,
            missing_column,
        )
        meta["text_columns"] = text_cols
        meta["unmapped_columns"] = unmapped
    meta["unknown_symbols"] = used
    meta["percent_columns"] = list(dict.fromkeys(ctx["percent"]))
    return values, status, names, rowser


_YEAR_SUFFIX = re.compile(r"^(?P<base>.*?\S)[\s_\-/]*(?P<year>(?:19|20)\d{2})$")
_YEAR_PREFIX = re.compile(r"^(?P<year>(?:19|20)\d{2})[\s_\-/]+(?P<base>\S.*)$")


def _year_headers(headers: list[str], value_js: list[int], mapping) -> dict[int, tuple[str, int]]:
    """Value columns whose header ends (or starts) with a year: ``{j: (base, year)}``.

    Taken as a wide table with years only when at least one base occurs with two
    or more years (``Einwohner 2022``, ``Einwohner 2023``); a header the catalogue
    names as it stands is left whole.
    """
    found: dict[int, tuple[str, int]] = {}
    for j in value_js:
        h = headers[j]
        if mapping is not None and (normalise_header(h) in mapping or _compact(h) in mapping):
            continue
        m = _YEAR_SUFFIX.match(h) or _YEAR_PREFIX.match(h)
        if m:
            found[j] = (m["base"].strip(" _-/"), int(m["year"]))
    per_base: dict[str, set[int]] = {}
    for base, yr in found.values():
        per_base.setdefault(normalise_header(base), set()).add(yr)
    return found if any(len(ys) >= 2 for ys in per_base.values()) else {}


def _stack_years(body, keys, headers, value_js, kj, nj, rows, found):
    """A wide table with years in its headers → one block of rows per year (long in years).

    Columns without a year are repeated in every year's block; a base missing in a
    year is an empty cell there.
    """
    plain = [j for j in range(len(headers)) if j not in found]
    bases = list(dict.fromkeys(b for b, _ in found.values()))
    years = sorted({y for _, y in found.values()})
    blocks = []
    for yr in years:
        block = body.iloc[:, plain].reset_index(drop=True).copy()
        block.columns = range(len(plain))
        for i, base in enumerate(bases):
            j = next((j for j, (b, y) in found.items() if b == base and y == yr), None)
            col = body.iloc[:, j].reset_index(drop=True) if j is not None else None
            block[len(plain) + i] = col if col is not None else pd.Series([None] * len(body))
        blocks.append(block)
    new_body = pd.concat(blocks, ignore_index=True)
    new_headers = [headers[j] for j in plain] + bases
    new_value_js = [plain.index(j) for j in value_js if j in plain] + [
        len(plain) + i for i in range(len(bases))
    ]
    n = len(body)
    return (
        new_body,
        pd.concat([keys.reset_index(drop=True)] * len(years), ignore_index=True),
        pd.Series(np.repeat(years, n), dtype="int64"),
        new_headers,
        new_value_js,
        plain.index(kj),
        plain.index(nj) if nj is not None else None,
        np.tile(np.asarray(rows), len(years)),
    )


def _warn_years(found: dict[int, tuple[str, int]], hd, lang) -> None:
    """Say that the headers' years were read as years (with one example)."""
    j0 = min(found)
    warnings.warn(
        t(
            _MSG,
            "wide_years",
            lang,
            file=hd.source,
            years=", ".join(map(str, sorted({y for _, y in found.values()}))),
            example=hd.headers[j0],
            base=found[j0][0],
            year=found[j0][1],
        ),
        SozialraumWarning,
        stacklevel=5,
    )


def _warn_ignored(cols: list[str], source: str, lang) -> None:
    """Columns of a long table that are neither key, name, year, indicator nor value."""
    warnings.warn(
        t(_MSG, "ignored", lang, file=source, cols=", ".join(map(repr, cols))),
        SozialraumWarning,
        stacklevel=5,
    )


def _duplicates_error(values, rowser, hd, lay, lang) -> InputError:
    groups: dict = {}
    dup = values.index.duplicated(keep=False)
    for k, r in zip(values.index[dup], rowser.to_numpy()[dup], strict=True):
        groups.setdefault(k, []).append(int(r))
    parts = []
    for k, rs in list(groups.items())[:10]:
        kk = k[0] if isinstance(k, tuple) else k
        parts.append(t(_MSG, "dup_row", lang, key=kk, rows=", ".join(map(str, rs))))
    yrs = sorted({k[1] for k in groups if isinstance(k, tuple)})
    in_year = t(_MSG, "in_year", lang, year=", ".join(map(str, yrs))) if yrs else ""
    ids = [k[0] if isinstance(k, tuple) else k for k in groups]
    return InputError(
        t(_MSG, "dup_keys", lang, file=hd.source, in_year=in_year, ids="; ".join(parts)),
        file=hd.source,
        row=list(groups.values())[0][1],
        column=hd.headers[lay.kj],
        ids=ids,
    )


def _finish(values, status, names, rowser, hd, lay, year, meta, lang) -> IndicatorTable:
    """Duplicate keys refused; years checked and selected; the :class:`IndicatorTable`."""
    if values.index.duplicated(keep=False).any():
        raise _duplicates_error(values, rowser, hd, lay, lang)
    key_header = hd.headers[lay.kj]
    if "year" not in list(values.index.names):
        tab_year = int(year) if year is not None else None
        return IndicatorTable(
            values, status, key_header, names, hd.source, tab_year, meta | {"rows": rowser}
        )
    present = sorted(int(y) for y in values.index.get_level_values("year").unique())
    if year is not None and int(year) not in present:
        raise InputError(
            t(
                _MSG,
                "year_missing",
                lang,
                file=hd.source,
                year=year,
                years=", ".join(map(str, present)),
            ),
            file=hd.source,
            column=hd.headers[lay.yj] if lay.yj is not None else None,
        )
    table = IndicatorTable(
        values, status, key_header, names, hd.source, None, meta | {"rows": rowser}
    )
    if year is not None or len(present) == 1:
        table = table.for_year(int(year) if year is not None else present[0])
    return table


def _parse_years(col: pd.Series, rows, header, source, lang) -> pd.Series:
    s = col.reset_index(drop=True)
    raw = s.astype("string").str.strip().str.replace(r"\.0+$", "", regex=True)
    yrs = pd.to_numeric(raw, errors="coerce")
    bad = yrs.isna() | (yrs % 1 != 0)
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy(dtype=bool))[0])
        raise InputError(
            t(_MSG, "bad_year", lang, file=source, text=s.iloc[i], row=int(rows[i]), column=header),
            file=source,
            row=int(rows[i]),
            column=header,
        )
    return yrs.astype("int64")


def _column_mapping(columns) -> tuple[dict[str, str] | None, list[str]]:
    """Normalised header → id, and the headers that must be present (plain mapping)."""
    if columns is None:
        return None, []
    if hasattr(columns, "header_map"):
        return dict(columns.header_map()), []
    if isinstance(columns, Mapping):
        return {normalise_header(k): str(v) for k, v in columns.items()}, [str(k) for k in columns]
    raise TypeError("columns must be a Catalogue or a mapping header → id")


def _unknown_cells(col: pd.Series, unknown: pd.Series, rows, header: str) -> list:
    """``(row, header, text)`` of each cell flagged in ``unknown`` (an unknown symbol)."""
    hits = np.flatnonzero(unknown.to_numpy(dtype=bool))
    if not len(hits):
        return []
    raw = col.reset_index(drop=True)
    return [(int(rows[i]), header, str(raw.iloc[i]).strip()) for i in hits]


def _warn_text_column(col: pd.Series, unknown: pd.Series, header: str, source: str, lang) -> None:
    """Say that a column without numbers is kept as text, not read as a variable."""
    raw = col.reset_index(drop=True)
    sample = str(raw[unknown.to_numpy(dtype=bool)].iloc[0]).strip()
    warnings.warn(
        t(
            _MSG,
            "text_column",
            lang,
            file=source,
            column=header,
            sample=sample,
            knob=knob("symbols", lang),
        ),
        SozialraumWarning,
        stacklevel=5,
    )


def _warn_unmapped(cols: list[str], source: str, lang) -> None:
    """Warn about value columns (headers) that the catalogue or mapping does not name."""
    warnings.warn(
        t(_MSG, "unmapped", lang, file=source, n=len(cols), cols=", ".join(map(repr, cols))),
        SozialraumWarning,
        stacklevel=4,
    )


def _unknown_error(cells: list[tuple[int, str, str]], source, lang) -> InputError:
    row, col, text = cells[0]
    more = ""
    if len(cells) > 1:
        shown = "; ".join(f"{r}/{c!r}: {x!r}" for r, c, x in cells[1:6])
        if len(cells) > 6:
            shown += " …"
        more = t(_MSG, "unknown_more", lang, n=len(cells) - 1, cells=shown)
    return InputError(
        t(
            _MSG,
            "unknown",
            lang,
            file=source,
            text=text,
            row=row,
            column=col,
            more=more,
            knob=knob("symbols", lang),
        ),
        file=source,
        row=row,
        column=col,
    )


def _parse(col: pd.Series, ctx) -> tuple[pd.Series, pd.Series, pd.Series]:
    return parse_cells(
        col.reset_index(drop=True),
        decimal=ctx["decimal"],
        thousands=ctx["thousands"],
        symbols=ctx["symbols"],
    )


def _count_user_symbols(col: pd.Series, symbols: dict, acc: dict) -> None:
    extra = {k: v for k, v in symbols.items() if k not in DEFAULT_SYMBOLS}
    if not extra:
        return
    try:
        s = col.str.strip()
    except AttributeError:
        return
    for k in extra:
        n = int((s == k.strip()).sum())
        if n:
            acc[k] = acc.get(k, 0) + n


def _index(keys: pd.Series, years: pd.Series | None) -> pd.Index:
    if years is None:
        return pd.Index(keys.astype(object).to_numpy(), name="key", dtype=object)
    return pd.MultiIndex.from_arrays(
        [pd.Index(keys.astype(object).to_numpy(), dtype=object), years.to_numpy()],
        names=["key", "year"],
    )


def _wide(
    body,
    keys,
    years,
    headers,
    kj,
    nj,
    value_js,
    mapping,
    required,
    warn_unmapped,
    ctx,
    missing_column,
):
    source, lang = ctx["source"], ctx["lang"]
    rows = ctx["rows"]
    for req in required:
        if _match_header(headers, req) is None:
            raise missing_column(req)
    index = _index(keys, years)
    vals, stats, unknown_cells, text_cols, unmapped = {}, {}, [], {}, []
    target_from: dict[str, str] = {}
    used: dict[str, int] = {}
    for j in value_js:
        hd = headers[j]
        target = None
        if mapping is not None:
            target = mapping.get(normalise_header(hd))
            if target is None:
                target = mapping.get(_compact(hd))
        v, s, u = _parse(body.iloc[:, j], ctx)
        nfilled = int((s != "fehlt").fillna(True).sum())
        if target is None and nfilled and u.sum() * 2 > nfilled and not v.notna().any():
            # a text column (remarks, a second name): kept in meta["text_columns"], said aloud
            text_cols[hd] = body.iloc[:, j].reset_index(drop=True).to_numpy(dtype=object)
            _warn_text_column(body.iloc[:, j], u, hd, source, lang)
            continue
        if percent_share(body.iloc[:, j]):
            ctx["percent"].append(target if target is not None else hd)
            warnings.warn(
                t(_MSG, "percent", lang, file=source, column=hd), SozialraumWarning, stacklevel=5
            )
        unknown_cells += _unknown_cells(body.iloc[:, j], u, rows, hd)
        _count_user_symbols(body.iloc[:, j], ctx["symbols"], used)
        col_id = target if target is not None else hd
        if target is None and mapping is not None:
            unmapped.append(hd)
        if col_id in target_from:
            raise InputError(
                t(
                    _MSG,
                    "dup_target",
                    lang,
                    file=source,
                    a=target_from[col_id],
                    b=hd,
                    id=col_id,
                    knob=knob("catalogue", lang),
                ),
                file=source,
                column=hd,
            )
        target_from[col_id] = hd
        vals[col_id] = v.to_numpy()
        stats[col_id] = s.array
    if unknown_cells:
        unknown_cells.sort()
        raise _unknown_error(unknown_cells, source, lang)
    if not vals:
        raise InputError(
            t(_MSG, "no_values", lang, file=source, columns=", ".join(map(repr, headers))),
            file=source,
        )
    if unmapped and warn_unmapped:
        _warn_unmapped(unmapped, source, lang)
    values = pd.DataFrame(vals, index=index, dtype="float64")
    status = pd.DataFrame(stats, index=index).astype("string")
    names = None
    if nj is not None:
        names = pd.Series(_name_texts(body.iloc[:, nj]), index=index, name="name", dtype=object)
    text_frame = pd.DataFrame(text_cols, index=index) if text_cols else None
    rowser = pd.Series(rows, index=index, name="row")
    return values, status, names, rowser, used, text_frame, unmapped


def _name_texts(col: pd.Series) -> np.ndarray:
    s = col.reset_index(drop=True).astype(object)
    out = s.where(s.isna(), s.astype(str).str.strip())
    return out.where(out != "", None).to_numpy(dtype=object)


def _long(body, keys, years, headers, kj, nj, ij, vj, mapping, required, ctx, missing_column):
    source, lang, rows = ctx["source"], ctx["lang"], ctx["rows"]
    ind_raw = pd.Series(_name_texts(body.iloc[:, ij]), dtype=object)
    if ind_raw.isna().any():
        i = int(np.flatnonzero(ind_raw.isna().to_numpy())[0])
        raise InputError(
            t(
                _MSG,
                "null_keys",
                lang,
                file=source,
                n=int(ind_raw.isna().sum()),
                key=headers[ij],
                rows=int(rows[i]),
            ),
            file=source,
            row=int(rows[i]),
            column=headers[ij],
        )
    if mapping is not None:
        norm = ind_raw.map(normalise_header)
        present = set(norm)
        for req in required:
            if normalise_header(req) not in present:
                raise missing_column(req)
        ind = norm.map(mapping)
        unmapped = sorted(set(ind_raw[ind.isna()]))
        if unmapped:
            _warn_unmapped(unmapped, source, lang)
        ind = ind.fillna(ind_raw)
    else:
        ind = ind_raw
    v, s, u = _parse(body.iloc[:, vj], ctx)
    cells = _unknown_cells(body.iloc[:, vj], u, rows, headers[vj])
    if cells:
        raise _unknown_error(cells, source, lang)
    used: dict[str, int] = {}
    _count_user_symbols(body.iloc[:, vj], ctx["symbols"], used)
    rec = pd.DataFrame({"key": keys.to_numpy(dtype=object), "ind": ind.to_numpy(dtype=object)})
    ix = ["key"]
    if years is not None:
        rec["year"] = years.to_numpy()
        ix = ["key", "year"]
    rec["value"] = v.to_numpy()
    rec["status"] = s.array
    rec["row"] = rows
    rec["name"] = _name_texts(body.iloc[:, nj]) if nj is not None else None
    dup = rec.duplicated(ix + ["ind"], keep=False).to_numpy()
    if dup.any():
        d = rec[dup]
        first = d.groupby(ix + ["ind"], sort=False)["row"].apply(list).iloc[0]
        k = d.iloc[0]
        in_year = t(_MSG, "in_year", lang, year=k["year"]) if years is not None else ""
        raise InputError(
            t(
                _MSG,
                "dup_long",
                lang,
                file=source,
                key=k["key"],
                ind=k["ind"],
                in_year=in_year,
                rows=", ".join(map(str, first)),
            ),
            file=source,
            row=int(first[1]),
            ids=[k["key"]],
        )
    order = list(dict.fromkeys(rec["ind"]))
    values = (
        rec.pivot(index=ix, columns="ind", values="value").reindex(columns=order).astype("float64")
    )
    status = (
        rec.pivot(index=ix, columns="ind", values="status").reindex(columns=order).astype("string")
    )
    status = status.mask(values.isna() & status.isna(), "fehlt")
    first_rows = rec.groupby(ix, sort=False)["row"].min()
    key_order = first_rows.sort_values().index
    values = values.reindex(key_order)
    status = status.reindex(key_order)
    values.columns.name = None
    status.columns.name = None
    if isinstance(values.index, pd.MultiIndex):
        values.index.names = ["key", "year"]
        status.index.names = ["key", "year"]
    else:
        values.index.name = "key"
        status.index.name = "key"
    rowser = pd.Series(first_rows.reindex(key_order).to_numpy(), index=values.index, name="row")
    names = None
    if nj is not None:
        nm = rec.groupby(ix, sort=False)["name"].first().reindex(key_order)
        names = pd.Series(nm.to_numpy(dtype=object), index=values.index, name="name", dtype=object)
    return values, status, names, rowser, used
