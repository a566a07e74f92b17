"""The ``sozialraum`` command line: version, German help, join report, exit codes."""

from __future__ import annotations

import subprocess
import sys

import pytest

from sozialraum import __version__
from sozialraum.cli import main


def run(*args: str, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "sozialraum", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=600,
    )


def test_version():
    out = run("--version")
    assert out.returncode == 0
    assert out.stdout.strip() == f"sozialraum {__version__}"


def test_help_is_german_by_default_and_english_on_request(capsys):
    with pytest.raises(SystemExit):
        main(["--help"])
    de = capsys.readouterr().out
    assert "Sozialraummonitoring" in de and "Beispielauswertung" in de
    with pytest.raises(SystemExit):
        main(["--lang", "en", "--help"])
    en = capsys.readouterr().out
    assert "small-area social monitoring" in en


def test_no_command_prints_help_and_exits_2(capsys):
    assert main([]) == 2


def test_join_on_the_shipped_csv_prints_the_report(musterland, tmp_path):
    csv = musterland["examples"] / "jobcenter_2024.csv"
    if not csv.exists():
        pytest.skip("example data not generated")
    out_gpkg = tmp_path / "verknuepft.gpkg"
    res = run(
        "join",
        str(musterland["boundaries"]),
        str(csv),
        "--layer",
        "sozialraeume",
        "--key",
        "sr_id",
        "--name",
        "sr_name",
        "--katalog",
        str(musterland["examples"] / "katalog.toml"),
        "--out",
        str(out_gpkg),
    )
    assert res.returncode == 0, res.stderr
    assert "Verknüpfung: jobcenter_2024.csv" in res.stdout
    assert "80 von 80 Gebieten" in res.stdout
    assert "jobcenter_2024.csv" in res.stdout
    assert out_gpkg.exists()
    import geopandas as gpd

    joined = gpd.read_file(out_gpkg)
    assert "sgb2_pers" in joined.columns
    assert joined["sr_id"].str.len().eq(11).all()


def test_data_error_exits_1_with_a_german_message(tmp_path, musterland):
    bad = tmp_path / "leer.csv"
    bad.write_text("", encoding="utf-8")
    res = run(
        "join", str(musterland["boundaries"]), str(bad), "--layer", "sozialraeume", "--key", "sr_id"
    )
    if not musterland["boundaries"].exists():
        pytest.skip("example data not generated")
    assert res.returncode == 1
    assert res.stderr.startswith("Fehler:")
    assert "leer.csv" in res.stderr
    assert "Traceback" not in res.stderr


def test_unknown_key_column_names_the_candidates(musterland):
    if not musterland["boundaries"].exists():
        pytest.skip("example data not generated")
    res = run(
        "join",
        str(musterland["boundaries"]),
        str(musterland["examples"] / "jobcenter_2024.csv"),
        "--layer",
        "sozialraeume",
        "--key",
        "sr_nr",
    )
    assert res.returncode == 1
    assert "sr_id" in res.stderr  # the closest existing column is suggested
