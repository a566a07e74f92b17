"""Population tables by area × year × single year of age × sex.

The long format used throughout :mod:`sozialraum.demography` is a DataFrame
with the columns

========== ==========================================================
key        area key (text)
year       calendar year of the stock (int; 31 December of that year)
alter      single year of age 0..100 (100 = "100 und älter")
geschlecht ``"m"`` (männlich) or ``"w"`` (weiblich)
anzahl     number of persons (non-negative)
========== ==========================================================

Internally the computations work on a dense numpy array of shape
``(n_years, n_areas, 101, 2)`` (sex index 0 = m, 1 = w) built by
:func:`to_array` and turned back by :func:`from_array`; missing
(key, year, age, sex) combinations count as 0 persons (with a warning for
whole missing area-years, see :func:`to_array`).
"""

from __future__ import annotations

import glob
import re
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from sozialraum._i18n import t
from sozialraum.errors import InputError, SozialraumWarning, format_ids
from sozialraum.io.reader import read_text_table
from sozialraum.io.symbols import parse_cells

__all__ = [
    "MAX_AGE",
    "N_AGES",
    "SEXES",
    "PopulationArray",
    "read_population",
    "validate_population",
    "to_array",
    "from_array",
]

#: Highest single year of age; the last class is open ("100 und älter").
MAX_AGE = 100
N_AGES = MAX_AGE + 1
#: Sex codes in array order.
SEXES = ("m", "w")
_ZERO = "nichts_vorhanden"

_SEX_CODES = {
    "m": "m",
    "maennlich": "m",
    "männlich": "m",
    "male": "m",
    "1": "m",
    "w": "w",
    "f": "w",
    "weiblich": "w",
    "female": "w",
    "2": "w",
}

_MSG = {
    "no_files": {
        "de": "Keine Bevölkerungsdatei gefunden für {what!r}. Bitte Pfad oder Muster prüfen.",
        "en": "no population file found for {what!r}; check the path or pattern.",
    },
    "read_fail": {
        "de": "{file}: Datei kann nicht gelesen werden ({err}). Erwartet wird eine CSV-Datei mit ';' als Trennzeichen (UTF-8).",
        "en": "{file}: cannot read the file ({err}); expected a ';'-separated UTF-8 CSV file.",
    },
    "missing_cols": {
        "de": "{file}: Spalte(n) {cols} fehlen (vorhanden: {have}). Benötigt: {need}.",
        "en": "{file}: column(s) {cols} missing (present: {have}); needed: {need}.",
    },
    "no_year": {
        "de": "{file}: Das Jahr ist weder als Spalte 'year'/'jahr' vorhanden noch im Dateinamen (z. B. ..._2024.csv) erkennbar.",
        "en": "{file}: the year is neither a column 'year'/'jahr' nor recognisable in the file name (e.g. ..._2024.csv).",
    },
    "bad_number": {
        "de": "{file}, Zeile {row}, Spalte {col!r}: {value!r} ist keine ganze Zahl ≥ 0. Bitte korrigieren.",
        "en": "{file}, row {row}, column {col!r}: {value!r} is not a whole number ≥ 0; please correct it.",
    },
    "negative": {
        "de": "{file}, Zeile {row}: negative Anzahl {value} (Gebiet {key!r}). Bevölkerungszahlen müssen ≥ 0 sein.",
        "en": "{file}, row {row}: negative count {value} (area {key!r}); population counts must be ≥ 0.",
    },
    "bad_age": {
        "de": "{file}, Zeile {row}: Alter {value!r} liegt nicht zwischen 0 und 100 (100 = 100 und älter).",
        "en": "{file}, row {row}: age {value!r} is not between 0 and 100 (100 = 100 and over).",
    },
    "bad_sex": {
        "de": "{file}, Zeile {row}: Geschlecht {value!r} unbekannt (erlaubt: m, w).",
        "en": "{file}, row {row}: unknown sex {value!r} (allowed: m, w).",
    },
    "missing_key": {
        "de": "{file}, Zeile {row}: Gebietsschlüssel fehlt.",
        "en": "{file}, row {row}: area key is missing.",
    },
    "duplicate": {
        "de": "{file}, Zeile {row}: doppelte Zeile für Gebiet {key!r}, Jahr {year}, Alter {age}, Geschlecht {sex!r} (zuerst in Zeile {first}). Bitte Dubletten entfernen.",
        "en": "{file}, row {row}: duplicate row for area {key!r}, year {year}, age {age}, sex {sex!r} (first in row {first}); please remove duplicates.",
    },
    "missing_area_years": {
        "de": "Für {n} Gebiet-Jahr-Kombination(en) fehlen alle Zeilen; sie werden als 0 Personen gezählt: {ids}.",
        "en": "{n} area-year combination(s) have no rows at all; counted as 0 persons: {ids}.",
    },
    "empty": {
        "de": "{file}: Die Bevölkerungstabelle enthält keine Zeilen.",
        "en": "{file}: the population table has no rows.",
    },
}

_COLS = ("key", "year", "alter", "geschlecht", "anzahl")


@dataclass(frozen=True)
class PopulationArray:
    """Dense population array.

    Attributes
    ----------
    keys
        Area keys (text), in array order (sorted).
    years
        Years, ascending.
    values
        Float array of shape ``(n_years, n_areas, 101, 2)``; sex index 0 = m, 1 = w.
    """

    keys: tuple[str, ...]
    years: tuple[int, ...]
    values: np.ndarray


def _expand(paths_or_pattern: str | Path | Iterable[str | Path]) -> list[Path]:
    if isinstance(paths_or_pattern, (str, Path)):
        text = str(paths_or_pattern)
        if any(ch in text for ch in "*?["):
            return [Path(p) for p in sorted(glob.glob(text))]
        return [Path(text)]
    return [Path(p) for p in paths_or_pattern]


def _year_from_name(path: Path) -> int | None:
    found = re.findall(r"(?<!\d)(\d{4})(?!\d)", path.stem)
    return int(found[-1]) if found else None


def _via_uniques(values: pd.Series, fn) -> pd.Series:
    """Apply a per-value text transformation on the unique values only (fast for long tables)."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    mapped = fn(pd.Series(uniques, dtype=object)).to_numpy(dtype=object)
    out = np.empty(len(values), dtype=object)
    ok = codes >= 0
    out[ok] = mapped[codes[ok]]
    out[~ok] = None
    return pd.Series(out, index=values.index)


def _parse_age(values: pd.Series) -> pd.Series:
    if pd.api.types.is_numeric_dtype(values):
        return values.astype(float)

    def conv(u: pd.Series) -> pd.Series:
        text = u.astype("string").str.strip()
        text = text.str.replace(r"^(\d+)\s*(\+|und älter|und mehr|u\. ä\.)$", r"\1", regex=True)
        return pd.to_numeric(text, errors="coerce").astype(object)

    return pd.to_numeric(_via_uniques(values, conv), errors="coerce")


def validate_population(
    frame: pd.DataFrame,
    *,
    source: str = "Bevölkerungstabelle",
    rows: Sequence[int] | None = None,
    decimal: str = ",",
    thousands: str | None = ".",
    lang: str | None = None,
) -> pd.DataFrame:
    """Check and normalise a long population frame.

    Parameters
    ----------
    frame
        Columns ``key, year, alter, geschlecht, anzahl`` (see module docstring).
        ``alter`` may be text such as ``"100+"``; ``geschlecht`` may be
        ``m/w``, ``männlich/weiblich``, ``1/2``.
    source
        Name used in messages (file name).
    rows
        1-based source row numbers (as a spreadsheet shows them) aligned with
        ``frame``; default ``position + 2`` (one header line).
    decimal, thousands
        Number format of counts given as text (default German ``1.234``), parsed
        by :func:`sozialraum.io.parse_cells`; ``-``/``–`` (nichts vorhanden) is 0.
    lang
        Message language.

    Returns
    -------
    pandas.DataFrame
        Columns ``key`` (str), ``year`` (int64), ``alter`` (int64), ``geschlecht``
        (``"m"``/``"w"``), ``anzahl`` (float64), in the input row order.

    Raises
    ------
    InputError
        Missing columns, empty key, non-numeric / negative counts, ages outside
        0..100, unknown sex codes, duplicate (key, year, age, sex) rows — naming
        the file and row.
    """
    missing = [c for c in _COLS if c not in frame.columns]
    if missing:
        raise InputError(
            t(
                _MSG,
                "missing_cols",
                lang,
                file=source,
                cols=", ".join(missing),
                have=", ".join(map(str, frame.columns)),
                need=", ".join(_COLS),
            ),
            file=source,
            column=missing[0],
        )
    if len(frame) == 0:
        raise InputError(t(_MSG, "empty", lang, file=source), file=source)
    rownum = np.asarray(rows) if rows is not None else np.arange(len(frame)) + 2
    fail = _row_error(frame, source, rownum, lang)

    keys = _via_uniques(
        frame["key"], lambda u: u.map(lambda v: str(v).strip() if pd.notna(v) else None)
    )
    bad = (keys.isna() | (keys == "")).to_numpy()
    if bad.any():
        fail(bad, "missing_key", "key")

    out = pd.DataFrame({"key": keys.to_numpy(dtype=object)}, index=frame.index)
    num = pd.to_numeric(frame["year"], errors="coerce")
    bad = (num.isna() | (num != np.floor(num))).to_numpy()
    if bad.any():
        fail(bad, "bad_number", "year")
    out["year"] = num.astype("int64")
    age = _parse_age(frame["alter"])
    bad = (age.isna() | (age != np.floor(age)) | (age < 0) | (age > MAX_AGE)).to_numpy()
    if bad.any():
        fail(bad, "bad_age", "alter")
    out["alter"] = age.astype("int64").to_numpy()
    sex = _via_uniques(
        frame["geschlecht"], lambda u: u.map(lambda v: _SEX_CODES.get(str(v).strip().lower()))
    )
    bad = sex.isna().to_numpy()
    if bad.any():
        fail(bad, "bad_sex", "geschlecht")
    out["geschlecht"] = sex.astype(object).to_numpy()
    cnt = _parse_counts(frame["anzahl"], decimal, thousands)
    bad = cnt.isna().to_numpy()
    if bad.any():
        fail(bad, "bad_number", "anzahl")
    neg = (cnt < 0).to_numpy()
    if neg.any():
        fail(neg, "negative", "anzahl")
    out["anzahl"] = cnt.astype("float64").to_numpy()
    _refuse_duplicates(out, rownum, source, lang)
    return out.reset_index(drop=True)


def _row_error(frame: pd.DataFrame, source: str, rownum: np.ndarray, lang):
    """A function raising the error for the first row of a mask (file, row, column, key)."""

    def fail(mask: np.ndarray, key: str, column: str, **kw) -> None:
        pos = int(np.flatnonzero(mask)[0])
        value = frame[column].iloc[pos]
        k = frame["key"].iloc[pos]
        raise InputError(
            t(
                _MSG,
                key,
                lang,
                file=source,
                row=int(rownum[pos]),
                value=value,
                col=column,
                key=str(k),
                **kw,
            ),
            file=source,
            row=int(rownum[pos]),
            column=column,
            ids=[str(k)],
        )

    return fail


def _parse_counts(raw: pd.Series, decimal: str, thousands: str | None) -> pd.Series:
    """Counts as floats: numbers, number texts in the table's format; ``-`` = 0; else NaN."""
    if pd.api.types.is_numeric_dtype(raw):
        return pd.to_numeric(raw, errors="coerce")
    values, status, _unknown = parse_cells(raw, decimal=decimal, thousands=thousands)
    zero = status.eq(_ZERO).fillna(False).to_numpy(dtype=bool)
    return values.mask(zero, 0.0)


def _refuse_duplicates(out: pd.DataFrame, rownum: np.ndarray, source: str, lang) -> None:
    """Refuse a second row for the same (key, year, age, sex), naming both rows."""
    dup = out.duplicated(["key", "year", "alter", "geschlecht"], keep=False).to_numpy()
    if not dup.any():
        return
    sub = out[dup]
    first_pos = {}
    for i, tup in zip(
        np.flatnonzero(dup),
        sub[["key", "year", "alter", "geschlecht"]].itertuples(index=False),
        strict=True,
    ):
        if tup in first_pos:
            k, y, a, s = tup
            raise InputError(
                t(
                    _MSG,
                    "duplicate",
                    lang,
                    file=source,
                    row=int(rownum[i]),
                    key=k,
                    year=y,
                    age=a,
                    sex=s,
                    first=int(rownum[first_pos[tup]]),
                ),
                file=source,
                row=int(rownum[i]),
                ids=[k],
            )
        first_pos[tup] = i


@dataclass(frozen=True)
class _PopColumns:
    key: str
    age: str
    sex: str
    count: str
    year: str | None


def _read_population_file(f: Path, cols: _PopColumns, sep, encoding, lang):
    """One file through the toolkit's table reader, checked; and its file rows."""
    try:
        tab = read_text_table(f, delimiter=sep, encoding=encoding, lang=lang)
    except OSError as err:
        raise InputError(t(_MSG, "read_fail", lang, file=f.name, err=err), file=str(f)) from err
    raw = tab.frame
    need = [cols.key, cols.age, cols.sex, cols.count]
    miss = [c for c in need if c not in raw.columns]
    if miss:
        raise InputError(
            t(
                _MSG,
                "missing_cols",
                lang,
                file=f.name,
                cols=", ".join(miss),
                have=", ".join(map(str, raw.columns)),
                need=", ".join(need),
            ),
            file=str(f),
            column=miss[0],
        )
    ycol = cols.year or next((c for c in ("year", "jahr", "Jahr") if c in raw.columns), None)
    if ycol is not None and ycol in raw.columns:
        yvals = raw[ycol]
    else:
        yvals = _year_from_name(f)
        if yvals is None:
            raise InputError(t(_MSG, "no_year", lang, file=f.name), file=str(f))
    frame = pd.DataFrame(
        {
            "key": raw[cols.key],
            "year": yvals,
            "alter": raw[cols.age],
            "geschlecht": raw[cols.sex],
            "anzahl": raw[cols.count],
        }
    )
    part = validate_population(
        frame,
        source=f.name,
        rows=tab.rows,
        decimal=tab.decimal,
        thousands=tab.thousands,
        lang=lang,
    )
    return part, pd.DataFrame({"file": f.name, "row": tab.rows})


def read_population(
    paths_or_pattern: str | Path | Iterable[str | Path],
    *,
    key: str = "sr_id",
    age: str = "alter",
    sex: str = "geschlecht",
    count: str = "anzahl",
    year: str | None = None,
    sep: str | None = None,
    encoding: str | None = None,
    lang: str | None = None,
) -> pd.DataFrame:
    """Read population files (one per year) into the long frame.

    Parameters
    ----------
    paths_or_pattern
        A file, a glob pattern (``"examples/musterland/bevoelkerung_alter_*.csv"``)
        or a list of files.
    key, age, sex, count
        Column names in the files for area key, single year of age, sex and
        number of persons.
    year
        Column holding the year; ``None`` looks for ``year``/``jahr`` and
        otherwise takes the last 4-digit number in the file name.
    sep, encoding
        CSV delimiter and encoding; detected when omitted (``;``/``,``/tab;
        UTF-8, UTF-8 with BOM, Windows-1252) by the toolkit's one table reader
        (:func:`sozialraum.io.read_text_table`), which also reads ``.xlsx``. Counts
        follow the detected number format (``1.234`` German, ``1,234`` English).
    lang
        Message language.

    Returns
    -------
    pandas.DataFrame
        ``key, year, alter, geschlecht, anzahl`` sorted by key, year, sex, age;
        keys are kept as text exactly as written (leading zeros survive).

    Raises
    ------
    InputError
        Naming file and row: missing columns, negative or non-numeric counts,
        ages outside 0..100, unknown sex codes, duplicates (also across files
        of the same year).
    """
    files = _expand(paths_or_pattern)
    if not files or not all(f.exists() for f in files):
        what = [str(f) for f in files if not f.exists()] or str(paths_or_pattern)
        raise InputError(t(_MSG, "no_files", lang, what=str(what)), file=str(paths_or_pattern))
    cols = _PopColumns(key, age, sex, count, year)
    parts, rows = [], []
    for f in files:
        part, where = _read_population_file(f, cols, sep, encoding, lang)
        parts.append(part)
        rows.append(where)
    out = pd.concat(parts, ignore_index=True)
    where = pd.concat(rows, ignore_index=True)
    dup = out.duplicated(["key", "year", "alter", "geschlecht"], keep="first").to_numpy()
    if dup.any():
        i = int(np.flatnonzero(dup)[0])
        r = out.iloc[i]
        raise InputError(
            t(
                _MSG,
                "duplicate",
                lang,
                file=where["file"].iloc[i],
                row=int(where["row"].iloc[i]),
                key=r["key"],
                year=int(r["year"]),
                age=int(r["alter"]),
                sex=r["geschlecht"],
                first="?",
            ),
            file=where["file"].iloc[i],
            row=int(where["row"].iloc[i]),
            ids=[r["key"]],
        )
    return out.sort_values(["key", "year", "geschlecht", "alter"], kind="stable").reset_index(
        drop=True
    )


def to_array(
    frame: pd.DataFrame, *, lang: str | None = None, validate: bool = True
) -> PopulationArray:
    """Turn a long population frame into a dense ``(year, area, age, sex)`` array.

    Missing (key, year, age, sex) rows count as 0 persons. An area that has no
    row at all in some year is also filled with 0 but warned about
    (:class:`~sozialraum.errors.SozialraumWarning`), as that usually means a
    missing file part rather than an empty area.
    """
    if validate:
        frame = validate_population(frame, lang=lang)
    keys = tuple(sorted(frame["key"].astype(str).unique()))
    years = tuple(int(y) for y in sorted(frame["year"].unique()))
    k_idx = pd.Index(keys).get_indexer(frame["key"].astype(str))
    y_idx = pd.Index(years).get_indexer(frame["year"].astype("int64"))
    s_idx = (frame["geschlecht"].to_numpy() == "w").astype(np.int64)
    a_idx = frame["alter"].to_numpy().astype(np.int64)
    arr = np.zeros((len(years), len(keys), N_AGES, 2), dtype=float)
    np.add.at(arr, (y_idx, k_idx, a_idx, s_idx), frame["anzahl"].to_numpy(dtype=float))
    present = np.zeros((len(years), len(keys)), dtype=bool)
    present[y_idx, k_idx] = True
    if not present.all():
        yy, kk = np.nonzero(~present)
        ids = [f"{keys[k]}/{years[y]}" for y, k in zip(yy, kk, strict=True)]
        warnings.warn(
            t(_MSG, "missing_area_years", lang, n=len(ids), ids=format_ids(ids)),
            SozialraumWarning,
            stacklevel=2,
        )
    return PopulationArray(keys=keys, years=years, values=arr)


def from_array(
    values: np.ndarray,
    keys: Sequence[str],
    years: Sequence[int],
    *,
    extra: dict[str, object] | None = None,
) -> pd.DataFrame:
    """Turn a ``(year, area, age, sex)`` array back into the long frame.

    Parameters
    ----------
    values
        Array of shape ``(len(years), len(keys), 101, 2)``.
    keys, years
        Labels of the first two axes.
    extra
        Constant columns to put first (e.g. ``{"szenario": "mittel"}``).
    """
    ny, na, nage, ns = values.shape
    y, k, a, s = np.meshgrid(
        np.arange(ny), np.arange(na), np.arange(nage), np.arange(ns), indexing="ij"
    )
    out = pd.DataFrame(
        {
            "key": np.asarray(keys, dtype=object)[k.ravel()],
            "year": np.asarray(years, dtype=np.int64)[y.ravel()],
            "alter": a.ravel().astype(np.int64),
            "geschlecht": np.asarray(SEXES, dtype=object)[s.ravel()],
            "anzahl": values.ravel(),
        }
    )
    if extra:
        for i, (name, val) in enumerate(extra.items()):
            out.insert(i, name, val)
    return out
