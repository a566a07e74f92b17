"""Geheimhaltung: primary and secondary suppression of small counts, or rounding.

Primary suppression (*primäre Geheimhaltung*)
    A count cell with ``1 <= |value| <= threshold`` (default 2) is suppressed; 0 is
    publishable. Cells already secret in the source (status ``geheim``) stay secret.
    A rate whose numerator or denominator cell is suppressed is suppressed too.

Secondary suppression (*sekundäre Geheimhaltung*)
    Published totals form linear equations: for every count variable, the areas of
    one Gemeinde add up to the Gemeinde total, and the Gemeinden add up to the Kreis
    total. An equation with exactly one unpublished cell gives that cell away by
    subtraction. The standard hierarchical heuristic used here walks all equations
    and, whenever one has exactly one unpublished cell, suppresses one more cell of
    that equation: the smallest positive published cell (zeros only if nothing else
    is left; ties by position, members before the total). Because a newly suppressed
    Gemeinde total belongs to the district equation too, the walk repeats until
    nothing changes (fixed point). It is *not* an optimal (minimum-loss)
    linear-programming solution, and it looks at the hierarchy only (not at relations
    between variables such as ``saldo = zuzüge − fortzüge``);
    :func:`sozialraum.privacy.check_release` verifies the published result.

    Only cells that carry a number enter an equation: a Gemeinde total marked
    ``teilsumme_geheim`` is the sum of the *known* parts, so a source-secret part is
    not in its equation (and stays secret), while a suppressed known part is.

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

import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from sozialraum._i18n import t
from sozialraum.errors import InputError, SozialraumWarning, format_ids

__all__ = [
    "PRIMARY",
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

PRIMARY = "geheim_primaer"
SECONDARY = "geheim_sekundaer"
#: Status codes meaning "value must not be shown".
SECRET_CODES = frozenset({"geheim", PRIMARY, SECONDARY})
#: Names of the three levels of the hierarchy, in order.
LEVELS = ("areas", "gemeinden", "kreis")

_PERCENT_UNITS = {
    "%",
    "‰",
    "prozent",
    "promille",
    "percent",
    "per mille",
    "index",
    "€",
    "eur",
    "jahre",
    "years",
}

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
    if catalogue is not None and hasattr(catalogue, "variables"):
        var = catalogue.variables
        for vid, row in var.iterrows():
            unit = str(row.get("unit") or "").strip().lower()
            if vid in frame.columns and unit not in _PERCENT_UNITS:
                cols.append(str(vid))
    ind = _indicators(catalogue)
    if ind is not None and len(ind):
        for c in ("numerator", "denominator"):
            if c in ind.columns:
                for v in ind[c]:
                    if isinstance(v, str) and v in frame.columns and v not in cols:
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


def rate_columns(frame: pd.DataFrame, catalogue=None) -> dict[str, tuple[str | None, str | None]]:
    """Rate column → (numerator, denominator) for the catalogue's indicators present in ``frame``."""
    ind = _indicators(catalogue)
    out: dict[str, tuple[str | None, str | None]] = {}
    if ind is None:
        return out
    for rid, row in ind.iterrows():
        if rid in frame.columns:
            num = row.get("numerator")
            den = row.get("denominator")
            out[str(rid)] = (
                num if isinstance(num, str) else None,
                den if isinstance(den, str) else None,
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
    return st.isin(list(SECRET_CODES)).fillna(False).to_numpy(dtype=bool)


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
    for rate, (num, den) in rate_columns(frame, catalogue).items():
        if rate not in st.columns:
            st[rate] = pd.Series(pd.NA, index=st.index, dtype="string")
        hide = np.zeros(len(frame), dtype=bool)
        primary = np.zeros(len(frame), dtype=bool)
        for part in (num, den):
            if part is not None and part in st.columns:
                s = st[part]
                hide |= s.isin([PRIMARY, SECONDARY]).fillna(False).to_numpy(dtype=bool)
                if part == num:
                    primary |= s.eq(PRIMARY).fillna(False).to_numpy(dtype=bool)
        hide &= ~ex
        already = _is_secret(st[rate])
        new = hide & ~already
        if new.any():
            codes = np.where(primary[new], PRIMARY, SECONDARY)
            idx = st.index[new]
            st.loc[idx, rate] = codes
            vals = out[rate].astype(float).to_numpy().copy()
            vals[new] = np.nan
            out[rate] = vals
            n += int(new.sum())
    return out, st, n


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
        are counts, and rates' numerators/denominators.
    columns
        Count columns (default :func:`count_columns`).
    threshold
        Largest count suppressed primarily (default 2: counts 1 and 2; 0 is published).
    area_ags_col
        Column of ``areas`` with the Gemeinde key.
    secondary
        Apply secondary suppression (default ``True``).
    municipality
        AGS of a ``kommunal`` package: its own areas and total are released in full
        (never suppressed), other municipalities' area counts are not published at
        all (they count as unpublished in the equations).

    Returns
    -------
    SuppressionResult
    """
    _check_threshold(threshold, lang)
    gem_key = _gemeinde_keys(areas, area_ags_col, lang)
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
    gemeinden = gemeinden.copy()
    gemeinden.index = gemeinden.index.astype(str)
    if gemeinden_status is not None:
        gemeinden_status = gemeinden_status.copy()
        gemeinden_status.index = gemeinden_status.index.astype(str)
    unknown = sorted(set(gem_key) - set(gemeinden.index))
    if unknown:
        bad = areas.index[gem_key.isin(unknown)].astype(str).tolist()
        raise InputError(
            t(_MSG, "unknown_gem", lang, ids=format_ids(bad)), column=area_ags_col, ids=bad
        )

    own_area = np.zeros(len(areas), dtype=bool)
    own_gem = np.zeros(len(gemeinden), dtype=bool)
    if municipality is not None:
        own_area = (gem_key == str(municipality)).to_numpy()
        own_gem = gemeinden.index == str(municipality)

    frames = {}
    stats = {}
    for name, fr, st, ex in (
        ("areas", areas, status, own_area),
        ("gemeinden", gemeinden, gemeinden_status, own_gem),
        ("kreis", kreis, kreis_status, None),
    ):
        c = [x for x in cols if x in fr.columns]
        frames[name], stats[name] = suppress_primary(
            fr, st, columns=c, threshold=threshold, exempt=ex, lang=lang
        )
    n_prim = sum(
        int(stats[n][[c for c in cols if c in stats[n].columns]].eq(PRIMARY).sum().sum())
        for n in LEVELS
    )

    n_sec = 0
    unprotected_all: list[str] = []
    if secondary:
        g_pos = pd.Series(np.arange(len(gemeinden)), index=gemeinden.index)
        area_gpos = g_pos.reindex(gem_key.to_numpy()).to_numpy()
        na, ng = len(areas), len(gemeinden)
        for col in cols:
            if col not in gemeinden.columns or col not in kreis.columns:
                continue
            va = pd.to_numeric(areas[col], errors="coerce").astype(float).to_numpy()
            vg = pd.to_numeric(gemeinden[col], errors="coerce").astype(float).to_numpy()
            vk = pd.to_numeric(kreis[col], errors="coerce").astype(float).to_numpy()
            values = np.concatenate([va, vg, vk])
            unpub = np.concatenate(
                [
                    _is_secret(stats["areas"][col]),
                    _is_secret(stats["gemeinden"][col]),
                    _is_secret(stats["kreis"][col]),
                ]
            )
            if municipality is not None:
                unpub[:na] |= ~own_area  # other municipalities' area counts are not published
            fixed = np.concatenate([own_area, own_gem, np.zeros(len(kreis), dtype=bool)])
            known = ~np.isnan(values)
            groups = []
            for j in range(ng):
                if not known[na + j]:
                    continue
                members = np.flatnonzero((area_gpos == j) & known[:na])
                groups.append(np.concatenate([members, [na + j]]))
            for kpos in range(len(kreis)):
                if known[na + ng + kpos]:
                    members = np.flatnonzero(known[na : na + ng]) + na
                    groups.append(np.concatenate([members, [na + ng + kpos]]))
            sec, unprot = protect_groups(values, unpub, groups, fixed=fixed)
            for gi in unprot:
                last = int(groups[gi][-1])
                unprotected_all.append(f"{col}@{_cell_name(last, areas, gemeinden, kreis)}")
            if sec.any():
                n_sec += int(sec.sum())
                for name, _fr, lo, hi in (
                    ("areas", areas, 0, na),
                    ("gemeinden", gemeinden, na, na + ng),
                    ("kreis", kreis, na + ng, na + ng + len(kreis)),
                ):
                    m = sec[lo:hi]
                    if m.any():
                        stats[name].loc[m, col] = SECONDARY
                        vals = frames[name][col].astype(float).to_numpy().copy()
                        vals[m] = np.nan
                        frames[name][col] = vals
    if unprotected_all:
        warnings.warn(
            t(_MSG, "unprotected", lang, n=len(unprotected_all), ids=format_ids(unprotected_all)),
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
        "columns": tuple(cols),
        "rates": tuple(rate_columns(areas, catalogue)),
        "secondary": bool(secondary),
        "municipality": municipality,
        "area_ags_col": area_ags_col,
        "n_primary_counts": n_prim,
        "n_secondary_counts": n_sec,
        "n_rates": n_rates,
        "unprotected": tuple(unprotected_all),
    }
    return SuppressionResult(frames=frames, status=stats, params=params)


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
