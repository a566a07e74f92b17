"""Youth-welfare monitor (Hilfen zur Erziehung, HzE): cases by area and type of help.

The one code list of the types of help (SGB VIII §§ 27–35, 35a, 41 and the
Inobhutnahme § 42) is :data:`HZE_TYPES`; every door, the report chapter and the
checks read it from here. Input are *case rows per year* (Fallzeilen), one row per
case (Hilfe) and year in which it ran:

=============  ===============================================================
``jahr``       year of the row
``fall_id``    case number (pseudonymous)
``sr_id``      planning area of the young person's residence
``hilfeart``   type of help: ``"31"``, ``"§ 31"``, ``"§ 27 Abs. 2"``, ``"35a"`` …
``beginn``     first day of the help (``TT.MM.JJJJ`` or ``JJJJ-MM-TT``)
``ende``       last day (empty: still running at the end of the year)
``kosten``     expenditure on the case in that year (€)
=============  ===============================================================

Figures per year, area and type: running cases (``laufend``: a row in that year),
new cases (``neu``: begun in that year), ended cases (``beendet``: ended in that
year), the summed duration of the ended cases in months (for the mean duration)
and the costs. Municipality and district figures are sums of the areas (counts are
additive). Rates per 1,000 inhabitants under 21 divide by the population variable
the run names. These counts are tiny: they are never published unchecked (see
:func:`sozialraum.privacy.tables.protect_table`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from sozialraum._i18n import t
from sozialraum.core.doors import knob
from sozialraum.errors import InputError

__all__ = [
    "HZE_TYPES",
    "HZE_GROUPS",
    "HzeType",
    "HzeResult",
    "hze_code",
    "read_hze_cases",
    "hze_figures",
]


@dataclass(frozen=True)
class HzeType:
    """One type of help: paragraph, German and English label, group."""

    paragraph: str
    label: str
    label_en: str
    group: str


#: The code list of the types of help (code → :class:`HzeType`), in legal order.
HZE_TYPES: dict[str, HzeType] = {
    "27.2": HzeType("§ 27 Abs. 2", "Flexible Hilfen", "flexible help", "ambulant"),
    "28": HzeType("§ 28", "Erziehungsberatung", "educational counselling", "ambulant"),
    "29": HzeType("§ 29", "Soziale Gruppenarbeit", "social group work", "ambulant"),
    "30": HzeType(
        "§ 30", "Erziehungsbeistand, Betreuungshelfer", "educational assistant", "ambulant"
    ),
    "31": HzeType(
        "§ 31", "Sozialpädagogische Familienhilfe", "social-pedagogic family help", "ambulant"
    ),
    "32": HzeType("§ 32", "Erziehung in einer Tagesgruppe", "day group", "teilstationaer"),
    "33": HzeType("§ 33", "Vollzeitpflege", "foster care", "stationaer"),
    "34": HzeType(
        "§ 34", "Heimerziehung, sonstige betreute Wohnform", "residential care", "stationaer"
    ),
    "35": HzeType(
        "§ 35",
        "Intensive sozialpädagogische Einzelbetreuung",
        "intensive individual care",
        "ambulant",
    ),
    "35a": HzeType(
        "§ 35a",
        "Eingliederungshilfe bei seelischer Behinderung",
        "integration help (mental disability)",
        "eingliederung",
    ),
    "41": HzeType("§ 41", "Hilfe für junge Volljährige", "help for young adults", "volljaehrige"),
    "42": HzeType("§ 42", "Inobhutnahme", "taking into care", "schutz"),
}

#: Groups of the types (German, English) in reading order.
HZE_GROUPS: dict[str, tuple[str, str]] = {
    "ambulant": ("ambulante Hilfen", "outpatient help"),
    "teilstationaer": ("teilstationäre Hilfen", "day care"),
    "stationaer": ("stationäre Hilfen", "residential help"),
    "eingliederung": ("Eingliederungshilfe § 35a", "integration help § 35a"),
    "volljaehrige": ("junge Volljährige § 41", "young adults § 41"),
    "schutz": ("Inobhutnahmen § 42", "taking into care § 42"),
}

_MSG = {
    "no_col": {
        "de": "{file}: Spalte {col!r} fehlt (Einstellung {key}: {knob}; vorhanden: {have}).",
        "en": "{file}: column {col!r} is missing (setting {key}: {knob}; present: {have}).",
    },
    "bad_type": {
        "de": "{file}, Zeile {row}: Hilfeart {value!r} (Spalte {col!r}) steht nicht in der "
        "Liste der Hilfearten. Erlaubt sind: {allowed}.",
        "en": "{file}, row {row}: type of help {value!r} (column {col!r}) is not in the code "
        "list. Allowed: {allowed}.",
    },
    "bad_date": {
        "de": "{file}, Zeile {row}: {value!r} in Spalte {col!r} ist kein Datum (TT.MM.JJJJ).",
        "en": "{file}, row {row}: {value!r} in column {col!r} is not a date (DD.MM.YYYY).",
    },
    "unknown_area": {
        "de": "{file}, Zeile {row}: Planungsraum {value!r} (Spalte {col!r}) gibt es nicht.",
        "en": "{file}, row {row}: planning area {value!r} (column {col!r}) does not exist.",
    },
    "dup_agg": {
        "de": "{file}, Zeile {row}: {area!r}, {kind!r} steht im Jahr {year} zweimal.",
        "en": "{file}, row {row}: {area!r}, {kind!r} appears twice in year {year}.",
    },
    "bad_count": {
        "de": "{file}, Zeile {row}: {value!r} in Spalte {col!r} ist keine Fallzahl (ganze Zahl ≥ 0).",
        "en": "{file}, row {row}: {value!r} in column {col!r} is no case count (whole number ≥ 0).",
    },
    "dup_case": {
        "de": "{file}, Zeile {row}: Fall {value!r} steht im Jahr {year} zweimal.",
        "en": "{file}, row {row}: case {value!r} appears twice in year {year}.",
    },
}

_STRIP = re.compile(r"(?i)(§|sgb\s*viii|sgb8|\s)")


def hze_code(value: object) -> str | None:
    """The code of :data:`HZE_TYPES` for a written type of help, or ``None``.

    ``"§ 31"``, ``"31"``, ``"§31 SGB VIII"`` → ``"31"``; ``"§ 27 Abs. 2"``,
    ``"27 (2)"``, ``"27.2"`` → ``"27.2"``; ``"35 a"`` → ``"35a"``.
    """
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    s = _STRIP.sub("", str(value)).lower()
    s = re.sub(r"abs\.?", ".", s).replace("(", ".").replace(")", "").replace("..", ".")
    s = s.rstrip(".")
    return s if s in HZE_TYPES else None


@dataclass(frozen=True)
class HzeColumns:
    """Column names of the case rows (``[hze]`` keys)."""

    year: str = "jahr"
    case: str = "fall_id"
    area: str = "sr_id"
    kind: str = "hilfeart"
    start: str = "beginn"
    end: str = "ende"
    cost: str = "kosten"


_KEYS = {
    "year": "jahr_spalte",
    "case": "fall_spalte",
    "area": "schluessel",
    "kind": "art_spalte",
    "start": "beginn_spalte",
    "end": "ende_spalte",
    "cost": "kosten_spalte",
}


def _date(v, file, row, col, lang):
    if v is None or (isinstance(v, float) and np.isnan(v)) or str(v).strip() == "":
        return pd.NaT
    if isinstance(v, (pd.Timestamp, np.datetime64)) or hasattr(v, "year"):
        return pd.Timestamp(v)
    s = str(v).strip()
    for fmt in ("%d.%m.%Y", "%Y-%m-%d"):
        try:
            return pd.to_datetime(s, format=fmt)
        except ValueError:
            continue
    raise InputError(
        t(_MSG, "bad_date", lang, file=file, row=row, value=s, col=col),
        file=file,
        row=row,
        column=col,
    )


def _number(v, file, row, col, lang) -> float:
    from sozialraum.core.numbers import parse_number

    if v is None or str(v).strip() == "":
        return 0.0
    if isinstance(v, (int, float, np.integer, np.floating)):
        return float(v)
    return parse_number(str(v), lang, where=f"{file}, Zeile {row}, Spalte {col!r}: ")


def _need_columns(fr, cols, src: str, path, lang) -> None:
    """Every column of ``cols`` (``(column, setting)``) is in the table."""
    for col, key in cols:
        if col not in fr.columns:
            raise InputError(
                t(
                    _MSG,
                    "no_col",
                    lang,
                    file=src,
                    col=col,
                    key=key,
                    knob=knob("hze_columns", lang),
                    have=", ".join(map(str, fr.columns)),
                ),
                file=str(path),
                column=col,
            )


def _row_keys(row, r: int, c: HzeColumns, src: str, path, known, lang) -> tuple[int, str, str]:
    """Year, area and code of the type of help of one row, each checked."""
    code = hze_code(row[c.kind])
    if code is None:
        allowed = ", ".join(v.paragraph for v in HZE_TYPES.values())
        raise InputError(
            t(
                _MSG,
                "bad_type",
                lang,
                file=src,
                row=r,
                value=str(row[c.kind]),
                col=c.kind,
                allowed=allowed,
            ),
            file=str(path),
            row=r,
            column=c.kind,
        )
    area = str(row[c.area]).strip()
    if known is not None and area not in known:
        raise InputError(
            t(_MSG, "unknown_area", lang, file=src, row=r, value=area, col=c.area),
            file=str(path),
            row=r,
            column=c.area,
            ids=[area],
        )
    return int(_number(row[c.year], src, r, c.year, lang)), area, code


def read_hze_cases(
    path: str | Path,
    *,
    columns: HzeColumns | None = None,
    areas: pd.Index | None = None,
    lang: str | None = None,
) -> pd.DataFrame:
    """Read and check case rows (see module docstring) or aggregates; returns a clean frame.

    *Aggregates* instead of case rows: a table without the case column but with
    ``laufend`` (and ``neu``, ``beendet``; optional ``kosten``, ``dauer_monate`` = summed
    months of the ended cases), one row per year, area and type of help. They are
    returned as they are (columns ``jahr, sr_id, art, laufend, neu, beendet,
    dauer_monate, kosten``) and :func:`hze_figures` takes them like case rows.

    Columns of the result: ``jahr`` (int), ``fall_id``, ``sr_id``, ``art`` (code of
    :data:`HZE_TYPES`), ``beginn``, ``ende`` (Timestamps, ``NaT`` = running),
    ``kosten`` (float).

    Raises
    ------
    InputError
        A missing column; a type of help outside the code list, a date or number
        that cannot be read, an unknown planning area, a case twice in one year —
        each naming file, row and value.
    """
    from sozialraum.io.reader import read_text_table

    c = columns or HzeColumns()
    tab = read_text_table(path, lang=lang)
    fr, src = tab.frame, tab.source
    if c.case not in fr.columns and "laufend" in fr.columns:
        return _read_aggregates(tab, c, path, areas, lang)
    _need_columns(fr, [(getattr(c, a), k) for a, k in _KEYS.items()], src, path, lang)
    known = None if areas is None else set(map(str, areas))
    recs, seen = [], set()
    for i, row in enumerate(fr.to_dict("records")):
        r = int(tab.rows[i])
        year, area, code = _row_keys(row, r, c, src, path, known, lang)
        case = str(row[c.case]).strip()
        if (year, case) in seen:
            raise InputError(
                t(_MSG, "dup_case", lang, file=src, row=r, value=case, year=year),
                file=str(path),
                row=r,
                column=c.case,
            )
        seen.add((year, case))
        recs.append(
            {
                "jahr": year,
                "fall_id": case,
                "sr_id": area,
                "art": code,
                "beginn": _date(row[c.start], src, r, c.start, lang),
                "ende": _date(row[c.end], src, r, c.end, lang),
                "kosten": _number(row[c.cost], src, r, c.cost, lang),
            }
        )
    return pd.DataFrame(
        recs, columns=["jahr", "fall_id", "sr_id", "art", "beginn", "ende", "kosten"]
    )


def _count(v, file, row, col, lang) -> int:
    x = _number(v, file, row, col, lang)
    if x < 0 or not float(x).is_integer():
        raise InputError(
            t(_MSG, "bad_count", lang, file=file, row=row, value=str(v), col=col),
            file=file,
            row=row,
            column=col,
        )
    return int(x)


def _read_aggregates(tab, c: HzeColumns, path, areas, lang) -> pd.DataFrame:
    """Aggregates per year, area and type (see :func:`read_hze_cases`)."""
    fr, src = tab.frame, tab.source
    need = [(c.year, "jahr_spalte"), (c.area, "schluessel"), (c.kind, "art_spalte")]
    need += [(col, col) for col in ("laufend", "neu", "beendet")]
    _need_columns(fr, need, src, path, lang)
    known = None if areas is None else set(map(str, areas))
    recs, seen = [], set()
    for i, row in enumerate(fr.to_dict("records")):
        r = int(tab.rows[i])
        year, area, code = _row_keys(row, r, c, src, path, known, lang)
        if (year, area, code) in seen:
            raise InputError(
                t(
                    _MSG,
                    "dup_agg",
                    lang,
                    file=src,
                    row=r,
                    area=area,
                    kind=str(row[c.kind]),
                    year=year,
                ),
                file=str(path),
                row=r,
                column=c.kind,
            )
        seen.add((year, area, code))
        rec = {"jahr": year, "sr_id": area, "art": code}
        for col in ("laufend", "neu", "beendet"):
            rec[col] = _count(row[col], src, r, col, lang)
        for col in (c.cost, "dauer_monate"):
            have = col in fr.columns and str(row[col] or "").strip() != ""
            rec["kosten" if col == c.cost else col] = (
                _number(row[col], src, r, col, lang) if have else np.nan
            )
        recs.append(rec)
    cols = ["jahr", "sr_id", "art", "laufend", "neu", "beendet", "dauer_monate", "kosten"]
    return pd.DataFrame(recs, columns=cols)


@dataclass(frozen=True)
class HzeResult:
    """HzE figures per year, unit and type of help.

    Attributes
    ----------
    figures
        Long table: ``jahr``, ``ebene`` (``sozialraum``/``gemeinde``/``kreis``),
        ``schluessel``, ``art`` (code or ``"gesamt"``), ``laufend``, ``neu``,
        ``beendet``, ``dauer_monate`` (summed months of the ended cases),
        ``kosten`` (€), ``unter21`` (population under 21, where known),
        ``je_1000_u21`` (running cases per 1,000 under 21), ``kosten_je_fall``,
        ``dauer_mittel`` (mean months of the ended cases).
    years
        The years present.
    """

    figures: pd.DataFrame
    years: tuple[int, ...]

    def at(self, level: str, year: int) -> pd.DataFrame:
        """The rows of one level and year."""
        f = self.figures
        return f[(f["ebene"] == level) & (f["jahr"] == year)]


def _per_area(cases: pd.DataFrame) -> pd.DataFrame:
    """Counts per year, area and type (and over all types as ``gesamt``)."""
    cols = ["laufend", "neu", "beendet", "dauer_monate", "kosten"]
    if "laufend" in cases.columns:  # aggregates: already per year, area and type
        by_type = cases[["jahr", "sr_id", "art", *cols]]
        total = cases.groupby(["jahr", "sr_id"])[cols].sum(min_count=1).reset_index()
        return pd.concat([by_type, total.assign(art="gesamt")], ignore_index=True)
    c = cases.copy()
    c["laufend"] = 1
    c["neu"] = (c["beginn"].dt.year == c["jahr"]).astype(int)
    ended = c["ende"].notna() & (c["ende"].dt.year == c["jahr"])
    c["beendet"] = ended.astype(int)
    months = (c["ende"] - c["beginn"]).dt.days / (365.25 / 12)
    c["dauer_monate"] = months.where(ended, 0.0).fillna(0.0)
    cols = ["laufend", "neu", "beendet", "dauer_monate", "kosten"]
    by_type = c.groupby(["jahr", "sr_id", "art"])[cols].sum().reset_index()
    total = c.groupby(["jahr", "sr_id"])[cols].sum().reset_index().assign(art="gesamt")
    return pd.concat([by_type, total], ignore_index=True)


def hze_figures(
    cases: pd.DataFrame,
    *,
    gemeinde_of: Mapping[str, str] | pd.Series,
    population_u21: Mapping[int, pd.Series] | None = None,
    all_areas: pd.Index | None = None,
) -> HzeResult:
    """Counts, rates, duration and costs per year at the area, municipality and district level.

    Parameters
    ----------
    cases
        As returned by :func:`read_hze_cases`.
    gemeinde_of
        Area key → municipality key.
    population_u21
        Year → population under 21 per area (for ``je_1000_u21``).
    all_areas
        Every area key: areas and types without a case appear with 0 (a zero is
        information: "no case", not "unknown").
    """
    per = _per_area(cases)
    years = tuple(sorted(int(y) for y in per["jahr"].unique()))
    areas = pd.Index(sorted(set(map(str, all_areas if all_areas is not None else per["sr_id"]))))
    arts = [*HZE_TYPES, "gesamt"]
    grid = pd.MultiIndex.from_product([years, areas, arts], names=["jahr", "sr_id", "art"])
    per = per.set_index(["jahr", "sr_id", "art"]).reindex(grid, fill_value=0).reset_index()
    gmap = pd.Series(gemeinde_of)
    gmap.index = gmap.index.astype(str)
    per["gemeinde"] = per["sr_id"].map(gmap).astype(str)
    pop = pd.Series(np.nan, index=pd.MultiIndex.from_product([years, areas]))
    if population_u21:
        for y in years:
            if y in population_u21:
                s = pd.Series(population_u21[y]).astype(float)
                s.index = s.index.astype(str)
                pop.loc[y] = s.reindex(areas).to_numpy()
    per["unter21"] = pop.reindex(pd.MultiIndex.from_arrays([per["jahr"], per["sr_id"]])).to_numpy()
    cols = ["laufend", "neu", "beendet", "dauer_monate", "kosten", "unter21"]
    frames = [per.rename(columns={"sr_id": "schluessel"}).assign(ebene="sozialraum")]
    g = per.groupby(["jahr", "gemeinde", "art"])[cols].sum(min_count=1).reset_index()
    frames.append(g.rename(columns={"gemeinde": "schluessel"}).assign(ebene="gemeinde"))
    k = per.groupby(["jahr", "art"])[cols].sum(min_count=1).reset_index().assign(schluessel="kreis")
    frames.append(k.assign(ebene="kreis"))
    out = pd.concat(frames, ignore_index=True)[["jahr", "ebene", "schluessel", "art", *cols]]
    for c in ("laufend", "neu", "beendet"):
        out[c] = out[c].astype(np.int64)
    with np.errstate(invalid="ignore", divide="ignore"):
        u = out["unter21"].astype(float)
        out["je_1000_u21"] = np.where(u > 0, out["laufend"] / u * 1000.0, np.nan)
        out["kosten_je_fall"] = np.where(out["laufend"] > 0, out["kosten"] / out["laufend"], np.nan)
        out["dauer_mittel"] = np.where(
            out["beendet"] > 0, out["dauer_monate"] / out["beendet"], np.nan
        )
    return HzeResult(figures=out, years=years)
