"""The QGIS tool "Klassensicherheit berechnen" equals the library (a thin door)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from qgis_helpers import EX

from sozialraum.io import read_areas


def test_certainty_tool_equals_library(run, joined, lib_joined, outdir):
    from sozialraum.monitor import certainty, run_monitor

    path, _ = joined
    ref_join, cat = lib_joined
    res = run(
        "klassensicherheit",
        {
            "INPUT": str(path),
            "KEY": "sr_id",
            "CATALOGUE": str(EX / "katalog.toml"),
            "REPLICATES": 200,
            "OUTPUT": str(outdir / "sicherheit.gpkg"),
        },
    )
    counts = ref_join.frame[[v for v in cat.variables.index if v in ref_join.frame.columns]]
    mon = run_monitor(counts, cat, status=ref_join.status.reindex(columns=counts.columns))
    ref = certainty(counts, cat, mon, replicates=200)
    out = read_areas(res["OUTPUT"], layer="sicherheit", key="sr_id")
    for c in ("status_sicherheit", "status_p_mittel", "idx_gesamt_sicherheit", "idx_gesamt_lo"):
        np.testing.assert_allclose(
            pd.to_numeric(out[c], errors="coerce").to_numpy(dtype=float),
            ref.frame[c].reindex(out.index).to_numpy(dtype=float),
            rtol=1e-12,
            equal_nan=True,
        )
    assert out["status_klasse"].tolist() == mon.frame["status_klasse"].reindex(out.index).tolist()
    assert str(len(ref.unsure("status"))) in res["SUMMARY"]
    # styled by the certainty of the status class
    from qgis.core import QgsVectorLayer

    layer = QgsVectorLayer(res["OUTPUT"], "s", "ogr")
    assert layer.renderer().classAttribute() == "status_sicherheit"


def test_certainty_tool_adds_the_class_certainty_of_every_rate(run, joined, lib_joined, outdir):
    from sozialraum.monitor import indicator_certainty, run_monitor

    path, _ = joined
    ref_join, cat = lib_joined
    res = run(
        "klassensicherheit",
        {
            "INPUT": str(path),
            "KEY": "sr_id",
            "CATALOGUE": str(EX / "katalog.toml"),
            "REPLICATES": 100,
            "INDICATORS": True,
            "OUTPUT": str(outdir / "sicherheit_quoten.gpkg"),
        },
    )
    counts = ref_join.frame[[v for v in cat.variables.index if v in ref_join.frame.columns]]
    mon = run_monitor(counts, cat, status=ref_join.status.reindex(columns=counts.columns))
    ref = indicator_certainty(counts, cat, mon.rates, replicates=100, seed=mon.settings.seed)
    out = read_areas(res["OUTPUT"], layer="sicherheit", key="sr_id")
    assert len(ref.frame.columns) >= 5
    for c in ref.frame.columns:
        np.testing.assert_allclose(
            pd.to_numeric(out[c], errors="coerce").to_numpy(dtype=float),
            ref.frame[c].reindex(out.index).to_numpy(dtype=float),
            rtol=1e-12,
            equal_nan=True,
        )
