"""Bilingual (German / English) user-facing messages.

Every text a planner reads — error messages, warnings, reports, legends, CLI
output — is looked up here rather than written inline, so that German is the
default and English is always available.

There is no mutable module state: the language is taken from the ``lang``
argument, falling back to the environment variable ``SOZIALRAUM_LANG``
(``de`` or ``en``), falling back to German.

Each module keeps its own message table (a plain ``dict``) next to its code::

    _MSG = {
        "missing_crs": {
            "de": "{file}: Die Geometrien haben kein Koordinatensystem (CRS).",
            "en": "{file}: the geometries have no coordinate reference system (CRS).",
        },
    }
    raise InputError(t(_MSG, "missing_crs", file=path))
"""

from __future__ import annotations

import os
from collections.abc import Mapping

LANGUAGES = ("de", "en")


def get_lang(lang: str | None = None) -> str:
    """Return the effective language code (``"de"`` or ``"en"``).

    Parameters
    ----------
    lang
        Explicit choice; ``None`` uses ``$SOZIALRAUM_LANG`` or German.
    """
    choice = (lang or os.environ.get("SOZIALRAUM_LANG") or "de").lower()[:2]
    if choice not in LANGUAGES:
        raise ValueError(f"Unbekannte Sprache / unknown language: {lang!r} (de, en)")
    return choice


def t(
    table: Mapping[str, Mapping[str, str]], key: str, lang: str | None = None, /, **kwargs
) -> str:
    """Look up message ``key`` in ``table`` and format it with ``kwargs``.

    Parameters
    ----------
    table
        The module's message table: ``{key: {"de": ..., "en": ...}}``.
    key
        Message key.
    lang
        Language code; see :func:`get_lang`.
    **kwargs
        Values for the ``str.format`` placeholders.
    """
    entry = table[key]
    text = entry[get_lang(lang)]
    return text.format(**kwargs) if kwargs else text
