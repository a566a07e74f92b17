"""Chapter "Regionen" of the Sozialbericht and the sections "Regionen" and "Angebote" of
the Steckbriefe.

``data.planning["regionen"]`` (from the run's ``[[regionen]]``): ``{"outcomes": {set
name: RegionOutcome}, "names": {municipality key: name}, "gemeinde_col": str}``; the
municipalities themselves are the outcome ``"__gemeinden__"``. A region's index is the
monitor's overall index applied to its rolled-up rates, on the planning areas' scale
(:mod:`sozialraum.join.regions`). What each release level shows: the class of a region
everywhere (classes are public at every level); its index value from ``kommunal`` on;
its population and rates only in ``intern`` — a region's sum would give away a
municipality's count that the municipal table hides. A release package passes
``"released": {set name: (frame, status)}``
(:func:`sozialraum.pipeline.outputs_regions.release_region_frames`): the regions rolled
up from the package's own member values, a sum with a withheld member withheld; then
the chapter and the profiles print exactly those values (population, rates, index).

``data.planning["empfehlungen"]``: the planners' recommendations per region (unit = the
set's name) follow each set's table.

``data.planning["angebote"]``: the offer inventory (facilities with theme and target
group) per area; offers are public addresses, shown at every level.
"""

from __future__ import annotations

import pandas as pd

from sozialraum.access.offers import THEMES
from sozialraum.core.markdown import to_html
from sozialraum.core.numbers import format_number
from sozialraum.planning.recommendations import KINDS, kind_title
from sozialraum.report.cells import cell, isnan
from sozialraum.report.chapters import Chapter, Table
from sozialraum.report.memo import memoized
from sozialraum.report.text import cell_text

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
    "set": ("Regionszuordnung", "Region set"),
    "recs": ("{kind}: {region}", "{kind}: {region}"),
    "sec_values": (
        "Werte der Regionen, zu denen {what} gehört: Summen der Mitglieder; gesperrt, wo ein "
        "Mitglied gesperrt ist oder eine Zahl der Region klein ist.",
        "Values of the regions {what} belongs to: sums of the members; withheld where a "
        "member is withheld or a count of the region is small.",
    ),
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


def _released(p, name):
    """The region set as the release package shows it (``None`` in ``intern``)."""
    return (p.get("released") or {}).get(name)


def _code(st, key, col):
    if st is None or col not in st.columns or key not in st.index:
        return None
    v = st.at[key, col]
    return None if isnan(v) else str(v)


def _index_cell(fr, st, key, lang) -> str:
    v = fr.at[key, "idx_gesamt"] if "idx_gesamt" in fr.columns else None
    if isnan(v):
        return cell_text(_code(st, key, "idx_gesamt"), lang)
    return format_number(v, 1, lang, sign=True)


def _released_table(out, rel, data, lang) -> Table:
    """Region, members, population, index and class as one release package shows them."""
    fr, st = rel
    with_index = "idx_gesamt" in fr.columns  # the public package: the class only
    cols = (_w("region", lang), _w("members", lang), _w("pop", lang))
    cols += (_w("index", lang),) if with_index else ()
    rows = []
    for key in fr.index:
        pop = (
            cell(fr.at[key, "ew_ges"], _code(st, key, "ew_ges"), data.level, "", 0, lang)[0]
            if "ew_ges" in fr.columns
            else "–"
        )
        cls = fr.at[key, "idx_gesamt_klasse"] if "idx_gesamt_klasse" in fr.columns else None
        rows.append(
            (
                str(fr.at[key, "region_name"]),
                str(fr.at[key, "mitglieder"]),
                pop,
                *((_index_cell(fr, st, key, lang),) if with_index else ()),
                str(cls) if isinstance(cls, str) else "–",
            )
        )
    return Table(
        columns=(*cols, _w("class", lang)),
        rows=tuple(rows),
        numeric=(False, False, True, *((True,) if with_index else ()), False),
    )


def _released_rates(name, rel, data, lang) -> Table | None:
    """Every indicator's rate per region as the release package shows it."""
    fr, st = rel
    cat = data.catalogue.indicators
    inds = [i for i in cat.index if i in fr.columns]
    if not inds:
        return None
    rows = []
    for i in inds:
        unit = (
            cat.at[i, "unit"]
            if "unit" in cat.columns and isinstance(cat.at[i, "unit"], str)
            else ""
        )
        rows.append(
            (
                _label(cat, i, lang),
                *(
                    cell(fr.at[k, i], _code(st, k, i), data.level, unit, 1, lang)[0]
                    for k in fr.index
                ),
            )
        )
    return Table(
        columns=(_w("indicator", lang), *(str(fr.at[k, "region_name"]) for k in fr.index)),
        rows=tuple(rows),
        caption=_w("rates", lang, name=name),
        numeric=(False, *([True] * len(fr.index))),
    )


def _label(cat, i, lang) -> str:
    if lang == "en" and "label_en" in cat.columns and isinstance(cat.at[i, "label_en"], str):
        return str(cat.at[i, "label_en"])
    return str(cat.at[i, "label"])


def _region_recommendations(name, out, data, lang) -> tuple:
    """One sub-section per region with the planners' texts (unit = the set's name)."""
    recs = (data.planning or {}).get("empfehlungen")
    if recs is None or out.set is None or not len(recs):
        return ()
    subs = []
    for key in recs.keys(name):
        texts = recs.texts(name, key)
        for kind in KINDS:
            if kind in texts:
                subs.append(
                    Chapter(
                        key=f"regionen-empf-{len(subs)}",
                        title=_w(
                            "recs",
                            lang,
                            kind=kind_title(kind, lang),
                            region=out.set.region_name(key),
                        ),
                        rich=(to_html(texts[kind]),),
                    )
                )
    return tuple(subs)


def _region_table(name, out, p, data, lang) -> Table:
    rel = _released(p, name)
    if rel is not None:
        return _released_table(out, rel, data, lang)
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
        rel = _released(p, name)
        rt = None
        if rel is not None:
            rt = _released_rates(name, rel, data, lang)
        elif data.level == "intern" and out.set is not None:
            rt = _rates_table(name, out, p, data, lang)
        if rt is not None:
            tables.append(rt)
        sections.append(
            Chapter(
                key=f"regionen-{len(sections)}",
                title=_set_title(name, out, data, lang),
                tables=tuple(tables),
                sections=_region_recommendations(name, out, data, lang),
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


def _member_of(out, gem, unit, key):
    """The region of ``out``'s set that the municipality ``gem`` or area ``key`` belongs to."""
    rs = out.set
    if rs is None:
        return None
    member = gem if rs.level == "gemeinde" else (str(key) if unit == "sozialraum" else None)
    if member is None or member not in rs.members.index:
        return None
    return str(rs.members[member])


def _section_row(name, out, p, region, data, lang) -> tuple:
    """Set, region, population, index and class of one region (as the document may show)."""
    rel = _released(p, name)
    idx = out.index.frame if out.index is not None else pd.DataFrame()
    cls = idx["idx_gesamt_klasse"].get(region) if "idx_gesamt_klasse" in idx.columns else None
    cls = str(cls) if isinstance(cls, str) else "–"
    if rel is not None:
        fr, st = rel
        pop = (
            cell(fr.at[region, "ew_ges"], _code(st, region, "ew_ges"), data.level, "", 0, lang)[0]
            if "ew_ges" in fr.columns
            else "–"
        )
        return (name, out.set.region_name(region), pop, _index_cell(fr, st, region, lang), cls)
    fr = out.rollup.frame
    shown = data.level == "intern"
    pop = format_number(fr.at[region, "ew_ges"], 0, lang) if shown and "ew_ges" in fr else "–"
    v = idx["idx_gesamt"].get(region) if "idx_gesamt" in idx.columns else None
    ix = format_number(v, 2, lang, sign=True) if data.level != "oeffentlich" else "–"
    return (name, out.set.region_name(region), pop, ix, cls)


def regions_section(data, unit: str, key: str, settings, lang: str) -> Chapter | None:
    """Steckbrief section "Regionen": the regions the municipality or area belongs to.

    One line per region set (region and class), a table of the regions' population,
    index and class as the document's release level shows them, and the planners'
    recommendations for those regions.
    """
    p = (data.planning or {}).get("regionen")
    if not p:
        return None
    gem = _gemeinde_of(data, unit, key)
    lines, rows, recs = [], [], []
    for name, out in p["outcomes"].items():
        region = _member_of(out, gem, unit, key)
        if region is None:
            continue
        row = _section_row(name, out, p, region, data, lang)
        lines.append(_w("belongs", lang, set=name, region=row[1], cls=row[4]))
        rows.append(row)
        recs += [
            s
            for s in memoized(  # every region's texts once per level, not once per profile
                data,
                ("regionen-empfehlungen", name, lang),
                lambda name=name, out=out: _region_recommendations(name, out, data, lang),
            )
            if s.title.endswith(f": {row[1]}")
        ]
    if not lines:
        return None
    what = (
        data.territory.middle.the("nom", lang)
        if unit == "gemeinde"
        else (data.territory.bottom.the("nom", lang))
    )
    table = Table(
        columns=(
            _w("set", lang),
            _w("region", lang),
            _w("pop", lang),
            _w("index", lang),
            _w("class", lang),
        ),
        rows=tuple(rows),
        numeric=(False, False, True, True, False),
        note=_w("sec_values", lang, what=what),
    )
    return Chapter(
        key="regionen",
        title=_w("sec", lang),
        paragraphs=tuple(lines),
        tables=(table,),
        sections=tuple(recs),
    )


def _offers_by_unit(p, offers: pd.DataFrame, unit: str) -> dict:
    """The offers of each area (``unit="sozialraum"``) or municipality, split once per level."""
    if unit == "gemeinde":
        gof = p.get("gemeinde_of") or {}
        by = offers["sr_id"].map(lambda s: gof.get(str(s)))
    else:
        by = offers["sr_id"]
    return {k: g for k, g in offers.groupby(by, sort=False, dropna=True)}


def offers_section(data, unit: str, key: str, settings, lang: str) -> Chapter | None:
    """Steckbrief section "Angebote": offers by the four themes in the area or municipality."""
    p = (data.planning or {}).get("angebote")
    if not p:
        return None
    offers = p["offers"]
    by_unit = memoized(data, ("angebote", unit), lambda: _offers_by_unit(p, offers, unit))
    sel = by_unit.get(str(key), offers.iloc[:0])
    themes = list(THEMES) + sorted(set(sel["thema"].dropna()) - set(THEMES))
    rows = []
    by_theme = {th: g for th, g in sel.groupby("thema", sort=False)}
    for th in themes:
        sub = by_theme.get(th, sel.iloc[:0])
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
