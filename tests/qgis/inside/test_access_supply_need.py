"""The access tool's supply vs need equals the library's one model (same numbers as the run)."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from qgis_helpers import EX, read_out


def _kitas():
    e = gpd.read_file(EX / "einrichtungen.gpkg")
    return e[e["kategorie"] == "Kita"].set_index("id", drop=False)


def test_access_tool_supply_need_by_catchment_equals_library(run, joined, lib_joined, outdir):
    from qgis.core import QgsVectorLayer

    from sozialraum.access import SupplyNeedParams, supply_need

    path, _ = joined
    areas = lib_joined[0].frame
    res = run(
        "erreichbarkeit",
        {
            "INPUT": str(path),
            "KEY": "sr_id",
            "SUPPLY": str(EX / "einrichtungen.gpkg"),
            "SUPPLY_FILTER": "\"kategorie\" = 'Kita'",
            "SUPPLY_ID": "id",
            "METHOD": 1,
            "DEMAND_FIELD": "ew_0_2",
            "SUPPLY_FIELD": "kapazitaet",
            "MAX_COST": 3000,
            "TARGET": 35,
            "OUTPUT": str(outdir / "fca_bb.gpkg"),
        },
    )
    ref = supply_need(
        areas["ew_0_2"],
        _kitas(),
        areas,
        SupplyNeedParams("2sfca", 35.0, max_cost=3000.0),
    )
    out = read_out(res["OUTPUT"])
    for c in ref.frame.columns:
        np.testing.assert_allclose(
            pd.to_numeric(out[c]).to_numpy(float),
            ref.frame[c].reindex(out.index).to_numpy(float),
            rtol=1e-9,
            equal_nan=True,
        )
    assert (out["bestand"] > 0).sum() > (ref.frame["bestand"] == 0).sum()  # not vacuous
    assert set(out["methode"]) == {"2SFCA (Plätze im Einzugsbereich von 3.000 m)"}
    lay = QgsVectorLayer(res["OUTPUT"], "x", "ogr")
    lay.loadDefaultStyle()
    # the library's fixed classes around the target (35 per 100), "kein Wert" grey
    from sozialraum.core.classify import classify

    cls = classify(out["versorgung_je_100"], breaks=[0.0, 17.5, 35.0, 52.5])
    assert lay.renderer().type() == "categorizedSymbol"
    assert '"versorgung_je_100"' in lay.renderer().classAttribute()
    labels = [c.label() for c in lay.renderer().categories()]
    assert labels == [*cls.class_labels, "kein Wert"]


def test_access_tool_refuses_target_for_nearest(run, joined, outdir):
    from qgis.core import QgsProcessingException

    path, _ = joined
    with pytest.raises(QgsProcessingException, match="Soll"):
        run(
            "erreichbarkeit",
            {
                "INPUT": str(path),
                "KEY": "sr_id",
                "SUPPLY": str(EX / "einrichtungen.gpkg"),
                "METHOD": 0,
                "TARGET": 35,
                "OUTPUT": str(outdir / "near_bad.gpkg"),
            },
        )
