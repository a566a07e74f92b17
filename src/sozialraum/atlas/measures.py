"""The measures register (Maßnahmen), their targets and their before/after comparison.

A measure has areas, a theme, start/end and target indicators; it may carry one
*target* (:class:`~sozialraum.planning.targets.MeasureTarget`: target indicator,
target value and date, status geplant/laufend/abgeschlossen/abgebrochen, responsible
body). A change of target or status is a new row in ``atlas_measure_targets``: the
history stays, :func:`measures` shows the latest.

A register file (CSV/XLSX, one row per measure; columns ``id;name;gebiete;beginn;ende;
thema;ziele;beschreibung`` and optionally ``zielindikator;zielwert;zieldatum;status;
traeger``) is read and checked row by row by :func:`read_register`: an unknown area or
a target indicator not in the catalogue is an error naming file, row and value.

Functions take the open :class:`~sozialraum.atlas.Atlas` as first argument; the
``Atlas`` class offers them as its methods.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Sequence

import pandas as pd

import sozialraum.atlas.effect as _effect
from sozialraum._i18n import get_lang, t
from sozialraum.atlas._common import (
    _date,
    _now,
    _unknown_ids_error,
)
from sozialraum.core.numbers import parse_number
from sozialraum.errors import InputError
from sozialraum.planning.targets import (
    MeasureTarget,
    Progress,
    check_date,
    check_status,
    target_progress,
)

_MSG = {
    "measure_exists": {
        "de": "Die Maßnahme {id!r} gibt es schon.",
        "en": "measure {id!r} exists already.",
    },
    "row_area": {
        "de": "{file}, Zeile {row}, Spalte gebiete: {value!r} ist kein Gebiet (z. B. {have}).",
        "en": "{file}, row {row}, column gebiete: {value!r} is not an area (e.g. {have}).",
    },
    "row_target": {
        "de": "{file}, Zeile {row}, Spalte {col}: {value!r} steht nicht im Indikatorenkatalog "
        "(z. B. {have}).",
        "en": "{file}, row {row}, column {col}: {value!r} is not in the indicator catalogue "
        "(e.g. {have}).",
    },
    "row_number": {
        "de": "{file}, Zeile {row}, Spalte zielwert: {value!r} ist keine Zahl.",
        "en": "{file}, row {row}, column zielwert: {value!r} is not a number.",
    },
    "row_missing": {
        "de": "{file}, Zeile {row}: Spalte {col} ist leer; sie ist Pflicht.",
        "en": "{file}, row {row}: column {col} is empty; it is required.",
    },
    "no_columns": {
        "de": "{file}: Spalten fehlen: {cols} (Maßnahmenregister: id;name;gebiete;beginn;ende;"
        "thema;ziele;beschreibung[;zielindikator;zielwert;zieldatum;status;traeger]).",
        "en": "{file}: columns missing: {cols} (measures register: id;name;gebiete;beginn;ende;"
        "thema;ziele;beschreibung[;zielindikator;zielwert;zieldatum;status;traeger]).",
    },
}

#: Required and optional columns of a register file.
REGISTER_COLUMNS = ("id", "name", "gebiete", "beginn", "ende", "thema", "ziele", "beschreibung")
TARGET_COLUMNS = ("zielindikator", "zielwert", "zieldatum", "status", "traeger")


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
    target: MeasureTarget | None = None,
) -> str:
    """Register a measure (Maßnahme): its areas, theme, start/end and target indicators.

    ``target`` (optional) adds its target, status and responsible body; its
    indicator must be in the catalogue and joins ``targets``.
    """
    b, L = atlas.backend, atlas.lang
    sd = _date(start)
    version = version or atlas.version_for(_dt.date.fromisoformat(sd))
    ar = atlas.areas(version)
    keys = [str(a) for a in areas]
    unknown = [k for k in keys if k not in ar.index]
    if unknown:
        raise _unknown_ids_error(L, "areas", unknown, list(ar.index[:5]))
    targets = list(targets)
    if target is not None and target.indicator and target.indicator not in targets:
        targets.append(target.indicator)
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
        if target is not None:
            _insert_target(b, target, measure_id)
    return measure_id


def _insert_target(b, target: MeasureTarget, measure_id: str) -> None:
    seq = b.scalar(
        "SELECT coalesce(max(seq), 0) FROM atlas_measure_targets WHERE measure_id=?", (measure_id,)
    )
    b.execute(
        "INSERT INTO atlas_measure_targets (measure_id, created, seq, indicator, target_value, "
        "target_date, status, responsible) VALUES (?,?,?,?,?,?,?,?)",
        (
            measure_id,
            _now(),
            int(seq or 0) + 1,
            target.indicator,
            None if target.value is None else float(target.value),
            target.date,
            target.status,
            target.responsible,
        ),
    )


def set_measure_target(atlas, target: MeasureTarget) -> None:
    """Record a new target/status of a registered measure (the earlier ones stay as history)."""
    L = atlas.lang
    reg = measures(atlas)
    if target.measure_id not in reg.index:
        raise _unknown_ids_error(L, "measures", [target.measure_id], list(reg.index[:5]))
    check_status(target.status, target.measure_id, L)
    cat = atlas.catalogue()
    if cat is not None and target.indicator and target.indicator not in cat.indicators.index:
        raise _unknown_ids_error(L, "targets", [target.indicator], list(cat.indicators.index[:5]))
    with atlas.backend.transaction():
        _insert_target(atlas.backend, target, target.measure_id)


def measure_targets(atlas, *, history: bool = False) -> pd.DataFrame:
    """Targets of the measures (latest per measure; ``history=True``: every recorded row)."""
    f = atlas.backend.frame(
        "SELECT measure_id, seq, created, indicator AS zielindikator, target_value AS zielwert, "
        "target_date AS zieldatum, status, responsible AS traeger FROM atlas_measure_targets "
        "ORDER BY measure_id, seq"
    )
    if not history:
        f = f.groupby("measure_id", sort=False).tail(1)
    return f.set_index("measure_id")


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
    m = m.set_index("measure_id")
    tg = measure_targets(atlas)
    for c in TARGET_COLUMNS:
        m[c] = tg[c].reindex(m.index) if c in tg.columns else None
    return m


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


def _cell(v) -> str:
    if v is None or (isinstance(v, float) and v != v):
        return ""
    return str(v).strip()


def _split(v) -> list[str]:
    return [x.strip() for x in _cell(v).split(",") if x.strip()]


def read_register(path, *, areas, catalogue=None, lang: str | None = None) -> list[dict]:
    """Read and check a measures register file (see the module docstring).

    Parameters
    ----------
    path
        CSV or XLSX, one row per measure.
    areas
        The area keys a measure may name.
    catalogue
        :class:`sozialraum.io.Catalogue` the target indicators are checked against.

    Returns
    -------
    list of dict
        Keyword arguments of :func:`add_measure` per row (``measure_id``, ``name``,
        ``areas``, ``start``, ``end``, ``theme``, ``targets``, ``description``,
        ``target``).
    """
    from sozialraum.io import read_text_table

    L = get_lang(lang)
    tt = read_text_table(path, lang=L)
    f = tt.frame
    missing = [c for c in ("id", "name", "gebiete", "beginn", "ziele") if c not in f.columns]
    if missing:
        raise InputError(
            t(_MSG, "no_columns", L, file=tt.source, cols=", ".join(missing)), file=tt.source
        )
    known = set(map(str, areas))
    inds = list(catalogue.indicators.index) if catalogue is not None else []
    ok_targets = set(inds) | (set(catalogue.variables.index) if catalogue is not None else set())
    out = []
    for i, rec in enumerate(f.to_dict("records")):
        row = int(tt.rows[i])
        where = {"file": tt.source, "row": row}
        for col in ("id", "name", "gebiete", "beginn"):
            if not _cell(rec.get(col)):
                raise InputError(t(_MSG, "row_missing", L, col=col, **where), **where, column=col)
        for a in _split(rec.get("gebiete")):
            if a not in known:
                have = ", ".join(sorted(known)[:3])
                raise InputError(
                    t(_MSG, "row_area", L, value=a, have=have, **where),
                    **where,
                    column="gebiete",
                    ids=[a],
                )
        targets = _split(rec.get("ziele"))
        ind = _cell(rec.get("zielindikator")) or None
        for col, vals, allowed in (
            ("ziele", targets, ok_targets),
            ("zielindikator", [ind] if ind else [], set(inds)),
        ):
            for v in vals:
                if catalogue is not None and v not in allowed:
                    raise InputError(
                        t(
                            _MSG,
                            "row_target",
                            L,
                            col=col,
                            value=v,
                            have=", ".join(inds[:4]),
                            **where,
                        ),
                        **where,
                        column=col,
                    )
        target = None
        if any(_cell(rec.get(c)) for c in TARGET_COLUMNS):
            target = _row_target(rec, ind, where, L)
        out.append(
            {
                "measure_id": _cell(rec["id"]),
                "name": _cell(rec["name"]),
                "areas": _split(rec["gebiete"]),
                "start": check_date(rec["beginn"], f"{tt.source}, Zeile {row}", L),
                "end": check_date(rec.get("ende"), f"{tt.source}, Zeile {row}", L),
                "theme": _cell(rec.get("thema")),
                "targets": targets,
                "description": _cell(rec.get("beschreibung")),
                "target": target,
            }
        )
    return out


def _row_target(rec: dict, ind, where: dict, L: str) -> MeasureTarget:
    text = (
        f"{where['file']}, Zeile {where['row']}"
        if L == "de"
        else f"{where['file']}, row {where['row']}"
    )
    raw = rec.get("zielwert")
    value = None
    if _cell(raw):
        try:
            value = float(raw) if isinstance(raw, int | float) else parse_number(_cell(raw), None)
        except (InputError, ValueError):
            raise InputError(
                t(_MSG, "row_number", L, value=raw, **where), **where, column="zielwert"
            ) from None
    return MeasureTarget(
        measure_id=_cell(rec["id"]),
        indicator=ind,
        value=value,
        date=check_date(rec.get("zieldatum"), text, L),
        status=check_status(_cell(rec.get("status")) or "laufend", text, L),
        responsible=_cell(rec.get("traeger")),
    )


def add_register(atlas, path) -> list[str]:
    """Read a register file (:func:`read_register`) and add every measure; their ids."""
    rows = read_register(path, areas=_all_keys(atlas), catalogue=atlas.catalogue(), lang=atlas.lang)
    ids = []
    for r in rows:
        mid, name = r.pop("measure_id"), r.pop("name")
        add_measure(atlas, mid, name, **r)
        ids.append(mid)
    return ids


def _all_keys(atlas) -> list[str]:
    keys: list[str] = []
    for v in atlas.versions().index:
        keys += list(atlas.areas(v).index)
    return keys


def measure_progress(atlas, measure_id: str, effect=None) -> Progress | None:
    """Progress of a measure toward its target (mean over its areas; ``None`` without target).

    Baseline and current value are the means of the measure's areas in the years of
    its effect view (:func:`measure_effect`; pass ``effect`` to reuse one).
    """
    reg = measures(atlas)
    m = reg.loc[measure_id]
    ind, goal = m.get("zielindikator"), m.get("zielwert")
    if not isinstance(ind, str) or not ind or goal is None or pd.isna(goal):
        return None
    eff = effect if effect is not None else measure_effect(atlas, measure_id)
    if ind not in eff.frame.index:
        return None
    row = eff.frame.loc[ind]
    return target_progress(row["massnahme_vorher"], row["massnahme_nachher"], float(goal))
