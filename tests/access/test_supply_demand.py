"""Bestand–Bedarf, what-if and offers against hand computations."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from sozialraum.access import (
    apply_changes,
    bestand_bedarf,
    find_offers,
    label,
    labelled,
    offer_inventory,
    offers_for_household,
    two_step_fca,
    what_if,
)
from sozialraum.errors import InputError, SozialraumWarning


def test_bestand_bedarf_hand_case():
    areas = pd.DataFrame({"kinder_1_5": [100.0, 50.0, 0.0, np.nan]}, index=["A", "B", "C", "D"])
    kitas = pd.DataFrame(
        {"kapazitaet": [60.0, 40.0, 30.0, 5.0], "sr_id": ["A", "A", "B", "Z"]},
        index=["k1", "k2", "k3", "k4"],
    )
    with pytest.warns(SozialraumWarning, match="'k4'"):
        r = bestand_bedarf(areas, "kinder_1_5", rate=0.9, norm=1.0, facilities=kitas)
    f = r.frame
    # A: need 90, supply 100 -> +10, coverage 111.1 %, 100 places per 100 children
    assert f.loc["A", "bedarf"] == pytest.approx(90.0)
    assert f.loc["A", "saldo"] == pytest.approx(10.0) and f.loc["A", "defizit"] == 0
    assert f.loc["A", "deckungsgrad"] == pytest.approx(100 / 90 * 100)
    # B: need 45, supply 30 -> deficit 15, 60 places per 100 children
    assert f.loc["B", "defizit"] == pytest.approx(15.0)
    assert f.loc["B", "versorgung_je_100"] == pytest.approx(60.0)
    assert f.loc["B", "soll_je_100"] == pytest.approx(90.0)
    # C: no children -> coverage undefined, flagged
    assert (
        np.isnan(f.loc["C", "deckungsgrad"]) and r.status.loc["C", "deckungsgrad"] == "nenner_null"
    )
    # D: target missing -> NaN, status fehlt
    assert np.isnan(f.loc["D", "bedarf"]) and r.status.loc["D", "bedarf"] == "fehlt"
    assert list(r.unassigned.index) == ["k4"]
    assert r.params["method"] == "standort"


def test_bestand_bedarf_catchment_method_counts_across_borders():
    # one Kita in area A (20 places), children in A (10) and B (10), both within reach
    dem = gpd.GeoDataFrame(
        {"kinder": [10.0, 10.0]},
        geometry=shapely.points([(0, 0), (800, 0)]),
        crs=25832,
        index=["pa", "pb"],
    )
    sup = gpd.GeoDataFrame(
        {"kapazitaet": [20.0]}, geometry=shapely.points([(100, 0)]), crs=25832, index=["k"]
    )
    fca = two_step_fca(dem, sup, "kinder", "kapazitaet", 1000.0)
    areas = pd.DataFrame({"kinder": [10.0, 10.0]}, index=["A", "B"])
    r = bestand_bedarf(areas, "kinder", fca=fca, fca_area=pd.Series(["A", "B"], index=["pa", "pb"]))
    np.testing.assert_allclose(r.frame["bestand"], [10.0, 10.0])  # shared across the border
    r2 = bestand_bedarf(
        areas, "kinder", facilities=pd.DataFrame({"kapazitaet": [20.0], "sr_id": ["A"]})
    )
    np.testing.assert_allclose(r2.frame["bestand"], [20.0, 0.0])  # counted where the Kita stands
    with pytest.raises(InputError):
        bestand_bedarf(areas, "kinder")


def _kitas():
    return gpd.GeoDataFrame(
        {"kapazitaet": [20.0, 30.0]},
        geometry=shapely.points([(0, 0), (5000, 0)]),
        crs=25832,
        index=["k1", "k2"],
    )


def test_what_if_add_remove_resize():
    dem = gpd.GeoDataFrame(
        {"kinder": [10.0, 40.0], "sr": ["A", "B"]},
        geometry=shapely.points([(100, 0), (4900, 0)]),
        crs=25832,
        index=["p1", "p2"],
    )
    new = gpd.GeoDataFrame(
        {"kapazitaet": [50.0]}, geometry=shapely.points([(4800, 0)]), crs=25832, index=["neu"]
    )
    w = what_if(
        dem,
        _kitas(),
        add=new,
        resize={"k1": 5.0},
        method="2sfca",
        demand_col="kinder",
        max_cost=1000.0,
        area="sr",
    )
    # before: p1 20/10 -> 200 per 100; p2 30/40 -> 75; after: p1 5/10 -> 50, p2 (30+50)/40 -> 200
    np.testing.assert_allclose(w.frame["versorgung_vorher"], [200.0, 75.0])
    np.testing.assert_allclose(w.frame["versorgung_nachher"], [50.0, 200.0])
    np.testing.assert_allclose(w.frame["versorgung_differenz"], [-150.0, 125.0])
    np.testing.assert_allclose(w.areas.loc["B", "plaetze_zugeordnet_differenz"], 50.0)
    w2 = what_if(dem, _kitas(), remove=["k2"], method="nearest")
    np.testing.assert_allclose(w2.frame["distance_1_nachher"], [100.0, 4900.0])
    assert "nachher" in label("distance_1_nachher") and "Differenz" in labelled(w2.frame).columns[2]
    with pytest.raises(InputError, match="'kx'"):
        apply_changes(_kitas(), remove=["kx"])
    with pytest.raises(InputError, match="'k1'"):
        apply_changes(_kitas(), add=_kitas().iloc[:1])


def _offers():
    return gpd.GeoDataFrame(
        {
            "thema": [
                "Gesundheit",
                "Gesundheit",
                "Bildung & Freizeit",
                "Förderung, Beratung & Hilfe",
                "Leben & Wohnen",
            ],
            "zielgruppe": ["Senioren", "alle", "Kinder", "Familien", "Senioren"],
            "sr_id": ["A", "A", "B", "B", "B"],
        },
        geometry=shapely.points([(0, 0), (100, 0), (2000, 0), (300, 0), (5000, 0)]),
        crs=25832,
        index=["o1", "o2", "o3", "o4", "o5"],
    )


def test_offer_inventory_counts_and_rates():
    pop = pd.DataFrame({"ew_65": [200.0, 400.0], "ew_0_17": [0.0, 500.0]}, index=["A", "B"])
    inv = offer_inventory(
        _offers(),
        population=pop,
        group_population={"Senioren": "ew_65", "Kinder": "ew_0_17"},
        areas=["A", "B", "C"],
    )
    get = inv.set_index(["gebiet", "thema", "zielgruppe"])
    assert get.loc[("A", "Gesundheit", "Senioren"), "anzahl"] == 1
    assert get.loc[("B", "Gesundheit", "Senioren"), "anzahl"] == 0  # zero counts present
    assert (
        get.loc[("C", "Leben & Wohnen", "Senioren"), "anzahl"] == 0
    )  # area without offers present
    assert get.loc[("A", "Gesundheit", "Senioren"), "je_1000"] == pytest.approx(5.0)
    assert get.loc[("B", "Leben & Wohnen", "Senioren"), "je_1000"] == pytest.approx(2.5)
    assert get.loc[("B", "Bildung & Freizeit", "Kinder"), "je_1000"] == pytest.approx(2.0)
    assert np.isnan(
        get.loc[("A", "Bildung & Freizeit", "Kinder"), "je_1000"]
    )  # 0 children: undefined
    assert inv["anzahl"].sum() == 5


def test_find_offers_and_household():
    off = _offers()
    found = find_offers(off, theme="Gesundheit", group="Senioren")
    assert list(found.index) == ["o1", "o2"]  # 'alle' serves seniors too
    near = find_offers(off, near=(250, 0), max_distance=400)
    assert list(near.index) == ["o4", "o2", "o1"]
    np.testing.assert_allclose(near["entfernung_m"], [50.0, 150.0, 250.0])
    hh = offers_for_household(
        off, shapely.Point(0, 0), {"schulkind": 2, "pflegebeduerftig": 1}, max_distance=2500
    )
    assert list(hh.index) == ["o1", "o2", "o4", "o3"]
    assert (
        hh.loc["o2", "fuer"] == "schulkind, pflegebeduerftig"
        and hh.loc["o1", "fuer"] == "pflegebeduerftig"
    )
    with pytest.raises(InputError, match="Haushaltsmitglieder"):
        offers_for_household(off, (0, 0), ["astronaut"], max_distance=10)
