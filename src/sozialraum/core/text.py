"""Text helpers every package shares: the one ``slugify``.

``slugify("Kinder, Jugend & Familie")`` → ``"kinder_jugend_familie"`` (column names,
layer names, file names); ``slugify("Mühlwitz/Ost", keep_case=True, keep="._-",
max_length=60)`` → ``"Muehlwitz_Ost"`` (file names of profiles).
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["slugify"]

_UMLAUTS = str.maketrans(
    {"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss"}
)


def slugify(
    text: object,
    *,
    keep_case: bool = False,
    keep: str = "",
    max_length: int | None = None,
    fallback: str = "x",
) -> str:
    """ASCII slug of a text: umlauts spelled out, runs of other characters → ``_``.

    Parameters
    ----------
    text
        Any text (names of dimensions, facility types, areas, projects).
    keep_case
        Keep upper-case letters (default: lower-case everything).
    keep
        Further characters kept as they are (e.g. ``"._-"`` for file names).
    max_length
        Cut the slug to this many characters.
    fallback
        Returned when nothing is left (an empty or all-symbol text).

    Returns
    -------
    str
        Only ``A-Za-z0-9``, ``_`` and the characters of ``keep``; no ``_`` or ``.``
        at either end.
    """
    s = str(text).translate(_UMLAUTS)
    s = unicodedata.normalize("NFKD", s).encode("ascii", "ignore").decode("ascii")
    if not keep_case:
        s = s.lower()
    s = re.sub(f"[^A-Za-z0-9{re.escape(keep)}]+", "_", s).strip("_.")
    if max_length is not None:
        s = s[:max_length]
    return s or fallback
