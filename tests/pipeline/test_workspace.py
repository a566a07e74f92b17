"""Robust runs: killed runs leave nothing behind, one run per output folder, no moment without it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from sozialraum.pipeline.workspace import (
    OutputLockedError,
    OutputWorkspace,
    atomic_swap,
    remove_stale,
)

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")

ROOT = Path(__file__).resolve().parents[2]


def _parts(out: Path, kind: str = "tmp") -> list[Path]:
    return sorted(out.parent.glob(f".{out.name}.{kind}-*"))


def _start_run(out: Path, *pre: str) -> subprocess.Popen:
    """A real ``sozialraum run`` of Musterland into ``out`` (in the background)."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "src"), env.get("PYTHONPATH", "")])
    cmd = [sys.executable, "-m", "sozialraum", *pre, "run"]
    cmd += [str(ROOT / "examples" / "musterland" / "monitor.toml"), "--out", str(out)]
    return subprocess.Popen(
        cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=out.parent
    )


def _wait_for(cond, proc: subprocess.Popen | None = None, timeout: float = 180.0) -> None:
    end = time.monotonic() + timeout
    while not cond():
        if proc is not None and proc.poll() is not None:
            raise AssertionError(f"run ended early ({proc.returncode}): {proc.stderr.read()}")
        if time.monotonic() > end:
            raise AssertionError("timed out")
        time.sleep(0.05)


def _mid_run(out: Path, proc: subprocess.Popen) -> Path:
    """Wait until the run has started writing (its log in its temporary folder); return it."""
    pid = proc.pid
    _wait_for(lambda: any((p / "lauf.log").exists() for p in _parts(out)), proc)
    time.sleep(1.0)  # well inside the input step
    (tmp,) = [p for p in _parts(out) if f".tmp-{pid}-" in p.name]
    return tmp


def _kill(proc: subprocess.Popen, sig: int) -> None:
    proc.send_signal(sig)
    proc.communicate(timeout=120)
    assert proc.returncode == -sig, proc.returncode


def test_sigterm_mid_run_removes_the_temporary_folder(tmp_path):
    out = tmp_path / "out"
    proc = _start_run(out)
    tmp = _mid_run(out, proc)
    assert tmp.is_dir()
    _kill(proc, signal.SIGTERM)
    assert not tmp.exists() and _parts(out) == [] and not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == []  # no lock file either


def test_sigkill_mid_run_temporary_folder_removed_at_next_start(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "alt.txt").write_text("Ergebnis vom letzten Jahr", encoding="utf-8")
    proc = _start_run(out)
    killed = _mid_run(out, proc)
    _kill(proc, signal.SIGKILL)  # cannot be caught: the folder stays …
    assert killed.is_dir()
    assert (out / "alt.txt").exists()  # … and the previous output is untouched
    # … until the next run into the same folder starts
    second = _start_run(out)
    _wait_for(lambda: any(f".tmp-{second.pid}-" in p.name for p in _parts(out)), second)
    assert not killed.exists()
    assert [p.name.split("-")[1] for p in _parts(out)] == [str(second.pid)]
    _kill(second, signal.SIGTERM)
    assert _parts(out) == [] and (out / "alt.txt").exists()


def test_second_concurrent_run_refuses_naming_folder_and_pid(tmp_path):
    out = tmp_path / "out"
    first = _start_run(out)
    try:
        _mid_run(out, first)
        second = _start_run(out)
        _, err = second.communicate(timeout=120)
        assert second.returncode == 1
        assert str(out) in err and f"Prozess {first.pid}" in err, err
        assert "--warten" in err
        en = _start_run(out, "--lang", "en")  # the English message
        _, err_en = en.communicate(timeout=120)
        assert en.returncode == 1 and f"process {first.pid}" in err_en, err_en
        # the refused runs did not touch the first run's temporary folder
        assert [p.name.split("-")[1] for p in _parts(out)] == [str(first.pid)]
    finally:
        _kill(first, signal.SIGTERM)
    assert _parts(out) == []


def test_lock_refuses_then_waits(tmp_path):
    out = tmp_path / "out"
    first = OutputWorkspace(out)
    first.start()
    with pytest.raises(OutputLockedError) as err:
        OutputWorkspace(out).start()
    assert err.value.pid == os.getpid() and str(out) in str(err.value)
    with pytest.raises(OutputLockedError, match="0.3 s"):
        OutputWorkspace(out, wait=0.3, lang="de").start()
    # a waiting run gets the folder as soon as the first one is done
    timer = threading.Timer(0.5, first.discard)
    timer.start()
    second = OutputWorkspace(out, wait=30)
    t0 = time.monotonic()
    tmp = second.start()
    assert 0.3 < time.monotonic() - t0 < 20
    (tmp / "neu.txt").write_text("neu", encoding="utf-8")
    second.commit()
    assert (out / "neu.txt").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]
    first._restore_handlers()  # discarded from a timer thread, which cannot restore them


def test_context_manager_discards_on_error(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "alt.txt").write_text("alt", encoding="utf-8")
    with pytest.raises(RuntimeError), OutputWorkspace(out) as tmp:
        (tmp / "halb.txt").write_text("halb", encoding="utf-8")
        raise RuntimeError("Fehler im Lauf")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]
    assert sorted(p.name for p in out.iterdir()) == ["alt.txt"]


def test_remove_stale_keeps_folders_of_running_processes(tmp_path):
    out = tmp_path / "out"
    alive = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    try:
        names = [
            f".out.tmp-{dead.pid}-abc",
            f".out.old-{dead.pid}-abc",
            ".out.tmp-x1y2z3",  # an older version's folder (no pid)
            f".out.tmp-{alive.pid}-abc",
            f".other.tmp-{dead.pid}-abc",  # another output folder's: not ours to remove
        ]
        for n in names:
            (tmp_path / n).mkdir()
            (tmp_path / n / "x.csv").write_text("1", encoding="utf-8")
        removed = {p.name for p in remove_stale(out)}
        assert removed == set(names[:3])
        assert sorted(p.name for p in tmp_path.iterdir()) == sorted(names[3:])
    finally:
        alive.kill()
        alive.wait()


def test_swap_never_leaves_the_user_without_output_folder(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "v.txt").write_text("0", encoding="utf-8")
    missing = []
    polls = [0]
    stop = threading.Event()

    def poll():
        while not stop.is_set():
            if not out.is_dir():
                missing.append(time.monotonic())
            polls[0] += 1

    th = threading.Thread(target=poll)
    th.start()
    hows = set()
    try:
        for i in range(1, 201):
            new = tmp_path / f".out.tmp-{os.getpid()}-{i}"
            new.mkdir()
            (new / "v.txt").write_text(str(i), encoding="utf-8")
            hows.add(atomic_swap(new, out))
    finally:
        stop.set()
        th.join()
    assert hows == {"exchange"}, hows  # Linux: renameat2(RENAME_EXCHANGE)
    assert polls[0] > 200 and missing == []
    assert (out / "v.txt").read_text(encoding="utf-8") == "200"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_fallback_swap_restores_the_old_folder_on_failure(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "alt.txt").write_text("alt", encoding="utf-8")
    new = tmp_path / "neu"
    new.mkdir()
    (new / "neu.txt").write_text("neu", encoding="utf-8")
    assert atomic_swap(new, out, use_exchange=False) == "two-renames"
    assert sorted(p.name for p in out.iterdir()) == ["neu.txt"]
    with pytest.raises(OSError):
        atomic_swap(tmp_path / "gibt-es-nicht", out, use_exchange=False)
    assert sorted(p.name for p in out.iterdir()) == ["neu.txt"]  # put back
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]
    # first run: a plain rename
    first = tmp_path / "erst"
    first.mkdir()
    assert atomic_swap(first, tmp_path / "ziel") == "rename"


def test_sigint_in_process_removes_folder_and_raises_keyboard_interrupt(tmp_path):
    # Python's own Ctrl+C handler, as in a terminal: a test process started in the
    # background by a shell without job control inherits SIGINT ignored, and a
    # workspace then rightly leaves it ignored
    before = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        out = tmp_path / "out"
        ws = OutputWorkspace(out)
        tmp = ws.start()
        (tmp / "halb.txt").write_text("halb", encoding="utf-8")
        assert signal.getsignal(signal.SIGINT) == ws._on_signal  # installed by start()
        with pytest.raises(KeyboardInterrupt):
            # raised in this (the main) thread: a signal from os.kill may be taken by
            # another thread of a long test process, and is then handled only later
            signal.raise_signal(signal.SIGINT)
            time.sleep(1)
        assert not tmp.exists() and sorted(p.name for p in tmp_path.iterdir()) == []
        assert signal.getsignal(signal.SIGINT) != ws._on_signal  # restored
    finally:
        signal.signal(signal.SIGINT, before)
