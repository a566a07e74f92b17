"""Chapter "Kita-Planung" of the Sozialbericht and the Kita section of the Steckbriefe.

Numbers per area are the columns ``kita_<gruppe>_<was>[_<jahr>_<szenario>]`` of the
report's areas frame (the same columns as the result tables, the GeoPackage, the
web map and the packages; outside ``intern`` those of the checked release);
municipal figures, settings and the what-if come from ``data.planning["kita"]``.
Missing places are printed as whole places everywhere.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from sozialraum.core.numbers import format_number
from sozialraum.demography.kita import LABELS, SHORT, kita_column
from sozialraum.report.chapters import Chapter, Table

__all__ = ["kita_chapter", "kita_section"]

_W = {
    "title": {"de": "Kita-Planung", "en": "Kita planning"},
    "intro": {
        "de": "Bedarf an Betreuungsplätzen je Altersgruppe aus der Bevölkerung {base} und der "
        "Vorausberechnung (Szenario „{scen}“), Bestand {method}. Bedarfsquoten: {rates}. "
        "Fehlende Plätze = Bedarf − Bestand, wo positiv; eine Gemeinde wird als Ganzes "
        "bilanziert (ihre Plätze gegen ihren Bedarf).",
        "en": "Need for childcare places per age group from the population {base} and the "
        "projection (scenario '{scen}'), supply {method}. Demand rates: {rates}. Missing "
        "places = need − supply where positive; a municipality is balanced as a whole.",
    },
    "places": {
        "de": "Plätze im Kreis: {places}.",
        "en": "Places in the district: {places}.",
    },
    "facts": {
        "de": "Davon Inklusionsplätze: {inkl}; belegt: {belegt} ({quote}); auf Wartelisten: {wait} Kinder.",
        "en": "Inclusion places among them: {inkl}; occupied: {belegt} ({quote}); on waiting lists: {wait} children.",
    },
    "gem_caption": {
        "de": "Fehlende Plätze je {unit} und Altersgruppe, heute und künftig (Szenario „{scen}“)",
        "en": "Missing places per {unit} and age group, today and projected (scenario '{scen}')",
    },
    "scen_caption": {
        "de": "Fehlende Plätze {year} nach Szenario der Vorausberechnung (Summe der {units})",
        "en": "Missing places {year} by projection scenario (sum of {units})",
    },
    "area_caption": {
        "de": "{units} mit den meisten fehlenden Plätzen heute",
        "en": "{units} with the most missing places today",
    },
    "whatif": {"de": "Was wäre, wenn", "en": "What if"},
    "whatif_intro": {
        "de": "Geplante Änderungen: {changes}. Fehlende Plätze (Summe der {units}) vorher und "
        "nachher, gegen den heutigen und den vorausberechneten Bedarf.",
        "en": "Planned changes: {changes}. Missing places (sum of {units}) before and after, "
        "against today's and the projected need.",
    },
    "sum": {"de": "Summe", "en": "Total"},
    "group": {"de": "Altersgruppe", "en": "Age group"},
    "today": {"de": "heute", "en": "today"},
    "before": {"de": "vorher", "en": "before"},
    "after": {"de": "nachher", "en": "after"},
    "diff": {"de": "Differenz", "en": "difference"},
    "children": {"de": "Kinder", "en": "children"},
    "places_h": {"de": "Plätze", "en": "places"},
    "need_h": {"de": "Bedarf", "en": "need"},
    "missing_h": {"de": "fehlende Plätze", "en": "missing places"},
    "year": {"de": "Jahr", "en": "year"},
    "note": {
        "de": "Bedarf und fehlende Plätze sind Planungsgrößen (Kinder × Bedarfsquote), keine "
        "Fallzahlen; gerundet auf ganze Plätze.",
        "en": "Need and missing places are planning figures (children × demand rate), not "
        "case counts; rounded to whole places.",
    },
    "kinds": {
        "de": {"neu": "neue Kita", "erweiterung": "Erweiterung", "schliessung": "Schließung"},
        "en": {"neu": "new Kita", "erweiterung": "extension", "schliessung": "closure"},
    },
}


def _w(key: str, lang: str, **kw) -> str:
    text = _W[key]["de" if lang != "en" else "en"]
    return text.format(**kw) if kw else text


def _n(x, lang: str, decimals: int = 0) -> str:
    return format_number(x, decimals, lang)


_col = kita_column


def _group_label(g, lang: str) -> str:
    return f"{SHORT[g.key]['de' if lang != 'en' else 'en']} ({g.lo}–{g.hi})"


def _periods(p: Mapping) -> list[tuple[str, int | None, str | None]]:
    """(header, year, scenario) of today and each projection year in the main scenario."""
    out: list[tuple[str, int | None, str | None]] = [(str(p["base_year"]), None, None)]
    out += [(str(y), y, p["scenario"]) for y in p["years"]]
    return out


def _gemeinde_table(data, p: Mapping, lang: str) -> Table | None:
    gem = p.get("gemeinden")
    if gem is None or not len(gem):
        return None
    names = {}
    if data.gemeinden is not None and data.gemeinde_name_col in data.gemeinden.columns:
        names = data.gemeinden[data.gemeinde_name_col].astype(str).to_dict()
    per = _periods(p)
    cols = [data.territory.middle.singular]
    keys = []
    for g in p["groups"]:
        for head, y, s in per:
            cols.append(f"{_group_label(g, lang)} {head}")
            keys.append(_col(g.key, "defizit", y, s))
    rows = []
    for ags, r in gem.iterrows():
        rows.append((names.get(str(ags), str(ags)), *(_n(r.get(k), lang) for k in keys)))
    rows.append((_w("sum", lang), *(_n(np.nansum(gem[k]), lang) for k in keys)))
    unit = data.territory.middle.singular
    return Table(
        columns=tuple(cols),
        rows=tuple(rows),
        caption=_w("gem_caption", lang, unit=unit, scen=p["scenario"]),
        numeric=(False, *([True] * len(keys))),
        note=_w("note", lang),
    )


def _scenario_table(data, p: Mapping, lang: str) -> Table | None:
    gem = p.get("gemeinden")
    if gem is None or not p["years"] or not p["scenarios"]:
        return None
    year = p["years"][-1]
    cols = [_w("group", lang), *p["scenarios"]]
    rows = []
    for g in p["groups"]:
        vals = [np.nansum(gem.get(_col(g.key, "defizit", year, s), np.nan)) for s in p["scenarios"]]
        rows.append((_group_label(g, lang), *(_n(v, lang) for v in vals)))
    return Table(
        columns=tuple(cols),
        rows=tuple(rows),
        caption=_w("scen_caption", lang, year=year, units=data.territory.middle.plural),
        numeric=(False, *([True] * len(p["scenarios"]))),
    )


def _area_table(data, p: Mapping, lang: str, top: int = 10) -> Table | None:
    areas = data.areas
    keys = [_col(g.key, "defizit") for g in p["groups"]]
    if not all(k in areas.columns for k in keys):
        return None  # not released at this level
    vals = areas[keys].apply(pd.to_numeric, errors="coerce")
    total = vals.sum(axis=1, min_count=1)
    order = total[total > 0.5].sort_values(ascending=False, kind="stable").index[:top]
    if not len(order):
        return None
    name_col = data.name_col if data.name_col in areas.columns else None
    rows = []
    for k in order:
        name = str(areas.at[k, name_col]) if name_col else str(k)
        rows.append((name, *(_n(vals.at[k, c], lang) for c in keys), _n(total[k], lang)))
    return Table(
        columns=(
            data.territory.bottom.singular,
            *(_group_label(g, lang) for g in p["groups"]),
            _w("sum", lang),
        ),
        rows=tuple(rows),
        caption=_w("area_caption", lang, units=data.territory.bottom.plural),
        numeric=(False, *([True] * (len(keys) + 1))),
    )


def _whatif_section(data, p: Mapping, lang: str) -> Chapter | None:
    wi = p.get("what_if")
    if wi is None:
        return None
    kinds = _W["kinds"]["de" if lang != "en" else "en"]
    changes = "; ".join(f"{kinds[c.kind]} {c.id}" for c in wi.changes)
    rows = []
    for g in p["groups"]:
        for head, y, s in _periods(p):
            c = _col(g.key, "defizit", y, s)
            b, a = wi.frame[f"{c}_vorher"].sum(), wi.frame[f"{c}_nachher"].sum()
            rows.append(
                (
                    _group_label(g, lang),
                    head,
                    _n(b, lang),
                    _n(a, lang),
                    format_number(a - b, 0, lang, sign=True),
                )
            )
    table = Table(
        columns=(
            _w("group", lang),
            _w("year", lang),
            _w("before", lang),
            _w("after", lang),
            _w("diff", lang),
        ),
        rows=tuple(rows),
        numeric=(False, False, True, True, True),
    )
    return Chapter(
        key="kita_was_waere_wenn",
        title=_w("whatif", lang),
        paragraphs=(_w("whatif_intro", lang, changes=changes, units=data.territory.bottom.plural),),
        tables=(table,),
    )


def _intro(p: Mapping, lang: str) -> tuple[str, ...]:
    rates = ", ".join(
        f"{_group_label(g, lang)} {format_number(g.rate, 0, lang)} %" for g in p["groups"]
    )
    out = [
        _w("intro", lang, base=p["base_year"], scen=p["scenario"], method=p["method"], rates=rates)
    ]
    L = "de" if lang != "en" else "en"
    pl = p.get("places_total") or {}
    out.append(
        _w(
            "places",
            lang,
            places=", ".join(f"{LABELS[k][L]} {_n(v, lang)}" for k, v in pl.items()),
        )
    )
    f = p.get("facts") or {}
    if {"inklusion", "belegt", "warteliste"} <= set(f):
        total = sum(pl.values())
        quote = f"{format_number(f['belegt'] / total * 100, 1, lang)} %" if total else "–"
        out.append(
            _w(
                "facts",
                lang,
                inkl=_n(f["inklusion"], lang),
                belegt=_n(f["belegt"], lang),
                quote=quote,
                wait=_n(f["warteliste"], lang),
            )
        )
    return tuple(out)


def kita_chapter(data, settings: Mapping, lang: str) -> Chapter | None:
    """The chapter "Kita-Planung" (``None`` without Kita planning in this run)."""
    p = (data.planning or {}).get("kita")
    if not p:
        return None
    tables = [
        t
        for t in (
            _gemeinde_table(data, p, lang),
            _scenario_table(data, p, lang),
            _area_table(data, p, lang),
        )
        if t is not None
    ]
    wi = _whatif_section(data, p, lang)
    return Chapter(
        key="kita",
        title=_w("title", lang),
        paragraphs=_intro(p, lang),
        tables=tuple(tables),
        sections=(wi,) if wi is not None else (),
    )


def _profile_rows(values: Mapping, p: Mapping, lang: str) -> tuple[tuple[str, ...], ...]:
    rows = []
    for g in p["groups"]:
        cells = [_group_label(g, lang)]
        for what in ("zielgruppe", "bestand", "bedarf", "defizit"):
            cells.append(_n(values.get(_col(g.key, what)), lang))
        for y in p["years"]:
            cells.append(_n(values.get(_col(g.key, "defizit", y, p["scenario"])), lang))
        rows.append(tuple(cells))
    return tuple(rows)


def kita_section(data, unit: str, key: str, settings: Mapping, lang: str) -> Chapter | None:
    """The Kita section of a Steckbrief (area or municipality)."""
    p = (data.planning or {}).get("kita")
    if not p:
        return None
    if unit == "gemeinde":
        gem = p.get("gemeinden")
        if gem is None or str(key) not in gem.index.astype(str):
            return None
        values = gem.set_axis(gem.index.astype(str)).loc[str(key)].to_dict()
    else:
        areas = data.areas
        if _col(p["groups"][0].key, "defizit") not in areas.columns:
            return None  # not released at this level
        values = areas.loc[key].to_dict()
    b = p["base_year"]
    cols = (
        _w("group", lang),
        f"{_w('children', lang)} {b}",
        f"{_w('places_h', lang)}",
        f"{_w('need_h', lang)} {b}",
        f"{_w('missing_h', lang)} {b}",
        *(f"{_w('missing_h', lang)} {y}" for y in p["years"]),
    )
    return Chapter(
        key="kita",
        title=_w("title", lang),
        paragraphs=(p["method"],),
        tables=(
            Table(
                columns=cols,
                rows=_profile_rows(values, p, lang),
                numeric=(False, *([True] * (len(cols) - 1))),
                note=_w("note", lang),
            ),
        ),
    )
