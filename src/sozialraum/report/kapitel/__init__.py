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
from sozialraum.report.kapitel.empfehlungen import empfehlungen_chapter, empfehlungen_section
from sozialraum.report.kapitel.massnahmen import massnahmen_chapter, massnahmen_section
from sozialraum.report.kapitel.prioritaet import prioritaet_chapter, prioritaet_section

__all__ = [
    "REPORT_CHAPTERS",
    "PROFILE_SECTIONS",
    "report_chapters",
    "profile_sections",
    "chapter_keys",
]

#: ``(key, builder)`` of every extra Sozialbericht chapter, in reading order.
REPORT_CHAPTERS: tuple = (
    ("empfehlungen", empfehlungen_chapter),
    ("prioritaet", prioritaet_chapter),
    ("massnahmen", massnahmen_chapter),
)

#: ``(key, builder)`` of every extra Steckbrief section, in reading order.
PROFILE_SECTIONS: tuple = (
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
