"""Measure targets: progress by hand, status and dates checked."""

from __future__ import annotations

import math

import pytest

from sozialraum.errors import InputError
from sozialraum.planning.targets import check_date, check_status, target_progress


def test_progress_hand_cases():
    p = target_progress(30.0, 27.0, 24.0)  # need indicator going down: half way
    assert p.share == pytest.approx(0.5) and not p.reached and p.text() == "50 % des Wegs zum Ziel"
    up = target_progress(80.0, 92.0, 90.0)  # resource going up, beyond the target
    assert up.share == pytest.approx(1.2) and up.reached and up.text("en") == "target reached"
    away = target_progress(30.0, 33.0, 24.0)
    assert away.share == pytest.approx(-0.5) and away.text() == "vom Ziel entfernt"
    assert math.isnan(target_progress(None, 1.0, 2.0).share)


def test_status_and_date_checked():
    assert check_status("Laufend", "x") == "laufend"
    with pytest.raises(InputError, match="'beendet'.*geplant, laufend, abgeschlossen, abgebrochen"):
        check_status("beendet", "massnahmen.csv, Zeile 3")
    assert check_date("2026-12-31", "x") == "2026-12-31" and check_date("", "x") is None
    with pytest.raises(InputError, match="Zeile 4.*'31.12.2026'"):
        check_date("31.12.2026", "massnahmen.csv, Zeile 4")
