"""Region sets on the web map: dissolved borders, class colour, name and members in the tooltip."""

from __future__ import annotations

import json

import geopandas as gpd
from _webmap_data import XSS

from sozialraum.webmap import RegionOverlay, make_map, map_html


def _cfg(html: str) -> dict:
    start = html.rindex("SozialraumMap(map_")
    brace = html.index("{", start)
    obj, _ = json.JSONDecoder().raw_decode(html[brace:])
    return obj


def _regions(grid) -> gpd.GeoDataFrame:
    """Two regions: the west half and the east half of the grid, dissolved."""
    x = grid.geometry.centroid.x
    side = (x > x.median()).map({False: "W", True: "O"})
    reg = grid[["geometry"]].dissolve(by=side.to_numpy())
    reg["name"] = ["Amt Ost", "Amt " + XSS]
    reg["members"] = ["Gemeinde A, Gemeinde B", "Gemeinde C"]
    reg["cls"] = ["hoch", ""]
    return reg


def test_region_overlay_draws_dissolved_borders_with_class_colour_and_members(grid):
    reg = _regions(grid)
    html = map_html(
        make_map(
            grid,
            ["alq"],
            name_column="name",
            regions=[RegionOverlay("Ämter: Grenzen und Klasse", reg, {"hoch": "#d7301f"})],
        )
    )
    cfg = _cfg(html)
    assert cfg["regionTitles"] == ["Ämter: Grenzen und Klasse"]
    (fc,) = cfg["regionSets"]
    props = {f["properties"]["name"]: f["properties"] for f in fc["features"]}
    assert props["Amt Ost"] == {
        "name": "Amt Ost",
        "members": "Gemeinde A, Gemeinde B",
        "cls": "hoch",
        "color": "#d7301f",
    }
    assert props["Amt " + XSS]["color"] == "#d9d9d9"  # no class: the colour of "kein Wert"
    # one polygon per region (borders dissolved from the 30 grid cells), not one per area
    assert len(fc["features"]) == 2
    assert {f["geometry"]["type"] for f in fc["features"]} == {"Polygon"}
    assert 'pane:"srRegions"' in html and "T.members" in html
    assert XSS not in html  # a region name is data: escaped like every name


def test_map_without_region_sets_has_none(grid):
    cfg = _cfg(map_html(make_map(grid, ["alq"], name_column="name")))
    assert cfg["regionSets"] == [] and cfg["regionTitles"] == []
