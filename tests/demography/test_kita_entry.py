"""The one entry point of Kita planning (plan_kitas) and the short forms every door reads."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from sozialraum.access import SupplyNeedParams
from sozialraum.core.doors import using_door
from sozialraum.demography.kita import (
    DEFAULT_KITA_GROUPS,
    KitaChange,
    KitaInputs,
    KitaParams,
    kita_changes,
    kita_facilities,
    kita_planning,
    kita_projection,
    kita_what_if,
    parse_kita_changes,
    parse_kita_groups,
    parse_place_columns,
    plan_kitas,
)
from sozialraum.errors import InputError

CRS = "EPSG:25833"


def _pop(year, per_age):
    rows = []
    for key, ages in per_age.items():
        for a in range(0, 101):
            rows.append((key, year, a, "w", float(ages.get(a, 0))))
            rows.append((key, year, a, "m", 0.0))
    return pd.DataFrame(rows, columns=["key", "year", "alter", "geschlecht", "anzahl"])


@pytest.fixture
def setting():
    """Area A with one Kita, area B without; 10 children per age in A, 4 in B."""
    areas = gpd.GeoDataFrame(
        {"ags": ["G1", "G1"]},
        geometry=[shapely.box(0, 0, 1000, 1000), shapely.box(1000, 0, 2000, 1000)],
        crs=CRS,
        index=["A", "B"],
    )
    layer = gpd.GeoDataFrame(
        {
            "id": ["k1", "s1", "k2"],
            "kategorie": ["Kita", "Schule", "Kita"],
            "kapazitaet": [60.0, 300.0, 10.0],
        },
        geometry=shapely.points([(500, 500), (600, 600), (1500, 500)]),
        crs=CRS,
    )
    table = pd.DataFrame(
        {"id": ["k1", "k2"], "krippe": [10, 0], "kindergarten": [40, 10], "hort": [5, 0]}
    )
    pop = _pop(2024, {"A": dict.fromkeys(range(10), 10), "B": dict.fromkeys(range(10), 4)})
    return areas, layer, table, pop


def test_short_forms_of_rates_and_ages():
    g = parse_kita_groups("u3=42,5; ue3=100", "krippe=0-1; kindergarten=2-5; hort=6-10")
    assert [(x.key, x.lo, x.hi, x.rate) for x in g] == [
        ("krippe", 0, 1, 42.5),
        ("kindergarten", 2, 5, 100.0),
        ("hort", 6, 10, 50.0),  # not named: the default rate
    ]
    assert parse_kita_groups() == DEFAULT_KITA_GROUPS
    assert parse_kita_groups({"hort": 30})[2].rate == 30.0


@pytest.mark.parametrize(
    ("rates", "ages", "words"),
    [
        ("u3=101", None, "KitaGroup('krippe').rate"),
        ("hort=-0,5", None, "KitaGroup('hort').rate"),
        ("u3=45; krippe=50", None, "doppelt"),
        ("kita=45", None, "unbekannte Altersgruppe 'kita'"),
        ("u3", None, "kein Eintrag der Form name=Wert"),
        (None, "krippe=0-2; kindergarten=2-5", "beginnt bei 2, erwartet 3"),
        (None, "krippe=0-2; kindergarten=3-5; hort=5-9", "beginnt bei 5, erwartet 6"),
        (None, "krippe=zwei", "kein Altersbereich"),
    ],
)
def test_bad_short_forms_are_refused(rates, ages, words):
    with pytest.raises(InputError, match=words.replace("(", r"\(").replace(")", r"\)")):
        parse_kita_groups(rates, ages)


def test_short_forms_name_the_door():
    with using_door("cli"), pytest.raises(InputError, match=r"--quoten \(krippe=…\) = 120"):
        parse_kita_groups("u3=120")
    with using_door("config"), pytest.raises(InputError, match=r"quote_hort \(in \[kita\]\)"):
        parse_kita_groups({"hort": 120})
    with using_door("qgis"), pytest.raises(InputError, match="Feld „Altersgruppen“"):
        parse_kita_groups(None, "kindergarten=4-5")


def test_place_columns_and_changes():
    cols = parse_place_columns("krippe=U3; tagespflege=KTP")
    assert cols == {
        "krippe": "U3",
        "kindergarten": "kindergarten",
        "hort": "hort",
        "tagespflege": "KTP",
    }
    with pytest.raises(InputError, match="unbekannte Platzart 'krippen'"):
        parse_place_columns("krippen=U3")
    got = parse_kita_changes(["x=1.500; y=500; krippe=20"], ["id=k1; kindergarten=5"], ["k2; k3"])
    assert got == (
        KitaChange("neu", "neu1", {"krippe": 20.0}, 1500.0, 500.0),
        KitaChange("erweiterung", "k1", {"kindergarten": 5.0}),
        KitaChange("schliessung", "k2"),
        KitaChange("schliessung", "k3"),
    )


def test_kita_facilities_filters_joins_and_refuses(setting):
    areas, layer, table, _ = setting
    kitas, places = kita_facilities(layer, category="Kita", places_table=table)
    assert list(kitas.index) == ["k1", "k2"]
    assert places.loc["k1"].tolist() == [10.0, 40.0, 5.0]
    with pytest.raises(InputError, match="keine solchen Einrichtungen"):
        kita_facilities(layer, category="Krippe", places_table=table)
    with pytest.raises(InputError, match="ohne Eintrag in den Einrichtungen: 'k9'"):
        kita_facilities(
            layer, category="Kita", places_table=pd.concat([table, table.iloc[:1].assign(id="k9")])
        )
    with pytest.raises(InputError, match="Tabelle der Plätze: Kita-Schlüssel mehrfach"):
        kita_facilities(layer, category="Kita", places_table=pd.concat([table, table]))
    # places without a type: k2 has 10 places in the layer but none by type
    untyped = table.assign(krippe=[10, 0], kindergarten=[40, 0], hort=[5, 0])
    with pytest.raises(InputError, match="keine Plätze nach Art.*'k2'"):
        kita_facilities(layer, category="Kita", places_table=untyped, capacity_col="kapazitaet")


def test_plan_kitas_by_hand(setting):
    """Standort: A has 10 Krippe places for 30 × 45 % = 13.5 → 3.5 missing; B 12 × 45 % = 5.4."""
    areas, layer, table, pop = setting
    kitas, places = kita_facilities(layer, category="Kita", places_table=table)
    inputs = KitaInputs(areas, kitas, places, pop, gemeinde=areas["ags"])
    res = plan_kitas(inputs, KitaParams())
    d = res.planning.deficit("krippe")
    assert d["A"] == pytest.approx(3.5) and d["B"] == pytest.approx(5.4)
    # Kindergarten: A 30 × 95 % = 28.5 < 40; B 12 × 95 % = 11.4 against 10 → 1.4
    assert res.planning.deficit("kindergarten").tolist() == pytest.approx([0.0, 1.4])
    # the municipality as a whole: 42 × 45 % = 18.9 against 10 places
    assert res.planning.deficit("krippe", unit="gemeinden")["G1"] == pytest.approx(8.9)
    assert res.what_if is None


def test_plan_kitas_equals_planning_and_what_if(setting):
    areas, layer, table, pop = setting
    kitas, places = kita_facilities(layer, category="Kita", places_table=table)
    params = KitaParams(supply=SupplyNeedParams("2sfca", max_cost=1500.0))
    changes = kita_changes([{"art": "neu", "x": 1600, "y": 400, "krippe": 6}])
    res = plan_kitas(KitaInputs(areas, kitas, places, pop), params, changes)
    ref = kita_planning(areas, kitas, places, pop, params, base_year=2024)
    wi = kita_what_if(areas, kitas, places, pop, params, changes, base_year=2024)
    pd.testing.assert_frame_equal(res.planning.areas, ref.areas)
    pd.testing.assert_frame_equal(res.what_if.frame, wi.frame)
    frame = res.areas_frame()
    assert (frame["kita_krippe_defizit_differenz"] < 0).any()  # the new Kita helps
    labels = res.labels()
    assert labels["kita_krippe_defizit_nachher"] == "Kita U3 (0–2): fehlende Plätze 2024, nachher"
    sheets = res.sheets()
    assert list(sheets) == ["Gebiete", "Plätze je Kita", "Was wäre wenn"]
    assert sheets["Plätze je Kita"].index.name == "Kita"  # keys, not row numbers
    assert list(sheets["Plätze je Kita"].columns) == ["Plätze U3", "Plätze Ü3", "Plätze Hort"]


def test_years_need_a_projection_that_reaches_them(setting):
    areas, layer, table, pop = setting
    kitas, places = kita_facilities(layer, category="Kita", places_table=table)
    assert kita_projection(pop, ()) is None
    with using_door("cli"), pytest.raises(InputError, match="--jahre: das Jahr 2030"):
        plan_kitas(KitaInputs(areas, kitas, places, pop), KitaParams(years=(2030,)))
    proj = kita_projection(pop, (2026,), {"wanderung": "keine"})
    assert int(proj.population["year"].max()) == 2026  # up to the last target year
    res = plan_kitas(
        KitaInputs(areas, kitas, places, pop, projection=proj), KitaParams(years=(2026,))
    )
    assert np.isfinite(res.planning.deficit("hort", 2026, "mittel")).all()
