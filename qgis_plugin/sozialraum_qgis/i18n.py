"""Language of the plugin's texts (German by default, English available).

The language is taken from ``$SOZIALRAUM_LANG`` (``de``/``en``), else the QGIS
setting ``sozialraum/lang``, else the QGIS user interface locale (German for
``de*``, English for any other explicitly set locale), else German. The same
language is passed to the library (``lang=``) so that error messages, class
labels and legends match the dialogs.
"""

from __future__ import annotations

import os


def get_lang() -> str:
    """Return ``"de"`` or ``"en"`` (see module docstring)."""
    env = (os.environ.get("SOZIALRAUM_LANG") or "").lower()[:2]
    if env in ("de", "en"):
        return env
    try:
        from qgis.core import QgsSettings

        s = QgsSettings()
        own = str(s.value("sozialraum/lang", "") or "").lower()[:2]
        if own in ("de", "en"):
            return own
        loc = str(s.value("locale/userLocale", "") or "").lower()
        if loc.startswith("de"):
            return "de"
        if loc and str(s.value("locale/overrideFlag", "false")).lower() == "true":
            return "en"
    except Exception:  # noqa: BLE001 - never fail on a settings problem
        pass
    return "de"


def tr(table: dict, key: str, lang: str | None = None, /, **kwargs) -> str:
    """Look up ``table[key][lang]`` and format it with ``kwargs``."""
    text = table[key][lang or get_lang()]
    return text.format(**kwargs) if kwargs else text
