"""Geheimhaltung: primary and secondary suppression of small counts, or rounding.

Primary suppression (*primäre Geheimhaltung*)
    A count cell with ``1 <= |value| <= threshold`` (default 2) is suppressed; 0 is
    publishable. Cells already secret in the source (status ``geheim``) stay secret.
    A rate whose numerator or denominator cell is suppressed is suppressed too.

Secondary suppression (*sekundäre Geheimhaltung*)
    Published numbers form linear equations an attacker can solve: the areas of a
    Gemeinde add up to its total, the Gemeinden to the Kreis total, and the relations
    declared in the catalogue (``[relations]``: parts of a total such as
    ``ew_ges = ew_0_64 + ew_65plus``, differences such as
    ``saldo_wanderung = zuzuege - fortzuege``) hold in every area, municipality and
    district. Knowing also that counts are not negative and that a suppressed count
    is at least 1 (a 0 is never suppressed), the attacker's best knowledge of a
    suppressed cell is the interval between the minimum and the maximum of a linear
    programme (see :mod:`sozialraum.privacy.audit`).

    Method: LP-based cell suppression as in the statistical offices' tool tau-ARGUS
    (its "optimal" model by Fischetti & Salazar, here solved heuristically one cell at
    a time as Kelly, Golden & Assad proposed) with HiGHS through
    :func:`~sozialraum.privacy.lp.solve_lp`. For every attacker — the public, and each
    municipality that holds its own areas' values (``kommunal-<AGS>``) — the audit
    computes the interval of every suppressed cell; for a cell narrower than the
    protection width ``w`` a *protection LP* finds the cheapest published cells
    whose suppression lets the cell move by ``w``: ``min Σ c_j |y_j|`` subject to
    ``A y = 0`` (all equations), ``y_cell = w``, ``x + y`` within the attacker's
    bounds, ``y`` non-zero only on cells the attacker does not know. The cells with
    ``y_j ≠ 0`` are suppressed (``geheim_sekundaer``); audit and protection repeat
    until every cell is protected against every attacker. Costs prefer small cells
    (``c_j`` grows with the value) and avoid totals (municipal totals cost 3×, the
    district 30×, the total of a relation 2×); a partner inside the cell's own
    municipality is tried first. Everything is deterministic. Why this method: it
    handles any linear relation (the hypercube method of tau-ARGUS only handles
    hierarchical tables), it proves protection by the very attack it defends against,
    and HiGHS solves the small programmes exactly. It is not a minimum-loss optimum
    (that needs a large MILP); the result is checked, not assumed.

    One pattern for all packages: the pattern is computed once (with every area
    count published, the hardest case) and shared by the public and all municipal
    packages, so that combining packages gives nothing away; a ``kommunal`` package
    then shows its own areas and total in full. Cells that cannot be protected (all
    other cells are fixed) are named in a :class:`~sozialraum.errors.SozialraumWarning`
    and in ``params["unprotected"]``; they are never published.

    Only cells that carry a number enter an equation: a Gemeinde total marked
    ``teilsumme_geheim`` is the sum of the *known* parts, so a source-secret part is
    not in its equation (and stays secret), while a suppressed known part is.
    :func:`protect_groups` keeps the former "two suppressed cells per sum" heuristic
    for comparison; it does not protect against municipalities or relations.

Rounding (*Rundung*)
    The alternative method: every count is rounded to the nearest multiple of
    ``base`` (e.g. 3); Gemeinde and Kreis totals are summed from the *unrounded*
    values and then rounded themselves (so rounded parts need not add up to the
    rounded total — that is the point). Rates are recomputed from the rounded counts.

The status codes ``geheim_primaer`` and ``geheim_sekundaer`` appear only in the
internal status frames; published files show both as ``geheim`` (``.``), since the
difference would reveal which cells are small.
"""

from __future__ import annotations

import hashlib
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import scipy.sparse as sp

from sozialraum._i18n import t
from sozialraum.core.aggregation import is_share_unit
from sozialraum.core.ahead import Ahead, start_ahead
from sozialraum.core.status import PRIMARY, SECONDARY, SECRET_CODES, secret_mask
from sozialraum.errors import InputError, SozialraumWarning, format_ids
from sozialraum.privacy.audit import (
    LEVELS,
    PUBLIC,
    BoundsCache,
    CellGrid,
    Protection,
    build_grid,
    intervals,
    lower_bounds,
)
from sozialraum.privacy.lp import solve_lp

__all__ = [
    "PRIMARY",
    "add_patterns",
    "patterns_ahead",
    "SECONDARY",
    "SECRET_CODES",
    "LEVELS",
    "SuppressionResult",
    "count_columns",
    "rate_columns",
    "suppress",
    "suppress_primary",
    "suppress_rates",
    "protect_groups",
    "round_counts",
    "round_to_base",
    "public_status",
]


#: Units of variables that are no counts besides shares and rates (those are recognised
#: by :func:`sozialraum.core.aggregation.is_share_unit`, the one rule of share units).
_OTHER_NON_COUNT_UNITS = {"index", "€", "eur", "jahre", "years"}

_MSG = {
    "no_col": {
        "de": "Spalte {col!r} für die Zuordnung der Sozialräume zur Gemeinde fehlt.",
        "en": "column {col!r} assigning areas to their municipality is missing.",
    },
    "bad_threshold": {
        "de": "Die Schwelle der Geheimhaltung muss eine ganze Zahl ≥ 0 sein (angegeben: {v!r}).",
        "en": "the suppression threshold must be an integer ≥ 0 (given: {v!r}).",
    },
    "bad_base": {
        "de": "Die Rundungsbasis muss eine ganze Zahl ≥ 2 sein (angegeben: {v!r}).",
        "en": "the rounding base must be an integer ≥ 2 (given: {v!r}).",
    },
    "unknown_gem": {
        "de": "Sozialräume mit einer Gemeinde, die in der Gemeindetabelle fehlt: {ids}. Bitte die AGS prüfen.",
        "en": "areas whose municipality is missing from the municipality table: {ids}. Check the AGS.",
    },
    "unprotected": {
        "de": "Geheimhaltung: {n} Summen konnten nicht geschützt werden (alle übrigen Zellen müssen veröffentlicht werden): {ids}.",
        "en": "suppression: {n} sums could not be protected (all other cells must be published): {ids}.",
    },
    "summary": {
        "de": "Geheimhaltung (Schwelle {thr}): {p} Zellen primär, {s} Zellen sekundär gesperrt, {r} Quoten mitgesperrt.",
        "en": "suppression (threshold {thr}): {p} cells primary, {s} cells secondary, {r} rates suppressed with them.",
    },
    "summary_round": {
        "de": "Rundung auf Vielfache von {base}: {n} Zählwerte gerundet.",
        "en": "rounding to multiples of {base}: {n} counts rounded.",
    },
}


@dataclass(frozen=True)
class SuppressionResult:
    """Suppressed (or rounded) values of the three levels and their status.

    Attributes
    ----------
    frames
        ``"areas"``, ``"gemeinden"``, ``"kreis"`` → the input frames with suppressed
        cells set to NaN (rounded values for ``method="rundung"``).
    status
        Same keys → status frames (``geheim_primaer``/``geheim_sekundaer`` added;
        source codes kept).
    params
        ``method`` (``"sperrung"``/``"rundung"``), ``threshold`` or ``base``,
        ``columns`` (counts), ``rates``, ``municipality`` and the counts of cells.
    """

    frames: dict[str, pd.DataFrame]
    status: dict[str, pd.DataFrame]
    params: dict = field(default_factory=dict)

    @property
    def n_primary(self) -> int:
        """Number of primarily suppressed cells (all levels)."""
        return int(sum(int(s.eq(PRIMARY).sum().sum()) for s in self.status.values()))

    @property
    def n_secondary(self) -> int:
        """Number of secondarily suppressed cells (all levels)."""
        return int(sum(int(s.eq(SECONDARY).sum().sum()) for s in self.status.values()))

    def summary(self, lang: str | None = None) -> str:
        """One German (or English) sentence on what was suppressed."""
        if self.params.get("method") == "rundung":
            return t(
                _MSG,
                "summary_round",
                lang,
                base=self.params.get("base"),
                n=self.params.get("n_rounded", 0),
            )
        return t(
            _MSG,
            "summary",
            lang,
            thr=self.params.get("threshold"),
            p=self.params.get("n_primary_counts", self.n_primary),
            s=self.params.get("n_secondary_counts", self.n_secondary),
            r=self.params.get("n_rates", 0),
        )


# --------------------------------------------------------------------------- columns


def _indicators(catalogue) -> pd.DataFrame | None:
    if catalogue is None:
        return None
    return getattr(catalogue, "indicators", catalogue)


def count_columns(frame: pd.DataFrame, catalogue=None) -> list[str]:
    """The count columns of ``frame`` (those whose primary suppression applies).

    With a catalogue: its variables whose unit is not a share (``%``, ``‰``, …),
    and the numerators/denominators of its indicators. Without: numeric columns
    whose known values are all whole numbers (``idx_*``, ``*_klasse`` excluded).
    """
    cols: list[str] = []
    shares = share_variables(catalogue)
    if catalogue is not None and hasattr(catalogue, "variables"):
        for vid in catalogue.variables.index:
            if vid in frame.columns and str(vid) not in shares:
                cols.append(str(vid))
    ind = _indicators(catalogue)
    if ind is not None and len(ind):
        for c in ("numerator", "denominator"):
            if c in ind.columns:
                for v in ind[c]:
                    # a share delivered as such (MSS style: "5,1 %") is no count, even
                    # where an indicator names it as its numerator
                    if isinstance(v, str) and v in frame.columns and v not in cols + [*shares]:
                        cols.append(v)
    if cols:
        return cols
    from sozialraum.privacy.levels import ReleasePolicy

    pol = ReleasePolicy()
    out = []
    for c in frame.columns:
        if c == "geometry" or pol.is_public(c) or not pd.api.types.is_numeric_dtype(frame[c]):
            continue
        if pd.api.types.is_bool_dtype(frame[c]):
            continue
        v = frame[c].astype(float).dropna()
        if len(v) and np.all(np.isclose(v, np.round(v))):
            out.append(str(c))
    return out


def share_variables(catalogue=None) -> set[str]:
    """Variables of the catalogue that are no counts: shares and rates (``%``, ``‰``,
    ``je 1.000`` …), indices, amounts of money, ages.

    A share is never a small count, even where an indicator names it as its
    numerator (MSS style: the office sends "5,1 %" and no case numbers).
    """
    if catalogue is None or not hasattr(catalogue, "variables"):
        return set()
    var = catalogue.variables
    units = var["unit"] if "unit" in var.columns else pd.Series("", index=var.index)
    return {
        str(v)
        for v, u in units.items()
        if is_share_unit(u) or str(u or "").strip().lower() in _OTHER_NON_COUNT_UNITS
    }


def rate_columns(frame: pd.DataFrame, catalogue=None) -> dict[str, tuple[str | None, str | None]]:
    """Rate column → (numerator, denominator) counts of the catalogue's indicators in ``frame``.

    A numerator or denominator delivered as a share (:func:`share_variables`) is no
    count and is left out (``None``).
    """
    ind = _indicators(catalogue)
    out: dict[str, tuple[str | None, str | None]] = {}
    if ind is None:
        return out
    shares = share_variables(catalogue)
    for rid, row in ind.iterrows():
        if rid in frame.columns:
            num = row.get("numerator")
            den = row.get("denominator")
            out[str(rid)] = (
                num if isinstance(num, str) and num not in shares else None,
                den if isinstance(den, str) and den not in shares else None,
            )
    return out


def _status_like(frame: pd.DataFrame, status: pd.DataFrame | None) -> pd.DataFrame:
    cols = [c for c in frame.columns if c != "geometry"]
    st = pd.DataFrame(pd.NA, index=frame.index, columns=cols, dtype="string")
    if status is not None:
        common = [c for c in status.columns if c in st.columns]
        st[common] = status.reindex(index=frame.index, columns=common).astype("string")
        extra = [c for c in status.columns if c not in st.columns]
        for c in extra:
            st[c] = status[c].reindex(frame.index).astype("string")
    return st


def _is_secret(st: pd.Series) -> np.ndarray:
    return secret_mask(st.astype("string")).to_numpy(dtype=bool)


# --------------------------------------------------------------------------- primary


def _check_threshold(threshold, lang):
    if isinstance(threshold, bool) or not isinstance(threshold, (int, np.integer)) or threshold < 0:
        raise InputError(t(_MSG, "bad_threshold", lang, v=threshold))


def suppress_primary(
    frame: pd.DataFrame,
    status: pd.DataFrame | None = None,
    *,
    columns: Sequence[str],
    threshold: int = 2,
    exempt: np.ndarray | pd.Series | None = None,
    lang: str | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Suppress count cells with ``1 <= |value| <= threshold`` (status ``geheim_primaer``).

    Parameters
    ----------
    frame, status
        Values and their status (source codes are kept; ``geheim`` stays secret).
    columns
        Count columns.
    threshold
        Largest suppressed count (0 = nothing is suppressed).
    exempt
        Boolean per row: rows released in full (e.g. a municipality's own areas in
        its ``kommunal`` package).

    Returns
    -------
    (frame, status)
        Copies; suppressed cells are NaN.
    """
    _check_threshold(threshold, lang)
    out = frame.copy()
    st = _status_like(frame, status)
    ex = np.zeros(len(frame), dtype=bool) if exempt is None else np.asarray(exempt, dtype=bool)
    for col in columns:
        v = pd.to_numeric(out[col], errors="coerce").astype(float).to_numpy()
        small = (np.abs(v) >= 1) & (np.abs(v) <= threshold) & ~np.isnan(v) & ~ex
        if small.any():
            st.loc[small, col] = PRIMARY
            vals = out[col].astype(float).to_numpy().copy()
            vals[small] = np.nan
            out[col] = vals
    return out, st


def suppress_rates(
    frame: pd.DataFrame,
    status: pd.DataFrame,
    catalogue,
    *,
    exempt: np.ndarray | pd.Series | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame, int]:
    """Suppress every rate whose numerator or denominator cell is suppressed.

    The rate gets ``geheim_primaer`` if its numerator is primarily suppressed, else
    ``geheim_sekundaer``. Returns ``(frame, status, number of rates suppressed)``.
    """
    out = frame.copy()
    st = status.copy()
    ex = np.zeros(len(frame), dtype=bool) if exempt is None else np.asarray(exempt, dtype=bool)
    n = 0
    codes = _Codes(st)  # the status columns as arrays, written back once
    rates = rate_columns(frame, catalogue)
    present = [r for r in rates if r in st.columns]  # each rate's code changes only below
    secret = dict(zip(present, secret_mask(st[present]).to_numpy(dtype=bool).T, strict=True))
    for rate, (num, den) in rates.items():
        if rate not in st.columns:
            st[rate] = pd.Series(pd.NA, index=st.index, dtype="string")
        hide = np.zeros(len(frame), dtype=bool)
        primary = np.zeros(len(frame), dtype=bool)
        for part in (num, den):
            if part is not None and part in st.columns:
                s = codes[part]
                hide |= (s == PRIMARY) | (s == SECONDARY)
                if part == num:
                    primary |= s == PRIMARY
        hide &= ~ex
        already = secret.get(rate, np.zeros(len(frame), dtype=bool))
        new = hide & ~already
        if new.any():
            codes.set(rate, new, np.where(primary[new], PRIMARY, SECONDARY))
            vals = out[rate].astype(float).to_numpy().copy()
            vals[new] = np.nan
            out[rate] = vals
            n += int(new.sum())
    codes.write(st)
    return out, st, n


class _Codes:
    """Status columns of a frame as object arrays (``None`` = no code), changed in place.

    Reading and writing a string column cell by cell is slow in pandas; the changed
    columns go back into the frame at once (:meth:`write`).
    """

    def __init__(self, status: pd.DataFrame):
        self._status = status
        self._arrays: dict[str, np.ndarray] = {}
        self._changed: list[str] = []

    def __getitem__(self, col: str) -> np.ndarray:
        arr = self._arrays.get(col)
        if arr is None:
            arr = self._status[col].to_numpy(dtype=object, na_value=None)
            self._arrays[col] = arr
        return arr

    def set(self, col: str, rows: np.ndarray, values) -> None:
        arr = self[col]
        if not arr.flags.writeable:
            arr = self._arrays[col] = arr.copy()
        arr[rows] = values
        if col not in self._changed:
            self._changed.append(col)

    def write(self, status: pd.DataFrame) -> None:
        for col in self._changed:
            status[col] = pd.array(self._arrays[col], dtype=status[col].dtype)


# --------------------------------------------------------------------------- secondary


def protect_groups(
    values: np.ndarray,
    unpublished: np.ndarray,
    groups: Sequence[np.ndarray],
    *,
    fixed: np.ndarray | None = None,
    max_rounds: int = 10_000,
) -> tuple[np.ndarray, list[int]]:
    """Complementary suppression over sum equations (the core heuristic).

    Parameters
    ----------
    values
        Cell values (flat array; NaN cells must not appear in any group).
    unpublished
        Cells not shown (suppressed or hidden).
    groups
        Index arrays, each the cells of one published equation (members and total).
    fixed
        Cells that must stay published (never chosen as complement).

    Returns
    -------
    (secondary, unprotected)
        Boolean mask of the added suppressions, and the positions (in ``groups``) of
        equations that could not be protected.

    Notes
    -----
    Repeats until a fixed point: every equation has 0 or ≥ 2 unpublished cells. The
    complement is the smallest positive published cell of the equation (zeros last,
    then position order).
    """
    values = np.asarray(values, dtype=float)
    unpub = np.asarray(unpublished, dtype=bool).copy()
    fixed = np.zeros(len(values), dtype=bool) if fixed is None else np.asarray(fixed, dtype=bool)
    secondary = np.zeros(len(values), dtype=bool)
    unprotected: set[int] = set()
    for _ in range(max_rounds):
        changed = False
        for gi, g in enumerate(groups):
            g = np.asarray(g, dtype=int)
            if len(g) < 2:
                continue
            if int(unpub[g].sum()) != 1:
                continue
            cand = g[~unpub[g] & ~fixed[g]]
            if len(cand) == 0:
                unprotected.add(gi)
                continue
            v = np.abs(values[cand])
            order = np.lexsort((np.arange(len(cand)), v, v <= 0))
            pick = cand[order[0]]
            unpub[pick] = True
            secondary[pick] = True
            unprotected.discard(gi)
            changed = True
        if not changed:
            break
    return secondary, sorted(unprotected)


def _gemeinde_keys(areas: pd.DataFrame, area_ags_col: str, lang) -> pd.Series:
    if area_ags_col not in areas.columns:
        raise InputError(t(_MSG, "no_col", lang, col=area_ags_col), column=area_ags_col)
    return areas[area_ags_col].astype(str)


def _count_levels(
    areas,
    status,
    gemeinden,
    gemeinden_status,
    kreis,
    kreis_status,
    catalogue,
    columns,
    area_ags_col,
    lang,
):
    """The count columns and the Gemeinde/Kreis totals (rolled up where not given)."""
    cols = list(columns) if columns is not None else count_columns(areas, catalogue)
    cols = [c for c in cols if c in areas.columns]
    if gemeinden is None or kreis is None:
        g, gs, k, ks = _rollup_levels(areas, status, catalogue, area_ags_col, cols, lang)
        if gemeinden is None:
            gemeinden, gemeinden_status = g, gs
        if kreis is None:
            kreis, kreis_status = k, ks
    return cols, gemeinden, gemeinden_status, kreis, kreis_status


def _rollup_levels(areas, status, catalogue, area_ags_col, columns, lang):
    from sozialraum.join import rollup_hierarchy

    ind = _indicators(catalogue)
    lv = rollup_hierarchy(
        areas,
        {"gemeinde": area_ags_col, "kreis": None},
        columns=list(columns),
        status=None if status is None else status.reindex(columns=list(columns)),
        catalogue=ind,
        geometry=False,
        lang=lang,
    )
    return lv["gemeinde"].frame, lv["gemeinde"].status, lv["kreis"].frame, lv["kreis"].status


def suppress(
    areas: pd.DataFrame,
    status: pd.DataFrame | None = None,
    *,
    gemeinden: pd.DataFrame | None = None,
    gemeinden_status: pd.DataFrame | None = None,
    kreis: pd.DataFrame | None = None,
    kreis_status: pd.DataFrame | None = None,
    catalogue=None,
    columns: Sequence[str] | None = None,
    threshold: int = 2,
    area_ags_col: str = "ags",
    secondary: bool = True,
    municipality: str | None = None,
    lang: str | None = None,
    protection: Protection | float | None = None,
    relations: Sequence | None = None,
    attackers: Sequence[str] | None = None,
) -> SuppressionResult:
    """Primary and secondary suppression over Sozialraum → Gemeinde → Kreis.

    Parameters
    ----------
    areas, status
        Areas (index = area key) with counts (and rates), and their status frame.
    gemeinden, gemeinden_status, kreis, kreis_status
        The published totals (index = AGS / district key); rolled up from ``areas``
        with :func:`sozialraum.join.rollup_hierarchy` when not given.
    catalogue
        :class:`~sozialraum.io.Catalogue` (or its ``indicators`` frame): which columns
        are counts, rates' numerators/denominators, and the ``[relations]``.
    columns
        Count columns (default :func:`count_columns`). Variables linked to them by a
        relation are protected together (and suppressed with them).
    threshold
        Largest count suppressed primarily (default 2: counts 1 and 2; 0 is published).
    area_ags_col
        Column of ``areas`` with the Gemeinde key.
    secondary
        Apply secondary suppression (default ``True``).
    municipality
        AGS of a ``kommunal`` package: its own areas and total are released in full.
        The suppression pattern of all other cells is the same for every package.
    protection
        Required width of the attacker's interval of every suppressed cell
        (:class:`~sozialraum.privacy.audit.Protection` or persons). Default:
        ``schutzbreite`` in the catalogue's ``[meta]``, else ``threshold + 1``.
    relations
        Relations between variables (default: ``catalogue.relations``).
    attackers
        ``"oeffentlich"`` and/or AGS of municipalities that hold their own areas'
        values (default: the public and every municipality).

    Returns
    -------
    SuppressionResult

    Warns
    -----
    SozialraumWarning
        Naming every cell that cannot be protected (they stay suppressed, but an
        attacker can narrow them below the protection width).
    """
    _check_threshold(threshold, lang)
    gem_key = _gemeinde_keys(areas, area_ags_col, lang)
    rels = tuple(getattr(catalogue, "relations", ()) if relations is None else relations)
    cols = _with_related(columns, areas, catalogue, rels)
    cols, gemeinden, gemeinden_status, kreis, kreis_status = _count_levels(
        areas,
        status,
        gemeinden,
        gemeinden_status,
        kreis,
        kreis_status,
        catalogue,
        cols,
        area_ags_col,
        lang,
    )
    gemeinden, gemeinden_status = _str_index(gemeinden), _str_index(gemeinden_status)
    unknown = sorted(set(gem_key) - set(gemeinden.index))
    if unknown:
        bad = areas.index[gem_key.isin(unknown)].astype(str).tolist()
        raise InputError(
            t(_MSG, "unknown_gem", lang, ids=format_ids(bad)), column=area_ags_col, ids=bad
        )
    prot = protection_for(protection, catalogue, threshold)
    inputs = {
        "areas": (areas, status),
        "gemeinden": (gemeinden, gemeinden_status),
        "kreis": (kreis, kreis_status),
    }
    pattern = _pattern(inputs, gem_key, cols, threshold, secondary, prot, rels, attackers, lang)
    frames, stats = {}, {}
    for name, (fr, st) in inputs.items():
        frames[name], stats[name] = _apply_pattern(fr, st, pattern.status[name], cols)
    own_area = np.zeros(len(areas), dtype=bool)
    own_gem = np.zeros(len(gemeinden), dtype=bool)
    if municipality is not None:
        own_area = (gem_key == str(municipality)).to_numpy()
        own_gem = gemeinden.index == str(municipality)
        for name, own in (("areas", own_area), ("gemeinden", own_gem)):
            fr, st = inputs[name]
            frames[name], stats[name] = _release_own(frames[name], stats[name], fr, st, own, cols)
    if pattern.unprotected:
        warnings.warn(
            t(
                _MSG,
                "unprotected",
                lang,
                n=len(pattern.unprotected),
                ids=format_ids(pattern.unprotected),
            ),
            SozialraumWarning,
            stacklevel=2,
        )
    n_rates = 0
    for name, ex in (("areas", own_area), ("gemeinden", own_gem), ("kreis", None)):
        frames[name], stats[name], k = suppress_rates(
            frames[name], stats[name], catalogue, exempt=ex
        )
        n_rates += k
    params = {
        "method": "sperrung",
        "threshold": int(threshold),
        "protection": prot,
        "relations": tuple(str(r) for r in rels),
        "columns": tuple(cols),
        "rates": tuple(rate_columns(areas, catalogue)),
        "secondary": bool(secondary),
        "municipality": municipality,
        "area_ags_col": area_ags_col,
        "n_primary_counts": _count_code(stats, cols, PRIMARY),
        "n_secondary_counts": _count_code(stats, cols, SECONDARY),
        "n_rates": n_rates,
        "unprotected": pattern.unprotected,
        "attackers": pattern.attackers,
    }
    return SuppressionResult(frames=frames, status=stats, params=params)


def _str_index(fr):
    if fr is None:
        return None
    fr = fr.copy()
    fr.index = fr.index.astype(str)
    return fr


def _count_code(stats, cols, code) -> int:
    return sum(
        int(
            np.sum(
                stats[n][[c for c in cols if c in stats[n].columns]].to_numpy(
                    dtype=object, na_value=None
                )
                == code
            )
        )
        for n in LEVELS
    )


def _with_related(columns, areas, catalogue, rels) -> list[str] | None:
    """The requested count columns plus every variable linked to them by a relation."""
    if columns is None:
        return None
    cols = list(columns)
    changed = True
    while changed:
        changed = False
        for r in rels:
            names = [v for v in r.variables if v in areas.columns]
            if set(names) & set(cols) and not set(names) <= set(cols):
                cols += [v for v in names if v not in cols]
                changed = True
    return cols


def protection_for(protection, catalogue, threshold) -> Protection:
    """The protection width: ``protection`` if given, else the catalogue's ``schutzbreite``, else ``threshold + 1``."""
    if protection is not None:
        return Protection.of(protection)
    meta = getattr(catalogue, "meta", None) or {}
    w = meta.get("schutzbreite")
    if w is not None:
        return Protection.of(float(w))
    return Protection(width=float(threshold + 1))


def _apply_pattern(fr, st, codes: pd.DataFrame, cols):
    """Values and status of one level with the suppression pattern applied."""
    out = fr.copy()
    s = _status_like(fr, st)
    here = [c for c in cols if c in codes.columns]
    pattern = codes[here].to_numpy(dtype=object, na_value=None)
    hits = (pattern == PRIMARY) | (pattern == SECONDARY)
    status = _Codes(s)
    for j, c in enumerate(here):
        new = hits[:, j]
        if new.any():
            status.set(c, new, pattern[new, j])
            vals = pd.to_numeric(out[c], errors="coerce").astype(float).to_numpy().copy()
            vals[new] = np.nan
            out[c] = vals
    status.write(s)
    return out, s


def _release_own(out, s, fr, st, own, cols):
    """A municipality's own cells back in full (values and source status)."""
    c = [x for x in cols if x in out.columns]
    if not own.any() or not c:
        return out, s
    src = _status_like(fr[c], None if st is None else st.reindex(columns=c))
    vals = fr[c].apply(pd.to_numeric, errors="coerce").astype(float).to_numpy()
    mine = out[c].astype(float).to_numpy(copy=True)
    mine[own] = vals[own]
    out[c] = mine
    codes = s[c].to_numpy(dtype=object, na_value=None)
    codes[own] = src[c].to_numpy(dtype=object, na_value=None)[own]
    for j, col in enumerate(c):
        s[col] = pd.array(codes[:, j], dtype=s[col].dtype)
    return out, s


# --------------------------------------------------------------------------- secondary (LP)


@dataclass(frozen=True)
class _Pattern:
    """Suppression codes per level (``PRIMARY``/``SECONDARY``/NA) over the count columns."""

    status: dict[str, pd.DataFrame]
    unprotected: tuple[str, ...]
    attackers: tuple[str, ...]


_PATTERN_CACHE: dict = {}
_LEVEL_COST = {"areas": 1.0, "gemeinden": 3.0, "kreis": 30.0}


def _cache_key(inputs, cols, threshold, secondary, prot, rels, attackers):
    """Everything a pattern is computed from: rules, and per table its keys, columns,
    values and statuses (a digest of their exact bytes and texts)."""
    parts = [tuple(cols), threshold, secondary, prot, tuple(str(r) for r in rels)]
    parts.append(None if attackers is None else tuple(attackers))
    for fr, st in inputs.values():
        c = [x for x in cols if x in fr.columns]
        parts += [tuple(fr.index.astype(str)), tuple(c)]
        h = hashlib.blake2b(digest_size=20)
        h.update(np.ascontiguousarray(fr[c].to_numpy(dtype=float)).tobytes())
        if st is not None:
            codes = st.reindex(columns=c).to_numpy(dtype=object, na_value="")
            h.update(b"\x00" + "\x1f".join(map(str, codes.ravel().tolist())).encode())
        parts.append(h.hexdigest())
    return tuple(parts)


def patterns_ahead(prepare: Callable[[], object]) -> Ahead | None:
    """Fork a copy that runs ``prepare()`` and sends back the suppression patterns it computed.

    ``prepare`` makes releases (e.g. those of the earlier years); the secondary
    suppression (linear programs, the costly part) is then done beside the run, which
    takes the patterns with :func:`add_patterns`. A pattern is kept under a key of
    everything it is computed from (values, statuses, columns, rules), so the run
    uses it only for exactly the same data. None where the system cannot fork
    (:mod:`sozialraum.core.ahead`).
    """

    def produce(emit, _stopped) -> None:
        before = set(_PATTERN_CACHE)
        prepare()
        for key, pattern in list(_PATTERN_CACHE.items()):
            if key not in before:
                emit(key, pattern)

    return start_ahead(produce)


def add_patterns(patterns: Mapping) -> int:
    """Keep suppression patterns computed elsewhere (:func:`patterns_ahead`); returns how many."""
    new = {k: v for k, v in patterns.items() if k not in _PATTERN_CACHE}
    if len(_PATTERN_CACHE) + len(new) > 16:
        _PATTERN_CACHE.clear()
    _PATTERN_CACHE.update(new)
    return len(new)


def _pattern(inputs, gem_key, cols, threshold, secondary, prot, rels, attackers, lang) -> _Pattern:
    """The one suppression pattern of all packages (cached: every package asks for it)."""
    cols = sorted(cols)  # one pattern per set of columns, whatever their order
    key = _cache_key(inputs, cols, threshold, secondary, prot, rels, attackers)
    hit = _PATTERN_CACHE.get(key)
    if hit is not None:
        return hit
    codes = {}
    for name, (fr, _st) in inputs.items():
        c = [x for x in cols if x in fr.columns]
        codes[name] = suppress_primary(fr, None, columns=c, threshold=threshold)[1][c]
    out = _Pattern(codes, (), ())
    if secondary:
        out = _secondary_lp(inputs, codes, gem_key, cols, prot, rels, attackers)
    if len(_PATTERN_CACHE) > 16:
        _PATTERN_CACHE.clear()
    _PATTERN_CACHE[key] = out
    return out


def _grid_masks(grid: CellGrid, inputs, codes, cols):
    """Per grid cell: primarily suppressed, secret at source, known to be ≥ 1."""
    n = len(grid)
    prim, src, one = (np.zeros(n, dtype=bool) for _ in range(3))
    for name, (fr, st) in inputs.items():
        c = [x for x in cols if x in fr.columns]
        pos = grid.frame_positions(None, name, fr.index, c)
        ok = pos >= 0
        p = codes[name][c].eq(PRIMARY).fillna(False).to_numpy(dtype=bool)
        prim[pos[ok]] = p[ok]
        if st is not None:
            s = st.reindex(index=fr.index, columns=c)
            sm = secret_mask(s).to_numpy(dtype=bool)
            src[pos[ok]] = sm[ok]
            g = s.eq("geheim").fillna(False).to_numpy(dtype=bool)
            one[pos[ok]] |= g[ok]
    return prim, src, one | prim


def _secondary_lp(inputs, codes, gem_key, cols, prot, rels, attackers) -> _Pattern:
    """Complementary suppression by protection LPs, repeated until the audit passes."""
    areas = inputs["areas"][0]
    amap = pd.Series(gem_key.to_numpy(), index=areas.index.astype(str))
    tables = {name: fr for name, (fr, _st) in inputs.items()}
    signed = [
        c
        for c in cols
        if any(
            c in fr.columns and (pd.to_numeric(fr[c], errors="coerce") < 0).any()
            for fr in tables.values()
        )
    ]
    grid = build_grid(tables, cols, amap, rels, drop_missing=True, signed=signed)
    prim, src, one = _grid_masks(grid, inputs, codes, cols)
    state = _State(grid, prim | src, one, prot, rels)
    state.protect = (prim | (src & one)) & ~np.isnan(grid.value)
    names = [PUBLIC, *sorted(set(amap))] if attackers is None else [str(a) for a in attackers]
    own = {a: (grid.muni == a) & np.isin(grid.level, ["areas", "gemeinden"]) for a in names}
    own[PUBLIC] = np.zeros(len(grid), dtype=bool)
    for _ in range(50):
        if not any([state.protect_for(a, own[a]) for a in names]):
            break
    failing = []
    for a in names:
        for i in state.failing(a, own[a]):
            failing.append(f"{grid.variable[i]}@{grid.level[i]}:{grid.key[i]} ({a})")
    new = {}
    for name, (fr, _st) in inputs.items():
        c = [x for x in cols if x in fr.columns]
        pos = grid.frame_positions(None, name, fr.index, c)
        sec = np.zeros(pos.shape, dtype=bool)
        ok = pos >= 0
        sec[ok] = state.added[pos[ok]]
        cod = codes[name].astype("string")
        prim_here = cod.eq(PRIMARY).fillna(False).to_numpy(dtype=bool)
        new[name] = cod.mask(sec & ~prim_here, SECONDARY)
    return _Pattern(new, tuple(failing), tuple(names))


class _State:
    """The growing suppression pattern and the attack/protection programmes on it."""

    def __init__(self, grid: CellGrid, secret, one, prot: Protection, rels):
        self.grid = grid
        self.secret = secret.copy()
        self.one = one.copy()
        self.added = np.zeros(len(grid), dtype=bool)
        self.protect = np.zeros(len(grid), dtype=bool)
        self.need = prot.required(grid.value)
        self.cache = BoundsCache()
        has = ~np.isnan(grid.value)
        self.candidate_base = has & (grid.value != 0)
        totals = {r.total for r in rels}
        lvl = pd.Series(grid.level).map(_LEVEL_COST).fillna(1.0).to_numpy()
        tot = np.where(np.isin(grid.variable, list(totals)), 2.0, 1.0)
        rank = np.arange(len(grid)) / max(len(grid), 1)
        self.cost = (1.0 + np.abs(np.nan_to_num(grid.value))) * lvl * tot + 1e-3 * rank
        self.unprotectable = np.zeros(len(grid), dtype=bool)

    def _view(self, own):
        unknown = self.secret & ~own
        lb = lower_bounds(self.grid, unknown, self.one & unknown)
        return unknown, np.where(unknown, lb, 0.0)

    def failing(self, attacker, own, screen: bool = False) -> np.ndarray:
        """Cells the attacker may pin (``screen``: not yet proven safe)."""
        unknown, lb = self._view(own)
        targets = unknown & self.protect
        lo, hi = intervals(
            self.grid,
            unknown,
            lb,
            targets,
            need=self.need,
            cache=self.cache,
            screen=screen,
            point=self.grid.value,
        )
        bad = targets & ~(hi - lo >= self.need - 1e-9)
        return np.flatnonzero(bad)

    def protect_for(self, attacker, own) -> bool:
        """Protect every failing cell of one attacker; whether cells were added."""
        changed = False
        for t_ in self.failing(attacker, own):
            if self.unprotectable[t_]:
                continue
            picked = self._protection_lp(int(t_), own)
            if picked is None:
                self.unprotectable[t_] = True
            elif len(picked):
                self.secret[picked] = True
                self.one[picked] = True
                self.added[picked] = True
                self.protect[picked] = True
                changed = True
        return changed

    def _protection_lp(self, t_: int, own) -> np.ndarray | None:
        """Cheapest published cells whose suppression lets cell ``t_`` move by its width.

        Solves ``min Σ c_j |y_j|`` s.t. ``A y = 0``, ``y_t = ±w`` and ``x + y`` within the
        attacker's bounds; ``y`` may be non-zero only on cells unknown to the attacker
        or published cells that may be suppressed (the LP relaxation of the
        Fischetti–Salazar / Kelly–Golden–Assad protection model).
        """
        g = self.grid
        same = (g.group == g.group[t_]) & ~np.isnan(g.value)
        if g.level[t_] == "areas":  # first within its municipality (and the totals above)
            near = same & ((g.level != "areas") | (g.muni == g.muni[t_]))
            got = self._protection_region(t_, own, np.flatnonzero(near & (g.level == "areas")))
            if got is not None:  # a partner among the areas of its own municipality
                return got
        return self._protection_region(t_, own, np.flatnonzero(same))

    def _protection_region(self, t_: int, own, region: np.ndarray) -> np.ndarray | None:
        g = self.grid
        sub = g.A[:, region].tocsr()
        rows = np.flatnonzero(np.diff(sub.indptr))
        Ar = sub[rows]
        unknown = self.secret & ~own
        cand = self.candidate_base & ~self.secret & ~own
        movable = (unknown | cand)[region]
        x = g.value[region]
        lbv = np.where(g.signed[region], -np.inf, np.where((self.one | cand)[region], 1.0, 0.0))
        qmax = np.where(movable, x - lbv, 0.0)
        pmax = np.where(movable, np.inf, 0.0)
        c = np.where(cand[region], self.cost[region], 1e-3)
        j = int(np.searchsorted(region, t_))
        w = float(self.need[t_])
        for up in (True, False):
            pb = np.column_stack([np.zeros(len(region)), pmax])
            qb = np.column_stack([np.zeros(len(region)), qmax])
            if up:
                pb[j] = (w, w)
                qb[j] = (0.0, 0.0)
            elif qmax[j] >= w:
                pb[j] = (0.0, 0.0)
                qb[j] = (w, w)
            else:
                continue
            r = solve_lp(
                np.concatenate([c, c]),
                A_eq=sp.hstack([Ar, -Ar]).tocsr(),
                b_eq=np.zeros(len(rows)),
                bounds=np.vstack([pb, qb]),
            )
            if r.status == 0:
                y = r.x[: len(region)] + r.x[len(region) :]
                moved = (y > 1e-7) & cand[region]
                return region[moved]
        return None


def _cell_name(pos: int, areas, gemeinden, kreis) -> str:
    na, ng = len(areas), len(gemeinden)
    if pos < na:
        return str(areas.index[pos])
    if pos < na + ng:
        return str(gemeinden.index[pos - na])
    return str(kreis.index[pos - na - ng])


# --------------------------------------------------------------------------- rounding


def round_to_base(values, base: int = 3):
    """Round to the nearest multiple of ``base`` (halves away from zero; sign kept; NaN stays NaN)."""
    v = np.asarray(values, dtype=float)
    return np.sign(v) * np.floor(np.abs(v) / base + 0.5) * base


def round_counts(
    areas: pd.DataFrame,
    status: pd.DataFrame | None = None,
    *,
    gemeinden: pd.DataFrame | None = None,
    gemeinden_status: pd.DataFrame | None = None,
    kreis: pd.DataFrame | None = None,
    kreis_status: pd.DataFrame | None = None,
    catalogue=None,
    columns: Sequence[str] | None = None,
    base: int = 3,
    area_ags_col: str = "ags",
    lang: str | None = None,
) -> SuppressionResult:
    """The alternative to suppression: round every count to a multiple of ``base``.

    Totals (Gemeinde, Kreis) are rolled up from the *unrounded* area values (or taken
    as given) and then rounded, so nothing can be recovered by subtraction exactly.
    Rates of the catalogue are recomputed from the rounded counts. Source codes
    (``geheim`` etc.) are kept; cells stay NaN where they were.
    """
    if isinstance(base, bool) or not isinstance(base, (int, np.integer)) or base < 2:
        raise InputError(t(_MSG, "bad_base", lang, v=base))
    _gemeinde_keys(areas, area_ags_col, lang)
    cols, gemeinden, gemeinden_status, kreis, kreis_status = _count_levels(
        areas,
        status,
        gemeinden,
        gemeinden_status,
        kreis,
        kreis_status,
        catalogue,
        columns,
        area_ags_col,
        lang,
    )
    frames, stats = {}, {}
    n = 0
    rates = rate_columns(areas, catalogue)
    ind = _indicators(catalogue)
    for name, fr, st in (
        ("areas", areas, status),
        ("gemeinden", gemeinden, gemeinden_status),
        ("kreis", kreis, kreis_status),
    ):
        out = fr.copy()
        s = _status_like(fr, st)
        for c in cols:
            if c in out.columns:
                v = pd.to_numeric(out[c], errors="coerce").astype(float).to_numpy()
                r = round_to_base(v, base)
                n += int(np.sum(~np.isnan(v) & (r != v)))
                out[c] = r
        present = [r for r in rates if r in out.columns]
        if present and ind is not None:
            from sozialraum.monitor import compute_rates

            sub = ind.loc[present]
            cnt_cols = [c for c in cols if c in out.columns]
            rr = compute_rates(out[cnt_cols], sub, status=s[cnt_cols], min_denominator=0, lang=lang)
            for r in present:
                out[r] = rr.rates[r].reindex(out.index).astype(float)
                rs = rr.status[r].reindex(out.index).astype("string")
                keep = s[r].isin(list(SECRET_CODES)).fillna(False)
                s[r] = s[r].where(keep, rs)
        frames[name], stats[name] = out, s
    params = {
        "method": "rundung",
        "base": int(base),
        "columns": tuple(cols),
        "rates": tuple(rates),
        "area_ags_col": area_ags_col,
        "n_rounded": n,
    }
    return SuppressionResult(frames=frames, status=stats, params=params)


def public_status(status: pd.DataFrame) -> pd.DataFrame:
    """Status for publication: ``geheim_primaer``/``geheim_sekundaer`` → ``geheim``.

    The difference would tell a reader which cells are small.
    """
    return status.astype("string").replace({PRIMARY: "geheim", SECONDARY: "geheim"})
