"""Kita planning: need per age group, places by type, deficit per area and municipality, what-if."""

from __future__ import annotations

import dataclasses

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from sozialraum.access import SupplyNeedParams, supply_need
from sozialraum.core.doors import using_door
from sozialraum.demography.kita import (
    DEFAULT_KITA_GROUPS,
    KitaGroup,
    KitaParams,
    check_groups,
    horizon_check,
    kita_changes,
    kita_column,
    kita_need,
    kita_places,
    kita_planning,
    kita_what_if,
)
from sozialraum.errors import InputError

CRS = "EPSG:25832"


def _pop(year: int, per_age: dict[str, dict[int, int]]) -> pd.DataFrame:
    rows = []
    for key, ages in per_age.items():
        for a in range(0, 101):
            adults = 5 if 25 <= a <= 40 else 0  # parents: the projection needs them
            rows.append((key, year, a, "w", float(ages.get(a, adults))))
            rows.append((key, year, a, "m", float(adults)))
    return pd.DataFrame(rows, columns=["key", "year", "alter", "geschlecht", "anzahl"])


def _setting():
    """Town A (two Kitas), village B (none), both in municipality G1; village C in G2."""
    areas = gpd.GeoDataFrame(
        geometry=[
            shapely.box(0, 0, 1000, 1000),
            shapely.box(1000, 0, 2000, 1000),
            shapely.box(10000, 0, 11000, 1000),
        ],
        crs=CRS,
        index=["A", "B", "C"],
    )
    kitas = gpd.GeoDataFrame(
        {
            "kapazitaet": [60.0, 40.0],
            "krippe": [10.0, 0.0],
            "tagespflege": [5.0, np.nan],
            "kindergarten": [40.0, 30.0],
            "hort": [5.0, 10.0],
        },
        geometry=shapely.points([(200, 500), (800, 500)]),
        crs=CRS,
        index=["k1", "k2"],
    )
    # A: 10 children per age 0..2 (30), 20 per age 3..5 (60), 10 per age 6..9 (40)
    # B: 2 per age 0..2 (6), 5 per age 3..5 (15), 0 Hort; C: 1 per age 0..9
    pop = _pop(
        2024,
        {
            "A": {
                **dict.fromkeys(range(3), 10),
                **dict.fromkeys(range(3, 6), 20),
                **dict.fromkeys(range(6, 10), 10),
            },
            "B": {**dict.fromkeys(range(3), 2), **dict.fromkeys(range(3, 6), 5)},
            "C": dict.fromkeys(range(10), 1),
        },
    )
    gemeinde = pd.Series({"A": "G1", "B": "G1", "C": "G2"})
    return areas, kitas, pop, gemeinde


def test_need_per_age_group_by_hand():
    _, _, pop, _ = _setting()
    need = kita_need(pop, DEFAULT_KITA_GROUPS, year=2024)
    assert need.loc["A"].tolist() == [30.0, 60.0, 40.0]
    assert need.loc["B"].tolist() == [6.0, 15.0, 0.0]
    assert need.loc["C"].tolist() == [3.0, 3.0, 4.0]


def test_places_by_type_tagespflege_counts_for_under_3():
    _, kitas, _, _ = _setting()
    cols = {k: k for k in ("krippe", "kindergarten", "hort", "tagespflege")}
    pl = kita_places(kitas, cols, capacity_col="kapazitaet")
    assert pl.loc["k1"].tolist() == [15.0, 40.0, 5.0]
    assert pl.loc["k2"].tolist() == [0.0, 30.0, 10.0]


def test_deficit_by_location_by_hand_area_and_municipality():
    areas, kitas, pop, gem = _setting()
    pl = kita_places(kitas, {k: k for k in ("krippe", "kindergarten", "hort", "tagespflege")})
    res = kita_planning(areas, kitas, pl, pop, KitaParams(), base_year=2024, gemeinde=gem)
    # Krippe, A: need 30 × 45 % = 13.5, places 15 → no deficit; B: 6 × 0.45 = 2.7 missing
    d = res.deficit("krippe")
    assert d["A"] == pytest.approx(0.0) and d["B"] == pytest.approx(2.7)
    # Kindergarten, A: 60 × 0.95 = 57 against 70 → 0; B 15 × 0.95 = 14.25; C 2.85
    d = res.deficit("kindergarten")
    np.testing.assert_allclose(d.loc[["A", "B", "C"]], [0.0, 14.25, 2.85])
    # Hort, A: 40 × 0.5 = 20 against 15 → 5
    assert res.deficit("hort")["A"] == pytest.approx(5.0)
    # the municipality G1: (30 + 6) × 0.45 = 16.2 against 15 → 1.2 (not 0 + 2.7)
    g = res.deficit("krippe", unit="gemeinden")
    assert g["G1"] == pytest.approx(1.2) and g["G2"] == pytest.approx(1.35)
    wide = res.wide()
    assert wide.loc["B", kita_column("kindergarten", "defizit")] == pytest.approx(14.25)


def test_same_numbers_as_the_one_supply_need_model():
    areas, kitas, pop, _ = _setting()
    pl = kita_places(kitas, {k: k for k in ("krippe", "kindergarten", "hort", "tagespflege")})
    sp = SupplyNeedParams("2sfca", max_cost=1500.0)
    res = kita_planning(areas, kitas, pl, pop, KitaParams(supply=sp), base_year=2024)
    ref = supply_need(
        pd.Series({"A": 60.0, "B": 15.0, "C": 3.0}),
        kitas.assign(cap=pl["kindergarten"]),
        areas,
        dataclasses.replace(sp, target_per_100=95.0, capacity_col="cap"),
    )
    np.testing.assert_allclose(res.deficit("kindergarten").to_numpy(), ref.frame["defizit"])
    # 2SFCA by hand: 70 places for 75 children in reach of A and B → ratio 70/75
    assert res.areas.xs(("kindergarten", 2024, "", "B"))["bestand"] == pytest.approx(15 * 70 / 75)


def test_rates_outside_0_100_are_refused_naming_the_key():
    with using_door("config"):
        bad = (KitaGroup("krippe", 0, 2, 145.0), *DEFAULT_KITA_GROUPS[1:])
        with pytest.raises(InputError, match=r"quote_krippe \(in \[kita\]\) = 145"):
            check_groups(bad)
    bad = (KitaGroup("krippe", 0, 2, 145.0), *DEFAULT_KITA_GROUPS[1:])
    with pytest.raises(InputError, match=r"KitaGroup\('krippe'\).rate"):
        check_groups(bad)
    with pytest.raises(InputError, match="KitaGroup\\('hort'\\)"):
        check_groups((*DEFAULT_KITA_GROUPS[:2], KitaGroup("hort", 6, 9, -1.0)))


@using_door("config")
def test_age_groups_that_do_not_tile_are_refused():
    gap = (DEFAULT_KITA_GROUPS[0], KitaGroup("kindergarten", 4, 5, 95.0), DEFAULT_KITA_GROUPS[2])
    with pytest.raises(InputError, match="alter_kindergarten.*beginnt bei 4, erwartet 3"):
        check_groups(gap)
    overlap = (*DEFAULT_KITA_GROUPS[:2], KitaGroup("hort", 5, 9, 50.0))
    with pytest.raises(InputError, match="alter_hort"):
        check_groups(overlap, lang="en")
    with pytest.raises(InputError, match="alter_krippe"):
        check_groups((KitaGroup("krippe", 1, 2, 45.0), *DEFAULT_KITA_GROUPS[1:]))


def test_places_without_a_type_are_refused():
    _, kitas, _, _ = _setting()
    kitas.loc["k2", ["kindergarten", "hort"]] = 0.0
    with pytest.raises(InputError, match="k2"):
        kita_places(
            kitas,
            {"krippe": "krippe", "kindergarten": "kindergarten", "hort": "hort"},
            capacity_col="kapazitaet",
        )
    with pytest.raises(InputError, match="columns="):
        kita_places(kitas, {"krippe": "gibtsnicht"})


@using_door("config")
def test_horizon_beyond_projection_is_refused():
    horizon_check([2030, 2035], 2024, 2035)
    with pytest.raises(InputError, match="jahre.*2040.*2035"):
        horizon_check([2030, 2040], 2024, 2035)


def test_projected_deficit_per_scenario():
    from sozialraum.demography import project

    areas, kitas, pop0, gem = _setting()
    pops = []
    for y in range(2020, 2025):
        p = pop0.copy()
        p["year"] = y
        pops.append(p)
    pop = pd.concat(pops, ignore_index=True)
    proj = project(pop, horizon=6)
    pl = kita_places(kitas, {k: k for k in ("krippe", "kindergarten", "hort", "tagespflege")})
    res = kita_planning(
        areas,
        kitas,
        pl,
        pop,
        KitaParams(years=(2030,)),
        base_year=2024,
        projection=proj,
        gemeinde=gem,
    )
    wide = res.wide()
    for s in proj.scenarios:
        col = kita_column("kindergarten", "defizit", 2030, s)
        need = kita_need(proj, DEFAULT_KITA_GROUPS, year=2030, scenario=s)["kindergarten"]
        by_hand = (need * 0.95 - pd.Series({"A": 70.0, "B": 0.0, "C": 0.0})).clip(lower=0)
        np.testing.assert_allclose(wide[col].to_numpy(), by_hand.loc[wide.index].to_numpy())


def test_what_if_new_extended_closed():
    areas, kitas, pop, gem = _setting()
    pl = kita_places(kitas, {k: k for k in ("krippe", "kindergarten", "hort", "tagespflege")})
    changes = kita_changes(
        [
            {"art": "neu", "id": "N1", "x": 1500, "y": 500, "krippe": 3, "kindergarten": 15},
            {"art": "erweiterung", "id": "k1", "hort": 5},
            {"art": "schliessung", "id": "k2"},
        ]
    )
    wi = kita_what_if(areas, kitas, pl, pop, KitaParams(), changes, base_year=2024, gemeinde=gem)
    f = wi.frame
    # B gets the new Kita: Krippe 2.7 → 0 (3 places ≥ 2.7), Kindergarten 14.25 → 0 (15 places)
    assert f.loc["B", "kita_krippe_defizit_nachher"] == pytest.approx(0.0)
    assert f.loc["B", "kita_kindergarten_defizit_differenz"] == pytest.approx(-14.25)
    # A loses k2 (30 Kindergarten places): 57 − 40 = 17 missing; Hort 20 − (5 + 5) = 10
    assert f.loc["A", "kita_kindergarten_defizit_nachher"] == pytest.approx(17.0)
    assert f.loc["A", "kita_hort_defizit_nachher"] == pytest.approx(10.0)
    assert wi.before.deficit("hort")["A"] == pytest.approx(5.0)


@using_door("config")
def test_what_if_bad_entries_name_the_key():
    with pytest.raises(InputError, match=r"was_waere_wenn \(in \[kita\]\), Eintrag 1"):
        kita_changes([{"art": "umbau", "id": "k1"}])
    with pytest.raises(InputError, match="x und y"):
        kita_changes([{"art": "neu", "krippe": 10}])
    with pytest.raises(InputError, match="Plätze je Art"):
        kita_changes([{"art": "erweiterung", "id": "k1", "krippe": -3}])


def test_school_entry_cohorts_per_district_and_nearest_school():
    from sozialraum.demography.schulen import school_entry

    areas, _, pop, _ = _setting()
    districts = gpd.GeoDataFrame(
        {"bezirk_id": ["S1", "S2"], "name": ["Nord", "Süd"]},
        geometry=[shapely.box(-10, -10, 5000, 2000), shapely.box(5000, -10, 12000, 2000)],
        crs=CRS,
    )
    res = school_entry(areas, pop, base_year=2024, districts=districts)
    # 6-year-olds: A 10, B 0, C 1
    assert res.districts.loc["S1", "einschulung_2024"] == 10.0
    assert res.districts.loc["S2", "einschulung_2024"] == 1.0
    assert res.districts.loc["S1", "gebiete"] == 2 and res.source == "schulbezirke"
    schools = gpd.GeoDataFrame(
        {"name": ["GS West", "GS Ost"]},
        geometry=shapely.points([(1900, 500), (9000, 500)]),
        crs=CRS,
        index=["g1", "g2"],
    )
    res = school_entry(areas, pop, base_year=2024, schools=schools)
    assert res.areas["bezirk"].tolist() == ["g1", "g1", "g2"]
    with pytest.raises(InputError, match="C"):
        school_entry(areas, pop, base_year=2024, districts=districts.iloc[:1])
