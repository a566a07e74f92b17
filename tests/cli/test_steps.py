"""Single steps on the command line: join → index → lisa → map, access, publish --check."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest

from sozialraum.cli import main


@pytest.fixture(scope="module")
def joined(tmp_path_factory, musterland):
    out = tmp_path_factory.mktemp("steps") / "verknuepft.gpkg"
    code = main(
        [
            "join",
            str(musterland["boundaries"]),
            str(musterland["examples"] / "indikatoren_2024.xlsx"),
            "--layer",
            "sozialraeume",
            "--key",
            "sr_id",
            "--name",
            "sr_name",
            "--sheet",
            "Daten",
            "--katalog",
            str(musterland["examples"] / "katalog.toml"),
            "--out",
            str(out),
        ]
    )
    assert code == 0
    return out


def test_index_equals_the_library(joined, tmp_path, musterland, capsys):
    out = tmp_path / "index.gpkg"
    assert (
        main(
            [
                "index",
                str(joined),
                "--ebene",
                "verknuepft",
                "--schluessel",
                "sr_id",
                "--katalog",
                str(musterland["examples"] / "katalog.toml"),
                "--out",
                str(out),
            ]
        )
        == 0
    )
    g = gpd.read_file(out).set_index("sr_id")
    from sozialraum.io import read_catalogue
    from sozialraum.monitor import compute_rates

    src = gpd.read_file(joined).set_index("sr_id")
    cat = read_catalogue(musterland["examples"] / "katalog.toml")
    ref = compute_rates(
        src[[c for c in cat.variables.index if c in src.columns]],
        cat.indicators,
        min_denominator=300,
    )
    np.testing.assert_allclose(
        g["kita_quote"].to_numpy(dtype=float), ref.rates["kita_quote"].to_numpy(), equal_nan=True
    )
    assert "idx_gesamt" in g.columns and "status_klasse" in g.columns
    assert "Geschrieben" in capsys.readouterr().out


def test_lisa_and_map(joined, tmp_path, musterland, esda_warm):
    idx = tmp_path / "index.gpkg"
    main(
        [
            "index",
            str(joined),
            "--ebene",
            "verknuepft",
            "--schluessel",
            "sr_id",
            "--katalog",
            str(musterland["examples"] / "katalog.toml"),
            "--out",
            str(idx),
        ]
    )
    out = tmp_path / "lisa.gpkg"
    assert (
        main(
            [
                "lisa",
                str(idx),
                "--schluessel",
                "sr_id",
                "--spalte",
                "idx_gesamt",
                "--permutationen",
                "99",
                "--out",
                str(out),
            ]
        )
        == 0
    )
    g = gpd.read_file(out).set_index("sr_id")
    # the exclave has too few inhabitants: not rated, so no index and no LISA (as in the run)
    assert g.loc["07999002010", "lisa_cat"] == "nicht bewertet"
    assert g["lisa_code"].eq("not_rated").sum() == 9
    html = tmp_path / "karte.html"
    assert (
        main(
            [
                "map",
                str(out),
                "--schluessel",
                "sr_id",
                "--name",
                "sr_name",
                "--spalte",
                "idx_gesamt",
                "--out",
                str(html),
            ]
        )
        == 0
    )
    text = html.read_text(encoding="utf-8")
    assert "Waldsiedlung Neuhaus" in text and "L.map" in text or "leaflet" in text.lower()


def test_access_step(joined, tmp_path, musterland):
    out = tmp_path / "kita.gpkg"
    assert (
        main(
            [
                "access",
                str(joined),
                "--ebene",
                "verknuepft",
                "--schluessel",
                "sr_id",
                "--einrichtungen",
                str(musterland["examples"] / "einrichtungen.gpkg"),
                "--kategorie",
                "Kita",
                "--zielgruppe",
                "ew_0_2",
                "ew_3_5",
                "--methode",
                "2sfca",
                "--radius",
                "3000",
                "--out",
                str(out),
            ]
        )
        == 0
    )
    g = gpd.read_file(out)
    assert len(g) == 80 and g["versorgung"].notna().sum() > 40


def test_bad_input_gives_exit_1_and_a_message(tmp_path, capsys):
    assert (
        main(
            [
                "lisa",
                str(tmp_path / "fehlt.gpkg"),
                "--schluessel",
                "sr_id",
                "--spalte",
                "x",
                "--out",
                str(tmp_path / "o.gpkg"),
            ]
        )
        == 1
    )
    err = capsys.readouterr().err
    assert err.startswith("Fehler:") and "fehlt.gpkg" in err
