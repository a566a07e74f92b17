"""Step *decode* of every table the toolkit reads: bytes → text → cells.

One reader for CSV and XLSX, used by :func:`sozialraum.io.read_table`, the
catalogue, the Zensus grid, population files and every other table a user
gives: the encoding (UTF-8, UTF-8 with BOM, UTF-16 with BOM, Windows-1252) and
delimiter (``;``, ``,``, tab, ``|``) of a CSV are detected, an Excel sheet is
read with its computed values. :func:`read_text_table` adds a header row and
the number format (decimal comma or point), for tables with a plain layout
(one header row, then data).
"""

from __future__ import annotations

import csv
import io
import re
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from sozialraum._i18n import t
from sozialraum.core.doors import knob
from sozialraum.errors import InputError, SozialraumWarning
from sozialraum.io.headers import normalise_header
from sozialraum.io.symbols import detect_number_format, parse_cells, str_mask

__all__ = [
    "Grid",
    "filled_mask",
    "TextTable",
    "decode_text",
    "read_grid",
    "read_text_table",
    "sniff_delimiter",
]

_MSG = {
    "not_found": {"de": "{file}: Datei nicht gefunden.", "en": "{file}: file not found."},
    "empty": {"de": "{file}: Die Datei ist leer.", "en": "{file}: the file is empty."},
    "encoding": {
        "de": "{file}: Die Zeichenkodierung ist weder UTF-8 noch Windows-1252 (versucht: {tried}).{guess} "
        "Bitte die Datei als UTF-8 speichern oder {knob} angeben.",
        "en": "{file}: the encoding is neither UTF-8 nor Windows-1252 (tried: {tried}).{guess} "
        "Save the file as UTF-8 or set {knob}.",
    },
    "guess": {"de": " Vermutlich {enc}.", "en": " Probably {enc}."},
    "decode": {
        "de": "{file}: Die Datei lässt sich nicht als {enc} lesen (Zeile {row}: Byte {byte}). "
        "Vermutlich ist sie {other} kodiert; {knob} {other!r} angeben oder weglassen "
        "(dann wird die Kodierung erkannt).",
        "en": "{file}: the file cannot be read as {enc} (line {row}: byte {byte}). It is probably "
        "{other}; set {knob} {other!r} or leave it out (then it is detected).",
    },
    "mojibake": {
        "de": "{file}: Der Text enthält Zeichen wie {sample!r}, die nach falsch gelesener Kodierung "
        "aussehen (UTF-8 als {enc} gelesen?). Bitte {knob} prüfen.",
        "en": "{file}: the text contains characters like {sample!r} that look like a wrongly read "
        "encoding (UTF-8 read as {enc}?). Check {knob}.",
    },
    "unreadable": {
        "de": "{file}: Die Datei kann nicht gelesen werden ({err}).",
        "en": "{file}: the file cannot be read ({err}).",
    },
    "xls": {
        "de": "{file}: Das alte Excel-Format .xls wird nicht gelesen. Bitte in Excel oder LibreOffice "
        "als .xlsx speichern.",
        "en": "{file}: the old Excel format .xls is not supported. Save it as .xlsx in Excel or "
        "LibreOffice.",
    },
    "format": {
        "de": "{file}: Unbekanntes Tabellenformat {ext!r}; erwartet .csv, .txt, .tsv oder .xlsx.",
        "en": "{file}: unknown table format {ext!r}; expected .csv, .txt, .tsv or .xlsx.",
    },
    "no_sheet": {
        "de": "{file}: Tabellenblatt {sheet!r} nicht vorhanden. Vorhandene Blätter: {sheets}.",
        "en": "{file}: sheet {sheet!r} not found. Sheets: {sheets}.",
    },
    "no_header": {
        "de": "{file}: Die Tabelle hat keine Kopfzeile.",
        "en": "{file}: the table has no header row.",
    },
    "dup_header": {
        "de": "{file}: Die Spaltenüberschrift {column!r} kommt mehrfach vor (Kopfzeile {row}). Bitte "
        "eindeutig benennen.",
        "en": "{file}: the header {column!r} occurs more than once (header row {row}). Make the "
        "headers unique.",
    },
    "no_column": {
        "de": "{file}: Spalte {column!r} fehlt (Kopfzeile {row}). Vorhandene Spalten: {columns}.",
        "en": "{file}: column {column!r} is missing (header row {row}). Columns: {columns}.",
    },
    "not_number": {
        "de": "{file}: {text!r} in Zeile {row}, Spalte {column!r} ist keine Zahl und kein bekanntes "
        "Statistik-Zeichen (. * - – x / …).{more} Bitte die Zelle korrigieren oder das Zeichen "
        "einem Status zuordnen ({knob}).",
        "en": "{file}: {text!r} in row {row}, column {column!r} is neither a number nor a known "
        "statistical symbol (. * - – x / …).{more} Correct the cell or map the symbol to a "
        "status ({knob}).",
    },
    "more": {"de": " Weitere: {cells}.", "en": " More: {cells}."},
    "hidden": {
        "de": "{file}: Die Tabelle hat ausgeblendete {what}; sie werden mitgelesen. Bitte prüfen, "
        "ob sie dazugehören.",
        "en": "{file}: the table has hidden {what}; they are read as well. Check that they "
        "belong to the table.",
    },
    "hidden_rows": {"de": "Zeilen ({rows})", "en": "rows ({rows})"},
    "hidden_cols": {"de": "Spalten ({cols})", "en": "columns ({cols})"},
    "and": {"de": " und ", "en": " and "},
    "formula": {
        "de": "{file}: {n} Formelzelle(n) ohne gespeicherten Wert ({cells}); sie bleiben leer. "
        "Bitte die Datei in Excel oder LibreOffice öffnen und speichern (dann werden die Werte "
        "berechnet).",
        "en": "{file}: {n} formula cell(s) without a stored value ({cells}); they stay missing. "
        "Open and save the file in Excel or LibreOffice (the values are then computed).",
    },
}

_TRIED = ("utf-8", "utf-8-sig", "cp1252")
_MOJIBAKE = re.compile(r"Ã[\u0080-\u00bf¤¶¼Ÿ„–œ]|â€[\u0080-\u00bf“”™œžŸ¢¦]")
# characters that a real German/Western-European cp1252 text plausibly contains beyond ASCII
_CP1252_OK = set(
    "ÄÖÜäöüßéèêëáàâíìîïóòôúùûçñÁÀÂÉÈÊÍÓÚÇÑåøæÅØÆœŒšŠžŽ"
    "€–—„“”‚‘’…°§²³¹½¼¾µ·«»\u00a0©®™•´¸¨×÷±¬¦¢£¥¤ªº¿¡"
)


@dataclass(frozen=True)
class Grid:
    """The raw cells of a table file.

    Attributes
    ----------
    cells
        Object DataFrame with positional columns: text (CSV) or Excel values.
    rows
        1-based row of each grid row in the file (as a spreadsheet or editor shows it).
    source
        ``"name.csv"`` or ``"name.xlsx[Sheet]"`` for messages.
    info
        ``encoding`` and ``delimiter`` (CSV) or ``sheet`` (XLSX).
    """

    cells: pd.DataFrame
    rows: np.ndarray
    source: str
    info: dict = field(default_factory=dict)


def decode_text(
    raw: bytes, *, encoding: str | None = None, source: str = "", lang: str | None = None
) -> tuple[str, str]:
    """Decode the bytes of a text table; returns ``(text, encoding)``.

    The given ``encoding``, else: UTF-8 with BOM, UTF-16 with BOM, strict UTF-8,
    then Windows-1252 if the result looks like German/Western text. A leading
    BOM is removed; UTF-8 read as cp1252 (``Ã¤``) gives a warning.
    """
    src = source
    if encoding is not None:
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError as err:
            row = raw[: err.start].count(b"\n") + 1
            other = (
                "cp1252"
                if encoding.lower().replace("_", "-") in ("utf-8", "utf8", "utf-8-sig")
                else "utf-8"
            )
            raise InputError(
                t(
                    _MSG,
                    "decode",
                    lang,
                    file=src,
                    enc=encoding,
                    row=row,
                    byte=hex(raw[err.start]),
                    other=other,
                    knob=knob("encoding", lang),
                ),
                file=src,
                row=row,
            ) from err
        except LookupError as err:
            raise InputError(t(_MSG, "unreadable", lang, file=src, err=err), file=src) from err
        if text.startswith("\ufeff"):
            text = text[1:]
        m = _MOJIBAKE.search(text)
        if m:
            warnings.warn(
                t(
                    _MSG,
                    "mojibake",
                    lang,
                    file=src,
                    sample=m.group(0),
                    enc=encoding,
                    knob=knob("encoding", lang),
                ),
                SozialraumWarning,
                stacklevel=4,
            )
        return text, encoding
    if raw.startswith(b"\xef\xbb\xbf"):
        try:
            return raw[3:].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError:
            pass
    elif raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16"), "utf-16"  # Excel's "Unicode text" export (unambiguous BOM)
    try:
        text = raw.decode("utf-8")
        if "\x00" not in text:  # NUL bytes: UTF-16 without BOM or binary, not a text table
            return text, "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        text = raw.decode("cp1252")
    except UnicodeDecodeError:
        text = None
    if text is not None:
        high = [c for c in set(text) if ord(c) >= 0x80]
        controls = re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", text)
        odd = [c for c in high if c not in _CP1252_OK]
        if not controls and len(odd) <= max(1, len(high) // 5):
            return text, "cp1252"
    guess = ""
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(raw).best()
        if best is not None and best.encoding:
            guess = t(_MSG, "guess", lang, enc=best.encoding)
    except Exception:  # pragma: no cover - charset-normalizer missing or failing: no guess
        guess = ""
    raise InputError(
        t(
            _MSG,
            "encoding",
            lang,
            file=src,
            tried=", ".join(_TRIED),
            guess=guess,
            knob=knob("encoding", lang),
        ),
        file=src,
    )


def sniff_delimiter(text: str) -> str:
    """The delimiter (``;``, tab, ``,``, ``|``) that splits the first lines most evenly."""
    lines = [ln for ln in text.splitlines() if ln.strip()][:60]
    best, best_score = ";", -1
    for delim in (";", "\t", ",", "|"):
        counts = [len(r) for r in csv.reader(lines, delimiter=delim)]
        counts = [c for c in counts if c > 1]
        if not counts:
            continue
        mode = max(set(counts), key=counts.count)
        score = counts.count(mode) * (1 if mode > 1 else 0)
        if score > best_score:
            best, best_score = delim, score
    return best


def _frame_from_rows(data: list[list]) -> pd.DataFrame:
    """Object DataFrame from ragged rows (short rows padded with None)."""
    if not data:
        return pd.DataFrame(dtype=object)
    width = max(len(r) for r in data)
    if width == 0:
        return pd.DataFrame(dtype=object)
    padded = [r if len(r) == width else list(r) + [None] * (width - len(r)) for r in data]
    return pd.DataFrame(padded, dtype=object)


def _pick_sheet(names: list[str], sheet, src: str, path: Path, lang) -> str:
    if sheet is None:
        matches = names[:1]
    elif isinstance(sheet, int) and not isinstance(sheet, bool):
        matches = [names[sheet]] if -len(names) <= sheet < len(names) else []
    else:
        matches = [n for n in names if n == sheet] or [
            n for n in names if normalise_header(n) == normalise_header(sheet)
        ]
    if not matches:
        raise InputError(
            t(_MSG, "no_sheet", lang, file=src, sheet=sheet, sheets=", ".join(map(repr, names))),
            file=str(path),
        )
    return matches[0]


def _ranges(numbers: list[int]) -> str:
    """``[2, 3, 4, 7]`` → ``"2–4, 7"`` (row numbers or column letters via the caller)."""
    out, start, prev = [], None, None
    for n in sorted(numbers):
        if start is None:
            start = prev = n
        elif n == prev + 1:
            prev = n
        else:
            out.append((start, prev))
            start = prev = n
    if start is not None:
        out.append((start, prev))
    return out


def _xlsx_layout(ws, data: list[list], src: str, lang) -> dict:
    """Merged header cells filled across; hidden rows/columns reported (still read)."""
    from openpyxl.utils import get_column_letter

    for rng in ws.merged_cells.ranges:  # "Einwohner" merged over 2022 and 2023: every column
        r0, c0 = rng.min_row - 1, rng.min_col - 1
        if c0 == 0 or r0 >= len(data) or c0 >= len(data[r0]):
            continue  # a title merged across the sheet from column A stays one cell
        top = data[r0][c0]
        for c in range(c0 + 1, min(rng.max_col, len(data[r0]))):
            if data[r0][c] is None:
                data[r0][c] = top
    hidden_rows = [
        r
        for r, d in ws.row_dimensions.items()
        if d.hidden and r <= len(data) and any(v is not None for v in data[r - 1])
    ]
    width = max((len(r) for r in data), default=0)
    hidden_cols = []
    for letter, d in ws.column_dimensions.items():
        if d.hidden:
            lo, hi = (d.min or 0), (d.max or 0)
            if not lo:
                from openpyxl.utils import column_index_from_string

                lo = hi = column_index_from_string(letter)
            hidden_cols += [c for c in range(lo, hi + 1) if c <= width]
    parts = []
    if hidden_rows:
        rr = ", ".join(f"{a}" if a == b else f"{a}–{b}" for a, b in _ranges(hidden_rows))
        parts.append(t(_MSG, "hidden_rows", lang, rows=rr))
    if hidden_cols:
        cc = ", ".join(
            get_column_letter(a) if a == b else f"{get_column_letter(a)}–{get_column_letter(b)}"
            for a, b in _ranges(sorted(set(hidden_cols)))
        )
        parts.append(t(_MSG, "hidden_cols", lang, cols=cc))
    if parts:
        warnings.warn(
            t(_MSG, "hidden", lang, file=src, what=t(_MSG, "and", lang).join(parts)),
            SozialraumWarning,
            stacklevel=5,
        )
    return {"hidden_rows": hidden_rows, "hidden_columns": sorted(set(hidden_cols))}


def _formulas_without_value(path: Path, name: str, data: list[list], src: str, lang) -> list[str]:
    """Cells holding a formula whose computed value was never stored (file not saved by Excel)."""
    import openpyxl
    from openpyxl.utils import get_column_letter

    empty = {(i, j) for i, row in enumerate(data) for j, v in enumerate(row) if v is None}
    if not empty:
        return []
    wb = openpyxl.load_workbook(path, read_only=True, data_only=False)
    try:
        cells = []
        for i, row in enumerate(wb[name].iter_rows(min_row=1, values_only=True)):
            for j, v in enumerate(row):
                if isinstance(v, str) and v.startswith("=") and (i, j) in empty:
                    cells.append(f"{get_column_letter(j + 1)}{i + 1}")
    finally:
        wb.close()
    if cells:
        shown = ", ".join(cells[:10]) + (" …" if len(cells) > 10 else "")
        warnings.warn(
            t(_MSG, "formula", lang, file=src, n=len(cells), cells=shown),
            SozialraumWarning,
            stacklevel=5,
        )
    return cells


#: Workbooks up to this size are opened fully (merged cells, hidden rows/columns);
#: larger ones are streamed (values only) to keep memory small.
_FULL_LOAD_BYTES = 30_000_000


def _xlsx_grid(path: Path, sheet, src: str, lang) -> Grid:
    import openpyxl  # heavy: only when a workbook is read

    full = path.stat().st_size <= _FULL_LOAD_BYTES
    try:
        wb = openpyxl.load_workbook(path, read_only=not full, data_only=True)
    except Exception as err:  # zipfile.BadZipFile, InvalidFileException, KeyError …
        raise InputError(t(_MSG, "unreadable", lang, file=src, err=err), file=str(path)) from err
    try:
        name = _pick_sheet(wb.sheetnames, sheet, src, path, lang)
        ws = wb[name]
        if not full:
            ws.reset_dimensions()
        data = [list(r) for r in ws.iter_rows(min_row=1, values_only=True)]
        while data and all(v is None for v in data[-1]):
            data.pop()
        source = f"{src}[{name}]"
        info: dict = {"sheet": name}
        if full:
            info.update(_xlsx_layout(ws, data, source, lang))
    finally:
        wb.close()
    info["formula_cells"] = _formulas_without_value(path, name, data, source, lang)
    cells = _frame_from_rows(data)
    return Grid(cells, np.arange(1, len(cells) + 1), source, info)


def _csv_grid(path: Path, encoding, delimiter, src: str, lang) -> Grid:
    raw = path.read_bytes()
    if not raw.strip():
        raise InputError(t(_MSG, "empty", lang, file=src), file=str(path))
    text, enc = decode_text(raw, encoding=encoding, source=src, lang=lang)
    delim = delimiter or sniff_delimiter(text)
    info = {"encoding": enc, "delimiter": delim}
    cells = _csv_fast(text, delim)
    if cells is not None:
        return Grid(cells, np.arange(1, len(cells) + 1), src, info)
    # ragged rows or line breaks inside quoted cells: the csv module gives exact line numbers
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delim, skipinitialspace=True)
    data, rows = [], []
    for rec in reader:
        data.append(rec)
        rows.append(reader.line_num)
    return Grid(_frame_from_rows(data), np.asarray(rows, dtype=int), src, info)


def read_grid(
    path: str | Path,
    *,
    sheet: str | int | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
    lang: str | None = None,
) -> Grid:
    """Step *decode* of every table reader: the raw cells of a CSV or an Excel sheet.

    CSV: encoding (:func:`decode_text`) and delimiter (:func:`sniff_delimiter`) are
    detected unless given. XLSX: the sheet by name (also ignoring case/umlaut
    spelling) or 0-based index, computed values of formulas.

    Raises
    ------
    InputError
        Missing, empty or unreadable file; ``.xls``; unknown extension or sheet;
        undecodable text.
    """
    path = Path(path)
    src = path.name
    if not path.exists():
        raise InputError(t(_MSG, "not_found", lang, file=str(path)), file=str(path))
    ext = path.suffix.lower()
    if ext == ".xls":
        raise InputError(t(_MSG, "xls", lang, file=src), file=str(path))
    if ext in (".xlsx", ".xlsm"):
        return _xlsx_grid(path, sheet, src, lang)
    if ext not in (".csv", ".txt", ".tsv", ".tab", ""):
        raise InputError(t(_MSG, "format", lang, file=src, ext=ext), file=str(path))
    return _csv_grid(path, encoding, delimiter, src, lang)


def _csv_fast(text: str, delim: str) -> pd.DataFrame | None:
    """All cells as text with pandas' C parser, or None when it cannot keep line numbers."""
    lines = text.splitlines()
    while lines and not lines[-1].strip():
        lines.pop()
    if not lines or '"' in text:
        return None  # quoted cells may span lines: use the csv module
    width = max(ln.count(delim) for ln in lines) + 1
    try:
        grid = pd.read_csv(
            io.StringIO("\n".join(lines)),
            sep=delim,
            header=None,
            names=range(width),
            dtype=object,
            na_filter=False,
            skip_blank_lines=False,
            skipinitialspace=True,
            quoting=csv.QUOTE_NONE,
            engine="c",
        )
    except (pd.errors.ParserError, ValueError):
        return None
    if len(grid) != len(lines):
        return None
    grid.columns = range(width)
    return grid


def filled_mask(frame: pd.DataFrame, *, stripped: bool = False) -> np.ndarray:
    """Boolean array: cell holds something (not None/NaN, not blank text).

    ``stripped``: cells hold no surrounding blanks (CSV read with skipinitialspace),
    so a blank cell is an empty string.
    """
    if stripped:
        arr = frame.to_numpy(dtype=object)
        return ~pd.isna(arr) & (arr != "")
    out = np.zeros(frame.shape, dtype=bool)
    for j in range(frame.shape[1]):
        codes, uniques = pd.factorize(frame.iloc[:, j].astype(object), use_na_sentinel=True)
        uniques = np.asarray(uniques, dtype=object)
        blank = np.zeros(len(uniques), dtype=bool)
        texts = str_mask(uniques)
        if texts.any():
            blank[texts] = np.char.strip(np.asarray(uniques[texts], dtype=str)) == ""
        out[:, j] = (codes >= 0) & ~blank[np.where(codes >= 0, codes, 0)] if len(uniques) else False
    return out


def _header(
    cells: pd.DataFrame, filled: np.ndarray, rows: np.ndarray, source: str, lang
) -> tuple[int, list[str]]:
    """The first non-empty row as header texts (stripped, BOM and line breaks removed)."""
    nonempty = np.flatnonzero(filled.any(axis=1))
    if not len(nonempty):
        raise InputError(t(_MSG, "no_header", lang, file=source), file=source)
    h = int(nonempty[0])
    headers = [
        re.sub(r"\s+", " ", str(v).replace("\ufeff", "")).strip() if f else ""
        for v, f in zip(cells.iloc[h].tolist(), filled[h], strict=True)
    ]
    seen: set[str] = set()
    for hd in headers:
        if hd and normalise_header(hd) in seen:
            raise InputError(
                t(_MSG, "dup_header", lang, file=source, column=hd, row=int(rows[h])),
                file=source,
                row=int(rows[h]),
                column=hd,
            )
        seen.add(normalise_header(hd))
    return h, headers


@dataclass(frozen=True)
class TextTable:
    """A plain table (one header row, then data) with its detected format.

    Attributes
    ----------
    frame
        Header = column names; cells as in the file (text for CSV, Excel values for
        XLSX; ``None`` for empty cells); empty rows dropped.
    rows
        1-based file row of each frame row (for messages).
    source
        ``"name.csv"`` or ``"name.xlsx[Sheet]"``.
    header_row
        1-based file row of the header.
    encoding, delimiter, sheet
        What was read (``None`` where it does not apply).
    decimal, thousands
        Number format of the cells: ``(",", ".")`` (German) or ``(".", ",")``.
    """

    frame: pd.DataFrame
    rows: np.ndarray
    source: str
    header_row: int
    encoding: str | None
    delimiter: str | None
    sheet: str | None
    decimal: str
    thousands: str | None

    def column(self, name: str, *, lang: str | None = None) -> pd.Series:
        """A column by its header (also ignoring case, blanks and umlaut spelling)."""
        if name in self.frame.columns:
            return self.frame[name]
        want = normalise_header(name)
        for c in self.frame.columns:
            if normalise_header(c) == want:
                return self.frame[c]
        raise InputError(
            t(
                _MSG,
                "no_column",
                lang,
                file=self.source,
                column=name,
                row=self.header_row,
                columns=", ".join(repr(str(c)) for c in self.frame.columns),
            ),
            file=self.source,
            row=self.header_row,
            column=name,
        )

    def numbers(
        self,
        name: str,
        *,
        symbols: Mapping[str, str] | None = None,
        lang: str | None = None,
    ) -> tuple[pd.Series, pd.Series]:
        """A column parsed as numbers in the table's format, with status codes.

        German (``1.234,5``) or English (``1,234.5``) numbers as detected,
        statistical symbols (``.``, ``–``, ``x`` …, see :mod:`sozialraum.io.symbols`)
        and ``symbols`` → ``(values, status)``; any other text is an error naming
        file, row, column and text.
        """
        col = self.column(name, lang=lang)
        values, status, unknown = parse_cells(
            col, decimal=self.decimal, thousands=self.thousands, symbols=symbols
        )
        if unknown.any():
            pos = np.flatnonzero(unknown.to_numpy())
            cells = [f"{self.rows[i]}: {col.iloc[i]!r}" for i in pos[1:6]]
            more = t(_MSG, "more", lang, cells="; ".join(cells)) if cells else ""
            row = int(self.rows[pos[0]])
            raise InputError(
                t(
                    _MSG,
                    "not_number",
                    lang,
                    file=self.source,
                    text=col.iloc[pos[0]],
                    row=row,
                    column=col.name,
                    more=more,
                    knob=knob("symbols", lang),
                ),
                file=self.source,
                row=row,
                column=str(col.name),
            )
        return values, status


def read_text_table(
    path: str | Path,
    *,
    sheet: str | int | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
    decimal: str | None = None,
    thousands: str | None = None,
    lang: str | None = None,
) -> TextTable:
    """Read a plain CSV/XLSX table: decode, header row, number format.

    The public entry for every table that is not an indicator table (those go
    through :func:`sozialraum.io.read_table`, which also finds title rows, keys,
    layouts and footnotes): Zensus grids, population files, rates, measure
    registers, release checks.

    Parameters
    ----------
    path
        ``.csv``/``.txt``/``.tsv`` or ``.xlsx``.
    sheet
        Excel sheet name or 0-based index (default: the first).
    encoding, delimiter
        Override the detected encoding / delimiter of a CSV.
    decimal, thousands
        Override the detected number format.
    lang
        Message language.

    Returns
    -------
    TextTable
        Cells under their headers, with ``rows`` for messages; ``numbers(col)``
        parses a column with the detected format.

    Raises
    ------
    InputError
        As :func:`read_grid`; no header; a header twice.
    """
    grid = read_grid(path, sheet=sheet, encoding=encoding, delimiter=delimiter, lang=lang)
    cells = grid.cells
    filled = filled_mask(cells, stripped="delimiter" in grid.info)
    h, headers = _header(cells, filled, grid.rows, grid.source, lang)
    keep_rows = filled[h + 1 :].any(axis=1)
    named = [j for j, hd in enumerate(headers) if hd]
    body = cells.iloc[h + 1 :, named].astype(object)
    body = body.where(filled[h + 1 :, named], None)[keep_rows]  # blank cells → None
    rows = grid.rows[h + 1 :][keep_rows]
    frame = body.reset_index(drop=True)
    frame.columns = [headers[j] for j in named]
    if decimal is None and thousands is None:
        arr = frame.to_numpy(dtype=object)
        if len(arr) > 4000:  # the first rows and evenly spaced ones decide the format
            arr = np.concatenate([arr[:2000], arr[2000 :: (len(arr) - 2000) // 2000 + 1]])
        texts = pd.Series(pd.unique(arr.ravel()), dtype=object)
        texts = texts[str_mask(texts.to_numpy())]
        prefer = "." if grid.info.get("delimiter") == "," else ","
        decimal, thousands = detect_number_format(texts, prefer=prefer)
    elif decimal is None:
        decimal = "," if thousands != "," else "."
    elif thousands is None:
        thousands = "." if decimal == "," else ","
    return TextTable(
        frame=frame,
        rows=np.asarray(rows, dtype=int),
        source=grid.source,
        header_row=int(grid.rows[h]),
        encoding=grid.info.get("encoding"),
        delimiter=grid.info.get("delimiter"),
        sheet=grid.info.get("sheet"),
        decimal=decimal,
        thousands=thousands,
    )
