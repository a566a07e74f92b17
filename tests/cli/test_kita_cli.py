"""``sozialraum kita``: bad input ends in one message in the command line's words (exit 1).

The numbers themselves are compared cell by cell with the API and the yearly run in
``tests/consistency/test_kita_doors.py``.
"""

from __future__ import annotations

import pytest

from sozialraum.cli import main
from sozialraum.core.doors import knob


def _args(musterland, out, *extra, places=None):
    ex = musterland["examples"]
    return [
        "kita",
        str(musterland["boundaries"]),
        "--ebene",
        "sozialraeume",
        "--schluessel",
        "sr_id",
        "--bevoelkerung",
        *(str(ex / f"bevoelkerung_alter_{y}.csv") for y in range(2020, 2025)),
        "--kitas",
        str(ex / "einrichtungen.gpkg"),
        "--kategorie",
        "Kita",
        "--plaetze",
        str(places or ex / "kita_plaetze.csv"),
        "--out",
        str(out),
        *extra,
    ]


def _fails(capsys, args) -> str:
    assert main(args) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return err


def test_today_by_location_writes_every_group(musterland, tmp_path):
    import pyogrio

    out = tmp_path / "k.gpkg"
    assert main(_args(musterland, out, "--quoten", "u3=42,5")) == 0
    g = pyogrio.read_dataframe(out, layer="kita", read_geometry=False)
    assert len(g) == 80
    for grp in ("krippe", "kindergarten", "hort"):
        assert (g[f"kita_{grp}_defizit"] >= 0).all()
    # the typed German number: 42,5 % of the under-3s
    ratio = g["kita_krippe_bedarf"].sum() / g["kita_krippe_zielgruppe"].sum()
    assert ratio == pytest.approx(0.425)
    assert (tmp_path / "k.xlsx").exists()


@pytest.mark.parametrize(
    ("option", "value", "words"),
    [
        ("--quoten", "u3=120", "--quoten (krippe=…)"),
        ("--quoten", "ue3=-5", "--quoten (kindergarten=…)"),
        ("--quoten", "u3=viel", "--quoten (krippe=…)"),
        ("--quoten", "krippen=45", "--quoten"),
        ("--quoten", "u3 45", "--quoten"),
        ("--alter", "krippe=0-2; kindergarten=4-5", "--alter (kindergarten=…)"),
        ("--alter", "krippe=1-2", "--alter (krippe=…)"),
        ("--alter", "hort=6", "--alter (hort=…)"),
    ],
)
def test_bad_rates_and_age_groups_name_the_option(
    musterland, tmp_path, capsys, option, value, words
):
    err = _fails(capsys, _args(musterland, tmp_path / "k.gpkg", option, value))
    assert words in err, err
    assert "[kita]" not in err and "KitaGroup" not in err  # not the words of another door


def test_rates_outside_0_100_message(musterland, tmp_path, capsys):
    err = _fails(capsys, _args(musterland, tmp_path / "k.gpkg", "--quoten", "hort=150"))
    assert (
        "--quoten (hort=…) = 150.0: die Bedarfsquote ist ein Prozentwert zwischen 0 und 100" in err
    )


def test_age_groups_that_do_not_tile_message(musterland, tmp_path, capsys):
    err = _fails(capsys, _args(musterland, tmp_path / "k.gpkg", "--alter", "kindergarten=3-6"))
    assert (
        "schließen nicht lückenlos" in err and "--alter (hort=…) beginnt bei 6, erwartet 7" in err
    )


def test_places_without_a_type_name_the_kita_and_the_option(musterland, tmp_path, capsys):
    src = musterland["examples"] / "kita_plaetze.csv"
    lines = src.read_text(encoding="utf-8").splitlines()
    assert lines[1].startswith("KITA001;")
    lines[1] = "KITA001;0;0;0;0;4;129;1"  # capacity in the facility layer, no places by type
    bad = tmp_path / "plaetze.csv"
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    err = _fails(capsys, _args(musterland, tmp_path / "k.gpkg", places=bad))
    assert "'KITA001'" in err and "keine Plätze nach Art" in err
    assert "--spalten (<art>=…)" in err


def test_unknown_place_column_names_the_option(musterland, tmp_path, capsys):
    err = _fails(capsys, _args(musterland, tmp_path / "k.gpkg", "--spalten", "krippen=U3"))
    assert "--spalten (<art>=…)" in err and "krippen" in err


def test_year_beyond_the_projection_names_jahre(musterland, tmp_path, capsys):
    ex = musterland["examples"]
    args = _args(
        musterland,
        tmp_path / "k.gpkg",
        "--jahre",
        "2040",
        "--horizont",
        "11",
        "--raten",
        str(ex / "demografie_raten.csv"),
    )
    err = _fails(capsys, args)
    assert "--jahre: das Jahr 2040 liegt nach dem Ende der Vorausberechnung (2035)" in err


def test_horizon_beyond_the_rates_is_refused(musterland, tmp_path, capsys):
    ex = musterland["examples"]
    args = _args(
        musterland,
        tmp_path / "k.gpkg",
        "--jahre",
        "2035",
        "--horizont",
        "11",
        "--raten",
        str(ex / "demografie_raten.csv"),
        "--raten-gueltig-bis",
        "2030",
    )
    err = _fails(capsys, args)
    assert "reicht bis 2035" in err and "nur bis 2030" in err
    assert knob("demography_horizon", door="cli") in err


def test_bad_what_if_names_the_options(musterland, tmp_path, capsys):
    err = _fails(capsys, _args(musterland, tmp_path / "k.gpkg", "--neu", "krippe=20"))
    assert "--neu / --erweitern / --schliessen" in err and "x und y" in err
    err = _fails(capsys, _args(musterland, tmp_path / "k.gpkg", "--erweitern", "id=K; hort=x"))
    assert "--neu / --erweitern / --schliessen" in err


def test_unknown_category_names_the_option(musterland, tmp_path, capsys):
    args = _args(musterland, tmp_path / "k.gpkg")
    args[args.index("Kita")] = "Kitas"
    err = _fails(capsys, args)
    assert "--kategorie = 'Kitas': keine solchen Einrichtungen" in err


def test_help_is_german(capsys):
    with pytest.raises(SystemExit):
        main(["kita", "--help"])
    out = capsys.readouterr().out
    assert "Bedarfsquoten in % je Altersgruppe" in out and "neue Kita" in out


def test_unknown_municipality_column_names_the_option(musterland, tmp_path, capsys):
    err = _fails(capsys, _args(musterland, tmp_path / "k.gpkg", "--gemeinde-spalte", "gem"))
    assert "--gemeinde-spalte: die Gebiete haben keine Spalte 'gem'" in err
