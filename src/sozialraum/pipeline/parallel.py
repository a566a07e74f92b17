"""The release packages of a run on two processes: the run and a copy take the next one in turn.

After the internal outputs, the run forks one copy of itself (:class:`PackageHelper`).
The copy sees the run's data without copying it (caches included: earlier years,
charts). Run and copy each take the next package not yet taken (a counter they
share), build it and its website (which reuses the package's release), and take
the next: the public package, the largest, is built beside municipal ones, and
neither process waits while the other has packages left. What the copy makes
comes back as plain data:

* the files it wrote (with their descriptions), merged in the order of the packages,
  so the list of files is that of one process;
* its step times (it writes its own lines to ``lauf.log``);
* the warnings it caught (the run's notes), merged in the order of the packages, so
  ``hinweise.txt`` is that of one process;
* the PDFs it wants printed (:func:`~sozialraum.report.pdf.deferred_printing`): the
  run's own browser prints them;
* an error, raised by the run as if it had happened there.

Where the system cannot fork (:func:`~sozialraum.core.processes.can_fork`), there is
only one core or a single package, the run builds the packages one after the other
as before: same files, same numbers.
"""

from __future__ import annotations

import pickle
import sys
import traceback
import warnings
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field

from sozialraum.core.processes import can_fork, cores, quiet_worker
from sozialraum.pipeline.common import Files

__all__ = ["JobResult", "PackageHelper", "run_job", "run_split"]

Task = Callable[[int], Files]


@dataclass(frozen=True)
class JobResult:
    """What one package job left behind (in either process)."""

    index: int
    files: Files = field(default_factory=list)
    steps: list = field(default_factory=list)  # pipeline.timing.StepTime, from the copy only
    caught: list = field(default_factory=list)  # warnings.WarningMessage
    prints: list = field(default_factory=list)  # report.pdf.PrintJob, from the copy only
    error: BaseException | None = None


class _Counter:
    """The position of the next job of a batch, shared by the run and its copy (forked)."""

    def __init__(self, ctx) -> None:
        self.value = ctx.Value("i", 0)

    def reset(self) -> None:
        with self.value.get_lock():
            self.value.value = 0

    def take(self, n: int) -> int | None:
        """The next position below ``n``, taken for the caller alone; None when all are taken."""
        with self.value.get_lock():
            pos = self.value.value
            if pos >= n:
                return None
            self.value.value = pos + 1
            return pos


@contextmanager
def _caught_per_job(state) -> Iterator[list]:
    """The run's warnings of one job, taken out of the run's record (put back in job order)."""
    log = getattr(state, "caught", None)
    start = len(log) if log is not None else 0
    mine: list = []
    try:
        yield mine
    finally:
        if log is not None:
            mine += log[start:]
            del log[start:]


def run_job(state, task: Task, index: int) -> JobResult:
    """Run ``task(index)`` here, keeping its warnings apart (see :class:`PackageHelper`)."""
    with _caught_per_job(state) as caught:
        files = task(index)
    return JobResult(index, files=files, caught=caught)


class PackageHelper:
    """A forked copy of the run that runs named tasks on job indices it is sent.

    ``tasks`` (name → function of a job index) must exist before the copy is made:
    the copy runs its own copies of them, so a task of a later phase finds what an
    earlier task of the same copy kept (e.g. the releases it made). Use
    :meth:`start` (returns None where no copy can be made) and :meth:`close`.
    """

    def __init__(self, state, tasks: Mapping[str, Task]) -> None:
        self.state = state
        self.tasks = dict(tasks)
        self.proc = None
        self.conn = None
        self.next: _Counter | None = None

    @classmethod
    def start(cls, state, tasks: Mapping[str, Task], jobs: int) -> PackageHelper | None:
        """Fork the copy where there are ≥ 2 cores, ≥ 2 jobs and the system can fork."""
        if jobs < 2 or cores() < 2 or not can_fork():
            return None
        import multiprocessing as mp

        helper = cls(state, tasks)
        ctx = mp.get_context("fork")
        helper.conn, child = ctx.Pipe()
        helper.next = _Counter(ctx)
        for stream in (sys.stdout, sys.stderr):  # nothing buffered is printed twice
            stream.flush()
        helper.proc = ctx.Process(
            target=_serve,
            args=(child, state, helper.tasks, helper.next),
            name="sozialraum-pakete",
        )
        helper.proc.start()
        child.close()
        return helper

    def send(self, task: str, indices: Sequence[int]) -> None:
        """Let the copy run ``task`` on the jobs of ``indices`` it takes (:meth:`take`).

        The copy reports each job it takes, then ``None`` when none is left.
        """
        self.next.reset()
        self.conn.send((task, list(indices)))

    def take(self, indices: Sequence[int]) -> int | None:
        """The next job of the batch sent last, for the run; None when all are taken."""
        pos = self.next.take(len(indices))
        return None if pos is None else indices[pos]

    def ready(self) -> bool:
        """True when a result is waiting."""
        return self.conn.poll()

    def receive(self) -> JobResult | None:
        """The copy's next result (blocks; None: the batch has no job left for it).

        An error of the copy is raised here.
        """
        try:
            res = self.conn.recv()
        except EOFError:
            code = self.proc.exitcode if self.proc is not None else None
            raise RuntimeError(
                f"the process building packages beside the run ended unexpectedly (exit code {code})"
            ) from None
        if res is not None and res.error is not None:
            raise res.error
        return res

    def __enter__(self) -> PackageHelper:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        self.close(abort=exc_type is not None)

    def close(self, abort: bool = False) -> None:
        """End the copy: when it is done, or at once (``abort``: the run stops with an error)."""
        if self.proc is None:
            return
        try:
            if abort:
                self.proc.terminate()
            if self.proc.is_alive():
                try:
                    self.conn.send(None)
                except OSError:
                    pass
                self.proc.join(30)
            if self.proc.is_alive():
                self.proc.terminate()
                self.proc.join()
        finally:
            self.conn.close()
            self.proc = None


def _serve(conn, state, tasks: Mapping[str, Task], counter: _Counter) -> None:
    """The copy's loop: take the jobs of each batch it is sent, report a :class:`JobResult` per job."""
    quiet_worker()
    state.echo = None  # the run shows the progress; the copy writes its lines to lauf.log
    timer = getattr(state, "timer", None)
    if timer is not None:
        timer.nest()  # all the copy does lies inside the run's group steps
    while True:
        try:
            msg = conn.recv()
        except (EOFError, OSError):  # the run has ended (or was killed): nothing more to do
            break
        if msg is None:
            break
        name, indices = msg
        while (pos := counter.take(len(indices))) is not None:
            res = _job(state, timer, tasks[name], indices[pos])
            try:
                conn.send(res)
            except (BrokenPipeError, OSError):  # the run is gone
                return
            if res.error is not None:
                conn.close()
                return
        try:
            conn.send(None)  # the batch has no job left to take
        except (BrokenPipeError, OSError):
            return
    conn.close()


def _job(state, timer, task: Task, i: int) -> JobResult:
    """Job ``i`` in the copy: its files, step times, warnings and print requests (or its error)."""
    from sozialraum.report.pdf import deferred_printing

    n0 = len(timer.steps) if timer is not None else 0
    try:
        with deferred_printing() as prints, warnings.catch_warnings(record=True) as rec:
            files = task(i)
        steps = timer.steps[n0:] if timer is not None else []
        return JobResult(i, files=files, steps=steps, caught=_portable(rec), prints=prints)
    except BaseException as exc:  # noqa: BLE001 - raised by the run
        return JobResult(i, error=_portable_error(exc))


def _portable(caught: list) -> list:
    """Warnings as they can travel to the run (message objects that pickle, else their text)."""
    out = []
    for w in caught:
        msg = w.message
        try:
            pickle.dumps(msg)
        except Exception:  # noqa: BLE001 - any unpicklable message is sent as text
            msg = w.category(str(msg)) if isinstance(msg, Warning) else str(msg)
        out.append(warnings.WarningMessage(msg, w.category, w.filename, w.lineno))
    return out


def _portable_error(exc: BaseException) -> BaseException:
    """``exc`` if it travels to the run unchanged, else a RuntimeError with its text and trace."""
    try:
        back = pickle.loads(pickle.dumps(exc))
        if str(back) == str(exc):
            return exc
    except Exception:  # noqa: BLE001 - any exception that does not pickle
        pass
    text = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    return RuntimeError(f"{type(exc).__name__}: {exc}\n{text}")


def run_split(
    state,
    helper: PackageHelper | None,
    tasks: Mapping[str, Task],
    name: str,
    indices: Sequence[int],
) -> Files:
    """``tasks[name]`` on every index; with a ``helper`` run and copy take the next one in turn.

    The copy's PDFs are printed by the run's browser as soon as they are reported,
    its step times join the run's, and files and warnings are merged in the order of
    ``indices``: the result is that of running the jobs one after the other here.
    """
    if helper is None:
        files: Files = []
        for i in indices:
            files += tasks[name](i)
        return files
    from sozialraum.report.pdf import print_requests

    indices = list(indices)
    results: dict[int, JobResult] = {}
    helper.send(name, indices)
    copy_busy = True  # until the copy reports that nothing is left to take

    def collect(block: bool) -> None:
        nonlocal copy_busy
        while copy_busy and (block or helper.ready()):
            res = helper.receive()
            if res is None:
                copy_busy = False
                return
            results[res.index] = res
            print_requests(res.prints)  # on the run's browser, in the background
            if getattr(state, "timer", None) is not None:
                state.timer.steps.extend(res.steps)

    while (i := helper.take(indices)) is not None:
        results[i] = run_job(state, tasks[name], i)
        collect(block=False)
    collect(block=True)
    files = []
    log = getattr(state, "caught", None)
    for i in indices:
        files += results[i].files
        if log is not None:
            log.extend(results[i].caught)
    return files
