"""Real data: Berlin planning areas (LOR, 448 polygons, one key twice) — queen weights,
islands/components against an independent geometric check; LISA never marks islands."""

from __future__ import annotations

import warnings

import geopandas as gpd
import networkx as nx
import numpy as np
import pytest

from sozialraum.errors import InputError
from sozialraum.spatial import build_weights, getis_ord, local_moran

pytestmark = [pytest.mark.realdata, pytest.mark.usefixtures("esda_warm")]


@pytest.fixture(scope="module")
def berlin_raw(shared_data):
    path = shared_data / "berlin" / "lor-planungsraeume-bis-2020.geojson"
    if not path.exists():
        pytest.skip(f"{path} absent")
    return gpd.read_file(path).set_index("id").to_crs(25833)


@pytest.fixture(scope="module")
def berlin(berlin_raw):
    # the file has planning area '06010102' in two polygons: dissolve to one area per key
    return berlin_raw.dissolve(level=0)


def test_duplicate_key_in_real_file_is_named(berlin_raw):
    with pytest.raises(InputError, match="06010102"):
        build_weights(berlin_raw)


def test_queen_islands_and_components_independent(berlin):
    res = build_weights(berlin, "queen")
    assert res.n == 447
    # independent: polygons touching/intersecting, via shapely predicates and networkx
    geoms = berlin.geometry.buffer(0)
    sidx = geoms.sindex
    g = nx.Graph()
    g.add_nodes_from(berlin.index)
    left, right = sidx.query(geoms, predicate="intersects")
    for a, b in zip(left, right, strict=True):
        if a != b:
            g.add_edge(berlin.index[a], berlin.index[b])
    islands = sorted(n for n in g.nodes if g.degree(n) == 0)
    assert sorted(res.islands) == islands
    assert res.n_components == nx.number_connected_components(g)
    # queen (shared vertex) links are a subset of intersecting pairs
    nb = res.w.neighbors
    assert all(g.has_edge(a, b) for a in list(nb)[:100] for b in nb[a])
    s = res.summary()
    assert "447 Gebiete" in s and "Zusammenhängende Teile" in s


def test_lisa_and_gi_on_berlin(berlin):
    data = berlin.copy()
    c = data.geometry.centroid
    # planted gradient with noise: east-west pattern must give clusters
    rng = np.random.default_rng(1)
    data["v"] = (c.x - c.x.mean()) / c.x.std() + rng.normal(0, 0.5, len(data))
    data.loc[data.index[:3], "v"] = np.nan
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        r = local_moran(data, "v", seed=2)
        g = getis_ord(
            data.assign(v=data["v"] - data["v"].min() + 1.0), "v"
        )  # Gi* needs values >= 0
    f = r.frame
    assert (f["lisa_code"].iloc[:3] == "nan").all()
    assert not f.loc[f["lisa_code"].isin(["island", "nan"]), "lisa_sig"].any()
    assert (f["lisa_code"] == "HH").sum() > 20 and (f["lisa_code"] == "LL").sum() > 20
    assert r.params["moran_I"] > 0.5
    assert (g.frame["gi_code"] == "hot99").sum() > 20
