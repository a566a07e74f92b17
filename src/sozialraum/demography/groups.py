"""Planning-relevant age groups, dependency ratios, median age and change rates.

All functions take the long population frame (``key, year, alter, geschlecht,
anzahl``; see :mod:`sozialraum.demography.population`), optionally with a
``szenario`` column (projections), and return one row per
(``szenario``,) ``key``, ``year``.

Median age
----------
Ages are completed years, so a person "aged a" is between exact ages ``a`` and
``a + 1``; persons are assumed evenly spread within that year (the open class
100+ is treated as 100–101). With ``N`` persons, ``C_a`` persons younger than
``a`` and ``n_a`` persons aged ``a``, the median age is

.. math:: \\tilde x = a_m + \\frac{N/2 - C_{a_m}}{n_{a_m}}

where ``a_m`` is the first age with ``C_a + n_a \\ge N/2`` (linear interpolation
of the cumulative distribution, as in the Destatis "Medianalter"). The mean
age is ``sum((a + 0.5) n_a) / N``. Both are NaN for an empty area.

Dependency ratios (Destatis definitions, per 100 persons of working age)
-----------------------------------------------------------------------
* Jugendquotient = persons aged 0..19 / persons aged 20..64 × 100
* Altenquotient  = persons aged 65+ / persons aged 20..64 × 100
* Gesamtquotient = sum of both.
The age limits are parameters. With no one of working age the ratios are NaN
and the status is ``nenner_null``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sozialraum._i18n import t
from sozialraum.demography.population import MAX_AGE, N_AGES
from sozialraum.errors import InputError

__all__ = [
    "AgeGroup",
    "DEFAULT_GROUPS",
    "age_groups",
    "group_labels",
    "dependency_ratios",
    "median_age",
    "mean_age",
    "change_rates",
]


@dataclass(frozen=True)
class AgeGroup:
    """An age group ``lo..hi`` (inclusive; ``hi=None`` = open, ``lo`` and older)."""

    id: str
    lo: int
    hi: int | None
    label_de: str
    label_en: str

    def label(self, lang: str | None = None) -> str:
        """German or English label."""
        return self.label_en if (lang or "de").startswith("en") else self.label_de


#: Default planning groups (ids match the Musterland catalogue variables where they exist).
DEFAULT_GROUPS: tuple[AgeGroup, ...] = (
    AgeGroup("ew_0_2", 0, 2, "Krippe (0–2 Jahre)", "Nursery (0–2 years)"),
    AgeGroup("ew_3_5", 3, 5, "Kita (3–5 Jahre)", "Kindergarten (3–5 years)"),
    AgeGroup("ew_6_9", 6, 9, "Grundschule (6–9 Jahre)", "Primary school (6–9 years)"),
    AgeGroup("ew_10_15", 10, 15, "10–15 Jahre", "10–15 years"),
    AgeGroup("ew_16_18", 16, 18, "16–18 Jahre", "16–18 years"),
    AgeGroup("ew_19_64", 19, 64, "19–64 Jahre", "19–64 years"),
    AgeGroup("ew_65_79", 65, 79, "65–79 Jahre", "65–79 years"),
    AgeGroup("ew_80plus", 80, None, "80 Jahre und älter", "80 years and over"),
)

_MSG = {
    "bad_group": {
        "de": "Altersgruppe {gid!r}: Grenzen {lo}–{hi} ungültig (0 ≤ von ≤ bis ≤ 100).",
        "en": "age group {gid!r}: limits {lo}–{hi} invalid (0 ≤ from ≤ to ≤ 100).",
    },
    "no_year": {
        "de": "Jahr {year} kommt in der Tabelle nicht vor (vorhanden: {have}).",
        "en": "year {year} is not in the table (present: {have}).",
    },
    "total": {"de": "Einwohner insgesamt", "en": "Population, total"},
}

_ID_COLS = ("szenario",)


def _norm_groups(
    groups: Sequence[AgeGroup | tuple] | None, lang: str | None
) -> tuple[AgeGroup, ...]:
    if groups is None:
        return DEFAULT_GROUPS
    out = []
    for g in groups:
        if not isinstance(g, AgeGroup):
            gid, lo, hi = g[0], int(g[1]), (None if g[2] is None else int(g[2]))
            lab = g[3] if len(g) > 3 else gid
            g = AgeGroup(str(gid), lo, hi, lab, lab)
        hi = MAX_AGE if g.hi is None else g.hi
        if not (0 <= g.lo <= hi <= MAX_AGE):
            raise InputError(t(_MSG, "bad_group", lang, gid=g.id, lo=g.lo, hi=g.hi))
        out.append(g)
    return tuple(out)


def group_labels(
    groups: Sequence[AgeGroup | tuple] | None = None, lang: str | None = None
) -> dict[str, str]:
    """Map group id → readable label (German by default)."""
    return {g.id: g.label(lang) for g in _norm_groups(groups, lang)}


def long_population(pop) -> pd.DataFrame:
    """The long population frame of ``pop``: a frame, or a projection result's ``population``."""
    if hasattr(pop, "params") and hasattr(pop, "population"):
        return pop.population
    return pop


def _by(pop: pd.DataFrame) -> list[str]:
    return [c for c in _ID_COLS if c in pop.columns] + ["key", "year"]


def _age_matrix(pop: pd.DataFrame, sex: str | None = None) -> tuple[pd.Index, np.ndarray]:
    """Rows = (szenario,) key, year; columns = ages 0..100 (both sexes or one).

    The same as ``groupby(by + ["alter"], sort=True)["anzahl"].sum().unstack("alter")``
    with the columns 0..100 (other ages left out) and gaps as 0, written as one
    :func:`numpy.bincount` over the sorted group codes: a projection has half a
    million rows, and pandas' grouping by text keys took a second per call.
    Rows are the groups of the whole frame (also with ``sex``), in sorted order;
    rows with a missing key are left out, as ``groupby`` leaves them out.
    """
    pop = long_population(pop)
    by = _by(pop)
    codes, levels = [], []
    for col in by:
        c, u = pd.factorize(pop[col], sort=True)
        codes.append(c)
        levels.append(u)
    keyed = np.logical_and.reduce([c >= 0 for c in codes])
    flat = np.ravel_multi_index([c[keyed] for c in codes], [max(len(u), 1) for u in levels])
    groups, row = np.unique(flat, return_inverse=True)
    age = pd.to_numeric(pop["alter"], errors="coerce").to_numpy(dtype=float)[keyed]
    n = pd.to_numeric(pop["anzahl"], errors="coerce").to_numpy(dtype=float)[keyed]
    use = (age >= 0) & (age < N_AGES) & (age == np.floor(age)) & ~np.isnan(n)
    if sex is not None:
        use &= (pop["geschlecht"] == sex).to_numpy()[keyed]
    cell = row[use] * N_AGES + age[use].astype(np.int64)
    mat = np.bincount(cell, weights=n[use], minlength=len(groups) * N_AGES)
    at = np.unravel_index(groups, [max(len(u), 1) for u in levels])
    index = pd.MultiIndex(levels=levels, codes=list(at), names=by)
    return index, mat.reshape(len(groups), N_AGES)


def age_groups(
    pop: pd.DataFrame,
    groups: Sequence[AgeGroup | tuple] | None = None,
    *,
    by_sex: bool = False,
    total: bool = True,
    lang: str | None = None,
) -> pd.DataFrame:
    """Population by planning age groups.

    Parameters
    ----------
    pop
        Long population frame (optionally with ``szenario``).
    groups
        :class:`AgeGroup` objects or tuples ``(id, lo, hi[, label])`` (``hi=None``: open);
        default :data:`DEFAULT_GROUPS`. Groups may overlap (e.g. add ``("ew_0_5", 0, 5)``).
    by_sex
        Also give ``<id>_m`` and ``<id>_w`` columns.
    total
        Add ``ew_ges`` (all ages).

    Returns
    -------
    pandas.DataFrame
        Index (``szenario``,) ``key``, ``year``; one float column per group.
    """
    gs = _norm_groups(groups, lang)
    # 0/1 matrix ages × groups: one matrix product instead of loops
    member = np.zeros((N_AGES, len(gs)))
    for j, g in enumerate(gs):
        member[g.lo : (MAX_AGE if g.hi is None else g.hi) + 1, j] = 1.0
    idx, mat = _age_matrix(pop)
    out = pd.DataFrame(mat @ member, index=idx, columns=[g.id for g in gs])
    if by_sex:
        for sex in ("m", "w"):
            _, ms = _age_matrix(pop, sex)
            part = pd.DataFrame(ms @ member, index=idx, columns=[f"{g.id}_{sex}" for g in gs])
            out = out.join(part)
    if total:
        out["ew_ges"] = mat.sum(axis=1)
    return out


def median_age(pop: pd.DataFrame) -> pd.Series:
    """Median age per (szenario,) key, year, interpolated within the single year of age.

    See the module docstring for the formula; NaN where nobody lives.
    """
    idx, mat = _age_matrix(pop)
    return pd.Series(_median_from_matrix(mat), index=idx, name="medianalter")


def _median_from_matrix(mat: np.ndarray) -> np.ndarray:
    n = mat.sum(axis=1)
    cum = np.cumsum(mat, axis=1)
    half = n / 2.0
    # first age whose cumulative count reaches N/2 (and that has people)
    reach = (cum >= half[:, None]) & (mat > 0)
    am = np.argmax(reach, axis=1)
    rows = np.arange(mat.shape[0])
    below = cum[rows, am] - mat[rows, am]
    with np.errstate(divide="ignore", invalid="ignore"):
        med = am + (half - below) / mat[rows, am]
    med[n <= 0] = np.nan
    return med


def mean_age(pop: pd.DataFrame) -> pd.Series:
    """Mean age ``sum((a + 0.5) n_a) / N`` per (szenario,) key, year (NaN where empty)."""
    idx, mat = _age_matrix(pop)
    n = mat.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        val = (mat @ (np.arange(N_AGES) + 0.5)) / n
    val[n <= 0] = np.nan
    return pd.Series(val, index=idx, name="durchschnittsalter")


def dependency_ratios(
    pop: pd.DataFrame,
    *,
    young: tuple[int, int] = (0, 19),
    working: tuple[int, int] = (20, 64),
    old: int = 65,
    with_status: bool = False,
) -> pd.DataFrame | tuple[pd.DataFrame, pd.DataFrame]:
    """Youth, old-age and total dependency ratios (per 100 of working age).

    Parameters
    ----------
    pop
        Long population frame.
    young, working
        Inclusive age ranges (Destatis: 0–19 and 20–64).
    old
        First age of the old (65: "65 und älter").
    with_status
        Also return the parallel status frame (``nenner_null`` where nobody is of working age).

    Returns
    -------
    pandas.DataFrame
        Columns ``jugendquotient``, ``altenquotient``, ``gesamtquotient``,
        ``medianalter``, ``durchschnittsalter``; index (szenario,) key, year.
    """
    idx, mat = _age_matrix(pop)
    y = mat[:, young[0] : young[1] + 1].sum(axis=1)
    w = mat[:, working[0] : working[1] + 1].sum(axis=1)
    o = mat[:, old:].sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        jq = np.where(w > 0, 100.0 * y / w, np.nan)
        aq = np.where(w > 0, 100.0 * o / w, np.nan)
    n = mat.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = np.where(n > 0, (mat @ (np.arange(N_AGES) + 0.5)) / n, np.nan)
    out = pd.DataFrame(
        {
            "jugendquotient": jq,
            "altenquotient": aq,
            "gesamtquotient": jq + aq,
            "medianalter": _median_from_matrix(mat),
            "durchschnittsalter": mean,
        },
        index=idx,
    )
    if not with_status:
        return out
    status = pd.DataFrame(pd.NA, index=out.index, columns=out.columns, dtype="string")
    zero = w <= 0
    status.loc[zero, ["jugendquotient", "altenquotient", "gesamtquotient"]] = "nenner_null"
    status.loc[n <= 0, ["medianalter", "durchschnittsalter"]] = "nenner_null"
    return out, status


def change_rates(
    table: pd.DataFrame,
    *,
    base_year: int | None = None,
    year: int | None = None,
    annual: bool = False,
    lang: str | None = None,
) -> pd.DataFrame:
    """Change of every column between two years, per area.

    Parameters
    ----------
    table
        Output of :func:`age_groups` (index (szenario,) key, year).
    base_year, year
        Compared years; default the first and the last year.
    annual
        Also give the average annual rate ``((x_t / x_b)^(1/(t-b)) - 1) * 100``.

    Returns
    -------
    pandas.DataFrame
        Index (szenario,) key; for each column ``c``: ``c_abs`` (x_t − x_b),
        ``c_proz`` ((x_t − x_b) / x_b × 100; NaN where x_b = 0) and optionally ``c_proz_jahr``.
    """
    years = table.index.get_level_values("year")
    have = sorted(set(int(v) for v in years))
    b = have[0] if base_year is None else int(base_year)
    e = have[-1] if year is None else int(year)
    for yy in (b, e):
        if yy not in have:
            raise InputError(t(_MSG, "no_year", lang, year=yy, have=", ".join(map(str, have))))
    x_b = table.xs(b, level="year")
    x_e = table.xs(e, level="year").reindex(x_b.index)
    out = {}
    with np.errstate(divide="ignore", invalid="ignore"):
        for c in table.columns:
            vb = x_b[c].to_numpy(dtype=float)
            ve = x_e[c].to_numpy(dtype=float)
            out[f"{c}_abs"] = ve - vb
            out[f"{c}_proz"] = np.where(vb > 0, (ve - vb) / vb * 100.0, np.nan)
            if annual and e != b:
                out[f"{c}_proz_jahr"] = np.where(
                    (vb > 0) & (ve >= 0), ((ve / vb) ** (1.0 / (e - b)) - 1) * 100.0, np.nan
                )
    return pd.DataFrame(out, index=x_b.index)
