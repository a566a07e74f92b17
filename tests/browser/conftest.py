"""Headless Chromium for browser tests (Debian's /usr/bin/chromium via Playwright).

Playwright's own browser download does not work here; we launch the system
Chromium with ``executable_path``.  Tests skip with a reason when Chromium or the
Python package ``playwright`` is missing.  Every page blocks all requests that are
not ``file:``/``data:``/``about:`` URLs (they are aborted and recorded), so a test
sees exactly what a laptop without network would.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("SOZIALRAUM_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@dataclass
class PageLog:
    """What happened on a page: console messages, page errors, blocked/failed requests, dialogs."""

    console: list[tuple[str, str]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    @property
    def console_errors(self) -> list[str]:
        return [text for kind, text in self.console if kind == "error"]


# ``chromium``: one headless browser for the whole session, in tests/conftest.py (two
# Playwright sessions in one thread refuse each other).


@pytest.fixture
def offline_page(chromium):
    """A fresh page with the network cut off; yields ``(page, log)``."""
    context = chromium.new_context(viewport={"width": 1200, "height": 800}, locale="de-DE")
    page = context.new_page()
    log = PageLog()
    page.on("console", lambda m: log.console.append((m.type, m.text)))
    page.on("pageerror", lambda e: log.errors.append(str(e)))
    page.on("requestfailed", lambda r: log.failed.append(r.url))

    def on_dialog(d):
        log.dialogs.append(d.message)
        d.dismiss()

    page.on("dialog", on_dialog)

    def route(r):
        url = r.request.url
        if url.startswith(("file:", "data:", "about:", "blob:")):
            r.continue_()
        else:
            log.blocked.append(url)
            r.abort()

    context.route("**/*", route)
    try:
        yield page, log
    finally:
        context.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """Folder for screenshots kept after the tests (git-ignored)."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
