"""``sozialraum init`` from the user's own files: what it detects and what it writes.

A small district is built here by hand (12 Sozialräume in 3 Gemeinden, keys with a
leading zero, two yearly German CSVs), so every expected guess is known in advance.
"""

from __future__ import annotations

import tomllib

import geopandas as gpd
import numpy as np
import pytest
import shapely

from sozialraum.cli import main
from sozialraum.errors import InputError
from sozialraum.io import read_catalogue
from sozialraum.pipeline.config import load_config
from sozialraum.pipeline.init import propose_config, write_proposal

CRS = "EPSG:25832"
KEYS = [f"0{5000 + g}{i:03d}" for g in range(1, 4) for i in range(1, 5)]  # 8 digits, leading 0


def _district(path, duplicate: bool = False):
    cells, rows = [], []
    for n, key in enumerate(KEYS):
        x, y = 400_000 + (n % 4) * 1000, 5_700_000 + (n // 4) * 1000
        cells.append(shapely.box(x, y, x + 1000, y + 1000))
        rows.append({"sr_id": key, "sr_name": f"Ort {n + 1}", "ags": key[:5], "gem": f"G{key[4]}"})
    if duplicate:
        rows[-1]["sr_id"] = KEYS[0]  # the last area carries the first area's key
    sr = gpd.GeoDataFrame(rows, geometry=cells, crs=CRS)
    gem = sr.dissolve("ags", as_index=False)[["ags", "gem", "geometry"]]
    kreis = gpd.GeoDataFrame(
        {"krs": ["05000"], "name": ["Landkreis Probe"]}, geometry=[sr.union_all()], crs=CRS
    )
    sr.to_file(path, layer="sozialraeume")
    gem.to_file(path, layer="gemeinden")
    kreis.to_file(path, layer="kreis")
    return path


def _tables(folder, placeholder: bool = False):
    rng = np.random.default_rng(3)
    paths = []
    for year in (2023, 2024):
        lines = ["Sozialraum-Nr.;Name;Einwohner insgesamt;Arbeitslose;SGB-II-Quote;Wert X"]
        for n, key in enumerate(KEYS):
            q = f"{rng.uniform(2, 20):.1f}".replace(".", ",")
            if placeholder and n == 3:
                q = "-9999"
            x = f"{rng.uniform(10, 90):.2f}".replace(".", ",")
            lines.append(
                f"{key};Ort {n + 1};{rng.integers(400, 5000)};{rng.integers(5, 90)};{q};{x}"
            )
        p = folder / f"daten_{year}.csv"
        p.write_text("\n".join(lines) + "\n", encoding="utf-8")
        paths.append(p)
    return paths


@pytest.fixture
def files(tmp_path):
    return _district(tmp_path / "gebiete.gpkg"), _tables(tmp_path)


def test_detects_keys_names_parents_layers_and_crs(files):
    gpkg, tables = files
    p = propose_config(gpkg, tables)
    a = p.areas
    assert (a.layer, a.key, a.name) == ("sozialraeume", "sr_id", "sr_name")
    assert (a.parent_key, a.parent_name, a.n_parents) == ("ags", "gem", 3)
    assert (a.parent_layer, a.parent_layer_key) == ("gemeinden", "ags")
    assert (a.top_layer, a.top_key, a.top_name) == ("kreis", "krs", "name")
    assert a.crs == CRS and a.key_width == 8 and a.duplicates == ()
    assert p.levels == ("Landkreis", "Gemeinde", "Sozialraum")  # 12 areas, parent 'ags'
    assert p.name == "Landkreis Probe"


def test_detects_years_counts_shares_population_and_direction(files):
    gpkg, tables = files
    p = propose_config(gpkg, tables)
    (tab,) = p.tables
    assert tab.years == (2023, 2024) and tab.pattern.endswith("daten_{jahr}.csv")
    assert tab.key == "Sozialraum-Nr." and tab.matched == 12
    cols = {c.header: c for c in tab.columns}
    assert cols["Einwohner insgesamt"].kind == "count" and cols["Einwohner insgesamt"].population
    assert p.population == "ew_ges"
    assert cols["Arbeitslose"].kind == "count" and not cols["Arbeitslose"].population
    assert cols["SGB-II-Quote"].kind == "share" and "Quote" in cols["SGB-II-Quote"].reason
    assert cols["SGB-II-Quote"].direction == "need"
    assert cols["Wert X"].kind == "share" and "0 und 100" in cols["Wert X"].reason
    assert cols["Wert X"].direction is None
    assert (p.report_year, p.base_year) == (2024, 2023)


def test_written_files_load_and_every_guess_is_commented(files, tmp_path):
    gpkg, tables = files
    mon, kat = write_proposal(propose_config(gpkg, tables), tmp_path / "cfg")
    cfg = load_config(mon)
    assert cfg["gebiete"]["schluessel"] == "sr_id" and cfg["gebiete"]["gemeinde_spalte"] == "ags"
    assert cfg["tabellen"][0]["jahre"] == [2023, 2024]
    assert cfg["gebiete"]["datei"] == gpkg.resolve()
    cat = read_catalogue(kat)
    share = cat.variables.loc["sgb_ii_quote"]
    assert (share["aggregation"], share["aggregation_weight"]) == ("weighted_mean", "ew_ges")
    assert cat.variables.loc["arbeitslose", "aggregation"] == "sum"
    assert cat.indicators.loc["sgb_ii_quote", "direction"] == "need"
    assert "ew_ges" not in cat.indicators.index  # counts are no indicators of the index
    text = mon.read_text(encoding="utf-8")
    for line in ('schluessel = "sr_id"', "jahre = [2023, 2024]", "gemeinde_spalte"):
        row = next(r for r in text.splitlines() if r.startswith(line))
        assert "# erkannt:" in row and row.endswith("bitte prüfen"), row
    assert "[gliederung]" in text
    with pytest.raises(InputError, match="force=True"):
        write_proposal(propose_config(gpkg, tables), tmp_path / "cfg")


def test_duplicated_key_is_shown_with_location_parent_and_likely_key(tmp_path):
    """Regression (a real city file): the advice was to dissolve, which merged two areas."""
    gpkg = _district(tmp_path / "gebiete.gpkg", duplicate=True)
    p = propose_config(gpkg, _tables(tmp_path))
    assert p.areas.key == "sr_id"
    (line,) = p.areas.duplicates
    assert f"'{KEYS[0]}'" in line and "2-mal" in line
    assert "Objekt 1 'Ort 1' in 05001 (G1)" in line and "Objekt 12 'Ort 12' in 05003 (G3)" in line
    assert f"'{KEYS[-1]}' ('Ort 12')" in line and "nicht zusammenlegen" in line
    assert line in p.notes


def test_placeholders_are_named(tmp_path):
    gpkg = _district(tmp_path / "gebiete.gpkg")
    p = propose_config(gpkg, _tables(tmp_path, placeholder=True))
    (note,) = [n for n in p.notes if "-9999" in n and "je Datei" in n]  # the reader may warn too
    assert "'SGB-II-Quote'" in note and "1 Zeile(n) je Datei" in note
    col = next(c for c in p.tables[0].columns if c.header == "SGB-II-Quote")
    assert col.kind == "share" and col.placeholders == 2


def test_cli_init_from_files_and_plain_template(files, tmp_path, capsys):
    gpkg, tables = files
    out = tmp_path / "neu"
    argv = ["init", "--gebiete", str(gpkg), "--ordner", str(out)]
    for p in tables:
        argv += ["--tabelle", str(p)]
    assert main(argv) == 0
    assert (out / "monitor.toml").is_file() and (out / "katalog.toml").is_file()
    assert "Geschrieben" in capsys.readouterr().out
    assert main(["init", str(tmp_path / "vorlage.toml")]) == 0  # the plain template as before
    assert "[gebiete]" in (tmp_path / "vorlage.toml").read_text(encoding="utf-8")
    assert main(["--lang", "en", "init", "--gebiete", str(tmp_path / "fehlt.gpkg"),
                 "--tabelle", str(tables[0])]) == 1  # fmt: skip
    err = capsys.readouterr().err
    assert "not found" in err and "(--gebiete)" in err  # the option of this door
    with pytest.raises(InputError, match=r"areas_path \(propose_config\)"):
        propose_config(tmp_path / "fehlt.gpkg", tables)  # the Python door names its argument


def test_english_comments(files, tmp_path):
    gpkg, tables = files
    mon, kat = write_proposal(propose_config(gpkg, tables, "en"), tmp_path / "en")
    assert "# detected:" in mon.read_text(encoding="utf-8")
    assert "please check" in kat.read_text(encoding="utf-8")
    with open(mon, "rb") as fh:
        assert tomllib.load(fh)["projekt"]["sprache"] == "en"


def test_years_in_wide_headers_are_years_not_columns(tmp_path):
    gpkg = _district(tmp_path / "gebiete.gpkg")
    lines = [
        "Sozialraum-Nr.;Einwohner 2022;Einwohner 2023;Arbeitslosenquote 2022;Arbeitslosenquote 2023"
    ]
    for n, key in enumerate(KEYS):
        lines.append(
            f"{key};{1000 + n};{1010 + n};{4 + n / 10:.1f};{5 + n / 10:.1f}".replace(".", ",")
        )
    table = tmp_path / "zeitreihe.csv"
    table.write_text("\n".join(lines) + "\n", encoding="utf-8")
    p = propose_config(gpkg, [table])
    (tab,) = p.tables
    assert tab.years == (2022, 2023) and tab.year_source == "Spaltenköpfen"
    cols = {c.header: c for c in tab.columns}
    assert set(cols) == {"Einwohner", "Arbeitslosenquote"}
    assert cols["Einwohner"].population and cols["Arbeitslosenquote"].kind == "share"
    # the years are named: by init, or by the reader where it stacks such headers itself
    assert any("2022" in n and "2023" in n and "Einwohner 2022" in n for n in p.notes)
    assert (p.report_year, p.base_year) == (2023, 2022)
