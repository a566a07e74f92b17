"""Work done ahead by a forked copy of the process while the process goes on.

The yearly run computes its steps on one core; the other core is idle until the
outputs begin. :func:`start_ahead` forks a copy that computes results the run will
need later (charts, suppression patterns) and sends each one back as soon as it
exists; the run takes them when it gets there (:meth:`Ahead.take`) and computes
whatever is missing itself.

Results are kept under keys that name everything they depend on (the content of
their inputs), so a result computed from data that change after the fork is simply
not asked for: the outputs are the same as without working ahead. Nothing the
copy does reaches the run's files, log or data notes. Where no copy may be forked
(:func:`~sozialraum.core.processes.can_fork`) nothing is done ahead.
"""

from __future__ import annotations

import logging
import multiprocessing as mp
import os
import signal
import sys
import threading
import time
import warnings
from collections.abc import Callable, Hashable

from sozialraum.core.processes import can_fork, quiet_worker

__all__ = ["Ahead", "Produce", "start_ahead"]

#: ``produce(emit, stopped)``: calls ``emit(key, value)`` for each result, in the copy,
#: and returns early once ``stopped()`` is true.
Produce = Callable[[Callable[[Hashable, object], None], Callable[[], bool]], None]


class Ahead:
    """A forked copy working ahead, and the results it has sent so far (``results``)."""

    def __init__(self, proc, conn, stop) -> None:
        self._proc, self._conn, self._stop = proc, conn, stop
        self.results: dict = {}
        self.error: str | None = None  # why the copy stopped early (the run does the rest)
        self.seconds = 0.0  # the copy's working time
        self._reader = threading.Thread(target=self._read, name="sozialraum-ahead", daemon=True)
        self._reader.start()

    def _read(self) -> None:
        try:
            while True:
                kind, *msg = self._conn.recv()
                if kind == "end":
                    return
                if kind == "result":
                    self.results[msg[0]] = msg[1]
                elif kind == "error":
                    self.error = msg[0]
                elif kind == "seconds":
                    self.seconds = msg[0]
        except (EOFError, OSError):  # the copy ended (or was ended)
            return

    def take(self) -> dict:
        """Stop the copy after its current result; every result it sent (key → value)."""
        self._stop.set()
        self._reader.join()
        self.close()
        return self.results

    def close(self) -> None:
        """End the copy (at once if it still runs) and free its pipe."""
        self._stop.set()
        if self._proc.is_alive():
            self._proc.join(5)
        if self._proc.is_alive():
            self._proc.terminate()
            self._proc.join()
        self._conn.close()


def start_ahead(produce: Produce) -> Ahead | None:
    """Fork a copy running ``produce``; None where this system cannot fork."""
    if not can_fork():
        return None
    ctx = mp.get_context("fork")
    recv, send = ctx.Pipe(duplex=False)
    stop = ctx.Event()
    for stream in (sys.stdout, sys.stderr):  # nothing buffered is printed twice
        stream.flush()
    proc = ctx.Process(target=_work, args=(produce, send, stop, recv), daemon=True)
    proc.start()
    send.close()
    return Ahead(proc, recv, stop)


def _end_with_parent() -> None:
    """Linux: the copy gets SIGTERM when the run ends, also when the run is killed."""
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _work(produce: Produce, conn, stop, parents_end) -> None:
    """The copy: produce, send each result, then its working time and the end.

    It closes its copy of the run's end of the pipe at once, so that a send fails
    (and the copy ends) when the run is gone instead of filling the pipe forever.
    """
    parent = os.getppid()
    parents_end.close()
    t0 = time.perf_counter()
    quiet_worker()
    _end_with_parent()
    if os.getppid() != parent:  # the run ended before the copy could ask to end with it
        return
    logging.disable(logging.CRITICAL)  # the run's log is the run's
    try:
        with warnings.catch_warnings():  # notes are said by the run, once
            warnings.simplefilter("ignore")
            produce(lambda key, value: conn.send(("result", key, value)), stop.is_set)
    except Exception as exc:  # noqa: BLE001 - the run computes these results itself
        _send(conn, ("error", f"{type(exc).__name__}: {exc}"))
    finally:
        _send(conn, ("seconds", time.perf_counter() - t0))
        _send(conn, ("end",))
        conn.close()


def _send(conn, msg) -> None:
    try:
        conn.send(msg)
    except OSError:  # the run has gone
        pass
