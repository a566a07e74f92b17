"""Demography in the yearly run: checked settings, demografie.xlsx, one projected number everywhere."""

from __future__ import annotations

import re

import geopandas as gpd
import openpyxl
import pandas as pd
import pytest

from sozialraum.core.doors import using_door
from sozialraum.core.numbers import format_number
from sozialraum.pipeline.check import ERROR, check_config

AREA = "07999001001"  # Altstadt, Musterstadt
GEM = "07999001"  # Musterstadt


@pytest.mark.parametrize(
    ("old", "new", "needle"),
    [
        ("horizont = 11", "horizont = 20", "horizont (in [demografie])"),
        (
            'hauptszenario = "mittel"',
            'hauptszenario = "zentral"',
            "hauptszenario (in [demografie])",
        ),
        (
            "szenario_wanderung = [-3.0, 0.0, 3.0]",
            "szenario_wanderung = [-3.0, 3.0]",
            "szenario_wanderung (in [demografie])",
        ),
    ],
)
def test_check_names_the_demography_key(tmp_path, musterland_config, old, new, needle):
    path = musterland_config(tmp_path, (old, new))
    report = check_config(path)
    hits = [f for f in report.findings if f.severity == ERROR and needle in f.message]
    assert hits, report.to_text()


def test_check_accepts_musterland_demography(tmp_path, musterland_config):
    with using_door("config"):
        report = check_config(musterland_config(tmp_path))
    assert not [f for f in report.errors if f.topic == "demografie"], report.to_text()


# ----------------------------------------------------------------------------- the demo run


def _sheet(path, name) -> pd.DataFrame:
    """A sheet of a workbook written by io.write_excel (title, blank row, header)."""
    return pd.read_excel(path, sheet_name=name, header=2, dtype={0: str})


def test_demografie_xlsx_has_german_headers_and_real_keys(demo_run):
    path = demo_run.out_dir / "intern" / "demografie.xlsx"
    wb = openpyxl.load_workbook(path, read_only=True)
    raw = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)+$|^(key|year|szenario|Schlüssel)$")
    for ws in wb.worksheets:
        header = next(ws.iter_rows(min_row=3, max_row=3, values_only=True))
        assert header[0] == "Sozialraumschlüssel", ws.title
        assert not [h for h in header if isinstance(h, str) and raw.match(h)], (ws.title, header)
        first = [r[0] for r in ws.iter_rows(min_row=4, max_row=6, values_only=True)]
        assert all(isinstance(k, str) and k.startswith("07999") for k in first), (ws.title, first)


def test_projection_is_one_number_in_every_product(demo_run):
    """prog_ew_2035 / change of one area and one municipality: xlsx = GeoPackage = packages =
    web map = report table = Steckbrief."""
    out = demo_run.out_dir
    figs = demo_run.state.demography["figures"]
    ew, chg = figs.columns["ew"], figs.columns["veraenderung"]
    assert ew == "prog_ew_2035"

    xl = _sheet(out / "intern" / "demografie.xlsx", "Vorausberechnung 2035").set_index(
        "Sozialraumschlüssel"
    )
    lab = figs.labels("de")
    value = float(xl.loc[AREA, lab[ew]])
    change = float(xl.loc[AREA, lab[chg]])
    gem_value = float(
        xl.loc[[k for k in xl.index if k.startswith(GEM)], lab[ew]].sum()
    )  # municipality = sum of its areas

    gpkg = gpd.read_file(out / "intern" / "ergebnisse.gpkg", layer="sozialraeume")
    row = gpkg.set_index(gpkg.columns[0]).loc[AREA] if AREA not in gpkg.index else gpkg.loc[AREA]
    assert float(row[ew]) == value

    # municipal package: own areas carry the projection; public package: the municipality
    kom = next(out.glob(f"kommunal-{GEM}*"))
    found = _package_values(kom, ew)
    assert value in found["areas"] and gem_value in found["gemeinden"]
    pub = _package_values(out / "oeffentlich", ew)
    assert gem_value in pub["gemeinden"] and not pub["areas"]  # counts per area stay non-public
    pub_chg = _package_values(out / "oeffentlich", chg)
    assert round(change, 6) in pub_chg["areas"]  # the CSV tables carry 6 decimals

    for level in ("intern", "oeffentlich"):  # the map's popups print the value
        html = (out / level / "webkarte.html").read_text(encoding="utf-8")
        assert lab[chg] in html and f'"{chg}":"{format_number(change, 1, "de")} %"' in html

    bericht = next((out / "intern").glob("sozialbericht*.html")).read_text(encoding="utf-8")
    assert "Bevölkerungsvorausberechnung 2024–2035" in bericht
    assert format_number(gem_value, 0, "de") in bericht
    steckbrief = next((out / "intern" / "steckbriefe").glob(f"*{AREA}*.html"))
    assert format_number(value, 0, "de") in steckbrief.read_text(encoding="utf-8")


def _package_values(folder, col) -> dict[str, set[float]]:
    """Values of ``col`` in a package's CSV tables of the areas and of the municipalities."""
    found = {"areas": set(), "gemeinden": set()}
    for csv in folder.rglob("*.csv"):
        try:
            df = pd.read_csv(csv, sep=None, engine="python", dtype=str)
        except (pd.errors.ParserError, UnicodeDecodeError):
            continue
        cols = [c for c in df.columns if c == col]
        if not cols:
            continue
        if csv.name.endswith("_sozialraeume.csv"):
            kind = "areas"
        elif csv.name.endswith("_gemeinden.csv"):
            kind = "gemeinden"
        else:
            continue
        vals = pd.to_numeric(df[col].str.replace(",", ".", regex=False), errors="coerce")
        found[kind] |= set(vals.dropna().astype(float))
    return found
