"""Area keys as text: normalisation and restoring leading zeros lost in Excel.

German area keys are codes, not numbers: the AGS (Amtlicher Gemeindeschlüssel)
has 8 digits, the ARS (Amtlicher Regionalschlüssel) 12, and many start with
``0`` (Schleswig-Holstein ``01…``, Sachsen ``14…`` does not, Hessen ``06…`` does).
A spreadsheet that stores them as numbers drops the zero (``01001000`` →
``1001000``) and may add ``.0`` (``1001000.0``). These helpers undo that.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sozialraum.io.headers import normalise_header
from sozialraum.io.symbols import str_mask

__all__ = [
    "KEY_WIDTHS",
    "normalise_keys",
    "restore_leading_zeros",
    "detect_key_width",
    "truncated_mask",
]

#: Fixed widths of official key types (by key-column header).
KEY_WIDTHS: dict[str, int] = {"ags": 8, "ars": 12}

#: Header words that name a key type of :data:`KEY_WIDTHS`.
_WIDTH_WORDS = {
    "ags": "ags",
    "gemeindeschluessel": "ags",
    "gemeindeschlussel": "ags",
    "ars": "ars",
    "regionalschluessel": "ars",
    "regionalschlussel": "ars",
}


def normalise_keys(keys: pd.Series | pd.Index | list) -> pd.Series:
    """Turn raw key cells into clean text keys.

    Numbers become integer text (``9999001001.0`` → ``"9999001001"``), texts are
    stripped (also a leading apostrophe, Excel's text marker) and lose a ``.0``
    suffix that a float conversion left behind. Empty cells become ``<NA>``.

    Parameters
    ----------
    keys
        Raw key cells (numbers and/or texts).

    Returns
    -------
    pandas.Series
        ``object`` dtype, ``str`` keys, ``None`` where the cell was empty; same index
        as ``keys`` if it was a Series.
    """

    s = keys if isinstance(keys, pd.Series) else pd.Series(list(keys), dtype=object)
    arr = s.to_numpy(dtype=object)
    is_text = str_mask(arr)
    out = np.full(len(s), None, dtype=object)
    # numbers
    if not is_text.all():
        num = np.full(len(s), np.nan)
        num[~is_text] = pd.to_numeric(
            pd.Series(arr[~is_text], dtype=object), errors="coerce"
        ).to_numpy(dtype="float64")
        integral = np.isfinite(num) & (np.mod(num, 1) == 0)
        if integral.any():
            out[integral] = (
                pd.Series(num[integral]).astype("int64").astype(str).to_numpy(dtype=object)
            )
        other = ~is_text & ~integral & ~pd.isna(arr)
        if other.any():
            out[other] = np.char.strip(np.asarray(arr[other], dtype=str)).astype(object)
    # texts
    if is_text.any():
        tx = np.char.strip(np.char.lstrip(np.char.strip(np.asarray(arr[is_text], dtype=str)), "'"))
        dot = np.char.find(tx, ".") >= 0
        if dot.any():  # "9999001001.0" (a number that went through a float) → "9999001001"
            fixed = pd.Series(tx[dot], dtype=object).str.replace(r"^(\d+)\.0+$", r"\1", regex=True)
            tx = tx.astype(object)
            tx[dot] = fixed.to_numpy(dtype=object)
        tx = np.asarray(tx, dtype=object)
        tx[tx == ""] = None
        out[is_text] = tx
    return pd.Series(out, index=s.index, dtype=object)


def restore_leading_zeros(keys: pd.Series | pd.Index | list, width: int) -> pd.Series:
    """Pad all-digit keys shorter than ``width`` with leading zeros.

    Keys with other characters and keys at least ``width`` long are unchanged.

    Parameters
    ----------
    keys
        Text keys (see :func:`normalise_keys`).
    width
        Full key width, e.g. ``KEY_WIDTHS["ags"]`` (8).

    Returns
    -------
    pandas.Series
        The keys, padded where they had lost zeros (compare with the input to count them).

    Examples
    --------
    >>> restore_leading_zeros(["1001000", "01002000", "A1"], 8).tolist()
    ['01001000', '01002000', 'A1']
    """
    s = keys if isinstance(keys, pd.Series) else pd.Series(list(keys), dtype=object)
    mask = truncated_mask(s, width)
    if not mask.any():
        return s.copy()
    out = s.astype(object).copy()
    out[mask] = s[mask].astype(str).str.zfill(int(width))
    return out


def truncated_mask(keys: pd.Series, width: int) -> pd.Series:
    """True where a key is all digits and shorter than ``width``."""
    s = keys.astype("string")
    return (s.str.fullmatch(r"\d+") & (s.str.len() < int(width))).fillna(False).astype(bool)


def detect_key_width(
    keys: pd.Series, header: str | None = None, *, min_width: int = 5
) -> int | None:
    """The width that all-digit keys should have, or ``None`` when nothing is truncated.

    The width is taken from the key type named in ``header`` (``AGS`` → 8,
    ``ARS`` → 12), else from the majority: if most all-digit keys have one width
    ``w >= min_width`` and some are one or two digits shorter, those look like
    they lost leading zeros and ``w`` is returned. Short running numbers (``1``
    … ``99``) are never padded.

    Parameters
    ----------
    keys
        Text keys.
    header
        Header of the key column (``"AGS"``, ``"Regionalschlüssel"``, …).
    min_width
        Smallest majority width taken as a fixed-width code.
    """
    if header is not None:
        h = normalise_header(header).replace("-", " ").replace("_", " ")
        for word in h.split():
            if word in _WIDTH_WORDS:
                return KEY_WIDTHS[_WIDTH_WORDS[word]]
    s = keys.dropna().astype("string")
    s = s[s.str.fullmatch(r"\d+").fillna(False).astype(bool)]
    if not len(s):
        return None
    lens = s.str.len().astype("int64")
    counts = lens.value_counts()
    top = counts[counts == counts.max()]
    w = int(top.index.max())  # a tie between widths: the longer one is the full width
    if w < min_width or counts[w] * 2 < len(s):
        return None
    short = lens[(lens < w) & (lens >= w - 2)]
    return w if len(short) else None
