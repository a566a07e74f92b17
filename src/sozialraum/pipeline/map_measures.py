"""The web map layer "Maßnahmen": which areas have a measure of the register, and in which state.

One category per area from the measures register (``[atlas] massnahmen``): a running
measure, else a planned one, else a finished one, else none (cancelled measures do
not count). A measure's areas and status are part of the public register, so the
layer shows at every release level; it carries no figures (targets, progress and the
effect view are in the report).
"""

from __future__ import annotations

import pandas as pd

__all__ = ["MEASURE_LAYER_COLUMN", "measure_layers", "area_measure_state"]

#: Column of the map frame with the area's measure state.
MEASURE_LAYER_COLUMN = "massnahmen_stand"

#: The states in legend order: (status of the register, German label, English label, colour).
_STATES = (
    ("laufend", "laufende Maßnahme", "running measure", "#1b7837"),
    ("geplant", "geplante Maßnahme", "planned measure", "#7fbf7b"),
    ("abgeschlossen", "abgeschlossene Maßnahme", "finished measure", "#af8dc3"),
    (None, "keine Maßnahme", "no measure", "#f7f7f7"),
)


def _status(row, year: int | None) -> str | None:
    """The register's status, else one from the dates (for measures without a target row)."""
    s = row.get("status")
    if isinstance(s, str) and s.strip():
        return s.strip().lower()
    start = pd.to_datetime(row.get("start_date"), errors="coerce")
    end = pd.to_datetime(row.get("end_date"), errors="coerce")
    if year is None:
        return "laufend"
    if pd.notna(start) and start.year > year:
        return "geplant"
    if pd.notna(end) and end.year < year:
        return "abgeschlossen"
    return "laufend"


def area_measure_state(register: pd.DataFrame, keys, year: int | None, lang: str) -> pd.Series:
    """The label of each area's measure state (index = ``keys``)."""
    rank = {s: i for i, (s, *_rest) in enumerate(_STATES) if s is not None}
    best: dict[str, int] = {}
    for _mid, row in register.iterrows():
        st = _status(row, year)
        if st not in rank:
            continue  # cancelled or unknown: not on the map
        for a in row.get("areas") or []:
            a = str(a)
            best[a] = min(best.get(a, len(_STATES)), rank[st])
    i = 2 if lang == "en" else 1
    none = _STATES[-1][i]
    return pd.Series(
        [_STATES[best[k]][i] if k in best else none for k in map(str, keys)],
        index=list(keys),
        dtype=object,
    )


def measure_layers(state, frame):
    """``(frame with the state column, [CategoryLayer])``; unchanged without a register."""
    from sozialraum.webmap import CategoryLayer

    reg = (getattr(state, "atlas", None) or {}).get("register")
    if reg is None or not len(reg):
        return frame, []
    lang = "en" if state.lang == "en" else "de"
    frame = frame.copy()
    states = area_measure_state(reg, frame.index.astype(str), state.year, lang)
    frame[MEASURE_LAYER_COLUMN] = states.to_numpy()
    i = 2 if lang == "en" else 1
    present = set(states)
    cats = tuple(s[i] for s in _STATES if s[i] in present)
    layer = CategoryLayer(
        MEASURE_LAYER_COLUMN,
        title="Maßnahmen" if lang == "de" else "Measures",
        colors={s[i]: s[3] for s in _STATES},
        categories=cats,
        source=state.config["projekt"]["quelle"] or state.config["projekt"]["name"],
        year=state.year,
    )
    return frame, [layer]
