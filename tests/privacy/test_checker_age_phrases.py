"""Ages in age-group names are not values (public profiles name "65 Jahre und älter")."""

from __future__ import annotations

from sozialraum.privacy.checker import _tokens


def test_age_group_names_are_not_values_regression_65_in_public_profile():
    """A public Steckbrief's row "Anteil 65 Jahre und älter 2035" was read as the value 65."""
    assert _tokens("Anteil 65 Jahre und älter 2035 (Vorausberechnung, %) 21,2") == ["2035", "21,2"]
    assert _tokens("Wanderungssaldo der 18- bis 24-Jährigen je 1.000 -14,7 ‰") == ["-14,7"]
    assert _tokens("Einwohner 18 bis unter 25 Jahre 312") == ["312"]
    assert _tokens("Share aged 80 and over (projection, %) 6.1") == ["6.1"]
    assert _tokens("Net migration aged 18-24 per 1,000: -49.8") == ["-49.8"]


def test_counts_next_to_age_words_stay_values():
    assert _tokens("Einwohner 0 bis unter 3 Jahre 65") == ["65"]
    assert _tokens("65 Personen im Alter von 80") == ["65", "80"]
