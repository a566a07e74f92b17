"""One rule for working on several processes (charts, release check, packages of a run)."""

from __future__ import annotations

import multiprocessing as mp
import sys

from sozialraum.core import processes


def test_cores_counts_the_cores_this_process_may_use():
    n = processes.cores()
    assert 1 <= n <= 8
    try:
        import os

        assert n == min(8, len(os.sched_getaffinity(0)))
    except AttributeError:  # no affinity on this system: the core count
        pass


def test_no_fork_inside_qgis_on_macos_or_without_fork(monkeypatch):
    expected = "fork" in mp.get_all_start_methods() and sys.platform != "darwin"
    assert processes.can_fork() is expected
    monkeypatch.setitem(sys.modules, "qgis.core", object())  # a running QGIS application
    assert processes.can_fork() is False
    monkeypatch.delitem(sys.modules, "qgis.core")
    monkeypatch.setattr(sys, "platform", "darwin")
    assert processes.can_fork() is False
