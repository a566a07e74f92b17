"""Region sets and composite levels: Ämter, LEADER regions, Mittelbereiche.

A *region set* assigns every municipality (or every planning area) to one region of
the set. It is read from a table (one row per member: member key, region key,
optional region name), checked to cover every member of the run, and rolled up with
the one roll-up rule (:func:`sozialraum.join.rollup`: counts summed, rates
recomputed from the summed numerators and denominators, status rules as there).

An *Amt level* between the municipalities and the district (``[gliederung] stufen
= ["Landkreis", "Amt", "Gemeinde", "Sozialraum"]``) is a region set at the
municipality level that is marked as that level: the municipality level stays as
it is, the Amt level is rolled up beside it, directly from the planning areas.

The **index of a region** is the monitor's overall index applied to the region's
rolled-up rates, measured against the *same reference* as the planning areas: the
mean and standard deviation (z) of the rated planning areas (and, for the
re-standardised dimension and overall indices, the distribution of the rated areas'
indices). The region rows are standardised together with the areas but are not
part of the reference set, so every area keeps exactly its monitor value and a
region's index reads on the same scale ("0 = average planning area"). Its class
uses the monitor's own class breaks of ``idx_gesamt``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from sozialraum._i18n import t
from sozialraum.core.classify import classify
from sozialraum.core.doors import knob
from sozialraum.errors import InputError, format_ids
from sozialraum.join.rollup import RollupResult, rollup

__all__ = [
    "RegionSet",
    "RegionIndex",
    "read_region_set",
    "region_of_areas",
    "rollup_region_set",
    "region_index",
]

_MSG = {
    "no_col": {
        "de": "{file}: Spalte {col!r} ({what}) fehlt (vorhanden: {have}); bitte {knob} anpassen.",
        "en": "{file}: column {col!r} ({what}) is missing (present: {have}); please change {knob}.",
    },
    "what_member": {"de": "Schlüssel der Mitglieder", "en": "member key"},
    "what_region": {"de": "Schlüssel der Region", "en": "region key"},
    "what_name": {"de": "Name der Region", "en": "region name"},
    "empty": {
        "de": "{file}, Zeile {row}: Spalte {col!r} ist leer (Regionszuordnung {name!r}).",
        "en": "{file}, row {row}: column {col!r} is empty (region set {name!r}).",
    },
    "dup": {
        "de": "{file}, Zeile {row}: {member!r} ist in Spalte {col!r} mehrfach zugeordnet "
        "(Regionszuordnung {name!r}); jedes Mitglied gehört zu genau einer Region.",
        "en": "{file}, row {row}: {member!r} appears more than once in column {col!r} "
        "(region set {name!r}); each member belongs to exactly one region.",
    },
    "uncovered": {
        "de": "Regionszuordnung {name!r} ({file}, Spalte {col!r}) deckt nicht alle {what} ab: "
        "ohne Region sind {ids}. Bitte diese Schlüssel in {file} einer Region zuordnen.",
        "en": "region set {name!r} ({file}, column {col!r}) does not cover every {what_en}: "
        "without a region are {ids}. Please assign these keys to a region in {file}.",
    },
    "unknown": {
        "de": "Regionszuordnung {name!r} ({file}, Spalte {col!r}): Schlüssel ohne {what} "
        "im Lauf: {ids}.",
        "en": "region set {name!r} ({file}, column {col!r}): keys without a {what_en} "
        "in the run: {ids}.",
    },
    "level": {
        "de": "Regionszuordnung {name!r}: Ebene {level!r} ist unbekannt (gemeinde, sozialraum).",
        "en": "region set {name!r}: level {level!r} is unknown (gemeinde, sozialraum).",
    },
}

_WHAT = {
    "gemeinde": ("Gemeinden", "municipality"),
    "sozialraum": ("Planungsräume", "planning area"),
}


@dataclass(frozen=True)
class RegionSet:
    """One region set: member → region.

    Attributes
    ----------
    name
        Name of the set ("LEADER-Regionen", "Ämter").
    members
        Series member key → region key (index = member key, str).
    names
        Region key → display name (the key where none was given).
    level
        ``"gemeinde"`` (members are municipality keys) or ``"sozialraum"`` (area keys).
    source, column
        File and member column the set was read from (for messages).
    stage
        The level word of ``[gliederung] stufen`` this set stands for (e.g. ``"Amt"``),
        or ``None`` for a set beside the hierarchy (LEADER region).
    """

    name: str
    members: pd.Series
    names: Mapping[str, str] = field(default_factory=dict)
    level: str = "gemeinde"
    source: str = ""
    column: str = ""
    stage: str | None = None

    @property
    def regions(self) -> list[str]:
        """Region keys in order of first appearance."""
        return list(dict.fromkeys(self.members.tolist()))

    def region_name(self, key: str) -> str:
        """Display name of a region."""
        return str(self.names.get(key) or key)


def _cell(v) -> str | None:
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return None
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    s = str(v).strip()
    return s or None


def read_region_set(
    path: str | Path,
    *,
    name: str,
    member_col: str,
    region_col: str,
    name_col: str | None = None,
    level: str = "gemeinde",
    stage: str | None = None,
    sheet: str | None = None,
    lang: str | None = None,
) -> RegionSet:
    """Read a region set from a CSV/XLSX table (one row per member).

    Raises
    ------
    InputError
        A column is missing, a key is empty (file and row named), a member appears
        twice, or the level is unknown.
    """
    from sozialraum.io.reader import read_text_table

    if level not in _WHAT:
        raise InputError(t(_MSG, "level", lang, name=name, level=level))
    tab = read_text_table(path, sheet=sheet, lang=lang)
    fr, src = tab.frame, tab.source
    for col, what, setting in (
        (member_col, "what_member", "region_member"),
        (region_col, "what_region", "region_key"),
        (name_col, "what_name", "region_name"),
    ):
        if col is not None and col not in fr.columns:
            raise InputError(
                t(
                    _MSG,
                    "no_col",
                    lang,
                    file=src,
                    col=col,
                    what=t(_MSG, what, lang),
                    have=", ".join(map(str, fr.columns)),
                    knob=knob(setting, lang),
                ),
                file=str(path),
                column=col,
            )
    members: dict[str, str] = {}
    names: dict[str, str] = {}
    for i, row in enumerate(fr.itertuples(index=False)):
        rec = dict(zip(fr.columns, row, strict=True))
        m, r = _cell(rec[member_col]), _cell(rec[region_col])
        for col, v in ((member_col, m), (region_col, r)):
            if v is None:
                raise InputError(
                    t(_MSG, "empty", lang, file=src, row=int(tab.rows[i]), col=col, name=name),
                    file=str(path),
                    row=int(tab.rows[i]),
                    column=col,
                )
        if m in members:
            raise InputError(
                t(
                    _MSG,
                    "dup",
                    lang,
                    file=src,
                    row=int(tab.rows[i]),
                    member=m,
                    col=member_col,
                    name=name,
                ),
                file=str(path),
                row=int(tab.rows[i]),
                column=member_col,
                ids=[m],
            )
        members[m] = r
        if name_col is not None and _cell(rec[name_col]):
            names.setdefault(r, _cell(rec[name_col]))
    return RegionSet(
        name=name,
        members=pd.Series(members, dtype=object),
        names=names,
        level=level,
        source=src,
        column=member_col,
        stage=stage,
    )


def region_of_areas(
    rs: RegionSet, areas: pd.DataFrame, *, gemeinde_col: str, lang: str | None = None
) -> pd.Series:
    """Region key of every planning area; refuses a set that does not cover them all.

    Raises
    ------
    InputError
        Members of the run without a region (the message names the keys, the file and
        the column), or keys in the set that are no member of the run.
    """
    member = (
        areas[gemeinde_col].astype(str)
        if rs.level == "gemeinde"
        else pd.Series(areas.index.astype(str), index=areas.index)
    )
    what_de, what_en = _WHAT[rs.level]
    have = set(member)
    missing = sorted(have - set(rs.members.index))
    if missing:
        raise InputError(
            t(
                _MSG,
                "uncovered",
                lang,
                name=rs.name,
                file=rs.source,
                col=rs.column,
                what=what_de,
                what_en=what_en,
                ids=format_ids(missing),
            ),
            file=rs.source,
            column=rs.column,
            ids=missing,
        )
    unknown = sorted(set(rs.members.index) - have)
    if unknown:
        raise InputError(
            t(
                _MSG,
                "unknown",
                lang,
                name=rs.name,
                file=rs.source,
                col=rs.column,
                what=what_de[:-1] if what_de.endswith("n") else what_de,
                what_en=what_en,
                ids=format_ids(unknown),
            ),
            file=rs.source,
            column=rs.column,
            ids=unknown,
        )
    return member.map(rs.members).rename("region")


def rollup_region_set(
    rs: RegionSet,
    frame: pd.DataFrame,
    *,
    gemeinde_col: str,
    status: pd.DataFrame | None = None,
    catalogue=None,
    lang: str | None = None,
) -> RollupResult:
    """Roll the planning areas up to the regions of ``rs`` (the one roll-up rule).

    ``frame`` holds the areas' counts (and geometry); the result's index is the region
    key, with ``region_name`` as first column.
    """
    keys = region_of_areas(rs, frame, gemeinde_col=gemeinde_col, lang=lang)
    cols = [c for c in frame.columns if c not in (gemeinde_col, "geometry")]
    res = rollup(
        frame[[*cols, "geometry"]] if "geometry" in frame.columns else frame[cols],
        by=keys,
        columns=[c for c in cols if pd.api.types.is_numeric_dtype(frame[c])],
        status=status,
        catalogue=catalogue,
        lang=lang,
        level=rs.name,
    )
    out = res.frame
    out.insert(0, "region_name", [rs.region_name(k) for k in out.index])
    out.index.name = "region"
    res.status.index.name = "region"
    return RollupResult(frame=out, status=res.status)


@dataclass(frozen=True)
class RegionIndex:
    """Index and class of regions on the planning areas' scale.

    Attributes
    ----------
    frame
        Per region: ``idx_<dimension>``, ``idx_gesamt``, ``idx_gesamt_klasse``.
    reference
        A German sentence naming the reference (for the methods text).
    """

    frame: pd.DataFrame
    reference: str


def region_index(
    region_rates: pd.DataFrame,
    monitor,
    catalogue,
    *,
    population: pd.Series,
    min_denominator: float,
    lang: str | None = None,
) -> RegionIndex:
    """The monitor's overall index applied to rolled-up rates (see module docstring).

    Parameters
    ----------
    region_rates
        Rates per region (index = region key; columns = indicator ids).
    monitor
        The :class:`~sozialraum.monitor.MonitorResult` of the planning areas (its
        ``values`` and ``params``: standardisation, reference, index settings, class
        breaks).
    catalogue
        The catalogue (or its indicator table).
    population
        Population per planning area (the rated areas are the reference set).
    min_denominator
        The monitor's minimum population for a rated area.
    """
    from sozialraum.monitor.index import composite_index
    from sozialraum.monitor.standardize import standardize

    ind = getattr(catalogue, "indicators", catalogue)
    p = monitor.params
    vals = monitor.values
    cols = [c for c in vals.columns if c in region_rates.columns]
    areas = vals[cols].astype(float)
    rated = (population.reindex(areas.index).astype(float) >= min_denominator).fillna(False)
    ref = pd.DataFrame({c: rated for c in cols}, index=areas.index)
    if p.get("reference") == "reliable":
        ref &= monitor.rates.reliable.reindex(index=areas.index, columns=cols).fillna(False)
    regions = region_rates[cols].astype(float).set_axis([f"\x00{k}" for k in region_rates.index])
    both = pd.concat([areas, regions])
    ref_both = pd.concat([ref, pd.DataFrame(False, index=regions.index, columns=cols)]).astype(bool)
    valid_both = pd.concat([rated, pd.Series(False, index=regions.index)]).astype(bool)
    method = (p.get("standardization") or {}).get("method", "z")
    std = standardize(both, method=method, direction=ind, valid=ref_both, warn=False, lang=lang)
    ix = p.get("index") or {}
    res = composite_index(
        std.values,
        ind,
        method=ix.get("method", "mean"),
        restandardize=bool(ix.get("restandardize", True)),
        min_share=float(ix.get("min_share", 0.5)),
        valid=valid_both,
    )
    out = res.frame.loc[regions.index].set_axis(region_rates.index)
    bins = (p.get("classification") or {}).get("bins")
    if bins is not None and len(bins) > 1:
        cls = classify(out["idx_gesamt"], breaks=list(bins)[1:-1], verbal=True, lang=lang)
        out["idx_gesamt_klasse"] = cls.labels.astype(object).where(out["idx_gesamt"].notna())
    de = "Referenz: Mittelwert und Standardabweichung der bewerteten Planungsräume (wie im Monitor)"
    en = "reference: mean and standard deviation of the rated planning areas (as in the monitor)"
    return RegionIndex(frame=out, reference=en if lang == "en" else de)
