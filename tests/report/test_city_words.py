"""A city's outputs read like a city's: no district words in report, profiles or web map.

A small synthetic city (Stadt → Bezirk → Planungsraum; 4 Bezirke, 24 Planungsräume,
two years) is run through the report room and the web map with its own
:class:`~sozialraum.core.territory.Territory`; every text written (HTML, and the PDF
text via ``pdftotext`` where Chromium is there) is searched for "Landkreis", "Kreis"
and "Gemeinde". Regression test for: everything said "Landkreis"/"Kreisdurchschnitt"/
"Gemeinde 08" and the profiles of the middle level were named by key.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import textwrap

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import box

from sozialraum.core import palettes
from sozialraum.core.territory import Territory

DISTRICT_WORDS = re.compile(r"Landkreis|Kreis|kreis\b|Gemeinde")
BEZIRKE = {"01": "Mitte", "02": "Nord", "03": "Ost", "04": "Süd"}

CATALOGUE = textwrap.dedent(
    """
    [variables.ew_ges]
    label = "Einwohner insgesamt"
    unit = "Personen"
    source = "Amt für Statistik Musterstadt"
    [variables.ew_0_17]
    label = "Einwohner unter 18 Jahre"
    unit = "Personen"
    source = "Amt für Statistik Musterstadt"
    [variables.ew_15_64]
    label = "Einwohner 15 bis 64 Jahre"
    unit = "Personen"
    source = "Amt für Statistik Musterstadt"
    [variables.sgb2]
    label = "Leistungsberechtigte SGB II"
    unit = "Personen"
    source = "Jobcenter Musterstadt"
    [variables.alo]
    label = "Arbeitslose"
    unit = "Personen"
    source = "Jobcenter Musterstadt"

    [indicators.sgb2_quote]
    label = "SGB-II-Quote"
    unit = "%"
    numerator = "sgb2"
    denominator = "ew_ges"
    per = 100
    direction = "need"
    dimension = "Soziale Lage"
    source = "Jobcenter Musterstadt"
    [indicators.alo_quote]
    label = "Arbeitslosenquote"
    unit = "%"
    numerator = "alo"
    denominator = "ew_15_64"
    per = 100
    direction = "need"
    dimension = "Arbeit"
    source = "Jobcenter Musterstadt"
    [indicators.anteil_0_17]
    label = "Anteil Minderjähriger"
    unit = "%"
    numerator = "ew_0_17"
    denominator = "ew_ges"
    per = 100
    direction = "resource"
    dimension = "Demografie"
    source = "Amt für Statistik Musterstadt"
    """
)


def _city(tmp_path):
    """Areas, counts of two years and the report data of the synthetic city."""
    from sozialraum.io import read_catalogue
    from sozialraum.join import rollup_hierarchy
    from sozialraum.monitor import compute_rates, run_monitor
    from sozialraum.report import ReportData

    rows = []
    for b, (bz, name) in enumerate(BEZIRKE.items()):
        for i in range(6):
            x, y = 390_000 + (b % 2) * 3_000 + (i % 3) * 1_000, 5_820_000 + (b // 2) * 2_000
            y += (i // 3) * 1_000
            rows.append(
                {
                    "key": f"{bz}{i + 1:03d}",
                    "name": f"{name} {i + 1}",
                    "bezirk": bz,
                    "geometry": box(x, y, x + 1_000, y + 1_000),
                }
            )
    areas = gpd.GeoDataFrame(rows, crs="EPSG:25833").set_index("key")
    (tmp_path / "katalog.toml").write_text(CATALOGUE, encoding="utf-8")
    cat = read_catalogue(tmp_path / "katalog.toml")
    rng = np.random.default_rng(7)
    counts = {}
    for year in (2023, 2024):
        ew = rng.integers(800, 6_000, len(areas))
        counts[year] = pd.DataFrame(
            {
                "ew_ges": ew,
                "ew_0_17": (ew * rng.uniform(0.10, 0.25, len(ew))).astype(int),
                "ew_15_64": (ew * 0.65).astype(int),
                "sgb2": (ew * rng.uniform(0.02, 0.25, len(ew))).astype(int),
                "alo": (ew * 0.65 * rng.uniform(0.02, 0.12, len(ew))).astype(int),
            },
            index=areas.index,
        ).astype(float)
    counts[2024].iloc[5, :] = [120, 20, 80, 10, 4]  # one area too small to be rated
    mon = run_monitor(counts, cat, min_denominator=300, seed=1)
    rates = {y: compute_rates(c, cat.indicators, min_denominator=300) for y, c in counts.items()}
    frame = areas[["bezirk", "geometry"]].join(counts[2024])
    roll = rollup_hierarchy(frame, {"gemeinde": "bezirk", "kreis": None}, catalogue=cat.indicators)
    a = areas.join(counts[2024]).join(rates[2024].rates)
    a = a.join(mon.frame[[c for c in mon.frame.columns if c not in a.columns]])
    a = gpd.GeoDataFrame(a, geometry="geometry", crs=areas.crs)
    bez = roll["gemeinde"].frame
    bez["bezirk_name"] = [BEZIRKE[k] for k in bez.index]
    territory = Territory.from_words(
        ["Stadt", "Bezirk", "Planungsraum"], name="Musterstadt", adjective="Musterstädter"
    )
    data = ReportData(
        areas=a,
        catalogue=cat,
        status=rates[2024].status,
        previous=rates[2023].rates.join(counts[2023][["ew_ges"]]),
        previous_status=rates[2023].status,
        gemeinden=bez,
        gemeinden_status=roll["gemeinde"].status,
        kreis=roll["kreis"].frame.assign(name="Musterstadt"),
        kreis_status=roll["kreis"].status,
        monitor_params=mon.params,
        title="Sozialbericht Stadt Musterstadt",
        year=2024,
        previous_year=2023,
        source="Amt für Statistik Musterstadt",
        date="31.12.2024",
        name_col="name",
        gemeinde_col="bezirk",
        gemeinde_name_col="bezirk_name",
        territory=territory,
    )
    return data, territory


def _pdf_tools() -> bool:
    if shutil.which("pdftotext") is None:
        return False
    from sozialraum.report import ChromiumError, find_chromium

    try:
        find_chromium()
    except ChromiumError:
        return False
    return True


def _visible_text(path) -> str:
    if path.suffix == ".pdf":
        out = subprocess.run(
            ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
        )
        return out.stdout
    return path.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def city_outputs(tmp_path_factory):
    from sozialraum.report import write_sozialbericht, write_steckbriefe
    from sozialraum.webmap import save_map

    tmp = tmp_path_factory.mktemp("city")
    data, territory = _city(tmp)
    pdf = _pdf_tools()
    files = write_sozialbericht(data, tmp / "bericht", pdf=pdf)
    keys = ["01002", "03004"]  # two areas in two Bezirke: two Bezirk profiles too
    files += write_steckbriefe(data, tmp / "steckbriefe", areas=keys, pdf=pdf)
    bez = gpd.GeoDataFrame(
        data.gemeinden[["bezirk_name"]],
        geometry=data.areas.dissolve("bezirk").geometry.reindex(data.gemeinden.index),
        crs=data.areas.crs,
    )
    files.append(
        save_map(
            data.areas[["name", "sgb2_quote", "status_klasse", "geometry"]],
            tmp / "webkarte.html",
            ["sgb2_quote"],
            name_column="name",
            boundaries=bez,
            boundary_label="bezirk_name",
            territory=territory,
            lang="de",
        )
    )
    return files, pdf


def test_city_outputs_have_no_district_words(city_outputs):
    files, pdf = city_outputs
    assert any(p.suffix == ".pdf" for p in files) == pdf
    hits = {}
    for p in files:
        found = sorted(set(DISTRICT_WORDS.findall(_visible_text(p))))
        if found:
            hits[p.name] = found
    assert hits == {}


def test_city_outputs_speak_the_city_words(city_outputs):
    files, _ = city_outputs
    by_name = {p.name: p for p in files}
    assert "steckbrief_bezirk_Mitte.html" in by_name  # the configured name column, not "01"
    assert "steckbrief_bezirk_Ost.html" in by_name
    bericht = _visible_text(by_name["sozialbericht_2024.html"])
    assert "Die Stadt Musterstadt hat" in bericht
    assert "24 Planungsräumen und 4 Bezirken" in bericht
    profile = _visible_text(by_name["steckbrief_bezirk_Mitte.html"])
    assert "Im Bezirk Mitte leben" in profile
    assert "Planungsräume des Bezirks" in profile
    assert "Musterstädter Durchschnitt" in profile
    area = _visible_text(next(p for n, p in by_name.items() if n.startswith("steckbrief_01002")))
    assert "Im Planungsraum Mitte 2 leben" in area and "Bezirk Mitte" in area
    assert "Bezirksgrenzen" in _visible_text(by_name["webkarte.html"])


def test_status_class_colours_same_in_web_map_and_print():
    """Regression: the web map drew "hoch" blue and the PDF green (two palettes)."""
    from sozialraum.report import charts

    for cls in ("hoch", "mittel", "niedrig", "sehr niedrig", "positiv", "stabil", "negativ"):
        table = palettes.STATUS_CLASS_COLORS if cls in palettes.STATUS_CLASS_COLORS else None
        table = table or palettes.DYNAMIC_CLASS_COLORS
        printed = charts.STATUS_COLORS.get(cls) or charts.DYNAMIK_COLORS.get(cls)
        assert printed == table[cls]


def test_web_map_status_layer_uses_the_palette(tmp_path):
    """The run's status layer colours (pipeline) are the print colours (report)."""
    from types import SimpleNamespace

    from sozialraum.pipeline.presentation import _class_layers
    from sozialraum.report import charts

    state = SimpleNamespace(
        config={"projekt": {"quelle": "", "name": "Musterstadt"}}, year=2024, lang="de"
    )
    frame = pd.DataFrame(
        {"status_klasse": ["hoch", "mittel", "niedrig", "sehr niedrig"], "dynamik_klasse": None}
    )
    (layer,) = _class_layers(state, frame, True)
    for cls in ("hoch", "mittel", "niedrig", "sehr niedrig"):
        assert layer.colors[cls] == charts.STATUS_COLORS[cls]
