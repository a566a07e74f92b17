"""HTML → PDF with headless Chromium (or Chrome / Edge), on Linux, macOS and Windows.

Two ways, same result:

* :func:`html_to_pdf` — one browser process per document (``--print-to-pdf``);
* :class:`PdfPrinter` / :func:`html_to_pdf_batch` — **one** browser for many
  documents, driven over the DevTools protocol: each of several tabs (one per
  core, :func:`default_workers`) opens a file, waits for ``Page.loadEventFired``
  and prints it with ``Page.printToPDF``; the tabs work at the same time, each in
  its own renderer process. :func:`printing_session` keeps one printer for a
  whole yearly run, so that the browser starts once for all PDFs.

The DevTools connection is a pipe (``--remote-debugging-pipe``) on Linux and
macOS, and a WebSocket on a local port chosen by the browser
(``--remote-debugging-port=0``) on Windows, where a child process cannot be
handed extra pipe ends; both are read by a thread, so no ``select`` on pipes is
needed. If the connection fails, the remaining documents are printed one process
each (with a warning).

The browser is ``$SOZIALRAUM_CHROMIUM`` or the first one found
(:func:`browser_candidates`): Chromium, Chrome or Edge on ``PATH``; on Windows in
``Program Files``, ``Program Files (x86)`` and ``%LOCALAPPDATA%``; on macOS in
``/Applications`` and ``~/Applications``. Every run uses a fresh
``--user-data-dir`` (removed afterwards).
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import queue
import re
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
import warnings
from collections import deque
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path, PurePath

from sozialraum._i18n import get_lang, t
from sozialraum.core.prints import file_sha256, record_join, record_joint_print, record_print
from sozialraum.core.processes import cores
from sozialraum.errors import SozialraumError, SozialraumWarning
from sozialraum.report.print_images import StandIns, put_images

__all__ = [
    "CHROMIUM_FLAGS",
    "ChromiumError",
    "PdfPrinter",
    "PrintJob",
    "browser_candidates",
    "browser_command",
    "default_workers",
    "deferred_printing",
    "file_url",
    "find_chromium",
    "finish_printing",
    "html_to_pdf",
    "html_to_pdf_batch",
    "merge_pdfs",
    "printing_in_background",
    "print_requests",
    "printing_session",
    "run_print_job",
]

CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--disable-dev-shm-usage",
    "--hide-scrollbars",
    "--mute-audio",
)

_MSG = {
    "missing": {
        "de": "Für PDF-Dateien wird ein Browser (Chromium, Google Chrome oder Microsoft Edge) gebraucht, "
        "es wurde aber keiner gefunden. Bitte installieren: unter Linux sudo apt-get install -y chromium, "
        "unter Windows und macOS Google Chrome oder Microsoft Edge (oder den Pfad in der Umgebungsvariablen "
        "SOZIALRAUM_CHROMIUM angeben). Die HTML-Dateien wurden trotzdem geschrieben.",
        "en": "PDF output needs a browser (Chromium, Google Chrome or Microsoft Edge), but none was found. "
        "Install one: on Linux sudo apt-get install -y chromium, on Windows and macOS Google Chrome or "
        "Microsoft Edge (or set SOZIALRAUM_CHROMIUM to its path). The HTML files were written.",
    },
    "timeout": {
        "de": "Chromium hat {file} nicht innerhalb von {sec:.0f} s in PDF umgewandelt (Zeitlimit). "
        "Bitte erneut versuchen oder timeout= erhöhen.",
        "en": "Chromium did not convert {file} to PDF within {sec:.0f} s (timeout). Retry or raise timeout=.",
    },
    "failed": {
        "de": "Chromium konnte {file} nicht in PDF umwandeln (Rückgabewert {rc}): {err}",
        "en": "Chromium could not convert {file} to PDF (exit code {rc}): {err}",
    },
    "fallback": {
        "de": "Chromium-Stapeldruck über die DevTools-Verbindung fehlgeschlagen ({err}); die übrigen PDFs "
        "werden einzeln gedruckt (langsamer).",
        "en": "Chromium batch printing over the DevTools connection failed ({err}); the remaining PDFs are "
        "printed one by one (slower).",
    },
    "no_html": {"de": "HTML-Datei {file} nicht gefunden.", "en": "HTML file {file} not found."},
}

_FOOTER = (
    '<div style="font-size:7px;width:100%;text-align:center;color:#666;font-family:sans-serif">'
    '<span class="pageNumber"></span> / <span class="totalPages"></span></div>'
)

#: Executable names searched on ``PATH`` (Linux and other POSIX systems).
_PATH_NAMES = (
    "chromium",
    "chromium-browser",
    "google-chrome",
    "google-chrome-stable",
    "microsoft-edge",
    "microsoft-edge-stable",
)
#: Windows: below Program Files, Program Files (x86) and LocalAppData.
_WINDOWS_PARTS = (
    ("Google", "Chrome", "Application", "chrome.exe"),
    ("Chromium", "Application", "chrome.exe"),
    ("Microsoft", "Edge", "Application", "msedge.exe"),
)
_WINDOWS_BASES = ("ProgramFiles", "ProgramFiles(x86)", "ProgramW6432", "LocalAppData")
#: macOS: below /Applications and ~/Applications.
_MAC_APPS = (
    ("Google Chrome.app", "Contents", "MacOS", "Google Chrome"),
    ("Chromium.app", "Contents", "MacOS", "Chromium"),
    ("Microsoft Edge.app", "Contents", "MacOS", "Microsoft Edge"),
)


class ChromiumError(SozialraumError, RuntimeError):
    """The browser is missing or failed to print a PDF (message in German by default)."""


# --------------------------------------------------------------------------- discovery


def browser_candidates(
    platform: str | None = None,
    environ: Mapping[str, str] | None = None,
    *,
    home: str | Path | None = None,
    root: str | Path = "/",
) -> list[Path]:
    """Where a Chromium-type browser is looked for, in order, on ``platform`` (``sys.platform``).

    Parameters
    ----------
    platform
        ``"win32"``, ``"darwin"`` or another (``"linux"``): the layout to search.
    environ
        Environment (default ``os.environ``): ``PATH``, and on Windows
        ``ProgramFiles``, ``ProgramFiles(x86)``, ``ProgramW6432``, ``LocalAppData``.
    home, root
        Home folder (macOS ``~/Applications``) and file-system root of the macOS
        ``/Applications`` folder; for tests with a layout built in a folder.

    Returns
    -------
    list of Path
        Candidate executables (not checked for existence).
    """
    platform = platform or sys.platform
    env = dict(os.environ if environ is None else environ)
    out: list[Path] = []
    if platform.startswith("win"):
        lower = {k.lower(): v for k, v in env.items()}  # Windows variables ignore case
        for var in _WINDOWS_BASES:
            base = lower.get(var.lower())
            if base:
                out += [Path(base, *parts) for parts in _WINDOWS_PARTS]
    elif platform == "darwin":
        homes = [Path(home)] if home is not None else [Path(env.get("HOME", "~")).expanduser()]
        for folder in (Path(root) / "Applications", *(h / "Applications" for h in homes)):
            out += [folder.joinpath(*parts) for parts in _MAC_APPS]
    for d in env.get("PATH", "").split(";" if platform.startswith("win") else ":"):
        if d:
            names = (
                ("chrome.exe", "msedge.exe", "chromium.exe")
                if platform.startswith("win")
                else _PATH_NAMES
            )
            out += [Path(d) / n for n in names]
    return list(dict.fromkeys(out))


def _runnable(p: Path, platform: str) -> bool:
    if not p.is_file():
        return False
    return platform.startswith("win") or os.access(p, os.X_OK)


def find_chromium(
    lang: str | None = None,
    *,
    platform: str | None = None,
    environ: Mapping[str, str] | None = None,
    home: str | Path | None = None,
    root: str | Path = "/",
) -> str:
    """Path of the browser; raises :class:`ChromiumError` naming how to install one if absent.

    ``$SOZIALRAUM_CHROMIUM`` wins; else the first of :func:`browser_candidates` that exists.
    """
    platform = platform or sys.platform
    env = os.environ if environ is None else environ
    chosen = env.get("SOZIALRAUM_CHROMIUM")
    if chosen:
        if _runnable(Path(chosen), platform):
            return str(chosen)
        raise ChromiumError(t(_MSG, "missing", lang))
    for p in browser_candidates(platform, env, home=home, root=root):
        if _runnable(p, platform):
            return str(p)
    raise ChromiumError(t(_MSG, "missing", lang))


def file_url(path: str | PurePath) -> str:
    """``file://`` URL of an absolute path (spaces, umlauts, Windows drive letters encoded)."""
    p = path if isinstance(path, PurePath) else Path(path)
    if not p.is_absolute():
        p = Path(p).resolve()
    return p.as_uri()


def browser_command(
    exe: str | PurePath,
    profile: str | PurePath,
    *,
    transport: str = "pipe",
    pdf: str | PurePath | None = None,
    url: str = "about:blank",
) -> list[str]:
    """The browser's argument list (one list element per argument: no shell, no quoting).

    ``transport`` is ``"pipe"`` (DevTools on fds 3/4), ``"port"`` (DevTools on a
    local port the browser picks) or ``"print"`` (``--print-to-pdf=pdf`` of ``url``).
    """
    cmd = [str(exe), *CHROMIUM_FLAGS, f"--user-data-dir={profile}"]
    if transport == "pipe":
        cmd.append("--remote-debugging-pipe")
    elif transport == "port":
        cmd += ["--remote-debugging-port=0", "--remote-allow-origins=*"]
    elif transport == "print":
        cmd += ["--no-pdf-header-footer", f"--print-to-pdf={pdf}"]
    else:
        raise ValueError(f"unknown transport {transport!r}")
    cmd.append(url)
    return cmd


def default_transport(platform: str | None = None) -> str:
    """``"pipe"`` where a child can be handed pipe ends (POSIX), else ``"port"`` (Windows)."""
    return "port" if (platform or sys.platform).startswith("win") else "pipe"


def default_workers() -> int:
    """Tabs printing at the same time: one per available core (:func:`sozialraum.core.processes.cores`)."""
    return cores()


# --------------------------------------------------------------------------- one process


def html_to_pdf(
    html: str | Path,
    pdf: str | Path | None = None,
    *,
    timeout: float = 60.0,
    lang: str | None = None,
) -> Path:
    """Print one HTML file to PDF with its own browser process (``--print-to-pdf``)."""
    L = get_lang(lang)
    html = Path(html).resolve()
    if not html.is_file():
        raise ChromiumError(t(_MSG, "no_html", L, file=html))
    pdf = Path(pdf) if pdf is not None else html.with_suffix(".pdf")
    exe = find_chromium(L)
    prof = tempfile.mkdtemp(prefix="sozialraum-chromium-")
    try:
        cmd = browser_command(exe, prof, transport="print", pdf=pdf.resolve(), url=file_url(html))
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            raise ChromiumError(t(_MSG, "timeout", L, file=html.name, sec=timeout)) from None
        if not pdf.is_file() or pdf.stat().st_size == 0:
            err = (proc.stderr or "").strip().splitlines()[-1:] or [""]
            raise ChromiumError(
                t(_MSG, "failed", L, file=html.name, rc=proc.returncode, err=err[0])
            )
    finally:
        shutil.rmtree(prof, ignore_errors=True)
    return pdf


# --------------------------------------------------------------------------- transports


class _Transport:
    """A DevTools connection: ``write(bytes)``; a reader thread puts each message on ``inbox``."""

    def __init__(self) -> None:
        self.inbox: queue.Queue = queue.Queue()
        self.proc: subprocess.Popen | None = None

    def _start_reader(self, read: Callable[[], dict | None]) -> None:
        def loop() -> None:
            try:
                while True:
                    msg = read()
                    if msg is None:
                        break
                    self.inbox.put(msg)
            except Exception as exc:  # noqa: BLE001 - handed to the reading side
                self.inbox.put(exc)
                return
            self.inbox.put(ConnectionError("browser closed the connection"))

        threading.Thread(target=loop, daemon=True, name="sozialraum-devtools").start()

    def write(self, data: bytes) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def close(self) -> None:  # pragma: no cover - abstract
        raise NotImplementedError


def _nul_messages(read_chunk: Callable[[], bytes]) -> Callable[[], dict | None]:
    """A reader of JSON messages that end in NUL from ``read_chunk()`` (``b""`` at the end).

    A printed PDF is one message of many megabytes that arrives in pipe-sized
    pieces: only the new bytes are searched for its end, never the whole buffer again.
    """
    buf = bytearray()
    seen = 0  # bytes of buf known to hold no NUL

    def read() -> dict | None:
        nonlocal seen
        while True:
            end = buf.find(b"\0", seen)
            if end >= 0:
                msg = json.loads(bytes(buf[:end]))
                del buf[: end + 1]
                seen = 0
                return msg
            seen = len(buf)
            chunk = read_chunk()
            if not chunk:
                return None
            buf.extend(chunk)

    return read


class _PipeTransport(_Transport):
    """``--remote-debugging-pipe``: JSON messages ending in NUL on fds 3 (in) and 4 (out)."""

    def __init__(self, exe: str, profile: str) -> None:
        super().__init__()
        to_chrome_r, self._w = os.pipe()
        self._r, from_chrome_w = os.pipe()
        # a tiny Python trampoline puts the pipe ends on fds 3 and 4 (where the browser expects
        # them) whatever numbers they have here, then becomes the browser (exec)
        tramp = (
            "import os, sys; r, w = int(sys.argv[1]), int(sys.argv[2]); "
            "r = r if r > 4 else os.dup(r); w = w if w > 4 else os.dup(w); "
            "os.dup2(r, 3); os.dup2(w, 4); os.execv(sys.argv[3], sys.argv[3:])"
        )
        cmd = browser_command(exe, profile, transport="pipe")
        self.proc = subprocess.Popen(
            [sys.executable, "-c", tramp, str(to_chrome_r), str(from_chrome_w), *cmd],
            pass_fds=(to_chrome_r, from_chrome_w),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        self._lock = threading.Lock()
        self._start_reader(_nul_messages(lambda: os.read(self._r, 1 << 20)))

    def write(self, data: bytes) -> None:
        data = data + b"\0"
        with self._lock:
            while data:
                n = os.write(self._w, data)
                data = data[n:]

    def close(self) -> None:
        for fd in (self._w, self._r):
            with contextlib.suppress(OSError):
                os.close(fd)


class _PortTransport(_Transport):
    """``--remote-debugging-port=0``: a WebSocket to the port the browser writes into its profile."""

    def __init__(self, exe: str, profile: str, timeout: float) -> None:
        super().__init__()
        cmd = browser_command(exe, profile, transport="port")
        flags = getattr(subprocess, "CREATE_NO_WINDOW", 0)
        self.proc = subprocess.Popen(
            cmd,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            creationflags=flags,
        )
        port, path = self._wait_for_port(Path(profile) / "DevToolsActivePort", timeout)
        self._sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self._handshake(port, path)
        self._sock.settimeout(None)  # the reader thread blocks; deadlines are on the inbox
        self._lock = threading.Lock()
        self._start_reader(self._read_message)

    def _wait_for_port(self, file: Path, timeout: float) -> tuple[int, str]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if file.is_file():
                lines = file.read_text(encoding="utf-8").split("\n")
                if len(lines) >= 2 and lines[0].strip().isdigit() and lines[1].strip():
                    return int(lines[0]), lines[1].strip()
            if self.proc is not None and self.proc.poll() is not None:
                raise ConnectionError(f"browser ended with exit code {self.proc.returncode}")
            time.sleep(0.05)
        raise TimeoutError("browser did not open its DevTools port")

    def _handshake(self, port: int, path: str) -> None:
        key = base64.b64encode(os.urandom(16)).decode()
        req = (
            f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\n"
            f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"
        )
        self._sock.sendall(req.encode())
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = self._sock.recv(4096)
            if not chunk:
                raise ConnectionError("no WebSocket handshake")
            head += chunk
        if b" 101 " not in head.split(b"\r\n", 1)[0]:
            raise ConnectionError(head.split(b"\r\n", 1)[0].decode(errors="replace"))
        self._rest = head.split(b"\r\n\r\n", 1)[1]

    def _recv_exact(self, n: int) -> bytes:
        out = bytearray(self._rest[:n])
        self._rest = self._rest[n:]
        while len(out) < n:
            chunk = self._sock.recv(min(1 << 20, n - len(out)))
            if not chunk:
                raise ConnectionError("browser closed the WebSocket")
            out += chunk
        return bytes(out)

    def _read_message(self) -> dict | None:
        parts = bytearray()
        while True:
            b0, b1 = self._recv_exact(2)
            n = b1 & 0x7F
            if n == 126:
                (n,) = struct.unpack("!H", self._recv_exact(2))
            elif n == 127:
                (n,) = struct.unpack("!Q", self._recv_exact(8))
            mask = self._recv_exact(4) if b1 & 0x80 else None
            data = self._recv_exact(n)
            if mask:
                data = bytes(c ^ mask[i % 4] for i, c in enumerate(data))
            op = b0 & 0x0F
            if op == 0x8:  # close
                return None
            if op in (0x9, 0xA):  # ping/pong: not sent by the browser's DevTools server
                continue
            parts += data
            if b0 & 0x80:  # final fragment
                return json.loads(bytes(parts))

    def write(self, data: bytes) -> None:
        mask = os.urandom(4)
        n = len(data)
        if n < 126:
            head = struct.pack("!BB", 0x81, 0x80 | n)
        elif n < 1 << 16:
            head = struct.pack("!BBH", 0x81, 0x80 | 126, n)
        else:
            head = struct.pack("!BBQ", 0x81, 0x80 | 127, n)
        body = bytes(c ^ mask[i % 4] for i, c in enumerate(data))
        with self._lock:
            self._sock.sendall(head + mask + body)

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self._sock.close()


# --------------------------------------------------------------------------- DevTools client


class _Cdp:
    """DevTools-protocol client: numbered commands, answers and events from one inbox."""

    def __init__(self, exe: str, timeout: float, transport: str) -> None:
        self.timeout = timeout
        self.prof = tempfile.mkdtemp(prefix="sozialraum-chromium-")
        self.conn: _Transport | None = None
        self.conn = (
            _PipeTransport(exe, self.prof)
            if transport == "pipe"
            else _PortTransport(exe, self.prof, timeout)
        )
        self._id = 0
        self.pending: deque[dict] = deque()  # messages read but not yet handled

    def post(self, method: str, params: dict | None = None, session: str | None = None) -> int:
        """Send a command without waiting; returns its id."""
        self._id += 1
        msg = {"id": self._id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        self.conn.write(json.dumps(msg).encode())
        return self._id

    def next_message(self, deadline: float) -> dict:
        if self.pending:
            return self.pending.popleft()
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError
        try:
            msg = self.conn.inbox.get(timeout=left)
        except queue.Empty:
            raise TimeoutError from None
        if isinstance(msg, BaseException):
            raise ConnectionError(repr(msg))
        return msg

    def send(self, method: str, params: dict | None = None, session: str | None = None) -> dict:
        """Send a command and wait for its answer (other messages are kept for later)."""
        mid = self.post(method, params, session)
        deadline = time.monotonic() + self.timeout
        kept: list[dict] = []
        try:
            while True:
                m = self.next_message(deadline)
                if m.get("id") == mid:
                    if "error" in m:
                        raise RuntimeError(m["error"].get("message", str(m["error"])))
                    return m.get("result", {})
                kept.append(m)
        finally:
            self.pending.extendleft(reversed(kept))

    def close(self) -> None:
        proc = self.conn.proc if self.conn is not None else None
        try:
            if proc is not None and proc.poll() is None:
                with contextlib.suppress(Exception):
                    self.post("Browser.close")
                try:
                    proc.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait(timeout=5)
        finally:
            if self.conn is not None:
                self.conn.close()
            shutil.rmtree(self.prof, ignore_errors=True)


# --------------------------------------------------------------------------- printer


class PdfPrinter:
    """One browser that prints many HTML files on several tabs at once.

    Parameters
    ----------
    workers
        Tabs printing at the same time (default :func:`default_workers`, one per core).
    timeout
        Seconds allowed per document and for the browser start.
    transport
        ``"pipe"`` or ``"port"`` (default: :func:`default_transport` of this system).

    The browser starts at the first :meth:`print_files` and stops at :meth:`close`
    (or the end of a ``with`` block).
    """

    def __init__(
        self,
        *,
        workers: int | None = None,
        timeout: float = 120.0,
        transport: str | None = None,
        lang: str | None = None,
    ) -> None:
        self.workers = max(1, int(workers or default_workers()))
        self.timeout = timeout
        self.transport = transport or default_transport()
        self.lang = get_lang(lang)
        self._cdp: _Cdp | None = None
        self._tabs: list[str] = []
        self.broken: BaseException | None = None
        self.seconds = 0.0  # time spent printing (all calls)

    def __enter__(self) -> PdfPrinter:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _start(self) -> _Cdp:
        if self._cdp is None:
            self._cdp = _Cdp(find_chromium(self.lang), self.timeout, self.transport)
        return self._cdp

    def warm(self) -> None:
        """Start the browser and open its tabs now, before the first document.

        Any failure is forgotten here: the first print starts again and reports it
        in the usual way (e.g. no browser installed).
        """
        try:
            for i in range(self.workers):
                self._tab(i)
        except Exception:  # noqa: BLE001 - reported by the first print
            self.close()

    def _tab(self, i: int) -> str:
        """Session id of tab ``i`` (each in its own browser context, so its own renderer)."""
        cdp = self._start()
        while len(self._tabs) <= i:
            ctx = cdp.send("Target.createBrowserContext")["browserContextId"]
            target = cdp.send(
                "Target.createTarget", {"url": "about:blank", "browserContextId": ctx}
            )["targetId"]
            session = cdp.send("Target.attachToTarget", {"targetId": target, "flatten": True})[
                "sessionId"
            ]
            cdp.send("Page.enable", session=session)
            self._tabs.append(session)
        return self._tabs[i]

    def print_files(
        self,
        files: Sequence[Path],
        outs: Sequence[Path],
        *,
        page_numbers: bool = False,
        done: set[int] | None = None,
        outline: bool | Sequence[bool] = False,
        on_done: Callable[[int], None] | None = None,
        tagged: bool | Sequence[bool] = True,
    ) -> list[Path]:
        """Print ``files[i]`` to ``outs[i]``; returns the PDFs written (in order).

        ``done`` (if given) receives the index of every document printed, also when
        the connection fails half-way. ``outline`` adds the document outline (one
        entry per heading, with its page; a list: per file). ``on_done(i)`` is called as soon as
        ``outs[i]`` is written, while the other tabs go on printing. ``tagged=False``
        (a list: per file) leaves out the PDF's structure tree (the browser's default
        is a tagged, accessible PDF; the tree costs about a fifth of the print). An
        outline needs the tree.
        """
        n = len(files)
        outlined = [bool(outline)] * n if isinstance(outline, bool) else [bool(x) for x in outline]
        tags = [bool(tagged)] * n if isinstance(tagged, bool) else [bool(x) for x in tagged]
        if any(o and not g for o, g in zip(outlined, tags, strict=True)):
            raise ValueError("print_files: a document outline needs a tagged PDF")
        t0 = time.perf_counter()
        done = set() if done is None else done
        try:
            self._print(list(files), list(outs), page_numbers, done, outlined, tags, on_done)
            return [outs[i] for i in sorted(done)]
        finally:
            self.seconds += time.perf_counter() - t0

    def _print(
        self,
        files: list[Path],
        outs: list[Path],
        page_numbers: bool,
        done: set[int],
        outlined: list[bool],
        tags: list[bool],
        on_done: Callable[[int], None] | None = None,
    ):
        opts = {
            "printBackground": True,
            "preferCSSPageSize": True,
            "displayHeaderFooter": page_numbers,
        }
        if page_numbers:
            opts.update(headerTemplate="<div></div>", footerTemplate=_FOOTER)
        todo = deque(range(len(files)))
        busy: dict[str, int] = {}  # session → job
        printing: dict[int, str] = {}  # command id → session
        cdp = self._start()
        sessions = [self._tab(i) for i in range(min(self.workers, len(files)))]

        shas: dict[int, str] = {}  # job → SHA-256 of the HTML given to the browser

        def start(session: str) -> None:
            job = todo.popleft()
            busy[session] = job
            shas[job] = file_sha256(files[job])
            cdp.post("Page.navigate", {"url": file_url(files[job])}, session)

        for s in sessions:
            if todo:
                start(s)
        deadline = time.monotonic() + self.timeout
        while busy:
            m = cdp.next_message(deadline)
            if "error" in m:
                raise RuntimeError(m["error"].get("message", str(m["error"])))
            s = m.get("sessionId")
            if m.get("method") == "Page.loadEventFired" and s in busy:
                job_opts = dict(opts)
                if outlined[busy[s]]:
                    job_opts["generateDocumentOutline"] = True
                if not tags[busy[s]]:
                    job_opts["generateTaggedPDF"] = False
                printing[cdp.post("Page.printToPDF", job_opts, s)] = s
            elif m.get("id") in printing:
                s = printing.pop(m["id"])
                job = busy.pop(s)
                data = base64.b64decode(m["result"]["data"])
                outs[job].write_bytes(data)
                record_print(files[job], outs[job], shas[job], data)  # for the release check
                done.add(job)
                if todo:
                    start(s)  # the tab goes on before this print is used
                if on_done is not None:
                    on_done(job)
                deadline = time.monotonic() + self.timeout

    def close(self) -> None:
        if self._cdp is not None:
            try:
                self._cdp.close()
            finally:
                self._cdp, self._tabs = None, []


_SESSION: ContextVar[PdfPrinter | None] = ContextVar("sozialraum_pdf_session", default=None)


class _Background:
    """A thread that prints the submitted jobs beside the caller's work.

    Jobs that wait when the thread is free are printed together
    (:func:`run_print_jobs`): the browser's tabs take their joint prints in turn.
    """

    def __init__(self) -> None:
        self.jobs: queue.Queue = queue.Queue()
        self.pending: list[tuple[list[Path], threading.Event]] = []
        self.errors: list[BaseException] = []
        self.thread = threading.Thread(target=self._loop, daemon=True, name="sozialraum-pdf")
        self.thread.start()

    def _loop(self) -> None:
        while True:
            first = self.jobs.get()
            if first is None:
                return
            if isinstance(first, PdfPrinter):  # start the browser before the first job
                first.warm()
                continue
            batch, last = [first], False
            while not last:  # everything submitted meanwhile goes with it
                try:
                    item = self.jobs.get_nowait()
                except queue.Empty:
                    break
                if item is None:
                    last = True
                else:
                    batch.append(item)
            self._print(batch)
            if last:
                return

    def _print(self, batch: list) -> None:
        try:
            for printer in dict.fromkeys(p for p, _job, _then, _event in batch):
                mine = [(job, then, event) for p, job, then, event in batch if p is printer]

                def done(k: int, mine=mine) -> None:  # a job's PDFs exist: its waiters go on
                    _job, then, event = mine[k]
                    try:
                        if then is not None:
                            then()
                    finally:
                        event.set()

                run_print_jobs(printer, [job for job, _then, _event in mine], on_job_done=done)
        except BaseException as exc:  # noqa: BLE001 - raised in the caller at the next wait
            self.errors.append(exc)
        finally:
            for *_rest, event in batch:
                event.set()

    def warm(self, printer: PdfPrinter) -> None:
        """Start ``printer``'s browser on this thread now (:meth:`PdfPrinter.warm`)."""
        self.jobs.put(printer)

    def submit(
        self, printer: PdfPrinter, job: PrintJob, then: Callable[[], None] | None = None
    ) -> None:
        event = threading.Event()
        outs = [*job.outs, *([job.joined[0]] if job.joined else [])]
        self.pending.append((outs, event))
        self.jobs.put((printer, job, then, event))

    def wait(self, under: Path | None = None) -> None:
        """Wait for the batches with a file below ``under`` (all if None); re-raise their errors."""
        for outs, event in list(self.pending):
            if under is None or any(o.is_relative_to(under) for o in outs):
                event.wait()
        self.pending = [(o, e) for o, e in self.pending if not e.is_set()]
        if self.errors:
            exc = self.errors.pop(0)
            self.errors.clear()
            raise exc

    def stop(self) -> None:
        self.jobs.put(None)
        self.thread.join()


_BACKGROUND: ContextVar[_Background | None] = ContextVar("sozialraum_pdf_bg", default=None)


@contextlib.contextmanager
def printing_session(
    *,
    workers: int | None = None,
    timeout: float = 120.0,
    background: bool = False,
    warm: bool = False,
    lang: str | None = None,
) -> Iterator[PdfPrinter]:
    """Share one browser among all :func:`html_to_pdf_batch` calls in the block.

    The browser starts at the first PDF (not at all if none is printed) and stops
    at the end of the block. With ``background=True`` each batch is printed by a
    thread while the caller goes on (the browser works on other cores); the PDFs
    exist after :func:`finish_printing` (for a folder, or all) and at the end of
    the block, which waits for them. With ``warm=True`` (and ``background``) the
    thread starts the browser at once, while the caller still writes the first
    documents (for a caller that knows it will print).
    """
    printer = PdfPrinter(workers=workers, timeout=timeout, lang=lang)
    token = _SESSION.set(printer)
    bg = _Background() if background else None
    if bg is not None and warm:
        bg.warm(printer)
    bg_token = _BACKGROUND.set(bg)
    try:
        yield printer
        if bg is not None:
            bg.wait()
    finally:
        if bg is not None:
            bg.stop()
        _BACKGROUND.reset(bg_token)
        _SESSION.reset(token)
        printer.close()


def finish_printing(under: str | Path | None = None) -> None:
    """Wait until the PDFs below ``under`` (or all) of a background session are written.

    Does nothing outside a ``printing_session(background=True)``.
    """
    bg = _BACKGROUND.get()
    if bg is not None:
        bg.wait(Path(under).resolve() if under is not None else None)


def printing_in_background() -> bool:
    """True inside ``printing_session(background=True)`` or :func:`deferred_printing` (PDFs appear later)."""
    return _BACKGROUND.get() is not None or _DEFERRED.get() is not None


_DEFERRED: ContextVar[list[PrintJob] | None] = ContextVar("sozialraum_pdf_deferred", default=None)


@contextlib.contextmanager
def deferred_printing() -> Iterator[list[PrintJob]]:
    """Collect the print requests of the block instead of printing them.

    For a process that writes documents but has no browser of its own (a copy of
    the run building packages beside it): each :func:`html_to_pdf_batch` call in the
    block is recorded as its :class:`PrintJob` (plain data) and returns at once; the
    process that owns the browser prints them with :func:`print_requests`. Inside
    the block :func:`finish_printing` waits for nothing.
    """
    requests: list[PrintJob] = []
    tokens = (_DEFERRED.set(requests), _SESSION.set(None), _BACKGROUND.set(None))
    try:
        yield requests
    finally:
        _BACKGROUND.reset(tokens[2])
        _SESSION.reset(tokens[1])
        _DEFERRED.reset(tokens[0])


def print_requests(jobs: Sequence[PrintJob]) -> list[Path]:
    """Print the jobs :func:`deferred_printing` collected (on this process's session, if any)."""
    out: list[Path] = []
    for job in jobs:
        out += _submit(job)
    return out


@dataclass(frozen=True)
class PrintJob:
    """One print request as plain data (picklable): which files, where the PDFs go, how.

    Attributes
    ----------
    files, outs
        Absolute paths of the HTML files and of their PDFs (same order).
    timeout
        Seconds allowed per document (and for the browser start).
    page_numbers
        The browser prints "page / pages" in its own footer.
    sections
        The files are profiles of one template, printed together and cut apart
        (:func:`print_sections`).
    joined
        ``(path, title)`` of one PDF with the pages of all files in order (e.g. all
        profiles of a level in one file), or None. ``title`` is its document title
        (None: that of the first file).
    lang
        Language of messages.
    """

    files: tuple[Path, ...]
    outs: tuple[Path, ...]
    timeout: float = 120.0
    page_numbers: bool = False
    sections: bool = False
    joined: tuple[Path, str | None] | None = None
    lang: str = "de"


def run_print_job(printer: PdfPrinter, job: PrintJob) -> list[Path]:
    """Print ``job`` on ``printer``: the PDFs, then the joined file (if asked for).

    With ``sections`` the joined file is made from the few joint prints of
    :func:`print_sections` (their pages are the profiles' pages in order); files
    printed otherwise are joined from their PDFs (:func:`merge_pdfs`).
    """
    return run_print_jobs(printer, [job])[0]


def run_print_jobs(
    printer: PdfPrinter,
    jobs: Sequence[PrintJob],
    on_job_done: Callable[[int], None] | None = None,
) -> list[list[Path]]:
    """Print several jobs on ``printer`` as :func:`run_print_job` prints each.

    Every document of all jobs — the joint prints of their profiles and their other
    documents — goes to the browser's tabs in one queue (:class:`_Batch`), so that no
    tab waits while another finishes the last print of a job. ``on_job_done(k)`` is
    called as soon as every PDF of job ``k`` (and its joined file) is written, while
    the tabs go on with the next jobs. What could not be printed so is printed job by
    job afterwards. Returns each job's PDFs.
    """
    notify = on_job_done or (lambda _k: None)
    with tempfile.TemporaryDirectory(prefix="sozialraum-druck-") as tmp:
        batch = _Batch(printer, jobs, Path(tmp), notify)
        batch.print()
        for k, job in enumerate(jobs):
            if k not in batch.finished:
                _print_rest(printer, job, batch.done_files(k))
                notify(k)
    return [list(job.outs) for job in jobs]


class _Batch:
    """The documents of several print jobs in one queue of the browser's tabs."""

    def __init__(self, printer: PdfPrinter, jobs, folder: Path, notify) -> None:
        self.printer, self.jobs, self.notify = printer, list(jobs), notify
        self.plans: dict[int, _SectionPlan] = {}
        self.entries: list[tuple[Path, Path, bool, int, int]] = []  # html, pdf, joint, job, n
        self.files: dict[int, set[int]] = {}  # job → files printed on their own
        self.finished: set[int] = set()
        for k, job in enumerate(self.jobs):
            if job.page_numbers or printer.broken is not None:
                continue  # the browser's own page footer: printed job by job afterwards
            plan = None
            if job.sections:
                plan = _SectionPlan.make(
                    job.files, job.outs, printer.workers, None, job.joined, folder / str(k)
                )
            if plan is not None:
                self.plans[k] = plan
                self.entries += [
                    (plan.joint[g], plan.prints[g], True, k, g) for g in range(len(plan.groups))
                ]
            else:
                self.files[k] = set()
                self.entries += [
                    (f, o, False, k, i)
                    for i, (f, o) in enumerate(zip(job.files, job.outs, strict=True))
                ]
        self.left = {k: 0 for k in range(len(self.jobs))}
        for *_x, k, _n in self.entries:
            self.left[k] += 1

    def done_files(self, k: int) -> set[int]:
        return self.plans[k].done if k in self.plans else self.files.get(k, set())

    def print(self) -> None:
        """One queue for all documents; on a broken connection the rest is left to the caller."""
        if not self.entries:
            return
        with _or_broken(self.printer, self.jobs[0].lang):
            self.printer.print_files(
                [e[0] for e in self.entries],
                [e[1] for e in self.entries],
                tagged=[not e[2] for e in self.entries],  # joint prints: cut by their marks
                on_done=self._done,
            )

    def _done(self, idx: int) -> None:
        _html, _pdf, _joint, k, n = self.entries[idx]
        if k in self.plans:
            self.plans[k].cut(n)
        else:
            self.files[k].add(n)
        self.left[k] -= 1
        if self.left[k] == 0:
            self._finish(k)

    def _finish(self, k: int) -> None:
        """Job ``k``'s prints are all there: its joined file; the job is done unless a file is left."""
        job = self.jobs[k]
        if k in self.plans:
            if len(self.plans[k].finish()) < len(job.files):
                return  # a profile left over: printed on its own afterwards
        elif job.joined is not None:
            merge_pdfs(list(job.outs), job.joined[0], title=job.joined[1])
        self.finished.add(k)
        self.notify(k)


def _print_rest(printer: PdfPrinter, job: PrintJob, done: set[int]) -> list[Path]:
    """The files of ``job`` not printed together, one by one; the joined file from the PDFs."""
    files, outs = list(job.files), list(job.outs)
    rest = [i for i in range(len(files)) if i not in done]
    if rest:
        pick = [files[i] for i in rest], [outs[i] for i in rest]
        _print_or_fall_back(printer, *pick, job.page_numbers, job.timeout, job.lang)
    if job.joined is not None and (rest or not done):
        merge_pdfs(outs, job.joined[0], title=job.joined[1])
    return outs


def html_to_pdf_batch(
    files: Sequence[str | Path],
    out_dir: str | Path | None = None,
    *,
    timeout: float = 120.0,
    page_numbers: bool = False,
    workers: int | None = None,
    then: Callable[[], None] | None = None,
    sections: bool = False,
    joined: tuple[str | Path, str | None] | None = None,
    lang: str | None = None,
) -> list[Path]:
    """Print many HTML files to PDF with one browser (several tabs at once).

    Parameters
    ----------
    files
        HTML files; each gives ``<name>.pdf`` beside it (or in ``out_dir``).
    timeout
        Seconds allowed per document (and for the browser start).
    page_numbers
        Let the browser print "page / pages" in its own footer (the templates use
        CSS ``@page { @bottom-center { … } }`` margin boxes instead, which
        Chromium ≥ 131 supports).
    workers
        Tabs printing at the same time (default: one per core).
    then
        Called once the PDFs (and the joined file) are written.
    sections
        The files are documents of one template that differ only in their
        ``<section>`` (profiles): they are printed together, a few dozen per print,
        and each file's pages are cut out of the print (:func:`print_sections`).
        The PDFs show the same pages; one print of many documents costs the
        browser a fraction of many prints.
    joined
        ``(path, title)``: also write one PDF with the pages of all files in order
        (all profiles in one file), with that document title (None: the first
        file's). Not part of the returned list.

    Returns
    -------
    list of Path
        The PDF files, in the order of ``files``.

    Inside :func:`printing_session` the session's browser is used (and kept); in a
    background session the call returns at once and the files appear later
    (:func:`finish_printing`). The request itself is a :class:`PrintJob`
    (:func:`run_print_job`).
    """
    L = get_lang(lang)
    files = [Path(f).resolve() for f in files]
    if not files:
        return []
    for f in files:
        if not f.is_file():
            raise ChromiumError(t(_MSG, "no_html", L, file=f))
    outs = [
        (Path(out_dir) / f.with_suffix(".pdf").name) if out_dir else f.with_suffix(".pdf")
        for f in files
    ]
    job = PrintJob(
        tuple(files),
        tuple(o.resolve() for o in outs),
        timeout=timeout,
        page_numbers=page_numbers,
        sections=sections,
        joined=None if joined is None else (Path(joined[0]).resolve(), joined[1]),
        lang=L,
    )
    deferred = _DEFERRED.get()
    if deferred is not None:  # printed later by the process with the browser
        if then is not None:
            raise TypeError("html_to_pdf_batch: a deferred print cannot call back (then=...)")
        deferred.append(job)
        return outs
    return _submit(job, then, workers)


def _submit(
    job: PrintJob, then: Callable[[], None] | None = None, workers: int | None = None
) -> list[Path]:
    """Print ``job`` on the session's browser (in the background there), else on a new one."""
    outs = list(job.outs)
    shared = _SESSION.get()
    printer = shared or PdfPrinter(workers=workers, timeout=job.timeout, lang=job.lang)

    bg = _BACKGROUND.get() if shared is not None else None
    if bg is not None:
        find_chromium(job.lang)  # a missing browser is said at once, not later
        bg.submit(printer, job, then)
        return outs
    try:
        run_print_job(printer, job)
        if then is not None:
            then()
    finally:
        if shared is None:
            printer.close()
    return outs


@contextlib.contextmanager
def _or_broken(printer: PdfPrinter, L: str) -> Iterator[None]:
    """A failing connection marks ``printer`` broken: what is left is printed one by one."""
    try:
        yield
    except (
        TimeoutError,
        ConnectionError,
        RuntimeError,
        OSError,
        KeyError,
        json.JSONDecodeError,
    ) as exc:
        if isinstance(exc, ChromiumError):
            raise
        printer.broken = exc
        printer.close()
        warnings.warn(t(_MSG, "fallback", L, err=repr(exc)), SozialraumWarning, stacklevel=4)


def _print_or_fall_back(printer, files, outs, page_numbers, timeout, L) -> None:
    """Print on ``printer``; what it could not print, one browser process per document."""
    done: set[int] = set()
    if printer.broken is None:
        with _or_broken(printer, L):
            printer.print_files(files, outs, page_numbers=page_numbers, done=done)
    # what the browser did not print (the connection failed): one process per document
    for i, (f, o) in enumerate(zip(files, outs, strict=True)):
        if i not in done:
            html_to_pdf(f, o, timeout=timeout, lang=L)


#: Profiles per print: a browser tab lays out this many at once (memory stays small).
SECTION_CHUNK = 80

_SECTION_START_RE = re.compile(r"<section\b", re.I)
_SECTION_END_RE = re.compile(r"</section\s*>", re.I)
_H1_RE = re.compile(r"<h1\b[^>]*>(.*?)</h1\s*>", re.I | re.S)
_H1_START_RE = re.compile(r"<h1\b[^>]*>", re.I)
_HEAD_END_RE = re.compile(r"</head\s*>", re.I)

#: Name of the mark of the ``k``-th profile of a joint print (``_MARK + str(k)``).
_MARK = "sozialraum-druckmarke-"
#: The marks draw nothing and take no room, whatever the template's own style says.
_MARK_STYLE = (
    "<style>a.sozialraum-druckmarke{position:absolute!important;display:block!important;"
    "top:auto!important;left:auto!important;right:auto!important;bottom:auto!important;"
    "width:1px!important;height:1px!important;margin:0!important;padding:0!important;"
    "border:0!important;outline:0!important;background:none!important;"
    "box-shadow:none!important;transform:none!important;float:none!important}"
    "a.sozialraum-druckmarke::before,a.sozialraum-druckmarke::after"
    "{content:none!important;display:none!important}</style>"
)


def _with_mark_style(head: str) -> str:
    """``head`` with :data:`_MARK_STYLE` before its (last) ``</head>``, which it must have."""
    at = list(_HEAD_END_RE.finditer(head))[-1].start()
    return head[:at] + _MARK_STYLE + head[at:]


def _marked(section: str, k: int) -> str:
    """``section`` with mark ``k`` as the first thing inside its ``<h1>``.

    The mark is an empty link to itself, positioned out of the flow (nothing moves):
    the browser writes every link target as a named destination with its page, and
    a link annotation where the link is, which :func:`_cut_pages` takes out again.
    """
    end = _H1_START_RE.search(section).end()
    mark = f'<a class="sozialraum-druckmarke" id="{_MARK}{k}" href="#{_MARK}{k}"></a>'
    return section[:end] + mark + section[end:]


def _split_document(text: str) -> tuple[str, str, str, str] | None:
    """Head, the one ``<section>`` (with one ``<h1>``), tail and the heading's text."""
    starts = [m.start() for m in _SECTION_START_RE.finditer(text)]
    ends = [m.end() for m in _SECTION_END_RE.finditer(text)]
    if not starts or not ends:
        return None
    head, body, tail = text[: starts[0]], text[starts[0] : ends[-1]], text[ends[-1] :]
    h1 = _H1_RE.findall(body)
    if len(h1) != 1 or _H1_RE.search(head) or _H1_RE.search(tail):
        return None
    if re.search(r"counter\(\s*pages?\s*\)|@page\s*:(?:first|left|right|blank)", head, re.I):
        return None  # page numbers or first-page rules would differ in a joint print
    return head, body, tail, _heading(h1[0])


def _heading(html: str) -> str:
    """A heading as the browser's document outline names it (text, spaces collapsed)."""
    import html as html_lib

    return " ".join(html_lib.unescape(re.sub(r"<[^>]+>", " ", html)).split())


def print_sections(
    printer: PdfPrinter,
    files: Sequence[Path],
    outs: Sequence[Path],
    chunk: int | None = None,
    *,
    joined: tuple[Path, str | None] | None = None,
) -> set[int]:
    """Print documents that differ only in their ``<section>`` together; cut out each one's pages.

    Every file must be ``head + <section>…<h1>title</h1>…</section> + tail`` with the
    same head (but for its ``<title>``, which is the PDF's title) and tail: the
    profiles of one template, without page counters. Files are
    joined a chunk at a time (``chunk``, default :data:`SECTION_CHUNK`) into one
    temporary document — literally their common head, their sections in order, the
    common tail — with a mark at each ``<h1>``: an empty, invisible link to itself
    (:func:`_marked`), which the browser writes as a named destination on the
    heading's page. Each file gets the pages from its mark to the next one; the
    marks' link annotations are taken out. A chunk whose marks are not all there,
    each on a later page than the one before, is left to be printed file by file.
    The joint prints are untagged (:meth:`PdfPrinter.print_files`): cut pages lose
    a structure tree anyway, and building it costs the browser about a fifth of
    the print.

    Each PDF is recorded as the print of its file (:mod:`sozialraum.core.prints`):
    its pages show the file's own section as laid out by the same head and tail.

    ``joined`` ``(path, title)``: when every file is printed here, one more PDF
    with all pages of the joint prints in order — the pages of every file, one
    file after the other — titled ``title`` (None: the first file's title). It is
    recorded as the print of all files in order (:func:`record_joint_print`). When
    a file is left over, no joined file is written.

    Returns the indices of the files printed.
    """
    with tempfile.TemporaryDirectory(prefix="sozialraum-druck-") as tmp:
        plan = _SectionPlan.make(files, outs, printer.workers, chunk, joined, Path(tmp))
        if plan is None:
            return set()
        _print_plans(printer, [plan])
        return plan.finish()


class _SectionPlan:
    """The joint prints of one batch of profiles (:func:`print_sections`) and what came of them."""

    def __init__(self, files, outs, parts, raw, groups, folder: Path, joined) -> None:
        import hashlib

        self.files, self.outs, self.groups = list(files), list(outs), groups
        self.shas = [hashlib.sha256(b).hexdigest() for b in raw]
        self.doc_titles = [_doc_title(p[0]) for p in parts]
        self.join = _Joined(joined, self.doc_titles[0]) if joined is not None else None
        head, tail = _with_mark_style(parts[0][0]), parts[0][2]
        self.joint, self.prints = [], []
        self.charts = StandIns()  # printed as stand-ins, their data put in afterwards
        self.wanted: list[set[int]] = []  # the charts of each joint print
        for g, idx in enumerate(groups):
            page = folder / f"teil_{g}.html"
            body, used = self.charts.swap(
                "".join(_marked(parts[i][1], k) for k, i in enumerate(idx))
            )
            page.write_text(head + body + tail, encoding="utf-8")
            self.joint.append(page)
            self.prints.append(folder / f"teil_{g}.pdf")
            self.wanted.append(used)
        self.done: set[int] = set()
        self.readers: dict[int, object] = {}

    @classmethod
    def make(cls, files, outs, workers: int, chunk, joined, folder: Path) -> _SectionPlan | None:
        """The plan, or None if the files are not profiles of one template."""
        raw = [Path(f).read_bytes() for f in files]
        try:
            parts = [_split_document(b.decode("utf-8")) for b in raw]
        except UnicodeDecodeError:
            return None
        # the same head and tail; only the document title (not printed) may differ
        if not all(parts) or len({(_TITLE_RE.sub("", p[0]), p[2]) for p in parts}) != 1:
            return None
        if _HEAD_END_RE.search(parts[0][0]) is None:
            return None  # no place for the marks' style
        n = len(files)
        size = chunk or max(1, -(-n // max(workers, -(-n // SECTION_CHUNK))))
        groups = [list(range(i, min(n, i + size))) for i in range(0, n, size)]
        folder.mkdir(parents=True, exist_ok=True)
        return cls(files, outs, parts, raw, groups, folder, joined)

    def cut(self, g: int) -> None:
        """Each file's pages of joint print ``g`` into its PDF (as soon as that print exists)."""
        idx = self.groups[g]
        reader, pieces = _cut(
            self.prints[g],
            [self.doc_titles[i] for i in idx],
            lambda r: put_images(r, self.charts.images, self.wanted[g]),
        )
        if pieces is None:
            return
        for i, data in zip(idx, pieces, strict=True):
            self.outs[i].write_bytes(data)
            record_print(self.files[i], self.outs[i], self.shas[i], data)
            self.done.add(i)
        self.readers[g] = reader

    def finish(self) -> set[int]:
        """The joined file (when every file was printed here); the indices printed."""
        if self.join is not None and len(self.done) == len(self.files):
            for g in range(len(self.groups)):  # in order: the pages of file 0, 1, …
                self.join.add(self.readers[g])
            self.join.write([(f, sha) for f, sha in zip(self.files, self.shas, strict=True)])
        return self.done


def _print_plans(printer: PdfPrinter, plans: Sequence[_SectionPlan]) -> None:
    """All joint prints of ``plans`` on the printer's tabs at once; each is cut when it is done.

    A tab takes the next joint print as soon as it is free, whichever batch it
    belongs to; cutting one print (Python) overlaps the browser's work on the others.
    """
    owners = [(p, g) for p in plans for g in range(len(p.groups))]
    printer.print_files(
        [p.joint[g] for p, g in owners],
        [p.prints[g] for p, g in owners],
        tagged=False,
        on_done=lambda k: owners[k][0].cut(owners[k][1]),
    )


class _Joined:
    """One PDF with the pages of several joint prints, in order (all profiles in one file)."""

    def __init__(self, joined: tuple[Path, str | None], first_title: str | None) -> None:
        from pypdf import PdfWriter

        self.out, self.title = Path(joined[0]), joined[1]
        self.first_title = first_title
        self.writer = PdfWriter()
        self.meta: dict[str, str] | None = None

    def add(self, reader) -> None:
        if self.meta is None:  # those of the first file (as the first profile's PDF has them)
            self.meta = _metadata(reader)
        for page in reader.pages:
            self.writer.add_page(page)

    def write(self, sources: list[tuple[Path, str]]) -> None:
        meta = dict(self.meta or {})
        title = self.title if self.title is not None else self.first_title
        if title:
            meta["/Title"] = title
        if meta:
            self.writer.add_metadata(meta)
        tmp = self.out.with_name(self.out.name + ".tmp")
        with open(tmp, "wb") as f:
            self.writer.write(f)
        tmp.replace(self.out)
        record_joint_print(sources, self.out)  # its pages are the prints of all files, in order


_TITLE_RE = re.compile(r"<title>(.*?)</title>", re.S | re.I)


def _doc_title(head: str) -> str | None:
    m = _TITLE_RE.search(head)
    return _heading(m.group(1)) if m else None


def _metadata(reader) -> dict[str, str]:
    return {k: str(v) for k, v in (reader.metadata or {}).items()}


def _cut(pdf: Path, doc_titles: list[str | None], complete: Callable[[object], bool]):
    """The print's reader and the pages of each mark, as PDFs (None: marks missing).

    ``complete(reader)`` puts the charts into the print (:mod:`~sozialraum.report.print_images`);
    when it answers False the pages are None too. The browser's PDFs are well-formed,
    so they are read strictly (no scan for repairs: a third of the time); a file that
    is not is read again the tolerant way.
    """
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    for strict in (True, False):
        try:
            reader = PdfReader(str(pdf), strict=strict)
            return reader, (_cut_pages(reader, doc_titles) if complete(reader) else None)
        except PyPdfError:
            if not strict:
                raise
    raise AssertionError("unreachable")


def _mark_pages(reader, n: int) -> list[int] | None:
    """Page index of marks ``0 … n-1`` of a joint print (its named destinations), or None.

    None unless every mark is there, the first on the first page and each on a
    later page than the one before.
    """
    named = reader.named_destinations  # keys: "/name" (catalog /Dests) or "name" (name tree)
    starts = []
    for k in range(n):
        dest = named.get(f"/{_MARK}{k}", named.get(f"{_MARK}{k}"))
        page = reader.get_destination_page_number(dest) if dest is not None else -1
        if page < 0 or (starts and page <= starts[-1]) or (not starts and page != 0):
            return None
        starts.append(page)
    return starts


def _drop_mark_links(reader, starts: list[int]) -> bool:
    """Take mark ``k``'s link annotation off page ``starts[k]``; False if one is not there."""
    from pypdf.generic import ArrayObject, NameObject

    for k, p in enumerate(starts):
        page = reader.pages[p]
        annots = page.get("/Annots")
        annots = annots.get_object() if annots is not None else []
        keep = [
            a for a in annots if str(a.get_object().get("/Dest", "")).lstrip("/") != f"{_MARK}{k}"
        ]
        if len(keep) != len(annots) - 1:
            return False
        if keep:
            page[NameObject("/Annots")] = ArrayObject(keep)
        else:
            del page["/Annots"]
    return True


def _cut_pages(reader, doc_titles: list[str | None]) -> list[bytes] | None:
    import io

    from pypdf import PdfWriter

    starts = _mark_pages(reader, len(doc_titles))
    if starts is None or not _drop_mark_links(reader, starts):
        return None
    bounds = list(zip(starts, starts[1:] + [len(reader.pages)], strict=True))
    meta = _metadata(reader)
    out = []
    for (a, b), title in zip(bounds, doc_titles, strict=True):
        writer = PdfWriter()
        for p in range(a, b):
            writer.add_page(reader.pages[p])
        writer.add_metadata({**meta, **({"/Title": title} if title else {})})
        buf = io.BytesIO()
        writer.write(buf)
        out.append(buf.getvalue())
    return out


def merge_pdfs(pdfs: Sequence[str | Path], out: str | Path, *, title: str | None = None) -> Path:
    """Join PDFs page by page into ``out`` (``pypdf``), e.g. all profiles of a level in one file.

    Each profile starts on a new page, so the joined file has the same pages as one
    print of all profiles together, at a fraction of the time. ``title`` becomes the
    document title; the other metadata are those of the first file.
    """
    from pypdf import PdfReader, PdfWriter

    out = Path(out)
    writer = PdfWriter()
    meta: dict = {}
    for i, p in enumerate(pdfs):
        reader = PdfReader(str(p))
        if i == 0 and reader.metadata:
            meta = {k: str(v) for k, v in reader.metadata.items()}
        writer.append(reader)
    if title is not None:
        meta["/Title"] = title
    if meta:
        writer.add_metadata(meta)
    tmp = out.with_name(out.name + ".tmp")
    with open(tmp, "wb") as f:
        writer.write(f)
    tmp.replace(out)
    record_join(pdfs, out)  # its text is that of the parts (for the release check)
    return out
