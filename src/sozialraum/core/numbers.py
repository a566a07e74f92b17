"""Number formatting for planners (the one home): German decimal comma and thousands point.

Every output (monitor summaries, report, profiles, web map, plots, CLI) formats
numbers here.

``format_number(1234.5)`` → ``"1.234,5"``; ``format_number(1234.5, lang="en")`` →
``"1,234.5"``; missing values (``None``, NaN, ``pd.NA``) → ``"–"`` (en dash, the
Destatis sign for "no value").

Numbers typed by a planner (a break, a radius, a list in a dialog or on the command
line) are read here too: ``parse_number("1.000")`` → ``1000.0``,
``parse_numbers("1.000; 2,5")`` → ``[1000.0, 2.5]``; English notation is accepted where it
is unambiguous, and text that can mean two numbers is refused with a message.
"""

from __future__ import annotations

import math
import re

from sozialraum._i18n import get_lang, t
from sozialraum.errors import InputError

__all__ = [
    "MISSING",
    "format_number",
    "format_percent",
    "is_missing",
    "parse_number",
    "parse_numbers",
]

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


# --------------------------------------------------------------------------- reading

_MSG = {
    "not_a_number": {
        "de": "{where}{text!r} ist keine Zahl. Bitte eine Zahl schreiben, z. B. „2.500“ "
        "(zweitausendfünfhundert) oder „2,5“ (zweieinhalb).",
        "en": "{where}{text!r} is not a number. Please write a number, e.g. '2,500' "
        "(two thousand five hundred) or '2.5' (two and a half).",
    },
    "ambiguous": {
        "de": "{where}{text!r} ist mehrdeutig: {a} oder {b}. In einer Liste mit englisch "
        "geschriebenen Zahlen ({other!r}) bitte Tausender ohne Punkt schreiben („{a}“) oder "
        "alle Zahlen deutsch (mit Dezimalkomma).",
        "en": "{where}{text!r} is ambiguous: {a} or {b}. In a list with German numbers "
        "({other!r}) please write thousands without a separator ('{a}') or all numbers "
        "with a decimal point.",
    },
    "mixed": {
        "de": "{where}Die Zahlen mischen deutsche ({de!r}) und englische Schreibweise ({en!r}). "
        "Bitte alle deutsch (Dezimalkomma, z. B. „2,5“) oder alle englisch (Dezimalpunkt) "
        "schreiben.",
        "en": "{where}The numbers mix German ({de!r}) and English notation ({en!r}). Please "
        "write all with a decimal point (e.g. '2.5') or all with a decimal comma.",
    },
}

_SPACES = str.maketrans({"\u00a0": " ", "\u202f": " ", "\u2009": " ", "'": " ", "\u2019": " "})
_SIGN = r"[+-]?"


def _grouped(head: str, groups: list[str]) -> bool:
    """Digits ``head`` followed by thousands ``groups``: 1–3 digits, not led by 0, then threes."""
    return (
        head.isdigit()
        and 1 <= len(head) <= 3
        and not head.startswith("0")
        and all(len(g) == 3 and g.isdigit() for g in groups)
    )


def _read(core: str, decimal: str, thousands: str) -> float | None:
    """``core`` (digits with separators, no sign) in one notation, or ``None``."""
    whole, sep, frac = core.partition(decimal)
    if sep and (not frac.isdigit() or decimal in frac):
        return None
    head, *groups = whole.split(thousands)
    if groups and not _grouped(head, groups):
        return None
    digits = head + "".join(groups)
    if not digits and not frac:
        return None
    if digits and not digits.isdigit():
        return None
    return float(f"{digits or '0'}.{frac or '0'}")


def _readings(text: str) -> tuple[str, float | None, float | None]:
    """``(cleaned text, German reading, English reading)`` of one typed number."""
    s = str(text).translate(_SPACES).strip().replace("\u2212", "-")
    sign = -1.0 if s.startswith("-") else 1.0
    core = s.lstrip("+-").strip()
    if re.fullmatch(r"\d{1,3}( \d{3})+([.,]\d+)?", core):  # "1 000", "12 500,5"
        core = core.replace(" ", "")
    if re.fullmatch(r"(\d+([.,]\d+)?|[.,]\d+)[eE][+-]?\d+", core):  # 1,5e3 / 1.5e3
        v = float(core.replace(",", "."))
        return s, sign * v, sign * v
    if not core or not re.fullmatch(r"[\d.,]+", core) or not re.fullmatch(_SIGN + r".*", s):
        return s, None, None
    de, en = _read(core, ",", "."), _read(core, ".", ",")
    return s, (None if de is None else sign * de), (None if en is None else sign * en)


def parse_number(text, lang: str | None = "de", *, where: str = "") -> float:
    """Read one number typed by a person (German notation first, English where unambiguous).

    ``"2,5"`` → 2.5; ``"1.000"`` → 1000.0 (German thousands point); ``"1.234,5"`` and
    ``"1,234.5"`` → 1234.5; ``"2.5"`` → 2.5 (not German, so English); ``"1 000"``,
    ``"−3"``, ``"1e3"`` are read too. Text that German and English read differently
    (``"1.000"``, ``"1,000"``) is read in the notation of ``lang`` (``"de"``: 1000 and 1.0).
    Numbers (int, float) pass through.

    Parameters
    ----------
    text
        The typed text (or a number).
    lang
        Notation of ambiguous text and language of the message (``None``: ``$SOZIALRAUM_LANG``).
    where
        Start of the message naming the field (e.g. ``"Feld „Radius“: "``).

    Raises
    ------
    InputError
        ``text`` is not a number.
    """
    return parse_numbers([text], lang, where=where)[0]


def parse_numbers(
    texts, lang: str | None = "de", *, sep: str = ";", where: str = ""
) -> list[float]:
    """Read a list of typed numbers (``"1.000; 2.500"`` → ``[1000.0, 2500.0]``).

    ``texts`` is a text (split at ``sep``; blank parts ignored) or a sequence of texts
    and numbers. All numbers of a list are read in one notation: a part that only
    English can read (``"2.5"``) makes the list English, one that only German can read
    (``"2,5"``) German; a list with both is refused, and so is text that the list's
    notation would read differently from ``lang``'s (``"1.000; 2.5"``: 1000 or 1?).
    Otherwise as :func:`parse_number`. An empty text gives ``[]``.

    Raises
    ------
    InputError
        A part is not a number, the list mixes notations, or a part is ambiguous.
    """
    lang = get_lang(lang)
    if isinstance(texts, str):
        texts = [p for p in texts.split(sep) if p.strip()]
    parts = []
    for x in texts:
        if isinstance(x, (int, float)) and not isinstance(x, bool):
            parts.append((str(x), float(x), float(x)))
            continue
        s, de, en = _readings(x)
        if de is None and en is None:
            raise InputError(t(_MSG, "not_a_number", lang, where=where, text=str(x).strip()))
        parts.append((s, de, en))
    only_de = next((s for s, de, en in parts if en is None), None)
    only_en = next((s for s, de, en in parts if de is None), None)
    if only_de is not None and only_en is not None:
        raise InputError(t(_MSG, "mixed", lang, where=where, de=only_de, en=only_en))
    notation = "en" if only_en is not None else "de" if only_de is not None else lang
    out = []
    for s, de, en in parts:
        value = en if notation == "en" else de
        if (
            None not in (de, en) and de != en and notation != lang
        ):  # read differently from the user's own notation
            mine, other = (de, en) if lang == "de" else (en, de)
            raise InputError(
                t(
                    _MSG,
                    "ambiguous",
                    lang,
                    where=where,
                    text=s,
                    a=_plain(mine, lang),
                    b=_plain(other, lang),
                    other=only_en if notation == "en" else only_de,
                )
            )
        out.append(float(value))
    return out


def _plain(x: float, lang: str) -> str:
    """``x`` without thousands separators and with the decimals it needs (``1000``, ``2,5``)."""
    text = f"{x:.6f}".rstrip("0").rstrip(".")
    return text.replace(".", ",") if lang == "de" else text
