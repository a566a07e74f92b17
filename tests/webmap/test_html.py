"""HTML of the web map: escaping, released columns only, status texts, German legend, offline."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest
from _webmap_data import AMP, XSS

from sozialraum.errors import InputError
from sozialraum.webmap import Indicator, make_map, map_html, save_map, static_map
from sozialraum.webmap._format import fmt_number


def _cfg(html: str) -> dict:
    """The configuration object handed to SozialraumMap(...) in the page."""
    start = html.rindex("SozialraumMap(map_")
    brace = html.index("{", start)
    obj, _ = json.JSONDecoder().raw_decode(html[brace:])
    return obj


def _props(html: str) -> list[dict]:
    return [f["properties"] for f in _cfg(html)["areas"]["features"]]


def test_names_from_data_are_escaped(grid):
    ind = Indicator("alq", title="Quote <b>", unit="%", year=2023, source="Amt " + XSS)
    html = map_html(make_map(grid, [ind], name_column="name"))
    assert XSS not in html
    assert "Quote <b>" not in html
    assert AMP not in html  # raw '&' from data never reaches the page
    legend = _cfg(html)["legends"][0]  # HTML that the page inserts: escaped in Python
    assert "Quote &lt;b&gt;" in legend
    assert "Amt &lt;script&gt;alert(1)&lt;/script&gt;" in legend
    assert "<b>" not in legend and "<script" not in legend
    assert "<title>Quote &lt;b&gt;</title>" in html
    # the embedded data still carry the exact names (JSON-escaped, decoded by the browser)
    names = [p["name"] for p in _props(html)]
    assert names[:2] == [XSS, AMP]


def test_template_syntax_in_data_stays_literal(grid):
    grid.loc[grid.index[5], "name"] = "{{ 7*7 }} {% if 1 %}x{% endif %}"
    html = map_html(make_map(grid, ["alq"], name_column="name"))
    assert _props(html)[5]["name"] == "{{ 7*7 }} {% if 1 %}x{% endif %}"


def test_only_released_columns_enter_the_html(grid):
    html = map_html(make_map(grid, ["alq"], name_column="name", columns_allowed=["name", "alq"]))
    for v in grid["secret"]:
        for text in (str(int(v)), fmt_number(v, 0), fmt_number(v, 1), fmt_number(v, 0, "en")):
            assert text not in html
    for p in _props(html):
        assert set(p) <= {"name", "alq", "_c"}
    assert "secret" not in html and "lisa_cat" not in html and "kinder" not in html


def test_unreleased_column_is_refused(grid):
    with pytest.raises(InputError, match="'kinder'") as err:
        make_map(grid, ["alq", "kinder"], name_column="name", columns_allowed=["name", "alq"])
    assert err.value.column == "kinder"
    with pytest.raises(InputError, match="'name'"):
        make_map(grid, ["alq"], name_column="name", columns_allowed=["alq"])


def test_suppressed_value_shows_as_geheim_never_as_number(grid):
    html = map_html(make_map(grid, [Indicator("alq", unit="%")], name_column="name"))
    for text in ("987654", "987.654", "987,654"):
        assert text not in html
    props = _props(html)
    assert props[3]["alq"] == "geheim"
    assert props[3]["_c"][0] == -2
    assert props[2]["alq"] == "kein Wert" and props[2]["_c"][0] == -1
    assert props[4]["alq"] == fmt_number(grid["alq"].iloc[4], 1) + " %"
    assert "nicht veröffentlicht" in html
    # also from a separate status frame
    g = grid.drop(columns="alq_status")
    status = grid[["alq"]].astype(object).assign(alq=grid["alq_status"])
    html2 = map_html(make_map(g, ["alq"], name_column="name", status=status))
    assert "987654" not in html2 and _props(html2)[3]["alq"] == "geheim"


def test_class_only_public_map_has_no_values(grid):
    html = map_html(make_map(grid, ["alq", "kinder"], name_column="name", show_values=False))
    for p in _props(html):
        assert set(p) == {"name", "_c"}
    cfg = _cfg(html)
    assert all(r["avg"] == "" for r in cfg["profile"])
    # values (1 or 2 decimals) nowhere outside the geometry and the legend's class bounds
    for f in cfg["areas"]["features"]:
        f.pop("geometry")
    cfg.pop("legends")
    for lay in cfg["layers"]:
        lay.pop("labels")
    text = json.dumps(cfg, ensure_ascii=False)
    for v in grid["kinder"]:
        assert fmt_number(v, 2) not in text and fmt_number(v, 1) not in text


def test_legend_german_class_ranges(grid):
    ind = Indicator(
        "kinder", title="Kinderarmut", unit="%", year=2024, source="Jobcenter", k=4, decimals=2
    )
    html = map_html(make_map(grid, [ind], name_column="name"))
    # independent reference: quartiles of the values by numpy (linear interpolation)
    y = grid["kinder"].to_numpy()
    q = np.percentile(y, [25, 50, 75])
    legend = _cfg(html)["legends"][0]
    assert f"bis {fmt_number(q[0], 2)}" in legend
    assert f"über {fmt_number(q[0], 2)} bis {fmt_number(q[1], 2)}" in legend
    assert f"über {fmt_number(q[2], 2)} bis {fmt_number(y.max(), 2)}" in legend
    assert re.search(r"\d,\d\d", legend)  # German decimal comma
    for part in (
        "Kinderarmut",
        "Einheit: %",
        "Stand: 2024",
        "Quelle: Jobcenter",
        "Klassen: Quantile",
    ):
        assert part in legend


def test_english_labels(grid):
    html = map_html(make_map(grid, [Indicator("alq", k=3)], name_column="name", lang="en"))
    cfg = _cfg(html)
    assert cfg["text"]["search"] == "Search area …"
    assert "Classes: quantiles" in cfg["legends"][0]
    assert " to " in cfg["legends"][0] and "no value" in cfg["legends"][0]
    assert _props(html)[3]["alq"] == "confidential"


def test_offline_inlines_everything_online_uses_cdn(grid, facilities):
    off = map_html(make_map(grid, ["alq"], name_column="name", facilities=facilities, offline=True))
    assert not re.search(r"<script[^>]+src=", off)
    assert not re.search(r"<link[^>]+href=", off)
    assert "L.version" in off or 't.version="1.9.3"' in off  # Leaflet itself is inlined
    assert "MarkerClusterGroup" in off
    assert "sourceMappingURL" not in off
    assert _cfg(off)["basemapActive"] == 2  # offline starts without a basemap
    on = map_html(make_map(grid, ["alq"], name_column="name"))
    assert re.search(r'<script src="https://[^"]+leaflet\.js"', on)
    assert _cfg(on)["basemapActive"] == 0
    for lib in ("jquery", "bootstrap", "font-awesome", "fontawesome", "d3.min"):
        assert lib not in on.lower()


def test_layers_lisa_facilities_boundaries(grid, facilities):
    bnd = grid.dissolve(by=grid.index.str[:8].rename("gem"))
    bnd["gname"] = ["Gemeinde " + XSS] + [f"Gemeinde {i}" for i in range(1, len(bnd))]
    facilities["quote"] = [0.123, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8]
    m = make_map(
        grid,
        ["alq", "kinder"],
        name_column="name",
        lisa="lisa_cat",
        facilities=facilities,
        catchments=facilities.assign(geometry=facilities.buffer(800)),
        boundaries=bnd,
        boundary_label="gname",
        capacity_unit="Plätze",
        facility_columns={"quote": "Versorgungsquote (2SFCA)"},
        average_label="Ø Kreis",
    )
    html = map_html(m)
    cfg = _cfg(html)
    assert [lay["kind"] for lay in cfg["layers"]] == ["choro", "choro", "lisa"]
    assert [lay["show"] for lay in cfg["layers"]] == [True, False, False]
    # labels and colours from the lisa_code column, never parsed from lisa_cat
    assert cfg["layers"][2]["labels"] == [
        "Hoch-Hoch",
        "Niedrig-Niedrig",
        "Niedrig-Hoch",
        "Hoch-Niedrig",
        "nicht signifikant",
    ]
    assert cfg["layers"][2]["colors"][0] == "#ff0000"
    fac = cfg["facilities"]
    assert [c["label"] for c in fac["cats"]] == ["Kita", "Schule", "Jugend"]
    assert len(fac["points"]) == len(facilities)
    assert fac["points"][3][4] == "1.234 Plätze" and fac["points"][6][4] is None
    assert fac["points"][0][5] == [["Versorgungsquote (2SFCA)", "0,12"]]
    assert cfg["text"]["average"] == "Ø Kreis"
    assert len(cfg["catchments"]["features"]) == len(facilities)
    assert len(cfg["boundaries"]["features"]) == len(bnd)
    assert cfg["boundaryLabels"][0][2] == "Gemeinde " + XSS and XSS not in html
    assert m.sozialraum_info.n_areas == len(grid)


def test_bad_input_messages(grid):
    g = grid.copy()
    g.index = ["x"] * len(g)
    with pytest.raises(InputError, match="doppelt"):
        make_map(g, ["alq"])
    with pytest.raises(InputError, match="'fehlt_hier'"):
        make_map(grid, ["fehlt_hier"])
    with pytest.raises(InputError, match="Grundkarte"):
        make_map(grid, ["alq"], basemap="satellit")


def test_save_map_and_static_map(grid, tmp_path):
    p = save_map(grid, tmp_path / "karte.html", ["alq"], name_column="name", offline=True)
    assert p.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    ind = Indicator("alq", title="Arbeitslosenquote", unit="%", source="BA", k=3)
    fig = static_map(grid, ind, tmp_path / "karte.png", title="Test " + XSS, dpi=60)
    assert (tmp_path / "karte.png").stat().st_size > 5000
    labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert labels[-2:] == ["kein Wert (1)", "nicht veröffentlicht (1)"]
    assert labels[0].startswith("bis ")
    static_map(grid, "alq", tmp_path / "karte.pdf", dpi=60)
    assert (tmp_path / "karte.pdf").read_bytes()[:4] == b"%PDF"


@pytest.mark.realdata
def test_berlin_448_size(shared_data):
    import geopandas as gpd

    g = gpd.read_file(shared_data / "berlin" / "lor-planungsraeume-bis-2020.geojson")
    g.index = [f"{k}_{i}" for i, k in enumerate(g["id"])]  # one id occurs twice in the source
    g["v"] = np.random.default_rng(0).gamma(4, 2, len(g))
    html = map_html(make_map(g, [Indicator("v", unit="%")], name_column="name"))
    size = len(html.encode("utf-8"))
    print(f"Berlin 448 planning areas, online: {size / 1e6:.2f} MB")
    assert len(_props(html)) == 448
    assert size < 1_000_000


@pytest.mark.realdata
def test_germany_municipalities_size(shared_data):
    import geopandas as gpd

    g = gpd.read_file(shared_data / "germany-vg5000-2021" / "VG5000_GEM.shp").set_index("AGS")
    g["v"] = np.random.default_rng(0).normal(10, 3, len(g))
    html = map_html(make_map(g, [Indicator("v")], name_column="GEN"))
    size = len(html.encode("utf-8"))
    print(f"Germany 10,997 municipalities, online: {size / 1e6:.2f} MB")
    assert len(_props(html)) == len(g) == 10_997
    assert size <= 8_000_000


def test_musterland_public_map(musterland):
    import geopandas as gpd

    path = musterland["boundaries"]
    if not path.exists():
        pytest.skip(f"{path} not built yet")
    sr = gpd.read_file(path, layer="sozialraeume").set_index("sr_id")
    gem = gpd.read_file(path, layer="gemeinden")
    rng = np.random.default_rng(7)
    sr["index"] = np.round(rng.normal(0, 1, len(sr)), 3)
    sr["intern"] = rng.integers(4_000_000, 4_999_999, len(sr)).astype(
        float
    )  # 7 digits: no clash with coordinates
    html = map_html(
        make_map(
            sr,
            [Indicator("index", title="Statusindex", decimals=2)],
            name_column="sr_name",
            boundaries=gem,
            boundary_label="gemeinde",
            columns_allowed=["sr_name", "index", "gemeinde"],
            show_values=False,
        )
    )
    assert len(html.encode("utf-8")) <= 1_000_000
    for v in sr["intern"]:
        assert str(int(v)) not in html and fmt_number(v, 0) not in html
    for p in _props(html):
        assert set(p) == {"sr_name", "_c"}
    assert len(_props(html)) == len(sr)


def test_map_spec_and_keywords_give_the_same_page(grid, facilities):
    from sozialraum.webmap import Facilities, Layers, MapSpec, Overlays, Release, View

    kw = map_html(
        make_map(
            grid,
            [Indicator("alq", unit="%"), "kinder"],
            name_column="name",
            lisa="lisa_cat",
            facilities=facilities,
            capacity_unit="Plätze",
            show_values=False,
            title="Karte",
            offline=True,
            lang="en",
        )
    )
    spec = MapSpec(
        layers=Layers(indicators=(Indicator("alq", unit="%"), "kinder"), lisa="lisa_cat"),
        overlays=Overlays(facilities=Facilities(facilities, capacity_unit="Plätze")),
        view=View(title="Karte", offline=True),
        release=Release(show_values=False),
        name_column="name",
        lang="en",
    )
    strip = lambda html: re.sub(r"map_[0-9a-f]{32}", "map", html)  # noqa: E731
    assert strip(map_html(make_map(grid, spec))) == strip(kw)
    with pytest.raises(TypeError, match="unexpected"):
        make_map(grid, ["alq"], colour="red")
