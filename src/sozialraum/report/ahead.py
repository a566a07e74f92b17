"""Charts drawn ahead by a forked copy of the process, while the process does other work.

The yearly run computes its steps on one core; the second core is idle until the
outputs begin. :func:`draw_ahead` forks a copy that lists the charts of the
internal profiles from what is computed so far and draws them one by one; the run
takes every chart drawn so far when it writes the profiles (:meth:`ChartsAhead.take`)
and draws the rest as before.

A chart is taken only under its full key (:func:`~sozialraum.report.charts.cached_uri`:
the key names everything the chart shows), so a chart drawn from data that change
later (a step after the fork) has another key and is simply drawn again: the
images are the same as without drawing ahead. Nothing the copy does reaches the
run's files, log or data notes. Where no copy may be forked
(:func:`~sozialraum.core.processes.can_fork`) nothing is drawn ahead.
"""

from __future__ import annotations

import logging
import multiprocessing as mp
import threading
import time
import warnings
from collections.abc import Callable

from sozialraum.core.processes import can_fork, quiet_worker
from sozialraum.report import charts

__all__ = ["ChartsAhead", "draw_ahead"]


class ChartsAhead:
    """A forked copy drawing charts, and the charts it has sent so far (``images``)."""

    def __init__(self, proc, conn, stop) -> None:
        self._proc, self._conn, self._stop = proc, conn, stop
        self.images: dict = {}
        self.error: str | None = None  # why the copy stopped early (its charts are drawn later)
        self.seconds = 0.0  # the copy's working time (listing and drawing)
        self._reader = threading.Thread(target=self._read, name="sozialraum-ahead", daemon=True)
        self._reader.start()

    def _read(self) -> None:
        try:
            while True:
                msg = self._conn.recv()
                if msg is None:
                    return
                if msg[0] == "error":
                    self.error = msg[1]
                elif msg[0] == "seconds":
                    self.seconds = msg[1]
                else:
                    self.images[msg[0]] = msg[1]
        except (EOFError, OSError):  # the copy ended (or was ended)
            return

    def take(self) -> int:
        """Stop the copy after its current chart; put its charts into the shared chart cache.

        Returns the number of charts taken (those the cache did not hold yet).
        """
        self._stop.set()
        self._reader.join()
        self.close()
        return charts.add_drawn(self.images)

    def close(self) -> None:
        """End the copy (at once if it still runs) and free its pipe."""
        self._stop.set()
        if self._proc.is_alive():
            self._proc.join(5)
        if self._proc.is_alive():
            self._proc.terminate()
            self._proc.join()
        self._conn.close()


def draw_ahead(list_jobs: Callable[[], list]) -> ChartsAhead | None:
    """Fork a copy that draws the charts ``list_jobs()`` lists; None where it cannot fork.

    ``list_jobs`` runs in the copy, inside :func:`~sozialraum.report.charts.shared_charts`,
    and returns ``(key, draw)`` pairs as :func:`~sozialraum.report.charts.collecting`
    gives them (e.g. :func:`~sozialraum.report.steckbrief.profile_chart_jobs`).
    """
    if not can_fork():
        return None
    ctx = mp.get_context("fork")
    recv, send = ctx.Pipe(duplex=False)
    stop = ctx.Event()
    proc = ctx.Process(target=_draw, args=(list_jobs, send, stop), daemon=True)
    proc.start()
    send.close()
    return ChartsAhead(proc, recv, stop)


def _draw(list_jobs: Callable[[], list], conn, stop) -> None:
    """The copy: list the charts, draw them in order until told to stop, send each one."""
    t0 = time.perf_counter()
    quiet_worker()
    logging.disable(logging.CRITICAL)  # the run's log is the run's
    try:
        with warnings.catch_warnings():  # notes are said by the run, once
            warnings.simplefilter("ignore")
            with charts.shared_charts():
                jobs = dict(list_jobs())  # one drawing per key
                for full, make in jobs.items():
                    if stop.is_set():
                        break
                    fig = make()
                    conn.send((full, charts.to_data_uri(fig, full[1]) if fig is not None else None))
    except Exception as exc:  # noqa: BLE001 - the run draws these charts itself
        _send(conn, ("error", f"{type(exc).__name__}: {exc}"))
    finally:
        _send(conn, ("seconds", time.perf_counter() - t0))
        _send(conn, None)
        conn.close()


def _send(conn, msg) -> None:
    try:
        conn.send(msg)
    except OSError:  # the run has gone
        pass
