"""Header texts as people write them, normalised for matching (one rule for all readers)."""

from __future__ import annotations

import re
import unicodedata

__all__ = ["normalise_header"]

_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "ẞ": "ss"})


def normalise_header(text: object) -> str:
    """Normalise a header text for matching: case, whitespace, umlauts, dashes.

    ``"Einwohner\\n  insgesamt"``, ``"EINWOHNER INSGESAMT"`` and
    ``"einwohner insgesamt"`` all give ``"einwohner insgesamt"``;
    ``"Bevölkerung"`` and ``"Bevoelkerung"`` both give ``"bevoelkerung"``.
    Footnote marks at the end (``"Einwohner 1)"``, ``"Einwohner¹"``) are removed.
    """
    s = re.sub(r"[¹²³⁴⁵⁶⁷⁸⁹⁰]+\s*$", "", str(text).strip())
    s = unicodedata.normalize("NFKC", s).replace("\u00ad", "").strip()
    s = re.sub(r"(?<=\D)\s*\d\)$", "", s)
    s = s.casefold().translate(_UMLAUTS)
    s = re.sub(r"[\u2010-\u2015\u2212]", "-", s)
    return re.sub(r"\s+", " ", s).strip()
