"""``sozialraum check``: every input problem at once, each with its fix, nothing computed.

The inputs are real files written in the test (GeoPackages, CSV tables), broken the
way offices' files break; the check must list every problem, not stop at the first.
"""

from __future__ import annotations

import shutil
import subprocess
import sys

import geopandas as gpd
import pytest

from sozialraum.core.doors import using_door
from sozialraum.pipeline.check import ERROR, WARNING, CheckReport, check_config


@pytest.fixture(scope="module")
def areas_gpkg(tmp_path_factory, musterland):
    """The Musterland GeoPackage (areas, municipalities, district), written anew."""
    folder = tmp_path_factory.mktemp("areas")
    src = musterland["boundaries"]
    out = folder / "gebiete.gpkg"
    for layer in ("sozialraeume", "gemeinden", "kreis"):
        gpd.read_file(src, layer=layer).to_file(out, layer=layer, engine="pyogrio")
    return out


def _config(tmp_path, musterland_config, *replacements):
    return musterland_config(tmp_path, *replacements)


def _jobcenter(tmp_path, musterland, year: int, edit=None) -> None:
    """A copy of the job centre table of ``year`` in ``tmp_path``, changed by ``edit``."""
    src = musterland["examples"] / f"jobcenter_{year}.csv"
    lines = src.read_text(encoding="cp1252").splitlines()
    if edit is not None:
        lines = edit(lines)
    (tmp_path / f"jobcenter_{year}.csv").write_text("\n".join(lines) + "\n", encoding="cp1252")


def _by(report: CheckReport, severity: str, needle: str):
    hits = [f for f in report.findings if f.severity == severity and needle in f.message]
    assert hits, f"no {severity} with {needle!r} in:\n{report.to_text()}"
    return hits[0]


def test_musterland_inputs_are_fine(musterland):
    with using_door("config"):
        report = check_config(musterland["examples"] / "monitor.toml")
    assert report.ok, report.to_text()
    assert "0 Fehler" in report.to_text()


def test_area_layer_problems_all_at_once_with_where_each_duplicate_lies(
    tmp_path, musterland, musterland_config, areas_gpkg
):
    """Duplicated key (two different areas), wrong name column, no CRS-free file: all listed."""
    gdf = gpd.read_file(areas_gpkg, layer="sozialraeume")
    twin = gdf["sr_id"].iloc[1]
    gdf.loc[gdf.index[40], "sr_id"] = twin  # another area in another municipality
    bad = tmp_path / "gebiete_dup.gpkg"
    gdf.to_file(bad, layer="sozialraeume", engine="pyogrio")
    for layer in ("gemeinden", "kreis"):
        gpd.read_file(areas_gpkg, layer=layer).to_file(bad, layer=layer, engine="pyogrio")
    path = _config(
        tmp_path,
        musterland_config,
        (f'"{musterland["boundaries"].resolve()}"', f'"{bad}"'),
        ('name = "sr_name"', 'name = "sr_nam"'),
    )
    with using_door("config"):
        report = check_config(path)
    assert not report.ok
    dup = _by(report, ERROR, f"Schlüssel '{twin}' kommt 2-mal vor")
    assert dup.area == twin and dup.topic == "gebiete"
    assert "Objekt 2:" in dup.message and "Objekt 41:" in dup.message
    assert dup.message.count("Mittelpunkt x=") == 2 and "Ausdehnung" in dup.message
    assert "nicht zusammenlegen" in dup.fix and "eigenen Schlüssel" in dup.fix
    name = _by(report, ERROR, "'sr_nam'")
    assert "Meinten Sie 'sr_name'?" in name.message
    assert "name (in [gebiete])" in name.fix  # the config door's words
    # the same check through the Python door names the Python keyword
    with using_door("api"):
        api = check_config(path)
    assert "name=" in _by(api, ERROR, "'sr_nam'").fix


def test_tables_catalogue_and_access_problems_all_at_once(tmp_path, musterland, musterland_config):
    """Duplicated header, a column not in the catalogue, a table matching few areas, a
    category no facility has, a target group that is no variable: one report."""

    def dup_header(lines):
        head = lines[0].split(";")
        head[4] = head[3]  # 'Arbeitslose' → a second 'Kinder unter 15 in BG'
        return [";".join(head), *lines[1:]]

    def extra_column(lines):
        return [lines[0] + ";Sonderauswertung"] + [ln + ";1" for ln in lines[1:]]

    _jobcenter(tmp_path, musterland, 2022, lambda lines: lines[:9])  # 8 of 80 areas
    _jobcenter(tmp_path, musterland, 2023, dup_header)
    _jobcenter(tmp_path, musterland, 2024, extra_column)
    ex = musterland["examples"]
    path = _config(
        tmp_path,
        musterland_config,
        (f'"{(ex / "jobcenter_{jahr}.csv").resolve()}"', '"jobcenter_{jahr}.csv"'),
        ('kategorie = "Grundschule"', 'kategorie = "Grundschulen"'),
        ('zielgruppe = ["ew_80plus"]', 'zielgruppe = ["ew_80_plus"]'),
    )
    with using_door("config"):
        report = check_config(path)
    assert not report.ok
    text = report.to_text()
    # 2023: duplicated header (the reader's error, named with the file)
    dup = _by(report, ERROR, "jobcenter_2023.csv")
    assert dup.topic == "tabellen"
    # 2024: a column not in the catalogue, with both fixes
    unk = _by(report, WARNING, "Sonderauswertung")
    assert (
        "jobcenter_2024.csv" in unk.message and 'ignorieren = ["Sonderauswertung"]' in unk.message
    )
    # 2022: 8 of 80 areas
    few = _by(report, WARNING, "72 von 80 Gebieten ohne Zeile")
    assert "jobcenter_2022.csv" in few.message and few.fix
    # the access analyses
    cat = _by(report, ERROR, "'Grundschulen'")
    assert "kategorie (in [[erreichbarkeit]])" in cat.fix and "'Grundschule'" in cat.fix
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[cat.line - 1].startswith('kategorie = "Grundschulen"')
    tgt = _by(report, ERROR, "'ew_80_plus'")
    assert "'ew_80plus'" in tgt.fix
    # grouped, errors first in each group, German by default
    assert text.index("[Tabellen]") < text.index("[Erreichbarkeit]")
    assert "→ Abhilfe:" in text


def test_config_errors_are_all_listed_and_missing_sections_say_what_to_write(tmp_path):
    p = tmp_path / "monitor.toml"
    p.write_text(
        '[projekt]\nname = "Stadt"\n\n[gebiete]\ndatei = "fehlt.gpkg"\nschluesel = "id"\n'
        '\n[monitor]\nklassen_anzahl = "fünf"\n',
        encoding="utf-8",
    )
    report = check_config(p)
    msgs = [f.message for f in report.errors]
    assert all(f.topic == "konfiguration" for f in report.errors)
    assert any("[projekt] berichtsjahr fehlt" in m and "berichtsjahr = 2024" in m for m in msgs)
    assert any("Meinten Sie 'schluessel'?" in m for m in msgs)
    assert any("fehlt.gpkg" in m for m in msgs)
    assert any("klassen_anzahl" in m for m in msgs)
    kat = next(m for m in msgs if "[katalog]" in m)
    assert 'datei = "katalog.toml"' in kat and "nach Zeile 9" in kat
    assert any("[[tabellen]]" in m and "jahre = [" in m for m in msgs)
    # none of them is the old empty message
    assert not any("fehlt ()" in m or "…" in m.split("fehlt")[0] for m in msgs)


def test_atlas_section_is_optional_regression(tmp_path, musterland_config):
    """``Fehler: monitor.toml:–: [atlas] … fehlt ().`` for a config without [atlas]."""
    from sozialraum.pipeline.config import load_config

    path = _config(tmp_path, musterland_config)
    text = path.read_text(encoding="utf-8")
    path.write_text(text[: text.index("[atlas]")], encoding="utf-8")
    cfg = load_config(path)
    assert cfg.get("atlas") is None  # no atlas database: the run skips that step


def test_cli_check_exit_code_and_english(tmp_path, musterland, musterland_config):
    path = _config(tmp_path, musterland_config, ('kategorie = "Kita"', 'kategorie = "Kitas"'))
    cmd = [sys.executable, "-m", "sozialraum"]
    res = subprocess.run([*cmd, "check", str(path)], capture_output=True, text=True, timeout=300)
    assert res.returncode == 1, res.stdout + res.stderr
    assert "kategorie (in [[erreichbarkeit]])" in res.stdout and "'Kita'" in res.stdout
    res = subprocess.run(
        [*cmd, "--lang", "en", "run", str(path), "--check"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert res.returncode == 1
    assert "no facility has the category 'Kitas'" in res.stdout and "→ fix:" in res.stdout
    ok = subprocess.run(
        [*cmd, "check", str(musterland["examples"] / "monitor.toml")],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert ok.returncode == 0, ok.stdout


def test_catalogue_ignore_list_silences_the_column_warning(tmp_path, musterland, musterland_config):
    def extra_column(lines):
        return [lines[0] + ";Stand"] + [ln + ";2024" for ln in lines[1:]]

    for y in (2022, 2023, 2024):
        _jobcenter(tmp_path, musterland, y, extra_column)
    ex = musterland["examples"]
    cat = tmp_path / "katalog.toml"
    shutil.copy(ex / "katalog.toml", cat)
    base = (ex / "jobcenter_{jahr}.csv").resolve()
    repl = (f'"{base}"', '"jobcenter_{jahr}.csv"')
    path = _config(tmp_path, musterland_config, repl)
    report = check_config(path)
    assert any("'Stand'" in f.message or '"Stand"' in f.message for f in report.warnings)
    text = cat.read_text(encoding="utf-8")
    cat.write_text(text.replace("[meta]\n", '[meta]\nignorieren = ["Stand"]\n', 1), "utf-8")
    path = _config(
        tmp_path, musterland_config, repl, (f'"{(ex / "katalog.toml").resolve()}"', f'"{cat}"')
    )
    report = check_config(path)
    assert not any("Stand" in f.message for f in report.findings), report.to_text()


def test_years_indicators_without_data_crs_and_features(tmp_path, musterland, musterland_config):
    """A column dropped from every year's table leaves its indicator without data; a
    comparison year without tables, facilities in degrees and an unknown LISA feature."""

    def drop_alo(lines):
        return [";".join(c for j, c in enumerate(ln.split(";")) if j != 4) for ln in lines]

    for y in (2022, 2023, 2024):
        _jobcenter(tmp_path, musterland, y, drop_alo)
    ex = musterland["examples"]
    fac = gpd.read_file(ex / "einrichtungen.gpkg", layer="einrichtungen").to_crs(4326)
    fac.to_file(tmp_path / "einrichtungen.gpkg", layer="einrichtungen", engine="pyogrio")
    path = _config(
        tmp_path,
        musterland_config,
        (f'"{(ex / "jobcenter_{jahr}.csv").resolve()}"', '"jobcenter_{jahr}.csv"'),
        (f'"{(ex / "einrichtungen.gpkg").resolve()}"', f'"{tmp_path / "einrichtungen.gpkg"}"'),
        ("vorjahr = 2023", "vorjahr = 2021"),
        ('merkmale = ["idx_gesamt", "kinderarmut", "sgb2_quote"]',
         'merkmale = ["idx_gesamt", "kinderarmutt"]'),
    )  # fmt: skip
    report = check_config(path)
    ind = _by(report, WARNING, "Indikator 'alo_quote'")
    assert "'alo'" in ind.message and "in keinem Jahr" in ind.message
    assert "headers" in ind.fix and ind.topic == "indikatoren"
    prev = _by(report, ERROR, "Vergleichsjahr 2021")
    assert prev.line == next(
        i for i, ln in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if ln.startswith("vorjahr")
    )  # fmt: skip
    geo = _by(report, WARNING, "in Grad")
    assert geo.topic == "einrichtungen" and "EPSG:25832" in geo.fix
    feat = _by(report, ERROR, "'kinderarmutt'")
    assert "'kinderarmut'" in feat.fix
    assert not any("'idx_gesamt'" in f.message for f in report.findings)
