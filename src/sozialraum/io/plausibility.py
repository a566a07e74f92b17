"""Plausibility of indicator values: what no office table should contain.

:func:`check_plausibility` is a pure function over a value frame (and its status
frame) and the catalogue. It returns the findings and a copy of the frames in
which known placeholders for invalid areas (``-9999`` …) are missing values with
the status code ``ungueltig``; it warns nothing and changes nothing in place.
The table reader calls it for every table and warns each finding, naming the
file, the column and the areas.

=====================  ===========================================================
finding                rule
=====================  ===========================================================
``platzhalter``        ``-9999``, ``9999999`` in any column that is no difference;
                       ``-999`` and ``-1`` also where the catalogue says count or
                       share → missing, status ``ungueltig`` (the Berlin MSS marks
                       invalid areas with ``-9999``: left in, they move classes)
``negativ``            a negative count (catalogue unit not a share, the variable
                       is no difference such as a migration balance) or share
``anteil_ueber``       a share above 100 % (above 1 where the column holds
                       fractions: most values ≤ 1)
``zaehler_ueber``      numerator above its denominator for a share indicator
                       (``per = 100`` or a share unit)
=====================  ===========================================================
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sozialraum._i18n import t
from sozialraum.core.aggregation import is_share_unit

__all__ = ["Finding", "Plausibility", "check_plausibility", "PLACEHOLDERS", "INVALID"]

#: Status code of a placeholder value (see :mod:`sozialraum.core.status`).
INVALID = "ungueltig"

#: Placeholders for "invalid" in any column that is not a difference.
PLACEHOLDERS: tuple[float, ...] = (-9999.0, 9999999.0)
#: Placeholders only where the catalogue says the column is a count or a share.
PLACEHOLDERS_COUNT: tuple[float, ...] = (-999.0, -1.0)

_DIFFERENCE = re.compile(r"saldo|differenz|veraender|veränder|entwicklung|wachstum|bilanz", re.I)

_MSG = {
    "platzhalter": {
        "de": "{file}: Spalte {column!r}: Platzhalter {what} bei {n} Gebiet(en) als ungültig "
        "gewertet (kein Wert, Status „ungültig“): {areas}.",
        "en": "{file}: column {column!r}: placeholder {what} in {n} area(s) taken as invalid "
        "(no value, status 'invalid'): {areas}.",
    },
    "negativ": {
        "de": "{file}: Spalte {column!r} ist {what}, hat aber negative Werte bei {n} Gebiet(en): "
        "{areas}. Bitte die Lieferung prüfen.",
        "en": "{file}: column {column!r} is {what} but has negative values in {n} area(s): "
        "{areas}. Check the delivery.",
    },
    "anteil_ueber": {
        "de": "{file}: Spalte {column!r} ist ein Anteil, hat aber Werte über {limit} bei {n} "
        "Gebiet(en): {areas}. Bitte die Lieferung prüfen.",
        "en": "{file}: column {column!r} is a share but has values above {limit} in {n} area(s): "
        "{areas}. Check the delivery.",
    },
    "zaehler_ueber": {
        "de": "{file}: Indikator {indicator!r}: Zähler {column!r} ist größer als der Nenner "
        "{denominator!r} bei {n} Gebiet(en): {areas}. Bitte die Lieferung prüfen.",
        "en": "{file}: indicator {indicator!r}: numerator {column!r} is larger than the "
        "denominator {denominator!r} in {n} area(s): {areas}. Check the delivery.",
    },
    "count": {"de": "eine Anzahl", "en": "a count"},
    "share": {"de": "ein Anteil", "en": "a share"},
    "more": {"de": " und {n} weitere", "en": " and {n} more"},
}


@dataclass(frozen=True)
class Finding:
    """One implausible pattern in one column.

    Attributes
    ----------
    kind
        ``platzhalter``, ``negativ``, ``anteil_ueber`` or ``zaehler_ueber``.
    column
        The column (variable id or header); the numerator for ``zaehler_ueber``.
    areas
        Area keys (with the year for a multi-year frame: ``"A1 (2023)"``).
    values
        The values found, aligned with ``areas``.
    message
        The finding in words (file, column, areas).
    """

    kind: str
    column: str
    areas: tuple[str, ...]
    values: tuple[float, ...]
    message: str


@dataclass(frozen=True)
class Plausibility:
    """Result of :func:`check_plausibility`.

    Attributes
    ----------
    findings
        Every finding, in column order.
    values, status
        Copies of the input frames with placeholders turned into missing values
        with status :data:`INVALID`.
    """

    findings: tuple[Finding, ...]
    values: pd.DataFrame
    status: pd.DataFrame


@dataclass(frozen=True)
class _Kind:
    count: bool
    share: bool
    difference: bool
    unit: str | None


def _column_kind(col: str, catalogue, percent: set[str]) -> _Kind:
    unit, label = None, ""
    if catalogue is not None and col in catalogue.variables.index:
        row = catalogue.variables.loc[col]
        unit = row.get("unit") if isinstance(row.get("unit"), str) else None
        label = str(row.get("label") or "")
    difference = bool(_DIFFERENCE.search(f"{col} {label}")) or _is_difference(col, catalogue)
    share = col in percent or is_share_unit(unit)
    count = unit is not None and not share and not difference
    return _Kind(count, share, difference, unit)


def _is_difference(col: str, catalogue) -> bool:
    """A relation total with a subtracted term (``saldo = zuzuege - fortzuege``)."""
    for rel in getattr(catalogue, "relations", ()) or ():
        if rel.total == col and any(c < 0 for c, _ in rel.terms):
            return True
    return False


def _area_labels(index: pd.Index, mask: np.ndarray) -> tuple[str, ...]:
    picked = index[mask]
    if isinstance(index, pd.MultiIndex):
        return tuple(f"{k} ({y})" for k, y in picked)
    return tuple(str(k) for k in picked)


def _number(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else f"{v:g}"


def _areas_text(areas: tuple[str, ...], values: tuple[float, ...], lang) -> str:
    shown = ", ".join(f"{a} ({_number(v)})" for a, v in zip(areas[:10], values[:10], strict=True))
    if len(areas) > 10:
        shown += t(_MSG, "more", lang, n=len(areas) - 10)
    return shown


def _finding(kind, col, index, mask, vals, source, lang, **kw) -> Finding:
    areas = _area_labels(index, mask)
    found = tuple(float(v) for v in vals[mask])
    msg = t(
        _MSG,
        kind,
        lang,
        file=source,
        column=col,
        n=len(areas),
        areas=_areas_text(areas, found, lang),
        **kw,
    )
    return Finding(kind, col, areas, found, msg)


def _placeholders(col, kind: _Kind, v: np.ndarray) -> np.ndarray:
    if kind.difference:
        return np.zeros(len(v), dtype=bool)
    marks = PLACEHOLDERS + (PLACEHOLDERS_COUNT if kind.count or kind.share else ())
    return np.isin(v, marks)


def _share_limit(v: np.ndarray) -> float:
    """100 for percent values, 1 where the column holds fractions (most values ≤ 1)."""
    ok = v[np.isfinite(v) & (v >= 0)]
    return 1.0 if len(ok) and np.quantile(ok, 0.9) <= 1.0 else 100.0


def _numerator_findings(values, catalogue, source, lang) -> list[Finding]:
    out: list[Finding] = []
    if catalogue is None:
        return out
    for ind, row in catalogue.indicators.iterrows():
        num, den = row.get("numerator"), row.get("denominator")
        if not (isinstance(num, str) and isinstance(den, str)):
            continue
        if num not in values.columns or den not in values.columns:
            continue
        per = row.get("per")
        if not (per == 100 or is_share_unit(row.get("unit"))):
            continue
        n = values[num].to_numpy(dtype=float)
        d = values[den].to_numpy(dtype=float)
        with np.errstate(invalid="ignore"):
            over = np.isfinite(n) & np.isfinite(d) & (d >= 0) & (n > d)  # d < 0: own finding
        if over.any():
            out.append(
                _finding(
                    "zaehler_ueber",
                    num,
                    values.index,
                    over,
                    n,
                    source,
                    lang,
                    indicator=str(ind),
                    denominator=den,
                )
            )
    return out


def check_plausibility(
    values: pd.DataFrame,
    status: pd.DataFrame | None = None,
    catalogue=None,
    *,
    percent_columns: Iterable[str] = (),
    source: str = "",
    lang: str | None = None,
) -> Plausibility:
    """Find implausible values; placeholders become missing with status ``ungueltig``.

    Parameters
    ----------
    values
        Value frame (index: area key, or ``(key, year)``; columns: variable ids or headers).
    status
        Parallel status frame (``<NA>`` = plain number); ``None``: all plain.
    catalogue
        :class:`~sozialraum.io.Catalogue` that says which column is a count
        (variable unit), a share (share unit) or a difference (relation with a
        minus, ``saldo`` …), and which indicators relate numerator and denominator.
    percent_columns
        Columns that came with a ``%`` sign (shares in percent).
    source
        File name for the messages.
    lang
        Message language.

    Returns
    -------
    Plausibility
        Findings and the cleaned copies of ``values`` and ``status``.

    Examples
    --------
    >>> import pandas as pd
    >>> res = check_plausibility(pd.DataFrame({"x": [3.0, -9999.0]}, index=["A", "B"]))
    >>> [f.areas for f in res.findings], res.status["x"].tolist()
    ([('B',)], [<NA>, 'ungueltig'])
    """
    vals = values.copy()
    stat = (
        status.copy()
        if status is not None
        else pd.DataFrame(pd.NA, index=values.index, columns=values.columns, dtype="string")
    )
    percent = set(percent_columns)
    findings: list[Finding] = []
    for col in vals.columns:
        kind = _column_kind(str(col), catalogue, percent)
        v = vals[col].to_numpy(dtype=float)
        ph = _placeholders(col, kind, v)
        if ph.any():
            what = ", ".join(_number(x) for x in sorted(set(v[ph].tolist())))
            findings.append(
                _finding("platzhalter", str(col), vals.index, ph, v, source, lang, what=what)
            )
            vals.loc[ph, col] = np.nan
            stat[col] = stat[col].astype("string")
            stat.loc[ph, col] = INVALID
            v = vals[col].to_numpy(dtype=float)
        with np.errstate(invalid="ignore"):
            if (kind.count or kind.share) and (neg := np.isfinite(v) & (v < 0)).any():
                word = t(_MSG, "share" if kind.share else "count", lang)
                findings.append(
                    _finding("negativ", str(col), vals.index, neg, v, source, lang, what=word)
                )
            if kind.share:
                limit = 100.0 if str(col) in percent else _share_limit(v)
                over = np.isfinite(v) & (v > limit)
                if over.any():
                    shown = "1" if limit == 1.0 else "100 %"
                    findings.append(
                        _finding(
                            "anteil_ueber", str(col), vals.index, over, v, source, lang, limit=shown
                        )
                    )
    findings += _numerator_findings(vals, catalogue, source, lang)
    return Plausibility(tuple(findings), vals, stat)
