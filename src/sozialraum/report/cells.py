"""Table cells of the report and the profiles: labels, units, visible values, formatted cells.

Shared by :mod:`~sozialraum.report.steckbrief`, :mod:`~sozialraum.report.bericht` and the
topic chapters in :mod:`sozialraum.report.kapitel`: a value is printed only where its
status code is not secret at the document's release level.
"""

from __future__ import annotations

import pandas as pd

from sozialraum.core.numbers import is_missing
from sozialraum.core.status import is_secret, secret_mask, status_note
from sozialraum.report.data import ReportData
from sozialraum.report.memo import memoized
from sozialraum.report.text import cell_text, format_value

__all__ = ["isnan", "label", "unit", "direction", "visible", "rank", "cell"]


def isnan(x) -> bool:
    """Whether ``x`` is missing (None, NaN, NA)."""
    return is_missing(x)


def _entry(data: ReportData, ind: str, col: str):
    """One catalogue cell (``None`` without the column); a cell, not a row copy per call."""
    ids = data.catalogue.indicators
    if col not in ids.columns:
        if ind not in ids.index:
            raise KeyError(ind)
        return None
    if not ids.index.is_unique:
        return ids.at[ind, col]
    # the column as a dict, once per level (:func:`~sozialraum.report.memo.level_memo`)
    column = memoized(
        ids, ("catalogue", col), lambda: dict(zip(ids.index, ids[col].to_numpy(), strict=True))
    )
    return column[ind]


def label(data: ReportData, ind: str, lang: str) -> str:
    """The catalogue label of indicator ``ind`` in ``lang``."""
    en = _entry(data, ind, "label_en") if lang == "en" else None
    if isinstance(en, str) and en:
        return en
    return str(_entry(data, ind, "label"))


def unit(data: ReportData, ind: str) -> str:
    """The catalogue unit of indicator ``ind`` ("" if none)."""
    u = _entry(data, ind, "unit")
    return u if isinstance(u, str) else ""


def direction(data: ReportData, ind: str) -> str:
    """ "need" or "resource" (the catalogue direction of ``ind``)."""
    d = _entry(data, ind, "direction")
    return d if d in ("need", "resource") else "need"


def visible(values: pd.Series, status: pd.DataFrame | None, ind: str, level: str) -> pd.Series:
    """Values that may be printed (secret cells → NaN outside "intern")."""
    v = pd.to_numeric(values, errors="coerce").astype(float)
    if level != "intern" and status is not None and ind in status.columns:
        st = status[ind].reindex(v.index)
        secret = secret_mask(st).to_numpy(dtype=bool)
        v = v.mask(secret)
    return v


def rank(v: pd.Series, direction: str) -> pd.Series:
    """Rank 1 = most need."""
    return v.rank(ascending=(direction == "resource"), method="min")


def cell(value, code, level: str, unit: str, decimals: int, lang: str) -> tuple[str, bool]:
    """(text, is_value) for a table cell."""
    if is_secret(code) and level != "intern":
        return cell_text(code, lang), False
    if isnan(value):
        return cell_text(code, lang), False
    txt = format_value(value, unit, decimals, lang)
    if code is not None and (status_note(code, lang) or is_secret(code)):
        txt += "*"
    return txt, True
