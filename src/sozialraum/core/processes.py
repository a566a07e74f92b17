"""How many processes work at once, and whether this system can fork copies of the run.

One rule for every place that spreads work over cores (chart drawing, the release
check, the release packages of a run): a copy of the running process (``fork``)
sees the run's data without copying it; where the system cannot fork safely
(Windows; macOS, whose system frameworks are not fork-safe; a QGIS application),
the work is done one piece after the other in the process itself.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import signal
import sys

__all__ = ["can_fork", "cores", "quiet_worker"]


def cores() -> int:
    """Processes (or browser tabs) working at the same time: one per available core, 1 to 8."""
    try:
        n = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        n = os.cpu_count() or 1
    return max(1, min(8, n))


def can_fork() -> bool:
    """True where worker processes may be forked from the running process.

    Not on Windows (no ``fork``), not on macOS (its system frameworks are not
    fork-safe) and not inside QGIS: a copy of a running Qt application with its
    threads is not safe either; there the work is done in the process itself.
    """
    return (
        "fork" in mp.get_all_start_methods()
        and sys.platform != "darwin"
        and "qgis.core" not in sys.modules
    )


def quiet_worker() -> None:
    """Set up a forked worker: its parent's signal handlers off, native code on one thread.

    It must not run its parent's handlers (e.g. the run's clean-up): SIGTERM ends it
    at once; Ctrl+C (SIGINT) goes to the parent, which stops its workers. Native
    thread pools (OpenMP, BLAS) run on one thread in the copy: the thread team of
    GNU OpenMP that the parent started (e.g. by scikit-learn's k-means) does not
    exist in a forked copy, and the copy's first parallel region would wait for it
    forever; the cores are busy with the parent and the other workers anyway.
    """
    from threadpoolctl import threadpool_limits

    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threadpool_limits(1)
