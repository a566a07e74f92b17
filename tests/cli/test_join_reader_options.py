"""Every reader setting is available on the command line (``sozialraum join --symbols
--header-row --encoding --sheet``), and messages name the command line's options,
not Python keywords."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest
from openpyxl import Workbook
from shapely.geometry import box

from sozialraum.cli import main


@pytest.fixture
def areas(tmp_path):
    gdf = gpd.GeoDataFrame(
        {"sr_id": ["A1", "A2", "A3"], "sr_name": ["Nord", "Mitte", "Süd"]},
        geometry=[box(i, 0, i + 1, 1) for i in range(3)],
        crs="EPSG:25832",
    )
    p = tmp_path / "gebiete.gpkg"
    gdf.to_file(p, layer="sr")
    return p


def _odd_csv(tmp_path):
    """A title line above the header, cp1252 umlauts and an office's own symbol."""
    text = "Daten der Stadt;;\nSchlüssel;Größe;Einwohner\nA1;groß;10\nA2;klein;k.A.\nA3;mittel;30\n"
    p = tmp_path / "amt.csv"
    p.write_bytes(text.encode("cp1252"))
    return p


def test_join_reads_with_symbols_header_row_and_encoding(areas, tmp_path, capsys):
    p = _odd_csv(tmp_path)
    out = tmp_path / "out.gpkg"
    code = main(
        [
            "join",
            str(areas),
            str(p),
            "--key",
            "sr_id",
            "--layer",
            "sr",
            "--table-key",
            "Schlüssel",
            "--header-row",
            "2",
            "--encoding",
            "cp1252",
            "--symbols",
            "k.A.=fehlt",
            "--out",
            str(out),
        ]
    )
    assert code == 0
    joined = gpd.read_file(out, layer="verknuepft")
    assert joined.set_index("sr_id")["Einwohner"].tolist()[0] == 10
    assert pd.isna(joined.set_index("sr_id").loc["A2", "Einwohner"])
    text = capsys.readouterr()
    assert "3 von 3 Gebieten" in text.out
    assert "'Größe'" in text.out  # the text column is named in the report
    assert "Alle Gebiete und alle Tabellenzeilen passen" not in text.out


def test_join_messages_name_command_line_options(areas, tmp_path, capsys):
    p = _odd_csv(tmp_path)
    code = main(["join", str(areas), str(p), "--key", "sr_id", "--layer", "sr"])
    err = capsys.readouterr().err
    assert code == 1
    assert "--symbols" in err and "symbols=" not in err
    code = main(["join", str(areas), str(p), "--key", "sr_id", "--layer", "sr", "--symbols", "k"])
    err = capsys.readouterr().err
    assert code == 1 and "--symbols" in err and "'k'" in err


def test_join_sheet_option_picks_the_sheet(areas, tmp_path, capsys):
    wb = Workbook()
    wb.active.title = "Info"
    wb.active.append(["nichts"])
    ws = wb.create_sheet("Daten")
    ws.append(["Schlüssel", "Einwohner"])
    for k, v in (("A1", 1), ("A2", 2), ("A3", 3)):
        ws.append([k, v])
    p = tmp_path / "t.xlsx"
    wb.save(p)
    code = main(["join", str(areas), str(p), "--key", "sr_id", "--layer", "sr", "--sheet", "Daten"])
    assert code == 0 and "t.xlsx[Daten]" in capsys.readouterr().out


def test_config_tables_take_the_reader_settings(tmp_path):
    """``kopfzeile``, ``kodierung`` and ``symbole`` under ``[[tabellen]]`` are checked."""
    from pathlib import Path

    from sozialraum.errors import ConfigError
    from sozialraum.pipeline.config import load_config

    src = Path(__file__).resolve().parents[2] / "examples" / "musterland" / "monitor.toml"
    text = src.read_text(encoding="utf-8").replace(
        'datei = "jobcenter_{jahr}.csv"',
        'datei = "jobcenter_{jahr}.csv"\nkopfzeile = 1\nkodierung = "utf-8"\n'
        'symbole = { "k.A." = "fehlt" }',
    )
    import os

    cfg_path = src.parent / f"_test_reader_settings_{os.getpid()}.toml"  # relative paths hold
    cfg_path.write_text(text, encoding="utf-8")
    try:
        cfg = load_config(cfg_path)
        tab = cfg["tabellen"][1]
        assert (tab["kopfzeile"], tab["kodierung"], tab["symbole"]) == (
            1,
            "utf-8",
            {"k.A.": "fehlt"},
        )
        assert cfg["tabellen"][0]["symbole"] is None
        cfg_path.write_text(text.replace('"k.A." = "fehlt"', '"k.A." = "weg"'), encoding="utf-8")
        with pytest.raises(ConfigError, match="symbole"):
            load_config(cfg_path)
    finally:
        cfg_path.unlink()
