"""The QGIS tool "Förderkulisse" is a thin door: the same selection as the library."""

from __future__ import annotations

import pandas as pd
import pytest
from qgis_helpers import EX, read_out


@pytest.fixture(scope="module")
def monitored(run, joined, outdir):
    path, _ = joined
    res = run(
        "raten_index",
        {
            "INPUT": str(path),
            "KEY": "sr_id",
            "CATALOGUE": str(EX / "katalog.toml"),
            "OUTPUT": str(outdir / "monitor_prio.gpkg"),
        },
    )
    return res["OUTPUT"]


def test_priority_tool_equals_library(run, monitored, outdir):
    from qgis.core import QgsCategorizedSymbolRenderer, QgsVectorLayer

    from sozialraum.planning import PriorityRules, select_priority_areas

    res = run(
        "foerderkulisse",
        {
            "INPUT": monitored,
            "KEY": "sr_id",
            "CLASSES": "sehr niedrig",
            "DEFICIT": "kinderarmut",
            "THRESHOLD": 30,
            "MIN_POP": 500,
            "POP": "ew_ges",
            "BUDGET": 250000,
            "OUTPUT": str(outdir / "prio.gpkg"),
        },
    )
    out = read_out(res["OUTPUT"])
    src = read_out(monitored).drop(columns="geometry")
    rules = PriorityRules(
        deficit_column="kinderarmut",
        deficit_threshold=30.0,
        min_population=500,
        budget=250000.0,
    )
    ref = select_priority_areas(src, rules).frame
    assert out["prio_kulisse"].astype(bool).tolist() == ref["prio_kulisse"].tolist()
    assert out["prio_pruefen"].astype(bool).tolist() == ref["prio_pruefen"].tolist()
    pd.testing.assert_series_equal(
        pd.to_numeric(out["prio_anteil"]), ref["prio_anteil"], check_names=False, check_index=False
    )
    assert out["prio_gruende"].tolist() == ref["prio_gruende"].tolist()
    layer = QgsVectorLayer(res["OUTPUT"], "p", "ogr")
    assert isinstance(layer.renderer(), QgsCategorizedSymbolRenderer)


def test_priority_tool_unknown_class_names_the_field(run, monitored, outdir):
    from qgis.core import QgsProcessingException

    with pytest.raises(QgsProcessingException, match="Statusklassen.*sehr schlecht"):
        run(
            "foerderkulisse",
            {
                "INPUT": monitored,
                "KEY": "sr_id",
                "CLASSES": "sehr schlecht",
                "POP": "ew_ges",
                "OUTPUT": str(outdir / "prio2.gpkg"),
            },
        )
