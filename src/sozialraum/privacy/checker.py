"""Release checker (*Freigabeprüfung*): does a file show more than its level allows?

:func:`check_release` reads *every* file of a package and compares every number
it finds with the internal data:

=================  ==========================================================
file               what is read
=================  ==========================================================
``.gpkg``          every layer, every column (and the geometries)
``.xlsx .xlsm``    every sheet: the table below its header row, and every
                   other cell (title rows, free layouts) as text
``.csv .tsv``      every cell; encoding and delimiter detected as by
                   :func:`sozialraum.io.read_table`
``.html .htm .svg`` the visible text (line by line, with ``title``/``alt``
                   texts), every embedded JSON/GeoJSON (web map data,
                   folium's inline ``GeoJson``), HTML written by scripts as
                   template strings (folium pop-ups, tooltips), pages embedded
                   as ``data:`` URIs or ``srcdoc``
``.json .geojson`` every FeatureCollection, list of records and table in it
``.pdf``           the text of every page (``pypdf``; ``pdftotext`` as fallback)
``.txt .md``       every line
``.js``            every JSON object/array in it (a website's data), HTML in template strings
``.css``           accepted, nothing compared (style sheets hold no data)
other              **refused**: a finding (``unbekannter Dateityp``)
=================  ==========================================================

Tables are matched to areas, municipalities or the district by a key column,
else by a name column, else — for map features without either — by their
geometry (overlap with the internal geometries). Text is matched line by line:
a line naming one area (or municipality) is compared with it; other lines with
the page's subject (the one area, else the one municipality the page names).

Reasons of a finding:

``interner Wert``
    A published number equals an internal value the level may not show: at
    ``oeffentlich`` any count (≥ 1) or rate that the policy does not release, and
    small counts (1 … threshold) and rates built on them where counts are released;
    at ``kommunal`` small counts of *other* municipalities' totals and the district.
``fremde Gemeinde``
    At ``kommunal``: a value of another municipality's area.
``geheim``
    A value whose internal status code is secret (:mod:`sozialraum.core.status`).
``rückrechenbar``
    A value not published but recoverable by subtraction: a published sum
    (Gemeinde total over its areas, Kreis total over the Gemeinden) with exactly one
    unknown member (repeated while new values become known).
``unbekannter Dateityp`` / ``nicht lesbar``
    A file the checker cannot read: it must not be shipped unchecked.

To avoid false alarms, table values are compared *per area and column*: column
headers are mapped back to internal columns (ids or catalogue labels); under an
unknown header, and in text, a number is compared with every withheld value of
its area, unless a public value of the same area explains it. Class numbers,
ranks, small whole numbers (0–10) and years are never compared. Numbers in text
are read in German (``1.234,5``) and English (``1,234.5``) notation and match
an internal value when they equal it as rounded for printing.

Text is read in context: a document that writes its decimals in one notation only
is read in it (in German text ``1.000`` is one thousand, never 1); rate bases
(``je 1.000``, ``× 100``), digits inside words (``ew_0_17``) and catalogue labels
are not values; a line naming one indicator is a table row, and the district's
released value of that indicator printed there explains an equal number; HTML is
read as displayed (a table row is one line) and every ``<section>``/``<article>``
has its own subject, as every PDF page has.

The report (:meth:`CheckReport.to_text`) lists every file with its reader and
how many tables, text lines and values were compared, and the tables or pages
that could not be tied to an area (their numbers were not compared).

A further audit — e.g. an attack on the suppression by linear programming — can
be plugged in with ``check_release(..., audit=callable)``; its findings join the
report (see :data:`AuditHook`).
"""

from __future__ import annotations

import base64
import binascii
import csv
import functools
import hashlib
import html as html_lib
import io
import json
import pickle
import re
import shutil
import string
import subprocess
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from sozialraum._i18n import get_lang, t
from sozialraum.core.prints import adopt_prints, prints_under
from sozialraum.core.processes import can_fork, quiet_worker
from sozialraum.core.status import CODES, RELEASE_LEVELS, secret_mask
from sozialraum.core.topology import decode, is_encoded
from sozialraum.errors import InputError
from sozialraum.io.headers import normalise_header
from sozialraum.io.reader import decode_text, sniff_delimiter
from sozialraum.privacy.levels import ReleasePolicy
from sozialraum.privacy.package import ReleaseData, column_labels
from sozialraum.privacy.release import is_class_certainty
from sozialraum.privacy.suppression import count_columns, rate_columns

__all__ = [
    "AuditHook",
    "CheckReport",
    "FileCheck",
    "check_release",
    "check_releases",
    "REASONS",
    "parse_number",
]

REASONS = {
    "interner Wert": "internal value",
    "rückrechenbar": "recoverable by subtraction",
    "fremde Gemeinde": "other municipality",
    "geheim": "confidential",
    "unbekannter Dateityp": "unknown file type",
    "nicht lesbar": "unreadable",
}

#: ``audit(folder_or_files, internal, level=..., ags=..., policy=...)`` → findings
#: (a DataFrame or an iterable of dicts with ``file, layer, column, area, value,
#: reason``). The hook for an attack on the published package as a whole (e.g.
#: ``sozialraum.privacy.audit.audit_suppression``); ``None`` runs no audit.
AuditHook = Callable[..., "pd.DataFrame | Iterable[dict]"]

_COLUMNS = ["file", "layer", "column", "area", "value", "reason"]

_MSG = {
    "bad_level": {
        "de": "Unbekannte Freigabestufe {level!r}; möglich sind: oeffentlich, kommunal, intern.",
        "en": "unknown release level {level!r}; use one of: oeffentlich, kommunal, intern.",
    },
    "need_ags": {
        "de": "Für die Prüfung der Stufe 'kommunal' muss der Gemeindeschlüssel (ags) angegeben werden.",
        "en": "checking the level 'kommunal' needs the municipality key (ags).",
    },
    "no_path": {
        "de": "{path}: Datei oder Ordner nicht gefunden.",
        "en": "{path}: file or folder not found.",
    },
    "head": {
        "de": "Freigabeprüfung ({level}{ags}): {n} Dateien geprüft.",
        "en": "Release check ({level}{ags}): {n} files checked.",
    },
    "ok": {
        "de": "In Ordnung: keine Werte über die Freigabestufe hinaus gefunden.",
        "en": "OK: no values beyond the release level found.",
    },
    "bad": {
        "de": "NICHT in Ordnung: {n} Befunde. Diese Dateien so nicht weitergeben:",
        "en": "NOT OK: {n} findings. Do not send these files as they are:",
    },
    "line": {
        "de": "  - {file} [{layer}] Gebiet {area}, Spalte {column}: {value} — {reason}",
        "en": "  - {file} [{layer}] area {area}, column {column}: {value} — {reason}",
    },
    "line_file": {
        "de": "  - {file}: {reason}",
        "en": "  - {file}: {reason}",
    },
    "more": {"de": "  … und {n} weitere.", "en": "  … and {n} more."},
    "files": {"de": "Geprüfte Dateien:", "en": "Files checked:"},
    "file": {
        "de": "  - {file}: {reader}; {tables} Tabellen, {lines} Textzeilen; {values} Werte verglichen",
        "en": "  - {file}: {reader}; {tables} tables, {lines} text lines; {values} values compared",
    },
    "refused": {
        "de": "  - {file}: ABGELEHNT — {reason}",
        "en": "  - {file}: REFUSED — {reason}",
    },
    "printed": {
        "de": "  - {file}: PDF, Druck von {html} (dort geprüft; Prüfsummen "
        "unverändert seit dem Druck)",
        "en": "  - {file}: PDF, print of {html} (checked there; checksums "
        "unchanged since printing)",
    },
    "skipped": {
        "de": "      ohne Gebietsbezug, nicht verglichen: {parts}",
        "en": "      no area recognised, not compared: {parts}",
    },
    "unknown_type": {
        "de": "unbekannter Dateityp {suffix!r}: der Inhalt kann nicht geprüft werden",
        "en": "unknown file type {suffix!r}: its content cannot be checked",
    },
    "unreadable": {
        "de": "konnte nicht gelesen werden ({err})",
        "en": "could not be read ({err})",
    },
    "no_text": {
        "de": "kein Text lesbar (Bild-PDF?)",
        "en": "no readable text (image-only PDF?)",
    },
    "audit": {"de": "Zusätzliche Prüfung: {name}", "en": "additional audit: {name}"},
}


@dataclass(frozen=True)
class FileCheck:
    """How one file was checked.

    Attributes
    ----------
    file
        Path relative to the checked folder.
    reader
        ``GeoPackage``, ``Excel``, ``CSV``, ``HTML``, ``JSON``, ``PDF``, ``Text``;
        empty for a refused file.
    tables, lines
        Tables and text lines read.
    values
        Numbers compared with internal values.
    skipped
        Tables/pages that could not be tied to an area (numbers not compared).
    refused
        Why the file was refused (unknown type, unreadable), else ``None``.
    """

    file: str
    reader: str = ""
    tables: int = 0
    lines: int = 0
    values: int = 0
    skipped: tuple[str, ...] = ()
    refused: str | None = None
    #: a PDF not read again: the print of this HTML file of the same check (``prints=True``)
    printed_from: str | None = None


@dataclass(frozen=True)
class CheckReport:
    """Findings of :func:`check_release`.

    Attributes
    ----------
    findings
        One row per finding: ``file, layer, column, area, value, reason``
        (``reason`` one of :data:`REASONS`).
    level, ags
        The checked release level (and municipality).
    files
        Files read (full paths).
    skipped
        Tables/pages in which no area was recognised (not compared).
    checked
        One :class:`FileCheck` per file: reader and what was compared.
    """

    findings: pd.DataFrame
    level: str
    ags: str | None = None
    files: tuple[str, ...] = ()
    skipped: tuple[str, ...] = field(default=())
    checked: tuple[FileCheck, ...] = field(default=())

    @property
    def ok(self) -> bool:
        """``True`` when nothing goes beyond the level and every file could be read."""
        return len(self.findings) == 0

    def to_text(self, lang: str | None = None, limit: int = 50) -> str:
        """A readable German (or English) report that lists every file and how it was checked."""
        L = get_lang(lang)
        ags = f" {self.ags}" if self.ags else ""
        lines = [t(_MSG, "head", L, level=self.level, ags=ags, n=len(self.files))]
        if self.ok:
            lines.append(t(_MSG, "ok", L))
        else:
            lines.append(t(_MSG, "bad", L, n=len(self.findings)))
            for _, r in self.findings.head(limit).iterrows():
                reason = r["reason"] if L == "de" else REASONS.get(r["reason"], r["reason"])
                if r["area"] == "" and r["column"] == "":
                    lines.append(t(_MSG, "line_file", L, file=r["file"], reason=reason))
                    continue
                row = {k: r[k] for k in ("file", "layer", "area", "column", "value")}
                lines.append(t(_MSG, "line", L, reason=reason, **row))
            if len(self.findings) > limit:
                lines.append(t(_MSG, "more", L, n=len(self.findings) - limit))
        if self.checked:
            lines.append(t(_MSG, "files", L))
            for fc in self.checked:
                lines += _file_lines(fc, L)
        return "\n".join(lines)


def _file_lines(fc: FileCheck, L: str) -> list[str]:
    if fc.refused is not None:
        return [t(_MSG, "refused", L, file=fc.file, reason=fc.refused)]
    if fc.printed_from is not None:
        return [t(_MSG, "printed", L, file=fc.file, html=fc.printed_from)]
    out = [
        t(
            _MSG,
            "file",
            L,
            file=fc.file,
            reader=fc.reader,
            tables=fc.tables,
            lines=fc.lines,
            values=fc.values,
        )
    ]
    if fc.skipped:
        out.append(t(_MSG, "skipped", L, parts=", ".join(fc.skipped)))
    return out


# --------------------------------------------------------------------------- numbers

_NUM_RE = re.compile(r"[-−+]?\d[\d.,\u202f\u00a0' ]*")
_DIGIT_RE = re.compile(r"\d")  # a text without a digit (as ``_NUM_RE`` reads one) has no number


def _decimals_of(text: str, sep: str) -> int:
    return len(text.split(sep)[-1]) if sep in text else 0


def _grouped(txt: str, sep: str) -> bool:
    """Whether ``sep`` can be the thousands separator of ``txt`` (groups of three digits)."""
    if sep not in txt:
        return True
    digits = txt.lstrip("+-")
    head, *groups = digits.split(sep)
    groups[-1] = re.split(r"[.,]", groups[-1])[0]
    # a leading group never starts with 0: "0,500" is a fraction in any notation
    ok_head = 1 <= len(head) <= 3 and not head.startswith("0")
    return ok_head and all(len(g) == 3 for g in groups)


def parse_number(
    value, *, prefer: str = "de", notation: str | None = None
) -> list[tuple[float, int]]:
    """Candidate readings ``(number, decimals shown)`` of a published cell.

    Numbers pass through; text is read in German and English notation (``"1.234"``
    gives both 1234 and 1.234); units and symbols around the number are ignored.
    Text without a number, or with several numbers, gives no reading.

    ``notation="de"`` (or ``"en"``) reads text in that notation only: in a document
    that writes its decimals with a comma, ``"1.000"`` is one thousand, never 1.
    """
    return list(_readings(value, prefer, notation))


def _readings(value, prefer: str = "de", notation: str | None = None) -> tuple:
    """:func:`parse_number` as a tuple; text is read once per distinct string.

    A package repeats the same cells and tokens thousands of times ("12,5", "0",
    "Musterstadt"); the readings of a text depend on nothing but the text, ``prefer``
    and ``notation``, so they are remembered (:func:`_text_readings`).
    """
    if type(value) is str:
        return _text_readings(value, prefer, notation)
    if value is None or value is pd.NA:
        return ()
    if isinstance(value, (bool, np.bool_)):
        return ()
    if isinstance(value, (int, np.integer)):
        return ((float(value), 0),)
    if isinstance(value, (float, np.floating)):
        if np.isnan(value):
            return ()
        s = repr(float(value))
        d = (
            0
            if float(value).is_integer()
            else (len(s.split(".")[-1]) if "." in s and "e" not in s else 10)
        )
        return ((float(value), d),)
    return _text_readings(str(value), prefer, notation)


@functools.lru_cache(maxsize=1 << 18)
def _text_readings(value: str, prefer: str, notation: str | None) -> tuple:
    """The readings of a text (:func:`parse_number`), remembered per text."""
    s = value.strip()
    found = _NUM_RE.findall(s)
    found = [f.strip(" .,'\u202f\u00a0") for f in found]
    found = [f for f in found if f and any(ch.isdigit() for ch in f)]
    if len(found) != 1:
        return ()
    txt = (
        found[0]
        .replace("−", "-")
        .replace("\u202f", "")
        .replace("\u00a0", "")
        .replace("'", "")
        .replace(" ", "")
    )
    out: list[tuple[float, int]] = []
    de = txt.replace(".", "") if _grouped(txt, ".") else None
    de_d = _decimals_of(de, ",") if de is not None else 0
    en = txt.replace(",", "") if _grouped(txt, ",") else None
    en_d = _decimals_of(en, ".") if en is not None else 0
    de_r = [] if de is None or notation == "en" else [(de.replace(",", "."), de_d)]
    en_r = [] if en is None or notation == "de" else [(en, en_d)]
    readings = de_r + en_r if prefer == "de" else en_r + de_r
    # a German reading must not have two commas; an English one not two points
    for txt_num, d in readings:
        try:
            v = float(txt_num)
        except ValueError:
            continue
        if not any(abs(v - o) < 1e-12 and d == od for o, od in out):
            out.append((v, d))
    return tuple(out)


def _matches(x: float, readings: Sequence[tuple[float, int]]) -> bool:
    """Whether the internal value ``x`` is shown by one of the readings (at its precision)."""
    if x is None or np.isnan(x):
        return False
    for y, d in readings:
        if abs(y - x) <= 1e-9 * max(1.0, abs(x)):
            return True
        if d >= 10:
            continue
        if d == 0 and not float(x).is_integer():
            continue
        if abs(round(x, d) - y) <= 10.0 ** (-(d + 3)):
            return True
    return False


# --------------------------------------------------------------------------- reading


@dataclass
class _Table:
    file: str
    layer: str
    frame: pd.DataFrame  # raw cells, columns = headers
    prefer: str = "de"
    geometry: list | None = None  # shapely geometries per row (or None)
    crs: object = None  # CRS of ``geometry`` (GeoJSON: WGS 84)


@dataclass
class _Text:
    file: str
    layer: str
    lines: list[str]
    #: a later part of the same document (an HTML section): without a subject of its own
    #: in its title lines it continues the previous part's subject, like a PDF page
    follows: bool = False


@dataclass
class _Read:
    reader: str
    tables: list[_Table] = field(default_factory=list)
    texts: list[_Text] = field(default_factory=list)


def _squash(text: str) -> str:
    r"""``re.sub(r"\s+", " ", text)``, four times as fast.

    ``str.split()`` splits at exactly the characters ``\s`` matches in a text pattern
    (``str.isspace``); the single spaces at the ends are put back as the pattern leaves them.
    """
    parts = text.split()
    if not parts:
        return " " if text else ""
    out = " ".join(parts)
    if text[0].isspace():
        out = " " + out
    return out + " " if text[-1].isspace() else out


def _clean(line: str) -> str:
    """A line in NFKC, its white space runs one space, without spaces at the ends."""
    return " ".join(unicodedata.normalize("NFKC", line).split())


def _read_gpkg(path: Path, name: str) -> _Read:
    import pyogrio

    out = _Read("GeoPackage")
    for layer, geom_type in pyogrio.list_layers(path):
        has_geom = geom_type is not None
        df = pyogrio.read_dataframe(path, layer=layer, read_geometry=has_geom)
        geoms, crs = None, None
        if has_geom and "geometry" in df.columns:
            geoms, crs = list(df.geometry), df.crs
            df = pd.DataFrame(df.drop(columns="geometry"))
        out.tables.append(_Table(name, str(layer), pd.DataFrame(df), "en", geoms, crs))
    return out


def _header_row(rows: list[list]) -> int | None:
    for i, r in enumerate(rows):
        filled = [c for c in r if c is not None and str(c).strip() != ""]
        if len(filled) >= 2 and all(isinstance(c, str) for c in filled):
            return i
    return None


def _row_text(row) -> str:
    return "  ".join(str(c) for c in row if c is not None and str(c).strip() != "")


def _read_xlsx(path: Path, name: str) -> _Read:
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=True, data_only=True)
    out = _Read("Excel")
    try:
        for ws in wb.worksheets:
            rows = [list(r) for r in ws.iter_rows(values_only=True)]
            head = _header_row(rows)
            above = rows if head is None else rows[:head]
            lines = [_clean(_row_text(r)) for r in above]
            if any(lines):
                out.texts.append(_Text(name, ws.title, [x for x in lines if x]))
            if head is None:
                continue
            cols = [
                str(c) if c is not None else f"Spalte {j + 1}" for j, c in enumerate(rows[head])
            ]
            width = max([len(cols)] + [len(r) for r in rows[head + 1 :]])
            cols += [f"Spalte {j + 1}" for j in range(len(cols), width)]
            body = [r + [None] * (width - len(r)) for r in rows[head + 1 :]]
            frame = pd.DataFrame(body, columns=cols, dtype=object)
            out.tables.append(_Table(name, ws.title, frame, "en"))
    finally:
        wb.close()
    return out


def _read_csv(path: Path, name: str) -> _Read:
    # one detection of encoding and delimiter for the whole package: the reader of the inputs
    text, _enc = decode_text(path.read_bytes(), source=name)
    delim = sniff_delimiter(text)
    rows = [r for r in csv.reader(io.StringIO(text, newline=""), delimiter=delim)]
    rows = [r for r in rows if any(c.strip() for c in r)]
    out = _Read("CSV")
    if not rows:
        return out
    width = max(len(r) for r in rows)
    cols = [c if c else f"Spalte {j + 1}" for j, c in enumerate(rows[0])]
    cols += [f"Spalte {j + 1}" for j in range(len(cols), width)]
    body = [r + [""] * (width - len(r)) for r in rows[1:]]
    prefer = "de" if delim in (";", "\t") else "en"
    out.tables.append(_Table(name, "", pd.DataFrame(body, columns=cols, dtype=object), prefer))
    return out


def _read_plain(path: Path, name: str) -> _Read:
    text = path.read_text(encoding="utf-8", errors="replace")
    lines = [_clean(x) for x in text.splitlines()]
    return _Read("Text", texts=[_Text(name, "Text", [x for x in lines if x])])


def _read_pdf(path: Path, name: str) -> _Read:
    pages: list[str] = []
    if shutil.which("pdftotext"):  # fast (C); pypdf reads the same text, ~20 times slower
        res = subprocess.run(
            ["pdftotext", "-layout", "-enc", "UTF-8", str(path), "-"],
            capture_output=True,
            check=False,
            timeout=300,
        )
        if res.returncode == 0:
            pages = res.stdout.decode("utf-8", errors="replace").split("\f")
            if pages and not pages[-1].strip():
                pages = pages[:-1]
    if not any(p.strip() for p in pages):
        from pypdf import PdfReader

        pages = [(p.extract_text() or "") for p in PdfReader(path).pages]
    out = _Read("PDF")
    for i, page in enumerate(pages, start=1):
        lines = [_clean(x) for x in page.splitlines()]
        out.texts.append(_Text(name, f"Seite {i}", [x for x in lines if x]))
    if not any(tx.lines for tx in out.texts):
        raise _Unreadable("no_text")
    return out


class _Unreadable(Exception):
    """A file that was read but holds nothing the checker can compare (message key)."""


# -- HTML and JSON

_SCRIPT_RE = re.compile(r"<(script|style)\b.*?</\1\s*>", re.S | re.I)
_COMMENT_RE = re.compile(r"<!--.*?-->", re.S)
_BLOCK_RE = re.compile(
    r"<(?:br|/?(?:p|div|tr|li|ul|ol|h[1-6]|table|thead|tbody|section|article|header|footer|"
    r"caption|figcaption|title|dt|dd|text|tspan|g|svg|option|label|nav|main|aside|blockquote))\b[^>]*>",
    re.I,
)
_TAG_RE = re.compile(r"<[^>]+>")
_ATTR_RE = re.compile(
    r"""\s(?:title|alt|aria-label|data-[\w-]+|content|value|srcdoc)\s*=\s*(?:"([^"]*)"|'([^']*)')""",
    re.I,
)
_DATA_URI_RE = re.compile(r"data:text/html[^,\"']*;base64,([A-Za-z0-9+/=]+)")

#: Elements marked ``data-methode`` hold method notes (thresholds, definitions) written by the
#: template, never data; their numbers are not compared with the internal values.
_METHOD_RE = re.compile(r"<(\w+)[^>]*\bdata-methode\b[^>]*>.*?</\1\s*>", re.DOTALL | re.IGNORECASE)

#: Cells marked ``data-jahr`` hold values of an earlier year (a website's time series), made by
#: the privacy step of that year; they are not compared with this year's internal values as
#: text (the same values stand keyed by area and column in the site's data file, which is).
_YEAR_RE = re.compile(r"<(\w+)[^>]*\bdata-jahr\b[^>]*>.*?</\1\s*>", re.DOTALL | re.IGNORECASE)

_METHOD_WORD = re.compile("data-methode", re.IGNORECASE)
_YEAR_WORD = re.compile("data-jahr", re.IGNORECASE)


def _marked(rx: re.Pattern, word: re.Pattern, text: str) -> Iterator[re.Match]:
    """The matches of ``rx`` in ``text``, the same as ``rx.finditer(text)``, found faster.

    ``rx`` is an element whose opening tag holds ``word`` (:data:`_METHOD_RE`,
    :data:`_YEAR_RE`): a match starts at a ``<`` with no ``>`` between it and the next
    occurrence of ``word``, so only those starts are tried; the pattern alone tries
    every tag of the page (most of the time spent reading a page).
    """
    last = 0
    at = word.search(text)
    while at is not None:
        k = at.start()
        found = None
        p = text.find("<", max(last, text.rfind(">", last, k) + 1), k)
        while p != -1 and found is None:
            found = rx.match(text, p)
            p = text.find("<", p + 1, k)
        if found is None:
            at = word.search(text, k + 1)
            continue
        yield found
        last = found.end()
        at = word.search(text, last)


def _drop_marked(rx: re.Pattern, word: re.Pattern, text: str) -> str:
    """``rx.sub(" ", text)`` for the marked elements of :func:`_marked`."""
    pieces, last = [], 0
    for m in _marked(rx, word, text):
        pieces += [text[last : m.start()], " "]
        last = m.end()
    return "".join([*pieces, text[last:]]) if pieces else text


#: Public class labels that contain numbers (Gi* confidence classes such as "Hot Spot 95 %").
_LABEL_RE = re.compile(r"\b(?:Hot|Cold)[ -]?Spot\s+\d{2}\s*%", re.IGNORECASE)
#: Every match of :data:`_LABEL_RE` holds a match of this (found far faster): texts without
#: one are left as they are.
_LABEL_WORD = re.compile("spot", re.IGNORECASE)


def _drop_labels(text: str) -> str:
    """``_LABEL_RE.sub(" ", text)``, tried only on texts that name a spot."""
    return _LABEL_RE.sub(" ", text) if _LABEL_WORD.search(text) else text


#: Sections of a document (``<section>``, ``<article>``): a file of many profiles holds
#: one per area, each with its own title.
_SECTION_RE = re.compile(r"<(?:section|article)\b", re.IGNORECASE)


def _sections(text: str) -> list[str]:
    """``text`` cut before each :data:`_SECTION_RE` (as ``re.split`` at a look-ahead cuts it).

    The pattern starts with ``<``, so the engine skips to the next ``<``; a look-ahead
    alone is tried at every character.
    """
    cuts = [m.start() for m in _SECTION_RE.finditer(text)]
    return [text[a:b] for a, b in zip([0, *cuts], [*cuts, len(text)], strict=True)]


#: The number at the start of a heading ("<h2>12 Maßnahmen</h2>") is the chapter's, not a value.
_HEADING_NUMBER_RE = re.compile(
    r"(<h[1-6]\b[^>]*>)\s*\d{1,3}(?:\.\d{1,3})*\.?\s+(?=[^\W\d_])", re.I
)


def _html_parts(text: str) -> list[list[str]]:
    """Visible text of an HTML/SVG document per section, one line per block.

    As a browser shows it: line breaks of the source are spaces, blocks (rows,
    paragraphs, labels) are lines — a table row with its label and numbers is one
    line, so its numbers are read in the row's context.
    """
    body = _drop_marked(_METHOD_RE, _METHOD_WORD, _COMMENT_RE.sub(" ", text))
    body = _drop_marked(_YEAR_RE, _YEAR_WORD, _SCRIPT_RE.sub(" ", body))
    body = _HEADING_NUMBER_RE.sub(r"\1", body)  # "12 Maßnahmen": a chapter's number
    body = _squash(body)
    parts = []
    for part in _sections(body):
        part = _TAG_RE.sub(" ", _BLOCK_RE.sub("\n", part))
        part = _drop_labels(html_lib.unescape(part))
        lines = [x for x in (_clean(ln) for ln in part.splitlines()) if x]
        if lines:
            parts.append(lines)
    return parts


def _html_lines(text: str) -> list[str]:
    """Visible text of an HTML/SVG document, one line per block (row, paragraph, label)."""
    return [x for part in _html_parts(text) for x in part]


#: Where a JSON object or array can start: ``{`` before a key or ``}``, ``[`` before a value
#: or ``]`` (JSON whitespace between). Every other ``{``/``[`` (script code, style rules) is
#: no JSON; trying the decoder there costs a count of the lines before it for its error.
_JSON_START_RE = re.compile(r"""\{(?=[ \t\n\r]*["}])|\[(?=[ \t\n\r]*(?:["{\[\]ntfNI-]|\d))""")


def _json_values(text: str) -> list[object]:
    """Every JSON object or array embedded in a text (script data, inline GeoJSON)."""
    dec = json.JSONDecoder()
    out, pos = [], 0
    for m in _JSON_START_RE.finditer(text):
        if m.start() < pos:
            continue
        try:
            obj, end = dec.raw_decode(text, m.start())
        except ValueError:
            continue
        if isinstance(obj, (dict, list)) and obj:
            out.append(obj)
            pos = end
    return out


def _scalar(v) -> bool:
    return v is None or isinstance(v, (str, int, float, bool))


def _geometry(g):
    if not isinstance(g, dict) or "type" not in g:
        return None
    from shapely.geometry import shape

    try:
        return shape(g)
    except Exception:  # noqa: BLE001 - a broken geometry is just not matched by location
        return None


def _walk_json(obj, name: str, layer: str, acc: _Read, depth: int = 0) -> None:
    """Tables (FeatureCollections, lists of records, rows) and texts found in a JSON value."""
    if depth > 40:
        return
    if isinstance(obj, dict):
        if is_encoded(obj):  # a web map's areas: shared arcs, decoded to plain GeoJSON
            obj = decode(obj)
        if obj.get("type") in ("FeatureCollection", "Feature"):
            feats = obj.get("features") if obj["type"] == "FeatureCollection" else [obj]
            if isinstance(feats, list):
                _features_table(feats, name, layer, acc, depth)
                return
        scalars = {k: v for k, v in obj.items() if _scalar(v)}
        if len(scalars) >= 2 and any(isinstance(v, (int, float)) for v in scalars.values()):
            acc.tables.append(_Table(name, layer, pd.DataFrame([scalars], dtype=object)))
        if sum(bool(re.fullmatch(r"\d{5,}", str(k))) for k in obj) >= 2 and scalars:
            pairs = pd.DataFrame({"Schlüssel": list(scalars), "Wert": list(scalars.values())})
            acc.tables.append(_Table(name, layer, pairs.astype(object)))
        _json_strings([v for v in scalars.values() if isinstance(v, str)], name, layer, acc)
        for k, v in obj.items():
            if not _scalar(v):
                if isinstance(v, dict) and all(isinstance(x, dict) for x in v.values()) and v:
                    _records_table(v, name, f"{layer}.{k}", acc)
                _walk_json(v, name, f"{layer}.{k}" if layer else str(k), acc, depth + 1)
        return
    if isinstance(obj, list):
        if obj and all(isinstance(x, dict) for x in obj):
            recs = [{k: v for k, v in x.items() if _scalar(v)} for x in obj]
            if any(len(r) >= 2 for r in recs):
                acc.tables.append(_Table(name, layer, pd.DataFrame(recs, dtype=object)))
                _json_strings(
                    [v for r in recs for v in r.values() if isinstance(v, str)], name, layer, acc
                )
            for x in obj:
                for k, v in x.items():
                    if not _scalar(v):
                        _walk_json(v, name, f"{layer}.{k}", acc, depth + 1)
            return
        if len(obj) >= 2 and all(
            isinstance(x, list) and x and all(_scalar(c) for c in x) for x in obj
        ):
            width = max(len(x) for x in obj)
            rows = [list(x) + [None] * (width - len(x)) for x in obj]
            cols = [f"Spalte {j + 1}" for j in range(width)]
            acc.tables.append(_Table(name, layer, pd.DataFrame(rows, columns=cols, dtype=object)))
            return
        _json_strings([x for x in obj if isinstance(x, str)], name, layer, acc)
        for x in obj:
            if not _scalar(x):
                _walk_json(x, name, layer, acc, depth + 1)


def _records_table(obj: dict, name: str, layer: str, acc: _Read) -> None:
    """``{key: {column: value}}`` → a table with the keys as a column."""
    recs = [{"Schlüssel": k, **{c: v for c, v in r.items() if _scalar(v)}} for k, r in obj.items()]
    acc.tables.append(_Table(name, layer, pd.DataFrame(recs, dtype=object)))


def _features_table(feats: list, name: str, layer: str, acc: _Read, depth: int) -> None:
    rows, geoms = [], []
    for f in feats:
        if not isinstance(f, dict):
            continue
        props = f.get("properties") if isinstance(f.get("properties"), dict) else {}
        row = {k: v for k, v in props.items() if _scalar(v)}
        if "id" in f and _scalar(f["id"]):
            row.setdefault("id", f["id"])
        rows.append(row)
        geoms.append(_geometry(f.get("geometry")))
        _json_strings([v for v in row.values() if isinstance(v, str)], name, layer, acc)
        for k, v in props.items():
            if not _scalar(v):
                _walk_json(v, name, f"{layer}.{k}", acc, depth + 1)
    frame = pd.DataFrame(rows, dtype=object)
    acc.tables.append(_Table(name, layer or "GeoJSON", frame, "de", geoms, "EPSG:4326"))


def _json_strings(values: list[str], name: str, layer: str, acc: _Read) -> None:
    """Strings holding HTML (pop-ups, tooltips) are read as text of their own."""
    for s in values:
        if "<" in s and ">" in s and re.search(r"\d", s):
            acc.texts.append(_Text(name, f"{layer} (HTML)", _html_lines(s)))


_SCRIPT_BODY_RE = re.compile(r"<script\b[^>]*>(.*?)</script\s*>", re.S | re.I)
_TEMPLATE_RE = re.compile(r"`((?:[^`\\]|\\.)*)`", re.S)


def _script_html(text: str) -> list[str]:
    """HTML written by scripts as template strings (folium pop-ups and tooltips)."""
    out = []
    for body in _SCRIPT_BODY_RE.findall(text):
        for s in _TEMPLATE_RE.findall(body):
            if re.search(r"\d", s) and re.search(r"[^\W\d_]", s):
                out += _html_lines(s.replace("\\`", "`"))
    return out


def _html_read(text: str, name: str, acc: _Read, depth: int = 0) -> None:
    for i, lines in enumerate(_html_parts(text) or [[]]):
        acc.texts.append(_Text(name, "Text", lines, follows=i > 0))
    scripted = _script_html(text)
    if scripted:
        acc.texts.append(_Text(name, "Skript (HTML)", scripted))
    for obj in _json_values(text):
        _walk_json(obj, name, "JSON", acc)
    attrs = [html_lib.unescape(a or b) for a, b in _ATTR_RE.findall(text)]
    embedded = [a for a in attrs if "<" in a and ">" in a]  # srcdoc pages, HTML tooltips
    plain = [_clean(_TAG_RE.sub(" ", a)) for a in attrs if a not in embedded]
    if any(plain):
        acc.texts.append(_Text(name, "Attribute", [x for x in plain if x]))
    if depth >= 3:
        return
    for m in _DATA_URI_RE.finditer(text):
        try:
            embedded.append(base64.b64decode(m.group(1)).decode("utf-8", errors="replace"))
        except (binascii.Error, ValueError):
            continue
    for page in embedded:
        _html_read(page, name, acc, depth + 1)


#: Where the payload of a raster image embedded as a ``data:`` URI starts: pixels, never text.
_RASTER_PREFIX_RE = re.compile(r"data:image/(?:png|jpeg|gif|webp);base64,", re.I)
_BASE64_RUN_RE = re.compile(r"[A-Za-z0-9+/=]*")
_NOT_BASE64 = str.maketrans("", "", string.ascii_letters + string.digits + "+/=")
_CLOSING = {"'": "'", '"': '"', "(": ")"}


def _without_raster_payloads(text: str) -> str:
    """``text`` with the base64 pixels of its embedded raster images left out.

    Nothing there is read as text (only ``data:text/html`` documents are decoded);
    a profile's charts are nine tenths of its bytes, and every pattern of the
    reader would scan them. The same as
    ``re.sub(r"(data:image/(?:png|jpeg|gif|webp);base64,)[A-Za-z0-9+/=]+", r"\\1", text, flags=re.I)``,
    five times as fast: a payload in quotes (or ``url(…)``) ends at its closing quote
    when everything up to it is base64, which one translation checks; else the run of
    base64 characters is matched as the pattern does.
    """
    out, last, pos = [], 0, 0
    while (m := _RASTER_PREFIX_RE.search(text, pos)) is not None:
        start, end = m.end(), -1
        close = _CLOSING.get(text[m.start() - 1]) if m.start() else None
        if close is not None:
            e = text.find(close, start)
            if e > start and not text[start:e].translate(_NOT_BASE64):
                end = e
        if end < 0:
            end = _BASE64_RUN_RE.match(text, start).end()
        if end == start:  # no payload: nothing to leave out (as the pattern, which needs one)
            pos = start
            continue
        out.append(text[last:start])
        last = pos = end
    if not out:
        return text
    out.append(text[last:])
    return "".join(out)


def _read_html(path: Path, name: str) -> _Read:
    acc = _Read("HTML")
    text = path.read_text(encoding="utf-8", errors="replace")
    _html_read(_without_raster_payloads(text), name, acc)
    return acc


def _read_json(path: Path, name: str) -> _Read:
    acc = _Read("JSON")
    _walk_json(json.loads(path.read_text(encoding="utf-8-sig")), name, "", acc)
    return acc


def _read_script(path: Path, name: str) -> _Read:
    """A page script (``.js``): every JSON object or array in it (a website's data files)."""
    acc = _Read("Skript")
    text = path.read_text(encoding="utf-8", errors="replace")
    for obj in _json_values(text):
        _walk_json(obj, name, "JSON", acc)
    acc.texts.append(_Text(name, "Skript (HTML)", _script_html(f"<script>{text}</script>")))
    return acc


def _read_style(path: Path, name: str) -> _Read:
    """A style sheet (``.css``): only its text lines (it holds no data; numbers are sizes)."""
    acc = _Read("CSS")
    acc.texts.append(_Text(name, "Text", []))
    return acc


_READERS: dict[str, Callable[[Path, str], _Read]] = {
    ".gpkg": _read_gpkg,
    ".xlsx": _read_xlsx,
    ".xlsm": _read_xlsx,
    ".csv": _read_csv,
    ".tsv": _read_csv,
    ".html": _read_html,
    ".htm": _read_html,
    ".svg": _read_html,
    ".json": _read_json,
    ".geojson": _read_json,
    ".pdf": _read_pdf,
    ".txt": _read_plain,
    ".md": _read_plain,
    ".js": _read_script,
    ".css": _read_style,
}


# --------------------------------------------------------------------------- internal model


def _key_variants(k: str) -> set[str]:
    k = str(k).strip()
    return {k, k.lstrip("0")}


_WHOLE_RE = re.compile(r"-?[0-9]+")

#: :meth:`_Internal.line_parts` of a line that names no area: the page's subject.
_SUBJECT = ("(Seite)", "")
#: Lines remembered at most (a city's package has some 10⁵ distinct lines).
_LINE_MEMO = 400_000

#: Suffix of the model's copy of a class-certainty column in percent (as texts print it).
_PERCENT = "__prozent"


class _Internal:
    def __init__(
        self,
        data: ReleaseData,
        policy: ReleasePolicy,
        level: str,
        ags: str | None,
        labels: Mapping[str, str] | None = None,
    ):
        self.data = data
        self.policy = policy
        self.level = level
        self.ags = ags
        self.frames = {
            "areas": data.areas,
            "gemeinden": data.gemeinden.copy(),
            "kreis": data.kreis.copy(),
        }
        for k in ("gemeinden", "kreis"):
            self.frames[k].index = self.frames[k].index.astype(str)
        self.frames["areas"] = data.areas.copy()
        self.frames["areas"].index = data.areas.index.astype(str)
        for kind, fr in self.frames.items():  # a class's probability is printed in percent
            pct = {}
            for c in fr.columns:
                if is_class_certainty(str(c)):  # as printed: "62 %" (and "62,4 %")
                    p = pd.to_numeric(fr[c], errors="coerce") * 100.0
                    pct[f"{c}{_PERCENT}"] = p
                    pct[f"{c}{_PERCENT}_ganz"] = p.round(0)
            if pct:
                self.frames[kind] = fr.assign(**pct)
        self.area_gem = self.frames["areas"][data.area_ags_col].astype(str)
        self.counts = [c for c in count_columns(data.areas, data.catalogue)]
        self.rates = rate_columns(data.areas, data.catalogue)
        self.sensitive: dict[str, list[str]] = {}
        for kind, fr in self.frames.items():
            cols = []
            for c in fr.columns:
                if c == "geometry" or c == data.area_ags_col or policy.is_public(c):
                    continue
                if pd.api.types.is_numeric_dtype(fr[c]) and not pd.api.types.is_bool_dtype(fr[c]):
                    cols.append(str(c))
            self.sensitive[kind] = cols
        # key lookup (keys and unique names)
        self.lookup: dict[str, dict[str, str]] = {}
        for kind, fr in self.frames.items():
            m: dict[str, str] = {}
            for k in fr.index:
                for v in _key_variants(k):
                    m.setdefault(v, k)
            self.lookup[kind] = m
        self.names: dict[str, dict[str, str]] = {}
        for kind, fr in self.frames.items():
            m = {}
            for c in fr.columns:
                if c == "geometry" or not (
                    pd.api.types.is_object_dtype(fr[c]) or pd.api.types.is_string_dtype(fr[c])
                ):
                    continue
                vals = fr[c].astype(str)
                if vals.is_unique and c != data.area_ags_col:
                    for k, v in zip(fr.index, vals, strict=False):
                        m.setdefault(v.strip(), k)
            self.names[kind] = m
        # header → column
        self.header: dict[str, str] = {}
        for lang in ("de", "en"):
            for col, lab in column_labels(data.catalogue, lang).items():
                self.header.setdefault(normalise_header(lab), col)
        for col, lab in (labels or {}).items():  # the headers the package was written with
            self.header.setdefault(normalise_header(str(lab)), str(col))
        for fr in self.frames.values():
            for c in fr.columns:
                self.header[normalise_header(str(c))] = str(c)
        self._init_labels(data.catalogue)
        self._init_arrays()
        self._gemeinde_names()
        self._init_secret()
        self._init_entities()
        self._line_memo: dict[str, tuple] = {}  # line → line_parts (shared by level copies)

    def _init_labels(self, catalogue) -> None:
        """Catalogue labels (German and English) of the columns the checker compares."""
        self.labels: dict[str, str] = {}
        for attr in ("variables", "indicators"):
            fr = getattr(catalogue, attr, None)
            if fr is None:
                continue
            for cid, row in fr.iterrows():
                for fld in ("label", "label_en"):
                    lab = row.get(fld) if fld in fr.columns else None
                    if isinstance(lab, str) and len(lab.strip()) >= 4:
                        self.labels.setdefault(_clean(lab), str(cid))
        self.label_re = _alternation(set(self.labels), r"(?<!\w)", r"(?!\w)")

    def is_public(self, col: str) -> bool:
        """:meth:`ReleasePolicy.is_public`, remembered per column (asked very often)."""
        memo = self.__dict__.setdefault("_public_memo", {})
        if col not in memo:
            memo[col] = self.policy.is_public(col)
        return memo[col]

    def _init_arrays(self) -> None:
        """Every frame as a float array with key → row and column → position (fast look-up)."""
        self.arr: dict[str, np.ndarray] = {}
        self.row: dict[str, dict[str, int]] = {}
        self.pos: dict[str, dict[str, int]] = {}
        for kind, fr in self.frames.items():
            cols = [c for c in fr.columns if c != "geometry"]
            num = pd.DataFrame(
                {j: pd.to_numeric(fr[c], errors="coerce") for j, c in enumerate(cols)}
            )
            self.arr[kind] = num.to_numpy(dtype=float, na_value=np.nan).reshape(len(fr), len(cols))
            self.row[kind] = {str(k): i for i, k in enumerate(fr.index)}
            self.pos[kind] = {str(c): j for j, c in enumerate(cols)}

    def value(self, kind: str, key: str, col: str) -> float:
        i, j = self.row[kind].get(key), self.pos[kind].get(col)
        if i is None or j is None:
            return float("nan")
        return float(self.arr[kind][i, j])

    def row_values(self, kind: str, key: str, cols: Sequence[str]) -> np.ndarray:
        """Values of one area in ``cols`` (NaN where missing)."""
        i = self.row[kind].get(key)
        if i is None:
            return np.full(len(cols), np.nan)
        if not len(cols):
            return np.array([])
        idx, ok, every = self._col_at(kind, cols)
        vals = self.arr[kind][i, idx]
        return vals if every else np.where(ok, vals, np.nan)

    def _col_at(self, kind: str, cols: Sequence[str]) -> tuple[np.ndarray, np.ndarray, bool]:
        """Positions of ``cols`` in the array of ``kind`` (-1 where missing), remembered."""
        memo = self.__dict__.setdefault("_col_at_memo", {})
        k = (kind, tuple(cols))
        hit = memo.get(k)
        if hit is None:
            idx = np.array([self.pos[kind].get(c, -1) for c in cols], dtype=np.intp)
            hit = memo[k] = (idx, idx >= 0, bool((idx >= 0).all()))
        return hit

    def own(self, kind: str, key: str) -> bool:
        if self.ags is None:
            return False
        if kind == "areas":
            return self.area_gem.get(key) == self.ags
        if kind == "gemeinden":
            return key == self.ags
        return False

    def small(self, x: float) -> bool:
        return not np.isnan(x) and 1 <= abs(x) <= self.policy.threshold

    def violation(self, kind: str, key: str, col: str) -> str | None:
        """Reason why showing internal cell (kind, key, col) is beyond the level, or None."""
        if self.level == "intern":
            return None
        x = self.value(kind, key, col)
        if np.isnan(x) or x == 0:
            return None
        if (kind, key, col) in self.secret:
            return "geheim"
        if self.is_public(col):
            return None
        if col in self.counts and abs(x) < 1:
            return None
        is_count = col in self.counts
        small = self.small(x) if is_count else self._rate_small(kind, key, col)
        if self.level == "oeffentlich":
            if self.policy.releases(col, "oeffentlich", kind):
                return "interner Wert" if small else None
            return "interner Wert"
        # kommunal
        if self.own(kind, key):
            return None
        if kind == "areas":
            return "fremde Gemeinde"
        return "interner Wert" if small else None

    def _rate_small(self, kind: str, key: str, col: str) -> bool:
        if col not in self.rates:
            return False
        return any(self.small(self.value(kind, key, p)) for p in self.rates[col] if p is not None)

    # -- secrets, geometry, names in text (used by the readers of every file type)

    def _init_secret(self) -> None:
        """Cells whose internal status code is secret (:func:`sozialraum.core.status.secret_mask`)."""
        self.secret: set[tuple[str, str, str]] = set()
        #: partial sums (secret, value kept): the sum of the parts that are shown, so
        #: "recovering" one by subtraction reveals nothing beyond those parts
        self.partial: set[tuple[str, str, str]] = set()
        kept = [c.code for c in CODES.values() if c.secret and c.keeps_value]
        for kind, (_fr, st) in self.data.frames().items():
            if st is None or not len(st.columns):
                continue
            mask = secret_mask(st)
            mask.index = mask.index.astype(str)
            part = st.isin(kept).fillna(False).astype(bool)
            part.index = part.index.astype(str)
            for col in mask.columns:
                for key in mask.index[mask[col].to_numpy(dtype=bool)]:
                    self.secret.add((kind, str(key), str(col)))
                for key in part.index[part[col].to_numpy(dtype=bool)]:
                    self.partial.add((kind, str(key), str(col)))

    def _gemeinde_names(self) -> None:
        """Municipality names from the areas (a text column constant within each municipality)."""
        areas, m = self.frames["areas"], self.names["gemeinden"]
        for c in areas.columns:
            if c in ("geometry", self.data.area_ags_col) or not (
                pd.api.types.is_object_dtype(areas[c]) or pd.api.types.is_string_dtype(areas[c])
            ):
                continue
            grouped = areas[c].astype(str).groupby(self.area_gem.to_numpy())
            if (grouped.nunique() == 1).all() and grouped.first().is_unique:
                for ags, nm in grouped.first().items():
                    if str(ags) in self.frames["gemeinden"].index:
                        m.setdefault(nm.strip(), str(ags))

    def _init_entities(self) -> None:
        """One regular expression of all keys and one of all names, for finding them in text."""
        self.entity: dict[str, list[tuple[str, str]]] = {}
        keys, names = set(), set()
        for kind in ("areas", "gemeinden"):
            for k in self.frames[kind].index:
                self.entity.setdefault(k, []).append((kind, k))
                keys.add(k)
            for nm, k in self.names[kind].items():
                if len(nm) >= 4 and not nm.isdigit():
                    self.entity.setdefault(nm, []).append((kind, k))
                    names.add(nm)
        self.key_re = _alternation(keys, r"(?<!\d)", r"(?!\d)")
        self.name_re = _alternation(names, r"(?<!\w)", r"(?!\w)")

    def mentions(self, line: str) -> list[tuple[str, str]]:
        """Areas/municipalities a line names: by key; names only where no key is given."""
        found: list[tuple[str, str]] = []
        for rx in (self.key_re, self.name_re):
            if rx is None:
                continue
            for m in rx.finditer(line):
                for ent in self.entity.get(m.group(0), []):
                    if ent not in found:
                        found.append(ent)
            if found:
                return found
        return found

    def key_numbers(self) -> tuple[set[int], bool]:
        """Keys and names written as whole numbers (``-?[0-9]+``), as numbers, and whether
        the empty text is a key (``"0"`` without leading zeros); for :func:`_no_key_numbers`."""
        memo = self.__dict__.get("_key_numbers")
        if memo is None:
            words = [
                w for kind in self.lookup for src in (self.lookup, self.names) for w in src[kind]
            ]
            numbers = {int(w) for w in words if _WHOLE_RE.fullmatch(w)}
            memo = self._key_numbers = (numbers, "" in words)
        return memo

    def line_parts(self, line: str) -> tuple:
        """What a line of text shows: ``(entity, column, tokens)``, remembered per line.

        ``entity`` is the one area (or municipality) the line names, :data:`_SUBJECT`
        where it names none (the page's subject), ``None`` where it names several (not
        compared). ``column`` is the one catalogue indicator the line names (its row
        label), else ``None``. ``tokens`` are the numbers left once ranks, row labels
        and keys are taken out. Nothing here depends on the level, so every package of
        a batch shares the memo (template lines repeat in every profile).
        """
        memo = self._line_memo
        hit = memo.get(line)
        if hit is not None:
            return hit
        named = self.mentions(line)
        areas = [e for e in named if e[0] == "areas"]
        if len(areas) == 1:
            ent = areas[0]
        elif not areas and len({e for e in named if e[0] == "gemeinden"}) == 1:
            ent = named[0]
        elif not named:
            ent = _SUBJECT
        else:
            ent = None  # a line naming several areas: which number belongs to which is unknown
        out: tuple = (None, None, ())
        if ent is not None:
            # "11 Am Markt …": the position in a ranking, not a value
            text = _ROW_NUMBER_RE.sub(" ", line) if named else line
            text, col = self._row_label(text)
            out = (ent, col, _line_tokens(self.key_re.sub(" ", text) if self.key_re else text))
        if len(memo) >= _LINE_MEMO:
            memo.clear()
        memo[line] = out
        return out

    def _row_label(self, line: str) -> tuple[str, str | None]:
        """A line without the catalogue labels it names, and the one indicator it names.

        A label is template text: its numbers ("Pflegequote 65+", "je 1.000 unter 21") are
        not values. A line naming one indicator is a row of a profile or table
        (:meth:`_Compare._shown`).
        """
        if self.label_re is None:
            return line, None
        cols = {self.labels[h.group(0)] for h in self.label_re.finditer(line)}
        if not cols:
            return line, None
        line = self.label_re.sub(" ", line)
        return line, (next(iter(cols)) if len(cols) == 1 else None)

    def geoms(self, kind: str, crs) -> pd.Series | None:
        """Internal geometries of ``kind`` in ``crs`` (areas; municipalities and district
        dissolved from the areas where their frames have none)."""
        cache = self.__dict__.setdefault("_geoms", {})
        if (kind, str(crs)) in cache:
            return cache[(kind, str(crs))]
        import geopandas as gpd

        areas = self.data.areas
        out = None
        if isinstance(areas, gpd.GeoDataFrame) and areas.crs is not None:
            fr = self.data.frames()[kind][0]
            if isinstance(fr, gpd.GeoDataFrame) and fr.crs is not None:
                g = fr.geometry
            elif kind == "gemeinden":
                g = areas.dissolve(by=self.data.area_ags_col).geometry
            else:
                g = gpd.GeoSeries(
                    [areas.union_all()], index=self.frames["kreis"].index[:1], crs=areas.crs
                )
            g = g.set_axis(g.index.astype(str))
            out = g.to_crs(crs) if crs is not None else g
        cache[(kind, str(crs))] = out
        return out


def _alternation(words: set[str], before: str, after: str) -> re.Pattern | None:
    if not words:
        return None
    alt = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return re.compile(f"{before}(?:{alt}){after}")


def _key_text(v) -> str:
    """A cell as a key is written: whole numbers without a decimal point, text stripped."""
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return ""
    if isinstance(v, (int, np.integer)) or (isinstance(v, float) and v.is_integer()):
        return str(int(v))
    return str(v).strip()


def _fraction(v) -> bool:
    return isinstance(v, (float, np.floating)) and not float(v).is_integer()


def _key_cells(vals) -> list[str] | None:
    """The cells of a column as key text; ``None`` where a cell is a fraction (no key column).

    Columns of plain numpy types are read as a list (their elements are the Python
    objects ``Series.map`` would pass); other types keep pandas' element-wise map.
    """
    dtype = getattr(vals, "dtype", None)
    if not isinstance(vals, pd.Series) or not (
        isinstance(dtype, np.dtype) and dtype.kind in "biufO"
    ):
        if vals.map(_fraction).any():
            return None
        return vals.map(_key_text).tolist()
    if dtype.kind == "f":  # NaN and infinities are no whole numbers either
        a = vals.to_numpy()
        if not np.isfinite(a).all() or bool((a != np.floor(a)).any()):
            return None
    raw = vals.tolist()
    if dtype.kind == "O" and any(_fraction(v) for v in raw):
        return None
    return [_key_text(v) for v in raw]


def _no_key_numbers(vals, internal: _Internal) -> bool:
    """Whether a column of plain numbers holds no number written as a key or name.

    A whole number ``v`` is written ``str(int(v))`` (:func:`_key_text`): it names an
    entry only if that text (or, for 0, the empty text left without leading zeros) is
    one (:meth:`_Internal.key_numbers`). Such columns (counts, rates) are most columns.
    """
    dtype = getattr(vals, "dtype", None)
    if not isinstance(vals, pd.Series) or not (
        isinstance(dtype, np.dtype) and dtype.kind in "biuf"
    ):
        return False
    if dtype.kind == "f":
        a = vals.to_numpy()
        if not np.isfinite(a).all() or bool((a != np.floor(a)).any()):
            return True  # a fraction or a gap: no key column (as in _key_cells)
    numbers, empty = internal.key_numbers()
    present = set(vals.tolist())
    return numbers.isdisjoint(present) and not (empty and 0 in present)


def _match_keys(table: _Table, internal: _Internal) -> tuple[str, str, pd.Series] | None:
    """Find the key column and level of a table: (column, kind, mapped keys)."""
    best = None
    for col in table.frame.columns:
        vals = table.frame[col]
        if _no_key_numbers(vals, internal):
            continue
        cells = _key_cells(vals)
        if cells is None:
            continue
        # the cell as written, else without leading zeros where it is all digits
        bare = [c.lstrip("0") if c.isdigit() else None for c in cells]
        seen = set(cells).union(b for b in bare if b is not None)
        for kind in ("areas", "gemeinden", "kreis"):
            for src in (internal.lookup[kind], internal.names[kind]):
                if src.keys().isdisjoint(seen):
                    continue  # no cell names a key or name of this source
                mapped = [
                    src[c] if c in src else src.get(b) for c, b in zip(cells, bare, strict=True)
                ]
                # score: distinct keys matched (an AGS column of an area table matches
                # many rows but few distinct municipalities), then rows matched
                hits = [k for k in mapped if k is not None]
                n = (len(set(hits)), len(hits))
                if n[0] and (best is None or n > best[0]):
                    best = (n, str(col), kind, mapped, vals.index)
    if best is None:
        return None
    return best[1], best[2], pd.Series(best[3], index=best[4], dtype=object)


def _match_geometry(table: _Table, internal: _Internal) -> tuple[str, str, pd.Series] | None:
    """Tie features without key or name to areas by location: overlap (IoU) ≥ 0.5."""
    import shapely

    geoms = table.geometry or []
    polys = np.array(
        [
            g if g is not None and g.geom_type in ("Polygon", "MultiPolygon") else None
            for g in geoms
        ],
        dtype=object,
    )
    if not len(polys) or all(g is None for g in polys):
        return None
    best = None
    for kind in ("areas", "gemeinden", "kreis"):
        ref = internal.geoms(kind, table.crs)
        if ref is None or not len(ref):
            continue
        tree = shapely.STRtree(ref.to_numpy())
        keys: list[str | None] = []
        for g in polys:
            if g is None or g.is_empty:
                keys.append(None)
                continue
            cand = tree.query(g, predicate="intersects")
            if not len(cand):
                keys.append(None)
                continue
            cg = ref.to_numpy()[cand]
            inter = shapely.area(shapely.intersection(cg, g))
            iou = inter / np.maximum(shapely.area(shapely.union(cg, g)), 1e-30)
            j = int(np.argmax(iou))
            keys.append(str(ref.index[cand[j]]) if iou[j] >= 0.5 else None)
        mapped = pd.Series(keys, index=table.frame.index, dtype=object)
        n = (int(mapped.dropna().nunique()), int(mapped.notna().sum()))
        if n[0] and (best is None or n > best[0]):
            best = (n, "(Geometrie)", kind, mapped)
    return None if best is None else best[1:]


def _near_mask(xs: np.ndarray, readings: Sequence[tuple[float, int]]) -> np.ndarray:
    """Values within half a unit of the last shown decimal of a reading (candidates of
    :func:`_matches`, which then decides exactly)."""
    mask = np.zeros(len(xs), dtype=bool)
    with np.errstate(invalid="ignore"):
        for y, d in readings:
            tol = 0.5 * 10.0 ** (-min(d, 9)) + 1e-9 * np.maximum(1.0, np.abs(xs))
            mask |= np.abs(xs - y) <= tol
    return mask


def _near(xs: np.ndarray, readings: Sequence[tuple[float, int]]) -> np.ndarray:
    return xs[_near_mask(xs, readings)]


def _strong(readings: Sequence[tuple[float, int]]) -> list[tuple[float, int]]:
    """Readings worth comparing: not small whole numbers (classes, ranks) and not years.

    Only numbers written without decimals count as whole: ``4,0 %`` is a value, ``4`` a class.
    """
    return [
        (y, d)
        for y, d in readings
        if not (d == 0 and float(y).is_integer() and (0 <= y <= 10 or 1900 <= y <= 2100))
    ]


def _table_key(tab: _Table, model: _Internal) -> tuple | None:
    """What a table's comparison depends on: level, layer, notation, cells, geometry.

    The cells as pickled (types, values and column order; a fraction of the time
    of hashing them cell by cell); ``None`` where they cannot be pickled (such a
    table is always compared).
    """
    import shapely

    try:
        h = hashlib.sha256(pickle.dumps(tab.frame, protocol=5))
    except Exception:  # noqa: BLE001 - a table that cannot be pickled is simply compared
        return None
    if tab.geometry is not None:
        wkb = shapely.to_wkb(np.asarray(tab.geometry, dtype=object))
        h.update(b"".join(b"\0" if g is None else g for g in wkb))
        h.update(str(tab.crs).encode())
    return (model.level, model.ags, tab.layer, tab.prefer, h.hexdigest())


#: Lines shorter than this are never taken for a method note (:meth:`_Compare._note`).
_NOTE_GRAM = 12


def _grams(text: str) -> frozenset[str]:
    """Every piece of :data:`_NOTE_GRAM` characters of ``text`` (a line of it starts with one)."""
    return frozenset(text[i : i + _NOTE_GRAM] for i in range(len(text) - _NOTE_GRAM + 1))


class _Compare:
    """Compares numbers with the internal values and collects findings."""

    def __init__(self, model: _Internal, tables: dict | None = None):
        self.model = model
        self.findings: list[dict] = []
        self.known: set[tuple[str, str, str]] = set()  # (kind, key, col) shown exactly
        self.values = 0
        #: tables compared before with the same model (:meth:`table`), shared by the
        #: entries of a batch at one level (a site's downloads equal its package's tables)
        self.tables = tables
        self._shown_now: list | None = None  # cells shown exactly by the table compared now
        self.notes = ""  # text of method notes (numbers there are template constants)
        self._note_memo: tuple[str, dict[str, bool], frozenset[str]] = (self.notes, {}, frozenset())
        self._violations: dict[tuple[str, str, str], str | None] = {}
        self.public = {
            kind: [
                c
                for c in fr.columns
                if model.policy.is_public(c)
                and c != "geometry"
                and pd.api.types.is_numeric_dtype(fr[c])
            ]
            for kind, fr in model.frames.items()
        }

    def add(self, file: str, layer: str, col: str, key: str, raw, reason: str) -> None:
        self.findings.append(
            {
                "file": file,
                "layer": layer,
                "column": col,
                "area": key,
                "value": raw,
                "reason": reason,
            }
        )

    def violation(self, kind: str, key: str, col: str) -> str | None:
        """:meth:`_Internal.violation` at this check's level, remembered per cell."""
        cell = (kind, key, col)
        memo = self._violations
        if cell not in memo:
            memo[cell] = self.model.violation(kind, key, col)
        return memo[cell]

    def known_column(self, kind, key, icol, readings, where) -> None:
        """A number under a header that names an internal column: compare with that cell."""
        if not _matches(self.model.value(kind, key, icol), readings):
            return
        self.known.add((kind, key, icol))
        if self._shown_now is not None:
            self._shown_now.append((kind, key, icol))
        reason = self.violation(kind, key, icol)
        if reason:
            self.add(where[0], where[1], icol, key, where[2], reason)

    def any_column(self, kind, key, readings, where, head: str | None = None) -> None:
        """A number of unknown meaning: compare with every withheld value of the same area.

        A number equal to a public value of the same area is explained by it (e.g. an
        index under a label the checker does not know) and is not compared.
        """
        strong = _strong(readings)
        if not strong:
            return
        m = self.model
        pub = self.public[kind]
        if any(_matches(x, strong) for x in _near(m.row_values(kind, key, pub), strong)):
            return
        cols = m.sensitive[kind]
        xs = m.row_values(kind, key, cols)
        for j in np.flatnonzero(_near_mask(xs, strong)):
            c = cols[j]
            if _matches(xs[j], strong):
                reason = self.violation(kind, key, c)
                if reason:
                    col = c if head is None else f"{head} (= {c})"
                    self.add(where[0], where[1], col, key, where[-1], reason)
                    return

    def table(self, tab: _Table) -> bool:
        """Compare a table; False when no row could be tied to an area.

        A table equal in layer, cells and geometry to one compared before with the
        same model (:attr:`tables`) is not compared again: its findings (under this
        file's name), the cells it shows exactly and its count of numbers are those
        of the first (the comparison depends on nothing else).
        """
        if self.tables is None:
            return self._table(tab)
        key = _table_key(tab, self.model)
        done = self.tables.get(key) if key is not None else None
        if done is not None:
            tied, findings, shown, values = done
            self.findings += [{**f, "file": tab.file} for f in findings]
            self.known.update(shown)
            self.values += values
            return tied
        first, values, self._shown_now = len(self.findings), self.values, []
        try:
            tied = self._table(tab)
            if key is not None:
                self.tables[key] = (
                    tied,
                    self.findings[first:],
                    tuple(self._shown_now),
                    self.values - values,
                )
        finally:
            self._shown_now = None
        return tied

    def _table(self, tab: _Table) -> bool:
        hit = _match_keys(tab, self.model) or _match_geometry(tab, self.model)
        if hit is None:
            return False
        key_col, kind, keys = hit
        row_keys = keys.tolist()
        for col in tab.frame.columns:
            head = str(col)
            if col == key_col or head.endswith("_status") or head.startswith("_"):
                continue
            icol = self.model.header.get(normalise_header(head))
            if self.model.is_public(head) or (icol is not None and self.model.is_public(icol)):
                # a public column: read, nothing to compare
                self.values += sum(bool(_readings(v)) for v in tab.frame[col].tolist())
                continue
            if icol is not None and self._known_numbers(tab, kind, row_keys, icol, col):
                continue
            for key, raw in zip(row_keys, tab.frame[col].tolist(), strict=True):
                if raw is None or key is None or (isinstance(key, float) and np.isnan(key)):
                    continue  # (an empty cell holds no number: nothing to read or count)
                self._cell(tab, kind, key, head, icol, raw)
        return True

    def _known_numbers(self, tab: _Table, kind: str, row_keys: list, icol: str, col) -> bool:
        """A column of plain numbers under a known header, compared as :meth:`_cell` does.

        Every number is counted; only a number within 0.6 (plus float error) of its
        cell's internal value can equal it as printed (:func:`_matches`: exactly, or
        rounded to the decimals shown), so only those go through :meth:`known_column`.
        False for columns of other types (compared cell by cell).
        """
        series = tab.frame[col]
        dtype = getattr(series, "dtype", None)
        if not isinstance(series, pd.Series) or not (
            isinstance(dtype, np.dtype) and dtype.kind in "iuf"
        ):
            return False
        m = self.model
        rows, j = m.row[kind], m.pos[kind].get(icol)
        keyed = [
            (n, rows.get(k))
            for n, k in enumerate(row_keys)
            if not (k is None or (isinstance(k, float) and np.isnan(k)))
        ]
        if not keyed:
            return True
        ys = series.to_numpy(dtype=float)[[n for n, _i in keyed]]
        self.values += int(np.count_nonzero(~np.isnan(ys)))  # every number has a reading
        if j is None:
            return True  # no internal value: nothing can match
        xs = np.array([np.nan if i is None else m.arr[kind][i, j] for _n, i in keyed])
        with np.errstate(invalid="ignore"):
            tol = 0.6 + 1e-9 * (np.maximum(1.0, np.abs(xs)) + np.abs(ys))
            near = np.abs(xs - ys) <= tol  # False where either is NaN
        raw = series.tolist()
        for at in np.flatnonzero(near):
            n = keyed[at][0]
            readings = _readings(raw[n], tab.prefer)
            self.known_column(kind, row_keys[n], icol, readings, (tab.file, tab.layer, raw[n]))
        return True

    def _cell(self, tab: _Table, kind: str, key: str, head: str, icol, raw) -> None:
        readings = _readings(raw, tab.prefer)
        where = (tab.file, tab.layer, raw)
        if readings:
            self.values += 1
            if icol is not None:
                self.known_column(kind, key, icol, readings, where)
            else:
                self.any_column(kind, key, readings, where, head)
            return
        if isinstance(raw, str) and len(_NUM_RE.findall(raw)) > 1:  # text with several numbers
            for tok in _line_tokens(raw):
                self.values += 1
                self.any_column(
                    kind,
                    key,
                    _readings(tok, tab.prefer),
                    (tab.file, tab.layer, tok),
                    head,
                )

    def text(
        self, tx: _Text, subject: tuple[str, str] | None, notation: str | None = None
    ) -> tuple[tuple[str, str] | None, bool]:
        """Compare the lines of a page; returns the page's subject and whether any line was tied.

        ``notation`` (``"de"``/``"en"``, see :func:`_notation`) is how the document writes
        its numbers; ``None`` reads every number both ways (the safe side).
        """
        m = self.model
        # a page's subject is named in its title, not in a method note that ends on it
        # (a parameter "areas without neighbours: 07999002010" continued from the page before)
        title: list[str] = []
        for x in tx.lines:
            if len(title) == _TITLE_LINES:
                break
            if not self._note(x):
                title.append(x)
        own = _subject(title, m) or subject
        tied = False
        shown_of = self._shown
        for line in tx.lines:
            if self._note(line):
                continue  # a line of a method note (marked in the HTML the PDF was made from)
            ent, col, tokens = m.line_parts(line)
            if ent is _SUBJECT:
                ent = own
            if ent is None:
                continue
            tied = True
            kind, key = ent
            shown = shown_of(col) if col is not None else ()
            for tok in tokens:
                self.values += 1
                readings = _readings(tok, "de", notation)
                if shown and any(_matches(x, _strong(readings)) for x in shown):
                    continue  # the district's value of the row's indicator (released)
                self.any_column(kind, key, readings, (tx.file, tx.layer, tok))
        return own, tied

    def _note(self, line: str) -> bool:
        """Whether a line is (part of) a method note of the package's HTML (``data-methode``)."""
        if len(line) < _NOTE_GRAM:
            return False
        memo = self._note_memo
        if memo[0] is not self.notes:  # remembered per line for the notes of this package
            memo = self._note_memo = (self.notes, {}, _grams(self.notes))
        hit = memo[1].get(line)
        if hit is None:
            # a line inside the notes starts with one of their pieces of _NOTE_GRAM
            # characters: most lines fail that test and need no search of the notes
            hit = memo[1][line] = line[:_NOTE_GRAM] in memo[2] and line in self.notes
        return hit

    def _shown(self, col: str) -> list[float]:
        """The district's values of ``col`` that this level shows (remembered per column).

        A line naming one indicator is a row of a profile or table: the district's value
        of that indicator, where the level shows it, is printed there as the comparison
        ("Kreis") and explains an equal number.
        """
        memo = self.__dict__.setdefault("_shown_memo", {})
        if col not in memo:
            m = self.model
            shown = []
            for k in m.frames["kreis"].index:
                x = m.value("kreis", k, col)
                if not np.isnan(x) and m.violation("kreis", k, col) is None:
                    shown.append(x)
            memo[col] = shown
        return memo[col]


#: A page's subject is named in its title: its first lines.
_TITLE_LINES = 8

_ROW_NUMBER_RE = re.compile(r"^\d{1,4}\.?\s+(?=\D|\d{5,}\b)")  # before a name or a key


def _subject(lines: list[str], m: _Internal) -> tuple[str, str] | None:
    """The one area a page is about, else the one municipality (by key, else by name)."""
    text = "\n".join(lines)
    for rx in (m.key_re, m.name_re):
        if rx is None:
            continue
        found = {e for hit in set(rx.findall(text)) for e in m.entity.get(hit, [])}
        areas = {e for e in found if e[0] == "areas"}
        gems = {e for e in found if e[0] == "gemeinden"}
        if len(areas) == 1:
            return next(iter(areas))
        if not areas and len(gems) == 1:
            return next(iter(gems))
        if len(gems) == 1 and rx is m.key_re:
            return next(iter(gems))  # a municipality's page listing its areas
        if found:
            return None
    return None


#: "Rang 3 / 80", "3 von 80": ranks and counts of areas are positions, not values.
_RANK_RE = re.compile(r"(?:Rang|rank|Platz)\s*\d+|\d+\s*(?:/|von|of)\s*\d+", re.I)

#: Digits inside a word are part of a name, not a value: column ids in formulas
#: ("ew_0_17 / ew_ges"), "ew_65plus", "B96".
_IDENT_RE = re.compile(r"\w*(?:[^\W\d]\d|\d[^\W\d])\w*")

#: A power of ten after "je", "pro", "per", "×" is the base of a rate — the unit
#: ("je 1.000 Einwohner", "× 100", "pro 100.000"), not a value.
_FACTOR_RE = re.compile(
    r"(?:(?<!\w)(?:je|pro|per|auf)\s+|[×*·]\s*|(?<!\w)x\s+)"
    r"1(?:0{1,2}|[.,\u202f\u00a0 ]?000|0[.,\u202f\u00a0 ]?000|00[.,\u202f\u00a0 ]?000)?(?![\d.,]?\d)",
    re.I,
)


#: Ages in an age phrase are a group's name, not a value: "65 Jahre und älter",
#: "18- bis 24-Jährige", "0 bis unter 3 Jahre", "aged 80 and over", "aged 18-24", "unter 21".
_AGE_RE = re.compile(
    r"(?<![\d.,])\d{1,3}-?(?:\s*(?:bis(?:\s+unter)?|–|-)\s*\d{1,3}-?)?\s*"
    r"(?:Jahre|Jahren|Jährige\w*)(?!\w)"
    r"|(?<!\w)aged\s+\d{1,3}(?:\s*(?:–|-|to)\s*\d{1,3})?(?![\d.,]?\d)"
    r"|(?<!\w)(?:unter|under)\s+\d{1,2}(?=\s*(?:$|Jahr|\)))",  # "je 1.000 unter 21"
)


def _tokens(text: str) -> list[str]:
    """The numbers of a text (ranks such as "3 / 80", rate bases such as "je 1.000",
    ages such as "65 Jahre und älter" and digits inside words such as "ew_0_17" left out)."""
    return list(_line_tokens(text))


@functools.lru_cache(maxsize=1 << 17)
def _line_tokens(text: str) -> tuple[str, ...]:
    """:func:`_tokens` as a tuple, remembered per text (a file's lines are read up to three
    times: notation, comparison, tie; template lines repeat in every profile)."""
    if not _DIGIT_RE.search(text):
        return ()
    out = []
    text = _FACTOR_RE.sub(" ", _IDENT_RE.sub(" ", _AGE_RE.sub(" ", text)))
    for tok in _NUM_RE.findall(_RANK_RE.sub(" ", text)):
        tok = tok.strip(" .,'\u202f\u00a0")
        if tok and any(ch.isdigit() for ch in tok):
            out.append(tok)
    return tuple(out)


def _notation(lines: Iterable[str]) -> str | None:
    """How a document writes its numbers: ``"de"`` (``12,5``), ``"en"`` (``12.5``) or ``None``.

    A number readable in one notation only ("12,5", "1.234,5", "0,050") is evidence of
    it. A document with evidence of one notation and none of the other writes every
    number so: in it, "1.000" is one thousand (German) and never 1 with three
    decimals. Mixed or no evidence: ``None`` (every number read both ways).
    """
    de = en = False
    for line in lines:
        d, e = _notation_of(line)
        de, en = de or d, en or e
    if de != en:
        return "de" if de else "en"
    return None


@functools.lru_cache(maxsize=1 << 17)
def _notation_of(line: str) -> tuple[bool, bool]:
    """Whether a line holds a number readable only the German way, only the English way
    (:func:`_notation`; remembered per line: template lines repeat in every page)."""
    seen = {"de": False, "en": False}
    for tok in _line_tokens(line):
        if "," not in tok and "." not in tok:
            continue
        de = bool(_readings(tok, "de", "de"))
        en = bool(_readings(tok, "de", "en"))
        if de != en:
            seen["de" if de else "en"] = True
    return seen["de"], seen["en"]


# --------------------------------------------------------------------------- main


def _files(path: Path, skip: Sequence[Path] = ()) -> list[Path]:
    """The files of ``path`` (a file or a folder, read recursively) outside the folders ``skip``
    that lie inside it."""
    if path.is_dir():
        out = sorted(p for p in path.rglob("*") if p.is_file())
        inside = [s for s in skip if s != path and s.is_relative_to(path)]
        return [p for p in out if not any(p.is_relative_to(s) for s in inside)] if inside else out
    return [path]


def _check_file(path: Path, rel: str, cmp: _Compare, lang) -> FileCheck:
    """Read one file and compare everything in it; unknown or unreadable files are findings."""
    reader = _READERS.get(path.suffix.lower())
    if reader is None:
        why = t(_MSG, "unknown_type", lang, suffix=path.suffix or path.name)
        cmp.add(rel, "", "", "", "", "unbekannter Dateityp")
        return FileCheck(rel, refused=why)
    try:
        read = reader(path, rel)
    except _Unreadable as err:
        cmp.add(rel, "", "", "", "", "nicht lesbar")
        return FileCheck(rel, refused=t(_MSG, str(err.args[0]), lang))
    except Exception as err:  # noqa: BLE001 - any unreadable file is refused, never skipped
        cmp.add(rel, "", "", "", "", "nicht lesbar")
        return FileCheck(rel, refused=t(_MSG, "unreadable", lang, err=err))
    before = cmp.values
    skipped: list[str] = []
    for tab in read.tables:
        if not cmp.table(tab) and _numbers_in(tab.frame):
            skipped.append(tab.layer or "Tabelle")
    subject = None
    notation = _notation(x for tx in read.texts for x in tx.lines)
    for tx in read.texts:
        carry = tx.layer.startswith("Seite") or tx.follows
        subject, tied = cmp.text(tx, subject if carry else None, notation)
        if not tied and any(_strong(_readings(tok)) for x in tx.lines for tok in _line_tokens(x)):
            skipped.append(tx.layer)
    return FileCheck(
        rel,
        reader=read.reader,
        tables=len(read.tables),
        lines=sum(len(tx.lines) for tx in read.texts),
        values=cmp.values - before,
        skipped=tuple(dict.fromkeys(skipped)),
    )


def _method_notes(files: Iterable[Path]) -> str:
    """The text of all method notes (``data-methode``) of the HTML files, one line each.

    A PDF made from such a page carries the same notes without the mark; their lines
    are recognised by this text.
    """
    notes = []
    for f in files:
        if f.suffix.lower() not in (".html", ".htm"):
            continue
        text = f.read_text(encoding="utf-8", errors="replace")
        for m in _marked(_METHOD_RE, _METHOD_WORD, text):
            notes.append(" ".join(_html_lines(re.sub(r"\bdata-methode\b", "", m.group(0)))))
    return "\n".join(notes)


def _numbers_in(frame: pd.DataFrame) -> bool:
    return any(_strong(_readings(v)) for col in frame.columns for v in frame[col].tolist())


def check_release(
    path_or_folder: str | Path | Iterable[str | Path],
    internal: ReleaseData,
    *,
    level: str,
    ags: str | None = None,
    policy: ReleasePolicy | None = None,
    recover: bool = True,
    audit: AuditHook | None = None,
    prints: bool = False,
    lang: str | None = None,
    labels: Mapping[str, str] | None = None,
) -> CheckReport:
    """Check written files against the internal data for values beyond ``level``.

    Parameters
    ----------
    path_or_folder
        A file, a folder (every file in it, recursively) or a list of them.
    internal
        The internal results the files were cut from (:class:`ReleaseData`).
    level
        ``oeffentlich``, ``kommunal`` (with ``ags``) or ``intern``.
    policy
        Public columns, released columns and the threshold of small counts.
    recover
        Also look for values recoverable by subtraction from published sums.
    audit
        Optional further audit of the package (:data:`AuditHook`), called as
        ``audit(path_or_folder, internal, level=, ags=, policy=)``; its findings
        are added to the report.
    prints
        A PDF that this process printed from an HTML file checked in the same call
        (:mod:`sozialraum.core.prints`), with both files unchanged since the print
        (SHA-256) and an HTML file that shows nothing but its own text (no scripts,
        no external resources, raster images only), is not read again: its text is
        the HTML's, compared there. Every other PDF is read. Default: read every PDF.
    lang
        Language of messages.
    labels
        Column → header the files were written with (as given to
        :func:`~sozialraum.privacy.write_release`), so that a column under its header is
        compared with its own value; the catalogue's labels are known anyway.

    Returns
    -------
    CheckReport
        Findings, and for every file how it was read and compared.
    """
    _check_args(level, ags, lang)
    policy = policy or ReleasePolicy()
    model = _Internal(internal, policy, level, None if ags is None else str(ags), labels)
    return _check(path_or_folder, model, recover=recover, audit=audit, prints=prints, lang=lang)


def _check_args(level: str, ags, lang) -> None:
    if level not in RELEASE_LEVELS:
        raise InputError(t(_MSG, "bad_level", lang, level=level))
    if level == "kommunal" and ags is None:
        raise InputError(t(_MSG, "need_ags", lang))


def _check(
    path_or_folder, model: _Internal, *, recover, audit, prints, lang, skip=(), tables=None
) -> CheckReport:
    """:func:`check_release` with the internal model built (``tables``: :attr:`_Compare.tables`)."""
    paths = [path_or_folder] if isinstance(path_or_folder, (str, Path)) else list(path_or_folder)
    files: list[tuple[Path, str]] = []
    for p in paths:
        p = Path(p)
        if not p.exists():
            raise InputError(t(_MSG, "no_path", lang, path=p), file=str(p))
        root = p if p.is_dir() else p.parent
        files += [(f, f.relative_to(root).as_posix()) for f in _files(p, skip)]
    level, ags = model.level, model.ags
    cmp = _Compare(model, tables)
    cmp.notes = _method_notes(f for f, _ in files)
    printed = _printed_pdfs(files) if prints else {}
    checked = [
        FileCheck(rel, reader="PDF", printed_from=printed[f])
        if f in printed
        else _check_file(f, rel, cmp, lang)
        for f, rel in files
    ]
    findings = cmp.findings
    if recover and level != "intern":
        findings += _recoverable(model, cmp.known)
    if audit is not None:
        found = audit(path_or_folder, model.data, level=level, ags=ags, policy=model.policy)
        findings += pd.DataFrame(found, columns=_COLUMNS).to_dict("records")
    frame = pd.DataFrame(findings, columns=_COLUMNS).astype({"value": object})
    frame = frame.drop_duplicates().reset_index(drop=True)
    return CheckReport(
        findings=frame,
        level=level,
        ags=ags,
        files=tuple(str(f) for f, _ in files),
        skipped=tuple(f"{fc.file}[{s}]" for fc in checked for s in fc.skipped),
        checked=tuple(checked),
    )


#: What makes a browser show more than an HTML file's own text: scripts, frames,
#: linked styles or documents, SVG references, redirects, imported CSS.
_EMBED_RE = re.compile(
    r"<(?:script|iframe|frame|object|embed|link|base|image|use|video|audio|portal)\b"
    r"|\bhttp-equiv\b|@import|\bsrcset\s*=",
    re.I,
)
_RESOURCE_RE = re.compile(r"""(?:\bsrc\s*=|\burl\s*\()\s*["']?\s*([^"'\s)>]*)""", re.I)
_RASTER_RE = re.compile(r"data:image/(?:png|jpeg|gif|webp)[;,]", re.I)
_CSS_CONTENT_RE = re.compile(r"\bcontent\s*:([^;}]*)", re.I)


def _svg_without_digits(src: str) -> bool:
    """An embedded SVG image (a logo) whose text holds no digit and that loads nothing."""
    m = re.match(r"data:image/svg\+xml(;base64)?,(.*)", src, re.I | re.S)
    if not m:
        return False
    try:
        body = base64.b64decode(m.group(2)) if m.group(1) else m.group(2).encode()
        svg = body.decode("utf-8", errors="replace")
    except (binascii.Error, ValueError):
        return False
    if _EMBED_RE.search(svg) or re.search(r"<(?:foreignObject|style)\b|\bhref\s*=", svg, re.I):
        return False
    text = " ".join(re.findall(r"<(?:text|tspan|title|desc)\b[^>]*>([^<]*)", svg, re.I))
    return not re.search(r"\d", text)


def _prints_alone(text: str) -> bool:
    """Whether a browser's print of this HTML shows no text but the HTML's own.

    Raster images only (their pixels are no text of a PDF), no scripts or other
    documents, and no digits in text that style sheets add (``content: "…"``).
    """
    if _EMBED_RE.search(text):
        return False
    if any(
        not (_RASTER_RE.match(src) or _svg_without_digits(src))
        for src in _RESOURCE_RE.findall(text)
    ):
        return False
    for rule in _CSS_CONTENT_RE.findall(text):
        if re.search(r"""(["'])[^"']*\d[^"']*\1""", rule):
            return False
    return True


def _printed_pdfs(files: list[tuple[Path, str]]) -> dict[Path, str]:
    """PDFs that are the unchanged print of HTML files among ``files`` → the HTML's name."""
    from sozialraum.core.prints import print_sources

    html = {str(f.resolve()): rel for f, rel in files if f.suffix.lower() in (".html", ".htm")}
    digest: dict[str, str | None] = {}
    out: dict[Path, str] = {}
    for f, _rel in files:
        if f.suffix.lower() != ".pdf":
            continue
        sources = print_sources(f) or ()
        names = []
        for path, sha in sources:
            if path not in html:
                break
            if path not in digest:
                data = Path(path).read_bytes()
                alone = _prints_alone(
                    _without_raster_payloads(data.decode("utf-8", errors="replace"))
                )
                digest[path] = hashlib.sha256(data).hexdigest() if alone else None
            if digest[path] != sha:
                break
            names.append(html[path])
        else:
            if names:
                out[f] = names[0] if len(names) == 1 else f"{names[0]} … {names[-1]} ({len(names)})"
    return out


def check_releases(
    packages: Sequence[tuple[str | Path, str, str | None]],
    internal: ReleaseData,
    *,
    policy: ReleasePolicy | None = None,
    prints: bool = False,
    workers: int = 1,
    lang: str | None = None,
    labels: Mapping[str, str] | None = None,
    ready: Callable[[int], None] | None = None,
    skip: Sequence[str | Path] = (),
) -> list[CheckReport]:
    """:func:`check_release` of several packages of one release, in the order given.

    ``packages`` are ``(folder, level, ags)``. The internal model (frames, keys,
    names, labels) is built once for all; with ``workers`` > 1 the packages are
    checked on as many processes, forked from this one where the system can fork
    (elsewhere one after the other). Reports equal those of :func:`check_release`.

    ``ready(i)`` is called before package ``i`` is checked and returns once it is
    complete (e.g. waits for its PDFs): a package is checked while the next ones
    are still being printed. The records of its prints go with it to the worker
    (:func:`~sozialraum.core.prints.prints_under`).

    ``skip``: folders inside the packages that are not read here (e.g. a package's
    website, given as a package of its own in the same batch).

    Entries of the same level and municipality (a package and its website) are
    checked by one process one after the other; a table equal to one compared there
    before (a download of the site and the package's own file) is compared once,
    and its findings and shown values count for both (:meth:`_Compare.table`).
    """
    import copy
    import multiprocessing as mp

    policy = policy or ReleasePolicy()
    for _path, level, ags in packages:
        _check_args(level, ags, lang)
    base = _Internal(internal, policy, "intern", None, labels)
    models = []
    for _path, level, ags in packages:
        m = copy.copy(base)  # the caches inside are the same for every level
        m.level, m.ags = level, None if ags is None else str(ags)
        models.append(m)
    skip = tuple(Path(p) for p in skip)
    _BATCH[:] = [
        (path, m, prints, lang, skip) for (path, _lv, _a), m in zip(packages, models, strict=True)
    ]
    groups = _same_level(packages)
    wait = ready or (lambda _i: None)
    out: dict[int, CheckReport] = {}
    try:
        if workers < 2 or len(groups) < 2 or not can_fork():
            for group in groups:
                for i in group:
                    wait(i)
                out.update(zip(group, _batch_job(group), strict=True))
            return [out[i] for i in range(len(packages))]
        pool = mp.get_context("fork").Pool(min(workers, len(groups)), initializer=quiet_worker)
        try:
            pending = []
            for group in groups:
                for i in group:
                    wait(i)
                records = [prints_under(packages[i][0]) for i in group]
                pending.append((group, pool.apply_async(_batch_job, (group, records))))
            for group, r in pending:
                out.update(zip(group, r.get(), strict=True))
            pool.close()  # the workers end on their own (no signal)
        except BaseException:
            pool.terminate()
            raise
        finally:
            pool.join()
        return [out[i] for i in range(len(packages))]
    finally:
        _BATCH.clear()


def _same_level(packages: Sequence[tuple]) -> list[list[int]]:
    """The entries of a batch grouped by level and municipality, in the order given.

    One process checks a group one entry after the other and compares a table
    it has compared before only once (:attr:`_Compare.tables`): a package's site
    offers the package's tables as downloads.
    """
    groups: dict[tuple, list[int]] = {}
    for i, (_path, level, ags) in enumerate(packages):
        groups.setdefault((level, None if ags is None else str(ags)), []).append(i)
    return list(groups.values())


_BATCH: list = []  # the packages a forked worker checks (inherited, not pickled)


def _batch_job(group: list[int], records: list | None = None) -> list[CheckReport]:
    """Check the entries ``group`` of the batch (one level) with one memo of compared tables."""
    tables: dict = {}
    out = []
    for n, i in enumerate(group):
        if records and records[n]:
            adopt_prints(records[n])  # prints made after this worker was forked
        path, model, prints, lang, skip = _BATCH[i]
        out.append(
            _check(
                path,
                model,
                recover=True,
                audit=None,
                prints=prints,
                lang=lang,
                skip=skip,
                tables=tables,
            )
        )
    return out


def _recoverable(model: _Internal, known: set[tuple[str, str, str]]) -> list[dict]:
    """Values recoverable by subtraction from published sums (fixed point over the hierarchy)."""
    out = []
    areas, gem, kreis = model.frames["areas"], model.frames["gemeinden"], model.frames["kreis"]
    by_gem = {g: list(idx) for g, idx in areas.groupby(model.area_gem.to_numpy()).groups.items()}
    known = set(known)
    for col in model.counts:
        if col not in areas.columns or col not in gem.columns:
            continue
        groups: list[list[tuple[str, str, str]]] = []
        for g in gem.index:
            if np.isnan(model.value("gemeinden", g, col)):
                continue
            members = [
                ("areas", a, col)
                for a in by_gem.get(g, [])
                if not np.isnan(model.value("areas", a, col))
            ]
            groups.append(members + [("gemeinden", g, col)])
        if col in kreis.columns:
            for k in kreis.index:
                if np.isnan(model.value("kreis", k, col)):
                    continue
                members = [
                    ("gemeinden", g, col)
                    for g in gem.index
                    if not np.isnan(model.value("gemeinden", g, col))
                ]
                groups.append(members + [("kreis", k, col)])
        changed = True
        while changed:
            changed = False
            for grp in groups:
                unknown = [c for c in grp if c not in known]
                if len(unknown) != 1:
                    continue
                cell = unknown[0]
                known.add(cell)
                changed = True
                kind, key, c = cell
                reason = None if cell in model.partial else model.violation(kind, key, c)
                if reason:
                    x = model.value(kind, key, c)
                    out.append(
                        {
                            "file": "(Summen)",
                            "layer": kind,
                            "column": c,
                            "area": key,
                            "value": int(x) if float(x).is_integer() else x,
                            "reason": "rückrechenbar",
                        }
                    )
    return out
