"""A safe place to write a run's outputs: lock, temporary folder, clean-up, atomic swap.

:class:`OutputWorkspace` guards one output folder ``out`` while a run writes it:

* **Lock.** A lock file ``.<out>.lock`` beside the folder is held for the whole
  run (``fcntl.flock`` on Linux/macOS, ``msvcrt.locking`` on Windows; the
  operating system releases it when the process ends, even after ``kill -9``).
  It records the process id and is removed when the run ends.
  A second run into the same folder refuses with a message naming the folder and
  the process that holds it, or waits up to ``wait`` seconds.
* **Temporary folder.** Everything is written to ``.<out>.tmp-<pid>-<random>``
  beside ``out``. On an error, ``Ctrl+C`` (SIGINT) or SIGTERM the folder is
  removed before the error (or the signal) goes on. SIGKILL cannot be caught:
  its temporary folder is removed by the next run into the same folder, which
  removes every ``.<out>.tmp-*`` and ``.<out>.old-*`` whose recorded process is
  no longer running.
* **Swap.** The finished folder replaces ``out`` so that ``out`` exists at every
  moment:

  ========================  ===================================================
  system                    how the new folder replaces the old one
  ========================  ===================================================
  Linux (kernel ≥ 3.15)     ``renameat2(RENAME_EXCHANGE)``: one atomic step; the
                            old folder is then removed from the temporary name
  macOS (10.12+, APFS)      ``renamex_np(RENAME_SWAP)``: one atomic step
  other / not supported     two renames: ``out`` → ``.<out>.old-<pid>-…``, then
                            the new folder → ``out``; if the second fails the old
                            folder is put back. Between the two renames (a few
                            microseconds) ``out`` does not exist. Signals are held
                            back during the swap on POSIX systems.
  ========================  ===================================================

  A first run (no ``out`` yet) is a single rename, atomic everywhere.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import os
import re
import shutil
import signal
import sys
import tempfile
import threading
import time
from pathlib import Path
from types import TracebackType

from sozialraum._i18n import t
from sozialraum.errors import SozialraumError

__all__ = ["OutputLockedError", "OutputWorkspace", "atomic_swap", "remove_stale"]

_MSG = {
    "locked": {
        "de": "Der Ausgabeordner {out} wird gerade von einem anderen Lauf beschrieben "
        "(Prozess {pid}). Warten, bis dieser fertig ist, einen anderen Ordner wählen "
        "(--out) oder mit --warten SEKUNDEN auf ihn warten.",
        "en": "The output folder {out} is being written by another run (process {pid}). "
        "Wait until it has finished, choose another folder (--out) or wait for it with "
        "--wait SECONDS.",
    },
    "locked_wait": {
        "de": "Der Ausgabeordner {out} war nach {sec:g} s Warten noch immer von einem anderen "
        "Lauf belegt (Prozess {pid}).",
        "en": "The output folder {out} was still held by another run (process {pid}) after "
        "waiting {sec:g} s.",
    },
    "unknown_pid": {"de": "unbekannt", "en": "unknown"},
}

#: ``.<name>.tmp-<pid>-<random>`` / ``.<name>.old-<pid>-<random>`` (older runs: no pid).
_PART_RE = r"\.{name}\.(?:tmp|old)-(?:(\d+)-)?.*"


class OutputLockedError(SozialraumError):
    """Another run holds the output folder (attributes ``out`` and ``pid``)."""

    def __init__(self, message: str, *, out: Path, pid: int | None):
        super().__init__(message)
        self.out = out
        self.pid = pid


# --------------------------------------------------------------------------- processes


def _alive(pid: int) -> bool:
    """Whether a process with this id is running (our own process counts)."""
    if pid <= 0:
        return False
    if pid == os.getpid():
        return True
    if sys.platform == "win32":  # pragma: no cover - Windows only
        k32 = ctypes.windll.kernel32
        handle = k32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
        if not handle:
            return False
        code = ctypes.c_ulong()
        ok = k32.GetExitCodeProcess(handle, ctypes.byref(code))
        k32.CloseHandle(handle)
        return bool(ok) and code.value == 259  # STILL_ACTIVE
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_stale(out: str | Path) -> list[Path]:
    """Remove temporary and old folders of ``out`` left by runs that no longer run.

    A folder ``.<out>.tmp-<pid>-…`` or ``.<out>.old-<pid>-…`` is removed when its
    process ``<pid>`` is not running (folders of older versions without a pid are
    removed too). Call it only while holding the lock of ``out``. Returns the
    removed folders.
    """
    out = Path(out)
    pattern = re.compile(_PART_RE.format(name=re.escape(out.name)))
    removed = []
    if not out.parent.is_dir():
        return removed
    for p in sorted(out.parent.iterdir()):
        m = pattern.fullmatch(p.name)
        if not m or not p.is_dir():
            continue
        pid = int(m.group(1)) if m.group(1) else None
        if pid is not None and pid != os.getpid() and _alive(pid):
            continue
        if pid == os.getpid():
            continue
        shutil.rmtree(p, ignore_errors=True)
        removed.append(p)
    return removed


# --------------------------------------------------------------------------- lock


class _Lock:
    """An exclusive lock on a lock file that records the holder's process id."""

    _WIN_OFFSET = (
        1 << 30
    )  # lock a byte far beyond the pid text (Windows blocks reading locked bytes)

    def __init__(self, path: Path):
        self.path = path
        self.fh = None

    def try_acquire(self) -> bool:
        while True:
            fh = open(self.path, "a+b")  # noqa: SIM115 - held open for the lock's lifetime
            try:
                if sys.platform == "win32":  # pragma: no cover - Windows only
                    import msvcrt

                    fh.seek(self._WIN_OFFSET)
                    msvcrt.locking(fh.fileno(), msvcrt.LK_NBLCK, 1)
                else:
                    import fcntl

                    fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                fh.close()
                return False
            if sys.platform == "win32" or self._same_file(fh):  # pragma: no branch
                break
            fh.close()  # the holder removed the file meanwhile: lock the new one
        fh.seek(0)
        fh.truncate()
        fh.write(f"{os.getpid()}\n".encode())
        fh.flush()
        self.fh = fh
        return True

    def _same_file(self, fh) -> bool:
        try:
            return os.stat(self.path).st_ino == os.fstat(fh.fileno()).st_ino
        except FileNotFoundError:
            return False

    def holder(self) -> int | None:
        try:
            text = self.path.read_text(encoding="ascii", errors="replace").strip()
        except OSError:
            return None
        return int(text) if text.isdigit() else None

    def release(self) -> None:
        """Remove the lock file (while still holding it) and release the lock."""
        if self.fh is None:
            return
        if sys.platform == "win32":  # pragma: no cover - Windows only
            import msvcrt

            with contextlib.suppress(OSError):
                self.fh.seek(self._WIN_OFFSET)
                msvcrt.locking(self.fh.fileno(), msvcrt.LK_UNLCK, 1)
            self.fh.close()
            with contextlib.suppress(OSError):
                self.path.unlink()
        else:
            import fcntl

            with contextlib.suppress(OSError):
                self.path.unlink()  # a waiting run then locks a new file (see try_acquire)
            with contextlib.suppress(OSError):
                fcntl.flock(self.fh.fileno(), fcntl.LOCK_UN)
            self.fh.close()
        self.fh = None


# --------------------------------------------------------------------------- swap

_RENAME_EXCHANGE = 2  # linux/fs.h
_RENAME_SWAP = 2  # macOS sys/stdio.h
_AT_FDCWD = -100


def _libc():
    name = ctypes.util.find_library("c")
    try:
        return ctypes.CDLL(name, use_errno=True)
    except OSError:  # pragma: no cover - no C library found
        return None


def _exchange(a: Path, b: Path) -> bool:
    """Atomically exchange two paths (Linux ``renameat2``, macOS ``renamex_np``); False if unsupported."""
    libc = _libc() if sys.platform in ("linux", "darwin") else None
    if libc is None:
        return False
    fa, fb = os.fsencode(a), os.fsencode(b)
    if sys.platform == "linux":
        fn = getattr(libc, "renameat2", None)
        if fn is None:
            return False
        fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
        rc = fn(_AT_FDCWD, fa, _AT_FDCWD, fb, _RENAME_EXCHANGE)
    else:  # pragma: no cover - macOS only
        fn = getattr(libc, "renamex_np", None)
        if fn is None:
            return False
        fn.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_uint]
        rc = fn(fa, fb, _RENAME_SWAP)
    if rc == 0:
        return True
    err = ctypes.get_errno()
    import errno

    if err in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV):
        return False  # kernel or file system without exchange: use the fallback
    raise OSError(err, os.strerror(err), str(a))


@contextlib.contextmanager
def _signals_held():
    """Hold back SIGINT/SIGTERM on POSIX while the block runs (they arrive afterwards)."""
    mask = getattr(signal, "pthread_sigmask", None)
    if mask is None:  # pragma: no cover - Windows
        yield
        return
    sigs = {signal.SIGINT, signal.SIGTERM}
    old = mask(signal.SIG_BLOCK, sigs)
    try:
        yield
    finally:
        mask(signal.SIG_SETMASK, old)


def atomic_swap(new: str | Path, out: str | Path, *, use_exchange: bool = True) -> str:
    """Put folder ``new`` in place of ``out`` (removing the old one); ``out`` never goes missing.

    Returns how it was done: ``"rename"`` (no old folder), ``"exchange"`` (one
    atomic exchange) or ``"two-renames"`` (fallback, see the module notes).
    """
    new, out = Path(new), Path(out)
    with _signals_held():
        if not out.exists():
            os.rename(new, out)
            return "rename"
        if use_exchange and _exchange(new, out):
            shutil.rmtree(new, ignore_errors=True)  # ``new`` now holds the old folder
            return "exchange"
        old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-{os.getpid()}-", dir=out.parent))
        os.rmdir(old)
        os.rename(out, old)
        try:
            os.rename(new, out)
        except BaseException:
            os.rename(old, out)  # put the old output back
            raise
    shutil.rmtree(old, ignore_errors=True)
    return "two-renames"


# --------------------------------------------------------------------------- workspace


class OutputWorkspace:
    """Lock ``out``, give a temporary folder beside it, and swap it in when done.

    Use as a context manager (the folder is swapped in when the block ends
    without error and removed otherwise), or call :meth:`start`,
    :meth:`commit` and :meth:`discard` yourself.

    Parameters
    ----------
    out
        The output folder.
    wait
        Seconds to wait for another run that holds ``out`` (0: refuse at once).
    lang
        Language of the message when the folder is held.

    Example
    -------
    >>> import tempfile, pathlib
    >>> base = pathlib.Path(tempfile.mkdtemp())
    >>> with OutputWorkspace(base / "out") as tmp:
    ...     _ = (tmp / "a.txt").write_text("x")
    >>> sorted(p.name for p in base.iterdir())
    ['out']
    """

    def __init__(self, out: str | Path, *, wait: float = 0.0, lang: str | None = None):
        self.out = Path(out).resolve()
        self.wait = float(wait)
        self.lang = lang
        self.tmp: Path | None = None
        self.removed: list[Path] = []
        self.how: str | None = None
        self._lock = _Lock(self.out.with_name(f".{self.out.name}.lock"))
        self._handlers: dict[int, object] = {}

    # -- life cycle
    def start(self) -> Path:
        """Take the lock, remove stale folders, create the temporary folder; return it."""
        self.out.parent.mkdir(parents=True, exist_ok=True)
        self._acquire()
        try:
            self.removed = remove_stale(self.out)
            self.tmp = Path(
                tempfile.mkdtemp(prefix=f".{self.out.name}.tmp-{os.getpid()}-", dir=self.out.parent)
            )
            self._install_handlers()
        except BaseException:
            self._lock.release()
            raise
        return self.tmp

    def commit(self) -> Path:
        """Swap the temporary folder in place of ``out`` and release the lock; return ``out``."""
        try:
            self.how = atomic_swap(self.tmp, self.out)
            self.tmp = None
        finally:
            self._finish()
        return self.out

    def discard(self) -> None:
        """Remove the temporary folder and release the lock (after an error)."""
        self._remove_tmp()
        self._finish()

    def __enter__(self) -> Path:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc_type is None:
            self.commit()
        else:
            self.discard()

    # -- details
    def _acquire(self) -> None:
        deadline = time.monotonic() + max(0.0, self.wait)
        while not self._lock.try_acquire():
            if time.monotonic() >= deadline:
                pid = self._lock.holder()
                shown = pid if pid is not None else t(_MSG, "unknown_pid", self.lang)
                key = "locked_wait" if self.wait > 0 else "locked"
                raise OutputLockedError(
                    t(_MSG, key, self.lang, out=self.out, pid=shown, sec=self.wait),
                    out=self.out,
                    pid=pid,
                )
            time.sleep(min(0.2, max(0.01, deadline - time.monotonic())))

    def _remove_tmp(self) -> None:
        if self.tmp is not None:
            shutil.rmtree(self.tmp, ignore_errors=True)
            self.tmp = None

    def _finish(self) -> None:
        self._restore_handlers()
        self._lock.release()

    def _install_handlers(self) -> None:
        if threading.current_thread() is not threading.main_thread():
            return  # signal handlers can only be set in the main thread (e.g. not in QGIS tasks)
        for sig in (signal.SIGINT, signal.SIGTERM):
            prev = signal.getsignal(sig)
            if prev is signal.SIG_IGN:
                continue
            self._handlers[sig] = prev
            signal.signal(sig, self._on_signal)

    def _restore_handlers(self) -> None:
        if threading.current_thread() is not threading.main_thread():
            return  # cannot restore here; the handler stays and passes signals on (no folder left)
        for sig, prev in self._handlers.items():
            if signal.getsignal(sig) == self._on_signal:  # not if another handler was set on top
                signal.signal(sig, prev)
        self._handlers = {}

    def _on_signal(self, signum: int, frame) -> None:
        """Remove the temporary folder, release the lock, then let the signal act as before."""
        prev = self._handlers.get(signum, signal.SIG_DFL)
        self._remove_tmp()
        self._finish()
        if callable(prev):
            prev(signum, frame)  # e.g. Python's SIGINT handler raises KeyboardInterrupt
            return
        signal.signal(signum, signal.SIG_DFL)
        os.kill(os.getpid(), signum)  # end the process with the signal's own exit status
