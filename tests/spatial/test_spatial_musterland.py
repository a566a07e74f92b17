"""Musterland (shipped example district): the exclave 07999002010 has no queen neighbour,
is reported, and is "ohne Nachbarn" in LISA and Gi* whatever its value."""

from __future__ import annotations

import warnings

import geopandas as gpd
import numpy as np
import pytest

from sozialraum.errors import SozialraumWarning
from sozialraum.spatial import build_weights, getis_ord, local_moran

pytestmark = pytest.mark.usefixtures("esda_warm")

EXKLAVE = "07999002010"


@pytest.fixture(scope="module")
def areas(musterland):
    path = musterland["boundaries"]
    if not path.exists():
        pytest.skip(f"{path} absent")
    return gpd.read_file(path, layer="sozialraeume").set_index("sr_id")


def test_exclave_is_island(areas):
    with pytest.warns(SozialraumWarning, match=EXKLAVE):
        w = build_weights(areas, "queen")
    assert w.islands == (EXKLAVE,)
    assert w.n_components == 2
    attached = build_weights(areas, "queen", islands="knn")
    assert attached.attached == (EXKLAVE,) and attached.n_components == 1


def test_exclave_never_significant(areas):
    data = areas.copy()
    c = data.geometry.centroid
    data["v"] = (c.x - c.x.mean()) / c.x.std() + np.random.default_rng(3).normal(0, 0.3, len(data))
    data.loc[EXKLAVE, "v"] = 50.0  # extreme value: esda would call it a significant outlier
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SozialraumWarning)
        lisa = local_moran(data, "v", seed=1)
        gi = getis_ord(
            data.assign(v=data["v"] - data["v"].min() + 1.0), "v"
        )  # Gi* needs values >= 0
    assert lisa.frame.loc[EXKLAVE, "lisa_cat"] == "ohne Nachbarn"
    assert not lisa.frame.loc[EXKLAVE, "lisa_sig"]
    assert gi.frame.loc[EXKLAVE, "gi_cat"] == "ohne Nachbarn"
    assert lisa.params["n_used"] == 79
    assert "ohne Nachbarn 1" in lisa.summary()
