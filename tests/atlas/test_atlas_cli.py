"""``sozialraum atlas import|export|query|measures`` on both backends (parser built here;
the lead wires ``add_parser``/``run`` into ``sozialraum.cli``)."""

from __future__ import annotations

import argparse

import openpyxl

from sozialraum.atlas.cli import add_parser, run


def cli(argv, lang="de") -> int:
    p = argparse.ArgumentParser(prog="sozialraum")
    p.add_argument("--lang", default=lang)
    sub = p.add_subparsers(dest="command")
    add_parser(sub, lang)
    args = p.parse_args(argv)
    assert args.command == "atlas"
    return run(args)


def test_cli_import_query_export_measures(atlas_target, musterland, tmp_path, capsys):
    ex, gpkg = musterland["examples"], musterland["boundaries"]
    assert (
        cli(
            [
                "atlas",
                "import",
                atlas_target,
                "--katalog",
                str(ex / "katalog.toml"),
                "--gebiete",
                str(gpkg),
                "--ebene",
                "sozialraeume",
                "--gebiet-schluessel",
                "sr_id",
                "--gebiet-name",
                "sr_name",
                "--neuer-stand",
                "sr2022",
                "--gueltig-ab",
                "2022",
            ]
        )
        == 0
    )
    for year in (2022, 2024):
        assert (
            cli(
                [
                    "atlas",
                    "import",
                    atlas_target,
                    str(ex / f"jobcenter_{year}.csv"),
                    "--jahr",
                    str(year),
                ]
            )
            == 0
        )
    out = capsys.readouterr().out
    assert (
        "Gebietsstand sr2022: 80 Gebiete" in out
        and "Lieferung 2: jobcenter_2024.csv – 320 Werte" in out
    )
    # the same file again: nothing to do
    assert (
        cli(["atlas", "import", atlas_target, str(ex / "jobcenter_2024.csv"), "--jahr", "2024"])
        == 0
    )
    assert "nichts zu tun" in capsys.readouterr().out
    assert (
        cli(
            [
                "atlas",
                "query",
                atlas_target,
                "--jahr",
                "2024",
                "--gebiete",
                "07999001001",
                "--spalten",
                "sgb2_pers",
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert "07999001001" in out and "560" in out  # jobcenter_2024.csv, first row
    assert cli(["atlas", "query", atlas_target, "--lieferungen"]) == 0
    assert "jobcenter_2022.csv" in capsys.readouterr().out
    xlsx = tmp_path / "auszug.xlsx"
    assert (
        cli(
            [
                "atlas",
                "export",
                atlas_target,
                str(xlsx),
                "--jahre",
                "2024",
                "--spalten",
                "sgb2_pers",
            ]
        )
        == 0
    )
    assert openpyxl.load_workbook(xlsx).sheetnames == ["2024"]
    spec = tmp_path / "massnahmen.toml"
    spec.write_text(
        '[[massnahme]]\nid = "M1"\nname = "Stadtteilmütter"\ngebiete = ["07999001012"]\n'
        'beginn = "2023-03-01"\nziele = ["sgb2_pers"]\nthema = "Familie"\n',
        encoding="utf-8",
    )
    assert cli(["atlas", "measures", atlas_target, "--neu", str(spec)]) == 0
    assert cli(["atlas", "measures", atlas_target, "--wirkung", "M1"]) == 0
    out = capsys.readouterr().out
    assert "Maßnahme M1 eingetragen" in out and "nicht kausal" in out


def test_cli_data_problem_exit_code_1(atlas_target, tmp_path, capsys):
    assert (
        cli(["atlas", "import", atlas_target, str(tmp_path / "fehlt.csv"), "--jahr", "2024"]) == 1
    )
    assert "Fehler:" in capsys.readouterr().err
    assert cli(["atlas", "query", str(tmp_path / "x.txt"), "--jahr", "2024"], lang="en") == 1
    assert "Error:" in capsys.readouterr().err
