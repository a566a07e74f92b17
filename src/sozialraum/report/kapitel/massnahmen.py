"""Measures (Maßnahmen): register with targets, progress and the descriptive effect view.

Reads ``data.planning["massnahmen"]``: ``register`` (the atlas's measures register
with ``status``, ``traeger``, ``zielindikator``, ``zielwert``, ``zieldatum``),
``effects`` (:class:`sozialraum.atlas.effect.EffectResult` per measure), ``progress``
(:class:`sozialraum.planning.targets.Progress` per measure) and ``ohne_wirkung``
(measures without an effect view yet).

Numbers of the effect view and of the progress are means of area values. They are
printed only where this document's release shows the indicator for *every* area
(so at ``intern``; in a public report area values are not published, and a mean
over a few areas would disclose them); elsewhere the chapter gives register,
status, responsible body and target, and says where the numbers are. The effect
view is always labelled "beschreibend, nicht kausal".
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from sozialraum._i18n import get_lang, t
from sozialraum.atlas.effect import LABEL
from sozialraum.core.numbers import format_number, is_missing
from sozialraum.core.status import secret_mask
from sozialraum.report.cells import label
from sozialraum.report.chapters import Chapter, Table

__all__ = ["massnahmen_chapter", "massnahmen_section"]

_MSG = {
    "title": {"de": "Maßnahmen", "en": "Measures"},
    "intro": {
        "de": "Das Maßnahmenregister: {n} Maßnahmen ({states}). Für jede Maßnahme mit Ziel steht der "
        "Fortschritt vom Ausgangswert (Jahr vor dem Beginn) zum Zielwert; die Wirkungsansicht "
        "vergleicht die Veränderung in den Gebieten der Maßnahme mit Vergleichsgebieten.",
        "en": "The measures register: {n} measures ({states}). For each measure with a target, the "
        "progress from the baseline (year before the start) toward the target value is shown; the "
        "effect view compares the change in the measure's areas with comparison areas.",
    },
    "intro_pub": {
        "de": "Das Maßnahmenregister: Thema, Zeitraum, Status und Träger jeder Maßnahme.",
        "en": "The measures register: theme, period, status and responsible body of each measure.",
    },
    "cols": {
        "de": (
            "Maßnahme",
            "Thema",
            "Zeitraum",
            "Status",
            "Träger",
            "Gebiete",
            "Ziel",
            "Fortschritt",
        ),
        "en": (
            "Measure",
            "Theme",
            "Period",
            "Status",
            "Responsible",
            "Areas",
            "Target",
            "Progress",
        ),
    },
    "eff_cols": {
        "de": (
            "Maßnahme",
            "Indikator",
            "Jahre",
            "Veränderung Maßnahme",
            "Veränderung Vergleich",
            "Differenz",
            "Bewertung",
        ),
        "en": (
            "Measure",
            "Indicator",
            "Years",
            "Change (measure)",
            "Change (comparison)",
            "Difference",
            "Rating",
        ),
    },
    "register": {"de": "Register mit Zielen", "en": "Register with targets"},
    "effect": {
        "de": "Wirkungsansicht (beschreibend, nicht kausal)",
        "en": "Effect view (descriptive, not causal)",
    },
    "withheld": {
        "de": "Zielwerte, Fortschritt und Wirkungsansicht beruhen auf Werten einzelner Gebiete, die "
        "diese Fassung nicht zeigt; sie stehen im internen Bericht.",
        "en": "Target values, progress and effect view rest on values of single areas that this "
        "version does not show; they are in the internal report.",
    },
    "none_yet": {
        "de": "Noch ohne Wirkungsansicht (kein Jahr mit Werten vor und nach dem Beginn): {ids}.",
        "en": "No effect view yet (no year with values before and after the start): {ids}.",
    },
    "target": {"de": "{label} {value} bis {date}", "en": "{label} {value} by {date}"},
    "target_nodate": {"de": "{label} {value}", "en": "{label} {value}"},
    "no_target": {"de": "ohne Zielwert", "en": "no target value"},
    "sec_title": {"de": "Maßnahmen", "en": "Measures"},
    "period_open": {"de": "seit {start}", "en": "since {start}"},
}


def _m(data):
    m = (data.planning or {}).get("massnahmen")
    return m if m and m.get("register") is not None and len(m["register"]) else None


def _label(data, ind, L: str) -> str:
    if not isinstance(ind, str) or not ind:
        return ""
    cat = data.catalogue
    if cat is not None and ind in cat.indicators.index:
        return label(data, ind, L)
    return ind


def _disclosable(data, ind) -> bool:
    """Whether area values of ``ind`` are shown for every area in this document."""
    if data.level == "intern":
        return True
    if not isinstance(ind, str) or ind not in data.areas.columns:
        return False
    if pd.to_numeric(data.areas[ind], errors="coerce").isna().any():
        return False
    st = data.status
    return not (st is not None and ind in st.columns and bool(secret_mask(st[ind]).any()))


_MONTHS = {
    "de": (
        "Jan.",
        "Feb.",
        "März",
        "Apr.",
        "Mai",
        "Juni",
        "Juli",
        "Aug.",
        "Sept.",
        "Okt.",
        "Nov.",
        "Dez.",
    ),
    "en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
}


def _month(iso, L: str) -> str:
    """``"Dez. 2027"`` of an ISO date: no day or month number that could read as a value."""
    s = str(iso or "")
    if len(s) < 7 or not s[5:7].isdigit():
        return s
    return f"{_MONTHS[L][int(s[5:7]) - 1]} {s[:4]}"


def _period(row, L: str) -> str:
    start, end = _month(row.get("start_date"), L), row.get("end_date")
    if isinstance(end, str) and end:
        return f"{start} – {_month(end, L)}"
    return t(_MSG, "period_open", L, start=start)


def _target_text(data, row, L: str) -> str:
    ind, val = row.get("zielindikator"), row.get("zielwert")
    if not isinstance(ind, str) or not ind or is_missing(val):
        return t(_MSG, "no_target", L)
    key = (
        "target"
        if isinstance(row.get("zieldatum"), str) and row.get("zieldatum")
        else "target_nodate"
    )
    return t(
        _MSG,
        key,
        L,
        label=_label(data, ind, L),
        value=format_number(val, 1, L),
        date=_month(row.get("zieldatum"), L),
    )


def _progress_text(data, m, mid: str, row, L: str) -> str:
    prog = m["progress"].get(mid)
    if prog is None:
        return "–"
    if not _disclosable(data, row.get("zielindikator")):
        return "·"
    return prog.text(L)


def _register_table(data, m, L: str, *, with_count: bool = True) -> Table:
    """The register; ``with_count=False`` (a profile) leaves out the number of areas.

    Outside ``intern`` the register has no numbers at all (no counts, target values,
    progress, and no indicator labels, which carry numbers such as "unter 15"): in a
    printed page any number beside an area's name is read as one of its values, and
    a release shows no value of a single area it may not show.
    """
    reg = m["register"]
    rows = []
    for mid, row in reg.iterrows():
        rows.append(
            (
                str(row.get("name") or mid),
                str(row.get("theme") or ""),
                _period(row, L),
                str(row.get("status") or ""),
                str(row.get("traeger") or ""),
                str(len(row.get("areas") or [])),
                _target_text(data, row, L),
                _progress_text(data, m, mid, row, L),
            )
        )
    numeric = (False, False, False, False, False, True, False, False)
    cols = t(_MSG, "cols", L)
    keep = list(range(8))
    if data.level != "intern":
        keep = [0, 1, 2, 3, 4]
    elif not with_count:
        keep = [0, 1, 2, 3, 4, 6, 7]
    return Table(
        columns=tuple(cols[i] for i in keep),
        rows=tuple(tuple(r[i] for i in keep) for r in rows),
        caption=t(_MSG, "register", L),
        numeric=tuple(numeric[i] for i in keep),
    )


def _effect_table(data, m, L: str) -> Table | None:
    rows = []
    reg = m["register"]
    for mid, eff in m["effects"].items():
        name = str(reg.loc[mid, "name"]) if mid in reg.index else mid
        for ind, r in eff.frame.iterrows():
            if not _disclosable(data, ind):
                continue
            rows.append(
                (
                    name,
                    str(r["label"]),
                    f"{r['vorher']}–{r['nachher']}",
                    format_number(r["massnahme_veraenderung"], 1, L, sign=True),
                    format_number(r["vergleich_veraenderung"], 1, L, sign=True),
                    format_number(r["differenz"], 1, L, sign=True),
                    str(r["bewertung"]),
                )
            )
    if not rows:
        return None
    note = next(iter(m["effects"].values())).note
    return Table(
        columns=t(_MSG, "eff_cols", L),
        rows=tuple(rows),
        caption=t(_MSG, "effect", L),
        numeric=(False, False, False, True, True, True, False),
        note=note,
    )


def massnahmen_chapter(data, settings: Mapping, lang: str) -> Chapter | None:
    """Register with targets and progress; the effect view where the numbers may be shown."""
    m = _m(data)
    if m is None:
        return None
    L = get_lang(lang)
    reg = m["register"]
    counts = reg["status"].fillna("").value_counts()
    states = ", ".join(f"{n} {s}" for s, n in counts.items() if s)
    tables = [_register_table(data, m, L)]
    eff = _effect_table(data, m, L)
    notes = []
    if eff is not None:
        tables.append(eff)
    if data.level != "intern":
        notes.append(t(_MSG, "withheld", L))
    if m["ohne_wirkung"]:
        names = [str(reg.loc[i, "name"]) if i in reg.index else i for i in m["ohne_wirkung"]]
        notes.append(t(_MSG, "none_yet", L, ids=", ".join(names)))
    if eff is None:  # the effect table carries the full caveat itself
        notes.append(LABEL[L][0].upper() + LABEL[L][1:] + ".")
    return Chapter(
        key="massnahmen",
        title=t(_MSG, "title", L),
        paragraphs=(
            t(_MSG, "intro", L, n=len(reg), states=states)
            if data.level == "intern"
            else t(_MSG, "intro_pub", L),
        ),
        tables=tuple(tables),
        notes=tuple(notes),
    )


def massnahmen_section(data, unit: str, key: str, settings: Mapping, lang: str) -> Chapter | None:
    """The measures in one area (or in any area of one municipality)."""
    m = _m(data)
    if m is None:
        return None
    L = get_lang(lang)
    if unit == "gemeinde":
        a = data.areas
        keys = (
            set(a.index[a[data.gemeinde_col].astype(str) == str(key)])
            if data.gemeinde_col in a.columns
            else set()
        )
    else:
        keys = {str(key)}
    reg = m["register"]
    sel = reg[[bool(keys & {str(x) for x in (areas or [])}) for areas in reg["areas"]]]
    if sel.empty:
        return None
    sub = dict(m, register=sel)
    table = _register_table(data, sub, L, with_count=False)
    return Chapter(
        key="massnahmen",
        title=t(_MSG, "sec_title", L),
        tables=(table,),
        notes=(LABEL[L][0].upper() + LABEL[L][1:] + ".",),
    )
