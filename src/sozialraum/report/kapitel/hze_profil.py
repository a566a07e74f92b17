"""Steckbrief section "Hilfen zur Erziehung": the municipality's HzE figures.

Reads ``data.planning["hze"]`` like the Sozialbericht chapter
(:mod:`sozialraum.report.kapitel.hze`) and shows only cells of that chapter's
table: the municipality's running, new and ended cases (all types of help) and its
rate per 1,000 under 21, beside the district's. Outside ``intern`` a cell is shown
only if it passed the chapter's protection (:func:`~sozialraum.report.kapitel.hze.hze_hidden`,
the one :func:`~sozialraum.privacy.tables.protect_table` of the chapter), so a
profile never shows a count the report hides and never a new cell from which one
could be computed. Area profiles get the section only internally (the area's own
figures first): a planning area's youth-welfare counts are tiny and no release
level above ``intern`` shows them.
"""

from __future__ import annotations

import pandas as pd

from sozialraum.core.numbers import format_number
from sozialraum.report.chapters import Chapter, Table
from sozialraum.report.kapitel.hze import hze_hidden
from sozialraum.report.memo import memoized

__all__ = ["hze_section", "hze_section_cells"]

_M = ("laufend", "neu", "beendet")

_T = {
    "title": ("Hilfen zur Erziehung", "Educational support (HzE)"),
    "caption": ("Hilfen nach dem SGB VIII, {year}", "Help under SGB VIII, {year}"),
    "unit": ("Gebiet", "Unit"),
    "run": ("laufend", "running"),
    # no bare numbers in the texts: the release checker reads every number of a profile
    "rate": ("je 1.000 unter 21 Jahren", "per 1,000 (under 21)"),
    "new": ("begonnen", "new"),
    "end": ("beendet", "ended"),
    "note": (
        "Alle Hilfearten nach dem SGB VIII einschließlich der Inobhutnahmen; Quelle: "
        "Jugendamt. Die Hilfen je Hilfeart stehen im Sozialbericht.",
        "All types of help under SGB VIII including taking into care; source: youth office. "
        "Help by type is in the social report.",
    ),
    "secret": (
        "Fallzahlen unter {min} und Werte, aus denen sie sich errechnen ließen, sind mit "
        "„•“ gesperrt.",
        "Counts below {min} and values from which they could be computed are shown as '•'.",
    ),
}


def _w(key: str, lang: str, **kw) -> str:
    s = _T[key][1 if lang == "en" else 0]
    return s.format(**kw) if kw else s


def _year(data, res) -> int:
    year = int(data.year or max(res.years))
    return year if year in res.years else max(res.years)


def _gemeinde_of(data, unit: str, key: str) -> str | None:
    if unit == "gemeinde":
        return str(key)
    a = data.areas
    if data.gemeinde_col in a.columns and key in a.index:
        return str(a.at[key, data.gemeinde_col])
    return None


def hze_section_cells(data, unit: str, key: str) -> list[tuple[str, tuple]]:
    """The rows of the section: ``(level, cell id prefix)`` per row, top to bottom.

    The cell ids are those of the chapter (``("g", municipality)``, ``("k", "gesamt")``);
    an area row (``("s", area)``) exists only in ``intern``.
    """
    gem = _gemeinde_of(data, unit, key)
    rows: list[tuple[str, tuple]] = []
    if unit == "sozialraum":
        rows.append(("sozialraum", ("s", str(key))))
    if gem is not None:
        rows.append(("gemeinde", ("g", gem)))
    rows.append(("kreis", ("k", "gesamt")))
    return rows


def _figure(res, year: int, level: str, ident: str):
    """The row of ``ident`` over all types of help (``None`` if there is none)."""
    rows, first = memoized(res, ("hze-gesamt", level, year), lambda: _first_rows(res, year, level))
    i = first.get(ident)
    return None if i is None else rows.iloc[i]


def _first_rows(res, year: int, level: str) -> tuple[pd.DataFrame, dict]:
    """The rows of all types of help of one level and year, and the first row per key."""
    f = res.at(level, year)
    key_col = "art" if level == "kreis" else "schluessel"
    rows = f[f["art"] == "gesamt"]
    first: dict = {}
    for i, k in enumerate(rows[key_col]):
        first.setdefault(k, i)
    return rows, first


def _row_name(data, level: str, ident: str, names: dict, lang: str) -> str:
    terr = data.territory
    if level == "kreis":
        return terr.top.named(terr.name, lang)
    if level == "gemeinde":
        return terr.middle.named(str(names.get(ident) or data.gemeinde_name(ident)), lang)
    return terr.bottom.named(data.name(ident), lang)


def hze_section(data, unit: str, key: str, settings, lang: str) -> Chapter | None:
    """Section "Hilfen zur Erziehung" of a municipality's profile (``None`` without ``[hze]``).

    Area profiles get it only at ``intern``.
    """
    p = (data.planning or {}).get("hze")
    if not p:
        return None
    intern = data.level == "intern"
    if unit != "gemeinde" and not intern:
        return None
    res = p["result"]
    year = _year(data, res)
    threshold = int(p["threshold"])
    hidden = (  # the chapter's protection, once per level
        pd.Series(dtype=bool)
        if intern
        else memoized(
            res, ("hze-hidden", year, threshold), lambda: hze_hidden(res, year, threshold)
        )
    )
    rows = []
    for level, cell in hze_section_cells(data, unit, key):
        r = _figure(res, year, level, "gesamt" if level == "kreis" else cell[1])
        if r is None:
            continue
        h = {m: bool(hidden.get((*cell, m), False)) for m in _M}

        def fmt(v, hid, d):
            return "•" if hid else format_number(v, d, lang)

        rows.append(
            (
                _row_name(data, level, cell[1], p.get("names") or {}, lang),
                fmt(r["laufend"], h["laufend"], 0),
                fmt(r["je_1000_u21"], h["laufend"], 1),
                fmt(r["neu"], h["neu"], 0),
                fmt(r["beendet"], h["beendet"], 0),
            )
        )
    if not rows:
        return None
    table = Table(
        columns=(
            _w("unit", lang),
            _w("run", lang),
            _w("rate", lang),
            _w("new", lang),
            _w("end", lang),
        ),
        rows=tuple(rows),
        caption=_w("caption", lang, year=year),
        numeric=(False, True, True, True, True),
        note=_w("note", lang),
    )
    notes = () if intern else (_w("secret", lang, min=int(p["threshold"]) + 1),)
    return Chapter(key="hze", title=_w("title", lang), tables=(table,), notes=notes)
