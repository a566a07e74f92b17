"""Number formatting and safe embedding of data in HTML/JS (class labels: core.classify)."""

from __future__ import annotations

import html
import json
import math

from sozialraum._i18n import t
from sozialraum.core.numbers import format_number

_MSG = {
    "missing": {"de": "kein Wert", "en": "no value"},
    "hidden": {"de": "nicht veröffentlicht", "en": "not published"},
}


def fmt_number(x: float | None, decimals: int = 1, lang: str | None = None) -> str:
    """Format a number for people: German ``1.234,5`` (default) or English ``1,234.5``.

    :func:`sozialraum.core.numbers.format_number`, except that missing values
    (``None``/NaN) give an empty string and ``-inf`` is written ``−∞``.
    """
    if x is None:
        return ""
    x = float(x)
    if math.isnan(x):
        return ""
    if math.isinf(x):
        return "∞" if x > 0 else "−∞"
    return format_number(x, decimals, lang)


def esc(text: object) -> str:
    """Escape any text that came from data for use in HTML (content and attributes)."""
    if text is None:
        return ""
    if isinstance(text, float) and math.isnan(text):
        return ""
    return html.escape(str(text), quote=True)


def js_json(obj: object) -> str:
    """Serialise ``obj`` as JSON that is safe inside an HTML ``<script>`` element.

    ``<``, ``>`` and ``&`` are written as ``\\u003c`` … so that data such as
    ``</script>`` can never close the script; U+2028/2029 are escaped too.
    """
    s = json.dumps(obj, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return (
        s.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


def missing_label(lang: str | None = None) -> str:
    """Label of the missing-value class (``kein Wert``)."""
    return t(_MSG, "missing", lang)


def hidden_label(lang: str | None = None) -> str:
    """Label of the class of suppressed values (``nicht veröffentlicht``)."""
    return t(_MSG, "hidden", lang)
