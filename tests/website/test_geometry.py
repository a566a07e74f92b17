"""The website's shared map geometry: one quantised SVG path per area, shared borders kept."""

from __future__ import annotations

import re

import geopandas as gpd
import shapely

from sozialraum.website.geometry import map_geometry


def _grid():
    boxes = [
        shapely.box(x * 1000, y * 1000, (x + 1) * 1000, (y + 1) * 1000)
        for x in range(3)
        for y in range(2)
    ]
    return gpd.GeoDataFrame({"geometry": boxes}, index=[f"a{i}" for i in range(6)], crs=25833)


def test_every_area_gets_a_closed_path_on_the_integer_grid():
    g = map_geometry(_grid(), width=300)
    assert g.keys == tuple(f"a{i}" for i in range(6))
    # extent 3000 m, width 300 → grid step 10 m; the view box is the extent in steps
    assert (g.width, g.height) == (300, 200)
    for d in g.paths.values():
        assert re.fullmatch(r"M-?\d+ -?\d+l(?:-?\d+ -?\d+ ?)+z", d), d


def test_a_box_is_drawn_at_its_place_with_y_pointing_down():
    g = map_geometry(_grid(), width=300)
    # a0 is the box (0,0)-(1000,1000): lower left, i.e. x 0..100 and y 100..200 in SVG units
    d = g.paths["a0"]
    x0, y0 = map(int, re.match(r"M(-?\d+) (-?\d+)", d).groups())
    steps = [tuple(map(int, p.split())) for p in re.findall(r"-?\d+ -?\d+", d[d.index("l") + 1 :])]
    xs, ys = [x0], [y0]
    for dx, dy in steps:
        xs.append(xs[-1] + dx)
        ys.append(ys[-1] + dy)
    assert (min(xs), max(xs), min(ys), max(ys)) == (0, 100, 100, 200)
    cx, cy = g.centroids["a0"]
    assert 0 < cx < 100 and 100 < cy < 200


def test_the_outline_of_the_level_above_is_drawn_on_the_same_grid():
    areas = _grid()
    mid = areas.dissolve(by=[0, 0, 0, 1, 1, 1]).set_axis(["g0", "g1"])
    g = map_geometry(areas, outline=mid, width=300)
    assert set(g.outline) == {"g0", "g1"}
    assert g.outline["g0"].startswith("M")
