"""Care planning: people in need of care from age- and sex-specific prevalence.

Pflegestatistik style: a table of age group × sex → share of the population in
need of care (``quote``, % of the persons of that age and sex), optionally split
by the form of care (``ambulant``, ``stationaer``, ``tagespflege``, ``pflegegeld``:
% of the persons in need who use it). For every area, year (and scenario of a
projection)::

    pflegebeduerftige        = Σ_{age, sex} persons(age, sex) × quote(age, sex) / 100
    pflege_<form>            = Σ_{age, sex} persons(age, sex) × quote / 100 × share_<form> / 100

The numbers are **estimates** (expected values, not counted cases). Supply
against need per form of care uses the one supply–need model of the access
module (:func:`sozialraum.access.supply_need`: by location or 2SFCA/E2SFCA by
catchment) with the people in need of that form as need population
(:func:`care_supply`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from sozialraum._i18n import t
from sozialraum.core.doors import knob
from sozialraum.demography.groups import long_population
from sozialraum.demography.population import MAX_AGE
from sozialraum.errors import ConfigError, InputError

__all__ = [
    "CARE_FORMS",
    "FORMS_WITH_PLACES",
    "CarePlan",
    "CarePrevalence",
    "care_plan",
    "care_form_label",
    "care_need",
    "care_offers",
    "care_prevalence",
    "care_supply",
    "deficit_column",
    "need_column",
    "need_in_year",
    "read_care_prevalence",
]

#: Forms of care a prevalence table may split into (columns of the table).
CARE_FORMS: tuple[str, ...] = ("ambulant", "stationaer", "tagespflege", "pflegegeld")
#: Forms of care that have places (supply); Pflegegeld (care by relatives) has none.
FORMS_WITH_PLACES: tuple[str, ...] = ("stationaer", "tagespflege", "ambulant")

_LABELS = {
    "ambulant": {"de": "ambulante Pflege", "en": "home care services"},
    "stationaer": {"de": "vollstationäre Pflege", "en": "nursing homes"},
    "tagespflege": {"de": "Tagespflege", "en": "day care"},
    "pflegegeld": {"de": "Pflegegeld (Angehörige)", "en": "care allowance (relatives)"},
}

_SEX_ALL = {"i", "insgesamt", "gesamt", "alle", "zusammen", "*", ""}

_MSG = {
    "columns": {
        "de": "{src}: Spalten alter_von, alter_bis, geschlecht und quote werden gebraucht "
        "(vorhanden: {have}). Bitte {knob} prüfen.",
        "en": "{src}: columns alter_von, alter_bis, geschlecht and quote are needed "
        "(present: {have}). Check {knob}.",
    },
    "number": {
        "de": "{src}, Zeile {row}: {col} = {value!r} ist keine Zahl ({knob}).",
        "en": "{src}, row {row}: {col} = {value!r} is not a number ({knob}).",
    },
    "range": {
        "de": "{src}, Zeile {row}: {col} = {value} % liegt nicht zwischen 0 und 100 % ({knob}).",
        "en": "{src}, row {row}: {col} = {value} % is not between 0 and 100 % ({knob}).",
    },
    "sex": {
        "de": "{src}, Zeile {row}: geschlecht = {value!r}; erlaubt sind m, w oder i (insgesamt) ({knob}).",
        "en": "{src}, row {row}: geschlecht = {value!r}; allowed are m, w or i (both) ({knob}).",
    },
    "tile": {
        "de": "{src}: Die Altersgruppen ({sex}) schließen nicht lückenlos aneinander an: {what}. "
        "Sie müssen bei 0 beginnen, ohne Lücke und Überschneidung aufeinander folgen und mit "
        "einer offenen Gruppe (alter_bis leer, z. B. 90+) enden ({knob}).",
        "en": "{src}: the age groups ({sex}) do not tile: {what}. They must start at 0, follow "
        "each other without gap or overlap and end with an open group (alter_bis empty, e.g. "
        "90+) ({knob}).",
    },
    "gap": {"de": "Lücke vor Alter {age}", "en": "gap before age {age}"},
    "overlap": {"de": "Überschneidung bei Alter {age}", "en": "overlap at age {age}"},
    "start": {"de": "erste Gruppe beginnt bei {age}", "en": "first group starts at {age}"},
    "open": {"de": "keine offene letzte Gruppe", "en": "no open last group"},
    "order": {"de": "alter_bis {hi} < alter_von {lo}", "en": "alter_bis {hi} < alter_von {lo}"},
    "no_file": {
        "de": "Prävalenztabelle {path} nicht gefunden ({knob}).",
        "en": "prevalence table {path} not found ({knob}).",
    },
    "no_type": {
        "de": "{src}: {n} Angebot(e) ohne Angebotsart (Spalte {col!r}, {knob}): Zeile(n) {rows}. "
        "Erlaubt sind: {forms}.",
        "en": "{src}: {n} offer(s) without a type (column {col!r}, {knob}): row(s) {rows}. "
        "Allowed: {forms}.",
    },
    "bad_type": {
        "de": "{src}: Angebotsart {value!r} (Spalte {col!r}, {knob}) unbekannt; erlaubt sind: {forms}.",
        "en": "{src}: offer type {value!r} (column {col!r}, {knob}) unknown; allowed: {forms}.",
    },
    "no_col": {
        "de": "{src}: Spalte {col!r} fehlt (vorhanden: {have}).",
        "en": "{src}: column {col!r} is missing (present: {have}).",
    },
    "year": {
        "de": "Zieljahr {year} liegt außerhalb der Bevölkerungsdaten und Vorausberechnung "
        "({first}–{last}); {knob} anpassen oder den Horizont der Vorausberechnung verlängern.",
        "en": "target year {year} is outside the population data and projection "
        "({first}–{last}); change {knob} or extend the projection horizon.",
    },
}


def need_column(year: int) -> str:
    """Per-area column of the estimated people in need of care in ``year`` (every product)."""
    return f"pflegebeduerftige_{year}"


def deficit_column(form: str, year: int) -> str:
    """Per-area column of the places missing for ``form`` of care in ``year`` (every product)."""
    return f"pflege_defizit_{form}_{year}"


def care_form_label(form: str, lang: str | None = None) -> str:
    """The planner's word for a form of care (``"stationaer"`` → ``"vollstationäre Pflege"``)."""
    lab = _LABELS.get(form)
    return lab["en" if lang == "en" else "de"] if lab else form


@dataclass(frozen=True)
class CarePrevalence:
    """A validated prevalence table.

    Attributes
    ----------
    table
        One row per age group and sex: ``alter_von`` (int), ``alter_bis`` (int, -1 for
        the open last group), ``geschlecht`` (``m``/``w``), ``quote`` (% in need of
        care) and the forms of care present (% of those in need).
    forms
        The forms of care the table splits into (subset of :data:`CARE_FORMS`).
    source
        Where the table came from (shown in messages and the report).
    """

    table: pd.DataFrame
    forms: tuple[str, ...] = ()
    source: str = ""

    def lookup(self, column: str = "quote") -> np.ndarray:
        """Array ``[sex (m, w), age 0..MAX_AGE]`` of ``column`` (in %)."""
        out = np.zeros((2, MAX_AGE + 1))
        for r in self.table.itertuples(index=False):
            s = 0 if r.geschlecht == "m" else 1
            hi = MAX_AGE if r.alter_bis < 0 else min(int(r.alter_bis), MAX_AGE)
            out[s, int(r.alter_von) : hi + 1] = float(getattr(r, column))
        return out


def _num(value, src: str, row: int, col: str, lang) -> float:
    if value is None or (isinstance(value, float) and np.isnan(value)) or str(value).strip() == "":
        return np.nan
    try:
        return float(str(value).strip().replace(",", "."))
    except ValueError:
        raise ConfigError(
            t(
                _MSG,
                "number",
                lang,
                src=src,
                row=row,
                col=col,
                value=value,
                knob=knob("care_prevalence", lang),
            ),
            file=src,
            row=row,
            column=col,
        ) from None


def _rows(frame: pd.DataFrame, src: str, forms: Sequence[str], lang) -> pd.DataFrame:
    """Numbers, sexes and 0–100 % checked row by row; ``i`` rows become an m and a w row."""
    rows = []
    for i, r in enumerate(frame.to_dict("records")):
        row = i + 2  # 1-based, after the header line
        sex = str(r.get("geschlecht") if pd.notna(r.get("geschlecht")) else "").strip().lower()
        sexes = ("m", "w") if sex in _SEX_ALL else (sex,)
        if sexes[0] not in ("m", "w", "männlich", "weiblich"):
            raise ConfigError(
                t(
                    _MSG,
                    "sex",
                    lang,
                    src=src,
                    row=row,
                    value=r.get("geschlecht"),
                    knob=knob("care_prevalence", lang),
                ),
                file=src,
                row=row,
                column="geschlecht",
            )
        lo = _num(r.get("alter_von"), src, row, "alter_von", lang)
        hi = _num(r.get("alter_bis"), src, row, "alter_bis", lang)
        vals = {c: _num(r.get(c), src, row, c, lang) for c in ("quote", *forms)}
        for c, v in vals.items():
            if np.isnan(v) or v < 0 or v > 100:
                raise ConfigError(
                    t(
                        _MSG,
                        "range",
                        lang,
                        src=src,
                        row=row,
                        col=c,
                        value=v,
                        knob=knob("care_prevalence", lang),
                    ),
                    file=src,
                    row=row,
                    column=c,
                )
        for s in sexes:
            rows.append(
                {
                    "alter_von": int(lo) if not np.isnan(lo) else 0,
                    "alter_bis": -1 if np.isnan(hi) else int(hi),
                    "geschlecht": s[0],
                    **vals,
                }
            )
    return pd.DataFrame(rows)


def _check_tiling(table: pd.DataFrame, src: str, lang) -> None:
    for sex in ("m", "w"):
        sub = table[table["geschlecht"] == sex].sort_values("alter_von", kind="stable")
        what = None
        nxt = 0
        for k, r in enumerate(sub.itertuples(index=False)):
            if r.alter_bis >= 0 and r.alter_bis < r.alter_von:
                what = t(_MSG, "order", lang, hi=r.alter_bis, lo=r.alter_von)
            elif k == 0 and r.alter_von != 0:
                what = t(_MSG, "start", lang, age=r.alter_von)
            elif r.alter_von > nxt:
                what = t(_MSG, "gap", lang, age=r.alter_von)
            elif r.alter_von < nxt or nxt < 0:
                what = t(_MSG, "overlap", lang, age=r.alter_von)
            if what:
                break
            nxt = -1 if r.alter_bis < 0 else r.alter_bis + 1
        if what is None and (len(sub) == 0 or nxt >= 0):
            what = t(_MSG, "open", lang)
        if what:
            raise ConfigError(
                t(
                    _MSG,
                    "tile",
                    lang,
                    src=src,
                    sex=sex,
                    what=what,
                    knob=knob("care_prevalence", lang),
                ),
                file=src,
                column="alter_von",
            )


def care_prevalence(
    frame: pd.DataFrame, *, source: str = "", lang: str | None = None
) -> CarePrevalence:
    """Check a prevalence table and return it as :class:`CarePrevalence`.

    Parameters
    ----------
    frame
        Columns ``alter_von``, ``alter_bis`` (empty = open group), ``geschlecht``
        (``m``, ``w`` or ``i`` for both), ``quote`` (% in need of care) and optionally
        one column per form of care (:data:`CARE_FORMS`, % of those in need).
    source
        Name of the table for messages.

    Raises
    ------
    ConfigError
        Missing columns, a value outside 0–100 %, an unknown sex, or age groups that
        do not tile 0 … open end per sex; the message names the row and the setting.
    """
    src = source or "Prävalenztabelle"
    cols = {str(c).strip().lower(): c for c in frame.columns}
    need = ("alter_von", "alter_bis", "geschlecht", "quote")
    if any(c not in cols for c in need):
        raise ConfigError(
            t(
                _MSG,
                "columns",
                lang,
                src=src,
                have=", ".join(map(str, frame.columns)),
                knob=knob("care_prevalence", lang),
            ),
            file=src,
        )
    frame = frame.rename(columns={v: k for k, v in cols.items()})
    forms = tuple(f for f in CARE_FORMS if f in frame.columns)
    table = _rows(frame, src, forms, lang)
    _check_tiling(table, src, lang)
    return CarePrevalence(table=table.reset_index(drop=True), forms=forms, source=src)


def read_care_prevalence(path: str | Path, *, lang: str | None = None) -> CarePrevalence:
    """Read a prevalence table (CSV with ``;`` or ``,``, or XLSX) and check it."""
    p = Path(path)
    if not p.is_file():
        raise ConfigError(
            t(_MSG, "no_file", lang, path=p, knob=knob("care_prevalence", lang)), file=str(p)
        )
    if p.suffix.lower() in (".xlsx", ".xlsm"):
        frame = pd.read_excel(p, dtype=str)
    else:
        frame = pd.read_csv(p, sep=None, engine="python", dtype=str, encoding="utf-8-sig")
    return care_prevalence(frame, source=p.name, lang=lang)


def care_need(pop, prevalence: CarePrevalence) -> pd.DataFrame:
    """People in need of care per (szenario,) key and year: prevalence × population.

    Parameters
    ----------
    pop
        Long population frame ``key, year, alter, geschlecht, anzahl`` (observed) or a
        :class:`~sozialraum.demography.projection.ProjectionResult` (then one row per
        scenario too).
    prevalence
        The checked table (:func:`care_prevalence`).

    Returns
    -------
    pandas.DataFrame
        Index ``(szenario,) key, year``; columns ``pflegebeduerftige`` and
        ``pflege_<form>`` for each form of the table (estimates, not rounded).
    """
    long = long_population(pop)
    age = np.clip(long["alter"].to_numpy(dtype=np.int64), 0, MAX_AGE)
    sex = (long["geschlecht"].to_numpy() == "w").astype(np.int64)
    n = long["anzahl"].to_numpy(dtype=float)
    need = n * prevalence.lookup("quote")[sex, age] / 100.0
    cols = {"pflegebeduerftige": need}
    for f in prevalence.forms:
        cols[f"pflege_{f}"] = need * prevalence.lookup(f)[sex, age] / 100.0
    by = [c for c in ("szenario", "key", "year") if c in long.columns]
    frame = pd.DataFrame(cols)
    for c in by:
        frame[c] = long[c].to_numpy()
    frame["key"] = frame["key"].astype(str)
    return frame.groupby(by, sort=True).sum()


def care_offers(
    offers: pd.DataFrame,
    *,
    type_col: str = "art",
    capacity_col: str = "plaetze",
    source: str = "",
    lang: str | None = None,
) -> pd.DataFrame:
    """Check the care offers (places by type): every offer has a known type.

    Types are :data:`FORMS_WITH_PLACES` (``stationaer``, ``tagespflege``, ``ambulant``:
    clients an ambulant service can serve). Returns ``offers`` with the type
    normalised to lower case.

    Raises
    ------
    InputError
        A missing column, offers without a type (rows named) or an unknown type.
    """
    src = source or "Pflegeangebote"
    for col in (type_col, capacity_col):
        if col not in offers.columns:
            raise InputError(
                t(_MSG, "no_col", lang, src=src, col=col, have=", ".join(map(str, offers.columns))),
                file=src,
                column=col,
            )
    kind = offers[type_col].astype("string").str.strip().str.lower()
    missing = kind.isna() | (kind == "")
    if missing.any():
        rows = [str(i + 2) for i in np.flatnonzero(missing.to_numpy())]
        raise InputError(
            t(
                _MSG,
                "no_type",
                lang,
                src=src,
                n=len(rows),
                col=type_col,
                rows=", ".join(rows),
                knob=knob("care_offer_type", lang),
                forms=", ".join(FORMS_WITH_PLACES),
            ),
            file=src,
            column=type_col,
        )
    bad = sorted(set(kind) - set(FORMS_WITH_PLACES))
    if bad:
        raise InputError(
            t(
                _MSG,
                "bad_type",
                lang,
                src=src,
                value=bad[0],
                col=type_col,
                knob=knob("care_offer_type", lang),
                forms=", ".join(FORMS_WITH_PLACES),
            ),
            file=src,
            column=type_col,
        )
    out = offers.copy()
    out[type_col] = kind.astype(object).to_numpy()
    return out


def need_in_year(need: pd.DataFrame, year: int, scenario: str | None, lang=None) -> pd.DataFrame:
    """The rows of one year (and scenario) of :func:`care_need`, index ``key``.

    Raises :class:`~sozialraum.errors.ConfigError` naming the setting when the year is
    outside the data and the projection.
    """
    sub = need
    if "szenario" in sub.index.names:
        sub = sub.xs(scenario, level="szenario")
    years = sorted(set(sub.index.get_level_values("year")))
    if year not in years:
        raise ConfigError(
            t(
                _MSG,
                "year",
                lang,
                year=year,
                first=years[0],
                last=years[-1],
                knob=knob("care_years", lang),
            ),
            column="jahre",
        )
    return sub.xs(year, level="year")


def care_supply(
    need: pd.DataFrame,
    offers,
    areas,
    params: Mapping[str, object],
    *,
    type_col: str = "art",
    demand_points=None,
    lang: str | None = None,
) -> dict:
    """Supply against need per form of care with places (one supply–need model).

    Parameters
    ----------
    need
        People in need per area (index ``key``; columns ``pflege_<form>`` of
        :func:`care_need` for one year).
    offers
        Offer points (GeoDataFrame) checked by :func:`care_offers`.
    areas
        Planning areas (index key, polygons).
    params
        Form → :class:`~sozialraum.access.SupplyNeedParams` (method, target places per
        100 people in need of that form, catchment).

    Returns
    -------
    dict
        Form → :class:`~sozialraum.access.SupplyNeed` for each form that the
        prevalence splits into and that has offers.
    """
    from sozialraum.access import supply_need

    out = {}
    for form, p in params.items():
        col = f"pflege_{form}"
        if col not in need.columns:
            continue
        fac = offers[offers[type_col] == form]
        if fac.empty:
            continue
        out[form] = supply_need(
            need[col].reindex(areas.index.astype(str)),
            fac,
            areas,
            p,
            demand_points=demand_points,
            facility_type=care_form_label(form, lang),
            lang=lang,
        )
    return out


@dataclass(frozen=True)
class CarePlan:
    """People in need of care and supply against need per year (see :func:`care_plan`).

    Attributes
    ----------
    need
        Year → frame per area key (``pflegebeduerftige``, ``pflege_<form>``).
    supply
        Year → form → :class:`~sozialraum.access.SupplyNeed` (empty without offers).
    prevalence
        The table used.
    scenario
        The projection scenario of the target years.
    """

    need: Mapping[int, pd.DataFrame]
    supply: Mapping[int, Mapping[str, object]]
    prevalence: CarePrevalence
    scenario: str | None = None

    def columns(self) -> pd.DataFrame:
        """One row per area: :func:`need_column` per year and :func:`deficit_column` per form and year."""
        out = {}
        for y, n in self.need.items():
            out[need_column(y)] = n["pflegebeduerftige"]
        for y, by_form in self.supply.items():
            for form, sn in by_form.items():
                out[deficit_column(form, y)] = sn.frame["defizit"]
        frame = pd.DataFrame(out)
        frame.index.name = "key"
        return frame


def care_plan(
    population: pd.DataFrame,
    projection,
    prevalence: CarePrevalence,
    areas,
    *,
    years: Sequence[int] = (2030, 2035),
    scenario: str | None = "mittel",
    base_year: int | None = None,
    offers=None,
    params: Mapping[str, object] | None = None,
    type_col: str = "art",
    demand_points=None,
    lang: str | None = None,
) -> CarePlan:
    """Need today (observed ``base_year``, default the last) and in ``years`` (projected), and supply.

    The one entry point of the run, the command line and the QGIS tool.
    """
    pop = population
    base = (
        int(pop["year"].max())
        if base_year is None or base_year not in set(pop["year"])
        else base_year
    )
    need = {base: need_in_year(care_need(pop[pop["year"] == base], prevalence), base, None, lang)}
    if years:
        proj = care_need(projection, prevalence)
        for y in years:
            if int(y) != base:
                need[int(y)] = need_in_year(proj, int(y), scenario, lang)
    idx = areas.index.astype(str)
    need = {y: f.reindex(idx).fillna(0.0) for y, f in sorted(need.items())}
    supply: dict = {}
    from sozialraum.access.deficit import in_crs_of

    demand_points = in_crs_of(demand_points, areas)  # once for all years
    if offers is not None and params:
        for y, n in need.items():
            supply[y] = care_supply(
                n, offers, areas, params, type_col=type_col, demand_points=demand_points, lang=lang
            )
    return CarePlan(need=need, supply=supply, prevalence=prevalence, scenario=scenario)
