"""Effect view of the measures register: before/after with a comparison group.

For each target indicator of a measure::

    Δ_M = mean(post) − mean(pre)  over the areas with the measure
    Δ_V = mean(post) − mean(pre)  over the comparison areas
    Differenz = Δ_M − Δ_V          (difference in differences of unweighted means)

This is **descriptive, not causal** ("beschreibend, nicht kausal"): areas were not
assigned at random, other things changed at the same time, and small areas have
noisy rates. Every result carries this label.

Comparison areas (``comparison``):

* ``"all"`` — every area of the measure's version without this measure and without
  another measure that shares a target indicator and overlaps in time;
* ``"similar"`` — from that pool, per target indicator and per area with the
  measure, the ``k`` areas whose value in the year before is closest (union);
* a list of area keys.

Areas without a number in either year are left out (counted in ``n_*_ohne_wert``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sozialraum._i18n import get_lang, t
from sozialraum.errors import InputError, format_ids

__all__ = ["EffectResult", "measure_effect", "did_means", "LABEL"]

LABEL = {"de": "beschreibend, nicht kausal", "en": "descriptive, not causal"}

_MSG = {
    "no_measure": {
        "de": "Die Maßnahme {id!r} gibt es nicht (vorhanden: {have}).",
        "en": "measure {id!r} does not exist (present: {have}).",
    },
    "no_pre": {
        "de": "Maßnahme {id!r} (Beginn {start}): kein Jahr mit Werten vor dem Beginn (Jahre: {years}). "
        "Bitte pre= angeben.",
        "en": "measure {id!r} (start {start}): no year with values before the start (years: {years}). "
        "Pass pre=.",
    },
    "bad_years": {
        "de": "Vorher-Jahr {pre} muss vor dem Nachher-Jahr {post} liegen.",
        "en": "the before year {pre} must precede the after year {post}.",
    },
    "no_comparison": {
        "de": "Maßnahme {id!r}: keine Vergleichsgebiete ohne die Maßnahme.",
        "en": "measure {id!r}: no comparison areas without the measure.",
    },
    "comparison": {
        "de": "Unbekannter Vergleich {c!r}: 'all', 'similar' oder eine Liste von Gebieten.",
        "en": "unknown comparison {c!r}: 'all', 'similar' or a list of areas.",
    },
    "better": {"de": "günstiger als im Vergleich", "en": "better than the comparison"},
    "worse": {"de": "ungünstiger als im Vergleich", "en": "worse than the comparison"},
    "same": {"de": "wie im Vergleich", "en": "as in the comparison"},
    "unknown_dir": {"de": "Richtung unbekannt", "en": "direction unknown"},
    "note": {
        "de": "Beschreibend, nicht kausal: Vorher-Nachher-Vergleich der ungewichteten Mittelwerte "
        "der Gebiete mit der Maßnahme gegenüber Vergleichsgebieten ohne sie (Differenz der "
        "Differenzen). Die Gebiete wurden nicht zufällig ausgewählt; andere Einflüsse und "
        "Zufallsschwankungen kleiner Gebiete sind nicht herausgerechnet.",
        "en": "Descriptive, not causal: before/after comparison of the unweighted means of the "
        "areas with the measure against comparison areas without it (difference in "
        "differences). Areas were not chosen at random; other influences and random variation "
        "of small areas are not removed.",
    },
}


@dataclass(frozen=True)
class EffectResult:
    """Result of :func:`measure_effect`.

    Attributes
    ----------
    frame
        One row per target indicator: ``label, vorher, nachher, n_massnahme,
        n_vergleich, n_massnahme_ohne_wert, n_vergleich_ohne_wert, massnahme_vorher,
        massnahme_nachher, massnahme_veraenderung, vergleich_vorher, vergleich_nachher,
        vergleich_veraenderung, differenz, bewertung, hinweis`` (``hinweis`` = "beschreibend,
        nicht kausal").
    params
        measure, years, comparison rule, areas used.
    note
        The full caveat text for reports.
    """

    frame: pd.DataFrame
    params: dict
    note: str


def did_means(pre_t, post_t, pre_c, post_c) -> dict:
    """Difference in differences of means (NaN-free inputs).

    Returns the means, the changes and ``differenz = (post_t − pre_t) − (post_c − pre_c)``.
    """
    m = {
        "massnahme_vorher": float(np.mean(pre_t)),
        "massnahme_nachher": float(np.mean(post_t)),
        "vergleich_vorher": float(np.mean(pre_c)),
        "vergleich_nachher": float(np.mean(post_c)),
    }
    m["massnahme_veraenderung"] = m["massnahme_nachher"] - m["massnahme_vorher"]
    m["vergleich_veraenderung"] = m["vergleich_nachher"] - m["vergleich_vorher"]
    m["differenz"] = m["massnahme_veraenderung"] - m["vergleich_veraenderung"]
    return m


def _series(atlas, year, version, target, cat, min_denominator):
    if cat is not None and target in cat.indicators.index:
        sel = atlas.indicators(
            year, version=version, indicators=[target], min_denominator=min_denominator
        )
    else:
        sel = atlas.values(year, version=version, variables=[target])
    return sel.frame[target].astype(float)


def measure_effect(
    atlas,
    measure_id: str,
    *,
    pre: int | None = None,
    post: int | None = None,
    comparison: str | Sequence[str] = "all",
    k: int = 5,
    min_denominator: float = 0,
) -> EffectResult:
    """Before/after change of a measure's target indicators against comparison areas.

    Parameters
    ----------
    atlas
        An open :class:`~sozialraum.atlas.Atlas`.
    measure_id
        The measure.
    pre, post
        Years compared; default: the last year with values before the measure's
        start year, and the latest year with values.
    comparison
        ``"all"``, ``"similar"`` (``k`` nearest by the value before, per area) or a
        list of area keys (see module docstring).
    min_denominator
        Passed to the rate computation (rates on fewer get status ``nenner_klein`` but
        keep their value).
    """
    L = get_lang(atlas.lang)
    reg = atlas.measures()
    if measure_id not in reg.index:
        raise InputError(t(_MSG, "no_measure", L, id=measure_id, have=", ".join(reg.index) or "—"))
    m = reg.loc[measure_id]
    version = m["version"]
    treated = [str(a) for a in m["areas"]]
    pre, post = _years(atlas, m, measure_id, pre, post, L)
    pool = _comparison_pool(atlas, reg, measure_id, comparison, treated, pre, post, L)
    cat = atlas.catalogue()
    labels = cat.labels(L) if cat is not None else {}
    rows, used = [], {}
    for target in m["targets"]:
        before = _series(atlas, pre, version, target, cat, min_denominator)
        after = _series(atlas, post, version, target, cat, min_denominator)
        ok = before.notna() & after.notna()
        t_ok = [a for a in treated if ok.get(a, False)]
        c_all = _similar(pool, ok, before, t_ok, k) if comparison == "similar" else pool
        c_ok = [a for a in c_all if ok.get(a, False)]
        used[target] = {"massnahme": t_ok, "vergleich": c_ok}
        row = {
            "label": labels.get(target, target),
            "vorher": pre,
            "nachher": post,
            "n_massnahme": len(t_ok),
            "n_vergleich": len(c_ok),
            "n_massnahme_ohne_wert": len(treated) - len(t_ok),
            "n_vergleich_ohne_wert": len(c_all) - len(c_ok),
        }
        if t_ok and c_ok:
            row.update(did_means(before[t_ok], after[t_ok], before[c_ok], after[c_ok]))
        else:
            row.update(dict.fromkeys(_DID_COLUMNS, np.nan))
        row["bewertung"] = _rating(cat, target, row["differenz"], L)
        row["hinweis"] = LABEL[L]
        rows.append(pd.Series(row, name=target))
    frame = pd.DataFrame(rows)[_COLUMNS]
    frame.index.name = "indikator"
    params = {
        "measure": measure_id,
        "name": m["name"],
        "version": version,
        "pre": pre,
        "post": post,
        "comparison": comparison if isinstance(comparison, str) else "list",
        "k": k,
        "areas": used,
        "method": "difference in differences of unweighted means",
        "label": LABEL[L],
    }
    return EffectResult(frame=frame, params=params, note=t(_MSG, "note", L))


_DID_COLUMNS = (
    "massnahme_vorher",
    "massnahme_nachher",
    "vergleich_vorher",
    "vergleich_nachher",
    "massnahme_veraenderung",
    "vergleich_veraenderung",
    "differenz",
)

_COLUMNS = [
    "label",
    "vorher",
    "nachher",
    "n_massnahme",
    "n_vergleich",
    "n_massnahme_ohne_wert",
    "n_vergleich_ohne_wert",
    "massnahme_vorher",
    "massnahme_nachher",
    "massnahme_veraenderung",
    "vergleich_vorher",
    "vergleich_nachher",
    "vergleich_veraenderung",
    "differenz",
    "bewertung",
    "hinweis",
]


def _years(atlas, m, measure_id: str, pre, post, L: str) -> tuple[int, int]:
    """The years compared: given, or the last year before the start and the latest year."""
    years = atlas.years()
    start_year = int(str(m["start_date"])[:4])
    if pre is None:
        before = [y for y in years if y < start_year]
        if not before:
            raise InputError(
                t(
                    _MSG,
                    "no_pre",
                    L,
                    id=measure_id,
                    start=m["start_date"],
                    years=", ".join(map(str, years)) or "—",
                )
            )
        pre = before[-1]
    if post is None:
        post = years[-1]
    pre, post = int(pre), int(post)
    if pre >= post:
        raise InputError(t(_MSG, "bad_years", L, pre=pre, post=post))
    return pre, post


def _comparison_pool(atlas, reg, measure_id, comparison, treated, pre, post, L) -> list[str]:
    """Areas the measure's areas are compared with (see the module docstring)."""
    m = reg.loc[measure_id]
    version = m["version"]
    all_keys = list(atlas.areas(version).index)
    # pool: no this measure, no other measure sharing a target that overlaps [start, post]
    excluded = set(treated)
    for oid, o in reg.iterrows():
        if oid == measure_id or o["version"] != version:
            continue
        if not set(o["targets"]) & set(m["targets"]):
            continue
        o_end = (
            int(str(o["end_date"])[:4])
            if isinstance(o["end_date"], str) and o["end_date"]
            else 9999
        )
        if int(str(o["start_date"])[:4]) <= post and o_end >= pre:
            excluded |= {str(a) for a in o["areas"]}
    if isinstance(comparison, str):
        if comparison not in ("all", "similar"):
            raise InputError(t(_MSG, "comparison", L, c=comparison))
        pool = [a for a in all_keys if a not in excluded]
    else:
        pool = [str(a) for a in comparison]
        unknown = [a for a in pool if a not in all_keys]
        if unknown:
            raise InputError(format_ids(unknown), ids=unknown)
        pool = [a for a in pool if a not in set(treated)]
    if not pool:
        raise InputError(t(_MSG, "no_comparison", L, id=measure_id))
    return pool


def _similar(pool, ok, before, t_ok, k: int) -> list[str]:
    """The ``k`` comparison areas nearest by the value before, per measure area."""
    cand = [a for a in pool if ok.get(a, False)]
    chosen: set[str] = set()
    for a in t_ok:
        d = (before[cand] - before[a]).abs().sort_values(kind="stable")
        chosen |= set(d.index[:k])
    return [a for a in cand if a in chosen]


def _rating(cat, target: str, d, L: str) -> str:
    """Wording of the difference by the indicator's direction (better/worse/same)."""
    direction = None
    if cat is not None and target in cat.indicators.index:
        direction = cat.indicators.loc[target].get("direction")
    if direction not in ("need", "resource") or pd.isna(d):
        return t(_MSG, "unknown_dir", L)
    if abs(d) < 1e-12:
        return t(_MSG, "same", L)
    good = d < 0 if direction == "need" else d > 0
    return t(_MSG, "better" if good else "worse", L)
