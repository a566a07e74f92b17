"""Offer layers by theme in a real headless Chromium: switchable per theme, popups as text."""

from __future__ import annotations

import sys
from pathlib import Path

import geopandas as gpd
from shapely.geometry import Point

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "webmap"))
from _webmap_data import AMP, XSS, make_grid  # noqa: E402

from sozialraum.webmap import OfferLayers, save_map  # noqa: E402

MAPVAR = "window[Object.keys(window).find(k => k.startsWith('map_') && window[k] && window[k]._sr)]"


def _map(tmp_path, show=None) -> Path:
    pts = [Point(390_500 + 900 * i, 5_815_500 + 500 * (i % 3)) for i in range(5)]
    off = gpd.GeoDataFrame(
        {
            "name": [
                "Beratung " + XSS,
                "Praxis Dr. Weiß",
                "Kita Sonne",
                "Tafel " + AMP,
                "Jugendclub",
            ],
            "thema": [
                "Förderung, Beratung & Hilfe",
                "Gesundheit",
                "Bildung & Freizeit",
                "Förderung, Beratung & Hilfe",
                "Bildung & Freizeit",
            ],
            "zielgruppe": ["Familien", "alle", "Kinder", "alle", "Jugendliche"],
            "traeger": ["Diakonie <i>", None, "Stadt", None, None],
        },
        geometry=pts,
        crs="EPSG:25833",
    )
    return save_map(
        make_grid(),
        tmp_path / "karte.html",
        ["alq"],
        name_column="name",
        offers=OfferLayers(off, show=show),
        offline=True,
    )


def _open(page, path: Path) -> None:
    page.goto(path.as_uri())
    page.wait_for_function(
        f"() => typeof L !== 'undefined' && {MAPVAR} !== undefined", timeout=10_000
    )
    page.wait_for_timeout(300)


def test_one_switchable_layer_per_theme_with_text_popups(offline_page, tmp_path):
    page, log = offline_page
    _open(page, _map(tmp_path))
    labels = page.locator(".leaflet-control-layers-overlays label").all_inner_texts()
    labels = [" ".join(x.split()) for x in labels]
    for th in ("Gesundheit", "Bildung & Freizeit", "Förderung, Beratung & Hilfe"):
        assert f"Angebote: {th}" in labels
    assert page.locator(".sr-legend-box").inner_text().count("Angebote nach Thema") == 1
    n = page.evaluate(f"() => {MAPVAR}._sr.offers.filter(l => {MAPVAR}.hasLayer(l)).length")
    assert n == 3  # few points: all three theme layers on
    page.evaluate(
        """([name]) => { const m = MAPVAR;
        m._sr.offers.forEach(g => g.getLayers().forEach(mk => {
          if (mk.getTooltip() && mk.getTooltip().getContent().indexOf('Beratung') === 0) {
            const open = () => mk.openPopup();
            if (mk._map || !g.zoomToShowLayer) { open(); } else { g.zoomToShowLayer(mk, open); } } })); }""".replace(
            "MAPVAR", MAPVAR
        ),
        ["Beratung"],
    )
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for(state="visible", timeout=5_000)
    text = popup.inner_text()
    assert "Beratung " + XSS in text and "Thema: Förderung, Beratung & Hilfe" in text
    assert "Zielgruppe: Familien" in text and "Träger: Diakonie <i>" in text
    assert log.dialogs == [] and log.errors == []
    # switching a theme off removes only its points and keeps the legend while others show
    page.locator(".leaflet-control-layers-overlays label", has_text="Angebote: Gesundheit").click()
    n = page.evaluate(f"() => {MAPVAR}._sr.offers.filter(l => {MAPVAR}.hasLayer(l)).length")
    assert n == 2


def test_layers_switched_off_hide_their_legend(offline_page, tmp_path):
    page, log = offline_page
    _open(page, _map(tmp_path, show=False))
    n = page.evaluate(f"() => {MAPVAR}._sr.offers.filter(l => {MAPVAR}.hasLayer(l)).length")
    assert n == 0
    assert "Angebote nach Thema" not in page.locator(".sr-legend-box").inner_text()
    page.locator(".leaflet-control-layers-overlays label", has_text="Angebote: Gesundheit").click()
    assert "Angebote nach Thema" in page.locator(".sr-legend-box").inner_text()
    assert log.errors == []
