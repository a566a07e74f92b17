"""Generated sentences: comparison categories, missing/secret values, grammar, number format."""

from __future__ import annotations

import pytest

from sozialraum.report.text import (
    FAR,
    NEAR,
    cell_text,
    compare,
    count_phrase,
    format_value,
    genus,
    indicator_sentence,
    not_rated_sentence,
    population_sentence,
    subject,
)

NAN = float("nan")


def test_example_sentence_from_issue():
    s = indicator_sentence("SGB-II-Quote", 14.2, 8.1, unit="%", sd=3.0)
    assert s == "Die SGB-II-Quote liegt mit 14,2 % deutlich über dem Kreisdurchschnitt von 8,1 %."


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (14.2, "deutlich über dem"),  # z = 6.1/3 = 2.03 > 1
        (10.1, "über dem"),  # z = 0.667
        (8.6, "etwa im"),  # z = 0.167 <= 0.25
        (6.0, "unter dem"),  # z = -0.7
        (2.0, "deutlich unter dem"),  # z = -2.03
    ],
)
def test_above_near_below(value, expected):
    s = indicator_sentence("SGB-II-Quote", value, 8.1, unit="%", sd=3.0)
    v = f"{value:.1f}".replace(".", ",")
    assert s == f"Die SGB-II-Quote liegt mit {v} % {expected} Kreisdurchschnitt von 8,1 %."


def test_compare_thresholds_by_hand():
    # z exactly at the thresholds: |z| = NEAR is "etwa", z = FAR is "ueber" (not "deutlich")
    assert compare(10 + NEAR * 4, 10, 4) == "etwa"
    assert compare(10 + FAR * 4, 10, 4) == "ueber"
    assert compare(10 + FAR * 4 + 0.01, 10, 4) == "deutlich_ueber"
    assert compare(10 - FAR * 4 - 0.01, 10, 4) == "deutlich_unter"
    # identical printed values are always "etwa", even with a tiny SD
    assert compare(8.12, 8.08, 0.001) == "etwa"
    # without SD: relative difference 5 % / 20 %
    assert compare(10.4, 10.0, None) == "etwa"
    assert compare(11.0, 10.0, None) == "ueber"
    assert compare(13.0, 10.0, 0.0) == "deutlich_ueber"
    assert compare(NAN, 10.0, 1.0) is None


def test_missing_and_secret():
    assert (
        indicator_sentence("SGB-II-Quote", NAN, 8.1, unit="%")
        == "Für die SGB-II-Quote liegt kein Wert vor."
    )
    assert (
        indicator_sentence("Anteil Minderjähriger", None, 17.2, unit="%")
        == "Für den Anteil Minderjähriger liegt kein Wert vor."
    )
    assert (
        indicator_sentence("SGB-II-Quote", NAN, 8.1, status="geheim")
        == "Die SGB-II-Quote ist aus Datenschutzgründen nicht ausgewiesen."
    )
    # a secret status wins even if a number slipped through
    s = indicator_sentence("SGB-II-Quote", 12.3, 8.1, unit="%", status="geheim_primaer")
    assert "12,3" not in s and "Datenschutz" in s
    assert "kleinen Bezugsgröße" in indicator_sentence(
        "SGB-II-Quote", 12.3, 8.1, unit="%", sd=3, status="nenner_klein"
    )


def test_plural_grammar():
    label = "Hilfen zur Erziehung je 1.000 unter 21"
    assert genus(label) == "pl"
    assert indicator_sentence(label, 56.2, 29.2, unit="‰", sd=12.8) == (
        "Die Hilfen zur Erziehung je 1.000 unter 21 liegen mit 56,2 ‰ deutlich über dem Kreisdurchschnitt von 29,2 ‰."
    )
    assert indicator_sentence(label, NAN, 29.2, status="geheim") == (
        "Die Hilfen zur Erziehung je 1.000 unter 21 sind aus Datenschutzgründen nicht ausgewiesen."
    )


@pytest.mark.parametrize(
    ("label", "code", "nom"),
    [
        ("SGB-II-Quote", "f", "die SGB-II-Quote"),
        ("Arbeitslosenanteil", "m", "der Arbeitslosenanteil"),
        ("Wanderungssaldo je 1.000 Einwohner", "m", "der Wanderungssaldo je 1.000 Einwohner"),
        ("Kinderarmut (SGB II unter 15)", "f", "die Kinderarmut (SGB II unter 15)"),
        ("Wahlbeteiligung", "f", "die Wahlbeteiligung"),
        ("Durchschnittsalter", "n", "das Durchschnittsalter"),
        ("Schulabgänger ohne Abschluss", None, "der Indikator „Schulabgänger ohne Abschluss“"),
    ],
)
def test_articles(label, code, nom):
    assert genus(label) == code
    assert subject(label)[0] == nom


def test_explicit_genus_override():
    s = indicator_sentence(
        "Schulabgänger ohne Abschluss", 3.0, 9.7, unit="%", sd=14.5, genus_code="pl"
    )
    assert s.startswith("Die Schulabgänger ohne Abschluss liegen mit 3,0 % unter dem")


def test_english():
    assert indicator_sentence("SGB II rate", 14.2, 8.1, unit="%", sd=3.0, lang="en") == (
        "At 14.2%, the SGB II rate is well above the district average of 8.1%."
    )
    assert (
        indicator_sentence("SGB II rate", NAN, 8.1, lang="en")
        == "No value is available for the SGB II rate."
    )
    assert indicator_sentence("SGB II rate", NAN, 8.1, status="geheim", lang="en") == (
        "The SGB II rate is not shown for data protection reasons."
    )


def test_singular_plural_counts():
    assert count_phrase(1, "Gebiet") == "1 Gebiet"
    assert count_phrase(3, "Gebiet") == "3 Gebiete"
    assert count_phrase(80, "Sozialraum", dative=True) == "80 Sozialräumen"
    assert count_phrase(1234, "Mensch") == "1.234 Menschen"
    assert count_phrase(1, "Gemeinde", "en") == "1 municipality"
    assert population_sentence("Altstadt", 1775) == "Im Sozialraum Altstadt leben 1.775 Menschen."
    assert population_sentence("Klein", 1) == "Im Sozialraum Klein lebt 1 Mensch."
    assert (
        population_sentence("Musterstadt", 30787, kind="Gemeinde")
        == "In der Gemeinde Musterstadt leben 30.787 Menschen."
    )
    assert not_rated_sentence(1).startswith(
        "1 Gebiet ist nicht bewertet, weil es weniger als 300 Einwohner hat"
    )
    assert not_rated_sentence(9).startswith(
        "9 Gebiete sind nicht bewertet, weil sie weniger als 300 Einwohner haben"
    )
    assert not_rated_sentence(2, 1000, "en").startswith(
        "2 areas are not rated because they have fewer than 1,000"
    )


def test_number_format_and_cells():
    assert format_value(1234.56, "%", 1) == "1.234,6 %"
    assert format_value(1234.56, "%", 1, "en") == "1,234.6%"
    assert format_value(8.94, "‰") == "8,9 ‰"
    assert format_value(-0.04, "%", 1) == "0,0 %"
    assert format_value(NAN, "%") == "–"
    assert cell_text("geheim") == "geheim"
    assert cell_text("geheim_sekundaer", "en") == "confidential"  # core.status text
    assert cell_text("teilsumme_geheim") == "geheim"
    assert cell_text("nicht_sicher") == "nicht veröffentlicht"
    assert cell_text("unbekannter_code") == "nicht veröffentlicht"  # unknown codes are secret
    assert cell_text("nenner_klein") == "zu wenige Fälle"
    assert cell_text(None) == "–"
    assert cell_text("nicht_sinnvoll") == "x"


def test_english_label_case():
    assert indicator_sentence(
        "Net migration per 1,000", 27.9, -2.0, unit="‰", sd=12.9, lang="en"
    ) == ("At 27.9 ‰, the net migration per 1,000 is well above the district average of -2.0 ‰.")
