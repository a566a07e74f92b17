"""HTML → PDF with headless Chromium.

Two ways, same result:

* :func:`html_to_pdf` — one Chromium process per document (``--print-to-pdf``),
  about 1.5 s per document here;
* :func:`html_to_pdf_batch` — **one** Chromium process for a whole batch, driven
  over the DevTools protocol on a pipe (``--remote-debugging-pipe``: JSON
  messages on file descriptors 3/4, no network port, no extra Python package):
  open a page, ``Page.navigate`` to each file, wait for ``Page.loadEventFired``,
  ``Page.printToPDF``. Falls back to :func:`html_to_pdf` per file if the pipe
  fails.

Every run uses a fresh ``--user-data-dir`` (removed afterwards) and the flags
that work headless as root here (``../shared/ENVIRONMENT.md``). The browser is
``$SOZIALRAUM_CHROMIUM`` or the first of ``chromium``, ``chromium-browser``,
``google-chrome`` on ``PATH``; if none is found a German error names the apt
command.
"""

from __future__ import annotations

import base64
import json
import os
import select
import shutil
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Sequence
from pathlib import Path

from sozialraum._i18n import get_lang, t
from sozialraum.errors import SozialraumError, SozialraumWarning

__all__ = ["ChromiumError", "CHROMIUM_FLAGS", "find_chromium", "html_to_pdf", "html_to_pdf_batch"]

CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
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
        "de": "Für PDF-Dateien wird der Browser Chromium gebraucht, er wurde aber nicht gefunden. "
        "Bitte installieren: sudo apt-get install -y chromium (oder den Pfad in der Umgebungsvariablen "
        "SOZIALRAUM_CHROMIUM angeben). Die HTML-Dateien wurden trotzdem geschrieben.",
        "en": "PDF output needs the Chromium browser, which was not found. Install it: "
        "sudo apt-get install -y chromium (or set SOZIALRAUM_CHROMIUM to its path). The HTML files were written.",
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
        "en": "Chromium batch printing over the DevTools pipe failed ({err}); the remaining PDFs are printed "
        "one by one (slower).",
    },
    "no_html": {"de": "HTML-Datei {file} nicht gefunden.", "en": "HTML file {file} not found."},
}

_FOOTER = (
    '<div style="font-size:7px;width:100%;text-align:center;color:#666;font-family:sans-serif">'
    '<span class="pageNumber"></span> / <span class="totalPages"></span></div>'
)


class ChromiumError(SozialraumError, RuntimeError):
    """Chromium is missing or failed to print a PDF (message in German by default)."""


def find_chromium(lang: str | None = None) -> str:
    """Path of the Chromium executable; raises :class:`ChromiumError` with the apt command if absent."""
    env = os.environ.get("SOZIALRAUM_CHROMIUM")
    if env:
        if Path(env).is_file() and os.access(env, os.X_OK):
            return env
        raise ChromiumError(t(_MSG, "missing", lang))
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        p = shutil.which(name)
        if p:
            return p
    raise ChromiumError(t(_MSG, "missing", lang))


def html_to_pdf(
    html: str | Path,
    pdf: str | Path | None = None,
    *,
    timeout: float = 60.0,
    lang: str | None = None,
) -> Path:
    """Print one HTML file to PDF with its own Chromium process (``--print-to-pdf``)."""
    L = get_lang(lang)
    html = Path(html).resolve()
    if not html.is_file():
        raise ChromiumError(t(_MSG, "no_html", L, file=html))
    pdf = Path(pdf) if pdf is not None else html.with_suffix(".pdf")
    exe = find_chromium(L)
    prof = tempfile.mkdtemp(prefix="sozialraum-chromium-")
    try:
        cmd = [
            exe,
            *CHROMIUM_FLAGS,
            f"--user-data-dir={prof}",
            "--no-pdf-header-footer",
            f"--print-to-pdf={pdf.resolve()}",
            html.as_uri(),
        ]
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


class _Cdp:
    """Minimal DevTools-protocol client over ``--remote-debugging-pipe``."""

    def __init__(self, exe: str, timeout: float) -> None:
        self.timeout = timeout
        self.prof = tempfile.mkdtemp(prefix="sozialraum-chromium-")
        to_chrome_r, self._w = os.pipe()
        self._r, from_chrome_w = os.pipe()
        args = [
            exe,
            *CHROMIUM_FLAGS,
            f"--user-data-dir={self.prof}",
            "--remote-debugging-pipe",
            "about:blank",
        ]
        # a tiny Python trampoline puts the pipe ends on fds 3 and 4 (where Chromium expects
        # them) whatever numbers they have here, then becomes Chromium (exec)
        tramp = (
            "import os, sys; r, w = int(sys.argv[1]), int(sys.argv[2]); "
            "r = r if r > 4 else os.dup(r); w = w if w > 4 else os.dup(w); "
            "os.dup2(r, 3); os.dup2(w, 4); os.execv(sys.argv[3], sys.argv[3:])"
        )
        self.proc = subprocess.Popen(
            [sys.executable, "-c", tramp, str(to_chrome_r), str(from_chrome_w), *args],
            pass_fds=(to_chrome_r, from_chrome_w),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        self._buf = b""
        self._id = 0
        self._events: list[dict] = []

    def _read_message(self, deadline: float) -> dict:
        while b"\0" not in self._buf:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError
            ready, _, _ = select.select([self._r], [], [], left)
            if not ready:
                raise TimeoutError
            chunk = os.read(self._r, 1 << 20)
            if not chunk:
                raise ConnectionError("chromium closed the pipe")
            self._buf += chunk
        msg, self._buf = self._buf.split(b"\0", 1)
        return json.loads(msg)

    def send(
        self,
        method: str,
        params: dict | None = None,
        session: str | None = None,
        timeout: float | None = None,
    ) -> dict:
        self._id += 1
        msg = {"id": self._id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        data = json.dumps(msg).encode() + b"\0"
        while data:
            n = os.write(self._w, data)
            data = data[n:]
        deadline = time.monotonic() + (timeout or self.timeout)
        while True:
            m = self._read_message(deadline)
            if m.get("id") == self._id:
                if "error" in m:
                    raise RuntimeError(m["error"].get("message", str(m["error"])))
                return m.get("result", {})
            if "method" in m:
                self._events.append(m)

    def wait_event(self, method: str, session: str | None, timeout: float) -> dict:
        deadline = time.monotonic() + timeout
        while True:
            for i, e in enumerate(self._events):
                if e.get("method") == method and (session is None or e.get("sessionId") == session):
                    return self._events.pop(i)
            m = self._read_message(deadline)
            if "method" in m:
                self._events.append(m)

    def close(self) -> None:
        try:
            if self.proc.poll() is None:
                try:
                    self.send("Browser.close", timeout=5)
                except Exception:  # noqa: BLE001 - closing anyway
                    pass
                try:
                    self.proc.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    self.proc.kill()
                    self.proc.wait(timeout=5)
        finally:
            for fd in (self._r, self._w):
                try:
                    os.close(fd)
                except OSError:
                    pass
            shutil.rmtree(self.prof, ignore_errors=True)


def html_to_pdf_batch(
    files: Sequence[str | Path],
    out_dir: str | Path | None = None,
    *,
    timeout: float = 120.0,
    page_numbers: bool = False,
    lang: str | None = None,
) -> list[Path]:
    """Print many HTML files to PDF with one Chromium process (DevTools pipe).

    Parameters
    ----------
    files
        HTML files; each gives ``<name>.pdf`` beside it (or in ``out_dir``).
    timeout
        Seconds allowed per document (and for the browser start).
    page_numbers
        Let Chromium print "page / pages" in its own footer (the templates use
        CSS ``@page { @bottom-center { … } }`` margin boxes instead, which
        Chromium ≥ 131 supports).

    Returns
    -------
    list of Path
        The PDF files, in the order of ``files``.
    """
    L = get_lang(lang)
    files = [Path(f).resolve() for f in files]
    if not files:
        return []
    for f in files:
        if not f.is_file():
            raise ChromiumError(t(_MSG, "no_html", L, file=f))
    exe = find_chromium(L)
    outs = [
        (Path(out_dir) / f.with_suffix(".pdf").name) if out_dir else f.with_suffix(".pdf")
        for f in files
    ]
    done: list[Path] = []
    cdp = None
    try:
        cdp = _Cdp(exe, timeout)
        target = cdp.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = cdp.send("Target.attachToTarget", {"targetId": target, "flatten": True})[
            "sessionId"
        ]
        cdp.send("Page.enable", session=session)
        opts = {
            "printBackground": True,
            "preferCSSPageSize": True,
            "displayHeaderFooter": page_numbers,
        }
        if page_numbers:
            opts.update(headerTemplate="<div></div>", footerTemplate=_FOOTER)
        for f, o in zip(files, outs, strict=True):
            cdp._events.clear()
            cdp.send("Page.navigate", {"url": f.as_uri()}, session=session)
            cdp.wait_event("Page.loadEventFired", session, timeout)
            res = cdp.send("Page.printToPDF", opts, session=session, timeout=timeout)
            o.write_bytes(base64.b64decode(res["data"]))
            done.append(o)
    except (
        TimeoutError,
        ConnectionError,
        RuntimeError,
        OSError,
        KeyError,
        json.JSONDecodeError,
    ) as exc:
        warnings.warn(t(_MSG, "fallback", L, err=repr(exc)), SozialraumWarning, stacklevel=2)
        # the pipe failed: print the rest one process per document
        for f, o in list(zip(files, outs, strict=True))[len(done) :]:
            done.append(html_to_pdf(f, o, timeout=timeout, lang=L))
    finally:
        if cdp is not None:
            cdp.close()
    return done
