"""The offline committee map in a real headless Chromium with no network."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "webmap"))
from _webmap_data import AMP, XSS, make_facilities, make_grid  # noqa: E402

from sozialraum.webmap import Indicator, save_map  # noqa: E402

MAPVAR = "window[Object.keys(window).find(k => k.startsWith('map_') && window[k] && window[k]._sr)]"


def _open(page, path: Path) -> None:
    page.goto(path.as_uri())
    page.wait_for_function(
        f"() => typeof L !== 'undefined' && {MAPVAR} !== undefined", timeout=10_000
    )
    page.wait_for_timeout(300)


def _mark_area(page, name: str) -> str:
    """Tag the SVG path of the area ``name`` in the shown area layer; return a CSS selector."""
    found = page.evaluate(
        """([name]) => { const m = MAPVAR; let ok = false;
        document.querySelectorAll('[data-test]').forEach(e => e.removeAttribute('data-test'));
        m._sr.areaLayers.forEach(gl => { if (!m.hasLayer(gl)) return; gl.eachLayer(l => {
          if (l.feature.properties.name === name) { l._path.setAttribute('data-test', 'target'); ok = true; } }); });
        return ok; }""".replace("MAPVAR", MAPVAR),
        [name],
    )
    assert found, name
    return "path[data-test=target]"


@pytest.fixture
def offline_map(tmp_path) -> tuple[Path, int]:
    grid = make_grid()
    fac = make_facilities()
    bnd = grid.dissolve(by=grid.index.str[:8].rename("gem"))
    bnd["gname"] = ["Nordstadt", "Südstadt & Umland"][: len(bnd)] + [
        f"G{i}" for i in range(2, len(bnd))
    ]
    path = save_map(
        grid,
        tmp_path / "karte.html",
        [
            Indicator(
                "alq", title="Arbeitslosenquote", unit="%", year=2023, source="Statistik " + AMP
            ),
            Indicator("kinder", title="Kinderarmut", unit="%", k=4),
        ],
        name_column="name",
        lisa="lisa_cat",
        facilities=fac,
        catchments=fac.assign(geometry=fac.buffer(600)),
        boundaries=bnd,
        boundary_label="gname",
        title="Sozialmonitoring Musterstadt",
        offline=True,
    )
    return path, len(grid)


def test_offline_map_renders_without_network(offline_page, offline_map, artifacts):
    page, log = offline_page
    path, n = offline_map
    _open(page, path)
    assert page.evaluate("typeof L") == "object"
    assert page.evaluate("L.version") == "1.9.3"
    assert page.locator("path.leaflet-interactive").count() == n
    legend = page.locator(".sr-legend-box")
    assert legend.is_visible()
    text = " ".join(legend.inner_text().split())
    assert "Arbeitslosenquote" in text and " bis " in text and "über " in text
    assert "kein Wert (1)" in text and "nicht veröffentlicht (1)" in text
    assert "Statistik " + AMP in text  # escaped in HTML, shown as text
    # facility markers (clustered or single) and boundary labels are drawn
    assert page.locator(".sr-fac, .marker-cluster").count() > 0
    assert page.locator(".sr-label").count() == 5
    assert "Südstadt & Umland" in page.locator(".sr-label").all_inner_texts()
    page.screenshot(path=str(artifacts / "webmap-offline.png"))
    assert log.blocked == [] and log.failed == []
    assert log.errors == [] and log.console_errors == []
    assert log.dialogs == []


def test_hover_shows_tooltip_with_names_as_text(offline_page, offline_map):
    page, log = offline_page
    path, _ = offline_map
    _open(page, path)
    # facility markers lie on top of some areas: switch them off for hovering
    page.evaluate(
        f"() => {{ const m = {MAPVAR}; m._sr.facilities.forEach(l => m.removeLayer(l)); }}"
    )
    page.hover(_mark_area(page, "Gebiet 1-1"))
    tip = page.locator(".leaflet-tooltip")
    tip.wait_for(state="visible", timeout=5_000)
    assert "Gebiet 1-1" in tip.inner_text()
    assert "Arbeitslosenquote" in tip.inner_text() and "Klasse" in tip.inner_text()
    page.mouse.move(0, 0)
    # the area named <script>alert(1)</script> shows that text and runs nothing
    page.hover(_mark_area(page, XSS))
    page.wait_for_timeout(200)
    assert XSS in page.locator(".leaflet-tooltip").inner_text()
    page.mouse.move(0, 0)
    page.hover(_mark_area(page, AMP))
    page.wait_for_timeout(200)
    assert AMP in page.locator(".leaflet-tooltip").inner_text()
    # the suppressed value reads "geheim"
    page.mouse.move(0, 0)
    page.hover(_mark_area(page, "Gebiet 0-3"))
    page.wait_for_timeout(200)
    assert "geheim" in page.locator(".leaflet-tooltip").inner_text()
    assert log.dialogs == [] and log.errors == []


def test_search_opens_popup_with_profile(offline_page, offline_map):
    page, log = offline_page
    path, _ = offline_map
    _open(page, path)
    box = page.locator(".sr-search input")
    box.fill("gebiet 2-4")
    box.press("Enter")
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for(state="visible", timeout=5_000)
    text = popup.inner_text()
    assert "Gebiet 2-4" in text and "Ø gesamt" in text and "Kinderarmut" in text
    assert "Räumliche Cluster (LISA)" in text
    assert log.errors == []


def test_area_layers_are_exclusive_and_switch_the_legend(offline_page, offline_map):
    page, log = offline_page
    path, n = offline_map
    _open(page, path)
    page.locator(".leaflet-control-layers-overlays label", has_text="Kinderarmut").locator(
        "input"
    ).check()
    page.wait_for_timeout(300)
    assert page.locator("path.leaflet-interactive").count() == n  # one area layer at a time
    legends = page.locator(".sr-legend:visible")
    titles = legends.locator(".sr-legend-title").all_inner_texts()
    assert "Kinderarmut" in titles and "Arbeitslosenquote" not in titles
    checked = page.locator(
        ".leaflet-control-layers-overlays label", has_text="Arbeitslosenquote"
    ).locator("input")
    assert not checked.is_checked()
    assert log.errors == []


@pytest.mark.realdata
def test_berlin_448_planning_areas(offline_page, shared_data, tmp_path, artifacts):
    import geopandas as gpd
    import numpy as np

    page, log = offline_page
    g = gpd.read_file(shared_data / "berlin" / "lor-planungsraeume-bis-2020.geojson")
    g.index = [f"{k}_{i}" for i, k in enumerate(g["id"])]
    g["v"] = np.random.default_rng(0).gamma(4, 2, len(g))
    path = save_map(
        g,
        tmp_path / "berlin.html",
        [Indicator("v", title="Testwert", unit="%")],
        name_column="name",
        offline=True,
    )
    _open(page, path)
    assert page.locator("path.leaflet-interactive").count() == 448
    page.screenshot(path=str(artifacts / "webmap-berlin-offline.png"))
    assert log.blocked == [] and log.errors == [] and log.console_errors == []


def test_facility_popup_shows_names_as_text(offline_page, offline_map):
    page, log = offline_page
    path, _ = offline_map
    _open(page, path)
    page.evaluate(
        """([title]) => { const m = MAPVAR;
        m._sr.facilities.forEach(g => g.getLayers().forEach(mk => {
          if (mk.options.title === title) { g.zoomToShowLayer(mk, () => mk.openPopup()); } })); }""".replace(
            "MAPVAR", MAPVAR
        ),
        ["Kita " + XSS],
    )
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for(state="visible", timeout=5_000)
    text = popup.inner_text()
    assert "Kita " + XSS in text and "Kategorie: Kita" in text and "Kapazität: 120" in text
    assert log.dialogs == [] and log.errors == []


def test_offline_map_with_osm_basemap_draws_areas_without_tiles(offline_page, tmp_path):
    page, log = offline_page
    grid = make_grid()
    path = save_map(
        grid, tmp_path / "osm.html", ["alq"], name_column="name", offline=True, basemap="osm"
    )
    _open(page, path)
    assert page.locator("path.leaflet-interactive").count() == len(grid)
    # only the tile requests fail (the basemap stays blank); scripts and styles are inline
    assert log.blocked and all("tile.openstreetmap.org" in u for u in log.blocked)
    assert log.errors == []
