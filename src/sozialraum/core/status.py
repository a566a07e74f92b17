"""Status codes of cells and what each release level may show: the one home.

A value frame always travels with a parallel *status* frame of string codes
(``<NA>`` where the number is fine). This module is the only place that says
what a code means; every package (join, monitor, privacy, webmap, report,
pipeline, plugin) asks it instead of keeping its own list.

=========================  =============  ==========  ==================================
code                       value kept     secret      meaning
=========================  =============  ==========  ==================================
``geheim``                 no             yes         secret at source (``.``, ``*``)
``geheim_primaer``         no             yes         suppressed here: small count
``geheim_sekundaer``       no             yes         suppressed here: protects another
``teilsumme_geheim``       yes (partial)  yes         sum of the parts that are not secret
``nicht_sicher``           no             yes         not reliable enough to publish
``nichts_vorhanden``       0              no          a true zero (``-``)
``nicht_sinnvoll``         no             no          not applicable (``x``)
``spaeter``                no             no          not yet available (``…``)
``fehlt``                  no             no          empty cell
``nenner_null``            no             no          rate with denominator 0
``nenner_klein``           yes            no          rate on a small base (note)
``teilsumme_unvollstaendig`` yes          no          sum with missing parts (note)
``unsicher``               yes            no          uncertain at source (note)
``vorlaeufig``             yes            no          provisional (note)
``nicht_bewertet``         no             no          area not rated (index/class)
``ungueltig``              no             no          placeholder for invalid (``-9999``)
=========================  =============  ==========  ==================================

*Secret* codes hide the value at every level but ``intern``; a code this module
does not know is treated as secret (the safe side). A ``teilsumme_geheim`` (the sum
of the parts that are not secret) is withheld outside ``intern`` like a secret cell:
printed, it would read as the full total, and beside an official total it would
reveal the secret part. Inside, it is shown with its note.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from sozialraum._i18n import get_lang
from sozialraum.errors import InputError

__all__ = [
    "RELEASE_LEVELS",
    "PRIMARY",
    "SECONDARY",
    "SECRET_CODES",
    "StatusCode",
    "CODES",
    "is_secret",
    "secret_mask",
    "hidden_mask",
    "status_text",
    "status_note",
    "cell_sign",
    "check_level",
]

#: Release levels (*Freigabestufen*), from the widest audience to the narrowest.
RELEASE_LEVELS: tuple[str, ...] = ("oeffentlich", "kommunal", "intern")

PRIMARY = "geheim_primaer"
SECONDARY = "geheim_sekundaer"


@dataclass(frozen=True)
class StatusCode:
    """One status code and how it is shown.

    Attributes
    ----------
    code
        The code as it stands in status frames.
    keeps_value
        Whether a number stands beside the code (``unsicher``, ``nenner_klein`` …).
    secret
        Whether the value must not leave the ``intern`` level.
    text_de, text_en
        Text shown instead of a missing value.
    sign
        Short sign for tables (Destatis-like: ``.``, ``–``, ``x``, ``/``, ``…``).
    note_de, note_en
        Short note written behind a value that is shown (empty if none).
    """

    code: str
    keeps_value: bool
    secret: bool
    text_de: str
    text_en: str
    sign: str
    note_de: str = ""
    note_en: str = ""


_ALL = (
    StatusCode("geheim", False, True, "geheim", "confidential", "."),
    StatusCode(PRIMARY, False, True, "geheim", "confidential", "."),
    StatusCode(SECONDARY, False, True, "geheim", "confidential", "."),
    StatusCode(
        "teilsumme_geheim",
        True,
        True,
        "geheim",
        "confidential",
        ".",
        "Teilsumme ohne geheime Teile",
        "partial sum without secret parts",
    ),
    StatusCode("nicht_sicher", False, True, "nicht veröffentlicht", "not published", "/"),
    StatusCode("nichts_vorhanden", True, False, "nichts vorhanden", "none", "–"),
    StatusCode("nicht_sinnvoll", False, False, "nicht sinnvoll", "not applicable", "x"),
    StatusCode("spaeter", False, False, "noch nicht verfügbar", "not yet available", "…"),
    StatusCode("fehlt", False, False, "kein Wert", "no value", "–"),
    StatusCode("nenner_null", False, False, "nicht berechenbar", "cannot be computed", "–"),
    StatusCode(
        "nenner_klein",
        True,
        False,
        "zu wenige Fälle",
        "too few cases",
        "/",
        "kleine Basis",
        "small base",
    ),
    StatusCode(
        "teilsumme_unvollstaendig",
        True,
        False,
        "unvollständig",
        "incomplete",
        "…",
        "unvollständig",
        "incomplete",
    ),
    StatusCode("unsicher", True, False, "unsicher", "uncertain", "/", "unsicher", "uncertain"),
    StatusCode(
        "vorlaeufig", True, False, "vorläufig", "provisional", "p", "vorläufig", "provisional"
    ),
    StatusCode("nicht_bewertet", False, False, "nicht bewertet", "not rated", "–"),
    StatusCode("ungueltig", False, False, "ungültig", "invalid", "x"),
)

#: Every known code → its description.
CODES: dict[str, StatusCode] = {c.code: c for c in _ALL}

#: Codes whose value must not be shown outside ``intern`` (unknown codes count too).
SECRET_CODES: frozenset[str] = frozenset(c.code for c in _ALL if c.secret)

_UNKNOWN = StatusCode("?", False, True, "nicht veröffentlicht", "not published", "/")


def _get(code: object) -> StatusCode | None:
    if code is None or (isinstance(code, float) and np.isnan(code)) or code is pd.NA:
        return None
    return CODES.get(str(code), _UNKNOWN)


def is_secret(code: object) -> bool:
    """Whether a single code hides its value outside ``intern`` (unknown codes: yes)."""
    c = _get(code)
    return bool(c is not None and c.secret)


def secret_mask(status: pd.DataFrame | pd.Series) -> pd.DataFrame | pd.Series:
    """Boolean mask of cells whose code is secret (or unknown); ``<NA>`` is not secret.

    Example
    -------
    >>> import pandas as pd
    >>> secret_mask(pd.Series(["geheim", None, "unsicher", "neu_erfunden"])).tolist()
    [True, False, False, True]
    """
    if isinstance(status, pd.DataFrame):
        if not len(status.columns):
            return status.astype(bool)
        # all cells at once (the same test as column by column, without a Series per column)
        flat = _secret_cells(status.to_numpy(dtype=object).ravel(order="F"))
        mask = flat.reshape(status.shape, order="F")
        return pd.DataFrame(mask, index=status.index, columns=status.columns)
    return pd.Series(
        _secret_cells(status.to_numpy(dtype=object)), index=status.index, name=status.name
    )


def _secret_cells(values: np.ndarray) -> np.ndarray:
    """Per cell of a flat object array: a code that is not a known public one; missing: False.

    Each distinct code is looked up once (:func:`pandas.factorize`; missing cells —
    ``None``, ``NaN``, ``<NA>`` — get the code -1, which picks the appended False).
    """
    codes, uniques = pd.factorize(values)
    secret = np.fromiter((u not in _PUBLIC for u in uniques), dtype=bool, count=len(uniques))
    return np.append(secret, False)[codes]


_PUBLIC = frozenset(c.code for c in _ALL if not c.secret)


def hidden_mask(status: pd.DataFrame | pd.Series, level: str) -> pd.DataFrame | pd.Series:
    """Cells whose value a level must not show: secret codes outside ``intern``.

    At ``intern`` nothing is hidden by status (the value, if any, is shown with its note).
    """
    check_level(level)
    m = secret_mask(status)
    return m & False if level == "intern" else m


def status_text(code: object, lang: str | None = None) -> str:
    """Text shown instead of a missing value (``kein Wert`` for ``<NA>``)."""
    lg = get_lang(lang)
    c = _get(code) or CODES["fehlt"]
    return c.text_de if lg == "de" else c.text_en


def status_note(code: object, lang: str | None = None) -> str:
    """Short note behind a shown value (``vorläufig`` …) or ``""``."""
    c = _get(code)
    if c is None:
        return ""
    return c.note_de if get_lang(lang) == "de" else c.note_en


def cell_sign(code: object) -> str:
    """Destatis-like sign of a code for tables (``.`` for secret, ``–`` for none …)."""
    c = _get(code) or CODES["fehlt"]
    return c.sign


_LEVEL_MSG = {
    "de": "Unbekannte Freigabestufe {level!r}; möglich sind: oeffentlich, kommunal, intern.",
    "en": "unknown release level {level!r}; use one of: oeffentlich, kommunal, intern.",
}


def check_level(level: str, lang: str | None = None) -> str:
    """Return ``level`` if it is a release level, else raise a clear ``InputError``."""
    if level not in RELEASE_LEVELS:
        raise InputError(_LEVEL_MSG[get_lang(lang)].format(level=level))
    return level
