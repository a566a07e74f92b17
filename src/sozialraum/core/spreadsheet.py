"""Spreadsheet safety: text that Excel or LibreOffice would run as a formula.

A cell whose text starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return may be taken as a formula when a CSV is opened or an Excel cell is
edited (*CSV/formula injection*): an area name ``=HYPERLINK("http://x","y")``
would become a live link. As the OWASP recommends, such text is written with a
leading apostrophe (``'=HYPERLINK(...)``), which shows the text as typed and is
never evaluated.

Only *text* is touched: numbers stay numbers (a negative number is written as a
number cell, not as ``'-5``). A lone ``-`` is the statistical sign *nichts
vorhanden* and cannot start a formula; it is kept as it is.

Every Excel and CSV writer of the package calls :func:`neutralise` (one cell)
or :func:`neutralise_frame` (a whole table) before writing.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["FORMULA_STARTS", "neutralise", "neutralise_frame", "is_formula_like", "restore"]

#: First characters that make a spreadsheet take text as a formula.
FORMULA_STARTS: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")

#: Whole cell texts that are statistical signs, never formulas.
_SIGNS = frozenset({"-"})


def is_formula_like(value: object) -> bool:
    """Whether ``value`` is text a spreadsheet could run as a formula.

    Example
    -------
    >>> is_formula_like('=HYPERLINK("http://x","y")'), is_formula_like(-5), is_formula_like("-")
    (True, False, False)
    """
    return (
        isinstance(value, str)
        and value != ""
        and value[0] in FORMULA_STARTS
        and value not in _SIGNS
    )


def neutralise(value: object) -> object:
    """Return ``value`` with a leading ``'`` if it is formula-like text; anything else unchanged.

    Example
    -------
    >>> neutralise("=1+1"), neutralise("Nord"), neutralise(-1.5)
    ("'=1+1", 'Nord', -1.5)
    """
    return "'" + value if is_formula_like(value) else value


def restore(value: object) -> object:
    """The text as typed, from a cell :func:`neutralise` wrote (``"'=1+1"`` → ``"=1+1"``).

    For text read back from a sheet the package wrote (e.g. a filled template); the
    text is neutralised again whenever it is written to a spreadsheet.

    Example
    -------
    >>> restore("'=1+1"), restore("'- Liste"), restore("'Zitat'")
    ('=1+1', '- Liste', "'Zitat'")
    """
    if isinstance(value, str) and len(value) > 1 and value[0] == "'" and is_formula_like(value[1:]):
        return value[1:]
    return value


def _text_dtype(dtype) -> bool:
    return not (
        pd.api.types.is_numeric_dtype(dtype)
        or pd.api.types.is_bool_dtype(dtype)
        or pd.api.types.is_datetime64_any_dtype(dtype)
    )


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells, column names and index labels are neutralised.

    Numeric columns are left as they are (their values stay numbers); in text
    (object/string) columns every formula-like string gets a leading ``'``, even
    one such as ``"-5"``: a text column is written as text.
    """
    out = frame.copy()
    for j in range(len(out.columns)):
        col = out.iloc[:, j]
        if _text_dtype(col.dtype) and col.map(is_formula_like).any():
            out.isetitem(j, col.map(neutralise).astype(col.dtype))
    out.columns = _neutralise_index(out.columns)
    out.index = _neutralise_index(out.index)
    return out


def _neutralise_index(index: pd.Index) -> pd.Index:
    if isinstance(index, pd.MultiIndex):
        levels = [_neutralise_index(lv) for lv in index.levels]
        return index.set_levels(levels).set_names([neutralise(n) for n in index.names])
    name = neutralise(index.name)
    if _text_dtype(index.dtype) and any(is_formula_like(v) for v in index):
        index = pd.Index(
            np.asarray([neutralise(v) for v in index], dtype=object), dtype=index.dtype
        )
    return index.rename(name)
