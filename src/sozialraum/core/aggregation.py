"""How each variable and indicator is combined at an upper level: the one home.

When areas are rolled up (Sozialraum → Gemeinde → Kreis, planning area → Bezirk
→ Stadt), every column needs its own rule. Summing a share gives nonsense
("Kreisdurchschnitt 1.694,4 %"), so the rule is part of the catalogue:

=================  ==============================================================
``aggregation``    what the upper-level value is
=================  ==============================================================
``sum``            the sum of the parts (counts: persons, households, cases)
``rate``           recomputed from the summed numerator and denominator
                   (indicators with a ``denominator``: never averaged)
``weighted_mean``  the mean of the parts weighted by a count variable that the
                   catalogue names (``aggregation_weight = "ew_ges"``): shares,
                   rates and means given as values
``none``           no upper-level value (left empty, status ``nicht_sinnvoll``)
=================  ==============================================================

Inference when the catalogue says nothing: an indicator with a denominator is a
``rate``; a variable (or pass-through indicator) whose unit is a share or rate
(``%``, ``‰``, ``Prozent``, ``je 1.000`` …) is a ``weighted_mean`` and needs
``aggregation_weight``; anything else is a count and is summed. A
``weighted_mean`` without a weight is *refused* at roll-up
(:func:`refuse_unweighted`) with a message that says what to add — it is never
summed.

Everything here works on plain mappings and pandas objects, so the catalogue
reader (``io``) and the roll-up (``join``) both use it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sozialraum._i18n import t
from sozialraum.core.numbers import is_missing
from sozialraum.errors import ConfigError, InputError

__all__ = [
    "METHODS",
    "AggregationRule",
    "is_share_unit",
    "resolve_rules",
    "rules_from_frames",
    "refuse_unweighted",
    "weighted_means",
]

#: The allowed values of the catalogue key ``aggregation``.
METHODS: tuple[str, ...] = ("sum", "rate", "weighted_mean", "none")

_MSG = {
    "method": {
        "de": '{file}: {what} {id!r}: aggregation = {value!r} ist ungültig; erlaubt sind "sum" '
        '(Anzahlen), "rate" (aus Zähler und Nenner), "weighted_mean" (gewichteter Mittelwert, '
        'mit aggregation_weight) und "none" (kein Wert auf höherer Ebene).',
        "en": '{file}: {what} {id!r}: aggregation = {value!r} is invalid; allowed are "sum" '
        '(counts), "rate" (from numerator and denominator), "weighted_mean" (with '
        'aggregation_weight) and "none" (no upper-level value).',
    },
    "weight_unknown": {
        "de": "{file}: {what} {id!r}: aggregation_weight = {value!r} ist keine Variable des "
        "Katalogs. Bitte eine Bevölkerungsvariable nennen (z. B. {example!r}).",
        "en": "{file}: {what} {id!r}: aggregation_weight = {value!r} is not a variable of the "
        "catalogue. Name a population variable (e.g. {example!r}).",
    },
    "weight_not_count": {
        "de": "{file}: {what} {id!r}: Gewicht {value!r} ist selbst kein Anzahl-Wert "
        '(aggregation = "sum"); als Gewicht taugt nur eine Anzahl wie Einwohner.',
        "en": "{file}: {what} {id!r}: weight {value!r} is not itself a count "
        '(aggregation = "sum"); only a count such as population can weight.',
    },
    "rate_no_den": {
        "de": '{file}: {what} {id!r}: aggregation = "rate" braucht Zähler und Nenner '
        "(numerator, denominator).",
        "en": '{file}: {what} {id!r}: aggregation = "rate" needs a numerator and a denominator.',
    },
    "rate_only": {
        "de": "{file}: Indikator {id!r} hat einen Nenner und wird auf höherer Ebene immer aus "
        'Zähler und Nenner neu berechnet; aggregation = {value!r} bitte entfernen oder "rate".',
        "en": "{file}: indicator {id!r} has a denominator and is always recomputed from numerator "
        'and denominator; remove aggregation = {value!r} or use "rate".',
    },
    "conflict": {
        "de": "{file}: Variable {var!r}: Variable und Indikator {id!r} geben verschiedene "
        "Regeln für die höhere Ebene an ({a} / {b}). Bitte nur eine angeben.",
        "en": "{file}: variable {var!r}: the variable and indicator {id!r} give different "
        "upper-level rules ({a} / {b}). Give only one.",
    },
    "refuse": {
        "de": "{id!r}{unit} ist ein Anteil, eine Quote oder ein Mittelwert und darf beim "
        "Zusammenfassen auf {level!r} nicht summiert werden. Bitte im Katalog{file} ergänzen: "
        'aggregation_weight = "<Bevölkerungsvariable>" (z. B. {example!r}) bei {where}, '
        "oder den Indikator aus Zähler und Nenner (numerator, denominator) bilden, "
        'oder aggregation = "none", wenn es dort keinen Wert geben soll.',
        "en": "{id!r}{unit} is a share, rate or mean and must not be summed when rolling up to "
        "{level!r}. Add to the catalogue{file}: "
        'aggregation_weight = "<population variable>" (e.g. {example!r}) to {where}, '
        "or build the indicator from a numerator and denominator, "
        'or aggregation = "none" if it should have no value there.',
    },
    "rate_part": {
        "de": "Indikator {id!r}: {role} {var!r} ist kein Anzahl-Wert (aggregation = {method!r}); "
        "aus ihm lässt sich auf {level!r} keine Quote neu berechnen. Bitte eine Anzahl als "
        "{role} verwenden.",
        "en": "indicator {id!r}: {role} {var!r} is not a count (aggregation = {method!r}); no "
        "rate can be recomputed from it at {level!r}. Use a count as {role}.",
    },
    "weight_missing": {
        "de": "{id!r} wird mit {weight!r} gewichtet, aber die Spalte {weight!r} fehlt in den "
        "Daten. Bitte die Bevölkerungsspalte mitliefern.",
        "en": "{id!r} is weighted by {weight!r}, but column {weight!r} is missing from the data. "
        "Supply the population column.",
    },
    "numerator": {"de": "Zähler", "en": "numerator"},
    "denominator": {"de": "Nenner", "en": "denominator"},
    "variable": {"de": "Variable", "en": "variable"},
    "indicator": {"de": "Indikator", "en": "indicator"},
}

_SHARE_UNIT = re.compile(
    r"^\s*(%|‰|‱|v\.?\s*h\.?|prozent|promille|percent|per\s*mille|anteil|quote|"
    r"(je|pro|per)\s+(100|1[.,\s]?000|10[.,\s]?000|100[.,\s]?000)\b.*)\s*$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class AggregationRule:
    """The upper-level rule of one variable or indicator.

    Attributes
    ----------
    method
        One of :data:`METHODS`.
    weight
        Variable id of the weight (``weighted_mean`` only), else ``None``.
    inferred
        ``True`` when the method was inferred from the unit / denominator
        rather than written in the catalogue.
    unit
        The unit the inference used (for messages).
    """

    method: str
    weight: str | None = None
    inferred: bool = True
    unit: str | None = None


def is_share_unit(unit: object) -> bool:
    """Whether a unit text names a share or rate (``%``, ``‰``, ``je 1.000`` …)."""
    return isinstance(unit, str) and bool(_SHARE_UNIT.match(unit))


def _blank(v: object) -> bool:
    return is_missing(v, blank_text=True)


def _text(v: object) -> str | None:
    return None if _blank(v) else str(v).strip()


def _err(key: str, lang, src: str, entry: str, **kw) -> ConfigError:
    return ConfigError(t(_MSG, key, lang, file=src, **kw), file=src, ids=[entry])


def _explicit(row: Mapping, *, what: str, entry: str, src: str, lang) -> str | None:
    m = _text(row.get("aggregation"))
    if m is None:
        return None
    m = m.lower()
    if m not in METHODS:
        raise _err("method", lang, src, entry, what=what, id=entry, value=row.get("aggregation"))
    return m


def _variable_rule(vid: str, row: Mapping, *, src: str, lang) -> AggregationRule | None:
    """Rule written at the variable itself, or inferred from its unit (None: no hint)."""
    what = t(_MSG, "variable", lang)
    method = _explicit(row, what=what, entry=vid, src=src, lang=lang)
    weight = _text(row.get("aggregation_weight"))
    unit = _text(row.get("unit"))
    if method == "rate":
        raise _err("rate_no_den", lang, src, vid, what=what, id=vid)
    if method is not None:
        return AggregationRule(method, weight if method == "weighted_mean" else None, False, unit)
    if weight is not None:
        return AggregationRule("weighted_mean", weight, False, unit)
    if is_share_unit(unit):
        return AggregationRule("weighted_mean", None, True, unit)
    return None


def _indicator_rule(iid: str, row: Mapping, *, src: str, lang) -> AggregationRule | None:
    what = t(_MSG, "indicator", lang)
    method = _explicit(row, what=what, entry=iid, src=src, lang=lang)
    weight = _text(row.get("aggregation_weight"))
    unit = _text(row.get("unit"))
    if _text(row.get("denominator")) is not None:
        if method not in (None, "rate", "none") or weight is not None:
            raise _err("rate_only", lang, src, iid, id=iid, value=method or weight)
        return AggregationRule(method or "rate", None, method is None, unit)
    if method == "rate":
        raise _err("rate_no_den", lang, src, iid, what=what, id=iid)
    if method is not None:
        return AggregationRule(method, weight if method == "weighted_mean" else None, False, unit)
    if weight is not None:
        return AggregationRule("weighted_mean", weight, False, unit)
    if is_share_unit(unit):
        return AggregationRule("weighted_mean", None, True, unit)
    return None


def _merge(var: str, own: AggregationRule | None, via: AggregationRule, iid, *, src, lang):
    """A variable's own rule and the rule of a pass-through indicator of it."""
    if own is None or (own.inferred and not via.inferred):
        return via
    if via.inferred or (own.method, own.weight) == (via.method, via.weight):
        return own
    a = f"{own.method}{'/' + own.weight if own.weight else ''}"
    b = f"{via.method}{'/' + via.weight if via.weight else ''}"
    raise _err("conflict", lang, src, var, var=var, id=iid, a=a, b=b)


def _check_weights(rules: Mapping[str, AggregationRule], kinds, variables, *, src, lang):
    example = next((v for v in variables if str(v).startswith("ew")), None) or "ew_ges"
    for rid, rule in rules.items():
        if rule.weight is None:
            continue
        what = t(_MSG, kinds[rid], lang)
        if rule.weight not in variables:
            raise _err(
                "weight_unknown",
                lang,
                src,
                rid,
                what=what,
                id=rid,
                value=rule.weight,
                example=example,
            )
        w_rule = rules.get(rule.weight)
        if w_rule is not None and w_rule.method != "sum":
            raise _err("weight_not_count", lang, src, rid, what=what, id=rid, value=rule.weight)


def resolve_rules(
    variables: Mapping[str, Mapping],
    indicators: Mapping[str, Mapping],
    *,
    source: str | None = None,
    lang: str | None = None,
) -> tuple[dict[str, AggregationRule], dict[str, AggregationRule]]:
    """The upper-level rule of every variable and indicator of a catalogue.

    Parameters
    ----------
    variables, indicators
        Catalogue entries (id → fields: ``unit``, ``numerator``, ``denominator``,
        optional ``aggregation`` and ``aggregation_weight``).
    source
        The catalogue file, for messages.
    lang
        Message language.

    Returns
    -------
    (variable rules, indicator rules)
        A pass-through indicator (no denominator) and its variable share one
        rule: written at either of them, or inferred from either unit.

    Raises
    ------
    ConfigError
        An unknown ``aggregation`` value, a weight that is not a count variable of
        the catalogue, ``rate`` without denominator, or conflicting rules; the
        message names the file, the entry and the key.
    """
    src = source or "Katalog"
    vrules = {
        str(v): _variable_rule(str(v), row, src=src, lang=lang) for v, row in variables.items()
    }
    irules: dict[str, AggregationRule] = {}
    for iid, row in indicators.items():
        rule = _indicator_rule(str(iid), row, src=src, lang=lang)
        num = _text(row.get("numerator"))
        if rule is not None and rule.method == "rate":
            irules[str(iid)] = rule
            continue
        if num is not None and _text(row.get("denominator")) is None:
            if rule is not None:
                vrules[num] = _merge(num, vrules.get(num), rule, iid, src=src, lang=lang)
            rule = vrules.get(num)
        irules[str(iid)] = rule or AggregationRule("sum")
    vout = {
        v: (r or AggregationRule("sum", None, True, _text(variables[v].get("unit"))))
        for v, r in vrules.items()
    }
    for iid, row in indicators.items():
        num = _text(row.get("numerator"))
        if irules[str(iid)].method != "rate" and num in vout:
            irules[str(iid)] = vout[num]
    kinds = {**{v: "variable" for v in vout}, **{i: "indicator" for i in irules}}
    _check_weights({**vout, **irules}, kinds, set(vout), src=src, lang=lang)
    return vout, irules


def rules_from_frames(
    variables: pd.DataFrame | None, indicators: pd.DataFrame | None, *, lang: str | None = None
) -> tuple[dict[str, AggregationRule], dict[str, AggregationRule]]:
    """:func:`resolve_rules` for the frames of ``Catalogue.variables`` / ``.indicators``.

    Frames without the columns ``aggregation`` / ``aggregation_weight`` (a hand-made
    indicator table) are resolved from ``unit`` and ``denominator`` alone.
    """

    def rows(frame):
        if frame is None:
            return {}
        return {str(k): r.to_dict() for k, r in frame.iterrows()}

    vrows = rows(variables)
    if variables is None and indicators is not None:
        # a catalogue's indicator table carries its variables' rules (io.catalogue)
        vrows = {str(k): dict(v) for k, v in indicators.attrs.get("variable_rules", {}).items()}

    src = None
    for frame in (indicators, variables):
        if frame is not None and frame.attrs.get("source"):
            src = frame.attrs["source"]
            break
    irows = rows(indicators)
    for row in irows.values():  # variables a hand-made indicator table names
        for key in ("numerator", "denominator", "aggregation_weight"):
            if _text(row.get(key)) is not None:
                vrows.setdefault(_text(row.get(key)), {})
    return resolve_rules(vrows, irows, source=src, lang=lang)


def refuse_unweighted(
    column: str,
    rule: AggregationRule,
    *,
    level: str,
    where: str,
    example: str = "ew_ges",
    source: str | None = None,
    lang: str | None = None,
) -> InputError:
    """The error for a share/mean without weight at roll-up (returned, to be raised)."""
    unit = f" ({rule.unit})" if rule.unit else ""
    file = f" ({source})" if source else ""
    return InputError(
        t(
            _MSG,
            "refuse",
            lang,
            id=column,
            unit=unit,
            level=level,
            file=file,
            example=example,
            where=where,
        ),
        file=source,
        column=column,
    )


def refuse_rate_part(iid: str, role: str, var: str, method: str, *, level: str, lang=None):
    """The error for a rate whose numerator or denominator is not a count."""
    return InputError(
        t(
            _MSG,
            "rate_part",
            lang,
            id=iid,
            role=t(_MSG, role, lang),
            var=var,
            method=method,
            level=level,
        ),
        column=iid,
    )


def weight_missing(column: str, weight: str, *, lang: str | None = None) -> InputError:
    """The error for a weighted column whose weight column is absent."""
    return InputError(t(_MSG, "weight_missing", lang, id=column, weight=weight), column=weight)


def weighted_means(
    values: pd.DataFrame, weights: pd.DataFrame, groups: np.ndarray
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Weighted mean per group over the parts where value and weight are known.

    Parameters
    ----------
    values
        One column per variable (NaN = unknown).
    weights
        Same shape: the weight of each part for that column (NaN = unknown).
    groups
        Group label per row.

    Returns
    -------
    (means, used)
        ``sum(w·x) / sum(w)`` over the parts with known ``x`` and ``w > 0``
        (NaN where there is none), and the bool frame of parts used.
    """
    used = values.notna() & weights.notna() & (weights > 0)
    w = weights.where(used, 0.0)
    num = (values.where(used, 0.0) * w).groupby(groups).sum()
    den = w.groupby(groups).sum()
    return num.div(den.where(den > 0)), used
