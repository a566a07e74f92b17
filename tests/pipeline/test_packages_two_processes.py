"""The municipal packages on two processes give what one process gives.

(The yearly-run comparison also covers the profile charts drawn ahead by a copy,
:mod:`sozialraum.report.ahead`: the run on one process draws none ahead.)

A forked copy of the run builds release packages and their websites beside the run,
each process taking the next package not yet taken (:mod:`sozialraum.pipeline.parallel`). These tests pin that the run's outputs,
notes and step table do not depend on it, that the copy's PDFs are printed by the
run's browser, and that an error in the copy stops the run with its own message
and leaves no process behind.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import re
import time
import warnings
from pathlib import Path
from types import SimpleNamespace

import pytest

from sozialraum.core import ahead
from sozialraum.core.processes import can_fork
from sozialraum.errors import InputError, SozialraumWarning
from sozialraum.pipeline import parallel, run
from sozialraum.pipeline.timing import RunTimer, timed

from .test_run_outputs_unchanged import content_checksum

FOLIUM_ID = re.compile(rb"[0-9a-f]{32}")
needs_fork = pytest.mark.skipif(not can_fork(), reason="this system cannot fork the run")


def _fake_state():
    return SimpleNamespace(timer=RunTimer(lang="de"), caught=[], echo=None)


def _tasks(state, folder: Path, parent: int):
    def build(i: int):
        time.sleep(0.2)  # long enough for the copy to take jobs too
        with timed(state, "pakete", level="kommunal"):
            warnings.warn(f"Hinweis aus Paket {i}", SozialraumWarning, stacklevel=1)
            p = folder / f"paket_{i}.txt"
            p.write_text(f"{i} {os.getpid() != parent}", encoding="utf-8")
        return [(p, f"Paket {i}", f"package {i}")]

    def fail(i: int):
        if os.getpid() != parent:
            raise InputError(f"Paket {i}: Spalte 'x' fehlt in der Kopie")
        time.sleep(0.5)  # the copy takes a job meanwhile
        return []

    return {"paket": build, "kaputt": fail}


def _split(state, tasks, name, n, helper_on: bool):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", SozialraumWarning)
        state.caught = caught
        helper = parallel.PackageHelper.start(state, tasks, n) if helper_on else None
        if helper_on:
            assert helper is not None
        with helper if helper is not None else _Null():
            files = parallel.run_split(state, helper, tasks, name, range(n))
        return files, [str(w.message) for w in caught]


class _Null:
    def __enter__(self):
        return None

    def __exit__(self, *exc):
        return None


@needs_fork
def test_run_and_copy_each_take_the_next_job_and_results_come_back_in_order(tmp_path, monkeypatch):
    monkeypatch.setattr(parallel, "cores", lambda: 2)
    parent = os.getpid()
    one, two = _fake_state(), _fake_state()
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    files1, notes1 = _split(one, _tasks(one, tmp_path / "a", parent), "paket", 6, False)
    files2, notes2 = _split(two, _tasks(two, tmp_path / "b", parent), "paket", 6, True)
    assert (
        [d for _p, d, _e in files2]
        == [d for _p, d, _e in files1]
        == [f"Paket {i}" for i in range(6)]
    )
    assert notes2 == notes1 == [f"Hinweis aus Paket {i}" for i in range(6)]
    # every job built once, by one of the two; both took some (each job takes a while)
    made_by_copy = [p.read_text(encoding="utf-8").endswith("True") for p, _d, _e in files2]
    assert 0 < sum(made_by_copy) < 6
    # the copy's step times join the run's, one level deeper (inside the run's group step)
    steps = [s for s in two.timer.steps if s.key == "pakete"]
    assert len(steps) == 6
    assert sorted(s.depth for s in steps) == [0] * (6 - sum(made_by_copy)) + [1] * sum(made_by_copy)
    # a second batch on the same copy starts from its first job again
    (tmp_path / "c").mkdir()
    tasks = _tasks(two, tmp_path / "c", parent)
    helper = parallel.PackageHelper.start(two, tasks, 3)
    with helper, warnings.catch_warnings(record=True):
        warnings.simplefilter("always", SozialraumWarning)
        first = parallel.run_split(two, helper, tasks, "paket", range(3))
        again = parallel.run_split(two, helper, tasks, "paket", [2, 0])
    assert [d for _p, d, _e in first] == ["Paket 0", "Paket 1", "Paket 2"]
    assert [d for _p, d, _e in again] == ["Paket 2", "Paket 0"]
    assert not mp.active_children()


@needs_fork
def test_an_error_in_the_copy_is_raised_by_the_run_and_the_copy_ends(tmp_path, monkeypatch):
    monkeypatch.setattr(parallel, "cores", lambda: 2)
    state = _fake_state()
    tasks = _tasks(state, tmp_path, os.getpid())
    with pytest.raises(InputError, match="Paket 1: Spalte 'x' fehlt in der Kopie"):
        _split(state, tasks, "kaputt", 4, True)
    assert not mp.active_children()


@needs_fork
def test_pdfs_of_the_copy_are_printed_by_the_runs_browser(tmp_path, monkeypatch, chromium):
    from sozialraum.report.pdf import html_to_pdf_batch, printing_session

    monkeypatch.setattr(parallel, "cores", lambda: 2)
    state = _fake_state()
    parent = os.getpid()

    def doc(i: int):
        if os.getpid() == parent:
            time.sleep(1.0)  # the copy takes the other documents meanwhile
        p = tmp_path / f"doc_{i}.html"
        p.write_text(f"<html><body><h1>Dokument {i}</h1></body></html>", encoding="utf-8")
        outs = html_to_pdf_batch([p], lang="de")
        return [(o, f"{i} {os.getpid() != parent}", "") for o in outs]

    with printing_session(lang="de"):
        files, _notes = _split(state, {"doc": doc}, "doc", 3, True)
    assert [d.split()[0] for _p, d, _e in files] == ["0", "1", "2"]
    assert "True" in {d.split()[1] for _p, d, _e in files}  # the copy printed on the run's browser
    for p, _d, _e in files:
        assert p.is_file() and p.read_bytes().startswith(b"%PDF")


def _outputs(out: Path) -> dict[str, str]:
    """Every written file's checksum; GeoPackage and Excel by content (they hold write times)."""
    import hashlib

    got = {}
    for p in out.rglob("*"):
        name = p.relative_to(out).as_posix()
        if not p.is_file() or name in ("lauf.log", "manifest.json"):
            continue
        if p.suffix in (".gpkg", ".xlsx"):
            got[name] = content_checksum(p)
        elif p.name == "webkarte.html":  # folium names its elements with random ids
            got[name] = hashlib.sha256(FOLIUM_ID.sub(b"-", p.read_bytes())).hexdigest()
        else:
            got[name] = hashlib.sha256(p.read_bytes()).hexdigest()
    return got


@needs_fork
def test_the_yearly_run_on_two_processes_writes_what_one_process_writes(
    musterland, tmp_path, monkeypatch
):
    import gc

    cfg = musterland["examples"] / "monitor.toml"
    threshold = gc.get_threshold()
    monkeypatch.setattr(parallel, "cores", lambda: 1)
    monkeypatch.setattr(ahead, "can_fork", lambda: False)  # no charts drawn ahead either
    one = run(cfg, tmp_path / "eins", skip=["pdf"])
    monkeypatch.undo()
    monkeypatch.setattr(parallel, "cores", lambda: 2)
    two = run(cfg, tmp_path / "zwei", skip=["pdf"])
    assert gc.get_threshold() == threshold and gc.get_freeze_count() == 0  # as before the run
    log1 = (one.out_dir / "lauf.log").read_text(encoding="utf-8")
    log2 = (two.out_dir / "lauf.log").read_text(encoding="utf-8")
    assert "auf zwei Prozessen" not in log1 and "vorab gezeichnet" not in log1
    assert "Abbildungen der Steckbriefe vorab gezeichnet" in log2
    assert "Geheimhaltungsmuster der früheren Jahre vorab berechnet" in log2
    assert "Freigabepakete auf zwei Prozessen (Tabellen, Karten, Berichte, Webseiten" in log2
    a, b = _outputs(one.out_dir), _outputs(two.out_dir)
    assert len(a) > 1000 and set(a) == set(b)
    assert [n for n in a if a[n] != b[n]] == []  # byte for byte: HTML, PDF-less profiles, CSV
    # notes in the same order, every package's site checked in the report
    assert (one.out_dir / "hinweise.txt").read_bytes() == (
        two.out_dir / "hinweise.txt"
    ).read_bytes()
    report = (two.out_dir / "pruefbericht.txt").read_text(encoding="utf-8")
    assert report.count("webseite: in Ordnung") == 11
    # the copy's steps lie inside the group steps: the table still adds up to the wall clock
    steps = two.state.timer.steps
    inner = [s for s in steps if s.key in ("pakete", "webseite") and s.depth == 0]
    assert inner == []  # every package is built while the copy runs
    assert two.state.timer.total <= two.seconds + 1.0
