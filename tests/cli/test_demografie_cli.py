"""``sozialraum demografie``: bad input is refused in the command line's words."""

from __future__ import annotations

import pytest

from sozialraum.cli import main


def _args(musterland, tmp_path, *extra):
    ex = musterland["examples"]
    return [
        "demografie",
        str(musterland["boundaries"]),
        "--ebene",
        "sozialraeume",
        "--schluessel",
        "sr_id",
        "--bevoelkerung",
        str(ex / "bevoelkerung_alter_*.csv"),
        "--out",
        str(tmp_path / "d.gpkg"),
        *map(str, extra),
    ]


@pytest.mark.parametrize(
    ("extra", "needles"),
    [
        (
            ("--raten", "RATES", "--raten-gueltig-bis", 2030, "--horizont", 11),
            ("--horizont = 11", "--raten-gueltig-bis", "2035"),
        ),
        (("--hauptszenario", "basis"), ("--hauptszenario = 'basis'", "niedrig, mittel, hoch")),
        (
            ("--szenarien", "a", "b", "--szenario-wanderung", 1, 2, 3),
            ("--szenario-wanderung", "--szenarien"),
        ),
        (("--eckwerte", "CONTROL", "--horizont", 30), ("--horizont = 30", "--eckwerte", "2054")),
        (("--horizont", 0), ("--horizont = 0",)),
    ],
)
def test_bad_settings_name_the_option(musterland, tmp_path, capsys, extra, needles):
    ex = musterland["examples"]
    files = {"RATES": ex / "demografie_raten.csv", "CONTROL": ex / "landesvorausberechnung.csv"}
    extra = [files.get(str(e), e) for e in extra]
    assert main(_args(musterland, tmp_path, *extra)) == 1
    err = capsys.readouterr().err
    for n in needles:
        assert n in err, err
    assert "(in [demografie])" not in err and "horizon=" not in err  # the CLI's own words


def test_population_keys_without_area_name_the_option(musterland, tmp_path, capsys):
    src = musterland["examples"] / "bevoelkerung_alter_2024.csv"
    text = src.read_text(encoding="utf-8").replace("07999001001;", "07999009999;", 1)
    (tmp_path / "bev_2024.csv").write_text(text, encoding="utf-8")
    args = _args(musterland, tmp_path)
    args[args.index("--bevoelkerung") + 1] = str(tmp_path / "bev_2024.csv")
    assert main(args) == 1
    err = capsys.readouterr().err
    assert "--bevoelkerung: Schlüssel ohne Gebiet: '07999009999'" in err, err


def test_bad_rates_name_the_option(musterland, tmp_path, capsys):
    src = musterland["examples"] / "demografie_raten.csv"
    lines = src.read_text(encoding="utf-8").splitlines()
    (tmp_path / "raten.csv").write_text("\n".join(lines[:50]) + "\n", encoding="utf-8")
    assert main(_args(musterland, tmp_path, "--raten", tmp_path / "raten.csv")) == 1
    err = capsys.readouterr().err
    assert "--raten: raten.csv" in err, err


def test_help_names_the_outputs(capsys):
    with pytest.raises(SystemExit):
        main(["demografie", "--help"])
    out = capsys.readouterr().out
    assert "Landesvorausberechnung" in out and "demografie.xlsx" in out and "--eckwerte" in out
