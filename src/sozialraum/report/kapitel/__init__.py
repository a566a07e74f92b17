"""The planning topics' chapters (Sozialbericht) and sections (Steckbriefe), in reading order.

Each topic lives in its own module here and is listed once below: a chapter builder
``(data, settings, lang) -> Chapter | None`` in :data:`REPORT_CHAPTERS`, a section
builder ``(data, unit, key, settings, lang) -> Chapter | None`` in
:data:`PROFILE_SECTIONS` (the types are in :mod:`sozialraum.report.chapters`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sozialraum.report.chapters import Chapter
from sozialraum.report.kapitel.angebote import offers_chapter
from sozialraum.report.kapitel.demografie import demography_chapter, demography_section
from sozialraum.report.kapitel.empfehlungen import empfehlungen_chapter, empfehlungen_section
from sozialraum.report.kapitel.hze import hze_chapter
from sozialraum.report.kapitel.hze_profil import hze_section
from sozialraum.report.kapitel.kita import kita_chapter, kita_section
from sozialraum.report.kapitel.massnahmen import massnahmen_chapter, massnahmen_section
from sozialraum.report.kapitel.pflege import pflege_chapter, pflege_section
from sozialraum.report.kapitel.prioritaet import prioritaet_chapter, prioritaet_section
from sozialraum.report.kapitel.regionen import offers_section, regions_chapter, regions_section
from sozialraum.report.kapitel.schulen import schools_chapter, schools_section
from sozialraum.report.kapitel.trends import trends_chapter, trends_section

__all__ = [
    "REPORT_CHAPTERS",
    "PROFILE_SECTIONS",
    "report_chapters",
    "profile_sections",
    "chapter_keys",
]

#: ``(key, builder)`` of every extra Sozialbericht chapter, in reading order.
REPORT_CHAPTERS: tuple = (
    ("demografie", demography_chapter),
    ("kita", kita_chapter),
    ("schulen", schools_chapter),
    ("pflege", pflege_chapter),
    ("trends", trends_chapter),
    ("regionen", regions_chapter),
    ("hze", hze_chapter),
    ("angebote", offers_chapter),
    ("empfehlungen", empfehlungen_chapter),
    ("prioritaet", prioritaet_chapter),
    ("massnahmen", massnahmen_chapter),
)

#: ``(key, builder)`` of every extra Steckbrief section, in reading order.
PROFILE_SECTIONS: tuple = (
    ("demografie", demography_section),
    ("kita", kita_section),
    ("schulen", schools_section),
    ("pflege", pflege_section),
    ("trends", trends_section),
    ("regionen", regions_section),
    ("angebote", offers_section),
    ("hze", hze_section),
    ("prioritaet", prioritaet_section),
    ("massnahmen", massnahmen_section),
    ("empfehlungen", empfehlungen_section),
)


def _selected(items: Sequence[tuple[str, Any]], settings: Mapping) -> list[tuple[str, Any]]:
    wanted = settings.get("kapitel") if settings else None
    if not wanted:
        return list(items)
    by_key = dict(items)
    return [(k, by_key[k]) for k in wanted if k in by_key]


def chapter_keys() -> list[str]:
    """The keys of every chapter a Sozialbericht can have beyond the core, in order."""
    return [k for k, _ in REPORT_CHAPTERS]


def report_chapters(data, settings: Mapping | None, lang: str) -> list[Chapter]:
    """The extra chapters of the Sozialbericht that have data, in reading order.

    ``settings["kapitel"]`` (a list of keys) selects and orders them.
    """
    out = []
    for _key, build in _selected(REPORT_CHAPTERS, settings or {}):
        ch = build(data, settings or {}, lang)
        if ch is not None:
            out.append(ch)
    return out


def profile_sections(
    data, unit: str, key: str, settings: Mapping | None, lang: str
) -> list[Chapter]:
    """The extra sections of the Steckbrief of ``key`` (``unit``: "sozialraum"/"gemeinde")."""
    out = []
    for _key, build in _selected(PROFILE_SECTIONS, settings or {}):
        sec = build(data, unit, key, settings or {}, lang)
        if sec is not None:
            out.append(sec)
    return out
