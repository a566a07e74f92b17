"""Care planning: prevalence × population by hand, supply against need, bad input."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import Point, box

from sozialraum.access import SupplyNeedParams
from sozialraum.demography.care import (
    care_need,
    care_offers,
    care_prevalence,
    care_supply,
    need_in_year,
)
from sozialraum.errors import ConfigError, InputError


def _table(rows):
    return pd.DataFrame(
        rows, columns=["alter_von", "alter_bis", "geschlecht", "quote", "stationaer", "ambulant"]
    )


PREV = _table(
    [
        ["0", "79", "i", "2", "10", "30"],
        ["80", "84", "m", "20", "20", "40"],
        ["80", "84", "w", "25", "20", "40"],
        ["85", "", "i", "40", "50", "30"],
    ]
)


def _pop():
    rows = [
        # key, year, alter, geschlecht, anzahl
        ("A", 2024, 50, "m", 100),
        ("A", 2024, 82, "m", 10),
        ("A", 2024, 90, "w", 20),
        ("B", 2024, 82, "w", 8),
        ("B", 2024, 100, "m", 5),
    ]
    return pd.DataFrame(rows, columns=["key", "year", "alter", "geschlecht", "anzahl"])


def test_need_is_prevalence_times_population_by_hand():
    need = care_need(_pop(), care_prevalence(PREV))
    # A: 100 × 2 % + 10 × 20 % + 20 × 40 % = 2 + 2 + 8 = 12
    # B: 8 × 25 % + 5 × 40 % = 2 + 2 = 4
    assert need.loc[("A", 2024), "pflegebeduerftige"] == pytest.approx(12.0)
    assert need.loc[("B", 2024), "pflegebeduerftige"] == pytest.approx(4.0)
    # stationär A: 2 × 10 % + 2 × 20 % + 8 × 50 % = 0.2 + 0.4 + 4 = 4.6
    assert need.loc[("A", 2024), "pflege_stationaer"] == pytest.approx(4.6)
    # ambulant B: 2 × 40 % + 2 × 30 % = 1.4
    assert need.loc[("B", 2024), "pflege_ambulant"] == pytest.approx(1.4)


def test_need_per_scenario_of_a_projection_frame():
    pop = _pop()
    two = pd.concat(
        [pop.assign(szenario="mittel"), pop.assign(szenario="hoch", anzahl=pop.anzahl * 2)]
    )
    need = care_need(two, care_prevalence(PREV))
    assert need.loc[("hoch", "A", 2024), "pflegebeduerftige"] == pytest.approx(24.0)
    assert need_in_year(need, 2024, "mittel").loc["B", "pflegebeduerftige"] == pytest.approx(4.0)
    with pytest.raises(ConfigError, match=r"jahre \(in \[pflege\]\)|care_need"):
        need_in_year(need, 2040, "mittel")


@pytest.mark.parametrize(
    ("rows", "match"),
    [
        (
            [["0", "79", "i", "120", "10", "30"], ["80", "", "i", "30", "10", "30"]],
            "zwischen 0 und 100",
        ),
        ([["0", "79", "i", "2", "-1", "30"], ["80", "", "i", "30", "10", "30"]], "stationaer"),
        (
            [["0", "70", "i", "2", "10", "30"], ["80", "", "i", "30", "10", "30"]],
            "Lücke vor Alter 80",
        ),
        ([["0", "85", "i", "2", "10", "30"], ["80", "", "i", "30", "10", "30"]], "Überschneidung"),
        ([["0", "79", "i", "2", "10", "30"], ["80", "99", "i", "30", "10", "30"]], "offene"),
        ([["5", "79", "i", "2", "10", "30"], ["80", "", "i", "30", "10", "30"]], "beginnt bei 5"),
        ([["0", "79", "x", "2", "10", "30"], ["80", "", "i", "30", "10", "30"]], "geschlecht"),
    ],
)
def test_bad_prevalence_is_refused_naming_the_key(rows, match):
    with pytest.raises(ConfigError, match=match) as err:
        care_prevalence(_table(rows))
    assert "praevalenz" in str(err.value) or "prevalence" in str(err.value)


def test_only_one_sex_tiled_is_refused():
    rows = [["0", "79", "m", "2", "10", "30"], ["80", "", "m", "30", "10", "30"]]
    with pytest.raises(ConfigError, match=r"\(w\)"):
        care_prevalence(_table(rows))


def test_offers_without_type_are_refused_with_their_rows():
    offers = pd.DataFrame({"art": ["stationaer", None, " "], "plaetze": [10, 5, 3]})
    with pytest.raises(InputError, match=r"Zeile\(n\) 3, 4") as err:
        care_offers(offers)
    assert "art_spalte" in str(err.value) or "type_col" in str(err.value)
    with pytest.raises(InputError, match="'hospiz'"):
        care_offers(pd.DataFrame({"art": ["Hospiz"], "plaetze": [1]}))


def test_supply_against_need_by_location_by_hand():
    areas = gpd.GeoDataFrame(
        geometry=[box(0, 0, 10, 10), box(10, 0, 20, 10)], index=["A", "B"], crs="EPSG:25833"
    )
    offers = gpd.GeoDataFrame(
        {"art": ["stationaer", "stationaer", "ambulant"], "plaetze": [3.0, 1.0, 10.0]},
        geometry=[Point(5, 5), Point(15, 5), Point(15, 5)],
        crs="EPSG:25833",
    )
    need = need_in_year(care_need(_pop(), care_prevalence(PREV)), 2024, None)
    p = SupplyNeedParams(method="standort", target_per_100=100.0, capacity_col="plaetze")
    res = care_supply(need, care_offers(offers), areas, {"stationaer": p, "ambulant": p})
    st = res["stationaer"].frame
    # A needs 4.6 places and has 3 → 1.6 missing; B: 2×20 % + 2×50 % = 1.4 needed, 1 place → 0.4
    assert st.loc["A", "defizit"] == pytest.approx(1.6)
    assert st.loc["B", "defizit"] == pytest.approx(0.4)
    amb = res["ambulant"].frame
    assert amb.loc["A", "bestand"] == 0 and np.isclose(amb.loc["B", "ueberhang"], 10 - 1.4)
