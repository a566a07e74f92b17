"""The Sozialatlas in headless Chromium: pages, map, keyboard, accessibility, privacy, size."""

from __future__ import annotations

import json
import re
import time

import pytest

from sozialraum.errors import InputError


def _url(folder, page="index.html"):
    return (folder / page).as_uri()


def _open(page, folder, name="index.html"):
    page.goto(_url(folder, name))
    page.wait_for_selector("body[data-ready='1']", timeout=10_000)
    return page


def _kinds(site):
    """One page of every kind (German and English)."""
    f = site["folder"]
    area = sorted(p.name for p in f.glob("gebiet-*.html"))[0]
    indicator = next(
        p.name
        for p in sorted(f.glob("thema-*.html"))
        if "klasse" not in p.name and "idx" not in p.name and "index" not in p.name
    )
    return [
        "index.html",
        "thema-status-klasse.html",
        "thema-idx-gesamt.html",
        indicator,
        area,
        "vergleich.html",
        "suche.html",
        "daten.html",
        "en/index.html",
        f"en/{area}",
        "en/thema-status-klasse.html",
    ]


def test_every_kind_of_page_opens_without_console_errors_or_network(ml_site, page):
    for name in _kinds(ml_site):
        _open(page, ml_site["folder"], name)
        assert page.log["errors"] == [], name
        assert page.log["blocked"] == [], name
    kom = ml_site["kommunal"]["07999001"]
    own = sorted(p.name for p in kom.glob("gebiet-*.html"))
    assert own and all(n.startswith("gebiet-07999001") for n in own)  # its own areas' pages
    for name in ("index.html", own[0], "en/index.html"):
        _open(page, kom, name)
        assert page.log["errors"] == [], name


@pytest.mark.parametrize("which", ["ml_site", "city_site"])
def test_the_map_draws_every_area(which, request, page):
    site = request.getfixturevalue(which)
    _open(page, site["folder"])
    keys = page.eval_on_selector_all("svg.map path.area", "ps => ps.map(p => p.dataset.k)")
    assert len(keys) == len(set(keys)) == site["n_areas"]
    boxes = page.eval_on_selector_all(
        "svg.map path.area", "ps => ps.filter(p => p.getBBox().width > 0).length"
    )
    assert boxes == site["n_areas"]  # every path has a shape, none is empty


def _tab_to(page, selector, limit=80):
    """Press Tab until the element ``selector`` has the focus (keyboard only)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement === document.querySelector(s)", selector):
            return
    raise AssertionError(f"{selector} not reachable with Tab")


def test_the_table_sorts_with_the_keyboard(ml_site, page):
    _open(page, ml_site["folder"], "thema-idx-gesamt.html")
    sel = "#tab-var thead button[data-col='3']"
    _tab_to(page, sel)
    page.keyboard.press("Enter")
    th = page.locator("#tab-var thead th").nth(3)
    assert th.get_attribute("aria-sort") == "ascending"
    vals = page.eval_on_selector_all(
        "#tab-var tbody tr td:nth-child(4)", "ts => ts.map(t => t.dataset.sort)"
    )
    nums = [float(v) for v in vals if v != ""]
    assert nums == sorted(nums) and len(nums) > 5
    assert all(v != "" for v in vals[: len(nums)])  # withheld values at the end
    page.keyboard.press("Enter")
    assert th.get_attribute("aria-sort") == "descending"
    vals = page.eval_on_selector_all(
        "#tab-var tbody tr td:nth-child(4)", "ts => ts.map(t => t.dataset.sort)"
    )
    nums = [float(v) for v in vals if v != ""]
    assert nums == sorted(nums, reverse=True)


def test_search_finds_an_area_and_a_municipality_by_keyboard(ml_site, page):
    _open(page, ml_site["folder"], "suche.html")
    _tab_to(page, "#q")
    page.keyboard.type("altst")
    hits = page.eval_on_selector_all("#hits a", "as => as.map(a => a.textContent)")
    assert "Altstadt" in hits
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == hits[0]
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"gebiet-.*\.html"))
    assert hits[0] in page.locator("h1").inner_text()
    # by the name of the municipality: all its areas
    _open(page, ml_site["folder"], "suche.html")
    page.focus("#q")
    page.keyboard.type("Wendischbrück")
    n = page.locator("#hits li").count()
    areas = ml_site["state"].areas
    assert n == int((areas["gemeinde"] == "Wendischbrück").sum()) and n >= 1


def test_compare_two_areas_with_the_keyboard(ml_site, page):
    _open(page, ml_site["folder"], "vergleich.html")
    _tab_to(page, "#cmp1")
    page.keyboard.press("ArrowDown")
    _tab_to(page, "#cmp2")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    heads = page.eval_on_selector_all("#cmp-out thead th", "ts => ts.map(t => t.textContent)")
    assert len(heads) == 3 and heads[1] != heads[2]  # topic + two areas
    assert page.locator("#cmp-out tbody tr").count() >= 3


def test_time_series_of_chosen_areas_draws_lines(ml_site, page):
    _open(page, ml_site["folder"], "thema-status-index.html")
    page.select_option("select.ts-pick[data-i='1']", index=1)
    assert page.locator(".ts-chart svg path").count() == 1
    cells = page.eval_on_selector_all(".ts-chart tbody td", "ts => ts.map(t => t.textContent)")
    assert len(cells) == len(ml_site["state"].counts)  # one value per year of the atlas


def test_axe_finds_no_serious_or_critical_violation_on_any_kind_of_page(ml_site, page):
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    bad = {}
    for name in _kinds(ml_site):
        _open(page, ml_site["folder"], name)
        res = axe.run(page)
        found = [
            f"{v['id']}: {v['help']} ({len(v['nodes'])}×)"
            for v in res.response["violations"]
            if v.get("impact") in ("serious", "critical")
        ]
        if found:
            bad[name] = found
    assert bad == {}


def test_the_release_checker_finds_nothing_on_the_sites(ml_site, city_site):
    from sozialraum.privacy import check_release

    for site, level, ags, folder in (
        (ml_site, "oeffentlich", None, ml_site["folder"]),
        (ml_site, "kommunal", "07999001", ml_site["kommunal"]["07999001"]),
        (city_site, "oeffentlich", None, city_site["folder"]),
    ):
        rep = check_release(folder, site["data"], level=level, ags=ags, policy=site["policy"])
        assert rep.ok, rep.to_text("de")
        assert not rep.findings["reason"].isin(["interner Wert", "geheim"]).any()
        readers = {fc.file: fc.reader for fc in rep.checked}
        assert readers["assets/daten.js"] == "Skript"  # the data of every year is read


def test_the_checker_finds_a_withheld_value_planted_in_the_site_data(ml_site, tmp_path):
    """A check that cannot fail is no check: an internal rate planted in daten.js is found."""
    import shutil

    from sozialraum.privacy import check_release

    site = tmp_path / "site"
    shutil.copytree(ml_site["folder"], site)
    data = ml_site["data"]
    key, rate = "07999001001", "sgb2_quote"
    text = (site / "assets" / "daten.js").read_text(encoding="utf-8")
    planted = text.replace(
        f'{{"key":"{key}",',
        f'{{"key":"{key}","{rate}":{round(float(data.areas.at[key, rate]), 3)},',
        1,
    )
    assert planted != text
    (site / "assets" / "daten.js").write_text(planted, encoding="utf-8")
    rep = check_release(site, data, level="oeffentlich", policy=ml_site["policy"])
    assert not rep.ok
    assert (rep.findings["column"] == rate).any()


def test_city_site_size_and_start_page_speed(city_site, page):
    folder = city_site["folder"]
    total = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())
    assert total <= 15 * 1024 * 1024, total
    start = sum(
        (folder / p).stat().st_size
        for p in ("index.html", "assets/site.css", "assets/site.js", "assets/daten.js")
    )
    assert start <= 1024 * 1024, start
    t0 = time.perf_counter()
    _open(page, folder)
    assert time.perf_counter() - t0 < 2.0
    assert page.locator("table.sortable tbody tr").count() == city_site["n_areas"]


def test_city_site_speaks_of_its_own_levels(city_site):
    html = (city_site["folder"] / "index.html").read_text(encoding="utf-8")
    assert "Planungsräume" in html and "Bezirke" in html
    assert "Sozialraum" not in html and "Gemeinde" not in html
    en = (city_site["folder"] / "en" / "index.html").read_text(encoding="utf-8")
    assert 'lang="en"' in en and "planning areas" in en.lower()


def test_earlier_years_are_the_releases_of_those_years(ml_site):
    """The time series come from make_release per year, not from unchecked frames."""
    from sozialraum.pipeline.website_step import year_release_data
    from sozialraum.privacy import make_release

    state = ml_site["state"]
    text = (ml_site["folder"] / "assets" / "daten.js").read_text(encoding="utf-8")
    data = json.loads(text.removeprefix("window.SOZ = ").rstrip().rstrip(";"))
    assert data["years"] == sorted(state.counts)
    y = min(state.counts)
    rel = make_release(year_release_data(state, y), "oeffentlich", policy=ml_site["policy"])
    fr = rel.frame("areas")
    recs = {r["key"]: r for r in data["values"]["areas"][str(y)]}
    for k, v in fr["status_klasse"].dropna().items():
        assert recs[str(k)]["status_klasse"] == v
    gem = {r["key"]: r for r in data["values"]["gemeinden"][str(y)]}
    rates = rel.frame("gemeinden")["sgb2_quote"]
    for k, v in rates.items():
        assert gem[str(k)].get("sgb2_quote") == (None if v != v else round(float(v), 3))


def test_the_site_is_made_only_from_releases(ml_site, tmp_path):
    from sozialraum.website import write_site

    with pytest.raises(InputError, match="geprüften Releases"):
        write_site({2024: ml_site["data"].areas}, tmp_path / "x")


def test_the_cli_names_what_it_needs(tmp_path, capsys):
    from sozialraum.cli import main

    assert main(["site", str(tmp_path), "--ziel", str(tmp_path / "w")]) == 1
    assert "manifest.json" in capsys.readouterr().err


def test_musterland_demo_writes_the_site():
    from pathlib import Path

    from sozialraum.pipeline.config import load_config

    root = Path(__file__).resolve().parents[2]
    cfg = load_config(root / "examples" / "musterland" / "monitor.toml")
    assert cfg["ausgaben"]["webseite"] is True


def test_the_site_command_finds_the_configuration_of_a_run_folder(tmp_path):
    from sozialraum.pipeline.website_step import config_of

    cfg = tmp_path / "monitor.toml"
    run = tmp_path / "out"
    run.mkdir()
    (run / "manifest.json").write_text(json.dumps({"konfiguration": str(cfg)}), encoding="utf-8")
    assert config_of(run) == cfg
    assert config_of(cfg) == cfg
    with pytest.raises(InputError, match="manifest.json"):
        config_of(tmp_path / "leer" if (tmp_path / "leer").mkdir() is None else None)
