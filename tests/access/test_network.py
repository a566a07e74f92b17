"""Road-network distances and times against networkx Dijkstra and hand computations."""

from __future__ import annotations

import geopandas as gpd
import networkx as nx
import numpy as np
import pandas as pd
import pytest
import shapely

from sozialraum.access import (
    DEFAULT_SPEEDS,
    build_network,
    measure,
    network_cost_pairs,
    network_nearest,
    snap_points,
)
from sozialraum.errors import InputError, SozialraumWarning


def _pts(xy, prefix, **cols):
    return gpd.GeoDataFrame(
        cols,
        geometry=shapely.points(np.asarray(xy, float)),
        crs=25832,
        index=[f"{prefix}{i}" for i in range(len(xy))],
    )


def _random_lines(seed=3, n=60):
    rng = np.random.default_rng(seed)
    lines = []
    # a coarse grid keeps the graph mostly connected, random diagonals cross it
    for c in range(0, 3001, 1000):
        lines.append(shapely.LineString([(c, 0), (c, 3000)]))
        lines.append(shapely.LineString([(0, c), (3000, c)]))
    for _ in range(n):
        a, b = rng.uniform(0, 3000, 2), rng.uniform(0, 3000, 2)
        lines.append(shapely.LineString([a, rng.uniform(0, 3000, 2), b]))
    classes = np.array(
        ["Bundesstrasse", "Landstrasse", "Gemeindestrasse", "Wirtschaftsweg", "Feldweg"]
    )
    return gpd.GeoDataFrame(
        {"klasse": classes[rng.integers(0, 5, len(lines))]}, geometry=lines, crs=25832
    )


def _nx_graph(lines: gpd.GeoDataFrame, speeds: dict | None):
    """Independent reference: node the lines, one networkx edge per straight segment."""
    noded = shapely.get_parts(shapely.node(shapely.multilinestrings(lines.geometry.values)))
    tree = shapely.STRtree(lines.geometry.values)
    g = nx.Graph()
    for part in noded:
        if part.length == 0:
            continue
        cls = lines["klasse"].iloc[tree.query_nearest(part.interpolate(0.5, normalized=True))[0]]
        exact = list(part.coords)
        coords = [tuple(np.round(c, 3)) for c in exact]
        for k, (a, b) in enumerate(zip(coords[:-1], coords[1:], strict=False)):
            length = float(np.hypot(exact[k][0] - exact[k + 1][0], exact[k][1] - exact[k + 1][1]))
            g.add_node(a, xy=exact[k])
            g.add_node(b, xy=exact[k + 1])
            if speeds is None:
                w = length
            else:
                kmh = speeds.get(cls, speeds["default"])
                if kmh <= 0:
                    continue
                w = length / (kmh / 3.6) / 60.0
            if a != b and (not g.has_edge(a, b) or g[a][b]["w"] > w):
                g.add_edge(a, b, w=w)
    return g


@pytest.mark.parametrize("mode", [None, "walking", "driving"])
def test_distances_equal_networkx(mode):
    lines = _random_lines()
    net = build_network(lines, "klasse")
    speeds = None if mode is None else DEFAULT_SPEEDS[mode]
    g = _nx_graph(lines, speeds)
    nodes = list(g.nodes)
    rng = np.random.default_rng(11)
    pick = rng.choice(len(nodes), 40, replace=False)
    sup_n = [nodes[k] for k in pick[:6]]
    dem_n = [nodes[k] for k in pick[6:]]
    sup_xy = np.array([g.nodes[k]["xy"] for k in sup_n])
    dem_xy = np.array([g.nodes[k]["xy"] for k in dem_n])
    if mode is None:
        res = network_nearest(net, _pts(dem_xy, "d"), _pts(sup_xy, "s"), mode=mode, max_snap=1.0)
    else:  # 'Feldweg' has no speed of its own: the default applies, with a warning
        with pytest.warns(SozialraumWarning, match="Feldweg"):
            res = network_nearest(
                net, _pts(dem_xy, "d"), _pts(sup_xy, "s"), mode=mode, max_snap=1.0
            )
    ref_dist = nx.multi_source_dijkstra_path_length(g, sup_n, weight="w")
    col = "distance_m" if mode is None else "travel_time_min"
    ref = np.array([ref_dist.get(k, np.nan) for k in dem_n])
    got = res[col].to_numpy()
    np.testing.assert_array_equal(np.isnan(got), np.isnan(ref))
    np.testing.assert_allclose(got[~np.isnan(ref)], ref[~np.isnan(ref)], rtol=1e-9, atol=1e-9)
    assert (~np.isnan(ref)).sum() >= 20


def test_cost_pairs_equal_networkx_within_limit():
    lines = _random_lines(seed=5, n=30)
    net = build_network(lines, "klasse")
    g = _nx_graph(lines, None)
    nodes = list(g.nodes)
    rng = np.random.default_rng(2)
    pick = rng.choice(len(nodes), 30, replace=False)
    sup_n = [nodes[k] for k in pick[:5]]
    dem_n = [nodes[k] for k in pick[5:]]
    sup_xy = np.array([g.nodes[k]["xy"] for k in sup_n])
    dem_xy = np.array([g.nodes[k]["xy"] for k in dem_n])
    i, j, c, _ = network_cost_pairs(net, dem_xy, sup_xy, 1500.0, max_snap=1.0)
    got = {(a, b): v for a, b, v in zip(i.tolist(), j.tolist(), c.tolist(), strict=False)}
    ref = {}
    for jj, s in enumerate(sup_n):
        lengths = nx.single_source_dijkstra_path_length(g, s, cutoff=1500.0, weight="w")
        for ii, d in enumerate(dem_n):
            if d in lengths:
                ref[(ii, jj)] = lengths[d]
    assert set(got) == set(ref) and len(ref) > 5
    np.testing.assert_allclose([got[k] for k in ref], [ref[k] for k in ref], rtol=1e-9)


def test_points_on_one_edge_and_snap_distance_hand_case():
    # one straight road 0..1000 m; demand at (200, 30) and Kita at (700, -40)
    lines = gpd.GeoDataFrame(
        {"klasse": ["Gemeindestrasse"]},
        geometry=[shapely.LineString([(0, 0), (1000, 0)])],
        crs=25832,
    )
    net = build_network(lines)
    res = network_nearest(
        net, _pts([(200, 30)], "d"), _pts([(700, -40)], "k"), mode="walking", connector_speed=4.5
    )
    assert res["distance_m"].iloc[0] == pytest.approx(30 + 500 + 40)
    assert res["travel_time_min"].iloc[0] == pytest.approx(570 / (4.5 / 3.6) / 60)
    assert res["snap_m"].iloc[0] == pytest.approx(30)
    assert pd.isna(res["status"].iloc[0])


def test_crossing_lines_are_noded():
    # an X: without noding the two lines would not meet
    lines = gpd.GeoDataFrame(
        {"klasse": ["Landstrasse", "Gemeindestrasse"]},
        geometry=[
            shapely.LineString([(0, 0), (1000, 1000)]),
            shapely.LineString([(0, 1000), (1000, 0)]),
        ],
        crs=25832,
    )
    net = build_network(lines)
    assert net.n_nodes == 5 and net.n_edges == 4
    res = network_nearest(net, _pts([(0, 0)], "d"), _pts([(0, 1000)], "k"), mode=None)
    assert res["distance_m"].iloc[0] == pytest.approx(2 * np.hypot(500, 500))
    not_noded = build_network(lines, node=False)
    with pytest.warns(SozialraumWarning, match="nicht_erreichbar"):
        res2 = network_nearest(not_noded, _pts([(0, 0)], "d"), _pts([(0, 1000)], "k"), mode=None)
    assert res2["status"].iloc[0] == "nicht_erreichbar"


def test_unreachable_and_off_network_are_reported_not_dropped():
    lines = gpd.GeoDataFrame(
        {"klasse": ["Gemeindestrasse", "Gemeindestrasse", "Wirtschaftsweg"]},
        geometry=[
            shapely.LineString([(0, 0), (1000, 0)]),
            shapely.LineString([(5000, 0), (6000, 0)]),  # island without a facility
            shapely.LineString([(1000, 0), (1000, 2000)]),  # farm track, closed for cars
        ],
        crs=25832,
    )
    net = build_network(lines)
    dem = _pts([(100, 10), (5500, 10), (3000, 3000), (1000, 1900)], "d")
    sup = _pts([(900, -10)], "k")
    with pytest.warns(SozialraumWarning) as rec:
        res = network_nearest(net, dem, sup, mode="driving", max_snap=200.0)
    msgs = " ".join(str(w.message) for w in rec)
    assert "nicht_erreichbar" in msgs and "ausserhalb_netz" in msgs
    assert list(res.index) == ["d0", "d1", "d2", "d3"]
    assert pd.isna(res.loc["d0", "status"]) and res.loc["d0", "distance_m"] == pytest.approx(
        10 + 800 + 10
    )
    assert res.loc["d1", "status"] == "nicht_erreichbar" and np.isnan(res.loc["d1", "distance_m"])
    assert res.loc["d2", "status"] == "ausserhalb_netz" and np.isnan(
        res.loc["d2", "travel_time_min"]
    )
    # d3 sits on the farm track: closed for cars -> snapped to the open road 900 m away? no: > max_snap
    assert res.loc["d3", "status"] == "ausserhalb_netz"
    with pytest.warns(SozialraumWarning):
        walk = network_nearest(net, dem, sup, mode="walking", max_snap=200.0)
    assert pd.isna(walk.loc["d3", "status"])
    assert walk.loc["d3", "distance_m"] == pytest.approx(1900 + 100 + 10)


def test_category_and_measure_facade():
    lines = _random_lines(seed=8, n=10)
    net = build_network(lines)
    dem = _pts([(100, 100), (2900, 2900)], "d", kinder=[10.0, 20.0], sr=["A", "B"])
    sup = _pts(
        [(0, 0), (3000, 3000), (1500, 1500)],
        "k",
        kategorie=["Kita", "Kita", "Hausarzt"],
        kapazitaet=[50.0, 40.0, 1.0],
    )
    res = network_nearest(net, dem, sup, mode=None, category="kategorie")
    assert res.loc["d0", "facility_Kita"] == "k0" and res.loc["d1", "facility_Kita"] == "k1"
    assert res.loc["d0", "facility_Hausarzt"] == "k2"
    with pytest.warns(SozialraumWarning, match="Feldweg"):
        m = measure(
            dem,
            sup,
            "network",
            network=net,
            mode="walking",
            demand_col="kinder",
            area="sr",
            threshold=60.0,
        )
    assert set(m.areas.index) == {"A", "B"} and "anteil_innerhalb" in m.areas


def test_bad_mode_and_no_lines():
    lines = gpd.GeoDataFrame(
        {"klasse": ["x"]}, geometry=[shapely.LineString([(0, 0), (1, 0)])], crs=25832
    )
    net = build_network(lines)
    with pytest.raises(InputError, match="Fortbewegungsart 'fliegen'"):
        net.edge_cost("fliegen")
    polys = gpd.GeoDataFrame({"klasse": ["x"]}, geometry=[shapely.box(0, 0, 1, 1)], crs=25832)
    with pytest.warns(SozialraumWarning), pytest.raises(InputError, match="Keine Liniengeometrien"):
        build_network(polys)


def test_snapping_equals_shapely():
    """KD-tree snapping gives shapely's nearest-edge distance and line_locate_point position."""
    rng = np.random.default_rng(0)
    lines = [shapely.LineString(rng.uniform(0, 3000, (rng.integers(2, 6), 2))) for _ in range(150)]
    net = build_network(gpd.GeoDataFrame({"klasse": ["x"] * 150}, geometry=lines, crs=25832))
    xy = rng.uniform(-200, 3200, (2000, 2))
    s = snap_points(net, xy)
    (qi, ti), d = shapely.STRtree(net.edge_geom).query_nearest(
        shapely.points(xy), all_matches=False, return_distance=True
    )
    np.testing.assert_allclose(s.distance[qi], d, atol=1e-9)
    ref_pos = shapely.line_locate_point(net.edge_geom[s.edge], shapely.points(xy))
    np.testing.assert_allclose(s.position, ref_pos, atol=1e-6)
    far = snap_points(net, xy, max_snap=5.0)
    assert ((far.edge == -1) == (s.distance > 5.0)).all()


@pytest.mark.filterwarnings("ignore:The inplace keyword")
def test_network_2sfca_equals_access_on_networkx_costs():
    from access import Access
    from sozialraum.access import two_step_fca

    lines = _random_lines(seed=4, n=20)
    net = build_network(lines)
    g = _nx_graph(lines, None)
    nodes = list(g.nodes)
    rng = np.random.default_rng(5)
    pick = rng.choice(len(nodes), 45, replace=False)
    sup_n, dem_n = [nodes[k] for k in pick[:6]], [nodes[k] for k in pick[6:]]
    dem = _pts(
        [g.nodes[k]["xy"] for k in dem_n], "d", kinder=rng.integers(1, 50, len(dem_n)).astype(float)
    )
    sup = _pts(
        [g.nodes[k]["xy"] for k in sup_n], "s", kapazitaet=rng.integers(10, 80, 6).astype(float)
    )
    rows = []
    for j, s in enumerate(sup_n):
        lengths = nx.single_source_dijkstra_path_length(g, s, weight="w")
        rows += [(f"d{i}", f"s{j}", lengths[d]) for i, d in enumerate(dem_n) if d in lengths]
    cost = pd.DataFrame(rows, columns=["origin", "dest", "cost"])
    a = Access(
        demand_df=pd.DataFrame({"geoid": dem.index, "pop": dem["kinder"].to_numpy()}),
        demand_index="geoid",
        demand_value="pop",
        supply_df=pd.DataFrame({"geoid": sup.index, "cap": sup["kapazitaet"].to_numpy()}),
        supply_index="geoid",
        supply_value="cap",
        cost_df=cost,
        cost_origin="origin",
        cost_dest="dest",
        cost_name="cost",
    )
    ref = a.two_stage_fca(name="x", max_cost=1200.0)["x_cap"].reindex(dem.index)
    ours = two_step_fca(dem, sup, "kinder", "kapazitaet", 1200.0, cost=net, max_snap=1.0)
    got = ours.frame["versorgung"] / 100
    ok = ref.notna()
    assert ok.sum() >= 10 and ours.params["cost"] == "netz_distanz"
    np.testing.assert_allclose(got[ok], ref[ok], rtol=1e-9)
    assert (got[~ok] == 0).all()
