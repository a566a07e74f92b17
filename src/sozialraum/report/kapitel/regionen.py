"""Chapter "Regionen" of the Sozialbericht and the sections "Regionen" and "Angebote" of
the Steckbriefe.

``data.planning["regionen"]`` (from the run's ``[[regionen]]``): ``{"outcomes": {set
name: RegionOutcome}, "names": {municipality key: name}, "gemeinde_col": str}``; the
municipalities themselves are the outcome ``"__gemeinden__"``. A region's index is the
monitor's overall index applied to its rolled-up rates, on the planning areas' scale
(:mod:`sozialraum.join.regions`). What each release level shows: the class of a region
everywhere (classes are public at every level); its index value from ``kommunal`` on;
its population and rates only in ``intern`` — a region's sum would give away a
municipality's count that the municipal table hides.

``data.planning["angebote"]``: the offer inventory (facilities with theme and target
group) per area; offers are public addresses, shown at every level.
"""

from __future__ import annotations

import pandas as pd

from sozialraum.access.offers import THEMES
from sozialraum.core.numbers import format_number
from sozialraum.report.chapters import Chapter, Table

__all__ = ["regions_chapter", "regions_section", "offers_section"]

_T = {
    "title": ("Regionen", "Regions"),
    "intro": (
        "Der Gesamtindex der {middle} und Regionen ist der Index des Monitors, angewandt auf "
        "ihre hochgerechneten Quoten (Zählgrößen summiert, Quoten neu berechnet). Er wird an "
        "derselben Referenz gemessen wie die {bottom}: Mittelwert und Standardabweichung der "
        "bewerteten {bottom}. 0 heißt „wie ein durchschnittlicher {bottom_sg}“; die Klassen "
        "sind die Klassengrenzen des Monitors.",
        "The overall index of the {middle} and regions is the monitor's index applied to their "
        "rolled-up rates (counts summed, rates recomputed). It is measured against the same "
        "reference as the {bottom}: mean and standard deviation of the rated {bottom}. 0 means "
        "'like an average {bottom_sg}'; the classes use the monitor's class breaks.",
    ),
    "region": ("Region", "Region"),
    "members": ("Mitglieder", "Members"),
    "pop": ("Einwohner", "Population"),
    "index": ("Gesamtindex", "Overall index"),
    "class": ("Klasse", "Class"),
    "rates": ("Quoten je Region: {name}", "Rates per region: {name}"),
    "indicator": ("Indikator", "Indicator"),
    "level": ("Stufe der Gliederung", "Level of the hierarchy"),
    "sec": ("Regionen", "Regions"),
    "belongs": ("{set}: {region} (Klasse {cls})", "{set}: {region} (class {cls})"),
    "offers": ("Angebote", "Offers"),
    "theme": ("Thema", "Theme"),
    "count": ("Anzahl", "Number"),
    "names": ("Angebote (Auswahl)", "Offers (selection)"),
    "offers_note": (
        "Einrichtungen und Angebote nach den vier Themen; Quelle: Einrichtungsverzeichnis.",
        "Facilities and offers by the four themes; source: facility register.",
    ),
}


def _w(key: str, lang: str, **kw) -> str:
    s = _T[key][1 if lang == "en" else 0]
    return s.format(**kw) if kw else s


def _set_title(name: str, out, data, lang: str) -> str:
    if name == "__gemeinden__":
        return data.territory.middle.title(lang, plural=True)
    if out.set is not None and out.set.stage:
        return f"{name} ({_w('level', lang)})"
    return name


def _members(out, names: dict, data) -> dict[str, str]:
    """Region key → the names of its members."""
    if out.set is None:
        return {}
    by_region: dict[str, list[str]] = {}
    for m, r in out.set.members.items():
        label = (
            names.get(m, m)
            if out.set.level == "gemeinde"
            else data.name(m)
            if m in data.areas.index
            else m
        )
        by_region.setdefault(r, []).append(str(label))
    return {r: ", ".join(v) for r, v in by_region.items()}


def _region_rows(name, out, p, data, lang):
    fr = out.rollup.frame
    idx = out.index.frame if out.index is not None else pd.DataFrame(index=fr.index)
    members = _members(out, p.get("names") or {}, data)
    level = data.level
    rows = []
    for key in fr.index:
        title = (
            str(fr.at[key, "region_name"])
            if "region_name" in fr.columns and pd.notna(fr.at[key, "region_name"])
            else str((p.get("names") or {}).get(str(key), key))
        )
        cells = [title]
        if out.set is not None:
            cells.append(members.get(str(key), ""))
        if level == "intern":
            cells.append(
                format_number(fr.at[key, "ew_ges"], 0, lang) if "ew_ges" in fr.columns else "–"
            )
        if level != "oeffentlich":
            v = idx["idx_gesamt"].get(key) if "idx_gesamt" in idx.columns else None
            cells.append(format_number(v, 2, lang, sign=True))
        cls = idx["idx_gesamt_klasse"].get(key) if "idx_gesamt_klasse" in idx.columns else None
        cells.append(str(cls) if isinstance(cls, str) else "–")
        rows.append(tuple(cells))
    return tuple(rows)


def _region_table(name, out, p, data, lang) -> Table:
    cols = [_w("region", lang)]
    if out.set is not None:
        cols.append(_w("members", lang))
    if data.level == "intern":
        cols.append(_w("pop", lang))
    if data.level != "oeffentlich":
        cols.append(_w("index", lang))
    cols.append(_w("class", lang))
    numeric = tuple(c in (_w("pop", lang), _w("index", lang)) for c in cols)
    return Table(
        columns=tuple(cols),
        rows=_region_rows(name, out, p, data, lang),
        numeric=numeric,
    )


def _rates_table(name, out, p, data, lang) -> Table | None:
    """Intern only: every indicator's rate per region (rows = indicators)."""
    fr = out.rollup.frame
    inds = [i for i in data.catalogue.indicators.index if i in fr.columns]
    if not inds:
        return None
    cat = data.catalogue.indicators
    keys = list(fr.index)
    heads = [
        str(fr.at[k, "region_name"])
        if "region_name" in fr.columns and pd.notna(fr.at[k, "region_name"])
        else str(k)
        for k in keys
    ]
    rows = []
    for i in inds:
        lab = (
            cat.at[i, "label_en"]
            if lang == "en" and "label_en" in cat.columns and isinstance(cat.at[i, "label_en"], str)
            else cat.at[i, "label"]
        )
        rows.append((str(lab), *(format_number(fr.at[k, i], 1, lang) for k in keys)))
    return Table(
        columns=(_w("indicator", lang), *heads),
        rows=tuple(rows),
        caption=_w("rates", lang, name=name),
        numeric=(False, *([True] * len(keys))),
    )


def regions_chapter(data, settings, lang: str) -> Chapter | None:
    """The chapter "Regionen": index and class of municipalities and of every region set."""
    p = (data.planning or {}).get("regionen")
    if not p or not p.get("outcomes"):
        return None
    terr = data.territory
    intro = _w(
        "intro",
        lang,
        middle=terr.middle.word(lang, plural=True),
        bottom=terr.bottom.word(lang, plural=True),
        bottom_sg=terr.bottom.word(lang),
    )
    outs = p["outcomes"]
    order = [k for k in outs if k == "__gemeinden__"] + [k for k in outs if k != "__gemeinden__"]
    sections = []
    for name in order:
        out = outs[name]
        tables = [_region_table(name, out, p, data, lang)]
        if data.level == "intern" and out.set is not None:
            rt = _rates_table(name, out, p, data, lang)
            if rt is not None:
                tables.append(rt)
        sections.append(
            Chapter(
                key=f"regionen-{len(sections)}",
                title=_set_title(name, out, data, lang),
                tables=tuple(tables),
            )
        )
    return Chapter(
        key="regionen", title=_w("title", lang), paragraphs=(intro,), sections=tuple(sections)
    )


def _gemeinde_of(data, unit: str, key: str) -> str | None:
    if unit == "gemeinde":
        return str(key)
    a = data.areas
    if data.gemeinde_col in a.columns and key in a.index:
        return str(a.at[key, data.gemeinde_col])
    return None


def regions_section(data, unit: str, key: str, settings, lang: str) -> Chapter | None:
    """Steckbrief section "Regionen": the regions the municipality or area belongs to."""
    p = (data.planning or {}).get("regionen")
    if not p:
        return None
    gem = _gemeinde_of(data, unit, key)
    lines = []
    for name, out in p["outcomes"].items():
        rs = out.set
        if rs is None:
            continue
        member = gem if rs.level == "gemeinde" else (str(key) if unit == "sozialraum" else None)
        if member is None or member not in rs.members.index:
            continue
        region = rs.members[member]
        idx = out.index.frame if out.index is not None else pd.DataFrame()
        cls = idx["idx_gesamt_klasse"].get(region) if "idx_gesamt_klasse" in idx.columns else None
        lines.append(
            _w(
                "belongs",
                lang,
                set=name,
                region=rs.region_name(region),
                cls=cls if isinstance(cls, str) else "–",
            )
        )
    if not lines:
        return None
    return Chapter(key="regionen", title=_w("sec", lang), paragraphs=tuple(lines))


def offers_section(data, unit: str, key: str, settings, lang: str) -> Chapter | None:
    """Steckbrief section "Angebote": offers by the four themes in the area or municipality."""
    p = (data.planning or {}).get("angebote")
    if not p:
        return None
    offers = p["offers"]
    if unit == "gemeinde":
        gof = p.get("gemeinde_of") or {}
        sel = offers[offers["sr_id"].map(lambda s: gof.get(str(s))) == str(key)]
    else:
        sel = offers[offers["sr_id"] == str(key)]
    themes = list(THEMES) + sorted(set(sel["thema"].dropna()) - set(THEMES))
    rows = []
    for th in themes:
        sub = sel[sel["thema"] == th]
        names = sorted(str(n) for n in sub["name"].dropna() if str(n))
        shown = ", ".join(names[:6]) + (" …" if len(names) > 6 else "")
        rows.append((th, format_number(len(sub), 0, lang), shown or "–"))
    return Chapter(
        key="angebote",
        title=_w("offers", lang),
        tables=(
            Table(
                columns=(_w("theme", lang), _w("count", lang), _w("names", lang)),
                rows=tuple(rows),
                numeric=(False, True, False),
                note=_w("offers_note", lang),
            ),
        ),
    )
