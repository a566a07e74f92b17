"""sozialraum empfehlungen vorlage|einlesen and sozialraum prioritaet on the command line."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import openpyxl
import pandas as pd
import pytest

from sozialraum.cli import main
from sozialraum.planning import PriorityRules, select_priority_areas

ROOT = Path(__file__).resolve().parents[2]
GPKG = ROOT / "data" / "boundaries" / "musterland.gpkg"


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    """A small results GeoPackage: areas with population, Kinderarmut, status class."""
    path = tmp_path_factory.mktemp("cli") / "ergebnisse.gpkg"
    sr = gpd.read_file(GPKG, layer="sozialraeume")
    rng = np.random.default_rng(7)
    sr["ew_ges"] = rng.integers(200, 3000, len(sr)).astype(float)
    sr["kinderarmut"] = np.round(rng.uniform(5, 45, len(sr)), 1)
    sr["kinderarmut_status"] = None
    sr.loc[3, ["kinderarmut", "kinderarmut_status"]] = [np.nan, "geheim_primaer"]
    sr["status_klasse"] = rng.choice(["hoch", "mittel", "niedrig", "sehr niedrig"], len(sr))
    sr.to_file(path, layer="sozialraeume", driver="GPKG")
    gem = gpd.read_file(GPKG, layer="gemeinden")
    gem.to_file(path, layer="gemeinden", driver="GPKG")
    return path, sr


def test_prioritaet_equals_library(results, tmp_path, capsys):
    path, sr = results
    out = tmp_path / "fk.xlsx"
    rc = main(
        [
            "prioritaet",
            str(path),
            "--statusklassen",
            "sehr niedrig",
            "--defizit",
            "kinderarmut",
            "--schwelle",
            "30",
            "--mindest-einwohner",
            "500",
            "--budget",
            "1000",
            "--out",
            str(out),
        ]
    )
    assert rc == 0
    frame = sr.set_index("sr_id").drop(columns="geometry")
    ref = select_priority_areas(
        frame,
        PriorityRules(
            deficit_column="kinderarmut", deficit_threshold=30.0, min_population=500, budget=1000.0
        ),
    )
    text = capsys.readouterr().out
    assert (
        f"Förderkulisse: {len(ref.selected)} Gebiete; Prüffälle (unter der Mindestgröße): {len(ref.flagged)}"
        in text
    )
    sheet = pd.read_excel(out, sheet_name="Förderkulisse", dtype={"sr_id": str}).set_index("sr_id")
    assert sheet["prio_anteil"].sum() == pytest.approx(1.0)
    assert set(sheet.index[sheet["prio_kulisse"]]) == set(ref.selected)
    assert "Empfindlichkeit" in pd.ExcelFile(out).sheet_names


def test_prioritaet_unknown_column_names_the_option(results, capsys):
    path, _ = results
    assert main(["prioritaet", str(path), "--defizit", "armut", "--schwelle", "3"]) == 1
    assert "--defizit = 'armut'" in capsys.readouterr().err


def test_empfehlungen_round_trip_on_the_command_line(results, tmp_path, capsys):
    path, _ = results
    vorlage = tmp_path / "vorlage.xlsx"
    rc = main(
        [
            "empfehlungen",
            "vorlage",
            str(path),
            "--gemeinden-ebene",
            "gemeinden",
            "--kennzahlen",
            "ew_ges,kinderarmut,status_klasse",
            "--out",
            str(vorlage),
        ]
    )
    assert rc == 0
    wb = openpyxl.load_workbook(vorlage)
    ws = wb["Empfehlungen"]
    head = [c.value for c in ws[1]]
    rows = {ws.cell(row=r, column=1).value: r for r in range(2, ws.max_row + 1)}
    assert len(rows) == 80 + 10
    # the secret Kinderarmut shows the sign, not a number
    secret = gpd.read_file(path, layer="sozialraeume").loc[3, "sr_id"]
    assert ws.cell(row=rows[secret], column=head.index("kinderarmut") + 1).value == "."
    col = head.index("Handlungsempfehlung") + 1
    ws.cell(row=rows["07999001"], column=col, value="**Kita** ausbauen <b>jetzt</b>")
    ws.cell(row=rows[secret], column=col, value="- eins\n- zwei")
    wb.save(vorlage)
    html = tmp_path / "e.html"
    atlas = tmp_path / "atlas.gpkg"
    rc = main(
        [
            "empfehlungen",
            "einlesen",
            str(vorlage),
            "--gebiete",
            str(path),
            "--gemeinden-ebene",
            "gemeinden",
            "--atlas",
            str(atlas),
            "--out",
            str(html),
        ]
    )
    assert rc == 0
    out = capsys.readouterr().out
    assert "2 Texte für 2 Gebiete/Gemeinden" in out and "Fassung 1" in out
    page = html.read_text(encoding="utf-8")
    assert "<strong>Kita</strong> ausbauen &lt;b&gt;jetzt&lt;/b&gt;" in page
    assert "<ul><li>eins</li><li>zwei</li></ul>" in page
    from sozialraum.atlas import Atlas

    with Atlas.open(atlas) as a:
        assert a.recommendations().texts("sozialraum", secret) == {"empfehlung": "- eins\n- zwei"}


def test_empfehlungen_unknown_key_is_refused(results, tmp_path, capsys):
    path, _ = results
    md = tmp_path / "e.md"
    md.write_text("## 07999001\nok\n\n## 079990019 Tippfehler\nText\n", encoding="utf-8")
    assert (
        main(
            [
                "empfehlungen",
                "einlesen",
                str(md),
                "--gebiete",
                str(path),
                "--gemeinden-ebene",
                "gemeinden",
            ]
        )
        == 1
    )
    err = capsys.readouterr().err
    assert "e.md, Zeile 4: '079990019'" in err


def test_empfehlungen_regions_on_the_command_line(results, tmp_path, capsys):
    """--regionen monitor.toml: the template has a row per Amt and LEADER region, and a text
    for a region is read back under its set (the run's own reading of [[regionen]])."""
    path, _ = results
    cfg = ROOT / "examples" / "musterland" / "monitor.toml"
    regions = pd.read_csv(ROOT / "examples" / "musterland" / "regionen.csv", sep=";", dtype=str)
    vorlage = tmp_path / "vorlage.xlsx"
    args = ["--gemeinden-ebene", "gemeinden", "--regionen", str(cfg)]
    assert main(["empfehlungen", "vorlage", str(path), *args, "--out", str(vorlage)]) == 0
    wb = openpyxl.load_workbook(vorlage)
    ws = wb["Empfehlungen"]
    head = [c.value for c in ws[1]]
    keys = [ws.cell(row=r, column=1).value for r in range(2, ws.max_row + 1)]
    n_regions = regions["amt"].dropna().nunique() + regions["leader"].dropna().nunique()
    assert len(keys) == 80 + 10 + n_regions
    amt = regions["amt"].dropna().iloc[0]
    row = keys.index(amt) + 2
    ws.cell(row=row, column=head.index("Handlungsempfehlung") + 1, value="Amt stärken")
    wb.save(vorlage)
    atlas = tmp_path / "atlas.gpkg"
    rc = main(["empfehlungen", "einlesen", str(vorlage), "--gebiete", str(path), *args,
               "--atlas", str(atlas)])  # fmt: skip
    assert rc == 0, capsys.readouterr().err
    from sozialraum.atlas import Atlas

    with Atlas.open(atlas) as a:
        assert a.recommendations().texts("Ämter", amt) == {"empfehlung": "Amt stärken"}
