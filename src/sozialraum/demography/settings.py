"""The projection's settings as a district sets them: rates, scenarios, control totals, horizon.

One place turns the planner's settings (``[demografie]`` in ``monitor.toml``, or the
same values from Python) into the arguments of
:func:`~sozialraum.demography.projection.project` and checks them before anything
runs:

* **rates** – a rate table by single year of age (death probabilities, fertility;
  :func:`~sozialraum.demography.rates.read_district_rates`), optionally a total
  fertility rate that replaces the fertility of the table;
* **migration** – ``"geschaetzt"`` (net rates estimated from the population tables)
  or ``"keine"`` (closed population);
* **scenarios** – names and their migration assumption: a shift of net migration in
  persons per 1,000 inhabitants and year (``r_s = factor · r + shift · g(x)``, see
  :mod:`.projection`), optionally a factor;
* **control totals** – the Land's projection (Landesvorausberechnung) for the
  district: a table ``jahr;anzahl`` (optionally by age group ``alter_von;alter_bis``,
  by ``geschlecht`` and by ``szenario``); every projected year is raked to it with
  the projection's own raking (:func:`~sozialraum.demography.projection.rake`, one
  formula), so the district total of every year equals the given total;
* **horizon** – years after the base year; it may not reach beyond the control totals
  nor beyond the year the rates are valid for.

Every error names the setting in the words of the user's door
(:func:`sozialraum.core.doors.knob`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from sozialraum._i18n import t
from sozialraum.core.doors import knob
from sozialraum.demography.population import MAX_AGE
from sozialraum.demography.projection import DEFAULT_SCENARIOS, Scenario
from sozialraum.errors import ConfigError, InputError

__all__ = [
    "DemographySettings",
    "scenarios_from",
    "read_control_totals",
    "check_control_totals",
    "check_rates_horizon",
    "projection_arguments",
]

_MSG = {
    "scen_name": {
        "de": "{k}: der Szenarioname {name!r} ist ungültig. Erlaubt sind Kleinbuchstaben, "
        "Ziffern und _ (der Name wird Teil von Spaltennamen), jeder Name nur einmal.",
        "en": "{k}: scenario name {name!r} is invalid. Use lower-case letters, digits and _ "
        "(the name becomes part of column names), each name once.",
    },
    "scen_len": {
        "de": "{k}: {n} Werte, aber {m} Szenarien in {ks}. Bitte je Szenario genau einen Wert "
        "angeben (in derselben Reihenfolge).",
        "en": "{k}: {n} values but {m} scenarios in {ks}. Give exactly one value per scenario "
        "(in the same order).",
    },
    "main": {
        "de": "{k} = {main!r} ist keines der Szenarien ({names}); bitte einen dieser Namen angeben.",
        "en": "{k} = {main!r} is not one of the scenarios ({names}); use one of these names.",
    },
    "ctrl_cols": {
        "de": "{file} ({k}): Spalten 'jahr' und 'anzahl' werden benötigt; erlaubt sind "
        "zusätzlich 'alter_von'/'alter_bis', 'geschlecht' und 'szenario' (vorhanden: {have}).",
        "en": "{file} ({k}): columns 'jahr' and 'anzahl' are needed; 'alter_von'/'alter_bis', "
        "'geschlecht' and 'szenario' are also allowed (present: {have}).",
    },
    "ctrl_value": {
        "de": "{file} ({k}), Zeile {row}, Spalte {col!r}: {value!r} ist keine gültige Zahl "
        "(Jahr bzw. Anzahl ≥ 0, Alter 0–100).",
        "en": "{file} ({k}), row {row}, column {col!r}: {value!r} is not a valid number "
        "(year or count ≥ 0, age 0–100).",
    },
    "ctrl_scen": {
        "de": "{file} ({k}): Szenario {name!r} in Spalte 'szenario' ist keines der Szenarien "
        "in {ks} ({names}).",
        "en": "{file} ({k}): scenario {name!r} in column 'szenario' is not one of the "
        "scenarios in {ks} ({names}).",
    },
    "ctrl_tile": {
        "de": "{file} ({k}), Jahr {year}: die Altersgruppen (alter_von/alter_bis) decken die "
        "Alter 0–100 nicht lückenlos und ohne Überschneidung ab ({what}). Jede Altersstufe "
        "muss genau einer Gruppe angehören; das offene Ende ist ein leeres alter_bis.",
        "en": "{file} ({k}), year {year}: the age groups (alter_von/alter_bis) do not tile the "
        "ages 0–100 without gaps or overlaps ({what}). Every age must belong to exactly one "
        "group; the open end is an empty alter_bis.",
    },
    "gap": {"de": "Lücke bei Alter {a}", "en": "gap at age {a}"},
    "overlap": {"de": "Alter {a} doppelt", "en": "age {a} twice"},
    "ctrl_horizon": {
        "de": "{kh} = {h} reicht bis {end}, die Eckwerte ({kc}, {file}) enthalten {what}. "
        "Bitte den Horizont verkürzen oder Eckwerte für jedes Jahr bis {end} angeben.",
        "en": "{kh} = {h} reaches {end}, but the control totals ({kc}, {file}) have {what}. "
        "Shorten the horizon or give control totals for every year up to {end}.",
    },
    "ctrl_years": {
        "de": "keine Werte für {years}",
        "en": "no values for {years}",
    },
    "rates_horizon": {
        "de": "{kh} = {h} reicht bis {end}, die Raten ({kr}) gelten laut {ku} nur bis {until}. "
        "Bitte den Horizont verkürzen oder Raten angeben, die bis {end} gelten.",
        "en": "{kh} = {h} reaches {end}, but the rates ({kr}) are valid only until {until} "
        "({ku}). Shorten the horizon or give rates valid until {end}.",
    },
    "horizon": {
        "de": "{k} = {h}: der Horizont muss mindestens 1 Jahr sein.",
        "en": "{k} = {h}: the horizon must be at least 1 year.",
    },
}

_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_CTRL_ALIASES = {
    "year": ("jahr", "year"),
    "anzahl": ("anzahl", "einwohner", "bevoelkerung", "bevölkerung"),
    "alter_von": ("alter_von",),
    "alter_bis": ("alter_bis",),
    "geschlecht": ("geschlecht",),
    "szenario": ("szenario", "variante"),
}


@dataclass(frozen=True)
class DemographySettings:
    """How a district projects its population (``[demografie]`` of ``monitor.toml``).

    Attributes
    ----------
    horizon
        Years after the base year (``horizont``).
    scenarios
        The migration scenarios (``szenarien``, ``szenario_wanderung``; factors from Python).
    main
        The scenario the products show first (``hauptszenario``).
    rates
        Rate table (``raten``): death probabilities and fertility by single year of age.
    tfr
        Total fertility rate replacing the estimated or tabulated fertility (``geburtenziffer``).
    migration
        ``"geschaetzt"`` or ``"keine"`` (``wanderung``).
    control
        Control totals file (``eckwerte``).
    rates_until
        Last year the rates are valid for (``raten_gueltig_bis``).
    """

    horizon: int = 10
    scenarios: tuple[Scenario, ...] = DEFAULT_SCENARIOS
    main: str = "mittel"
    rates: Path | None = None
    tfr: float | None = None
    migration: str = "geschaetzt"
    control: Path | None = None
    rates_until: int | None = None

    @classmethod
    def from_config(cls, d, lang: str | None = None) -> DemographySettings:
        """From the validated ``[demografie]`` section (a mapping)."""
        return cls.build(
            horizon=int(d["horizont"]) if d.get("horizont") is not None else 10,
            scenarios=d.get("szenarien"),
            shifts_permille=d.get("szenario_wanderung"),
            main=d.get("hauptszenario") or "mittel",
            rates=d.get("raten"),
            tfr=d.get("geburtenziffer"),
            migration=d.get("wanderung") or "geschaetzt",
            control=d.get("eckwerte"),
            rates_until=d.get("raten_gueltig_bis"),
            lang=lang,
        )

    @classmethod
    def build(
        cls,
        *,
        horizon: int = 10,
        scenarios: Sequence[str] | None = None,
        shifts_permille: Sequence[float] | None = None,
        main: str = "mittel",
        rates: str | Path | None = None,
        tfr: float | None = None,
        migration: str = "geschaetzt",
        control: str | Path | None = None,
        rates_until: int | None = None,
        lang: str | None = None,
    ) -> DemographySettings:
        """Checked settings from plain values (scenario names and shifts in ‰ per year).

        The one constructor of every door (``monitor.toml``, command line, QGIS): the
        main scenario must be one of the scenarios and the horizon at least one year
        (:class:`~sozialraum.errors.ConfigError` naming the setting in the door's words).
        """
        scen = scenarios_from(scenarios, shifts_permille, None, lang)
        names = [s.name for s in scen]
        if main not in names:
            raise ConfigError(
                t(
                    _MSG,
                    "main",
                    lang,
                    k=knob("demography_main_scenario", lang),
                    main=main,
                    names=", ".join(names),
                ),
                column="hauptszenario",
            )
        if int(horizon) < 1:
            k = knob("demography_horizon", lang)
            raise ConfigError(t(_MSG, "horizon", lang, k=k, h=horizon), column="horizont")
        return cls(
            horizon=int(horizon),
            scenarios=scen,
            main=main,
            rates=_path(rates),
            tfr=None if tfr is None else float(tfr),
            migration=migration,
            control=_path(control),
            rates_until=None if rates_until is None else int(rates_until),
        )


def _path(p) -> Path | None:
    return Path(p) if p else None


def scenarios_from(
    names: Sequence[str] | None,
    shifts_permille: Sequence[float] | None = None,
    factors: Sequence[float] | None = None,
    lang: str | None = None,
) -> tuple[Scenario, ...]:
    """Scenarios from names and their net migration shifts (‰ per year) and factors.

    Without ``names`` the defaults (niedrig −3 ‰, mittel 0, hoch +3 ‰). A known name
    without a shift keeps its default shift and label.
    """
    if not names:
        if shifts_permille or factors:
            names = [s.name for s in DEFAULT_SCENARIOS]
        else:
            return DEFAULT_SCENARIOS
    names = list(names)
    ks = knob("demography_scenarios", lang)
    for i, n in enumerate(names):
        if not isinstance(n, str) or not _NAME.match(n) or n in names[:i]:
            raise ConfigError(t(_MSG, "scen_name", lang, k=ks, name=n), column="szenarien")
    known = {s.name: s for s in DEFAULT_SCENARIOS}
    for values, key, column in (
        (shifts_permille, "demography_scenario_shift", "szenario_wanderung"),
        (factors, None, "factors"),
    ):
        if values is not None and len(values) != len(names):
            k = knob(key, lang) if key else "factors="
            raise ConfigError(
                t(_MSG, "scen_len", lang, k=k, n=len(values), m=len(names), ks=ks), column=column
            )
    out = []
    for i, n in enumerate(names):
        base = known.get(n, Scenario(n, 0.0, 1.0, n.replace("_", " ").capitalize(), n))
        shift = base.shift if shifts_permille is None else float(shifts_permille[i]) / 1000.0
        factor = base.factor if factors is None else float(factors[i])
        out.append(Scenario(n, shift, factor, base.label_de, base.label_en))
    return tuple(out)


def read_control_totals(path: str | Path, *, lang: str | None = None) -> pd.DataFrame:
    """Read the Land's projection for the district (control totals).

    The file (CSV or XLSX) has the columns ``jahr`` and ``anzahl`` and optionally
    ``alter_von``/``alter_bis`` (inclusive age groups, empty ``alter_bis`` = open
    end), ``geschlecht`` (m/w) and ``szenario``. Returns a frame in the form
    :func:`~sozialraum.demography.projection.project` takes (``year, anzahl, …``).
    """
    from sozialraum.io.reader import read_text_table
    from sozialraum.io.symbols import parse_cells

    path = Path(path)
    tab = read_text_table(path, lang=lang)
    raw = tab.frame.copy()
    raw.columns = [str(c).strip().lower() for c in raw.columns]
    kc = knob("demography_control", lang)
    rename, unknown = {}, []
    for c in raw.columns:
        std = next((k for k, al in _CTRL_ALIASES.items() if c in al), None)
        if std is None:
            unknown.append(c)
        else:
            rename[c] = std
    out = raw.rename(columns=rename)
    if unknown or not {"year", "anzahl"} <= set(out.columns):
        raise ConfigError(
            t(_MSG, "ctrl_cols", lang, file=path.name, k=kc, have=", ".join(raw.columns)),
            file=str(path),
            column="eckwerte",
        )
    for col in ("year", "anzahl", "alter_von", "alter_bis"):
        if col not in out.columns:
            continue
        vals, _st, bad = parse_cells(out[col], decimal=tab.decimal, thousands=tab.thousands)
        empty = out[col].isna() | (out[col].astype("string").str.strip() == "")
        invalid = bad | (vals < 0) | (vals > MAX_AGE if col.startswith("alter") else False)
        invalid = invalid | (vals.isna() & ~(empty & (col == "alter_bis")))
        if invalid.any():
            i = int(np.flatnonzero(invalid.to_numpy())[0])
            name = next(c for c, s in rename.items() if s == col)
            raise ConfigError(
                t(
                    _MSG,
                    "ctrl_value",
                    lang,
                    file=path.name,
                    k=kc,
                    row=int(tab.rows[i]),
                    col=name,
                    value=out[col].iloc[i],
                ),
                file=str(path),
                row=int(tab.rows[i]),
                column=name,
            )
        out[col] = vals
    out["year"] = out["year"].astype("int64")
    if "szenario" in out.columns:
        out["szenario"] = out["szenario"].astype(str).str.strip()
    out.attrs["source"] = path.name
    return out


def _tiling_problem(groups: pd.DataFrame) -> tuple[str, int] | None:
    """``("gap"|"overlap", age)`` where the groups of one year do not tile 0..100."""
    cover = np.zeros(MAX_AGE + 1, dtype=int)
    for lo, hi in zip(groups["alter_von"], groups["alter_bis"], strict=True):
        b = MAX_AGE if pd.isna(hi) else int(hi)
        cover[int(lo) : b + 1] += 1
    if (cover > 1).any():
        return "overlap", int(np.flatnonzero(cover > 1)[0])
    if (cover == 0).any():
        return "gap", int(np.flatnonzero(cover == 0)[0])
    return None


def check_control_totals(
    control: pd.DataFrame,
    *,
    start_year: int,
    horizon: int,
    scenarios: Sequence[str],
    lang: str | None = None,
) -> None:
    """Refuse control totals that do not fit the projection (before it runs).

    Checks: every scenario named in the file exists; the age groups of each year (and
    scenario and sex) tile the ages 0–100; every projected year up to the horizon has
    totals.
    """
    file = control.attrs.get("source", "eckwerte")
    kc, ks = knob("demography_control", lang), knob("demography_scenarios", lang)
    if "szenario" in control.columns:
        for name in control["szenario"].unique():
            if name not in scenarios:
                raise ConfigError(
                    t(
                        _MSG,
                        "ctrl_scen",
                        lang,
                        file=file,
                        k=kc,
                        name=name,
                        ks=ks,
                        names=", ".join(scenarios),
                    ),
                    column="eckwerte",
                )
    if "alter_von" in control.columns:
        if "alter_bis" not in control.columns:
            control = control.assign(alter_bis=np.nan)
        by = [c for c in ("year", "szenario", "geschlecht") if c in control.columns]
        for keys, grp in control.groupby(by, sort=True):
            problem = _tiling_problem(grp)
            if problem is not None:
                kind, age = problem
                year = keys[0] if isinstance(keys, tuple) else keys
                raise ConfigError(
                    t(
                        _MSG,
                        "ctrl_tile",
                        lang,
                        file=file,
                        k=kc,
                        year=int(year),
                        what=t(_MSG, kind, lang, a=age),
                    ),
                    column="eckwerte",
                )
    end = start_year + horizon
    need = set(range(start_year + 1, end + 1))
    missing = sorted(need - set(control["year"].astype(int)))
    if missing:
        raise ConfigError(
            t(
                _MSG,
                "ctrl_horizon",
                lang,
                kh=knob("demography_horizon", lang),
                h=horizon,
                end=end,
                kc=kc,
                file=file,
                what=t(_MSG, "ctrl_years", lang, years=", ".join(map(str, missing[:10]))),
            ),
            column="horizont",
        )


def check_rates_horizon(settings: DemographySettings, start_year: int, lang=None) -> None:
    """Refuse a horizon beyond the year the given rates are valid for."""
    end = start_year + settings.horizon
    if settings.rates_until is not None and end > settings.rates_until:
        raise ConfigError(
            t(
                _MSG,
                "rates_horizon",
                lang,
                kh=knob("demography_horizon", lang),
                h=settings.horizon,
                end=end,
                kr=knob("demography_rates", lang),
                ku=knob("demography_rates_until", lang),
                until=settings.rates_until,
            ),
            column="horizont",
        )


def projection_arguments(
    settings: DemographySettings, start_year: int, *, lang: str | None = None
) -> dict:
    """Keyword arguments of :func:`~sozialraum.demography.projection.project` from ``settings``.

    Reads the rate table and the control totals and checks them against the horizon
    and the scenarios (:class:`~sozialraum.errors.ConfigError` naming the setting).
    """
    from sozialraum.demography.rates import read_district_rates

    check_rates_horizon(settings, start_year, lang)
    kw: dict = {"horizon": settings.horizon, "scenarios": settings.scenarios}
    if settings.rates is not None:
        try:
            rates = read_district_rates(settings.rates, lang=lang)
        except InputError as err:  # name the setting in the door's words
            raise type(err)(
                f"{knob('demography_rates', lang)}: {err}",
                file=err.file,
                row=err.row,
                column=err.column,
                ids=err.ids,
            ) from None
        if rates.life_table is not None:
            kw["life_table"] = rates.life_table
        if rates.fertility is not None and rates.fertility.sum() > 0:
            kw["fertility"] = rates.fertility
    if settings.tfr is not None:
        kw["fertility"] = float(settings.tfr)
    if settings.migration == "keine":
        kw["migration"] = 0.0
    if settings.control is not None:
        ctrl = read_control_totals(settings.control, lang=lang)
        check_control_totals(
            ctrl,
            start_year=start_year,
            horizon=settings.horizon,
            scenarios=[s.name for s in settings.scenarios],
            lang=lang,
        )
        kw["control"] = ctrl
    return kw
