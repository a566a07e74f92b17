"""The planning topics' chapters (Sozialbericht) and sections (Steckbriefe), in reading order.

Each topic lives in its own module here and is listed once below: a chapter builder
``(data, settings, lang) -> Chapter | None`` in :data:`REPORT_CHAPTERS`, a section
builder ``(data, unit, key, settings, lang) -> Chapter | None`` in
:data:`PROFILE_SECTIONS` (the types are in :mod:`sozialraum.report.chapters`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
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
    "list_profile_sections",
    "finish_profile_sections",
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


@dataclasses.dataclass(frozen=True)
class _Listed:
    """A section built while its charts were only listed (its figures have no image yet)."""

    section: Chapter
    jobs: tuple  # the charts listed while it was built: ((key, fmt), make), in order
    build: Callable


def list_profile_sections(
    data, unit: str, key: str, settings: Mapping | None, lang: str, jobs: list
) -> list[_Listed]:
    """The sections of :func:`profile_sections`, built inside :func:`~sozialraum.report.charts.collecting`.

    ``jobs`` is the list the block yields; the charts each section lists are kept
    with it, so that :func:`finish_profile_sections` gives the section its images
    once they are drawn, without building it again.
    """
    out = []
    for _key, build in _selected(PROFILE_SECTIONS, settings or {}):
        n0 = len(jobs)
        sec = build(data, unit, key, settings or {}, lang)
        if sec is not None:
            out.append(_Listed(sec, tuple(jobs[n0:]), build))
    return out


def _imageless(ch: Chapter) -> list:
    """The figures of ``ch`` (and its sub-sections) without an image, in order."""
    out = [f for f in ch.figures if not f.uri]
    for sub in ch.sections:
        out += _imageless(sub)
    return out


def _with_image(ch: Chapter, uri: str) -> Chapter:
    """``ch`` with ``uri`` as the image of its one figure without an image."""
    figs = tuple(dataclasses.replace(f, uri=uri) if not f.uri else f for f in ch.figures)
    subs = tuple(_with_image(s, uri) for s in ch.sections)
    return dataclasses.replace(ch, figures=figs, sections=subs)


def finish_profile_sections(
    listed: Sequence[_Listed], data, unit: str, key: str, settings: Mapping | None, lang: str
) -> list[Chapter]:
    """The sections of :func:`list_profile_sections` with the images of their charts.

    A section that listed one chart and has one figure without an image gets that
    chart's image (drawn ahead into the shared cache, or drawn now); one without
    charts is complete as it is. Any other section is built again, so the result is
    always that of :func:`profile_sections`.
    """
    from sozialraum.report.charts import cached_uri

    out = []
    for item in listed:
        sec, jobs = item.section, item.jobs
        empty = _imageless(sec)
        if not jobs and not empty:
            out.append(sec)
        elif len(jobs) == 1 and len(empty) == 1:
            (full, make) = jobs[0]
            uri = cached_uri(full[0], make, full[1])
            out.append(_with_image(sec, uri or ""))
        else:
            again = item.build(data, unit, key, settings or {}, lang)
            if again is not None:
                out.append(again)
    return out
