"""Recommendations and target agreements: a Sozialbericht chapter and a Steckbrief section.

Reads ``data.planning["empfehlungen"]`` (:class:`sozialraum.planning.Recommendations`).
The chapter has one section per municipality (its own texts, then those of its
areas); the profile section shows the texts of one area or municipality. The
planners' text goes through the safe Markdown subset
(:func:`sozialraum.core.markdown.to_html`): everything but paragraphs, lists and
bold/italic is escaped.
"""

from __future__ import annotations

from collections.abc import Mapping

from sozialraum._i18n import get_lang, t
from sozialraum.core.markdown import to_html
from sozialraum.planning.recommendations import KINDS, kind_title
from sozialraum.report.chapters import Chapter

__all__ = ["empfehlungen_chapter", "empfehlungen_section"]

_MSG = {
    "title": {
        "de": "Handlungsempfehlungen und Zielvereinbarungen",
        "en": "Recommendations and target agreements",
    },
    "intro": {
        "de": "Die Sozialplanung leitet aus den Befunden dieses Berichts Handlungsempfehlungen ab; "
        "Zielvereinbarungen halten fest, was {middle_pl} und Landkreis gemeinsam erreichen "
        "wollen. Die Texte sind von den Planerinnen und Planern verfasst (Quelle: {source}).",
        "en": "Planning derives recommendations from the findings of this report; target "
        "agreements record what the {middle_pl} and the district want to achieve together. "
        "The texts are written by the planners (source: {source}).",
    },
}


def _recs(data):
    recs = (data.planning or {}).get("empfehlungen")
    return recs if recs is not None and len(recs) else None


def _texts(recs, unit: str, key: str, lang: str, *, prefix: str = "") -> Chapter | None:
    texts = recs.texts(unit, key)
    if not texts:
        return None
    subs = tuple(
        Chapter(key=f"{prefix}{k}", title=kind_title(k, lang), rich=(to_html(texts[k]),))
        for k in KINDS
        if k in texts
    )
    return Chapter(key=prefix.rstrip("-"), title="", sections=subs)


def _area_gemeinde(data, key: str) -> str | None:
    a = data.areas
    if data.gemeinde_col in a.columns and key in a.index:
        return str(a.at[key, data.gemeinde_col])
    return None


def empfehlungen_chapter(data, settings: Mapping, lang: str) -> Chapter | None:
    """One section per municipality: its texts, then its areas' texts."""
    recs = _recs(data)
    if recs is None:
        return None
    L = get_lang(lang)
    terr = data.territory
    gems = list(recs.keys("gemeinde"))
    for k in recs.keys("sozialraum"):
        g = _area_gemeinde(data, k)
        if g is not None and g not in gems:
            gems.append(g)
    sections = []
    for g in gems:
        own = _texts(recs, "gemeinde", g, L, prefix=f"empf-{g}-")
        subs = list(own.sections) if own else []
        for k in recs.keys("sozialraum"):
            if _area_gemeinde(data, k) != g:
                continue
            sec = _texts(recs, "sozialraum", k, L, prefix=f"empf-{k}-")
            if sec is not None:
                subs.append(
                    Chapter(
                        key=f"empf-{k}",
                        title=f"{terr.bottom.word(L)} {data.name(k)}",
                        sections=sec.sections,
                    )
                )
        sections.append(
            Chapter(
                key=f"empf-{g}",
                title=f"{terr.middle.word(L)} {data.gemeinde_name(g)}",
                sections=tuple(subs),
            )
        )
    intro = t(
        _MSG, "intro", L, middle_pl=terr.middle.word(L, plural=True), source=recs.source or "—"
    )
    return Chapter(
        key="empfehlungen", title=t(_MSG, "title", L), paragraphs=(intro,), sections=tuple(sections)
    )


def empfehlungen_section(data, unit: str, key: str, settings: Mapping, lang: str) -> Chapter | None:
    """The texts of one area (``unit="sozialraum"``) or municipality (``"gemeinde"``)."""
    recs = _recs(data)
    if recs is None:
        return None
    L = get_lang(lang)
    sec = _texts(recs, unit, str(key), L, prefix="empf-")
    if sec is None:
        return None
    return Chapter(key="empfehlungen", title=t(_MSG, "title", L), sections=sec.sections)
