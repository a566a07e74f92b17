"""The measures register (Maßnahmen) and their before/after comparison.

Functions take the open :class:`~sozialraum.atlas.Atlas` as first argument; the
``Atlas`` class offers them as its methods.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Sequence

import pandas as pd

import sozialraum.atlas.effect as _effect
from sozialraum._i18n import t
from sozialraum.atlas._common import (
    _date,
    _unknown_ids_error,
)
from sozialraum.errors import InputError

_MSG = {
    "measure_exists": {
        "de": "Die Maßnahme {id!r} gibt es schon.",
        "en": "measure {id!r} exists already.",
    },
}


def add_measure(
    atlas,
    measure_id: str,
    name: str,
    *,
    areas: Sequence[str],
    start,
    targets: Sequence[str],
    end=None,
    theme: str = "",
    description: str = "",
    version: str | None = None,
) -> str:
    """Register a measure (Maßnahme): its areas, theme, start/end and target indicators."""
    b, L = atlas.backend, atlas.lang
    sd = _date(start)
    version = version or atlas.version_for(_dt.date.fromisoformat(sd))
    ar = atlas.areas(version)
    keys = [str(a) for a in areas]
    unknown = [k for k in keys if k not in ar.index]
    if unknown:
        raise _unknown_ids_error(L, "areas", unknown, list(ar.index[:5]))
    cat = atlas.catalogue()
    if cat is not None:
        known = set(cat.indicators.index) | set(cat.variables.index)
        bad = [x for x in targets if x not in known]
        if bad:
            raise _unknown_ids_error(L, "targets", bad, list(cat.indicators.index[:5]))
    with b.transaction():
        if b.scalar("SELECT count(*) FROM atlas_measures WHERE measure_id=?", (measure_id,)):
            raise InputError(t(_MSG, "measure_exists", L, id=measure_id))
        b.execute(
            "INSERT INTO atlas_measures (measure_id, name, theme, start_date, end_date, targets, "
            "version, description) VALUES (?,?,?,?,?,?,?,?)",
            (measure_id, name, theme, sd, _date(end), ",".join(targets), version, description),
        )
        b.executemany(
            "INSERT INTO atlas_measure_areas (measure_id, version, area) VALUES (?,?,?)",
            [(measure_id, version, k) for k in keys],
        )
    return measure_id


def measures(atlas) -> pd.DataFrame:
    """The measures register (with a column ``areas``: list of area keys)."""
    b = atlas.backend
    m = b.frame(
        "SELECT measure_id, name, theme, start_date, end_date, targets, version, description "
        "FROM atlas_measures ORDER BY start_date, measure_id"
    )
    a = b.frame("SELECT measure_id, area FROM atlas_measure_areas ORDER BY measure_id, area")
    groups = a.groupby("measure_id")["area"].apply(list).to_dict()
    m["areas"] = [groups.get(i, []) for i in m["measure_id"]]
    m["targets"] = [s.split(",") if s else [] for s in m["targets"]]
    return m.set_index("measure_id")


def measure_effect(
    atlas,
    measure_id: str,
    *,
    pre: int | None = None,
    post: int | None = None,
    comparison: str | Sequence[str] = "all",
    k: int = 5,
    min_denominator: float = 0,
):
    """Descriptive before/after comparison of a measure (difference in differences).

    See :func:`sozialraum.atlas.effect.measure_effect`.
    """
    return _effect.measure_effect(
        atlas,
        measure_id,
        pre=pre,
        post=post,
        comparison=comparison,
        k=k,
        min_denominator=min_denominator,
    )
