"""``sozialraum angebote-finden``: the offer finder by hand; the household option."""

from __future__ import annotations

import geopandas as gpd
import pytest
import shapely

from sozialraum.access.offers import nearest_offers_for_household as find_for_household
from sozialraum.access.offers import parse_household
from sozialraum.cli import main
from sozialraum.errors import InputError

CRS = "EPSG:25833"


@pytest.fixture()
def offers():
    # a single parent with two children under 6 lives at (0, 0)
    rows = [
        ("Kita Nord", "Kita", "Bildung & Freizeit", "Kinder", (0, 500), 40),
        ("Kita Ost", "Kita", "Bildung & Freizeit", "Kinder", (300, 400), 60),  # 500 m too
        ("Kita Fern", "Kita", "Bildung & Freizeit", "Kinder", (3000, 0), 80),
        (
            "Familienberatung",
            "Beratungsstelle",
            "Förderung, Beratung & Hilfe",
            "Familien",
            (-600, -800),
            None,
        ),
        (
            "Familienzentrum",
            "Familienzentrum",
            "Förderung, Beratung & Hilfe",
            "Familien",
            (1200, 500),
            None,
        ),
        ("Seniorentreff", "Treff", "Leben & Wohnen", "Senioren", (10, 10), None),
        ("Jugendclub", "Jugendclub", "Bildung & Freizeit", "Jugendliche", (20, 0), None),
    ]
    return gpd.GeoDataFrame(
        {
            "name": [r[0] for r in rows],
            "kategorie": [r[1] for r in rows],
            "thema": [r[2] for r in rows],
            "zielgruppe": [r[3] for r in rows],
            "kapazitaet": [r[5] for r in rows],
        },
        geometry=[shapely.Point(r[4]) for r in rows],
        crs=CRS,
    )


def test_finder_by_hand(offers):
    found = find_for_household(
        offers,
        (0.0, 0.0),
        {"eltern": 1, "kita_kind": 2},
        radius=2000,
        themes=None,
        per_kind=1,
        category="kategorie",
        lang="de",
    )
    # per kind the nearest within 2 km; seniors' and youth offers do not serve this household
    assert list(found["name"]) == ["Kita Nord", "Familienberatung", "Familienzentrum"]
    assert found["entfernung_m"].tolist() == pytest.approx([500.0, 1000.0, 1300.0])
    assert found.iloc[0]["fuer"] == "kita_kind"
    assert found.iloc[1]["fuer"] == "eltern, kita_kind"


def test_finder_cli_prints_german_lines(offers, tmp_path, capsys):
    p = tmp_path / "angebote.gpkg"
    offers.to_file(p, layer="angebote")
    out = tmp_path / "treffer.csv"
    rc = main(
        [
            "angebote-finden",
            "--einrichtungen",
            str(p),
            "--ort",
            "0,0",
            "--haushalt",
            "eltern:1,kita_kind:2",
            "--radius",
            "2000",
            "--je-art",
            "2",
            "--out",
            str(out),
        ]
    )
    assert rc == 0
    text = capsys.readouterr().out
    assert "Angebote für den Haushalt (1 × eltern, 2 × kita_kind) im Umkreis von 2.000 m:" in text
    assert "Kita: Kita Nord" in text and "40 Plätze" in text and "Kita Ost" in text
    assert "Kita Fern" not in text and "Seniorentreff" not in text
    assert out.read_text(encoding="utf-8").startswith("name;")


def test_household_option():
    assert parse_household("eltern:1, kita_kind:2") == {"eltern": 1, "kita_kind": 2}
    assert parse_household("senioren") == {"senioren": 1}
    from sozialraum.core.doors import using_door

    with using_door("cli"), pytest.raises(InputError, match="--haushalt"):
        parse_household("eltern:x")
    with pytest.raises(InputError, match="household="):  # the Python door's word
        parse_household("eltern:x")


def test_regionen_cli_on_musterland(tmp_path, capsys):
    from pathlib import Path

    import pyogrio

    cfg = Path(__file__).resolve().parents[2] / "examples" / "musterland" / "monitor.toml"
    out = tmp_path / "regionen.gpkg"
    assert main(["regionen", str(cfg), "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert "Ämter:" in text and "LEADER-Regionen:" in text and "Gemeinden:" in text
    assert "Amt Wusterwitzer Land: 13 Sozialräume," in text  # the areas, not the members
    line = next(ln for ln in text.splitlines() if "Amt Wusterwitzer Land" in ln)
    assert "Einwohner, Index" in line
    assert "bewerteten Planungsräume" in text
    layers = {n for n, _ in pyogrio.list_layers(out)}
    assert {"aemter", "leader_regionen", "gemeinden"} <= layers
