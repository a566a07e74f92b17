"""The web map of the 10,997 German municipalities: ≤ 3 MB, interactive in Chromium in < 2 s.

Also checks the page's arc decoder against the Python one (core.topology.decode) and
that a planning-area map (SVG paths) and a national one (canvas) both answer the mouse.
"""

from __future__ import annotations

import time

import geopandas as gpd
import numpy as np
import pytest

from sozialraum.core.topology import decode
from sozialraum.webmap import Indicator, save_map

MAPVAR = "window[Object.keys(window).find(k => k.startsWith('map_') && window[k] && window[k]._sr)]"


@pytest.fixture(scope="module")
def national_map(shared_data, tmp_path_factory):
    de = gpd.read_file(shared_data / "germany-vg5000-2021" / "VG5000_GEM.shp").set_index("AGS")
    de["v"] = np.random.default_rng(0).gamma(4, 2, len(de))
    path = tmp_path_factory.mktemp("de") / "deutschland.html"
    save_map(de, path, [Indicator("v", title="Wert", unit="%")], name_column="GEN", offline=True)
    return path


def test_national_map_is_at_most_3_mb(national_map):
    assert national_map.stat().st_size <= 3_000_000


def _config(path):
    html = path.read_text(encoding="utf-8")
    start = html.rindex("SozialraumMap(map_")
    body = html[html.index(",", start) + 1 : html.rindex(");")]
    import json

    return json.JSONDecoder().raw_decode(body)[0]


def test_national_map_opens_interactive_within_two_seconds(offline_page, national_map):
    page, log = offline_page
    best = float("inf")
    for _ in range(2):  # the second load is what a planner sees after the browser has started
        t0 = time.perf_counter()
        page.goto(national_map.as_uri())
        page.wait_for_function(f"() => typeof L !== 'undefined' && {MAPVAR} !== undefined")
        page.evaluate(
            "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))"
        )
        best = min(best, time.perf_counter() - t0)
    assert best < 2.0, f"{best:.2f} s"
    assert not log.errors and not log.blocked
    # interactive: hovering an area opens its tooltip
    page.mouse.move(600, 400)
    page.mouse.move(610, 410)
    page.wait_for_selector(".leaflet-tooltip", timeout=3000)


def test_page_decodes_the_arcs_like_python(offline_page, national_map):
    page, _ = offline_page
    page.goto(national_map.as_uri())
    page.wait_for_function(f"() => typeof L !== 'undefined' && {MAPVAR} !== undefined")
    js = page.evaluate(
        """() => { const m = MAPVAR; const out = {};
        m._sr.areaLayers[0].eachLayer(l => { const f = l.feature;
          if (['08111000', '11000000', '09162000'].includes(f.properties._key || '') ||
              ['Stuttgart', 'Berlin', 'München'].includes(f.properties.GEN))
            out[f.properties.GEN] = f.geometry; });
        return out; }""".replace("MAPVAR", MAPVAR)
    )
    py = {
        f["properties"]["GEN"]: f["geometry"]
        for f in decode(_config(national_map)["areas"])["features"]
    }
    assert set(js) >= {"Stuttgart", "Berlin", "München"}
    for name, geom in js.items():
        a = np.array(geom["coordinates"][0], dtype=float) if geom["type"] == "Polygon" else None
        b = (
            np.array(py[name]["coordinates"][0], dtype=float)
            if py[name]["type"] == "Polygon"
            else None
        )
        assert geom["type"] == py[name]["type"]
        if a is not None:
            np.testing.assert_allclose(a, b, atol=1e-12)
