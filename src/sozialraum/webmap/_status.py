"""Texts shown instead of (or beside) a value with a status code."""

from __future__ import annotations

from sozialraum._i18n import get_lang

_TEXT = {
    "geheim": {"de": "geheim", "en": "confidential"},
    "teilsumme_geheim": {"de": "geheim", "en": "confidential"},
    "nicht_sicher": {"de": "nicht veröffentlicht", "en": "not published"},
    "nichts_vorhanden": {"de": "nichts vorhanden", "en": "none"},
    "nicht_sinnvoll": {"de": "nicht sinnvoll", "en": "not applicable"},
    "spaeter": {"de": "noch nicht verfügbar", "en": "not yet available"},
    "fehlt": {"de": "kein Wert", "en": "no value"},
    "nenner_null": {"de": "nicht berechenbar", "en": "cannot be computed"},
    "nenner_klein": {"de": "nicht berechnet (kleine Basis)", "en": "not computed (small base)"},
    "teilsumme_unvollstaendig": {"de": "unvollständig", "en": "incomplete"},
}
# notes behind a value that is shown
_NOTE = {
    "unsicher": {"de": "unsicher", "en": "uncertain"},
    "vorlaeufig": {"de": "vorläufig", "en": "provisional"},
    "teilsumme_unvollstaendig": {"de": "unvollständig", "en": "incomplete"},
    "nenner_klein": {"de": "kleine Basis", "en": "small base"},
}


def status_text(code: str | None, lang: str | None = None, *, note: bool = False) -> str:
    """Text for a status code; unknown codes read ``nicht veröffentlicht`` (safe side).

    With ``note=True`` returns the short note written behind a shown value
    (``unsicher``, ``vorläufig`` …) or ``""``.
    """
    lg = get_lang(lang)
    if note:
        return _NOTE.get(code or "", {}).get(lg, "")
    if code is None:
        return _TEXT["fehlt"][lg]
    return _TEXT.get(code, _TEXT["nicht_sicher"])[lg]
