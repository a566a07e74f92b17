"""Which PDF is the print of which HTML file: records kept by the process that prints.

The release checker reads the text of every published file. A PDF that this
process printed from an HTML file shows that file's text; when the HTML file is
checked in the same release check and both files are unchanged since the print
(SHA-256 of their bytes), the PDF need not be read again — its text was checked
in the HTML. :mod:`sozialraum.report.pdf` records every print and every joined
PDF here; :mod:`sozialraum.privacy.checker` asks :func:`print_sources`.

The records live in memory only: a PDF not printed by this process (copied in,
edited, printed elsewhere) has no record, or a different checksum, and is read
like any other file.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Sequence
from pathlib import Path

__all__ = [
    "adopt_prints",
    "file_sha256",
    "forget_prints",
    "print_sources",
    "prints_under",
    "record_join",
    "record_joint_print",
    "record_print",
]

#: resolved PDF path → (SHA-256 of the PDF, ((resolved HTML path, SHA-256 of the HTML), …))
_RECORDS: dict[str, tuple[str, tuple[tuple[str, str], ...]]] = {}
_LOCK = threading.Lock()


def _new_lock() -> None:
    """A forked copy gets a free lock (the printing thread may have held it at the fork)."""
    global _LOCK
    _LOCK = threading.Lock()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_new_lock)


def file_sha256(path: str | Path) -> str:
    """SHA-256 of a file's bytes (hex)."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _key(path: str | Path) -> str:
    return str(Path(path).resolve())


def record_print(html: str | Path, pdf: str | Path, html_sha256: str, pdf_bytes: bytes) -> None:
    """Remember that ``pdf`` (written with ``pdf_bytes``) is the print of ``html``.

    ``html_sha256`` is the checksum of the HTML bytes the browser was given.
    """
    entry = (hashlib.sha256(pdf_bytes).hexdigest(), ((_key(html), html_sha256),))
    with _LOCK:
        _RECORDS[_key(pdf)] = entry


def record_joint_print(sources: Sequence[tuple[str | Path, str]], pdf: str | Path) -> None:
    """Remember that ``pdf`` (as it is now) holds the prints of ``sources``, one after the other.

    ``sources`` are ``(html, sha256)``: each HTML file and the checksum of the bytes
    the browser was given. For a file whose pages are, in order, the pages printed
    from each of these files: all profiles in one file, joined from the prints that
    each profile's pages were cut from (:func:`sozialraum.report.pdf.print_sections`).
    """
    entry = (file_sha256(pdf), tuple((_key(html), sha) for html, sha in sources))
    with _LOCK:
        _RECORDS[_key(pdf)] = entry


def record_join(parts: Sequence[str | Path], out: str | Path) -> None:
    """Remember that ``out`` joins the pages of ``parts`` (each a recorded, unchanged print).

    If any part has no valid record, ``out`` gets none (it will be read).
    """
    sources: list[tuple[str, str]] = []
    for p in parts:
        src = print_sources(p)
        if src is None:
            with _LOCK:
                _RECORDS.pop(_key(out), None)
            return
        sources += src
    entry = (file_sha256(out), tuple(sources))
    with _LOCK:
        _RECORDS[_key(out)] = entry


def print_sources(pdf: str | Path) -> tuple[tuple[str, str], ...] | None:
    """The HTML files (resolved path, SHA-256) ``pdf`` was printed from, if it is unchanged.

    ``None`` when this process did not print ``pdf`` or its bytes changed since.
    """
    with _LOCK:
        entry = _RECORDS.get(_key(pdf))
    if entry is None:
        return None
    try:
        same = file_sha256(pdf) == entry[0]
    except OSError:
        return None
    return entry[1] if same else None


def prints_under(folder: str | Path) -> dict:
    """The records of the PDFs below ``folder`` (for a process forked before they were made)."""
    root = _key(folder)
    with _LOCK:
        return {k: v for k, v in _RECORDS.items() if Path(k).is_relative_to(root)}


def adopt_prints(records: dict) -> None:
    """Take over records made by another process (:func:`prints_under`)."""
    with _LOCK:
        _RECORDS.update(records)


def forget_prints() -> None:
    """Drop every record (tests)."""
    with _LOCK:
        _RECORDS.clear()
