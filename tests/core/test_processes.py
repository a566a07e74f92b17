"""One rule for working on several processes (charts, release check, packages of a run)."""

from __future__ import annotations

import multiprocessing as mp
import sys

import pytest

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


@pytest.mark.skipif(not processes.can_fork(), reason="this system forks no workers")
def test_a_forked_worker_runs_openmp_code_after_the_parent_did():
    """Regression: k-means in a forked copy hung once the parent had used OpenMP (libgomp)."""
    import numpy as np
    from sklearn.cluster import KMeans

    x = np.random.default_rng(0).normal(size=(4000, 4))
    KMeans(4, n_init=2, random_state=0).fit(x)  # the parent's OpenMP thread team exists now
    ctx = mp.get_context("fork")
    proc = ctx.Process(target=_kmeans_in_worker, args=(x,))
    proc.start()
    proc.join(60)
    hung = proc.is_alive()
    if hung:
        proc.kill()
        proc.join()
    assert not hung and proc.exitcode == 0


def _kmeans_in_worker(x) -> None:
    from sklearn.cluster import KMeans

    processes.quiet_worker()
    KMeans(4, n_init=2, random_state=0).fit(x)
