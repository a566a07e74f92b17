"""Number formatting for planners (the one home): German decimal comma and thousands point.

Every output (monitor summaries, report, profiles, web map, plots, CLI) formats
numbers here.

``format_number(1234.5)`` → ``"1.234,5"``; ``format_number(1234.5, lang="en")`` →
``"1,234.5"``; missing values (``None``, NaN, ``pd.NA``) → ``"–"`` (en dash, the
Destatis sign for "no value").
"""

from __future__ import annotations

import math

from sozialraum._i18n import get_lang

__all__ = ["MISSING", "format_number", "format_percent", "is_missing"]

MISSING = "\u2013"


def is_missing(x, *, blank_text: bool = False) -> bool:
    """Whether a scalar is a missing value (the one check every package uses).

    ``None``, NaN (float or numpy), ``pd.NA`` and ``pd.NaT`` are missing; with
    ``blank_text=True`` also empty or blank text (cells of catalogues and configs).
    Anything else, including arrays, is not.
    """
    if x is None:
        return True
    if isinstance(x, str):
        return blank_text and not x.strip()
    try:
        return bool(x != x) or (isinstance(x, float) and math.isnan(x))
    except TypeError:  # pd.NA
        return True
    except ValueError:  # arrays: not a missing scalar
        return False


def format_number(x, decimals: int = 1, lang: str | None = "de", *, sign: bool = False) -> str:
    """Format a number with the thousands and decimal separators of ``lang``.

    Parameters
    ----------
    x
        Number (int, float, numpy scalar); NaN/None/pd.NA give ``"–"``.
    decimals
        Digits after the decimal separator (rounded half away from zero as
        Python's format does for the binary value).
    lang
        ``"de"`` (``1.234,5``) or ``"en"`` (``1,234.5``); ``None`` = ``$SOZIALRAUM_LANG``.
    sign
        Prefix ``+`` for positive numbers (for changes).
    """
    if is_missing(x):
        return MISSING
    x = float(x)
    if math.isinf(x):
        return ("-" if x < 0 else "") + "\u221e"
    text = f"{x:{'+' if sign else ''},.{int(decimals)}f}"
    if text.lstrip("+-").strip("0,.") == "":  # avoid "-0,0"
        text = text.replace("-", "")
        if sign:
            text = text.replace("+", "")
    if get_lang(lang) == "de":
        text = text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    return text


def format_percent(x, decimals: int = 1, lang: str | None = "de") -> str:
    """Format a percentage value (already ×100) with a ``%`` sign: ``"12,5 %"``."""
    s = format_number(x, decimals, lang)
    return s if s == MISSING else f"{s} %" if get_lang(lang) == "de" else f"{s}%"
