"""Chapters of the Sozialbericht and sections of the Steckbriefe beyond the monitor core.

The core of the report (summary, maps, ranking, types, change, access, methods) is
built in :mod:`sozialraum.report.bericht`; every planning topic (Kita, care,
demography, recommendations, measures, youth welfare …) adds its own chapter and
profile section through one small interface instead of editing those templates:

* a **chapter builder** ``(data, settings, lang) -> Chapter | None`` for the
  Sozialbericht,
* a **section builder** ``(data, unit, key, settings, lang) -> Chapter | None`` for a
  Steckbrief (``unit`` is ``"sozialraum"`` for the bottom level, ``"gemeinde"`` for
  the middle level).

The builders are listed, in reading order, in :mod:`sozialraum.report.kapitel`,
which also runs them (:func:`~sozialraum.report.kapitel.report_chapters`,
:func:`~sozialraum.report.kapitel.profile_sections`).
A builder returns ``None`` when its topic has no data in this run. It reads only
``data`` — at every level but ``intern`` the frames of a checked
:class:`~sozialraum.privacy.Release` — and ``data.planning``, which the pipeline fills
per release level with what that level may show. Text is escaped by the templates
(autoescape); :class:`Table` cells are plain strings already formatted in the
report language (:func:`sozialraum.core.numbers.format_number`).

The setting ``kapitel`` (a list of chapter keys, from ``[bericht] kapitel`` in the
run's configuration) selects and orders the chapters; without it every chapter that
has data appears.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

__all__ = [
    "Chapter",
    "Figure",
    "Table",
    "ChapterBuilder",
    "SectionBuilder",
]


@dataclass(frozen=True)
class Table:
    """A table of formatted cells.

    Parameters
    ----------
    columns
        Column headers.
    rows
        Rows of cell texts (same length as ``columns``).
    caption
        Caption above the table.
    numeric
        Per column ``True`` where the column holds numbers (right-aligned).
    note
        A note below the table (e.g. "nicht kausal", "geschätzt").
    """

    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    caption: str = ""
    numeric: tuple[bool, ...] = ()
    note: str = ""

    def is_numeric(self, i: int) -> bool:
        """Whether column ``i`` is right-aligned."""
        return bool(self.numeric[i]) if i < len(self.numeric) else False


@dataclass(frozen=True)
class Figure:
    """An image (data URI or relative path) with its text alternative."""

    uri: str
    alt: str
    caption: str = ""


@dataclass(frozen=True)
class Chapter:
    """A chapter of the report or a section of a profile.

    ``key`` is stable (used by ``[bericht] kapitel`` and as HTML id);
    ``sections`` are sub-chapters (``<h3>``). ``rich`` holds planner text already
    rendered by :func:`sozialraum.core.markdown.to_html` (``markupsafe.Markup``, printed
    after the paragraphs); a plain string there is escaped like any other text.
    """

    key: str
    title: str
    paragraphs: tuple[str, ...] = ()
    tables: tuple[Table, ...] = ()
    figures: tuple[Figure, ...] = ()
    sections: tuple[Chapter, ...] = ()
    notes: tuple[str, ...] = ()
    rich: tuple[Any, ...] = ()


ChapterBuilder = Callable[[Any, Mapping, str], "Chapter | None"]
SectionBuilder = Callable[[Any, str, str, Mapping, str], "Chapter | None"]
