"""German statistical symbols (Zeichenerklärung) → status codes, and number parsing.

Official German tables mark cells that hold no number with a symbol whose meaning
matters for a report ("geheim" is not "nichts vorhanden"). :func:`parse_cells`
turns one column of raw cells into float values, a parallel status column and a
mask of texts it could not read — vectorised with pandas string methods, so it
stays fast on large tables.

=====================  =====================  ==========================
Symbol                 Status code            Value
=====================  =====================  ==========================
``.`` ``*``            ``geheim``             NaN
``-`` ``–`` ``—``      ``nichts_vorhanden``   NaN
``x`` ``X``            ``nicht_sinnvoll``     NaN
``/``                  ``nicht_sicher``       NaN
``…`` ``...``          ``spaeter``            NaN
``(12)``               ``unsicher``           12 (kept)
``12p`` ``12 p``       ``vorlaeufig``         12 (kept)
empty cell             ``fehlt``              NaN
=====================  =====================  ==========================

Numbers are read as offices write them: German (``1.234,5``) or English
(``1,234.5``) separators, a percent sign (``5,1 %``, ``5,1%`` → 5.1, a share in
percent; :func:`percent_share` tells whether a column came with ``%``) and
scientific notation (``1,2E+03``, ``1.2e3`` → 1200).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from sozialraum._i18n import t
from sozialraum.core.doors import knob
from sozialraum.errors import InputError

__all__ = [
    "STATUS_CODES",
    "DEFAULT_SYMBOLS",
    "parse_cells",
    "detect_number_format",
    "percent_share",
    "parse_symbols",
]

#: Status codes a reader can assign to a cell (``<NA>`` = a plain number).
STATUS_CODES: tuple[str, ...] = (
    "geheim",
    "nichts_vorhanden",
    "nicht_sinnvoll",
    "nicht_sicher",
    "spaeter",
    "unsicher",
    "vorlaeufig",
    "fehlt",
    "ungueltig",
)

#: Default symbol → status code mapping (Destatis / Statistische Ämter).
DEFAULT_SYMBOLS: dict[str, str] = {
    ".": "geheim",
    "*": "geheim",
    "-": "nichts_vorhanden",
    "–": "nichts_vorhanden",
    "—": "nichts_vorhanden",
    "x": "nicht_sinnvoll",
    "X": "nicht_sinnvoll",
    "/": "nicht_sicher",
    "…": "spaeter",
    "...": "spaeter",
}

_SPACES = "\u00a0\u202f\u2009"
_SAMPLE = 20_000
_MINUS = "\u2212"
# scientific notation: mantissa with one decimal comma or point, exponent
_SCIENTIFIC = r"[+-]?\d+(?:[.,]\d+)?[eE][+-]?\d{1,3}"


def _number_regex(decimal: str, thousands: str | None) -> str:
    """Strict regex of a number (sign, optional grouped thousands, optional decimals)."""
    d = re.escape(decimal)
    if thousands:
        th = "[ ]" if thousands == " " else re.escape(thousands)
        integer = rf"(?:\d{{1,3}}(?:{th}\d{{3}})+|\d+)"
    else:
        integer = r"\d+"
    return rf"[+-]?(?:{integer}(?:{d}\d*)?|{d}\d+)(?:[eE][+-]?\d+)?"


def str_mask(values) -> np.ndarray:
    """Boolean array: which elements of an object array are ``str``.

    Decided for the whole array at once where possible (all texts, all numbers);
    only a truly mixed array (an Excel column with numbers and symbols) is checked
    element by element.
    """
    arr = np.asarray(values, dtype=object)
    kind = pd.api.types.infer_dtype(arr, skipna=True)
    if kind == "string":
        return ~pd.isna(arr)
    if kind in (
        "empty",
        "integer",
        "floating",
        "mixed-integer-float",
        "decimal",
        "boolean",
        "complex",
    ):
        return np.zeros(len(arr), dtype=bool)
    return np.fromiter((isinstance(x, str) for x in arr), dtype=bool, count=len(arr))


def detect_number_format(texts: Iterable[str] | pd.Series, *, prefer: str = ",") -> tuple[str, str]:
    """Guess ``(decimal, thousands)`` from number texts.

    A comma followed by other than exactly three digits (``12,5``, ``1.234,56``)
    means a decimal comma; a point followed by other than three digits, or a
    comma group before a point (``1,234.5``), means a decimal point. Texts that
    are ambiguous (``1.234``) fall back to ``prefer``.

    Parameters
    ----------
    texts
        Cell texts (non-numbers are ignored).
    prefer
        Decimal separator to assume when nothing decides it (``","`` for German tables).

    Returns
    -------
    tuple
        ``(",", ".")`` (German) or ``(".", ",")``.
    """
    arr = pd.unique(
        pd.Series(list(texts) if not isinstance(texts, pd.Series) else texts, dtype=object)
    )
    arr = arr[str_mask(arr)]
    if len(arr) > _SAMPLE:  # distinct texts, evenly spaced: plenty to decide the format
        arr = arr[:: len(arr) // _SAMPLE + 1]
    s = pd.Series(arr, dtype=object).str.strip()
    s = s[s.str.contains(r"\d", regex=True)]
    if not len(s):
        return (",", ".") if prefer == "," else (".", ",")
    s = s[~s.str.fullmatch(_SCIENTIFIC)]  # "1,2E+03": the mantissa does not decide the format
    comma = int(s.str.contains(r"(?:,\d{1,2}|,\d{4,})\)?\s*[p%]?$|\.\d{3},", regex=True).sum())
    point = int(s.str.contains(r"(?:\.\d{1,2}|\.\d{4,})\)?\s*[p%]?$|,\d{3}\.", regex=True).sum())
    if comma > point:
        return ",", "."
    if point > comma:
        return ".", ","
    return (",", ".") if prefer == "," else (".", ",")


def parse_cells(
    series: pd.Series,
    *,
    decimal: str | None = ",",
    thousands: str | None = ".",
    symbols: Mapping[str, str] | None = None,
) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Parse raw cells (numbers, number texts, symbols) into values and status codes.

    Parameters
    ----------
    series
        Raw cells: numbers (from Excel) and/or texts (from CSV or Excel).
    decimal, thousands
        Decimal and thousands separators of number texts. ``decimal=None``
        detects them from the texts (German format preferred when undecided).
        ``thousands`` may be ``None`` (no grouping) or ``" "``; non-breaking
        spaces count as spaces.
    symbols
        Extra symbol texts → status code (e.g. ``{"k.A.": "fehlt"}``); they extend
        and override :data:`DEFAULT_SYMBOLS`. Values must be codes from
        :data:`STATUS_CODES`.

    Returns
    -------
    values : pandas.Series
        float64, NaN where no number.
    status : pandas.Series
        ``"string"`` dtype: a code from :data:`STATUS_CODES`, ``<NA>`` for a plain number.
    unknown : pandas.Series
        bool, True where a text is neither a number nor a known symbol (its value is
        NaN and its status ``<NA>``; the caller decides how to report it).
    """
    idx = series.index
    n = len(series)
    if pd.api.types.is_bool_dtype(series.dtype):
        series = series.astype(object)
    if pd.api.types.is_numeric_dtype(series.dtype):
        values = np.asarray(series, dtype="float64")
        st = np.where(np.isnan(values), "fehlt", None).astype(object)
        return (
            pd.Series(values, index=idx),
            pd.Series(pd.array(st, dtype="string"), index=idx),
            pd.Series(np.zeros(n, dtype=bool), index=idx),
        )
    arr = series.to_numpy(dtype=object)
    step = max(1, n // 1000)
    if n > 5000 and len(pd.unique(arr[::step])) * 2 > len(arr[::step]):
        # mostly distinct cells (e.g. rates with decimals): parse them directly
        present = ~pd.isna(arr)
        values = np.full(n, np.nan)
        st = np.full(n, "fehlt", dtype=object)
        unknown = np.zeros(n, dtype=bool)
        if present.any():
            v, s_, u = _parse_distinct(
                pd.Series(arr[present], dtype=object), decimal, thousands, symbols
            )
            values[present], st[present], unknown[present] = v, s_, u
    else:
        # parse each distinct cell once (tables repeat small counts and symbols a
        # lot), then spread the results back with the factorize codes
        codes, uniques = pd.factorize(arr, use_na_sentinel=True)
        u_vals, u_status, u_unknown = _parse_distinct(
            pd.Series(np.asarray(uniques, dtype=object), dtype=object), decimal, thousands, symbols
        )
        present = codes >= 0
        safe = np.where(present, codes, 0)
        if len(uniques):
            values = np.where(present, u_vals[safe], np.nan)
            st = np.where(present, u_status[safe], "fehlt").astype(object)
            unknown = present & u_unknown[safe]
        else:
            values = np.full(n, np.nan)
            st = np.full(n, "fehlt", dtype=object)
            unknown = np.zeros(n, dtype=bool)
    st[pd.isna(st)] = pd.NA
    return (
        pd.Series(values, index=idx, dtype="float64"),
        pd.Series(pd.array(st, dtype="string"), index=idx),
        pd.Series(unknown, index=idx),
    )


def _parse_distinct(
    obj: pd.Series, decimal, thousands, symbols
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Parse non-missing cells (object Series): float values, status (object, None = plain), unknown."""
    n = len(obj)
    status = np.full(n, None, dtype=object)
    arr = obj.to_numpy(dtype=object)
    is_text = str_mask(arr)
    # non-text cells: numbers from Excel
    values = np.full(n, np.nan)
    unknown = np.zeros(n, dtype=bool)
    if not is_text.all():
        other = pd.to_numeric(pd.Series(arr[~is_text], dtype=object), errors="coerce")
        values[~is_text] = other.to_numpy(dtype="float64")
        unknown[~is_text] = np.isnan(values[~is_text])  # e.g. a date in a number column
    if not is_text.any():
        return values, status, unknown
    st_txt, v_txt, u_txt = _parse_texts(
        np.asarray(arr[is_text], dtype=str), decimal, thousands, symbols
    )
    pos = np.flatnonzero(is_text)
    values[pos] = v_txt
    status[pos] = st_txt
    unknown[pos] = u_txt
    return values, status, unknown


def _parse_texts(
    t: np.ndarray, decimal, thousands, symbols
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Parse a numpy unicode array of cell texts with vectorised string functions.

    Returns status (object: code or None), values (float) and unknown (bool).
    """
    n = len(t)
    ch = np.char
    for sp in _SPACES:
        if (ch.find(t, sp) >= 0).any():
            t = ch.replace(t, sp, " ")
    if (ch.find(t, _MINUS) >= 0).any():
        t = ch.replace(t, _MINUS, "-")
    t = ch.strip(t)
    status = np.full(n, None, dtype=object)
    values = np.full(n, np.nan)
    mapping = dict(DEFAULT_SYMBOLS)
    if symbols:
        mapping.update({str(k).strip(): v for k, v in symbols.items()})
    symbol = np.zeros(n, dtype=bool)
    for sym, code in mapping.items():
        hit = t == sym
        if hit.any():
            status[hit] = code
            symbol |= hit
    empty = t == ""
    status[empty] = "fehlt"
    rest = ~symbol & ~empty
    if not rest.any():
        return status, values, np.zeros(n, dtype=bool)
    r = t[rest]
    if decimal is None:
        decimal, thousands = detect_number_format(pd.Series(r, dtype=object))
    # "5,1 %" / "5,1%": a share in percent, read as 5.1
    pct = ch.endswith(r, "%") & (ch.count(r, "%") == 1)
    if pct.any():
        r = np.where(pct, ch.rstrip(ch.rstrip(r, "%")), r)
    # flags: "12p" / "12 p" (vorläufig), "(12)" (unsicher)
    prelim = (ch.endswith(r, "p") | ch.endswith(r, "P")) & (
        ch.count(r, "p") + ch.count(r, "P") == 1
    )
    core = np.where(prelim, ch.rstrip(ch.rstrip(r, "pP")), r)
    paren = (
        ch.startswith(core, "(")
        & ch.endswith(core, ")")
        & (ch.count(core, "(") == 1)
        & (ch.count(core, ")") == 1)
    )
    core = np.where(paren, ch.strip(core, "() "), core)
    # only digits, sign and separators; one sign, at the start
    allowed = "0123456789+-" + decimal + (thousands or "")
    ok = ch.strip(core, allowed) == ""
    signs = ch.count(core, "+") + ch.count(core, "-")
    signed = ch.startswith(core, "+") | ch.startswith(core, "-")
    ok &= (signs == 0) | ((signs == 1) & signed)
    ok &= ch.count(core, decimal) <= 1
    if thousands:
        k = ch.count(core, thousands)
        grouped = ok & (k > 0)
        if grouped.any():
            length = ch.str_len(core)
            d = ch.find(core, decimal)
            d = np.where(d < 0, length, d)
            first = ch.find(core, thousands)
            last = ch.rfind(core, thousands)
            lead = first - signed.astype(int)
            valid = (last == d - 4) & (first == d - 4 * k) & (lead >= 1) & (lead <= 3)
            many = grouped & valid & (k >= 3)  # middle groups: check exactly
            if many.any():
                pattern = _number_regex(decimal, thousands)
                valid[many] = (
                    pd.Series(core[many], dtype=object).str.fullmatch(pattern).to_numpy(dtype=bool)
                )
            ok &= ~grouped | valid
        digits = ch.replace(core, thousands, "")
    else:
        digits = core
    if decimal != ".":
        digits = ch.replace(digits, decimal, ".")
    ok &= ch.strip(core, "+-" + decimal + (thousands or "")) != ""  # at least one digit
    nums = np.full(len(r), np.nan)
    if ok.any():
        try:  # numpy's conversion is correctly rounded (pandas 2's fast parser is not always)
            nums[ok] = digits[ok].astype("float64")
        except ValueError:  # pragma: no cover - defensive: cells the checks above let through
            conv = pd.to_numeric(pd.Series(digits[ok], dtype=object), errors="coerce").to_numpy(
                dtype="float64"
            )
            nums[ok] = conv
            ok[np.flatnonzero(ok)[np.isnan(conv)]] = False
    sci = ~ok & pd.Series(r, dtype=object).str.fullmatch(_SCIENTIFIC).to_numpy(dtype=bool)
    if sci.any():  # "1,2E+03", "1.2e3": the mantissa's comma or point is its decimal mark
        nums[sci] = np.char.replace(r[sci], ",", ".").astype("float64")
        ok |= sci
    flag = np.full(len(r), None, dtype=object)
    flag[ok & prelim] = "vorlaeufig"
    flag[ok & paren] = "unsicher"
    pos = np.flatnonzero(rest)
    values[pos] = nums
    status[pos] = flag
    unknown = np.zeros(n, dtype=bool)
    unknown[pos] = ~ok
    return status, values, unknown


def percent_share(series: pd.Series) -> bool:
    """Whether a column of raw cells writes its numbers with a percent sign (``5,1 %``).

    Such a column is a share in percent (5.1 means 5.1 %); the reader notes it
    in the table's metadata (``percent_columns``).
    """
    arr = pd.unique(series.to_numpy(dtype=object))
    arr = arr[str_mask(arr)]
    if not len(arr):
        return False
    texts = pd.Series(arr, dtype=object).str.strip()
    return bool(texts.str.contains(r"\d\s*%$", regex=True).any())


_SYMBOL_MSG = {
    "syntax": {
        "de": "{knob}: {item!r} ist keine Zuordnung Zeichen=Status (z. B. k.A.=fehlt).",
        "en": "{knob}: {item!r} is not a mapping symbol=status (e.g. k.A.=fehlt).",
    },
    "code": {
        "de": "{knob}: {code!r} (für {text!r}) ist kein Statuscode; erlaubt: {codes}.",
        "en": "{knob}: {code!r} (for {text!r}) is not a status code; allowed: {codes}.",
    },
}


def parse_symbols(
    spec: str | Sequence[str] | Mapping[str, str] | None, *, lang: str | None = None
) -> dict[str, str]:
    """Symbol mapping as a command line or form field writes it → ``{text: status code}``.

    ``"k.A.=fehlt; n.v.=nicht_sinnvoll"`` or ``["k.A.=fehlt", "n.v.=nicht_sinnvoll"]``
    (or a mapping, checked only). The one parser for every door that takes the
    mapping as text (``--symbols``, the QGIS field).

    Raises
    ------
    InputError
        An item without ``=`` or a code not in :data:`STATUS_CODES` (the message
        names the setting in the user's door).
    """
    if not spec:
        return {}
    if isinstance(spec, Mapping):
        items = [(str(k), str(v)) for k, v in spec.items()]
    else:
        parts = [spec] if isinstance(spec, str) else list(spec)
        items = []
        for part in parts:
            for item in re.split(r"[;\n]", part):
                if not item.strip():
                    continue
                text, eq, code = item.rpartition("=")
                if not eq or not text.strip() or not code.strip():
                    raise InputError(
                        t(_SYMBOL_MSG, "syntax", lang, knob=knob("symbols", lang), item=item)
                    )
                items.append((text.strip(), code.strip()))
    for text, code in items:
        if code not in STATUS_CODES:
            raise InputError(
                t(
                    _SYMBOL_MSG,
                    "code",
                    lang,
                    knob=knob("symbols", lang),
                    code=code,
                    text=text,
                    codes=", ".join(STATUS_CODES),
                )
            )
    return dict(items)
