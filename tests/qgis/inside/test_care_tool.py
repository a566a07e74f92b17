"""The care tool (Pflegebedarf) equals the library's care_plan on Musterland (the run's numbers)."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
from qgis_helpers import AREAS, EX, read_out


def test_care_tool_equals_library(run, outdir):
    from sozialraum.access import SupplyNeedParams
    from sozialraum.demography import project, read_population
    from sozialraum.demography.care import (
        FORMS_WITH_PLACES,
        care_offers,
        care_plan,
        read_care_prevalence,
    )
    from sozialraum.io import read_areas

    res = run(
        "pflegebedarf",
        {
            "INPUT": AREAS,
            "KEY": "sr_id",
            "POPULATION": str(EX / "bevoelkerung_alter_*.csv"),
            "POP_KEY": "sr_id",
            "PREVALENCE": str(EX / "pflege_praevalenz.csv"),
            "OFFERS": f"{EX / 'pflege_angebote.gpkg'}|layername=pflegeangebote",
            "TYPE_FIELD": "art",
            "PLACES_FIELD": "plaetze",
            "YEARS": "2030; 2035",
            "SCENARIO": 1,
            "HORIZON": 11,
            "METHOD": 0,
            "TARGET": 100,
            "OUTPUT": str(outdir / "pflege.gpkg"),
        },
    )
    out = read_out(res["OUTPUT"])
    areas = read_areas(str(AREAS.split("|")[0]), layer="sozialraeume", key="sr_id")
    pop = read_population(str(EX / "bevoelkerung_alter_*.csv"), key="sr_id")
    offers = care_offers(gpd.read_file(EX / "pflege_angebote.gpkg"))
    p = SupplyNeedParams(method="standort", target_per_100=100.0, capacity_col="plaetze")
    ref = care_plan(
        pop,
        project(pop, horizon=11),
        read_care_prevalence(EX / "pflege_praevalenz.csv"),
        areas,
        years=[2030, 2035],
        offers=offers,
        params=dict.fromkeys(FORMS_WITH_PLACES, p),
    ).columns()
    assert "pflege_defizit_stationaer_2035" in ref.columns
    for c in ref.columns:
        np.testing.assert_allclose(
            pd.to_numeric(out[c]).to_numpy(float),
            ref[c].reindex(out.index).to_numpy(float),
            rtol=1e-9,
        )
    assert out["pflegebeduerftige_2035"].sum() > out["pflegebeduerftige_2024"].sum()  # ageing
