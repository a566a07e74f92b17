"""``sozialraum pflege``: the same numbers as the library's care_plan; errors name the options."""

from __future__ import annotations

import geopandas as gpd
import numpy as np

from sozialraum.cli import main


def _args(musterland, out, *extra):
    ex = musterland["examples"]
    return [
        "pflege",
        str(musterland["boundaries"]),
        "--ebene",
        "sozialraeume",
        "--schluessel",
        "sr_id",
        "--bevoelkerung",
        *(str(ex / f"bevoelkerung_alter_{y}.csv") for y in range(2020, 2025)),
        "--praevalenz",
        str(ex / "pflege_praevalenz.csv"),
        "--angebote",
        str(ex / "pflege_angebote.gpkg"),
        "--methode",
        "standort",
        "--out",
        str(out),
        *extra,
    ]


def test_pflege_command_equals_library(musterland, tmp_path):
    from sozialraum.access import SupplyNeedParams
    from sozialraum.demography import project, read_population
    from sozialraum.demography.care import (
        FORMS_WITH_PLACES,
        care_offers,
        care_plan,
        read_care_prevalence,
    )
    from sozialraum.io import read_areas

    out = tmp_path / "pflege.gpkg"
    assert main(_args(musterland, out)) == 0
    got = gpd.read_file(out, layer="pflege").set_index("sr_id")
    ex = musterland["examples"]
    pop = read_population(
        [ex / f"bevoelkerung_alter_{y}.csv" for y in range(2020, 2025)], key="sr_id"
    )
    areas = read_areas(musterland["boundaries"], layer="sozialraeume", key="sr_id")
    p = SupplyNeedParams(method="standort", target_per_100=100.0, capacity_col="plaetze")
    ref = care_plan(
        pop,
        project(pop, horizon=11),
        read_care_prevalence(ex / "pflege_praevalenz.csv"),
        areas,
        offers=care_offers(gpd.read_file(ex / "pflege_angebote.gpkg")),
        params=dict.fromkeys(FORMS_WITH_PLACES, p),
    ).columns()
    assert len(ref.columns) == 12
    for c in ref.columns:
        np.testing.assert_allclose(
            got[c].to_numpy(float), ref[c].reindex(got.index).to_numpy(float), rtol=1e-9
        )


def test_pflege_command_year_beyond_projection_names_the_option(musterland, tmp_path, capsys):
    code = main(_args(musterland, tmp_path / "x.gpkg", "--jahre", "2040", "--horizont", "5"))
    err = capsys.readouterr().err
    assert code != 0
    assert "2040" in err and "--jahre" in err
