"""Sozialbericht chapter "Angebote": the offer inventory by theme per municipality.

Reads ``data.planning["angebote"]`` (the run's offer step: ``{"offers": one row per
offer with ``sr_id``, ``thema``, ``zielgruppe``; "gemeinde_of": {area: municipality}}``).
Two tables: offers per municipality and theme (with the district in the last row), and
offers per target group and theme in the district. Offers are facilities with public
addresses; the chapter counts them and shows nothing about persons, so it is the same
at every release level. The offers of one planning area are in its Steckbrief (section
"Angebote") and in the packages' ``angebote.csv``.
"""

from __future__ import annotations

import pandas as pd

from sozialraum.access.offers import THEMES
from sozialraum.core.numbers import format_number
from sozialraum.report.chapters import Chapter, Table

__all__ = ["offers_chapter", "offers_by_municipality"]

_T = {
    "title": ("Angebote", "Offers"),
    "intro": (
        "Das Angebotsverzeichnis nennt {n} Angebote {where}, geordnet nach vier Themen: "
        "Gesundheit; Bildung & Freizeit; Leben & Wohnen; Förderung, Beratung & Hilfe. "
        "Die Angebote der einzelnen {bottom} stehen in ihren Steckbriefen, die Orte in der "
        "Webkarte (eine Ebene je Thema).",
        "The offer register lists {n} offers {where} in four themes: health; education & "
        "leisure; living & housing; support, counselling & help. The offers of the single "
        "{bottom} are in their profiles, their places on the web map (one layer per theme).",
    ),
    "by_gem": ("Angebote je {middle} und Thema", "Offers per {middle} and theme"),
    "by_group": ("Angebote je Zielgruppe und Thema", "Offers per target group and theme"),
    "group": ("Zielgruppe", "Target group"),
    "all": ("insgesamt", "total"),
    "none": ("(ohne Angabe)", "(not given)"),
    "note": (
        "Quelle: Einrichtungs- und Angebotsverzeichnis; gezählt sind Angebote, nicht Plätze.",
        "Source: register of facilities and offers; counted are offers, not places.",
    ),
}


def _w(key: str, lang: str, **kw) -> str:
    s = _T[key][1 if lang == "en" else 0]
    return s.format(**kw) if kw else s


def _themes(offers: pd.DataFrame) -> list[str]:
    present = set(offers["thema"].dropna().astype(str))
    return list(THEMES) + sorted(present - set(THEMES))


def offers_by_municipality(offers: pd.DataFrame, gemeinde_of: dict) -> pd.DataFrame:
    """Offers per municipality (rows) and theme (columns), zeros included."""
    gem = offers["sr_id"].astype(str).map(lambda s: gemeinde_of.get(s))
    themes = _themes(offers)
    keys = sorted(set(map(str, gemeinde_of.values())))
    tab = pd.crosstab(gem, offers["thema"].astype(str)) if len(offers) else pd.DataFrame()
    return tab.reindex(index=keys, columns=themes, fill_value=0).fillna(0).astype("int64")


def _gem_table(data, p, lang: str) -> Table:
    terr = data.territory
    tab = offers_by_municipality(p["offers"], p.get("gemeinde_of") or {})
    n = lambda v: format_number(v, 0, lang)  # noqa: E731
    rows = [
        (data.gemeinde_name(k), *(n(v) for v in r), n(sum(r)))
        for k, r in zip(tab.index, tab.to_numpy().tolist(), strict=True)
    ]
    total = tab.sum(axis=0).tolist()
    rows.append((terr.top.named(terr.name, lang), *(n(v) for v in total), n(sum(total))))
    return Table(
        columns=(terr.middle.title(lang), *tab.columns, _w("all", lang)),
        rows=tuple(rows),
        caption=_w("by_gem", lang, middle=terr.middle.word(lang)),
        numeric=(False, *([True] * (len(tab.columns) + 1))),
        note=_w("note", lang),
    )


def _group_table(p, lang: str) -> Table:
    offers = p["offers"]
    themes = _themes(offers)
    grp = offers["zielgruppe"].astype("string").fillna(_w("none", lang)).astype(str)
    tab = pd.crosstab(grp, offers["thema"].astype(str)).reindex(columns=themes, fill_value=0)
    tab = tab.loc[tab.sum(axis=1).sort_values(ascending=False, kind="stable").index]
    rows = tuple(
        (str(g), *(format_number(v, 0, lang) for v in r), format_number(sum(r), 0, lang))
        for g, r in zip(tab.index, tab.to_numpy().tolist(), strict=True)
    )
    return Table(
        columns=(_w("group", lang), *themes, _w("all", lang)),
        rows=rows,
        caption=_w("by_group", lang),
        numeric=(False, *([True] * (len(themes) + 1))),
    )


def offers_chapter(data, settings, lang: str) -> Chapter | None:
    """The chapter "Angebote" (``None`` without an offer inventory)."""
    p = (data.planning or {}).get("angebote")
    if not p or p.get("offers") is None or not len(p["offers"]):
        return None
    terr = data.territory
    intro = _w(
        "intro",
        lang,
        n=format_number(len(p["offers"]), 0, lang),
        where=terr.top.in_named(terr.name, lang),
        bottom=terr.bottom.word(lang, plural=True),
    )
    tables = [_gem_table(data, p, lang)]
    if "zielgruppe" in p["offers"].columns:
        tables.append(_group_table(p, lang))
    return Chapter(
        key="angebote", title=_w("title", lang), paragraphs=(intro,), tables=tuple(tables)
    )
