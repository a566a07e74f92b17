"""One rule for working on several processes (charts, release check, packages of a run)."""

from __future__ import annotations

import multiprocessing as mp
import sys

import numpy as np
import pytest

from sozialraum.core import processes
from sozialraum.core.processes import can_fork


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


def test_a_fork_waits_for_the_kernel_loading_thread_and_the_copy_can_compile():
    """Regression: a copy forked while the LISA kernels were loading inherited numba's
    compiler lock held by the loading thread and hung importing mapclassify."""
    import threading
    import time

    from numba.core.compiler_lock import global_compiler_lock

    from sozialraum.core.ahead import start_ahead
    from sozialraum.spatial import _kernels

    if not can_fork():
        pytest.skip("this system cannot fork")
    held = threading.Event()

    def loading() -> None:  # as the loading thread: inside numba's compiler for a while
        with global_compiler_lock:
            held.set()
            time.sleep(1.0)

    thread = threading.Thread(target=loading, daemon=True)
    saved = _kernels._warm_thread
    _kernels._warm_thread = thread
    try:
        thread.start()
        held.wait(5)

        def produce(emit, _stopped) -> None:
            from numba import njit

            emit("sum", njit("f8(f8[:])")(lambda a: a.sum())(np.arange(4.0)))

        ahead = start_ahead(produce)
        t0 = time.monotonic()
        while "sum" not in ahead.results and time.monotonic() - t0 < 30:
            time.sleep(0.1)
        if "sum" not in ahead.results:
            ahead.close()  # the copy hangs: end it, then fail
            pytest.fail("the copy forked while numba's compiler lock was held hangs")
        got = ahead.take()
    finally:
        _kernels._warm_thread = saved
    assert got == {"sum": 6.0} and ahead.error is None


def test_a_copy_working_ahead_ends_when_the_run_is_killed():
    """Regression: a run ended by a signal left its copies blocked on a full pipe, holding
    the run's output open (a caller waiting for it waited forever)."""
    import subprocess
    import sys

    if not can_fork():
        pytest.skip("this system cannot fork")
    script = (
        "import os, signal, time\n"
        "from sozialraum.core.ahead import start_ahead\n"
        "def produce(emit, stopped):\n"
        "    while True:\n"
        "        emit('x', b'0' * 200_000)\n"
        "start_ahead(produce)\n"
        "print('started', flush=True)\n"
        "time.sleep(1.0)\n"
        "os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    out, _err = proc.communicate(timeout=60)  # EOF only once the copy is gone too
    assert out.count(b"started") == 1 and proc.returncode == -9
