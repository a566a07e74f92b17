"""What the map shows when it opens: the chosen start layer, and dense facility layers off."""

from __future__ import annotations

import sys
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
from shapely.geometry import Point

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _webmap_data import make_facilities, make_grid  # noqa: E402
from test_html import _cfg  # noqa: E402

from sozialraum.errors import InputError
from sozialraum.webmap import CategoryLayer, Indicator, make_map, map_html
from sozialraum.webmap.map import FACILITIES_SHOWN_MAX


def _grid_with_class():
    g = make_grid()
    g["klasse"] = np.where(np.arange(len(g)) % 2, "hoch", "niedrig")
    return g


def _shown(html):
    return [layer["title"] for layer in _cfg(html)["layers"] if layer["show"]]


def test_default_start_layer_is_the_first_indicator():
    g = _grid_with_class()
    m = make_map(
        g,
        [Indicator("alq", title="ALQ")],
        category_layers=[
            CategoryLayer(
                "klasse", title="Klasse", colors={"hoch": "#d7191c", "niedrig": "#1a9641"}
            )
        ],
    )
    assert _shown(map_html(m)) == ["ALQ"]


def test_start_layer_can_be_a_category_layer():
    g = _grid_with_class()
    m = make_map(
        g,
        [Indicator("alq", title="ALQ")],
        category_layers=[
            CategoryLayer(
                "klasse", title="Klasse", colors={"hoch": "#d7191c", "niedrig": "#1a9641"}
            )
        ],
        first="klasse",
    )
    assert _shown(map_html(m)) == ["Klasse"]


def test_unknown_start_layer_is_an_error_naming_the_layers():
    with pytest.raises(InputError, match="alq"):
        make_map(make_grid(), [Indicator("alq")], first="gibtsnicht")


def _points(n: int) -> gpd.GeoDataFrame:
    rng = np.random.default_rng(1)
    xs, ys = rng.uniform(390_000, 396_000, n), rng.uniform(5_815_000, 5_820_000, n)
    return gpd.GeoDataFrame(
        {"kategorie": "Kita", "name": [f"K{i}" for i in range(n)], "kapazitaet": 50},
        geometry=[Point(x, y) for x, y in zip(xs, ys, strict=True)],
        crs="EPSG:25833",
    )


def test_few_facilities_start_switched_on():
    m = make_map(make_grid(), [Indicator("alq")], facilities=make_facilities())
    assert _cfg(map_html(m))["facilities"]["show"] is True


def test_dense_facility_layers_start_switched_off():
    """Regression: ~3,300 facility markers covered a city's map when it opened."""
    m = make_map(make_grid(), [Indicator("alq")], facilities=_points(FACILITIES_SHOWN_MAX + 1))
    cfg = _cfg(map_html(m))
    assert cfg["facilities"]["show"] is False
    assert len(cfg["facilities"]["points"]) == FACILITIES_SHOWN_MAX + 1  # still there, switchable
    m = make_map(
        make_grid(),
        [Indicator("alq")],
        facilities=_points(FACILITIES_SHOWN_MAX + 1),
        facility_show=True,
    )
    assert _cfg(map_html(m))["facilities"]["show"] is True
