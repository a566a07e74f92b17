"""Steckbrief sentences about unsure classes and changes not assured (hand cases)."""

from __future__ import annotations

import pandas as pd

from sozialraum.report.steckbrief import certainty_sentences


def _frame(**cols):
    return pd.DataFrame(cols, index=["a"])


def test_unsure_status_class_gets_a_sentence_with_the_likeliest_other_class():
    f = _frame(
        status_klasse=["niedrig"],
        status_sicherheit=[0.484],
        status_p_hoch=[0.0],
        status_p_mittel=[0.471],
        status_p_niedrig=[0.484],
        status_p_sehr_niedrig=[0.045],
    )
    (s,) = certainty_sentences(f, "a", "de")
    assert "„niedrig“ ist unsicher" in s and "Klasse zu 48 % sicher" in s
    assert "„mittel“, 47 %" in s
    (e,) = certainty_sentences(f, "a", "en")
    assert "class 48 % certain" in e


def test_sure_class_and_stable_dynamic_say_nothing():
    f = _frame(
        status_klasse=["mittel"],
        status_sicherheit=[0.95],
        status_p_mittel=[0.95],
        dynamik_klasse=["stabil"],
        dynamik_gesichert=[False],
    )
    assert certainty_sentences(f, "a", "de") == []
    assert certainty_sentences(f.assign(status_sicherheit=0.79), "a", "de", below=0.8)


def test_change_not_assured_is_said_and_an_assured_one_is_not():
    f = _frame(dynamik_klasse=["negativ"], dynamik_gesichert=[False])
    (s,) = certainty_sentences(f, "a", "de")
    assert "Dynamikklasse „negativ“ ist nicht gesichert" in s
    assert certainty_sentences(f.assign(dynamik_gesichert=True), "a", "de") == []
    assert certainty_sentences(_frame(status_klasse=["mittel"]), "a", "de") == []


def test_public_profile_without_class_probabilities_gets_the_short_sentence():
    f = _frame(status_klasse=["niedrig"], status_sicherheit=[0.484])
    (s,) = certainty_sentences(f, "a", "de")
    assert s == (
        "Die Statusklasse „niedrig“ ist unsicher: Klasse zu 48 % sicher. Bei so kleinen "
        "Fallzahlen ist auch eine Nachbarklasse möglich."
    )
