"""Web map: build time and HTML size, against a plain folium choropleth of the same data.

The peer is what one writes with folium alone: ``folium.GeoJson`` with a style function
and a ``GeoJsonTooltip`` on the unsimplified geometries.  Lines:

``bench <name>: ours <s> s, folium <s> s, ratio <folium/ours>`` and
``bench <name>: size ours <MB> MB, folium <MB> MB`` (online mode; offline adds ~0.17 MB).
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("SOZIALRAUM_SHARED_DATA", ROOT.parent / "shared" / "data"))


def _ours(g, name_col):
    from sozialraum.webmap import Indicator, make_map, map_html

    t0 = time.perf_counter()
    html = map_html(make_map(g, [Indicator("v", title="Wert", unit="%")], name_column=name_col))
    return time.perf_counter() - t0, len(html.encode("utf-8"))


def _folium(g, name_col):
    import folium
    import mapclassify

    t0 = time.perf_counter()
    gg = g[[name_col, "v", "geometry"]].to_crs(4326)
    bins = mapclassify.Quantiles(gg["v"].to_numpy(), k=5).bins
    colors = ["#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026"]

    def style(f):
        k = int(np.searchsorted(bins, f["properties"]["v"]))
        return {"fillColor": colors[min(k, 4)], "color": "#555", "weight": 0.6, "fillOpacity": 0.75}

    m = folium.Map(tiles="OpenStreetMap")
    folium.GeoJson(gg, style_function=style, tooltip=folium.GeoJsonTooltip([name_col, "v"])).add_to(
        m
    )
    m.fit_bounds(m.get_bounds())
    html = m.get_root().render()
    return time.perf_counter() - t0, len(html.encode("utf-8"))


def _case(name, g, name_col):
    g = g.copy()
    g["v"] = np.random.default_rng(0).gamma(4, 2, len(g))
    t_ours, s_ours = _ours(g, name_col)
    t_peer, s_peer = _folium(g, name_col)
    print(f"bench {name}: ours {t_ours:.3f} s, folium {t_peer:.3f} s, ratio {t_peer / t_ours:.2f}")
    print(f"bench {name}: size ours {s_ours / 1e6:.2f} MB, folium {s_peer / 1e6:.2f} MB")


def main() -> None:
    import geopandas as gpd

    if not SHARED.is_dir():
        print(f"bench webmap: skipped, {SHARED} absent")
        return
    b = gpd.read_file(SHARED / "berlin" / "lor-planungsraeume-bis-2020.geojson")
    b.index = [f"{k}_{i}" for i, k in enumerate(b["id"])]
    _case("webmap_berlin_448", b, "name")
    de = gpd.read_file(SHARED / "germany-vg5000-2021" / "VG5000_GEM.shp").set_index("AGS")
    bw = de[de.index.str.startswith("08")].sort_index().iloc[:600]
    _case("webmap_bw_600", bw, "GEN")
    _case("webmap-germany", de, "GEN")
    _germany_open(de)


def _germany_open(de) -> None:
    """``webmap-germany``: the offline national map's size and its opening time in Chromium."""
    import tempfile

    from sozialraum.webmap import Indicator, save_map

    g = de.copy()
    g["v"] = np.random.default_rng(0).gamma(4, 2, len(g))
    with tempfile.TemporaryDirectory() as tmp:
        path = save_map(
            g,
            Path(tmp) / "de.html",
            [Indicator("v", title="Wert")],
            name_column="GEN",
            offline=True,
        )
        size = path.stat().st_size / 1e6
        secs = _open_seconds(path)
    opened = f", opens interactive in Chromium in {secs:.2f} s" if secs is not None else ""
    print(f"bench webmap-germany: size {size:.2f} MB offline (target 3 MB){opened}")


def _open_seconds(path: Path) -> float | None:
    """Best of three loads until the map is built and painted (None without Chromium)."""
    chromium = os.environ.get("SOZIALRAUM_CHROMIUM", "/usr/bin/chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return None
    if not Path(chromium).exists():
        return None
    ready = (
        "() => Object.keys(window).some(k => k.startsWith('map_') && window[k] && window[k]._sr)"
    )
    best = float("inf")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        for _ in range(3):
            t0 = time.perf_counter()
            page.goto(path.as_uri())
            page.wait_for_function(ready, timeout=60_000)
            page.evaluate(
                "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))"
            )
            best = min(best, time.perf_counter() - t0)
        browser.close()
    return best


if __name__ == "__main__":
    main()
