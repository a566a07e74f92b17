"""Priority areas (Förderkulisse): rule-based selection, allocation key, reasons, sensitivity.

An area enters the Förderkulisse when

* its **status class** is one of ``status_classes`` (e.g. "sehr niedrig"), and/or
  (``combine``: ``"oder"``/``"und"``)
* its **deficit** column reaches ``deficit_threshold`` (e.g. Kinderarmut ≥ 30 %),
  where the deficit counts only if its **certainty** (a column ``<deficit>_sicherheit``,
  0–1, used where it exists) is at least ``min_certainty``,

and it has at least ``min_population`` inhabitants. An area that meets the need rule
but is smaller is **flagged** ("Prüffall: unter der Mindestgröße"), not ranked: with
380 inhabitants a rate swings by chance, and a small area must not silently come
first.

The **allocation key** shares a budget over the selected areas in proportion to
population × need weight (``weights`` per status class; default: "sehr niedrig" 2,
"niedrig" 1.5, otherwise 1)::

    anteil_i = ew_i · w_i / Σ_j ew_j · w_j        betrag_i = anteil_i · budget

The **sensitivity** moves each threshold one step (one status class more or fewer,
the deficit threshold ± ``deficit_step``, the minimum population ±
``population_step``) and lists the areas that enter or leave the Förderkulisse.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from sozialraum._i18n import get_lang, t
from sozialraum.core.doors import knob
from sozialraum.core.numbers import format_number
from sozialraum.errors import ConfigError
from sozialraum.monitor.mss import STATUS_CLASS_NAMES

__all__ = [
    "PriorityRules",
    "PriorityResult",
    "select_priority_areas",
    "allocation_key",
    "sensitivity",
    "CERTAINTY_SUFFIX",
    "RESULT_COLUMNS",
]

#: Suffix of the optional certainty column of a deficit column (values 0–1).
CERTAINTY_SUFFIX = "_sicherheit"

#: Columns the selection adds to an area frame.
RESULT_COLUMNS = (
    "prio_kulisse",
    "prio_pruefen",
    "prio_gewicht",
    "prio_anteil",
    "prio_betrag",
    "prio_rang",
    "prio_gruende",
)

_DEFAULT_WEIGHTS = {3: 2.0, 2: 1.5}  # class position (0 = hoch … 3 = sehr niedrig) → weight

_MSG = {
    "cls": {"de": "Statusklasse {c}", "en": "status class {c}"},
    "cls_no": {
        "de": "Statusklasse {c} (nicht in {want})",
        "en": "status class {c} (not in {want})",
    },
    "cls_none": {"de": "keine Statusklasse", "en": "no status class"},
    "def_yes": {"de": "{label} {v} ≥ {thr}", "en": "{label} {v} ≥ {thr}"},
    "def_no": {"de": "{label} {v} < {thr}", "en": "{label} {v} < {thr}"},
    "def_yes_low": {"de": "{label} {v} ≤ {thr}", "en": "{label} {v} ≤ {thr}"},
    "def_no_low": {"de": "{label} {v} > {thr}", "en": "{label} {v} > {thr}"},
    "def_none": {"de": "{label}: kein Wert", "en": "{label}: no value"},
    "unsure": {
        "de": "Sicherheit {s} < {min}: {label} nicht gewertet",
        "en": "certainty {s} < {min}: {label} not counted",
    },
    "pop_ok": {"de": "{n} Einwohner ≥ {min}", "en": "{n} inhabitants ≥ {min}"},
    "pop_small": {
        "de": "{n} Einwohner < {min}: Prüffall (unter der Mindestgröße, nicht gereiht)",
        "en": "{n} inhabitants < {min}: to be reviewed (below the minimum size, not ranked)",
    },
    "bad_class": {
        "de": "{knob}: {c!r} ist keine Statusklasse (erlaubt: {have}).",
        "en": "{knob}: {c!r} is not a status class (allowed: {have}).",
    },
    "no_column": {
        "de": "{knob} = {col!r}: diese Spalte gibt es nicht (vorhanden z. B.: {have}).",
        "en": "{knob} = {col!r}: no such column (e.g.: {have}).",
    },
    "no_rule": {
        "de": "Förderkulisse: weder {classes} noch {deficit} angegeben – keine Regel, kein Gebiet.",
        "en": "priority areas: neither {classes} nor {deficit} given – no rule, no area.",
    },
    "v_cls_more": {"de": "eine Statusklasse mehr ({c})", "en": "one status class more ({c})"},
    "v_cls_less": {
        "de": "eine Statusklasse weniger (ohne {c})",
        "en": "one status class fewer (without {c})",
    },
    "v_def": {"de": "Schwelle {label} {thr}", "en": "threshold {label} {thr}"},
    "v_pop": {"de": "Mindesteinwohner {n}", "en": "minimum population {n}"},
}


@dataclass(frozen=True)
class PriorityRules:
    """The rules of the Förderkulisse (``[prioritaet]`` of the run; see the module docstring).

    Attributes
    ----------
    status_classes
        Status classes that qualify (German or English class names).
    deficit_column, deficit_threshold, deficit_above
        A deficit column and its threshold (``deficit_above``: a value at or above
        the threshold is a deficit; ``False``: at or below).
    combine
        ``"oder"`` (either rule) or ``"und"`` (both).
    min_certainty
        Minimum of ``<deficit_column>_sicherheit`` where that column exists.
    min_population, population_column
        Minimum population and its column.
    weights
        Need weight per status class (class name → weight).
    budget
        Amount to allocate (``None``: shares only).
    deficit_step, population_step
        One step of the sensitivity (default: 10 % of the threshold; 100 inhabitants).
    class_column
        Column of the status classes.
    deficit_label
        Label of the deficit in the reasons (default: the column name).
    """

    status_classes: tuple[str, ...] = ("sehr niedrig",)
    deficit_column: str | None = None
    deficit_threshold: float | None = None
    deficit_above: bool = True
    combine: str = "oder"
    min_certainty: float | None = None
    min_population: float = 0.0
    population_column: str = "ew_ges"
    weights: Mapping[str, float] = field(default_factory=dict)
    budget: float | None = None
    deficit_step: float | None = None
    population_step: float = 100.0
    class_column: str = "status_klasse"
    deficit_label: str = ""


@dataclass(frozen=True)
class PriorityResult:
    """Result of :func:`select_priority_areas`.

    Attributes
    ----------
    frame
        Per area (index = area key): ``prio_kulisse`` (in the Förderkulisse),
        ``prio_pruefen`` (meets the need rule but is below the minimum population),
        ``prio_gewicht``, ``prio_anteil`` (share of the allocation key, 0–1),
        ``prio_betrag`` (share × budget; NaN without budget), ``prio_rang`` (1 = largest
        share), ``prio_gruende`` (reasons, "; "-separated).
    sensitivity
        One row per variant: ``variante``, ``aenderung`` (text), ``neu`` and
        ``heraus`` (lists of area keys).
    rules
        The rules applied.
    """

    frame: pd.DataFrame
    sensitivity: pd.DataFrame
    rules: PriorityRules

    @property
    def selected(self) -> list[str]:
        f = self.frame
        return list(f.index[f["prio_kulisse"]].sort_values(key=lambda i: f.loc[i, "prio_rang"]))

    @property
    def flagged(self) -> list[str]:
        return list(self.frame.index[self.frame["prio_pruefen"]])


def _class_pos(value) -> int | None:
    """Position of a status class name (0 = hoch … 3 = sehr niedrig) in either language."""
    if not isinstance(value, str):
        return None
    v = value.strip().lower()
    for names in STATUS_CLASS_NAMES.values():
        if v in names:
            return names.index(v)
    return None


def _check(rules: PriorityRules, areas: pd.DataFrame, L: str) -> None:
    have = ", ".join(map(str, list(areas.columns)[:8]))
    for c in rules.status_classes:
        if _class_pos(c) is None:
            have_cls = ", ".join(STATUS_CLASS_NAMES[L])
            raise ConfigError(
                t(_MSG, "bad_class", L, knob=knob("priority_classes", L), c=c, have=have_cls)
            )
    for name, col in (
        ("priority_deficit", rules.deficit_column),
        ("priority_population", rules.population_column),
    ):
        if col and col not in areas.columns:
            raise ConfigError(t(_MSG, "no_column", L, knob=knob(name, L), col=col, have=have))
    if rules.status_classes and rules.class_column not in areas.columns:
        k = knob("priority_class_column", L)
        raise ConfigError(t(_MSG, "no_column", L, knob=k, col=rules.class_column, have=have))
    if not rules.status_classes and not rules.deficit_column:
        raise ConfigError(
            t(
                _MSG,
                "no_rule",
                L,
                classes=knob("priority_classes", L),
                deficit=knob("priority_deficit", L),
            )
        )


def _weight(rules: PriorityRules, pos: int | None) -> float:
    for name, w in rules.weights.items():
        if _class_pos(name) == pos and pos is not None:
            return float(w)
    return _DEFAULT_WEIGHTS.get(pos, 1.0) if pos is not None else 1.0


def _num(x, d: int, L: str) -> str:
    return format_number(x, d, L)


def _decimals(x: float) -> int:
    return 0 if float(x).is_integer() else 1


def _need(rules: PriorityRules, row: Mapping, L: str) -> tuple[bool, list[str]]:
    """Whether the need rule holds for one area, with its reasons."""
    reasons, hits = [], []
    want = {_class_pos(c) for c in rules.status_classes}
    if rules.status_classes:
        cls = row.get(rules.class_column)
        pos = _class_pos(cls)
        if pos is None:
            reasons.append(t(_MSG, "cls_none", L))
        elif pos in want:
            reasons.append(t(_MSG, "cls", L, c=cls))
        else:
            reasons.append(t(_MSG, "cls_no", L, c=cls, want="/".join(rules.status_classes)))
        hits.append(pos in want)
    if rules.deficit_column and rules.deficit_threshold is not None:
        hits.append(_deficit(rules, row, L, reasons))
    ok = all(hits) if rules.combine == "und" else any(hits)
    return ok, reasons


def _deficit(rules: PriorityRules, row: Mapping, L: str, reasons: list[str]) -> bool:
    label = rules.deficit_label or rules.deficit_column
    v = pd.to_numeric(row.get(rules.deficit_column), errors="coerce")
    thr = float(rules.deficit_threshold)
    if v is None or (isinstance(v, float) and math.isnan(v)):
        reasons.append(t(_MSG, "def_none", L, label=label))
        return False
    hit = v >= thr if rules.deficit_above else v <= thr
    key = ("def_yes" if hit else "def_no") + ("" if rules.deficit_above else "_low")
    d = max(_decimals(thr), 1 if not float(v).is_integer() else 0)
    reasons.append(t(_MSG, key, L, label=label, v=_num(v, d, L), thr=_num(thr, _decimals(thr), L)))
    sure_col = rules.deficit_column + CERTAINTY_SUFFIX
    s = pd.to_numeric(row.get(sure_col), errors="coerce") if sure_col in row else float("nan")
    if hit and rules.min_certainty is not None and not math.isnan(s) and s < rules.min_certainty:
        reasons.append(
            t(_MSG, "unsure", L, s=_num(s, 2, L), min=_num(rules.min_certainty, 2, L), label=label)
        )
        return False
    return bool(hit)


def select_priority_areas(
    areas: pd.DataFrame,
    rules: PriorityRules,
    *,
    lang: str | None = None,
    with_sensitivity: bool = True,
) -> PriorityResult:
    """Select the Förderkulisse by ``rules`` and compute the allocation key.

    Parameters
    ----------
    areas
        One row per area (index = key) with the class, deficit, certainty and
        population columns the rules name.
    rules
        :class:`PriorityRules`.
    """
    L = get_lang(lang)
    _check(rules, areas, L)
    pop = (
        pd.to_numeric(areas[rules.population_column], errors="coerce")
        if rules.population_column in areas
        else pd.Series(np.nan, index=areas.index)
    )
    rows = []
    for key, row in areas.iterrows():
        need, reasons = _need(rules, row, L)
        n = pop.get(key)
        small = bool(rules.min_population) and (
            n is None or math.isnan(n) or n < rules.min_population
        )
        if rules.min_population and need:
            msg = "pop_small" if small else "pop_ok"
            reasons.append(t(_MSG, msg, L, n=_num(n, 0, L), min=_num(rules.min_population, 0, L)))
        pos = _class_pos(row.get(rules.class_column)) if rules.class_column in areas else None
        rows.append(
            {
                "key": key,
                "prio_kulisse": need and not small,
                "prio_pruefen": need and small,
                "prio_gewicht": _weight(rules, pos),
                "prio_gruende": "; ".join(reasons),
            }
        )
    out = pd.DataFrame(rows).set_index("key")
    out.index.name = areas.index.name
    share = allocation_key(
        pop.where(out["prio_kulisse"]), out["prio_gewicht"].where(out["prio_kulisse"])
    )
    out["prio_anteil"] = share
    out["prio_betrag"] = share * rules.budget if rules.budget is not None else np.nan
    out["prio_rang"] = share.rank(ascending=False, method="min")
    out = out[list(RESULT_COLUMNS)]
    sens = (
        sensitivity(areas, rules, out, lang=L)
        if with_sensitivity
        else pd.DataFrame(columns=["variante", "aenderung", "neu", "heraus"])
    )
    return PriorityResult(out, sens, rules)


def allocation_key(population: pd.Series, weights: pd.Series) -> pd.Series:
    """Shares ``ew_i · w_i / Σ ew_j · w_j`` (NaN where population or weight is missing).

    Example
    -------
    >>> import pandas as pd
    >>> allocation_key(pd.Series([1000, 500]), pd.Series([2.0, 1.0])).round(3).tolist()
    [0.8, 0.2]
    """
    p = pd.to_numeric(population, errors="coerce").astype(float)
    w = pd.to_numeric(weights, errors="coerce").astype(float).reindex(p.index)
    prod = p * w
    total = prod.sum(skipna=True)
    if not total or math.isnan(total):
        return prod * np.nan
    return prod / total


def _variants(rules: PriorityRules, L: str) -> list[tuple[str, str, PriorityRules]]:
    out = []
    pos = sorted({_class_pos(c) for c in rules.status_classes})
    names = STATUS_CLASS_NAMES[L]
    if pos:
        if min(pos) > 0:  # one better class joins
            c = names[min(pos) - 1]
            out.append(
                (
                    "klasse+",
                    t(_MSG, "v_cls_more", L, c=c),
                    replace(rules, status_classes=(*rules.status_classes, c)),
                )
            )
        if len(pos) > 1:  # the best of the chosen classes leaves
            drop = min(pos)
            keep = tuple(c for c in rules.status_classes if _class_pos(c) != drop)
            out.append(
                (
                    "klasse-",
                    t(_MSG, "v_cls_less", L, c=names[drop]),
                    replace(rules, status_classes=keep),
                )
            )
    if rules.deficit_column and rules.deficit_threshold is not None:
        thr = float(rules.deficit_threshold)
        step = rules.deficit_step if rules.deficit_step is not None else (abs(thr) * 0.1 or 1.0)
        label = rules.deficit_label or rules.deficit_column
        for sign in (-1, 1):
            new = thr + sign * step
            d = max(_decimals(new), _decimals(step))
            out.append(
                (
                    f"defizit{'+' if sign > 0 else '-'}",
                    t(_MSG, "v_def", L, label=label, thr=_num(new, d, L)),
                    replace(rules, deficit_threshold=new),
                )
            )
    if rules.min_population:
        for sign in (-1, 1):
            new = max(0.0, rules.min_population + sign * rules.population_step)
            out.append(
                (
                    f"mindest{'+' if sign > 0 else '-'}",
                    t(_MSG, "v_pop", L, n=_num(new, 0, L)),
                    replace(rules, min_population=new),
                )
            )
    return out


def sensitivity(
    areas: pd.DataFrame,
    rules: PriorityRules,
    base: pd.DataFrame | None = None,
    *,
    lang: str | None = None,
) -> pd.DataFrame:
    """Areas entering (``neu``) and leaving (``heraus``) when each threshold moves one step."""
    L = get_lang(lang)
    if base is None:
        base = select_priority_areas(areas, rules, lang=L, with_sensitivity=False).frame
    now = set(base.index[base["prio_kulisse"]])
    rows = []
    for key, text, r in _variants(rules, L):
        f = select_priority_areas(areas, r, lang=L, with_sensitivity=False).frame
        other = set(f.index[f["prio_kulisse"]])
        order = list(areas.index)
        rows.append(
            {
                "variante": key,
                "aenderung": text,
                "neu": [a for a in order if a in other - now],
                "heraus": [a for a in order if a in now - other],
            }
        )
    return pd.DataFrame(rows, columns=["variante", "aenderung", "neu", "heraus"])
