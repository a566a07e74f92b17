"""Recommendations (Handlungsempfehlungen) and target agreements (Zielvereinbarungen).

Planners write them per area, municipality or region, outside Python:

* **Excel** — :func:`write_template` exports one sheet ``Empfehlungen`` with a row per
  area/municipality (``Schlüssel``, ``Ebene``, ``Name``), its key figures (only what
  the chosen release level may show) and two empty text columns
  ``Handlungsempfehlung`` and ``Zielvereinbarung``; :func:`read_recommendations`
  reads the filled sheet back.
* **Markdown** — one file; ``## <Schlüssel> [Name]`` starts an area or
  municipality, ``### Handlungsempfehlung`` / ``### Zielvereinbarung`` its two
  parts (text right under ``##`` is a recommendation)::

      ## 07999001005 Wohnpark Am Sonnenhang
      ### Handlungsempfehlung
      - Familienzentrum **ausbauen**
      ### Zielvereinbarung
      Kinderarmut bis 2027 unter den Kreisdurchschnitt senken.

Both are validated: a key that is not an area or municipality of the run is an
:class:`~sozialraum.errors.InputError` naming file, row and value. Texts are kept as
the planner typed them (a ``'`` the template put before ``=``, ``-`` … is removed,
:func:`sozialraum.core.spreadsheet.restore`); every spreadsheet they are written to
neutralises them again (:func:`sozialraum.core.spreadsheet.neutralise`: ``=HYPERLINK(…)``
never becomes a live formula), and every HTML shows them through the safe Markdown
subset of :mod:`sozialraum.core.markdown` (everything else escaped).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from sozialraum._i18n import get_lang, t
from sozialraum.core.spreadsheet import restore
from sozialraum.core.status import hidden_mask
from sozialraum.errors import InputError

__all__ = [
    "KINDS",
    "COLUMNS",
    "Recommendations",
    "read_recommendations",
    "read_excel",
    "read_markdown",
    "template_frame",
    "write_template",
]

#: The two kinds of planner text, in reading order.
KINDS = ("empfehlung", "zielvereinbarung")

#: Column headers of the Excel sheet (German, English); reading accepts both.
COLUMNS = {
    "key": ("Schlüssel", "Key"),
    "unit": ("Ebene", "Level"),
    "name": ("Name", "Name"),
    "empfehlung": ("Handlungsempfehlung", "Recommendation"),
    "zielvereinbarung": ("Zielvereinbarung", "Target agreement"),
}
SHEET = "Empfehlungen"

_KIND_WORDS = {
    "empfehlung": (
        "handlungsempfehlung",
        "handlungsempfehlungen",
        "empfehlung",
        "empfehlungen",
        "recommendation",
        "recommendations",
    ),
    "zielvereinbarung": (
        "zielvereinbarung",
        "zielvereinbarungen",
        "ziele",
        "target agreement",
        "target agreements",
    ),
}

_MSG = {
    "unknown_key": {
        "de": "{file}, Zeile {row}: {value!r} ist weder ein Gebiet noch eine Gemeinde dieses "
        "Laufs (z. B. {have}). Bitte den Schlüssel aus der Vorlage übernehmen (als Text, mit "
        "führender Null).",
        "en": "{file}, row {row}: {value!r} is neither an area nor a municipality of this run "
        "(e.g. {have}). Copy the key from the template (as text, with its leading zero).",
    },
    "unknown_unit": {
        "de": "{file}, Zeile {row}: Ebene {value!r} ist unbekannt (erlaubt: {have}).",
        "en": "{file}, row {row}: level {value!r} is unknown (allowed: {have}).",
    },
    "no_key_col": {
        "de": "{file}: keine Spalte „Schlüssel“ gefunden (Spalten: {have}). Bitte die Vorlage von "
        "`sozialraum empfehlungen vorlage` verwenden.",
        "en": "{file}: no column 'Key' found (columns: {have}). Use the template of "
        "`sozialraum empfehlungen vorlage`.",
    },
    "no_text_col": {
        "de": "{file}: weder eine Spalte „Handlungsempfehlung“ noch „Zielvereinbarung“ gefunden "
        "(Spalten: {have}).",
        "en": "{file}: neither a column 'Recommendation' nor 'Target agreement' found "
        "(columns: {have}).",
    },
    "twice": {
        "de": "{file}, Zeile {row}: {kind} für {value!r} steht schon in Zeile {first}.",
        "en": "{file}, row {row}: {kind} for {value!r} is already in row {first}.",
    },
    "md_before": {
        "de": "{file}, Zeile {row}: Text vor der ersten Überschrift „## <Schlüssel>“; jeder Text "
        "gehört zu einem Gebiet oder einer Gemeinde.",
        "en": "{file}, row {row}: text before the first heading '## <key>'; every text belongs to "
        "an area or a municipality.",
    },
    "md_kind": {
        "de": "{file}, Zeile {row}: Überschrift {value!r}: erwartet „### Handlungsempfehlung“ oder "
        "„### Zielvereinbarung“.",
        "en": "{file}, row {row}: heading {value!r}: expected '### Recommendation' or "
        "'### Target agreement'.",
    },
    "suffix": {
        "de": "{file}: Empfehlungen werden aus .xlsx oder .md gelesen.",
        "en": "{file}: recommendations are read from .xlsx or .md.",
    },
    "missing": {
        "de": "Datei mit Empfehlungen nicht gefunden: {file}.",
        "en": "file of recommendations not found: {file}.",
    },
}


@dataclass(frozen=True)
class Recommendations:
    """Planner texts per unit and key.

    Attributes
    ----------
    frame
        One row per text: ``ebene`` (unit: ``"sozialraum"``, ``"gemeinde"`` or a region
        set), ``schluessel``, ``art`` (:data:`KINDS`), ``text`` (Markdown as typed),
        ``zeile`` (row in the source file).
    source
        The file name the texts were read from.
    """

    frame: pd.DataFrame
    source: str = ""

    @classmethod
    def empty(cls) -> Recommendations:
        return cls(pd.DataFrame(columns=["ebene", "schluessel", "art", "text", "zeile"]))

    def __len__(self) -> int:
        return len(self.frame)

    def texts(self, unit: str, key: str) -> dict[str, str]:
        """``{kind: text}`` of one unit and key (kinds without text left out)."""
        f = self.frame
        sel = f[(f["ebene"] == unit) & (f["schluessel"] == str(key))]
        return {
            k: str(sel.loc[sel["art"] == k, "text"].iloc[0]) for k in KINDS if k in set(sel["art"])
        }

    def keys(self, unit: str) -> list[str]:
        """Keys of ``unit`` that have any text, in file order."""
        f = self.frame
        return list(dict.fromkeys(f.loc[f["ebene"] == unit, "schluessel"]))

    def only(self, keys: Mapping[str, Iterable[str]]) -> Recommendations:
        """The texts whose key is among ``keys[unit]`` (e.g. one municipality's package)."""
        f = self.frame
        ok = np.zeros(len(f), dtype=bool)
        for unit, ks in keys.items():
            ok |= ((f["ebene"] == unit) & f["schluessel"].isin([str(k) for k in ks])).to_numpy()
        return Recommendations(f[ok].reset_index(drop=True), self.source)


def _text(v) -> str:
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return ""
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return str(v).strip()


def _key_text(v) -> str:
    if isinstance(v, float | np.floating) and float(v).is_integer():
        return str(int(v))
    return _text(v)


def _resolve(
    key: str,
    unit_cell: str,
    units: Mapping[str, set],
    labels: Mapping[str, str],
    where: tuple[str, int],
    L: str,
) -> str:
    """The unit of ``key`` (by the Ebene cell if given, else the unit that knows the key)."""
    file, row = where
    if unit_cell:
        want = unit_cell.strip().lower()
        names = {u: u for u in units} | {str(lbl).lower(): u for u, lbl in labels.items()}
        names = {k.lower(): v for k, v in names.items()}
        if want not in names:
            have = ", ".join(sorted({*units, *labels.values()}))
            raise InputError(
                t(_MSG, "unknown_unit", L, file=file, row=row, value=unit_cell, have=have),
                file=file,
                row=row,
                column=COLUMNS["unit"][0],
            )
        unit = names[want]
        if key in units[unit]:
            return unit
    for unit, ks in units.items():
        if key in ks:
            return unit
    have = ", ".join(repr(k) for u in units for k in sorted(units[u])[:2])
    raise InputError(
        t(_MSG, "unknown_key", L, file=file, row=row, value=key, have=have),
        file=file,
        row=row,
        column=COLUMNS["key"][0],
        ids=[key],
    )


def _find(cols: list[str], which: str) -> str | None:
    want = {w.lower() for w in COLUMNS[which]}
    return next((c for c in cols if str(c).strip().lower() in want), None)


def _add(rows: list[dict], seen: dict, rec: dict, where: tuple[str, int], L: str) -> None:
    ident = (rec["ebene"], rec["schluessel"], rec["art"])
    if ident in seen:
        file, row = where
        kind = COLUMNS[rec["art"]][0 if L == "de" else 1]
        raise InputError(
            t(
                _MSG,
                "twice",
                L,
                file=file,
                row=row,
                kind=kind,
                value=rec["schluessel"],
                first=seen[ident],
            ),
            file=file,
            row=row,
            ids=[rec["schluessel"]],
        )
    seen[ident] = where[1]
    rows.append(rec)


def read_excel(
    path,
    units: Mapping[str, Iterable[str]],
    *,
    labels: Mapping[str, str] | None = None,
    sheet: str | int | None = None,
    lang: str | None = None,
) -> Recommendations:
    """Read a filled template (see the module docstring); blank text cells are skipped."""
    from sozialraum.io import read_text_table

    L = get_lang(lang)
    units = {u: {str(k) for k in ks} for u, ks in units.items()}
    tt = read_text_table(path, sheet=sheet, lang=L)
    cols = list(tt.frame.columns)
    have = ", ".join(map(str, cols))
    kc, uc = _find(cols, "key"), _find(cols, "unit")
    if kc is None:
        raise InputError(t(_MSG, "no_key_col", L, file=tt.source, have=have), file=tt.source)
    text_cols = {k: _find(cols, k) for k in KINDS}
    if not any(text_cols.values()):
        raise InputError(t(_MSG, "no_text_col", L, file=tt.source, have=have), file=tt.source)
    rows: list[dict] = []
    seen: dict = {}
    for i, rec in enumerate(tt.frame.to_dict("records")):
        where = (tt.source, int(tt.rows[i]))
        key = _key_text(rec.get(kc))
        texts = {k: _text(rec.get(c)) for k, c in text_cols.items() if c}
        if not key and not any(texts.values()):
            continue
        unit = _resolve(key, _text(rec.get(uc)) if uc else "", units, labels or {}, where, L)
        for kind, text in texts.items():
            if text:
                r = {
                    "ebene": unit,
                    "schluessel": key,
                    "art": kind,
                    "text": restore(text),
                    "zeile": where[1],
                }
                _add(rows, seen, r, where, L)
    return _result(rows, tt.source)


def _result(rows: list[dict], source: str) -> Recommendations:
    if not rows:
        r = Recommendations.empty()
        return Recommendations(r.frame, source)
    return Recommendations(
        pd.DataFrame(rows)[["ebene", "schluessel", "art", "text", "zeile"]], source
    )


_HEAD = re.compile(r"^(#{1,3})\s+(.*?)\s*#*\s*$")


def read_markdown(
    path, units: Mapping[str, Iterable[str]], *, lang: str | None = None
) -> Recommendations:
    """Read a Markdown file of recommendations (see the module docstring)."""
    L = get_lang(lang)
    path = Path(path)
    units = {u: {str(k) for k in ks} for u, ks in units.items()}
    rows: list[dict] = []
    seen: dict = {}
    current: tuple[str, str, str, int] | None = None  # unit, key, kind, first row
    buf: list[str] = []

    def flush() -> None:
        text = "\n".join(buf).strip()
        if current is not None and text:
            unit, key, kind, row = current
            r = {
                "ebene": unit,
                "schluessel": key,
                "art": kind,
                "text": restore(text),
                "zeile": row,
            }
            _add(rows, seen, r, (path.name, row), L)
        buf.clear()

    lines = path.read_text(encoding="utf-8-sig").splitlines()
    for n, line in enumerate(lines, start=1):
        m = _HEAD.match(line)
        if m and len(m.group(1)) == 1:
            continue  # the document title
        if m and len(m.group(1)) == 2:
            flush()
            token = (m.group(2).split() or [""])[0]
            unit = _resolve(token, "", units, {}, (path.name, n), L)
            current = (unit, token, "empfehlung", n)
            continue
        if m and len(m.group(1)) == 3:
            flush()
            kind = _kind_of(m.group(2))
            if kind is None or current is None:
                raise InputError(
                    t(_MSG, "md_kind", L, file=path.name, row=n, value=line.strip()),
                    file=path.name,
                    row=n,
                )
            current = (current[0], current[1], kind, n)
            continue
        if current is None and line.strip():
            raise InputError(t(_MSG, "md_before", L, file=path.name, row=n), file=path.name, row=n)
        buf.append(line)
    flush()
    return _result(rows, path.name)


def _kind_of(heading: str) -> str | None:
    h = heading.strip().rstrip(":").lower()
    return next((k for k, words in _KIND_WORDS.items() if h in words), None)


def read_recommendations(
    path,
    units: Mapping[str, Iterable[str]],
    *,
    labels: Mapping[str, str] | None = None,
    lang: str | None = None,
) -> Recommendations:
    """Read recommendations from ``.xlsx`` (filled template) or ``.md``.

    Parameters
    ----------
    path
        The file.
    units
        ``{unit: keys}`` that may carry texts, e.g. ``{"sozialraum": area keys,
        "gemeinde": municipality keys}`` (region sets by their name).
    labels
        ``{unit: word}`` as written in the template's ``Ebene`` column
        (e.g. ``{"sozialraum": "Sozialraum"}``).
    """
    L = get_lang(lang)
    path = Path(path)
    if not path.exists():
        raise InputError(t(_MSG, "missing", L, file=path), file=str(path))
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return read_excel(path, units, labels=labels, lang=L)
    if path.suffix.lower() in (".md", ".markdown", ".txt"):
        return read_markdown(path, units, lang=L)
    raise InputError(t(_MSG, "suffix", L, file=path.name), file=path.name)


def template_frame(
    tables: Mapping[str, tuple[pd.DataFrame, pd.DataFrame | None]],
    *,
    figures: Iterable[str],
    level: str,
    name_col: str = "name",
    unit_labels: Mapping[str, str] | None = None,
    existing: Recommendations | None = None,
    lang: str | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The template table and its status codes.

    ``tables`` maps a unit to ``(values, status)`` (index = key; ``values`` has
    ``name_col`` and the figure columns). Values that ``level`` may not show
    (:func:`sozialraum.core.status.hidden_mask`) are left empty and carry their status
    code, so the sheet shows the statistical sign instead. Texts of ``existing`` are
    filled in (to revise last year's recommendations).
    """
    L = get_lang(lang)
    i = 0 if L == "de" else 1
    figures = list(figures)
    parts, stats = [], []
    for unit, (values, status) in tables.items():
        cols = [c for c in figures if c in values.columns]
        v = pd.DataFrame(index=values.index.astype(str))
        v[COLUMNS["unit"][i]] = (unit_labels or {}).get(unit, unit)
        v[COLUMNS["name"][i]] = (
            values[name_col].astype(str).to_numpy() if name_col in values.columns else ""
        )
        st = pd.DataFrame(index=v.index, columns=figures, dtype=object)
        for c in figures:
            if c not in cols:
                x = pd.Series(np.nan, index=values.index)
            elif pd.api.types.is_numeric_dtype(values[c]):
                x = pd.to_numeric(values[c], errors="coerce")
            else:  # a class or type: text as it is
                x = values[c].astype(object)
            x.index = v.index
            if status is not None and c in status.columns:
                s = status[c].reindex(values.index)
                s.index = v.index
                hidden = hidden_mask(s, level).astype(bool)
                x = x.mask(hidden)
                st[c] = s.astype(object).mask(hidden, "geheim")  # the sign of every secret code
            v[c] = x
        for k in KINDS:
            texts = [
                (existing.texts(unit, key).get(k, "") if existing is not None else "")
                for key in v.index
            ]
            v[COLUMNS[k][i]] = texts
        parts.append(v)
        stats.append(st)
    frame = pd.concat(parts)
    frame.index.name = COLUMNS["key"][i]
    return frame, pd.concat(stats)


def write_template(
    path,
    tables: Mapping[str, tuple[pd.DataFrame, pd.DataFrame | None]],
    *,
    figures: Iterable[str],
    level: str = "oeffentlich",
    name_col: str = "name",
    labels: Mapping[str, str] | None = None,
    unit_labels: Mapping[str, str] | None = None,
    decimals: Mapping[str, int] | int = 1,
    existing: Recommendations | None = None,
    lang: str | None = None,
) -> Path:
    """Write the Excel template (one sheet ``Empfehlungen``; see :func:`template_frame`).

    ``labels`` are the figure columns' headers (catalogue labels). Text is written
    through :func:`sozialraum.io.write_excel` (formula-like text neutralised).
    """
    from openpyxl import load_workbook
    from openpyxl.styles import Alignment

    from sozialraum.io import write_excel

    frame, status = template_frame(
        tables,
        figures=figures,
        level=level,
        name_col=name_col,
        unit_labels=unit_labels,
        existing=existing,
        lang=lang,
    )
    path = write_excel(
        {SHEET: frame}, path, labels=labels, status={SHEET: status}, decimals=decimals
    )
    wb = load_workbook(path)
    ws = wb[SHEET]
    for j in range(len(frame.columns) - len(KINDS) + 2, len(frame.columns) + 2):
        letter = ws.cell(row=1, column=j).column_letter
        ws.column_dimensions[letter].width = 60
        for row in ws.iter_rows(min_row=2, min_col=j, max_col=j):
            for c in row:
                c.alignment = Alignment(wrap_text=True, vertical="top")
                c.number_format = "@"
    wb.save(path)
    return Path(path)


_KIND_TITLES = {
    "empfehlung": ("Handlungsempfehlung", "Recommendation"),
    "zielvereinbarung": ("Zielvereinbarung", "Target agreement"),
}


def kind_title(kind: str, lang: str | None = None) -> str:
    """The heading of a kind of text (``Handlungsempfehlung``/``Zielvereinbarung``)."""
    return _KIND_TITLES[kind][0 if get_lang(lang) == "de" else 1]


def render_html(
    recs: Recommendations,
    names: Mapping[str, Mapping[str, str]],
    unit_labels: Mapping[str, str],
    title: str,
    lang: str | None = None,
) -> str:
    """A standalone HTML page of ``recs`` (municipality first, then its areas).

    Every text goes through :func:`sozialraum.core.markdown.to_html`; names and the
    title are escaped.
    """
    from markupsafe import escape

    from sozialraum.core.markdown import to_html

    L = get_lang(lang)
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{L}"><head><meta charset="utf-8"><title>{escape(title)}</title>',
        "<style>body{font-family:sans-serif;max-width:50em;margin:2em auto;line-height:1.45}"
        "h2{border-bottom:1px solid #ccc}</style></head><body>",
        f"<h1>{escape(title)}</h1>",
    ]
    for unit in (
        "gemeinde",
        "sozialraum",
        *sorted(set(recs.frame["ebene"]) - {"gemeinde", "sozialraum"}),
    ):
        for key in recs.keys(unit):
            name = names.get(unit, {}).get(key, key)
            parts.append(f"<h2>{escape(unit_labels.get(unit, unit))} {escape(name)}</h2>")
            for kind, text in recs.texts(unit, key).items():
                parts.append(f"<h3>{escape(kind_title(kind, L))}</h3>")
                parts.append(str(to_html(text)))
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"
