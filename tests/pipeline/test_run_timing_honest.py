"""The step table of a run adds up to its wall-clock time: no work between the steps unseen."""

from __future__ import annotations

import re
import time

import pytest

from sozialraum.pipeline.timing import RunTimer, process_started


def test_close_adds_the_unmeasured_time_as_a_line_of_its_own():
    timer = RunTimer(lang="de")
    timer.add("start", 1.0)
    timer.add("tabellen", 2.0)
    rest = timer.close(3.5)
    assert rest == pytest.approx(0.5)
    assert timer.total == pytest.approx(3.5)  # the table's total is the wall clock
    assert "Übrige Zeit zwischen den Schritten" in timer.table()
    assert "Start: Python" in timer.table()
    en = RunTimer(lang="en")
    en.close(1.0)
    assert "other time between the steps" in en.table()


def test_close_never_adds_negative_time():
    timer = RunTimer(lang="de")
    timer.add("tabellen", 2.0)
    assert timer.close(1.0) == 0.0 and timer.total == pytest.approx(2.0)


def test_process_started_lies_before_now_and_after_the_machine_started():
    started = process_started()
    if started is None:  # not Linux: the start-up line is left out
        pytest.skip("no /proc")
    now = time.perf_counter()
    assert started <= now
    with open("/proc/uptime") as f:
        uptime = float(f.read().split()[0])
    assert now - started <= uptime + 1.0


def test_the_demo_runs_step_table_adds_up_to_its_wall_clock(demo_run):
    """Every output step is timed: what lies between the steps is at most ~2 s."""
    timer = demo_run.state.timer
    slack = max(2.0, 0.01 * demo_run.seconds)  # moving the folder into place comes after
    assert timer.total == pytest.approx(demo_run.seconds, abs=slack)
    rest = [s for s in timer.steps if s.key == "rest"]
    assert len(rest) == 1
    assert rest[0].seconds <= max(2.0, 0.03 * demo_run.seconds), timer.table()
    log = (demo_run.out_dir / "lauf.log").read_text(encoding="utf-8")
    for step in (
        "Start: Python, Bibliotheken und Konfiguration laden",
        "Freigabe vorbereiten",
        "Freigabepaket kommunal: Berichtsdaten, Planung, Regionen",
        "Webseite (Sozialatlas) kommunal (× 10)",
        "Freigabeprüfung aller Pakete",
        "Prüfbericht schreiben",
        "Browser für den PDF-Druck starten und beenden",
        "Übrige Zeit zwischen den Schritten",
    ):
        assert step in log, step
    total = re.search(r"^Summe\s+(\d+\.\d)$", log, flags=re.M)
    assert total and float(total.group(1)) == pytest.approx(demo_run.seconds, abs=slack)
