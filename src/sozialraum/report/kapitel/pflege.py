"""Chapter "Pflege" of the Sozialbericht and the care section of the Steckbriefe.

Reads ``data.planning["pflege"]`` (settings, district and municipality totals, filled
by the run's ``[pflege]`` step) and the per-area columns ``pflegebeduerftige_<year>``
and ``pflege_defizit_<form>_<year>`` of ``data.areas`` — at every level but
``intern`` the columns of the checked release, so an area's people in need are
shown only where the release shows them (small estimates are suppressed like
counts). The deficit printed is the one of the area table (one number per area,
form of care and year in every product).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from sozialraum.core.numbers import format_number
from sozialraum.demography.care import deficit_column as deficit_col
from sozialraum.demography.care import need_column as need_col
from sozialraum.report.cells import cell
from sozialraum.report.chapters import Chapter, Table

__all__ = ["pflege_chapter", "pflege_section"]

#: Areas listed in the chapter's table (largest deficit in the last year first).
TOP_AREAS = 15


def _w(de: bool, a: str, b: str) -> str:
    return a if de else b


def _num(v, d: int, lang: str) -> str:
    return format_number(v, d, lang) if v is not None and np.isfinite(v) else "–"


def _intro(p: Mapping, de: bool) -> tuple[str, ...]:
    years = ", ".join(str(y) for y in p["years"])
    out = [
        _w(
            de,
            "Die Zahl der Pflegebedürftigen je Gebiet ist eine Schätzung: die Pflegequoten nach "
            f"Alter und Geschlecht ({p.get('source') or 'Prävalenztabelle'}) mal die Bevölkerung "
            f"des Berichtsjahres und der Vorausberechnung (Szenario „{p['scenario']}“) für "
            f"{years}. Es sind keine gezählten Fälle.",
            "The number of people in need of care per area is an estimate: the care rates by age "
            f"and sex ({p.get('source') or 'prevalence table'}) times the population of the report "
            f"year and of the projection (scenario '{p['scenario']}') for {years}. These are not "
            "counted cases.",
        )
    ]
    if p.get("method"):
        out.append(
            _w(
                de,
                f"Plätze nach Angebotsart gegen den Bedarf: {p['method']}. Fehlende Plätze je "
                "Gebiet sind dieselben Zahlen wie in Tabellen, Karte und Steckbriefen.",
                f"Places by type against need: {p['method']}. Missing places per area are the same "
                "numbers as in the tables, the map and the profiles.",
            )
        )
    return tuple(out)


def _district_table(p: Mapping, de: bool, lang: str) -> Table:
    years = p["years"]
    dist = p["district"]
    rows = [
        (
            _w(de, "Pflegebedürftige insgesamt", "people in need of care"),
            *(_num(dist[y]["pflegebeduerftige"], 0, lang) for y in years),
        )
    ]
    for f in p["forms"]:
        rows.append(
            (
                f"  {p['form_labels'].get(f, f)}",
                *(_num(dist[y].get(f"pflege_{f}"), 0, lang) for y in years),
            )
        )
    for f in p.get("supply_forms", []):
        lab = p["form_labels"].get(f, f)
        rows.append(
            (
                _w(de, f"Bedarf an Plätzen: {lab}", f"places needed: {lab}"),
                *(_num(dist[y].get(f"bedarf_{f}"), 0, lang) for y in years),
            )
        )
        rows.append(
            (
                _w(de, f"fehlende Plätze: {lab}", f"missing places: {lab}"),
                *(_num(dist[y].get(f"defizit_{f}"), 0, lang) for y in years),
            )
        )
    return Table(
        columns=("", *(str(y) for y in years)),
        rows=tuple(rows),
        caption=_w(de, "Pflegebedürftige und Plätze im Kreis", "People in need and places"),
        numeric=(False, *([True] * len(years))),
        note=_w(
            de,
            "Fehlende Plätze: Summe der Defizite der Gebiete (Überhänge gleichen sie nicht aus).",
            "Missing places: sum of the areas' deficits (surpluses do not offset them).",
        ),
    )


def _gemeinden_table(data, p: Mapping, de: bool, lang: str) -> Table | None:
    g = p.get("gemeinden")
    if g is None or not len(g) or data.level != "intern":
        return None  # a municipality's total less its shown areas would reveal a suppressed one
    years = p["years"]
    rows = []
    for gkey in g.index:
        cells = []
        for y in years:
            v = g.at[gkey, need_col(y)] if need_col(y) in g.columns else np.nan
            cells.append(_num(v, 0, lang))
        rows.append((data.gemeinde_name(str(gkey)), *cells))
    return Table(
        columns=(
            data.territory.middle.singular if de else data.territory.middle.english,
            *map(str, years),
        ),
        rows=tuple(rows),
        caption=_w(
            de,
            f"Pflegebedürftige je {data.territory.middle.singular}",
            f"People in need per {data.territory.middle.english}",
        ),
        numeric=(False, *([True] * len(years))),
        note=_w(de, "geschätzt", "estimates"),
    )


def _areas_table(data, p: Mapping, de: bool, lang: str) -> Table | None:
    a = data.areas
    base, last = p["base_year"], p["years"][-1]
    defs = [deficit_col(f, last) for f in p.get("supply_forms", [])]
    cols = [c for c in (need_col(base), need_col(last), *defs) if c in a.columns]
    if need_col(last) not in cols:
        return None  # this level does not show the areas' values
    order = a[defs].sum(axis=1, min_count=1) if defs else a[need_col(last)]
    keys = pd.to_numeric(order, errors="coerce").sort_values(ascending=False, kind="stable")
    rows = []
    for key in list(keys.index)[:TOP_AREAS]:
        txt = [
            cell(a.at[key, c], data.cell_status(key, c), data.level, "", 0, lang)[0] for c in cols
        ]
        rows.append((data.name(key), *txt))
    heads = {need_col(base): _w(de, f"Pflegebed. {base}", f"in need {base}")}
    heads[need_col(last)] = _w(de, f"Pflegebed. {last}", f"in need {last}")
    for f in p.get("supply_forms", []):
        lab = p["form_labels"].get(f, f)
        heads[deficit_col(f, last)] = _w(de, f"fehlend {lab} {last}", f"missing {lab} {last}")
    return Table(
        columns=(
            data.territory.bottom.singular if de else data.territory.bottom.english,
            *(heads[c] for c in cols),
        ),
        rows=tuple(rows),
        caption=_w(
            de,
            f"Gebiete mit den meisten fehlenden Pflegeplätzen {last}",
            f"Areas with the most missing care places in {last}",
        ),
        numeric=(False, *([True] * len(cols))),
        note=_w(de, "Pflegebedürftige geschätzt.", "People in need: estimates."),
    )


def pflege_chapter(data, settings: Mapping, lang: str) -> Chapter | None:
    """The Sozialbericht chapter "Pflege" (``None`` without ``[pflege]``)."""
    p = (data.planning or {}).get("pflege")
    if not p:
        return None
    de = lang != "en"
    tables = [_district_table(p, de, lang)]
    for t in (_gemeinden_table(data, p, de, lang), _areas_table(data, p, de, lang)):
        if t is not None:
            tables.append(t)
    return Chapter(
        key="pflege",
        title=_w(de, "Pflege", "Care"),
        paragraphs=_intro(p, de),
        tables=tuple(tables),
    )


def _section_rows(data, p: Mapping, key: str, de: bool, lang: str) -> list[tuple[str, ...]]:
    a = data.areas
    years = p["years"]
    rows = []
    specs = [(_w(de, "Pflegebedürftige (geschätzt)", "people in need (estimate)"), need_col)]
    for f in p.get("supply_forms", []):
        lab = p["form_labels"].get(f, f)
        specs.append(
            (
                _w(de, f"fehlende Plätze: {lab}", f"missing places: {lab}"),
                lambda y, f=f: deficit_col(f, y),
            )
        )
    for label_, col_of in specs:
        cols = [col_of(y) for y in years]
        if not any(c in a.columns for c in cols):
            continue
        txt = [
            cell(a.at[key, c], data.cell_status(key, c), data.level, "", 0, lang)[0]
            if c in a.columns
            else "–"
            for c in cols
        ]
        rows.append((label_, *txt))
    return rows


def pflege_section(data, unit: str, key: str, settings: Mapping, lang: str) -> Chapter | None:
    """The Steckbrief section "Pflege": people in need and missing places per year."""
    p = (data.planning or {}).get("pflege")
    if not p:
        return None
    de = lang != "en"
    years = p["years"]
    if unit == "sozialraum":
        if key not in data.areas.index:
            return None
        rows = _section_rows(data, p, key, de, lang)
    else:
        g = p.get("gemeinden")
        if g is None or key not in g.index or data.level != "intern":
            return None  # totals less the shown areas would reveal a suppressed area
        vals = [g.at[key, need_col(y)] if need_col(y) in g.columns else np.nan for y in years]
        rows = [
            (
                _w(de, "Pflegebedürftige (geschätzt)", "people in need (estimate)"),
                *(_num(v, 0, lang) for v in vals),
            )
        ]
    if not rows:
        return None
    return Chapter(
        key="pflege",
        title=_w(de, "Pflege", "Care"),
        tables=(
            Table(
                columns=("", *map(str, years)),
                rows=tuple(rows),
                numeric=(False, *([True] * len(years))),
                note=_w(
                    de,
                    f"Szenario „{p['scenario']}“; Schätzung aus Pflegequoten × Bevölkerung.",
                    f"scenario '{p['scenario']}'; estimate from care rates × population.",
                ),
            ),
        ),
    )
