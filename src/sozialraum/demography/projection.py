"""Cohort-component population projection for small areas (single years of age, two sexes).

Model (one step = one calendar year; stocks at 31 December; see docs/demography.md)
-----------------------------------------------------------------------------------
For area ``i``, sex ``s``, destination age ``x``, with survival ratios ``S`` and the
birth survival ``S_b = L_0`` from the life table (:mod:`.lifetable`), and net
migration rates ``r`` per person of the starting cohort:

* ``P'(x)   = P(x-1) · max(S(x-1) + r(x), 0)``               for x = 1..99
* ``P'(100) = (P(99) + P(100)) · max(S(99) + r(100), 0)``   (open class 100+)
* ``P'(0)   = B_s · max(S_b + r(0), 0)``
* births ``B = c_i · Σ_a f_a · (W_a(t) + W'_a) / 2`` (women aged 15..49 at the start and
  at the end of the year, ``W'`` after ageing, deaths and migration), split
  ``B_w = B · 100/205``, ``B_m = B · 105/205`` (105 boys per 100 girls);
  ``f_a`` district age-specific fertility rates, ``c_i`` an optional area factor.

Clipping the factor at 0 is the documented guard against negative populations: a
net out-migration rate larger than the survival empties the cohort but never
makes it negative (the dropped amount is reported in ``params.clipped``).

Migration rates are estimated from the past years as the residual
``M(x) = P_{t+1}(x) - P_t(x-1) · S(x-1)`` (age 0: ``P_{t+1}(0) - B_t · S_b`` with the
model births), pooled over all observed transitions, as ``r = ΣM / ΣE`` with the
exposure ``E = P_t(x-1)``. Small areas are shrunk to the district
(:func:`estimate_migration`):

* district rates ``r_D(x, s) = Σ_i M / Σ_i E``;
* area level ``ℓ_i = (Σ M_i - Σ E_i r_D) / Σ E_i`` shrunk with ``w_i = E_i / (E_i + k_area)``;
* cell rates ``r_i = w · M_i/E_i + (1 - w) · (r_D + w_i ℓ_i)`` with ``w = E / (E + k_cell)``.

``w = E / (E + k)`` is the Bühlmann–Straub credibility (empirical Bayes) weight,
``k = σ² / τ²`` (within-area year-to-year variance per person-year over the
between-area variance of the true rates), estimated from the data
(``k="auto"``, needs ≥ 2 transitions) or given.

Scenarios change net migration: ``r_s = factor · r + shift · g(x)``, where ``g`` is a
Rogers–Castro standard migration age profile normalised to a population-weighted
mean of 1, so ``shift`` is the change of net migration per inhabitant and year
(default niedrig −3 ‰, mittel 0, hoch +3 ‰).

Optionally the projected areas are raked each year to control totals (e.g. the
Land's regionalised projection for the district): every area's cells of a
control cell are multiplied by ``control / Σ_areas`` (several control tables:
iterative proportional fitting). Results are rounded to integers with the
largest-remainder method (:mod:`.rounding`): district total, area totals per
year and the cells of each area are preserved exactly.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from sozialraum._i18n import t
from sozialraum.demography.lifetable import LifeTable, default_life_table
from sozialraum.demography.population import MAX_AGE, N_AGES, SEXES, from_array, to_array
from sozialraum.demography.rounding import round_nested
from sozialraum.errors import InputError, SozialraumWarning, format_ids

__all__ = [
    "FEMALE_BIRTH_SHARE",
    "DEFAULT_TFR",
    "Scenario",
    "DEFAULT_SCENARIOS",
    "MigrationRates",
    "ProjectionParams",
    "ProjectionResult",
    "standard_fertility_schedule",
    "migration_age_profile",
    "estimate_fertility",
    "estimate_migration",
    "project_array",
    "rake",
    "project",
]

#: Share of girls among births (105 boys per 100 girls).
FEMALE_BIRTH_SHARE = 100.0 / 205.0
#: Total fertility rate used when it cannot be estimated (Germany 2023: 1.35, Destatis).
DEFAULT_TFR = 1.35
#: Fertile ages (inclusive).
FERTILE = (15, 49)

_MSG = {
    "one_year": {
        "de": "Für die Schätzung der Wanderungsraten werden mindestens zwei aufeinanderfolgende Jahre benötigt (vorhanden: {years}). Bitte weitere Jahre einlesen oder migration=0 angeben.",
        "en": "estimating migration rates needs at least two consecutive years (present: {years}); read more years or pass migration=0.",
    },
    "gap": {
        "de": "Die Jahre {years} sind nicht lückenlos; Übergänge werden nur zwischen aufeinanderfolgenden Jahren geschätzt.",
        "en": "years {years} are not consecutive; transitions are only estimated between consecutive years.",
    },
    "bad_start": {
        "de": "Startjahr {year} kommt in der Bevölkerungstabelle nicht vor (vorhanden: {have}).",
        "en": "start year {year} is not in the population table (present: {have}).",
    },
    "bad_fert": {
        "de": "Geburtenziffern: {what}.",
        "en": "fertility rates: {what}.",
    },
    "control_cols": {
        "de": "Eckwerte (Kontrollsummen): Spalten 'year' und 'anzahl' werden benötigt, erlaubt sind zusätzlich 'alter' oder 'alter_von'/'alter_bis', 'geschlecht', 'szenario' (vorhanden: {have}).",
        "en": "control totals: columns 'year' and 'anzahl' are needed; 'alter' or 'alter_von'/'alter_bis', 'geschlecht', 'szenario' are also allowed (present: {have}).",
    },
    "control_zero": {
        "de": "Eckwerte für {year}: {n} Zelle(n) haben einen positiven Eckwert, aber keine projizierte Bevölkerung (z. B. {cell}); proportionale Anpassung unmöglich.",
        "en": "control totals for {year}: {n} cell(s) have a positive control total but no projected population (e.g. {cell}); proportional raking is impossible.",
    },
    "control_overlap": {
        "de": "Eckwerte: die Altersgruppe {a}–{b} überschneidet sich mit einer anderen Gruppe.",
        "en": "control totals: age group {a}–{b} overlaps another group.",
    },
    "control_age": {
        "de": "Eckwerte, Zeile {row}: Alter bzw. Geschlecht ungültig (Alter 0–100, Geschlecht m/w).",
        "en": "control totals, row {row}: invalid age or sex (age 0–100, sex m/w).",
    },
    "control_neg": {
        "de": "Eckwerte: negative oder fehlende Werte in 'anzahl' (Zeile {row}).",
        "en": "control totals: negative or missing 'anzahl' (row {row}).",
    },
    "control_missing": {
        "de": "Eckwerte: für Jahr {year} fehlen Werte; diese Jahre werden nicht angepasst.",
        "en": "control totals: no values for year {year}; those years are not raked.",
    },
    "clipped": {
        "de": "In {n} Fällen war die Abwanderungsrate größer als die Überlebensrate; die Kohorte wurde auf 0 gesetzt statt negativ zu werden (insgesamt {amount:.1f} Personen). Betroffene Gebiete: {ids}.",
        "en": "in {n} cases the out-migration rate exceeded survival; the cohort was set to 0 instead of becoming negative ({amount:.1f} persons in total). Areas: {ids}.",
    },
    "mig_shape": {
        "de": "Wanderungsraten passen nicht zu den Gebieten der Bevölkerungstabelle (fehlend: {ids}).",
        "en": "migration rates do not match the areas of the population table (missing: {ids}).",
    },
    "area_fert": {
        "de": "Gebietsfaktoren der Fruchtbarkeit fehlen oder sind negativ für: {ids}.",
        "en": "area fertility factors missing or negative for: {ids}.",
    },
}


# ----------------------------------------------------------------------------- inputs


@dataclass(frozen=True)
class Scenario:
    """A migration scenario: ``r_s = factor · r + shift · g(x)`` (see module docstring)."""

    name: str
    shift: float = 0.0
    factor: float = 1.0
    label_de: str = ""
    label_en: str = ""

    def label(self, lang: str | None = None) -> str:
        """Readable label."""
        if (lang or "de").startswith("en"):
            return self.label_en or self.name
        return self.label_de or self.name


#: Default scenarios: ±3 net migrants per 1,000 inhabitants and year around the estimated rates.
DEFAULT_SCENARIOS: tuple[Scenario, ...] = (
    Scenario("niedrig", -0.003, 1.0, "Niedrige Zuwanderung", "Low migration"),
    Scenario("mittel", 0.0, 1.0, "Mittlere Zuwanderung", "Medium migration"),
    Scenario("hoch", 0.003, 1.0, "Hohe Zuwanderung", "High migration"),
)


@dataclass(frozen=True)
class MigrationRates:
    """Net migration rates per person of the starting cohort.

    Attributes
    ----------
    keys
        Area keys in array order.
    rates
        Shrunk area rates, shape ``(n_areas, 101, 2)``; index ``x`` = destination age
        (``x = 0``: births of the year).
    district
        District rates ``r_D``, shape ``(101, 2)``.
    exposure
        Pooled exposure ``ΣE`` (person-years), shape ``(n_areas, 101, 2)``.
    k_cell, k_area
        Credibility constants used.
    transitions
        Number of year-to-year transitions pooled.
    """

    keys: tuple[str, ...]
    rates: np.ndarray
    district: np.ndarray
    exposure: np.ndarray
    k_cell: float
    k_area: float
    transitions: int

    def to_frame(self) -> pd.DataFrame:
        """Long frame ``key, alter, geschlecht, rate, rate_kreis, exposition``."""
        na = len(self.keys)
        k, a, s = np.meshgrid(np.arange(na), np.arange(N_AGES), np.arange(2), indexing="ij")
        return pd.DataFrame(
            {
                "key": np.asarray(self.keys, dtype=object)[k.ravel()],
                "alter": a.ravel(),
                "geschlecht": np.asarray(SEXES, dtype=object)[s.ravel()],
                "rate": self.rates.ravel(),
                "rate_kreis": np.broadcast_to(self.district, self.rates.shape).ravel(),
                "exposition": self.exposure.ravel(),
            }
        )


@dataclass(frozen=True)
class ProjectionParams:
    """Everything a report needs to state how the projection was made."""

    start_year: int
    end_year: int
    base_years: tuple[int, ...]
    life_table_source: str
    life_expectancy: tuple[float, float]
    tfr: float
    fertility_source: str
    k_cell: float
    k_area: float
    scenarios: tuple[Scenario, ...]
    constrained: bool
    rounded: bool
    clipped: float = 0.0


@dataclass(frozen=True)
class ProjectionResult:
    """Projected population per scenario, area, year, age and sex.

    Attributes
    ----------
    keys, years
        Area keys and years (``years[0]`` = start year, the observed base).
    scenarios
        Scenario names in array order.
    values
        Array ``(n_scenarios, n_years, n_areas, 101, 2)``: integers (as float) if
        rounded, else the exact model values.
    exact
        The unrounded values (same shape).
    migration
        The migration rates used (medium / factor 1, shift 0).
    fertility
        Age-specific fertility rates ``f_a`` (length 101, zero outside 15..49).
    area_fertility
        Area factors ``c_i``.
    params
        :class:`ProjectionParams`.
    """

    keys: tuple[str, ...]
    years: tuple[int, ...]
    scenarios: tuple[str, ...]
    values: np.ndarray
    exact: np.ndarray
    migration: MigrationRates | None
    fertility: np.ndarray
    area_fertility: np.ndarray
    params: ProjectionParams

    @cached_property
    def population(self) -> pd.DataFrame:
        """Long frame ``szenario, key, year, alter, geschlecht, anzahl`` (start year included)."""
        parts = [
            from_array(self.values[j], self.keys, self.years, extra={"szenario": s})
            for j, s in enumerate(self.scenarios)
        ]
        return self._counts(pd.concat(parts, ignore_index=True))

    def scenario(self, name: str) -> pd.DataFrame:
        """Long frame of one scenario (without the ``szenario`` column)."""
        j = self.scenarios.index(name)
        return self._counts(from_array(self.values[j], self.keys, self.years))

    def _counts(self, out: pd.DataFrame) -> pd.DataFrame:
        """``anzahl`` as whole persons when the projection was rounded."""
        if self.params.rounded:
            out["anzahl"] = out["anzahl"].round().astype("int64")
        return out

    def totals(self) -> pd.DataFrame:
        """Total population per scenario, area and year (wide: one column per year)."""
        tot = self.values.sum(axis=(3, 4))  # (scen, years, areas)
        frames = []
        for j, s in enumerate(self.scenarios):
            df = pd.DataFrame(
                tot[j].T, index=pd.Index(self.keys, name="key"), columns=list(self.years)
            )
            df.insert(0, "szenario", s)
            frames.append(df)
        return (
            pd.concat(frames).set_index("szenario", append=True).reorder_levels(["szenario", "key"])
        )


# ----------------------------------------------------------------------------- schedules


def standard_fertility_schedule(
    tfr: float = DEFAULT_TFR, *, mean_age: float = 31.7, sd: float = 5.5
) -> np.ndarray:
    """Age-specific fertility rates ``f_a`` (length 101) with a gamma-shaped profile.

    The shape is a gamma density of ``a + 0.5 - 14`` with mean ``mean_age - 14`` and
    standard deviation ``sd`` (defaults: mean age of mothers at birth 2022, Destatis
    31.7 years), restricted to ages 15..49 and scaled so that ``Σ f_a = tfr``.
    """
    from scipy.stats import gamma

    a = np.arange(N_AGES, dtype=float)
    m = mean_age - 14.0
    shape = (m / sd) ** 2
    scale = sd**2 / m
    dens = gamma.pdf(a + 0.5 - 14.0, shape, scale=scale)
    dens[: FERTILE[0]] = 0.0
    dens[FERTILE[1] + 1 :] = 0.0
    return tfr * dens / dens.sum()


def migration_age_profile(
    *,
    a1: float = 0.02,
    alpha1: float = 0.1,
    a2: float = 0.06,
    alpha2: float = 0.1,
    mu2: float = 20.0,
    lambda2: float = 0.4,
    c: float = 0.003,
) -> np.ndarray:
    """Rogers–Castro model migration schedule (length 101; not normalised).

    ``g(x) = a1·e^{-α1 x} + a2·e^{-α2 (x-μ2) - e^{-λ2 (x-μ2)}} + c`` with the
    "standard" parameters of Rogers & Castro (1981): childhood component, labour
    force peak around age 20–25, constant.
    """
    x = np.arange(N_AGES, dtype=float)
    return (
        a1 * np.exp(-alpha1 * x)
        + a2 * np.exp(-alpha2 * (x - mu2) - np.exp(-lambda2 * (x - mu2)))
        + c
    )


# ----------------------------------------------------------------------------- core


def _births(
    women_start: np.ndarray, women_end: np.ndarray, f: np.ndarray, fscale: np.ndarray
) -> np.ndarray:
    """Births per area: ``c_i Σ_a f_a (W_a(t) + W'_a)/2``; women arrays ``(areas, 101)``."""
    return fscale * (((women_start + women_end) * 0.5) @ f)


def _survive(p: np.ndarray, s: np.ndarray, r: np.ndarray) -> tuple[np.ndarray, float]:
    """Age the population ``p (areas, 101, 2)``: ages 1..100 of the next year (age 0 left 0)."""
    out = np.zeros_like(p)
    fac = s[None, : MAX_AGE - 1, :] + r[:, 1:MAX_AGE, :]  # source ages 0..98 → dest 1..99
    fac_open = s[None, MAX_AGE - 1, :] + r[:, MAX_AGE, :]  # (areas, 2)
    neg = np.minimum(fac, 0.0) * p[:, : MAX_AGE - 1, :]
    neg_open = np.minimum(fac_open, 0.0) * (p[:, MAX_AGE - 1, :] + p[:, MAX_AGE, :])
    out[:, 1:MAX_AGE, :] = p[:, : MAX_AGE - 1, :] * np.maximum(fac, 0.0)
    out[:, MAX_AGE, :] = (p[:, MAX_AGE - 1, :] + p[:, MAX_AGE, :]) * np.maximum(fac_open, 0.0)
    return out, float(-(neg.sum() + neg_open.sum()))


def project_array(
    p0: np.ndarray,
    steps: int,
    *,
    survival: np.ndarray,
    birth_survival: np.ndarray,
    fertility: np.ndarray,
    migration: np.ndarray | None = None,
    area_fertility: np.ndarray | None = None,
    female_share: float = FEMALE_BIRTH_SHARE,
    control: Sequence[tuple[np.ndarray, np.ndarray]] | None = None,
    return_clipped: bool = False,
) -> np.ndarray | tuple[np.ndarray, np.ndarray]:
    """Project a ``(areas, 101, 2)`` population ``steps`` years ahead (pure numpy).

    Parameters
    ----------
    p0
        Start population (areas × age 0..100 × sex m/w).
    steps
        Number of one-year steps.
    survival
        ``S`` (101, 2), see :attr:`LifeTable.survival`.
    birth_survival
        ``S_b`` (2,).
    fertility
        ``f_a`` (101,).
    migration
        Net migration rates by destination age, ``(areas, 101, 2)`` or ``(101, 2)``; ``None`` = 0.
    area_fertility
        Factors ``c_i`` (areas,); ``None`` = 1.
    female_share
        Share of girls among births.
    control
        Optional raking per step: list of ``(cell_index (101, 2) int, targets (steps, n_cells))``;
        a NaN target leaves that cell/year unraked.
    return_clipped
        Also return the persons dropped by the non-negativity guard, per area.

    Returns
    -------
    numpy.ndarray
        ``(steps + 1, areas, 101, 2)``, index 0 = ``p0``.
    """
    p0 = np.asarray(p0, dtype=float)
    na = p0.shape[0]
    r = (
        np.zeros((na, N_AGES, 2))
        if migration is None
        else np.broadcast_to(np.asarray(migration, float), (na, N_AGES, 2))
    )
    fs = np.ones(na) if area_fertility is None else np.asarray(area_fertility, dtype=float)
    sex_share = np.array([1.0 - female_share, female_share])
    out = np.empty((steps + 1, na, N_AGES, 2))
    out[0] = p0
    clipped = np.zeros(na)
    for step in range(steps):
        p = out[step]
        nxt, _ = _survive(p, survival, r)
        fac = survival[None, : MAX_AGE - 1, :] + r[:, 1:MAX_AGE, :]
        fac_open = survival[None, MAX_AGE - 1, :] + r[:, MAX_AGE, :]
        clipped += -(np.minimum(fac, 0.0) * p[:, : MAX_AGE - 1, :]).sum(axis=(1, 2))
        clipped += -(np.minimum(fac_open, 0.0) * (p[:, MAX_AGE - 1, :] + p[:, MAX_AGE, :])).sum(
            axis=1
        )
        births = _births(p[:, :, 1], nxt[:, :, 1], fertility, fs)  # (areas,)
        fac0 = birth_survival[None, :] + r[:, 0, :]
        clipped += -(np.minimum(fac0, 0.0) * births[:, None] * sex_share[None, :]).sum(axis=1)
        nxt[:, 0, :] = births[:, None] * sex_share[None, :] * np.maximum(fac0, 0.0)
        if control:
            nxt = rake(nxt, [(ci, tg[step]) for ci, tg in control], label=f"+{step + 1}")
        out[step + 1] = nxt
    return (out, clipped) if return_clipped else out


def rake(
    p: np.ndarray,
    control: Sequence[tuple[np.ndarray, np.ndarray]],
    *,
    max_iter: int = 100,
    tol: float = 1e-12,
    label: object = "?",
) -> np.ndarray:
    """Proportionally rake ``p (areas, 101, 2)`` to control totals over areas.

    Parameters
    ----------
    p
        Population of one year.
    control
        ``(cell_index, targets)`` pairs: ``cell_index`` (101, 2) assigns each age/sex to a
        control cell, ``targets`` (n_cells,) the district totals (NaN = free). One pair:
        one proportional adjustment; several: iterative proportional fitting.

    label
        Year shown in the error message.

    Raises
    ------
    InputError
        A positive target for a cell without any projected population.

    Returns
    -------
    numpy.ndarray
        Raked copy; for every pair and cell, ``Σ_areas`` of the cell equals the target.
    """
    q = p.copy()
    its = 1 if len(control) == 1 else max_iter
    for _ in range(its):
        worst = 0.0
        for cell, target in control:
            ncell = target.shape[0]
            cur = np.bincount(cell.ravel(), weights=q.sum(axis=0).ravel(), minlength=ncell)
            empty = (cur <= 0) & (np.nan_to_num(target) > 0)
            if empty.any():
                raise InputError(
                    t(
                        _MSG,
                        "control_zero",
                        None,
                        year=label,
                        n=int(empty.sum()),
                        cell=int(np.flatnonzero(empty)[0]),
                    )
                )
            with np.errstate(divide="ignore", invalid="ignore"):
                fac = np.where(np.isnan(target), 1.0, np.where(cur > 0, target / cur, 1.0))
            worst = max(worst, float(np.nanmax(np.abs(fac - 1.0))) if fac.size else 0.0)
            q *= fac[cell][None, :, :]
        if worst < tol:
            break
    return q


# ----------------------------------------------------------------------------- estimation


def _transitions(years: Sequence[int]) -> list[int]:
    """Indices ``j`` with ``years[j+1] == years[j] + 1``."""
    return [j for j in range(len(years) - 1) if years[j + 1] == years[j] + 1]


def _observed_births(arr: np.ndarray, trans: list[int], birth_survival: np.ndarray) -> np.ndarray:
    """Births implied by the age-0 stock: ``P_{t+1}(0, s) / S_b(s)``; shape (T, areas)."""
    return (arr[[j + 1 for j in trans], :, 0, :] / birth_survival[None, None, :]).sum(axis=2)


def estimate_fertility(
    pop: pd.DataFrame | np.ndarray,
    *,
    life_table: LifeTable | None = None,
    years: Sequence[int] | None = None,
    schedule: np.ndarray | None = None,
    area_prior: float | None = 10.0,
) -> tuple[np.ndarray, np.ndarray, float]:
    """District age-specific fertility rates and area factors from the age-0 stocks.

    Births of year ``t+1`` are taken as the children aged 0 at its end divided by
    ``S_b`` (they include the net migration of infants — an "effective" fertility).
    The district rates are the standard schedule (:func:`standard_fertility_schedule`
    or ``schedule``) scaled so that its births on the observed women equal the
    observed births, pooled over all transitions. Area factors
    ``c_i = (O_i + α) / (E_i + α)`` (observed / expected births, Poisson–Gamma
    empirical Bayes with ``α = area_prior`` prior births; ``None`` → all 1).

    Returns
    -------
    (f, c, tfr)
        ``f`` (101,), ``c`` (areas,), the district TFR ``Σ f``.
    """
    if isinstance(pop, pd.DataFrame):
        pa = to_array(pop)
        arr, years = pa.values, pa.years
    else:
        arr = np.asarray(pop, dtype=float)
    years = list(years) if years is not None else list(range(arr.shape[0]))
    lt = life_table or default_life_table()
    sb = lt.birth_survival
    shape = (
        standard_fertility_schedule(1.0)
        if schedule is None
        else np.asarray(schedule, float) / np.sum(schedule)
    )
    trans = _transitions(years)
    na = arr.shape[1]
    if not trans:
        return DEFAULT_TFR * shape, np.ones(na), DEFAULT_TFR
    obs = _observed_births(arr, trans, sb)  # (T, areas)
    w0 = arr[trans, :, :, 1]
    w1 = arr[[j + 1 for j in trans], :, :, 1]
    expected_unit = ((w0 + w1) * 0.5) @ shape  # births per unit TFR, (T, areas)
    denom = expected_unit.sum()
    tfr = float(obs.sum() / denom) if denom > 0 else DEFAULT_TFR
    f = tfr * shape
    if area_prior is None:
        c = np.ones(na)
    else:
        o_i = obs.sum(axis=0)
        e_i = expected_unit.sum(axis=0) * tfr
        c = (o_i + area_prior) / (e_i + area_prior)
    return f, c, tfr


def _buhlmann_k(m: np.ndarray, e: np.ndarray) -> float:
    """Bühlmann–Straub credibility constant ``k = σ²/τ²`` from net flows ``m`` and exposures ``e``.

    ``m, e`` have shape ``(T, I, C)`` (transitions, areas, cells); the variance components
    are estimated per cell over areas and then pooled (sums over cells). Returns ``inf``
    when no between-area variance is found (then all areas get the district rate).
    """
    T = m.shape[0]
    if T < 2:
        return float("nan")
    ei = e.sum(axis=0)  # (I, C)
    with np.errstate(divide="ignore", invalid="ignore"):
        rit = np.where(e > 0, m / e, 0.0)
        ri = np.where(ei > 0, m.sum(axis=0) / ei, 0.0)
    nt = (e > 0).sum(axis=0)  # transitions with exposure, (I, C)
    sigma_num = (e * (rit - ri[None]) ** 2).sum(axis=(0, 1))  # (C,)
    sigma_den = np.clip(nt - 1, 0, None).sum(axis=0)
    etot = ei.sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        rbar = np.where(etot > 0, m.sum(axis=(0, 1)) / etot, 0.0)
    ni = (ei > 0).sum(axis=0)
    between = (ei * (ri - rbar[None]) ** 2).sum(axis=0)
    corr = etot - np.where(etot > 0, (ei**2).sum(axis=0) / np.where(etot > 0, etot, 1.0), 0.0)
    ok = (sigma_den > 0) & (ni > 1) & (corr > 0)
    if not ok.any():
        return float("nan")
    sigma2 = sigma_num[ok].sum() / sigma_den[ok].sum()
    tau2 = (between[ok].sum() - (ni[ok] - 1).sum() * sigma2) / corr[ok].sum()
    if tau2 <= 0:
        return float("inf")
    return float(sigma2 / tau2)


def estimate_migration(
    pop: pd.DataFrame | np.ndarray,
    *,
    life_table: LifeTable | None = None,
    fertility: np.ndarray | None = None,
    area_fertility: np.ndarray | None = None,
    years: Sequence[int] | None = None,
    keys: Sequence[str] | None = None,
    k_cell: float | str = "auto",
    k_area: float | str = "auto",
    female_share: float = FEMALE_BIRTH_SHARE,
    lang: str | None = None,
) -> MigrationRates:
    """Net migration rates by area, destination age and sex as the residual of past years.

    Parameters
    ----------
    pop
        Long population frame, or an array ``(years, areas, 101, 2)`` (then give ``years``/``keys``).
    life_table
        Default :func:`~sozialraum.demography.lifetable.default_life_table`.
    fertility, area_fertility
        ``f_a`` and ``c_i`` for the model births of age 0; default :func:`estimate_fertility`.
    k_cell, k_area
        Credibility constants (person-years at which an area's own rate gets weight ½)
        for single age/sex cells and for the area's overall level; ``"auto"``:
        Bühlmann–Straub estimate (fallback 200 / 2000 with fewer than 2 transitions).

    Returns
    -------
    MigrationRates
    """
    if isinstance(pop, pd.DataFrame):
        pa = to_array(pop, lang=lang)
        arr, years, keys = pa.values, list(pa.years), list(pa.keys)
    else:
        arr = np.asarray(pop, dtype=float)
        years = list(years) if years is not None else list(range(arr.shape[0]))
        keys = list(keys) if keys is not None else [str(i) for i in range(arr.shape[1])]
    trans = _transitions(years)
    if not trans:
        raise InputError(t(_MSG, "one_year", lang, years=", ".join(map(str, years))))
    if len(trans) < len(years) - 1:
        warnings.warn(
            t(_MSG, "gap", lang, years=", ".join(map(str, years))), SozialraumWarning, stacklevel=2
        )
    lt = life_table or default_life_table()
    s, sb = lt.survival, lt.birth_survival
    if fertility is None:
        fertility, c_est, _ = estimate_fertility(arr, life_table=lt, years=years)
        if area_fertility is None:
            area_fertility = c_est
    na = arr.shape[1]
    fs = np.ones(na) if area_fertility is None else np.asarray(area_fertility, float)
    sex_share = np.array([1.0 - female_share, female_share])

    p0 = arr[trans]  # (T, areas, 101, 2)
    p1 = arr[[j + 1 for j in trans]]
    e = np.zeros_like(p0)
    expected = np.zeros_like(p0)
    e[:, :, 1:MAX_AGE, :] = p0[:, :, : MAX_AGE - 1, :]
    e[:, :, MAX_AGE, :] = p0[:, :, MAX_AGE - 1, :] + p0[:, :, MAX_AGE, :]
    expected[:, :, 1:, :] = e[:, :, 1:, :] * s[None, None, :MAX_AGE, :]
    births = fs[None, :] * (((p0[..., 1] + p1[..., 1]) * 0.5) @ fertility)  # (T, areas)
    e[:, :, 0, :] = births[..., None] * sex_share
    expected[:, :, 0, :] = e[:, :, 0, :] * sb[None, None, :]
    m = p1 - expected  # net migration residual

    msum, esum = m.sum(axis=0), e.sum(axis=0)  # (areas, 101, 2)
    with np.errstate(divide="ignore", invalid="ignore"):
        r_d = np.where(esum.sum(axis=0) > 0, msum.sum(axis=0) / esum.sum(axis=0), 0.0)  # (101, 2)
        raw = np.where(esum > 0, msum / esum, 0.0)

    def _k(val: float | str, mm: np.ndarray, ee: np.ndarray, fallback: float) -> float:
        if isinstance(val, str):
            k = _buhlmann_k(mm, ee)
            return fallback if np.isnan(k) else k
        return float(val)

    # area level: excess over the district schedule, per person-year
    e_area = esum.sum(axis=(1, 2))
    excess_t = (m - e * r_d[None, None]).sum(axis=(2, 3))  # (T, areas)
    e_area_t = e.sum(axis=(2, 3))  # (T, areas)
    k_a = _k(k_area, excess_t[:, :, None], e_area_t[:, :, None], 2000.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        level = np.where(e_area > 0, excess_t.sum(axis=0) / e_area, 0.0)
        w_area = e_area / (e_area + k_a) if np.isfinite(k_a) else np.zeros(na)
    target = r_d[None] + (w_area * level)[:, None, None]
    # cells: credibility constant estimated on deviations from the area-adjusted target
    nt = len(trans)
    k_c = _k(k_cell, (m - e * target[None]).reshape(nt, na, -1), e.reshape(nt, na, -1), 200.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        w_cell = esum / (esum + k_c) if np.isfinite(k_c) else np.zeros_like(esum)
    rates = w_cell * raw + (1.0 - w_cell) * target
    return MigrationRates(
        keys=tuple(keys),
        rates=rates,
        district=r_d,
        exposure=esum,
        k_cell=float(k_c),
        k_area=float(k_a),
        transitions=len(trans),
    )


# ----------------------------------------------------------------------------- control totals


def _control_arrays(
    control: pd.DataFrame | Sequence[pd.DataFrame],
    years: Sequence[int],
    scenarios: Sequence[str],
    lang: str | None,
) -> dict[str, list[tuple[np.ndarray, np.ndarray]]]:
    """Per scenario: list of ``(cell_index (101, 2), targets (steps, n_cells))``; NaN target = free cell."""
    frames = [control] if isinstance(control, pd.DataFrame) else list(control)
    out: dict[str, list] = {s: [] for s in scenarios}
    proj_years = list(years[1:])
    allowed = {"year", "anzahl", "alter", "alter_von", "alter_bis", "geschlecht", "szenario"}
    for cf in frames:
        cols = set(cf.columns)
        if (
            not {"year", "anzahl"} <= cols
            or not cols <= allowed
            or ("alter" in cols and "alter_von" in cols)
        ):
            raise InputError(t(_MSG, "control_cols", lang, have=", ".join(map(str, cf.columns))))
        vals = pd.to_numeric(cf["anzahl"], errors="coerce")
        bad = (vals.isna() | (vals < 0)).to_numpy()
        if bad.any():
            row = int(np.flatnonzero(bad)[0]) + 2
            raise InputError(t(_MSG, "control_neg", lang, row=row), row=row, column="anzahl")
        # age classes: single years, groups alter_von..alter_bis (inclusive; empty bis = open), or all ages
        age_map = np.zeros(N_AGES, dtype=np.int64)
        if "alter" in cols:
            row_age = pd.to_numeric(cf["alter"], errors="coerce").to_numpy()
            age_map = np.arange(N_AGES)
            n_age = N_AGES
        elif "alter_von" in cols:
            lo = pd.to_numeric(cf["alter_von"], errors="coerce").to_numpy()
            hi = (
                pd.to_numeric(cf["alter_bis"], errors="coerce").fillna(MAX_AGE).to_numpy()
                if "alter_bis" in cols
                else np.full(len(cf), float(MAX_AGE))
            )
            pairs = sorted(
                {(int(a), int(b)) for a, b in zip(lo, hi, strict=True) if np.isfinite(a)}
            )
            n_age = len(pairs) + 1  # last cell: ages outside every group (free)
            age_map = np.full(N_AGES, len(pairs), dtype=np.int64)
            for g, (a, b) in enumerate(pairs):
                if (age_map[a : b + 1] != len(pairs)).any():
                    raise InputError(t(_MSG, "control_overlap", lang, a=a, b=b), column="alter_von")
                age_map[a : b + 1] = g
            lookup = {p: g for g, p in enumerate(pairs)}
            row_age = np.array(
                [
                    lookup.get((int(a), int(b)), -1) if np.isfinite(a) else -1
                    for a, b in zip(lo, hi, strict=True)
                ],
                dtype=float,
            )
            row_age[row_age < 0] = np.nan
        else:
            row_age = np.zeros(len(cf))
            n_age = 1
        bad = ~np.isfinite(row_age) | (row_age < 0) | (row_age >= n_age)
        if bad.any():
            row = int(np.flatnonzero(bad)[0]) + 2
            raise InputError(t(_MSG, "control_age", lang, row=row), row=row, column="alter")
        nsex = 2 if "geschlecht" in cols else 1
        cell = np.broadcast_to(
            age_map[:, None] * nsex + (np.array([0, 1])[None, :] if nsex == 2 else 0), (N_AGES, 2)
        ).astype(np.int64)
        cid = row_age.astype(np.int64) * nsex
        if nsex == 2:
            sx = (
                cf["geschlecht"]
                .astype(str)
                .str.strip()
                .str.lower()
                .str[0]
                .map({"m": 0, "w": 1, "f": 1})
            )
            if sx.isna().any():
                row = int(np.flatnonzero(sx.isna().to_numpy())[0]) + 2
                raise InputError(
                    t(_MSG, "control_age", lang, row=row), row=row, column="geschlecht"
                )
            cid = cid + sx.to_numpy(dtype=np.int64)
        yidx = pd.Index(proj_years).get_indexer(pd.to_numeric(cf["year"]).astype("int64"))
        for s in scenarios:
            tg = np.full((len(proj_years), n_age * nsex), np.nan)
            sel = yidx >= 0
            if "szenario" in cols:
                sel &= (cf["szenario"].astype(str) == s).to_numpy()
                if not sel.any():
                    continue
            tg[yidx[sel], cid[sel]] = vals.to_numpy()[sel]
            out[s].append((cell, tg))
    return out


# ----------------------------------------------------------------------------- main entry


def project(
    pop: pd.DataFrame,
    *,
    end_year: int | None = None,
    horizon: int | None = None,
    start_year: int | None = None,
    life_table: LifeTable | None = None,
    fertility: float | np.ndarray | pd.Series | None = None,
    area_fertility: str | pd.Series | None = "estimated",
    migration: MigrationRates | float | None = None,
    k_cell: float | str = "auto",
    k_area: float | str = "auto",
    scenarios: Sequence[Scenario] | None = None,
    control: pd.DataFrame | Sequence[pd.DataFrame] | None = None,
    rounding: bool = True,
    lang: str | None = None,
) -> ProjectionResult:
    """Project the population of every area, by single year of age and sex, for several scenarios.

    Parameters
    ----------
    pop
        Long population frame (``key, year, alter, geschlecht, anzahl``), e.g. from
        :func:`~sozialraum.demography.population.read_population`; all its consecutive years
        are used to estimate the rates.
    end_year, horizon
        Last projected year, or number of years after the start (default 10).
    start_year
        Base year (default the last year in ``pop``).
    life_table
        Default :func:`~sozialraum.demography.lifetable.default_life_table`.
    fertility
        ``None``: estimated from the age-0 stocks (:func:`estimate_fertility`; with one year
        only the standard schedule with TFR 1.35); a number: TFR with the standard schedule;
        an array/Series by age (index 0..100 or 15..49): the district rates ``f_a``.
    area_fertility
        ``"estimated"`` (empirical-Bayes area factors), ``None``/``"district"`` (all 1),
        or a Series key → factor.
    migration
        ``None``: estimated residual rates (:func:`estimate_migration`); ``0``: closed
        population; a :class:`MigrationRates` object: used as given.
    k_cell, k_area
        Credibility constants, see :func:`estimate_migration`.
    scenarios
        Default :data:`DEFAULT_SCENARIOS` (niedrig / mittel / hoch).
    control
        Control totals to rake to each projected year: a frame (or several for IPF) with
        ``year, anzahl`` and optionally ``alter`` (single years) or ``alter_von``/``alter_bis``
        (inclusive age groups, empty ``alter_bis`` = open; ages outside every group stay
        unraked), ``geschlecht``, ``szenario``. Years without a row are not raked. Without a
        ``szenario`` column the same totals apply to every scenario (then the scenarios
        differ only in the distribution across areas).
    rounding
        Round to integers preserving the district total, area totals and cells
        (:func:`~sozialraum.demography.rounding.round_nested`); the unrounded values stay in
        ``exact``. Rounding is applied to the output only; the projection runs on exact values.

    Returns
    -------
    ProjectionResult
    """
    pa = to_array(pop, lang=lang)
    years = list(pa.years)
    start = years[-1] if start_year is None else int(start_year)
    if start not in years:
        raise InputError(t(_MSG, "bad_start", lang, year=start, have=", ".join(map(str, years))))
    if end_year is None:
        end_year = start + (10 if horizon is None else int(horizon))
    steps = int(end_year) - start
    lt = life_table or default_life_table()
    na = len(pa.keys)
    base_mask = [y for y in years if y <= start]
    base_arr = pa.values[: len(base_mask)]

    f_est, c_est, tfr_est = estimate_fertility(base_arr, life_table=lt, years=base_mask)
    f, fsrc = _district_fertility(fertility, f_est, base_mask, lang)
    c = _area_factors(area_fertility, fertility, c_est, f, base_arr, lt, base_mask, pa.keys, lang)
    mig, r = _migration_rates(
        migration, base_arr, lt, f, c, base_mask, pa.keys, k_cell, k_area, lang
    )

    scen = tuple(scenarios) if scenarios is not None else DEFAULT_SCENARIOS
    p_start = pa.values[years.index(start)]
    proj_years = list(range(start, int(end_year) + 1))
    ctrl = (
        _control_arrays(control, proj_years, [sc.name for sc in scen], lang)
        if control is not None
        else None
    )
    values, clipped_area = _project_scenarios(
        p_start, steps, scen, lt, f, c, r, ctrl, proj_years, lang
    )
    if clipped_area.sum() > 1e-9:
        ids = [k for k, v in zip(pa.keys, clipped_area, strict=True) if v > 1e-9]
        warnings.warn(
            t(
                _MSG,
                "clipped",
                lang,
                n=len(ids),
                amount=float(clipped_area.sum()),
                ids=format_ids(ids),
            ),
            SozialraumWarning,
            stacklevel=2,
        )
    exact = values
    if rounding:
        shp = values.shape
        rounded = round_nested(values.reshape(shp[0], shp[1], na, -1)).reshape(shp).astype(float)
    else:
        rounded = values
    params = ProjectionParams(
        start_year=start,
        end_year=int(end_year),
        base_years=tuple(base_mask),
        life_table_source=lt.source,
        life_expectancy=tuple(float(v) for v in lt.life_expectancy),
        tfr=float(f.sum()),
        fertility_source=fsrc,
        k_cell=float(mig.k_cell) if mig is not None else float("nan"),
        k_area=float(mig.k_area) if mig is not None else float("nan"),
        scenarios=scen,
        constrained=control is not None,
        rounded=rounding,
        clipped=float(clipped_area.sum()),
    )
    return ProjectionResult(
        keys=pa.keys,
        years=tuple(proj_years),
        scenarios=tuple(sc.name for sc in scen),
        values=rounded,
        exact=exact,
        migration=mig,
        fertility=f,
        area_fertility=c,
        params=params,
    )


def _district_fertility(fertility, f_est, base_years, lang) -> tuple[np.ndarray, str]:
    """District fertility rates by age (estimated, a TFR, or given) and their source text."""
    if fertility is None:
        src = (
            "geschätzt aus den Beständen im Alter 0"
            if _transitions(base_years)
            else f"Standardprofil, TFR {DEFAULT_TFR}"
        )
        return f_est, src
    if np.isscalar(fertility):
        return standard_fertility_schedule(float(fertility)), (
            f"Standardprofil, TFR {float(fertility):.2f}"
        )
    ser = pd.Series(fertility) if not isinstance(fertility, pd.Series) else fertility
    f = np.zeros(N_AGES)
    if len(ser) == N_AGES and not isinstance(fertility, pd.Series):
        f[:] = np.asarray(fertility, dtype=float)
    else:
        f[ser.index.astype(int).to_numpy()] = ser.to_numpy(dtype=float)
    if (f < 0).any() or not np.isfinite(f).all():
        raise InputError(
            t(
                _MSG,
                "bad_fert",
                lang,
                what="negative oder fehlende Werte / negative or missing values",
            )
        )
    return f, "vorgegeben"


def _area_factors(area_fertility, fertility, c_est, f, base_arr, lt, base_years, keys, lang):
    """Fertility factor per area: estimated (EB), 1 everywhere, or given per key."""
    if isinstance(area_fertility, str) and area_fertility == "estimated":
        if fertility is None:
            return c_est
        # re-scale the area factors to the given district rates
        _, c, _ = estimate_fertility(
            base_arr, life_table=lt, years=base_years, schedule=f if f.sum() > 0 else None
        )
        return c
    if area_fertility is None or (isinstance(area_fertility, str) and area_fertility == "district"):
        return np.ones(len(keys))
    ser = pd.Series(area_fertility)
    ser.index = ser.index.astype(str)
    c = ser.reindex(list(keys)).to_numpy(dtype=float)
    bad = [k for k, v in zip(keys, c, strict=True) if not np.isfinite(v) or v < 0]
    if bad:
        raise InputError(t(_MSG, "area_fert", lang, ids=format_ids(bad)), ids=bad)
    return c


def _migration_rates(migration, base_arr, lt, f, c, base_years, keys, k_cell, k_area, lang):
    """Net migration rates (area, age, sex): estimated, given, or one number; with their source."""
    if migration is None:
        mig = estimate_migration(
            base_arr,
            life_table=lt,
            fertility=f,
            area_fertility=c,
            years=base_years,
            keys=keys,
            k_cell=k_cell,
            k_area=k_area,
            lang=lang,
        )
        return mig, mig.rates
    if isinstance(migration, MigrationRates):
        idx = pd.Index(migration.keys).get_indexer(list(keys))
        if (idx < 0).any():
            miss = [k for k, i in zip(keys, idx, strict=True) if i < 0]
            raise InputError(t(_MSG, "mig_shape", lang, ids=format_ids(miss)), ids=miss)
        return migration, migration.rates[idx]
    return None, np.full((len(keys), N_AGES, 2), float(migration))


def _project_scenarios(p_start, steps, scen, lt, f, c, r, ctrl, proj_years, lang):
    """Run the cohort component projection once per scenario.

    Returns the values (scenario, year, area, age, sex) and the migration clipped per area.
    """
    na = p_start.shape[0]
    profile = migration_age_profile()
    weight = p_start.sum(axis=0)  # (101, 2)
    g = np.broadcast_to(profile[:, None], (N_AGES, 2))
    g = g / ((g * weight).sum() / weight.sum()) if weight.sum() > 0 else g
    values = np.empty((len(scen), steps + 1, na, N_AGES, 2))
    clipped_area = np.zeros(na)
    for j, sc in enumerate(scen):  # scenarios (3), not areas
        r_s = sc.factor * r + sc.shift * g[None]
        cl = ctrl[sc.name] if ctrl is not None else None
        if cl:
            for cell, tg in cl:
                _check_control(p_start, cell, tg, proj_years, lang)
        res, clip = project_array(
            p_start,
            steps,
            survival=lt.survival,
            birth_survival=lt.birth_survival,
            fertility=f,
            migration=r_s,
            area_fertility=c,
            control=cl or None,
            return_clipped=True,
        )
        values[j] = res
        clipped_area += clip
    return values, clipped_area


def _check_control(
    p: np.ndarray, cell: np.ndarray, tg: np.ndarray, years: Sequence[int], lang: str | None
) -> None:
    """Fail early where a positive control cell has no population in any area (at the start)."""
    ncell = tg.shape[1]
    cur = np.bincount(cell.ravel(), weights=p.sum(axis=0).ravel(), minlength=ncell)
    # cells that are empty at the start may fill by ageing; only the open total check is strict
    if ncell == 1 and cur[0] <= 0 and np.nansum(tg) > 0:
        raise InputError(t(_MSG, "control_zero", lang, year=years[1], n=1, cell="gesamt"))
