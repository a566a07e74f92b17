"""``sozialraum index --sicherheit``: the certainty columns equal the library's."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

from sozialraum.cli import main


@pytest.fixture(scope="module")
def joined(tmp_path_factory, musterland):
    out = tmp_path_factory.mktemp("sicherheit") / "verknuepft.gpkg"
    code = main(
        [
            "join",
            str(musterland["boundaries"]),
            str(musterland["examples"] / "indikatoren_2024.xlsx"),
            "--layer",
            "sozialraeume",
            "--key",
            "sr_id",
            "--name",
            "sr_name",
            "--sheet",
            "Daten",
            "--katalog",
            str(musterland["examples"] / "katalog.toml"),
            "--out",
            str(out),
        ]
    )
    assert code == 0
    return out


def test_index_with_certainty_equals_the_library(joined, tmp_path, musterland):
    from sozialraum.io import read_areas, read_catalogue, split_status_columns
    from sozialraum.monitor import certainty, run_monitor

    out = tmp_path / "index.gpkg"
    kat = musterland["examples"] / "katalog.toml"
    args = ["index", str(joined), "--ebene", "verknuepft", "--schluessel", "sr_id"]
    args += ["--katalog", str(kat), "--sicherheit", "--replikate", "200", "--out", str(out)]
    assert main(args) == 0
    g = gpd.read_file(out).set_index("sr_id")

    areas = read_areas(joined, layer="verknuepft", key="sr_id")
    cat = read_catalogue(kat)
    values, status = split_status_columns(areas.drop(columns="geometry"))
    variables = [v for v in cat.variables.index if v in values.columns]
    counts = values[variables].apply(pd.to_numeric, errors="coerce")
    st = status.reindex(columns=[c for c in status.columns if c in variables])
    mon = run_monitor(counts, cat, status=st, seed=0)
    ref = certainty(counts, cat, mon, replicates=200)
    for col in ("status_sicherheit", "idx_gesamt_sicherheit", "idx_gesamt_lo", "rang_hi"):
        np.testing.assert_allclose(
            pd.to_numeric(g[col], errors="coerce").to_numpy(dtype=float),
            pd.to_numeric(ref.frame[col], errors="coerce").reindex(g.index).to_numpy(dtype=float),
            equal_nan=True,
        )
    assert g["status_sicherheit"].notna().sum() > 50


def test_index_with_certainty_has_the_class_certainty_of_every_rate(joined, tmp_path, musterland):
    from sozialraum.io import read_areas, read_catalogue, split_status_columns
    from sozialraum.monitor import run_monitor
    from sozialraum.monitor.certainty_indicators import indicator_certainty

    out = tmp_path / "index.gpkg"
    kat = musterland["examples"] / "katalog.toml"
    args = ["index", str(joined), "--ebene", "verknuepft", "--schluessel", "sr_id"]
    args += ["--katalog", str(kat), "--sicherheit", "--replikate", "200", "--out", str(out)]
    assert main(args) == 0
    g = gpd.read_file(out).set_index("sr_id")
    areas = read_areas(joined, layer="verknuepft", key="sr_id")
    cat = read_catalogue(kat)
    values, status = split_status_columns(areas.drop(columns="geometry"))
    variables = [v for v in cat.variables.index if v in values.columns]
    counts = values[variables].apply(pd.to_numeric, errors="coerce")
    st = status.reindex(columns=[c for c in status.columns if c in variables])
    mon = run_monitor(counts, cat, status=st, seed=0)
    ref = indicator_certainty(counts, cat, mon.rates, replicates=200, seed=0)
    assert len(ref.frame.columns) >= 5
    for col in ref.frame.columns:
        np.testing.assert_allclose(
            pd.to_numeric(g[col], errors="coerce").to_numpy(dtype=float),
            ref.frame[col].reindex(g.index).to_numpy(dtype=float),
            equal_nan=True,
        )
