"""Shared test fixtures.

* ``shared_data``: the real public data in ``../shared/data`` (skips with a
  reason where the folder is absent, e.g. in a checkout outside the workplace).
* ``musterland``: paths of the shipped example district.
* ``esda_warm``: pays esda's numba compilation (~14 s) once per test session.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(os.environ.get("SOZIALRAUM_SHARED_DATA", ROOT.parent / "shared" / "data"))


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """Folder of the real public data; skip when it is not beside the project."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"real public data not found at {SHARED_DATA} (../shared/data is absent)")
    return SHARED_DATA


@pytest.fixture(scope="session")
def root() -> Path:
    """The repository root."""
    return ROOT


@pytest.fixture(scope="session")
def musterland() -> dict[str, Path]:
    """Paths of the shipped example district (see examples/musterland/README.md)."""
    ex = ROOT / "examples" / "musterland"
    return {
        "boundaries": ROOT / "data" / "boundaries" / "musterland.gpkg",
        "examples": ex,
    }


@pytest.fixture(scope="session")
def esda_warm() -> None:
    """Compile esda's numba kernels once per session (they are not cached on disk)."""
    import numpy as np
    from esda.moran import Moran_Local
    from libpysal.weights import lat2W

    w = lat2W(3, 3)
    Moran_Local(np.arange(9, dtype=float), w, permutations=9, seed=1)


@pytest.fixture(scope="session")
def demo_run(tmp_path_factory, musterland):
    """The full yearly run on Musterland, once per session (outputs in a temp folder)."""
    from sozialraum.pipeline import run

    out = tmp_path_factory.mktemp("demo") / "out"
    return run(musterland["examples"] / "monitor.toml", out)


@pytest.fixture(scope="session")
def musterland_config(musterland):
    """Write the Musterland config into a folder, with absolute data paths and lines replaced.

    ``musterland_config(folder, (old, new), ...)`` → path of the written ``monitor.toml``.
    Every quoted relative path that names a shipped file becomes absolute, so the copy
    runs from anywhere.
    """
    import re

    src = musterland["examples"] / "monitor.toml"

    def absolute(m: re.Match) -> str:
        rel = m.group(1)
        target = (src.parent / rel).resolve()
        return f'"{target}"' if target.exists() or "{jahr}" in rel else m.group(0)

    def write(folder, *replacements):
        text = re.sub(
            r'"([^"\n]+(?:\.(?:gpkg|toml|xlsx|csv|tif|md)|/))"',  # files, and folders ending in /
            absolute,
            src.read_text(encoding="utf-8"),
        )
        for old, new in replacements:
            assert old in text, old
            text = text.replace(old, new)
        path = folder / "monitor.toml"
        path.write_text(text, encoding="utf-8")
        return path

    return write


@pytest.fixture(scope="session")
def chromium():
    """One headless Chromium for every browser test of the session (system Chromium).

    One Playwright session per process: a second one in the same thread refuses to start
    ("Sync API inside the asyncio loop"), so the browser and website suites share this one.
    """
    import os

    def missing(why: str):  # in CI (CI=true) a missing system part fails the suite
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(why)
        pytest.skip(why)

    exe = os.environ.get("SOZIALRAUM_CHROMIUM", "/usr/bin/chromium")
    if not Path(exe).exists():
        missing(f"Chromium not found at {exe} (apt-get install chromium; `make test` does it)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing("Python package playwright is not installed")
    args = [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
    ]
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=exe, headless=True, args=args)
        try:
            yield browser
        finally:
            browser.close()
