"""The indicator "Wanderungssaldo der 18- bis 24-Jährigen je 1.000" (young people moving away)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from sozialraum.io import read_catalogue
from sozialraum.join import rollup_hierarchy
from sozialraum.monitor.rates import compute_rates

EX = Path(__file__).resolve().parents[2] / "examples" / "musterland"


@pytest.fixture(scope="module")
def catalogue():
    return read_catalogue(EX / "katalog.toml")


def test_hand_case_per_area_and_municipality(catalogue):
    """Area A: 12 in, 30 out, 400 aged 18–24 → −45 ‰; B: 5 in, 2 out, 100 → +30 ‰;
    municipality A+B: (−18 + 3) / 500 · 1000 = −30 ‰ (sums, never the mean of −45 and 30)."""
    counts = pd.DataFrame(
        {
            "ew_18_24": [400, 100],
            "zuzuege_18_24": [12, 5],
            "fortzuege_18_24": [30, 2],
            "saldo_wanderung_18_24": [-18, 3],
            "ags": ["G", "G"],
        },
        index=pd.Index(["A", "B"]),
    )
    ind = catalogue.indicators.loc[["wanderung_18_24"]]
    rates = compute_rates(counts.drop(columns="ags"), ind, min_denominator=50).rates
    assert rates.loc["A", "wanderung_18_24"] == pytest.approx(-45.0)
    assert rates.loc["B", "wanderung_18_24"] == pytest.approx(30.0)
    roll = rollup_hierarchy(counts, {"gemeinde": "ags"}, catalogue=ind, geometry=False)
    assert roll["gemeinde"].frame.loc["G", "wanderung_18_24"] == pytest.approx(-30.0)


def test_musterland_data_agree_with_the_age_tables(catalogue):
    """The generated counts: balance = in − out; the population 18–24 is the age tables' sum."""
    tab = pd.read_csv(EX / "wanderung_junge_2024.csv", sep=";", dtype={"Sozialraum": str})
    tab = tab.set_index("Sozialraum")
    assert (
        tab["Wanderungssaldo 18 bis 24 Jahre"]
        == tab["Zuzüge 18 bis 24 Jahre"] - tab["Fortzüge 18 bis 24 Jahre"]
    ).all()
    age = pd.read_csv(EX / "bevoelkerung_alter_2024.csv", sep=";", dtype={"sr_id": str})
    young = age[age["alter"].between(18, 24)].groupby("sr_id")["anzahl"].sum()
    assert (tab["Einwohner 18 bis unter 25 Jahre"] == young.reindex(tab.index)).all()
    # the header of each column is the catalogue's first header of its variable
    for vid in ("ew_18_24", "zuzuege_18_24", "fortzuege_18_24", "saldo_wanderung_18_24"):
        assert catalogue.variables.loc[vid, "headers"][0] in tab.columns
    # young people leave the district on balance (the Musterland story)
    assert tab["Wanderungssaldo 18 bis 24 Jahre"].sum() < 0
