"""The territorial vocabulary: German forms checked by hand against a grammar, not by the code."""

from __future__ import annotations

import textwrap

import pytest

from sozialraum.core.doors import using_door
from sozialraum.core.territory import KNOWN_LEVELS, Territory
from sozialraum.errors import ConfigError
from sozialraum.pipeline.config import load_config, territory_of


def test_default_is_landkreis_gemeinde_sozialraum():
    d = Territory.default()
    assert d.words == ("Landkreis", "Gemeinde", "Sozialraum")
    assert d.average() == "Kreisdurchschnitt"
    assert d.average("en") == "district average"
    assert d.subject() == "Der Landkreis"
    assert d.members_heading() == "Sozialräume der Gemeinde"
    assert d.rate_of_whole() == "Quote des Landkreises insgesamt"


def test_city_phrases():
    c = Territory.from_words(
        ["Stadt", "Bezirk", "Planungsraum"], name="Berlin", adjective="Berliner"
    )
    assert c.average() == "Berliner Durchschnitt"
    assert c.average("en") == "Berlin average"
    assert c.middle.named("Neukölln") == "Bezirk Neukölln"
    assert c.middle.in_named("Neukölln") == "im Bezirk Neukölln"
    assert c.population_sentence("3.745.108 Einwohner", 448, 12) == (
        "Die Stadt Berlin hat 3.745.108 Einwohner in 448 Planungsräumen und 12 Bezirken."
    )
    assert c.members_heading() == "Planungsräume des Bezirks"
    assert c.rate_of_whole() == "Quote der Stadt insgesamt"
    no_adj = Territory.from_words(["Stadt", "Bezirk", "Planungsraum"], name="Berlin")
    assert no_adj.average() == "Stadtdurchschnitt"
    assert no_adj.average("en") == "city average"


@pytest.mark.parametrize(
    ("word", "n", "dative", "expected"),
    [
        ("Bezirk", 12, True, "12 Bezirken"),
        ("Bezirk", 12, False, "12 Bezirke"),
        ("Bezirk", 1, True, "1 Bezirk"),
        ("Amt", 4, True, "4 Ämtern"),
        ("Quartier", 30, True, "30 Quartieren"),
        ("Gemeinde", 10, True, "10 Gemeinden"),
        ("Stadtteil", 2, True, "2 Stadtteilen"),
        ("Viertel", 5, True, "5 Vierteln"),
        ("Planungsraum", 1000, True, "1.000 Planungsräumen"),
    ],
)
def test_counts_dative_plural(word, n, dative, expected):
    t = Territory.from_words(["Stadt", word])
    assert t.bottom.count(n, dative=dative) == expected


@pytest.mark.parametrize(
    ("top", "expected"),
    [
        ("Landkreis", "Kreisdurchschnitt"),
        ("Kreis", "Kreisdurchschnitt"),
        ("Stadt", "Stadtdurchschnitt"),
        ("Bezirk", "Bezirksdurchschnitt"),
        ("Region", "Regionsdurchschnitt"),
        ("Stadtbezirk", "Stadtbezirksdurchschnitt"),
        ("Amt", "Amtsdurchschnitt"),
        ("Gemeinde", "Gemeindedurchschnitt"),
    ],
)
def test_average_compounds(top, expected):
    assert Territory.from_words([top, "Quartier"]).average() == expected


def test_articles_in_every_case():
    b = Territory.from_words(["Stadt", "Bezirk", "Planungsraum"]).middle
    assert [b.the(c) for c in ("nom", "acc", "dat", "gen")] == [
        "der Bezirk",
        "den Bezirk",
        "dem Bezirk",
        "des Bezirks",
    ]
    g = Territory.default().middle
    assert [g.the(c) for c in ("nom", "acc", "dat", "gen")] == [
        "die Gemeinde",
        "die Gemeinde",
        "der Gemeinde",
        "der Gemeinde",
    ]
    q = Territory.from_words(["Stadt", "Quartier"]).bottom
    assert q.the("dat", plural=True) == "den Quartieren"
    assert q.in_named("Nord") == "im Quartier Nord"
    assert g.in_named("Ahlen") == "in der Gemeinde Ahlen"


def test_four_levels_roll_up_at_level_above_areas():
    k = Territory.from_words(["Kreis", "Amt", "Gemeinde", "Ortsteil"], name="Nordfriesland")
    assert k.top.singular == "Kreis"
    assert k.middle.singular == "Gemeinde"
    assert k.bottom.singular == "Ortsteil"
    assert k.levels[1].count(3, dative=True) == "3 Ämtern"
    assert k.members_heading() == "Ortsteile der Gemeinde"
    assert k.subject() == "Der Kreis Nordfriesland"


def test_known_words_table_is_complete():
    for word in (
        "Landkreis",
        "Kreis",
        "Stadt",
        "Region",
        "Bezirk",
        "Stadtbezirk",
        "Gemeinde",
        "Amt",
        "Verbandsgemeinde",
        "Samtgemeinde",
        "Stadtteil",
        "Ortsteil",
        "Sozialraum",
        "Planungsraum",
        "Bezirksregion",
        "Prognoseraum",
        "Quartier",
        "Wohnplatz",
    ):
        assert word in KNOWN_LEVELS
        pl, art, en, en_pl, stem, gen = KNOWN_LEVELS[word]
        assert art in ("der", "die", "das") and pl and en and en_pl and stem and gen


def test_unknown_word_needs_plural_and_article():
    with pytest.raises(ConfigError, match="Kiez.*Mehrzahl.*plurals="):
        Territory.from_words(["Stadt", "Kiez"])
    with pytest.raises(ConfigError, match="Artikel.*articles="):
        Territory.from_words(["Stadt", "Kiez"], plurals=["", "Kieze"])
    k = Territory.from_words(["Stadt", "Kiez"], plurals=["", "Kieze"], articles=["", "der"])
    assert k.bottom.count(7, dative=True) == "7 Kiezen"
    assert k.bottom.the("gen") == "des Kiezes"


def test_level_count_and_list_lengths():
    with pytest.raises(ConfigError, match="2 bis 4"):
        Territory.from_words(["Stadt"])
    with pytest.raises(ConfigError, match="2 bis 4"):
        Territory.from_words(["Land", "Kreis", "Amt", "Gemeinde", "Ortsteil"])
    with pytest.raises(ConfigError, match="3 Stufen"):
        Territory.from_words(["Stadt", "Bezirk", "Planungsraum"], plurals=["", ""])
    with pytest.raises(ConfigError, match="der, die, das"):
        Territory.from_words(["Stadt", "Bezirk"], articles=["", "dem"])


def test_message_names_config_key_in_config_door():
    with using_door("config"), pytest.raises(ConfigError, match=r"mehrzahl \(in \[gliederung\]\)"):
        Territory.from_words(["Stadt", "Kiez"])
    with pytest.raises(ConfigError, match="plural"):
        Territory.from_words(["Stadt", "Kiez"], lang="en")


def _config(tmp_path, gliederung: str, name: str = "Stadt Musterstadt"):
    (tmp_path / "g.gpkg").write_text("x")
    (tmp_path / "k.toml").write_text("")
    (tmp_path / "t.csv").write_text("")
    p = tmp_path / "monitor.toml"
    p.write_text(
        textwrap.dedent(
            f"""
            [projekt]
            name = "{name}"
            berichtsjahr = 2024
            [gebiete]
            datei = "g.gpkg"
            schluessel = "id"
            [katalog]
            datei = "k.toml"
            [[tabellen]]
            datei = "t.csv"
            jahre = [2024]
            [atlas]
            """
        )
        + gliederung
    )
    return p


def test_config_section_builds_territory(tmp_path):
    p = _config(
        tmp_path,
        '[gliederung]\nstufen = ["Stadt", "Bezirk", "Planungsraum"]\nadjektiv = "Musterstädter"\n',
    )
    t = territory_of(load_config(p))
    assert t.words == ("Stadt", "Bezirk", "Planungsraum")
    assert t.name == "Musterstadt"  # projekt.name without the level word
    assert t.average() == "Musterstädter Durchschnitt"


def test_config_without_section_is_the_default(tmp_path):
    t = territory_of(load_config(_config(tmp_path, "", name="Landkreis Musterland")))
    assert t.words == ("Landkreis", "Gemeinde", "Sozialraum")
    assert t.name == "Musterland"


def test_config_unknown_word_names_file_line_and_key(tmp_path):
    p = _config(tmp_path, '\n[gliederung]\nstufen = ["Stadt", "Kiez"]\n')
    with pytest.raises(ConfigError) as err:
        load_config(p)
    msg = str(err.value)
    assert "monitor.toml:" in msg and "mehrzahl (in [gliederung])" in msg and "Kiez" in msg
    assert err.value.row is not None
