"""``angebote.csv`` of the release packages: offers by theme per area, public offers only."""

from __future__ import annotations

from types import SimpleNamespace

import geopandas as gpd
import pandas as pd
import pytest

from sozialraum.access.offers import THEMES
from sozialraum.pipeline.outputs_offers import offer_table, package_offer_file

_CFG = {"gebiete": {"name": "sr_name", "gemeinde_spalte": "ags"}}


@pytest.fixture(scope="module")
def state(root):
    from sozialraum.io import read_areas

    areas = read_areas(
        root / "data" / "boundaries" / "musterland.gpkg",
        layer="sozialraeume",
        key="sr_id",
        name="sr_name",
    )
    fac = gpd.read_file(root / "examples" / "musterland" / "einrichtungen.gpkg")
    return SimpleNamespace(areas=areas, facilities=fac, config=_CFG, lang="de")


def test_counts_per_area_and_theme_match_the_register(state):
    tab = offer_table(state)
    fac = state.facilities
    # reference: the register's own area column (the table locates the points itself)
    want = pd.crosstab(fac["sr_id"].astype(str), fac["thema"])
    assert list(tab.columns) == ["Gebiet", "ags", *THEMES, "Angebote insgesamt"]
    assert len(tab) == len(state.areas) and tab.index.name == "sr_id"
    for key, row in want.iterrows():
        for th, n in row.items():
            assert tab.at[key, th] == n, (key, th)
    assert tab["Angebote insgesamt"].sum() == len(fac)
    assert (tab[list(THEMES)].sum(axis=1) == tab["Angebote insgesamt"]).all()
    empty = sorted(set(tab.index) - set(want.index))
    assert empty and (tab.loc[empty, "Angebote insgesamt"] == 0).all()  # zeros, not gaps


def test_offers_marked_not_public_are_not_counted(state):
    fac = state.facilities.copy()
    fac["oeffentlich"] = "ja"
    fac.loc[fac.index[:3], "oeffentlich"] = "nein"  # e.g. a women's shelter
    st = SimpleNamespace(**{**vars(state), "facilities": fac})
    assert offer_table(st)["Angebote insgesamt"].sum() == len(fac) - 3
    assert offer_table(st, public=False)["Angebote insgesamt"].sum() == len(fac)
    no_theme = SimpleNamespace(**{**vars(state), "facilities": fac.drop(columns="thema")})
    assert offer_table(no_theme) is None


def test_municipal_package_gets_its_own_areas_only(state, tmp_path):
    own = [str(k) for k in state.areas.index[state.areas["ags"] == "07999003"]]
    rel = SimpleNamespace(level="kommunal", ags="07999003", own_areas=lambda: own)
    files = package_offer_file(state, tmp_path, rel)
    assert [f[0].name for f in files] == ["angebote.csv"]
    back = pd.read_csv(
        tmp_path / "angebote.csv", sep=";", encoding="utf-8-sig", dtype={"sr_id": str}
    )
    assert sorted(back["sr_id"]) == sorted(own)
    assert "Förderung, Beratung & Hilfe" in back.columns
    intern = SimpleNamespace(level="intern", ags=None, own_areas=lambda: own)
    assert package_offer_file(state, tmp_path / "i", intern) == []


def test_packages_report_only_public_offers_the_run_step_found(state):
    """The offer step's table (as the report gets it) loses the non-public offers by row label."""
    from sozialraum.pipeline.outputs_offers import public_offer_planning
    from sozialraum.pipeline.steps_regions import compute_offers
    from sozialraum.report.kapitel.regionen import offers_section

    fac = state.facilities.copy()
    fac["oeffentlich"] = "ja"
    secret = fac.index[fac["kategorie"] == "Beratungsstelle"][:2]
    fac.loc[secret, "oeffentlich"] = "nein"  # e.g. a women's shelter
    cfg = {
        "gebiete": {"name": "sr_name", "gemeinde_spalte": "ags"},
        "einrichtungen": {"name_spalte": "name", "kategorie_spalte": "kategorie"},
    }
    st = SimpleNamespace(areas=state.areas, facilities=fac, config=cfg, lang="de", topics={})
    compute_offers(st)
    full = st.topics["angebote"]
    pub = public_offer_planning(st, full)
    assert len(full["offers"]) == len(fac) and len(pub["offers"]) == len(fac) - 2
    assert not set(fac.loc[secret, "name"]) & set(pub["offers"]["name"])
    assert pub["inventory"]["anzahl"].sum() == len(fac) - 2
    # a profile built from the public planning does not name them
    area = str(fac.at[secret[0], "sr_id"])
    data = SimpleNamespace(planning={"angebote": pub})
    sec = offers_section(data, "sozialraum", area, {}, "de")
    assert all(fac.at[i, "name"] not in " ".join(sec.tables[0].rows[3]) for i in secret)
    # without the column nothing changes
    plain = SimpleNamespace(**{**vars(st), "facilities": state.facilities})
    assert public_offer_planning(plain, full) is full
