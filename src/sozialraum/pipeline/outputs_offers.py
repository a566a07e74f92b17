"""The offer inventory by theme per area as a table of the release packages.

``angebote.csv`` in ``oeffentlich/`` (every area) and ``kommunal-<AGS>/`` (the
municipality's own areas): per planning area the number of offers of each of the four
themes (:data:`sozialraum.access.offers.THEMES`) and in all. Offers are facilities
with public addresses (the facility register, ``[einrichtungen]`` with a column
``thema``); offers marked not public (:func:`sozialraum.access.offers.public_offers`)
are not counted in a package. The table holds no data about persons.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from sozialraum.pipeline.common import Files

__all__ = ["offer_table", "package_offer_file", "public_offer_planning"]


def offer_table(state, *, public: bool = True, areas=None, lang: str | None = None):
    """Offers per area and theme (wide: one column per theme, then ``insgesamt``).

    ``None`` without a facility register with themes. ``public`` leaves out offers
    whose address is not public; ``areas`` selects the rows (default: every area).
    """
    from sozialraum.access.offers import THEMES, offer_inventory, public_offers
    from sozialraum.pipeline.steps_regions import facility_areas

    fac = state.facilities
    if fac is None or "thema" not in fac.columns:
        return None
    if public:
        fac = public_offers(fac)
    located = facility_areas(state, fac)
    offers = pd.DataFrame(
        {
            "sr_id": located["_sr"].astype("string"),
            "thema": located["thema"].astype("string"),
            "zielgruppe": "alle",
        }
    ).dropna(subset=["sr_id"])
    keys = [str(k) for k in state.areas.index]
    inv = offer_inventory(offers, areas=keys, lang=lang or state.lang)
    wide = inv.groupby(["gebiet", "thema"])["anzahl"].sum().unstack(fill_value=0)
    themes = [th for th in THEMES] + sorted(set(wide.columns) - set(THEMES))
    wide = wide.reindex(index=keys, columns=themes, fill_value=0).astype("int64")
    en = (lang or state.lang) == "en"
    wide["Angebote insgesamt" if not en else "offers in all"] = wide.sum(axis=1)
    g = state.config["gebiete"]
    names = state.areas[g["name"]].astype(str) if g["name"] in state.areas.columns else None
    head = pd.DataFrame(index=wide.index)
    if names is not None:
        head["Gebiet" if not en else "area"] = names.reindex(wide.index).to_numpy()
    head[g["gemeinde_spalte"]] = state.areas[g["gemeinde_spalte"]].astype(str).reindex(wide.index)
    out = head.join(wide)
    out.index.name = state.areas.index.name or "schluessel"
    if areas is not None:
        out = out.loc[[str(a) for a in areas]]
    return out


def package_offer_file(state, pkg: Path, release) -> Files:
    """``angebote.csv`` of a release package (public offers of its areas by theme)."""
    from sozialraum.privacy.package import write_csv

    if release.level == "intern":
        return []
    own = None if release.ags is None else list(release.own_areas())
    table = offer_table(state, public=True, areas=own)
    if table is None:
        return []
    p = write_csv(table, pkg / "angebote.csv")
    return [
        (
            p,
            "Angebote nach Themen je Gebiet (Gesundheit; Bildung & Freizeit; Leben & Wohnen; "
            "Förderung, Beratung & Hilfe)",
            "offers by theme per area",
        )
    ]


def public_offer_planning(state, planning: dict) -> dict:
    """``ReportData.planning["angebote"]`` of a package: only offers with a public address.

    The run's offer table keeps the facilities' row labels, so the rows that
    :func:`sozialraum.access.offers.public_offers` keeps are selected by label; the
    internal report and profiles keep every offer.
    """
    from sozialraum.access.offers import PUBLIC_COLUMN, offer_inventory, public_offers

    fac = state.facilities
    if fac is None or PUBLIC_COLUMN not in fac.columns:
        return planning
    keep = public_offers(fac).index
    offers = planning["offers"]
    offers = offers[offers.index.isin(keep)]
    inv = offer_inventory(offers, areas=[str(k) for k in state.areas.index], lang=state.lang)
    return {**planning, "offers": offers, "inventory": inv}
