"""A district's own report templates and settings from ``[bericht]`` in ``monitor.toml``.

The run passes the template folder and the settings to
:func:`~sozialraum.report.write_sozialbericht` and
:func:`~sozialraum.report.write_steckbriefe` (see :mod:`sozialraum.report.render`):

``vorlagen``  folder searched before the built-in templates (``_kopf.html.j2``,
              ``style.css``, ``einstellungen.toml`` …)
``logo``, ``farbe_primaer``, ``farbe_akzent``, ``organisation``, ``fusszeile``,
``titel``, ``vorwort``  wording and look
``kapitel``   selection and order of the extra chapters and profile sections
              (keys of :mod:`sozialraum.report.kapitel`)
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path

from sozialraum._i18n import t
from sozialraum.core.doors import knob
from sozialraum.errors import ConfigError

__all__ = ["ReportOptions", "report_options", "known_chapter_keys"]

_MSG = {
    "chapter": {
        "de": "{key}: Kapitel {name!r} gibt es nicht; bekannt sind: {have}.{hint}",
        "en": "{key}: there is no chapter {name!r}; known: {have}.{hint}",
    },
    "hint": {"de": " Meinten Sie {s!r}?", "en": " Did you mean {s!r}?"},
    "colour": {
        "de": '[bericht] {key} = {value!r}: erwartet eine Farbe wie "#1f4e79".',
        "en": '[bericht] {key} = {value!r}: expected a colour such as "#1f4e79".',
    },
}

_COLOUR = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")


@dataclass(frozen=True)
class ReportOptions:
    """Template folder and settings of the run's Steckbriefe and Sozialbericht."""

    template_dir: Path | None = None
    settings: dict = field(default_factory=dict)
    title: str | None = None

    def kwargs(self) -> dict:
        """Keyword arguments for ``write_sozialbericht`` / ``write_steckbriefe``."""
        return {"template_dir": self.template_dir, "settings": dict(self.settings)}


def known_chapter_keys() -> list[str]:
    """Keys of every extra chapter and profile section (``[bericht] kapitel``)."""
    from sozialraum.report.kapitel import PROFILE_SECTIONS, REPORT_CHAPTERS

    out: list[str] = []
    for k, _b in (*REPORT_CHAPTERS, *PROFILE_SECTIONS):
        if k not in out:
            out.append(k)
    return out


def report_options(config, lang: str | None = None) -> ReportOptions:
    """The ``[bericht]`` section as :class:`ReportOptions`, checked.

    Raises
    ------
    ConfigError
        An unknown chapter key (with the closest known one) or a colour that is no
        ``#rrggbb``; a missing template folder or logo is refused when the file is read.
    """
    b = (config.get("bericht") if config is not None else None) or {}
    settings: dict = {}
    if b.get("logo"):
        settings["logo"] = str(b["logo"])
    colours = {}
    for key, name in (("farbe_primaer", "primaer"), ("farbe_akzent", "akzent")):
        v = b.get(key)
        if v:
            if not _COLOUR.match(v):
                raise ConfigError(
                    t(_MSG, "colour", lang, key=key, value=v), file=_file(config), column=key
                )
            colours[name] = v
    if colours:
        settings["farben"] = colours
    for key in ("organisation", "fusszeile", "vorwort"):
        if b.get(key):
            settings[key] = b[key]
    if b.get("kapitel"):
        settings["kapitel"] = _checked_chapters(list(b["kapitel"]), lang, _file(config))
    return ReportOptions(template_dir=b.get("vorlagen"), settings=settings, title=b.get("titel"))


def _file(config) -> str | None:
    p = getattr(config, "path", None)
    return str(p) if p is not None else None


def _checked_chapters(wanted: list[str], lang, file: str | None) -> list[str]:
    have = known_chapter_keys()
    for name in wanted:
        if name not in have:
            sugg = difflib.get_close_matches(name, have, n=1)
            hint = t(_MSG, "hint", lang, s=sugg[0]) if sugg else ""
            raise ConfigError(
                t(
                    _MSG,
                    "chapter",
                    lang,
                    key=knob("report_chapters", lang),
                    name=name,
                    hint=hint,
                    have=", ".join(have) or "–",
                ),
                file=file,
                column="kapitel",
            )
    return wanted
