"""Computed results (indices, classes, LISA …) stored per run.

Functions take the open :class:`~sozialraum.atlas.Atlas` as first argument; the
``Atlas`` class offers them as its methods.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from sozialraum._i18n import t
from sozialraum.atlas._common import (
    _json,
    _now,
)
from sozialraum.errors import InputError

_MSG = {
    "run_exists": {
        "de": "Den Rechenlauf {run!r} gibt es schon (Ergebnisse werden nie überschrieben).",
        "en": "run {run!r} exists already (results are never overwritten).",
    },
}


def save_results(
    atlas,
    frame: pd.DataFrame,
    *,
    run_id: str,
    kind: str,
    year: int | None = None,
    version: str | None = None,
    description: str = "",
    params: Mapping | None = None,
) -> str:
    """Store computed results (indices, classes, LISA …) tagged with ``run_id``.

    ``frame``: index = area key, one column per result (numbers or text). Several
    kinds may be saved for one run (e.g. ``"monitor"``, ``"lisa"``); a kind once
    saved for a run is never overwritten.
    """
    b = atlas.backend
    rows = []
    for col in frame.columns:
        if col == "geometry":
            continue
        s = frame[col]
        numeric = pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s)
        for k, v in s.items():
            if numeric:
                rows.append((run_id, kind, version, year, str(k), str(col), v, None))
            else:
                rows.append(
                    (
                        run_id,
                        kind,
                        version,
                        year,
                        str(k),
                        str(col),
                        None,
                        None if pd.isna(v) else str(v),
                    )
                )
    with b.transaction():
        exists = b.scalar("SELECT count(*) FROM atlas_runs WHERE run_id=?", (run_id,))
        if exists:
            if b.scalar(
                "SELECT count(*) FROM atlas_results WHERE run_id=? AND kind=?", (run_id, kind)
            ):
                raise InputError(t(_MSG, "run_exists", atlas.lang, run=f"{run_id}/{kind}"))
        else:
            b.execute(
                "INSERT INTO atlas_runs (run_id, created, description, params) VALUES (?,?,?,?)",
                (run_id, _now(), description, _json(dict(params or {}))),
            )
        b.executemany(
            "INSERT INTO atlas_results (run_id, kind, version, year, area, name, value, text) "
            "VALUES (?,?,?,?,?,?,?,?)",
            rows,
        )
    return run_id


def runs(atlas) -> pd.DataFrame:
    """Runs with stored results."""
    return atlas.backend.frame(
        "SELECT run_id, created, description, params FROM atlas_runs ORDER BY created"
    ).set_index("run_id")


def results(atlas, run_id: str, kind: str | None = None) -> pd.DataFrame:
    """Stored results of a run (wide: index = area key, one column per result)."""
    sql = "SELECT kind, area, name, value, text FROM atlas_results WHERE run_id=?"
    params: list = [run_id]
    if kind is not None:
        sql += " AND kind=?"
        params.append(kind)
    df = atlas.backend.frame(sql, params)
    out = {}
    for name, g in df.groupby("name", sort=False):
        if g["text"].notna().any():
            out[name] = g.set_index("area")["text"].astype("string")
        else:
            out[name] = g.set_index("area")["value"].astype(float)
    res = pd.DataFrame(out)
    res.index.name = "key"
    return res
