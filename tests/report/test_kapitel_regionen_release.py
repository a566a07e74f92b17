"""The region chapter and section of a release package: the released region values (a
withheld cell prints its sign, never the internal number) and the recommendations per region."""

from __future__ import annotations

import pandas as pd

from sozialraum.planning.recommendations import Recommendations

from .conftest import make_report_data
from .test_kapitel_regionen_hze import planning  # noqa: F401  (the shared fixture)


def _released(outcomes) -> dict:
    """The Ämter as a package would show them: one population withheld, one index withheld."""
    out = outcomes["Ämter"]
    internal = out.rollup.frame
    idx = out.index.frame
    fr = pd.DataFrame(
        {
            "region_name": [out.set.region_name(k) for k in internal.index],
            "mitglieder": ["A, B"] * len(internal),
            "ew_ges": internal["ew_ges"].to_numpy(),
            "sgb2_quote": internal["sgb2_quote"].to_numpy(),
            "idx_gesamt": idx["idx_gesamt"].round(1).reindex(internal.index).to_numpy(),
            "idx_gesamt_klasse": idx["idx_gesamt_klasse"].reindex(internal.index).to_numpy(),
        },
        index=internal.index,
    )
    st = pd.DataFrame(pd.NA, index=fr.index, columns=["ew_ges", "idx_gesamt"], dtype="string")
    wust = "079995004"
    fr.loc[wust, ["ew_ges", "idx_gesamt"]] = float("nan")
    st.loc[wust, ["ew_ges", "idx_gesamt"]] = "geheim"
    return {"Ämter": (fr, st)}


def _recs() -> Recommendations:
    return Recommendations(
        pd.DataFrame(
            {
                "ebene": ["Ämter", "LEADER-Regionen"],
                "schluessel": ["079995004", "L2"],
                "art": ["empfehlung", "zielvereinbarung"],
                "text": ["- Rufbus **abstimmen**", "Junge Menschen halten."],
                "zeile": [1, 5],
            }
        ),
        "empfehlungen.md",
    )


def _data(m, planning, level):  # noqa: F811
    p = dict(planning)
    p["regionen"] = {
        **planning["regionen"],
        "released": _released(planning["regionen"]["outcomes"]),
    }
    p["empfehlungen"] = _recs()
    data = make_report_data(m, planning=p)
    object.__setattr__(data, "level", level)  # the builders read only data.level here
    return data


def test_package_chapter_prints_the_released_region_values(musterland_results, planning):  # noqa: F811
    from sozialraum.report.kapitel.regionen import regions_chapter

    data = _data(musterland_results, planning, "kommunal")
    ch = regions_chapter(data, {}, "de")
    amt = next(s for s in ch.sections if s.title.startswith("Ämter"))
    tab = amt.tables[0]
    assert tab.columns == ("Region", "Mitglieder", "Einwohner", "Gesamtindex", "Klasse")
    rows = {r[0]: r for r in tab.rows}
    internal = planning["regionen"]["outcomes"]["Ämter"].rollup.frame
    hidden = f"{internal.at['079995004', 'ew_ges']:,.0f}".replace(",", ".")
    wust = rows["Amt Wusterwitzer Land"]
    assert wust[2] != hidden and not any(ch.isdigit() for ch in wust[2] + wust[3])
    heide = rows["Amt Heidefeld-Wendischbrück"]
    assert heide[2] == f"{internal.at['079995001', 'ew_ges']:,.0f}".replace(",", ".")
    assert len(amt.tables) == 2 and amt.tables[1].rows[0][0]  # the released rates per region
    # the recommendations per region follow the set's table
    (rec,) = amt.sections
    assert rec.title == "Handlungsempfehlung: Amt Wusterwitzer Land"
    assert "<strong>abstimmen</strong>" in str(rec.rich[0])
    leader = next(s for s in ch.sections if s.title == "LEADER-Regionen")
    assert [s.title for s in leader.sections] == [
        "Zielvereinbarung: LEADER-Region Lausitzer Seenland"
    ]


def test_municipal_profile_names_its_regions_values_and_recommendations(
    musterland_results,
    planning,  # noqa: F811
):
    from sozialraum.report.kapitel import profile_sections

    data = _data(musterland_results, planning, "kommunal")
    sec = profile_sections(data, "gemeinde", "07999009", {}, "de")[0]
    assert sec.key == "regionen"
    rows = {r[0]: r for r in sec.tables[0].rows}
    assert rows["Ämter"][1] == "Amt Wusterwitzer Land"
    assert not any(c.isdigit() for c in rows["Ämter"][2])  # withheld in this package
    assert rows["LEADER-Regionen"][1] == "LEADER-Region Lausitzer Seenland"
    assert [s.title for s in sec.sections] == [
        "Handlungsempfehlung: Amt Wusterwitzer Land",
        "Zielvereinbarung: LEADER-Region Lausitzer Seenland",
    ]
    # a municipality of another Amt and LEADER region gets none of these texts
    other = profile_sections(data, "gemeinde", "07999003", {}, "de")[0]
    assert other.sections == ()


def test_public_chapter_shows_population_and_class_without_index(musterland_results, planning):  # noqa: F811
    from sozialraum.report.kapitel.regionen import regions_chapter

    data = _data(musterland_results, planning, "oeffentlich")
    fr, st = data.planning["regionen"]["released"]["Ämter"]
    data.planning["regionen"]["released"]["Ämter"] = (fr.drop(columns="idx_gesamt"), st)
    ch = regions_chapter(data, {}, "de")
    amt = next(s for s in ch.sections if s.title.startswith("Ämter"))
    assert amt.tables[0].columns == ("Region", "Mitglieder", "Einwohner", "Klasse")
