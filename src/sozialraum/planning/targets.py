"""A measure's target (Zielwert) and the progress toward it.

A measure of the register (:mod:`sozialraum.atlas.measures`) may carry one target:
an indicator of the catalogue, a target value and date, a status
(:data:`MEASURE_STATUS`) and the responsible body (Träger).

Progress is the share of the way from the value at the start (baseline, the last
year before the measure began) to the target that the current value has gone::

    Fortschritt = (aktuell − ausgang) / (ziel − ausgang)

1 (100 %) = target reached, more = beyond it, below 0 = moved away from it. It is
a plain description of the area's values, not an effect of the measure: for that
see the comparison with other areas (:mod:`sozialraum.atlas.effect`, "nicht kausal").
"""

from __future__ import annotations

import datetime as _dt
import math
from dataclasses import dataclass

from sozialraum._i18n import get_lang, t
from sozialraum.errors import InputError

__all__ = ["MEASURE_STATUS", "MeasureTarget", "Progress", "target_progress", "check_status"]

#: Status of a measure, in order.
MEASURE_STATUS = ("geplant", "laufend", "abgeschlossen", "abgebrochen")

_MSG = {
    "status": {
        "de": "{where}: Status {value!r} ist unbekannt; erlaubt: geplant, laufend, abgeschlossen, "
        "abgebrochen.",
        "en": "{where}: status {value!r} is unknown; allowed: geplant, laufend, abgeschlossen, "
        "abgebrochen.",
    },
    "date": {
        "de": "{where}: Zieldatum {value!r} ist kein Datum (JJJJ-MM-TT).",
        "en": "{where}: target date {value!r} is not a date (YYYY-MM-DD).",
    },
    "reached": {"de": "Ziel erreicht", "en": "target reached"},
    "on_way": {"de": "{pct} % des Wegs zum Ziel", "en": "{pct} % of the way to the target"},
    "away": {"de": "vom Ziel entfernt", "en": "moved away from the target"},
    "no_value": {"de": "kein Wert", "en": "no value"},
}


def check_status(value: str, where: str, lang: str | None = None) -> str:
    """``value`` if it is a status of :data:`MEASURE_STATUS` (case-insensitive), else an error."""
    v = str(value or "").strip().lower()
    if v not in MEASURE_STATUS:
        raise InputError(t(_MSG, "status", get_lang(lang), where=where, value=value))
    return v


def check_date(value, where: str, lang: str | None = None) -> str | None:
    """An ISO date text (``None`` when empty), else an error naming ``where``."""
    if value is None or str(value).strip() == "":
        return None
    s = str(value).strip()[:10]
    try:
        return _dt.date.fromisoformat(s).isoformat()
    except ValueError:
        raise InputError(t(_MSG, "date", get_lang(lang), where=where, value=value)) from None


@dataclass(frozen=True)
class MeasureTarget:
    """The target of a measure (all but ``measure_id`` optional)."""

    measure_id: str
    indicator: str | None = None
    value: float | None = None
    date: str | None = None
    status: str = "laufend"
    responsible: str = ""


@dataclass(frozen=True)
class Progress:
    """Progress of one area group toward a target (see the module docstring)."""

    baseline: float
    current: float
    target: float
    share: float
    reached: bool

    def text(self, lang: str | None = None) -> str:
        L = get_lang(lang)
        if math.isnan(self.share):
            return t(_MSG, "no_value", L)
        if self.reached:
            return t(_MSG, "reached", L)
        if self.share < 0:
            return t(_MSG, "away", L)
        return t(_MSG, "on_way", L, pct=round(100 * self.share))


def target_progress(baseline: float, current: float, target: float) -> Progress:
    """Progress from ``baseline`` toward ``target`` (NaN share where undefined).

    Example
    -------
    >>> p = target_progress(30.0, 27.0, 24.0)
    >>> p.share, p.reached
    (0.5, False)
    """
    b, c, g = (float("nan") if x is None else float(x) for x in (baseline, current, target))
    if any(math.isnan(x) for x in (b, c, g)):
        return Progress(b, c, g, float("nan"), False)
    if g == b:
        return Progress(b, c, g, 1.0 if c == g else float("nan"), c == g)
    share = (c - b) / (g - b)
    return Progress(b, c, g, share, share >= 1.0)
