"""Screenshots of the Sozialatlas for docs/webseite.md (Musterland, headless Chromium).

    PYTHONPATH=src python docs/webseite_screenshots.py [site-folder]

Builds the public site of Musterland (or uses a built ``site-folder``) and writes
``docs/img/webseite_{start,thema,gebiet}.png``, reduced to a palette to stay small.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

DOCS = Path(__file__).resolve().parent
SHOTS = {
    "webseite_start.png": "index.html",
    "webseite_thema.png": "thema-status-index.html",
    "webseite_gebiet.png": "gebiet-07999001001.html",
}


def main() -> None:
    from PIL import Image
    from playwright.sync_api import sync_playwright

    if len(sys.argv) > 1:
        site = Path(sys.argv[1])
    else:
        from sozialraum.pipeline.sites import sites_from_config

        site = Path(tempfile.mkdtemp()) / "webseite"
        sites_from_config(DOCS.parent / "examples" / "musterland" / "monitor.toml", site)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1100, "height": 720})
        for name, html in SHOTS.items():
            page.goto((site / html).as_uri())
            page.wait_for_selector("body[data-ready='1']")
            out = DOCS / "img" / name
            page.screenshot(path=str(out))
            Image.open(out).convert("RGB").quantize(colors=96).save(out, optimize=True)
        browser.close()


if __name__ == "__main__":
    main()
