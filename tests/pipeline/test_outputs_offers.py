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
