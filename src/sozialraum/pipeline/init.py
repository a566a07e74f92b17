"""A first configuration from the user's own files (``sozialraum init --gebiete … --tabelle …``).

:func:`propose_config` looks at the area layer and the indicator tables an office sent and
guesses what a planner would otherwise type by hand: the key, name and parent columns of
the areas, the parent and top layers, the CRS; per table the key column, the years, and per
column whether it is a count or a share, its direction and whether it is a status indicator
(as in the Berlin *Monitoring Soziale Stadtentwicklung*), and which column is the
population (the weight of every share at upper levels and the rating threshold).
:func:`write_proposal` writes a commented ``monitor.toml`` and ``katalog.toml`` that
``sozialraum run`` accepts; every guess carries a comment ``# erkannt: … — bitte prüfen``.

Reading goes through the toolkit's own readers (:func:`sozialraum.io.read_table`,
:func:`sozialraum.io.read_areas`); only the raw attribute table of the area layer is
listed with pyogrio to find the key column before any key is known.
"""

from __future__ import annotations

import os
import re
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyogrio

from sozialraum._i18n import get_lang, t
from sozialraum.core.doors import knob
from sozialraum.core.text import slugify
from sozialraum.errors import InputError
from sozialraum.io import read_areas, read_table
from sozialraum.io.reader import read_grid

__all__ = ["AreaGuess", "ColumnGuess", "TableGuess", "Proposal", "propose_config", "write_proposal"]

_MSG = {
    "check": {"de": "bitte prüfen", "en": "please check"},
    "found": {"de": "erkannt", "en": "detected"},
    "no_tables": {
        "de": "Bitte mindestens eine Tabelle angeben ({opt}).",
        "en": "Give at least one table ({opt}).",
    },
    "no_areas": {
        "de": "Gebietsdatei {file} nicht gefunden ({opt}).",
        "en": "area file {file} not found ({opt}).",
    },
    "no_key": {
        "de": "{file}: keine Spalte der Ebene {layer!r} passt als Schlüssel zu den Tabellen "
        "(Spalten: {cols}). Bitte eine Schlüsselspalte mit eindeutigen Werten anlegen.",
        "en": "{file}: no column of layer {layer!r} fits the tables as a key (columns: {cols}). "
        "Add a key column with unique values.",
    },
    "dup": {
        "de": "Schlüssel {key!r} kommt in {file} {n}-mal vor: {where}. Zwei verschiedene "
        "Gebiete – bitte eines umschlüsseln (nicht zusammenlegen).{hint}",
        "en": "key {key!r} occurs {n} times in {file}: {where}. Two different areas – re-key "
        "one of them (do not dissolve).{hint}",
    },
    "dup_feature": {
        "de": "Objekt {fid} {name!r} in {parent} bei x={x:.0f}, y={y:.0f}",
        "en": "feature {fid} {name!r} in {parent} at x={x:.0f}, y={y:.0f}",
    },
    "dup_hint": {
        "de": " In den Tabellen steht {cand!r} ({cname!r}) ohne Geometrie – vermutlich der "
        "richtige Schlüssel von Objekt {fid}.",
        "en": " The tables hold {cand!r} ({cname!r}) without a geometry – probably the right key "
        "of feature {fid}.",
    },
    "placeholder": {
        "de": "{file}: Spalte(n) {cols} enthalten in bis zu {n} Zeile(n) je Datei den Platzhalter {value} "
        "(z. B. Gebiete mit zu wenigen Einwohnern); er ist kein Messwert.",
        "en": "{file}: column(s) {cols} hold the placeholder {value} in up to {n} row(s) per file (e.g. "
        "areas with too few inhabitants); it is not a value.",
    },
    "wide": {
        "de": "{file}: Jahre in den Spaltenköpfen erkannt ({years}), z. B. {cols}; je Merkmal "
        "eine Variable, die Jahre gehören in jahre = [...].",
        "en": "{file}: years in the headers detected ({years}), e.g. {cols}; one variable per "
        "item, the years go into jahre = [...].",
    },
    "unmatched": {
        "de": "{file}: {n} Schlüssel der Tabelle fehlen in den Gebieten: {ids}.",
        "en": "{file}: {n} keys of the table are missing in the areas: {ids}.",
    },
    "no_pop": {
        "de": "Keine Einwohnerspalte erkannt: Anteile lassen sich nicht gewichten. Bitte im "
        'Katalog aggregation_weight = "<Einwohnervariable>" setzen.',
        "en": "No population column detected: shares cannot be weighted. Set "
        'aggregation_weight = "<population variable>" in the catalogue.',
    },
    "exists": {
        "de": "{path} gibt es schon; mit {opt} überschreiben.",
        "en": "{path} exists already; use {opt} to overwrite.",
    },
}

_YEAR = re.compile(r"(?<!\d)(19[5-9]\d|20\d\d)(?!\d)")
_HEADER_YEAR = re.compile(r"^(.*?)[\s_(]*((?:19[5-9]|20\d)\d)\)?\s*$")
_SHARE = re.compile(r"%|prozent|anteil|quote|\brate\b|‰|promille|je\s*1[.\s]?000", re.I)
_NEED = re.compile(
    r"arbeitslos|transfer|armut|sgb|grundsicherung|bedarfsgemeinschaft|wohngeld|"
    r"alleinerzieh|leistungsbez|hilfe zu|hartz|bürgergeld|unemploy|poverty",
    re.I,
)
_RESOURCE = re.compile(r"abitur|gymnasi|beschäftigt|erwerbstätig|einkommen|kaufkraft", re.I)
_STATUS = re.compile(r"arbeitslos|transfer|armut|unemploy|poverty", re.I)
_POP = re.compile(r"einwohner|bevölkerung|\bew\b|population|inhabitants", re.I)
_TOTAL = re.compile(r"insgesamt|gesamt|total|alle", re.I)
_CHILD = re.compile(r"unter\s*6|0\s*(bis|-)\s*(unter\s*)?[56]\b|u6|kinder\s+unter\s+6", re.I)
_PARENT = re.compile(r"bez|gem|ags|kreis|stadtteil|ortsteil|amt|region|distr|parent", re.I)
_KEYWORD = re.compile(r"id\b|_id|nr|schl|key|code|ags|ars", re.I)
PLACEHOLDER_LIMIT = -999.0  # values at or below are known placeholders (−999, −9999)


@dataclass(frozen=True)
class AreaGuess:
    """What the area layer says: layers, key/name/parent columns, CRS, duplicated keys."""

    path: Path
    layer: str | None
    key: str
    name: str | None
    parent_key: str | None
    parent_name: str | None
    parent_layer: str | None
    parent_layer_key: str | None
    top_layer: str | None
    top_key: str | None
    top_name: str | None
    crs: str | None
    n_areas: int
    n_parents: int
    key_width: int | None
    duplicates: tuple[str, ...] = ()  # one readable line per duplicated key


@dataclass(frozen=True)
class ColumnGuess:
    """One value column of a table: its id in the catalogue and what it was taken for."""

    header: str
    id: str
    label: str
    kind: str  # "count" or "share"
    reason: str
    direction: str | None  # "need", "resource" or None (unknown)
    status: bool = False
    population: bool = False
    child: bool = False
    placeholders: int = 0


@dataclass(frozen=True)
class TableGuess:
    """One table (or one file pattern with ``{jahr}``) and its columns."""

    pattern: str  # path relative to nothing yet; ``{jahr}`` for the year
    files: tuple[Path, ...]
    years: tuple[int, ...]
    year_source: str
    sheet: str | None
    n_sheets: int
    key: str
    columns: tuple[ColumnGuess, ...]
    matched: int
    n_keys: int


@dataclass(frozen=True)
class Proposal:
    """A first configuration guessed from the user's files (see :func:`propose_config`)."""

    areas: AreaGuess
    tables: tuple[TableGuess, ...]
    levels: tuple[str, str, str]
    levels_reason: str
    name: str
    name_reason: str
    report_year: int
    base_year: int | None
    lang: str = "de"
    notes: tuple[str, ...] = field(default=())

    @property
    def population(self) -> str | None:
        """Catalogue id of the population column (or ``None``)."""
        for tab in self.tables:
            for c in tab.columns:
                if c.population:
                    return c.id
        return None

    def columns(self) -> list[ColumnGuess]:
        """All value columns of all tables, in table order."""
        return [c for tab in self.tables for c in tab.columns]


# --------------------------------------------------------------------------- tables


def _years_of(path: Path) -> int | None:
    m = _YEAR.findall(path.stem)
    return int(m[-1]) if m else None


def _group_files(paths: Sequence[str | Path]) -> list[tuple[str, list[tuple[int | None, Path]]]]:
    """Files grouped by their name with the year replaced by ``{jahr}``, in first-seen order."""
    groups: dict[str, list[tuple[int | None, Path]]] = {}
    for p in map(Path, paths):
        year = _years_of(p)
        name = p.name if year is None else p.name.replace(str(year), "{jahr}")
        groups.setdefault(str(p.parent / name), []).append((year, p))
    return [(k, sorted(v, key=lambda yp: yp[0] or 0)) for k, v in groups.items()]


def _column_id(header: str, taken: set[str]) -> str:
    s = re.sub(r"\(.*?\)|\bin\s*%|%|\banteil(e)?\b|\bder\b|\bdie\b", " ", header, flags=re.I)
    s = slugify(s, max_length=28).strip("_")
    s = re.sub(r"^einwohner(_|$)", r"ew\1", s) or "wert"
    if s[0].isdigit():
        s = "v_" + s
    base, i = s, 2
    while s in taken:
        s, i = f"{base}_{i}", i + 1
    taken.add(s)
    return s


def _label(header: str) -> str:
    return re.sub(r"\s*\(?\s*in\s*%\s*\)?\s*$|\s*\(%\)\s*$|\s*%\s*$", "", header).strip() or header


def _classify(header: str, values: pd.Series, lang: str) -> tuple[str, str, int]:
    """("count" | "share", reason, number of placeholder cells) of one column."""
    v = pd.to_numeric(values, errors="coerce").dropna()
    n_ph = int((v <= PLACEHOLDER_LIMIT).sum())
    v = v[v > PLACEHOLDER_LIMIT]
    de = lang == "de"
    m = _SHARE.search(header)
    if m:
        return (
            "share",
            (f"Überschrift enthält {m.group(0)!r}" if de else f"header has {m.group(0)!r}"),
            n_ph,
        )
    if len(v) and v.between(0, 100).all() and (v % 1 != 0).any():
        return (
            "share",
            "Werte zwischen 0 und 100 mit Nachkommastellen" if de else "values 0–100 with decimals",
            n_ph,
        )
    if len(v) and (v % 1 == 0).all() and (v >= 0).all():
        return "count", "ganze Zahlen ≥ 0" if de else "whole numbers ≥ 0", n_ph
    return "share", "Zahlen mit Nachkommastellen" if de else "numbers with decimals", n_ph


def _direction(header: str) -> str | None:
    if _NEED.search(header):
        return "need"
    if _RESOURCE.search(header):
        return "resource"
    return None


_PLACEHOLDER_TEXT = re.compile(r"^\s*[-−]\s*9{3,}(?:[.,]0+)?\s*$")


def _raw_placeholders(path: Path, tab) -> dict[str, tuple[int, str]]:
    """Header → (number of raw cells holding a known placeholder, one of them as text).

    Counted on the file's raw cells, so the count does not depend on whether the
    table reader keeps the placeholder as a number or reads it as missing.
    """
    grid = read_grid(path, sheet=tab.meta.get("sheet"))
    at = np.flatnonzero(grid.rows == tab.meta.get("header_row"))
    if not len(at):
        return {}
    head, body = grid.cells.iloc[at[0]], grid.cells.iloc[at[0] + 1 :]
    out = {}
    for j, h in head.items():
        col = body[j]
        num = pd.to_numeric(col, errors="coerce")
        txt = col.astype(str).str.match(_PLACEHOLDER_TEXT)
        hit = (num <= PLACEHOLDER_LIMIT) | txt
        if hit.any() and h is not None:
            first = col[hit].iloc[0]
            example = f"{first:g}" if isinstance(first, (int, float)) else str(first).strip()
            out[str(h).strip()] = (int(hit.sum()), example)
    return out


def _read(path: Path, lang: str) -> tuple:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        tab = read_table(path, lang=lang)
    return tab, [str(w.message) for w in caught]


def _wide_years(headers: Sequence[str]) -> dict[str, dict[int, str]]:
    """Stems of headers that carry a year (``Einwohner 2022``, ``Einwohner 2023``).

    Only stems seen with at least two years count: ``Stand 2024`` alone is a header.
    """
    stems: dict[str, dict[int, str]] = {}
    for h in headers:
        m = _HEADER_YEAR.match(str(h))
        if m and m.group(1).strip():
            stems.setdefault(m.group(1).strip(), {})[int(m.group(2))] = str(h)
    return {k: v for k, v in stems.items() if len(v) >= 2}


def _file_years(files, tabs, lang: str) -> tuple[list[int], str]:
    """Years of one pattern: from the file names, a year column or the sheet names."""
    years = [y for y, _ in files]
    if all(y is not None for y in years):
        return years, ("Dateiname" if lang == "de" else "file name")
    sheet_years = [_years_of(Path(str(tb.meta.get("sheet") or ""))) for tb in tabs]
    if len(tabs) == 1 and tabs[0].years:
        if tabs[0].meta.get("years_from_headers"):  # the reader stacked 'Einwohner 2022' …
            return list(tabs[0].years), ("Spaltenköpfen" if lang == "de" else "headers")
        return list(tabs[0].years), ("Jahresspalte" if lang == "de" else "year column")
    if all(sheet_years):
        return sheet_years, ("Blattname" if lang == "de" else "sheet name")
    return [], ""


def _column_guess(header: str, values: pd.Series, lang: str, n_ph: int = 0) -> ColumnGuess:
    kind, reason, n_values = _classify(header, values, lang)
    n_ph = max(n_ph, n_values)
    return ColumnGuess(
        header=header,
        id="",
        label=_label(header),
        kind=kind,
        reason=reason,
        direction=_direction(header) if kind == "share" else None,
        status=bool(kind == "share" and _STATUS.search(header)),
        child=bool(kind == "count" and _CHILD.search(header)),
        placeholders=n_ph,
    )


def _table_guess(pattern: str, files, lang: str, notes: list[str]) -> TableGuess:
    """Read every file of one pattern and guess its key, years and columns."""
    tabs = []
    for _year, p in files:
        tab, msgs = _read(p, lang)
        tabs.append(tab)
        notes.extend(msgs)
    first = tabs[0]
    years, source = _file_years(files, tabs, lang)
    values = pd.concat([tb.values for tb in tabs])
    wide = _wide_years(list(first.values.columns))
    in_wide = {h for by_year in wide.values() for h in by_year.values()}
    raw: dict[str, list] = {}  # header -> [cells, example]
    for (_y, p), tb in zip(files, tabs, strict=True):
        for h, (n, example) in _raw_placeholders(p, tb).items():
            raw.setdefault(h, [0, example])[0] += n
    cols = [
        _column_guess(str(h), values[h], lang, raw.get(str(h), [0])[0])
        for h in first.values.columns
        if h not in in_wide
    ]
    for stem, by_year in wide.items():
        stacked = pd.concat([values[h] for h in by_year.values()])
        n_ph = sum(raw.get(h, [0])[0] for h in by_year.values())
        cols.append(_column_guess(stem, stacked, lang, n_ph))
    if wide and not years:
        years = sorted({y for by_year in wide.values() for y in by_year})
        source = "Spaltenköpfen" if lang == "de" else "headers"
        shown = ", ".join(repr(h) for h in list(in_wide)[:4])
        notes.append(t(_MSG, "wide", lang, file=Path(pattern).name, years=years, cols=shown))
    with_ph = [c for c in cols if c.placeholders]
    if with_ph:
        notes.append(
            t(_MSG, "placeholder", lang, file=Path(pattern).name,
              cols=", ".join(repr(c.header) for c in with_ph),
              n=max(c.placeholders for c in with_ph) // len(files),
              value=next(iter(raw.values()))[1] if raw else PLACEHOLDER_LIMIT)
        )  # fmt: skip
    sheet = first.meta.get("sheet")
    return TableGuess(
        pattern=pattern,
        files=tuple(p for _, p in files),
        years=tuple(int(y) for y in years),
        year_source=source,
        sheet=str(sheet) if sheet is not None else None,
        n_sheets=_n_sheets(files[0][1]),
        key=first.key,
        columns=tuple(cols),
        matched=0,
        n_keys=len(first.values.index.get_level_values(0).unique()),
    )


def _n_sheets(path: Path) -> int:
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        return 0
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=True)
    try:
        return len(wb.sheetnames)
    finally:
        wb.close()


def _table_keys(files) -> tuple[set[str], dict[str, str]]:
    """Keys (and names, where the table has them) of the first file of a pattern."""
    tab, _ = _read(files[-1][1], "de")
    keys = {str(k) for k in tab.values.index.get_level_values(0)}
    names = {}
    if tab.names is not None:
        names = {
            str(k): str(n)
            for k, n in zip(tab.values.index.get_level_values(0), tab.names, strict=True)
        }
    return keys, names


def _mark_population(cols: list[ColumnGuess]) -> list[ColumnGuess]:
    """Mark the population column: a count named Einwohner/Bevölkerung, 'insgesamt' first."""
    cands = [c for c in cols if c.kind == "count" and _POP.search(c.header) and not c.child]
    if not cands:
        return cols
    best = sorted(cands, key=lambda c: (not _TOTAL.search(c.header), len(c.header)))[0]
    return [
        ColumnGuess(**{**c.__dict__, "population": True, "id": "ew_ges"}) if c is best else c
        for c in cols
    ]


def _assign_ids(tables: list[TableGuess]) -> list[TableGuess]:
    taken: set[str] = {"ew_ges"}
    out = []
    for tab in tables:
        cols = []
        for c in tab.columns:
            cid = c.id or _column_id(c.header, taken)
            cols.append(ColumnGuess(**{**c.__dict__, "id": cid}))
        out.append(TableGuess(**{**tab.__dict__, "columns": tuple(cols)}))
    return out


# --------------------------------------------------------------------------- areas


def _layers(path: Path) -> list[tuple[str, int]]:
    """(layer, number of features) of every layer with geometries."""
    out = []
    for name, geom in pyogrio.list_layers(path):
        if geom is None:
            continue
        out.append((str(name), int(pyogrio.read_info(path, layer=name)["features"])))
    return out


def _attributes(path: Path, layer: str | None) -> pd.DataFrame:
    return pyogrio.read_dataframe(path, layer=layer, read_geometry=False)


def _as_text(col: pd.Series) -> pd.Series:
    if pd.api.types.is_float_dtype(col) and (col.dropna() % 1 == 0).all():
        col = col.astype("Int64")
    return col.astype("string").str.strip()


def _key_column(attrs: pd.DataFrame, table_keys: set[str]) -> tuple[str, pd.Series] | None:
    """The column that matches most table keys (text or whole numbers, unique but for a few).

    A few duplicates are allowed: a key typed twice is a mistake to show, not a reason to
    look for another column.
    """
    best, score = None, (-1.0, -1.0, False)
    for c in attrs.columns:
        col = attrs[c]
        if not (pd.api.types.is_string_dtype(col) or pd.api.types.is_integer_dtype(col)):
            if not pd.api.types.is_object_dtype(col):
                continue
        txt = _as_text(col)
        if txt.isna().mean() > 0.05 or txt.nunique() < len(txt) - max(2, 0.02 * len(txt)):
            continue
        s = (txt.isin(table_keys).mean(), txt.nunique() / len(txt), bool(_KEYWORD.search(c)))
        if s > score:
            best, score = c, s
    if best is None or score[0] == 0:
        return None
    return best, _as_text(attrs[best])


def _name_column(attrs: pd.DataFrame, exclude: set[str]) -> str | None:
    cands = []
    for c in attrs.columns:
        if c in exclude or not pd.api.types.is_string_dtype(attrs[c].dtype):
            continue
        txt = attrs[c].dropna().astype(str)
        if not len(txt) or txt.str.fullmatch(r"\s*\d+\s*").mean() > 0.5:
            continue
        cands.append((txt.nunique() / len(attrs), "name" in c.lower(), c))
    cands = [x for x in cands if x[0] >= 0.8]
    return max(cands)[2] if cands else None


def _parent_columns(attrs: pd.DataFrame, key: str, name: str | None):
    """(parent key column, parent name column, number of parents) or Nones."""
    n = len(attrs)
    cands = []
    for c in attrs.columns:
        if c in (key, name):
            continue
        txt = _as_text(attrs[c])
        k = txt.nunique()
        if txt.isna().any() or not (2 <= k <= max(2, n // 3)):
            continue
        digits = txt.str.fullmatch(r"\d+").mean() > 0.9
        cands.append((bool(_PARENT.search(c)), digits, -k, c))
    if not cands:
        return None, None, 0
    pkey = max(cands)[3]
    ptxt = _as_text(attrs[pkey])
    pname = None
    for c in attrs.columns:
        if c in (key, name, pkey) or not pd.api.types.is_string_dtype(attrs[c].dtype):
            continue
        one_to_one = attrs.groupby(ptxt)[c].nunique().max() == 1
        if one_to_one and attrs[c].nunique() == ptxt.nunique():
            pname = c
            break
    return pkey, pname, int(ptxt.nunique())


def _other_layer(path: Path, layers, count: int, values: set[str] | None, exclude: str | None):
    """A layer with ``count`` features (and a column holding ``values``): (layer, key, name)."""
    for lname, n in layers:
        if lname == exclude or n != count:
            continue
        attrs = _attributes(path, lname)
        key = None
        for c in attrs.columns:
            txt = _as_text(attrs[c])
            if txt.nunique() == n and (values is None or set(txt) == values):
                key = c
                break
        if key is None:
            continue
        return lname, key, _name_column(attrs, {key}) if n > 1 else _top_name(attrs, key)
    return None, None, None


def _top_name(attrs: pd.DataFrame, key: str) -> str | None:
    for c in attrs.columns:
        if c != key and pd.api.types.is_string_dtype(attrs[c].dtype):
            return c
    return None


def _duplicates(path: Path, layer, keys: pd.Series, guess: dict, tables, lang) -> tuple[str, ...]:
    """One readable line per duplicated key: where each copy lies, and a likely right key."""
    dup = keys[keys.duplicated(keep=False)]
    if dup.empty:
        return ()
    gdf = pyogrio.read_dataframe(path, layer=layer)
    pts = gdf.geometry.representative_point()
    table_keys, table_names = set(), {}
    for _pattern, files in tables:
        k, nm = _table_keys(files)
        table_keys |= k
        table_names.update(nm)
    missing = table_keys - set(keys)
    out = []
    for key in sorted(set(dup)):
        rows = [int(i) for i in keys.index[keys == key]]
        where, hint = [], ""
        for i in rows:
            name = str(gdf.at[i, guess["name"]]) if guess["name"] else "–"
            parent = "–"
            if guess["parent_key"]:
                parent = str(gdf.at[i, guess["parent_key"]])
                if guess["parent_name"]:
                    parent += f" ({gdf.at[i, guess['parent_name']]})"
            where.append(
                t(_MSG, "dup_feature", lang, fid=i + 1, name=name, parent=parent,
                  x=pts.iat[i].x, y=pts.iat[i].y)
            )  # fmt: skip
            for cand in sorted(missing):
                if name != "–" and table_names.get(cand) == name:
                    hint = t(_MSG, "dup_hint", lang, cand=cand, cname=name, fid=i + 1)
        out.append(
            t(_MSG, "dup", lang, key=key, file=path.name, n=len(rows), where="; ".join(where),
              hint=hint)
        )  # fmt: skip
    return tuple(out)


def _area_guess(path: Path, layer: str | None, tables, lang: str) -> AreaGuess:
    layers = _layers(path)
    if layer is None:
        layer = max(layers, key=lambda ln: ln[1])[0] if layers else None
    attrs = _attributes(path, layer)
    table_keys: set[str] = set()
    for _pattern, files in tables:
        table_keys |= _table_keys(files)[0]
    found = _key_column(attrs, table_keys)
    if found is None:
        raise InputError(
            t(_MSG, "no_key", lang, file=path.name, layer=layer, cols=", ".join(attrs.columns)),
            file=str(path),
        )
    key, keys = found
    name = _name_column(attrs, {key})
    pkey, pname, n_par = _parent_columns(attrs, key, name)
    play = pkey_col = top = top_key = top_name = None
    if pkey:
        play, pkey_col, _ = _other_layer(path, layers, n_par, set(_as_text(attrs[pkey])), layer)
    top, top_key, top_name = _other_layer(path, layers, 1, None, layer)
    widths = keys.str.len()
    guess = {"name": name, "parent_key": pkey, "parent_name": pname}
    dups = _duplicates(path, layer, keys, guess, tables, lang)
    crs = None
    if not dups:
        crs_obj = read_areas(path, key=key, layer=layer, lang=lang).crs
        crs = crs_obj.to_string() if crs_obj is not None else None
    else:
        crs = pyogrio.read_info(path, layer=layer).get("crs")
    return AreaGuess(
        path=path,
        layer=layer,
        key=key,
        name=name,
        parent_key=pkey,
        parent_name=pname,
        parent_layer=play,
        parent_layer_key=pkey_col,
        top_layer=top,
        top_key=top_key,
        top_name=top_name,
        crs=crs,
        n_areas=len(attrs),
        n_parents=n_par,
        key_width=int(widths.iloc[0]) if widths.nunique() == 1 else None,
        duplicates=dups,
    )


# --------------------------------------------------------------------------- proposal

_CITY = ("Stadt", "Bezirk", "Planungsraum")
_DISTRICT = ("Landkreis", "Gemeinde", "Sozialraum")


def _levels(areas: AreaGuess, lang: str) -> tuple[tuple[str, str, str], str]:
    de = lang == "de"
    parent = areas.parent_key or ""
    if areas.n_areas >= 100 and re.match(r"bez", parent, re.I):
        why = (
            f"{areas.n_areas} Gebiete, übergeordnete Spalte {parent!r}"
            if de
            else f"{areas.n_areas} areas, parent column {parent!r}"
        )
        return _CITY, why
    why = "Standard (kein Bezirk erkannt)" if de else "default (no Bezirk detected)"
    return _DISTRICT, why


def _proper_name(areas: AreaGuess, levels, lang: str) -> tuple[str, str, str]:
    """(projekt.name, proper name of the top level, reason)."""
    de = lang == "de"
    if areas.top_layer and areas.top_name:
        attrs = _attributes(areas.path, areas.top_layer)
        proper = str(attrs[areas.top_name].iloc[0]).strip()
        why = (
            f"Spalte {areas.top_name!r} der Ebene {areas.top_layer!r}"
            if de
            else f"column {areas.top_name!r} of layer {areas.top_layer!r}"
        )
        full = proper if proper.lower().startswith(levels[0].lower()) else f"{levels[0]} {proper}"
        return full, proper, why
    proper = "Beispiel" if de else "Example"
    return f"{levels[0]} {proper}", proper, ("nicht erkannt" if de else "not detected")


def _with_population(tables: list[TableGuess]) -> list[TableGuess]:
    flat = [c for tab in tables for c in tab.columns]
    marked = _mark_population(flat)
    out, i = [], 0
    for tab in tables:
        n = len(tab.columns)
        out.append(TableGuess(**{**tab.__dict__, "columns": tuple(marked[i : i + n])}))
        i += n
    return out


def _matched(tables: list[TableGuess], keys: set[str], lang: str, notes: list[str]):
    out = []
    for tab in tables:
        tkeys, _ = _table_keys([(None, tab.files[-1])])
        miss = sorted(tkeys - keys)
        if miss:
            shown = ", ".join(miss[:5]) + (" …" if len(miss) > 5 else "")
            notes.append(
                t(_MSG, "unmatched", lang, file=tab.files[-1].name, n=len(miss), ids=shown)
            )
        out.append(TableGuess(**{**tab.__dict__, "matched": len(tkeys & keys)}))
    return out


def propose_config(
    areas_path: str | Path,
    tables: Sequence[str | Path],
    lang: str | None = None,
    *,
    layer: str | None = None,
) -> Proposal:
    """Guess a run configuration from an area layer and the indicator tables.

    Parameters
    ----------
    areas_path
        The area file (GeoPackage, Shapefile, GeoJSON) as the office sent it.
    tables
        Indicator tables (CSV/XLSX). Files that differ only in a year in their name
        (``mss_2022.xlsx``, ``mss_2024.xlsx``) become one table with ``{jahr}``.
    lang
        Language of the comments and notes (default German).
    layer
        Layer of the planning areas (default: the layer with the most features).

    Returns
    -------
    Proposal
        Every guess with its reason; ``notes`` lists what needs the user's action
        (duplicated keys with where each copy lies, placeholders, unmatched keys).

    Raises
    ------
    InputError
        No tables; a table or the area file cannot be read; no column of the area
        layer fits the tables' keys.
    """
    L = get_lang(lang)
    if not tables:
        raise InputError(t(_MSG, "no_tables", L, opt=knob("init_tables", L)))
    areas_path = Path(areas_path)
    if not areas_path.is_file():
        raise InputError(
            t(_MSG, "no_areas", L, file=areas_path, opt=knob("init_areas", L)), file=str(areas_path)
        )
    groups = _group_files(tables)
    notes: list[str] = []
    guesses = [_table_guess(p, files, L, notes) for p, files in groups]
    guesses = _assign_ids(_with_population(guesses))
    area = _area_guess(areas_path, layer, groups, L)
    keys = set(_as_text(_attributes(areas_path, area.layer)[area.key]))
    guesses = _matched(guesses, keys, L, notes)
    notes[:0] = list(area.duplicates)
    if not any(c.population for tab in guesses for c in tab.columns):
        notes.append(t(_MSG, "no_pop", L))
    levels, why_levels = _levels(area, L)
    name, _proper, why_name = _proper_name(area, levels, L)
    years = sorted({y for tab in guesses for y in tab.years})
    report = years[-1] if years else pd.Timestamp.now().year - 1
    base = years[0] if len(years) > 1 else None
    return Proposal(
        areas=area,
        tables=tuple(guesses),
        levels=levels,
        levels_reason=why_levels,
        name=name,
        name_reason=why_name,
        report_year=int(report),
        base_year=base,
        lang=L,
        notes=tuple(dict.fromkeys(notes)),
    )


# --------------------------------------------------------------------------- writing


def _q(s: object) -> str:
    """A TOML basic string."""
    return '"' + str(s).replace("\\", "\\\\").replace('"', '\\"') + '"'


def _rel(path: Path, folder: Path) -> str:
    return Path(os.path.relpath(Path(path).resolve(), folder.resolve())).as_posix()


class _Lines:
    """Lines of a TOML file with aligned ``# erkannt: … — bitte prüfen`` comments."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self.rows: list[str] = []

    def add(self, line: str = "", guess: str | None = None) -> None:
        if guess:
            tail = f"# {t(_MSG, 'found', self.lang)}: {guess} — {t(_MSG, 'check', self.lang)}"
            line = f"{line:<34}  {tail}" if line else tail
        self.rows.append(line)

    def text(self) -> str:
        return "\n".join(self.rows).rstrip() + "\n"


def _monitor_head(p: Proposal, out: _Lines, folder: Path) -> None:
    de = p.lang == "de"
    a = p.areas
    out.add(
        "# Monitoring-Lauf, von `sozialraum init` aus Ihren Dateien vorgeschlagen."
        if de
        else "# Monitoring run, proposed by `sozialraum init` from your files."
    )
    out.add(
        "# Jede Annahme steht als Kommentar „erkannt: … — bitte prüfen“ dahinter."
        if de
        else "# Every assumption is commented “detected: … — please check”."
    )
    out.add(
        "# Prüfen: sozialraum run monitor.toml --check   Ausführen: sozialraum run monitor.toml"
        if de
        else "# Check: sozialraum run monitor.toml --check   Run: sozialraum run monitor.toml"
    )
    out.add(
        "# Alle Schlüssel: docs/konfiguration.md; Rezept: docs/stadt.md"
        if de
        else "# All keys: docs/konfiguration.md; recipe: docs/stadt.md"
    )
    for note in p.notes:
        out.add("#")
        out.add(("# ACHTUNG: " if de else "# NOTE: ") + note)
    out.add()
    out.add("[projekt]")
    out.add(f"name = {_q(p.name)}", p.name_reason)
    years = "neuestes Jahr der Tabellen" if de else "latest year of the tables"
    out.add(f"berichtsjahr = {p.report_year}", years)
    if p.base_year is not None:
        out.add(
            f"vorjahr = {p.base_year}",
            "ältestes Jahr: Basisjahr der Dynamik" if de else "earliest year: base of the dynamic",
        )
    out.add(f'sprache = "{p.lang}"')
    out.add(
        '# quelle = "…"   # Quellenangabe unter Karten und Tabellen'
        if de
        else '# quelle = "…"   # source line under maps and tables'
    )
    out.add()
    out.add("[gliederung]")
    out.add("stufen = [" + ", ".join(_q(s) for s in p.levels) + "]", p.levels_reason)
    proper = p.name.split(" ", 1)[1] if " " in p.name else p.name
    out.add(f"name = {_q(proper)}")
    out.add(
        f'# adjektiv = ""   # z. B. „Berliner“ für „Berliner Durchschnitt“ '
        f"(sonst „{p.levels[0]}durchschnitt“)"
        if de
        else '# adjektiv = ""   # e.g. "Berliner" for "Berliner Durchschnitt"'
    )
    out.add()
    out.add("[gebiete]")
    out.add(f"datei = {_q(_rel(a.path, folder))}", f"{a.crs or '?'}")
    out.add(
        f"ebene = {_q(a.layer)}",
        f"{a.n_areas} Gebiete (die meisten Objekte)"
        if de
        else f"{a.n_areas} areas (most features)",
    )
    width = f", {a.key_width} Stellen als Text" if a.key_width and de else ""
    n_match = max((tb.matched for tb in p.tables), default=0)
    out.add(
        f"schluessel = {_q(a.key)}",
        (f"{n_match} von {a.n_areas} Schlüsseln in den Tabellen{width}" if de
         else f"{n_match} of {a.n_areas} keys in the tables"),
    )  # fmt: skip
    if a.name:
        out.add(f"name = {_q(a.name)}")


def _monitor_parents(p: Proposal, out: _Lines) -> None:
    de = p.lang == "de"
    a = p.areas
    if a.parent_key:
        out.add(
            f"gemeinde_spalte = {_q(a.parent_key)}",
            (f"übergeordnete Ebene ({p.levels[1]}, {a.n_parents} Werte)" if de
             else f"parent level ({a.n_parents} values)"),
        )  # fmt: skip
    else:
        out.add('# gemeinde_spalte = "ags"   # Spalte mit dem Schlüssel der mittleren Ebene')
    if a.parent_layer:
        out.add(f"gemeinden_ebene = {_q(a.parent_layer)}")
        out.add(f"gemeinden_schluessel = {_q(a.parent_layer_key)}")
    if a.parent_name:
        out.add(f"gemeinden_name = {_q(a.parent_name)}")
    if a.top_layer:
        out.add(f"kreis_ebene = {_q(a.top_layer)}")
        out.add(f"kreis_schluessel = {_q(a.top_key)}")
    out.add()
    out.add("[katalog]")
    out.add('datei = "katalog.toml"')


def _monitor_tables(p: Proposal, out: _Lines, folder: Path) -> None:
    de = p.lang == "de"
    for tab in p.tables:
        out.add()
        out.add("[[tabellen]]")
        out.add(f"datei = {_q(_rel(Path(tab.pattern), folder))}")
        src = tab.year_source or ("nicht erkannt" if de else "not detected")
        years = tab.years or (p.report_year,)
        out.add(
            "jahre = [" + ", ".join(map(str, years)) + "]",
            f"{'Jahre aus' if de else 'years from'} {src}",
        )
        if tab.sheet and tab.n_sheets > 1:
            out.add(f"blatt = {_q(tab.sheet)}", "erstes Blatt" if de else "first sheet")
        n_share = sum(c.kind == "share" for c in tab.columns)
        out.add(
            f"schluessel = {_q(tab.key)}",
            (f"{len(tab.columns) - n_share} Anzahl(en), {n_share} Anteil(e); "
             f"{tab.matched} von {tab.n_keys} Schlüsseln passen" if de
             else f"{len(tab.columns) - n_share} count(s), {n_share} share(s); "
             f"{tab.matched} of {tab.n_keys} keys match"),
        )  # fmt: skip


def _monitor_rest(p: Proposal, out: _Lines) -> None:
    de = p.lang == "de"
    child = next((c.id for c in p.columns() if c.child), None)
    status = [c.id for c in p.columns() if c.status]
    out.add()
    out.add("[monitor]")
    out.add(
        "min_nenner = 300".ljust(34)
        + ("  # Gebiete mit weniger Einwohnern werden nicht bewertet (wie im MSS)" if de else "")
    )
    out.add('standardisierung = "z"')
    out.add('klassen_schema = "quantiles"')
    out.add()
    out.add("[raeumlich]")
    feature = "status_index" if status else "idx_gesamt"
    out.add(f"merkmale = [{_q(feature)}]")
    out.add()
    out.add(
        "# Versorgung im Einzugsbereich (2SFCA): Zeilen ohne '# ' übernehmen und Datei angeben"
        if de
        else "# Catchment-based supply (2SFCA): remove '# ' and name the file"
    )
    out.add("# [einrichtungen]")
    out.add('# datei = "einrichtungen.gpkg"')
    out.add('# ebene = "einrichtungen"')
    out.add("#")
    out.add("# [[erreichbarkeit]]")
    out.add('# name = "Kita-Versorgung"')
    out.add('# kategorie = "Kita"')
    out.add(f'# zielgruppe = ["{child or "ew_unter_6"}"]')
    out.add('# methode = "2sfca"')
    out.add("# radius_m = 1000")
    out.add("# bedarf_je_100 = 90")
    out.add()
    out.add("[ausgaben]")
    out.add("pdf = true" + ("   # PDF braucht Chromium; ohne: pdf = false" if de else ""))


def _monitor_text(p: Proposal, folder: Path) -> str:
    out = _Lines(p.lang)
    _monitor_head(p, out, folder)
    _monitor_parents(p, out)
    _monitor_tables(p, out, folder)
    _monitor_rest(p, out)
    return out.text()


def _catalogue_entry(c: ColumnGuess, pop: str | None, source: str, out: _Lines, de: bool) -> None:
    out.add()
    out.add(f"[variables.{c.id}]")
    out.add(f"label = {_q(c.header)}")
    out.add(f"unit = {_q('%' if c.kind == 'share' else 'Personen')}", c.reason)
    out.add(f"headers = [{_q(c.header)}]")
    out.add(f"source = {_q(source)}")
    if c.kind == "share" and pop:
        out.add('aggregation = "weighted_mean"')
        out.add(
            f"aggregation_weight = {_q(pop)}",
            "Anteil: höhere Ebenen mit Einwohnern gewichtet"
            if de
            else "share: weighted by population",
        )
    if c.kind != "share":
        return
    out.add()
    out.add(f"[indicators.{c.id}]")
    out.add(f"label = {_q(c.label)}")
    out.add('unit = "%"')
    out.add(f"numerator = {_q(c.id)}")
    why = f"{c.header!r} – höher = mehr Bedarf" if de else f"{c.header!r} – higher = more need"
    if c.direction == "need":
        out.add('direction = "need"', why)
    elif c.direction == "resource":
        out.add('direction = "resource"', "höher = weniger Bedarf" if de else "higher = less need")
    else:
        out.add('direction = "need"', "keine Richtung im Namen; Standard" if de else "default")
    dim = (
        ("Soziale Lage" if c.status else "Bevölkerung")
        if de
        else ("Social status" if c.status else "Population")
    )
    out.add(f"dimension = {_q(dim)}")
    if c.status:
        out.add(
            "status = true",
            "Statusindikator wie im MSS" if de else "status indicator as in the MSS",
        )


def _catalogue_text(p: Proposal) -> str:
    de = p.lang == "de"
    out = _Lines(p.lang)
    out.add(
        "# Indikatorenkatalog, von `sozialraum init` aus den Spaltenköpfen vorgeschlagen."
        if de
        else "# Indicator catalogue, proposed by `sozialraum init` from the headers."
    )
    out.add(
        "# Variablen = Spalten, wie sie ankommen; Indikatoren = was der Monitor bewertet."
        if de
        else "# Variables = columns as they arrive; indicators = what the monitor rates."
    )
    out.add()
    out.add("[meta]")
    out.add(f"name = {_q(('Indikatorenkatalog ' if de else 'Indicator catalogue ') + p.name)}")
    out.add(f'version = "{p.report_year}"')
    pop = p.population
    for tab in p.tables:
        for c in tab.columns:
            _catalogue_entry(c, pop, Path(tab.pattern).name, out, de)
    return out.text()


def write_proposal(
    proposal: Proposal,
    folder: str | Path = ".",
    *,
    force: bool = False,
    lang: str | None = None,
) -> tuple[Path, Path]:
    """Write ``monitor.toml`` and ``katalog.toml`` of a proposal into ``folder``.

    Paths in ``monitor.toml`` are relative to ``folder``. Existing files are kept
    unless ``force`` (an :class:`~sozialraum.errors.InputError` says so).

    Returns
    -------
    tuple of Path
        The two files written.
    """
    L = get_lang(lang or proposal.lang)
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    mon, kat = folder / "monitor.toml", folder / "katalog.toml"
    for path in (mon, kat):
        if path.exists() and not force:
            raise InputError(
                t(_MSG, "exists", L, path=path, opt=knob("init_force", L)), file=str(path)
            )
    mon.write_text(_monitor_text(proposal, folder), encoding="utf-8")
    kat.write_text(_catalogue_text(proposal), encoding="utf-8")
    return mon, kat
