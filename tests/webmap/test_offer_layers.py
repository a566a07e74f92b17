"""Offers by theme on the web map: a layer per theme, escaped popups, public offers only."""

from __future__ import annotations

import json

import geopandas as gpd
import pytest
from _webmap_data import AMP, XSS
from shapely.geometry import Point

from sozialraum.access.offers import THEMES
from sozialraum.errors import InputError
from sozialraum.webmap import OfferLayers, make_map, map_html, public_offers
from sozialraum.webmap.offers import OFFERS_SHOWN_MAX, THEME_COLORS


def _cfg(html: str) -> dict:
    start = html.rindex("SozialraumMap(map_")
    obj, _ = json.JSONDecoder().raw_decode(html[html.index("{", start) :])
    return obj


def _offers(n: int = 7) -> gpd.GeoDataFrame:
    themes = ["Förderung, Beratung & Hilfe", "Gesundheit", "Sport", *THEMES]
    pts = [Point(390_500 + 600 * (i % 6), 5_815_500 + 700 * (i // 6)) for i in range(n)]
    return gpd.GeoDataFrame(
        {
            "name": [XSS, AMP] + [f"Angebot {i}" for i in range(2, n)],
            "thema": [themes[i % len(themes)] for i in range(n)],
            "zielgruppe": ["Familien", None] + ["alle"] * (n - 2),
            "adresse": ["Markt 1", "Weg 2 <b>"] + [""] * (n - 2),
            "traeger": ["Stadt", "Diakonie"] + [None] * (n - 2),
            "kapazitaet": [987_654] * n,  # never on an offer layer
            "warteliste": [4_242_421] * n,
        },
        geometry=pts,
        crs="EPSG:25833",
    )


def test_one_layer_per_theme_in_the_planners_order(grid):
    off = _offers()
    cfg = _cfg(map_html(make_map(grid, ["alq"], offers=OfferLayers(off))))["offers"]
    labels = [c["label"] for c in cfg["cats"]]
    assert labels == [*THEMES, "Sport"]  # the four themes first, others after
    assert cfg["cats"][0]["title"] == "Angebote: Gesundheit"
    assert cfg["cats"][0]["color"] == THEME_COLORS["Gesundheit"]
    assert len({c["color"] for c in cfg["cats"]}) == 5
    assert len(cfg["points"]) == len(off)
    # each point sits in the layer of its own theme
    for (_, _, i, name, _), th in zip(cfg["points"], off["thema"], strict=True):
        assert labels[i] == th, name
    assert cfg["show"] is True and cfg["themeLabel"] == "Thema"


def test_popup_name_theme_target_group_address_operator_and_nothing_else(grid):
    html = map_html(make_map(grid, ["alq"], offers=OfferLayers(_offers())))
    pts = _cfg(html)["offers"]["points"]
    assert pts[0][3] == XSS and pts[1][3] == AMP  # exact in the data, escaped by the page
    assert pts[0][4] == [["Zielgruppe", "Familien"], ["Adresse", "Markt 1"], ["Träger", "Stadt"]]
    assert pts[1][4] == [["Adresse", "Weg 2 <b>"], ["Träger", "Diakonie"]]  # empty rows left out
    assert pts[3][4] == [["Zielgruppe", "alle"]]
    assert XSS not in html and "Weg 2 <b>" not in html
    assert "987654" not in html and "987.654" not in html and "4242421" not in html
    legend = _cfg(html)["offerLegend"]
    assert "Förderung, Beratung &amp; Hilfe" in legend and "Angebote nach Thema" in legend
    assert "(2)" in legend  # two offers each of Gesundheit and Förderung, Beratung & Hilfe
    assert "esc(O.themeLabel)" in html and "esc(pt[3])" in html  # the page escapes data


def test_english_and_own_detail_columns(grid):
    off = _offers()
    spec = OfferLayers(off, details={"traeger": "Betreiber"})
    cfg = _cfg(map_html(make_map(grid, ["alq"], offers=spec, lang="en")))
    assert cfg["offers"]["cats"][0]["title"] == "Offers: Gesundheit"
    assert cfg["offers"]["themeLabel"] == "Theme"
    assert cfg["offers"]["points"][0][4] == [["Betreiber", "Stadt"]]
    assert "Offers by theme" in cfg["offerLegend"]


def test_dense_offer_layers_start_switched_off(grid):
    many = _offers(OFFERS_SHOWN_MAX + 1)
    assert (
        _cfg(map_html(make_map(grid, ["alq"], offers=OfferLayers(many))))["offers"]["show"] is False
    )
    few = OfferLayers(_offers(), show=False)
    assert _cfg(map_html(make_map(grid, ["alq"], offers=few)))["offers"]["show"] is False


def test_public_offers_leave_out_confidential_addresses():
    off = _offers().assign(oeffentlich=["ja", "nein", None, "FALSE", "0", "intern", "x"])
    kept = public_offers(off)
    assert list(kept["name"]) == [XSS, "Angebot 2", "Angebot 6"]
    assert len(public_offers(off.drop(columns="oeffentlich"))) == len(off)
    b = off.assign(oeffentlich=[True, False, True, True, False, True, True])
    assert list(public_offers(b).index) == [0, 2, 3, 5, 6]


def test_offer_columns_must_be_released_and_points(grid):
    with pytest.raises(InputError, match="traeger"):
        make_map(
            grid,
            ["alq"],
            offers=OfferLayers(_offers()),
            columns_allowed=["alq", "thema", "name", "zielgruppe", "adresse"],
        )
    bad = _offers()
    bad.loc[2, "geometry"] = None
    with pytest.raises(InputError, match="ohne Punktgeometrie"):
        make_map(grid, ["alq"], offers=OfferLayers(bad))
    with pytest.raises(InputError, match="Spalten fehlen: titel"):
        make_map(grid, ["alq"], offers=OfferLayers(_offers(), name="titel"))
