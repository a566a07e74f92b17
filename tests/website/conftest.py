"""Fixtures of the website tests: the Sozialatlas of Musterland and of the city example,
each built once per session from checked releases, and a headless Chromium.

Chromium is Debian's ``/usr/bin/chromium`` driven by Playwright (as in ``tests/browser``);
without it the tests skip on a workstation and fail under ``CI=true``.
"""

from __future__ import annotations

import os
import warnings
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("SOZIALRAUM_CHROMIUM", "/usr/bin/chromium")
ROOT = Path(__file__).resolve().parents[2]
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]


def _missing(why: str):
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"{why} (CI=true: the website tests must run)")
    pytest.skip(why)


def build(config: Path, out: Path, municipal: list[str] = ()):
    """Compute a configuration's results and write its checked sites (public + municipal)."""
    from sozialraum.errors import SozialraumWarning
    from sozialraum.pipeline.common import release_policy
    from sozialraum.pipeline.config import load_config
    from sozialraum.pipeline.results import area_results
    from sozialraum.pipeline.run import RunState, compute_all_rates, compute_monitor, load_inputs
    from sozialraum.pipeline.website_step import build_sites
    from sozialraum.privacy import ReleaseData

    cfg = load_config(config)
    state = RunState(config=cfg, lang="de")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SozialraumWarning)
        for step in (load_inputs, compute_all_rates, compute_monitor):
            state = step(state)
    sr, st = area_results(state)
    data = ReleaseData.from_rollup(
        sr,
        st,
        state.rollup,
        state.catalogue,
        name="test",
        area_ags_col=cfg["gebiete"]["gemeinde_spalte"],
    )
    jobs = [("oeffentlich", None)] + [("kommunal", a) for a in municipal]

    def where(level, ags):
        return out / ("oeffentlich" if ags is None else f"kommunal-{ags}")

    build_sites(state, data, jobs, where, check=False)  # the tests run the check themselves
    return {
        "folder": out / "oeffentlich",
        "kommunal": {a: out / f"kommunal-{a}" for a in municipal},
        "data": data,
        "policy": release_policy(cfg),
        "state": state,
        "n_areas": len(state.areas),
    }


@pytest.fixture(scope="session")
def ml_site(tmp_path_factory):
    """Musterland: the public site and the site of the municipality 07999001."""
    out = tmp_path_factory.mktemp("site-ml")
    return build(ROOT / "examples" / "musterland" / "monitor.toml", out, ["07999001"])


@pytest.fixture(scope="session")
def city_site(tmp_path_factory):
    """Musterstadt (452 planning areas, 12 boroughs): the public site."""
    out = tmp_path_factory.mktemp("site-city")
    return build(ROOT / "examples" / "musterstadt" / "monitor.toml", out)


# ``chromium``: one headless browser for the whole session, in tests/conftest.py (two
# Playwright sessions in one thread refuse each other).


@pytest.fixture
def page(chromium):
    """A fresh page without network; ``page.log`` collects console errors and blocked requests."""
    context = chromium.new_context(viewport={"width": 1200, "height": 800}, locale="de-DE")
    pg = context.new_page()
    log = {"errors": [], "blocked": []}
    pg.on("console", lambda m: m.type == "error" and log["errors"].append(m.text))
    pg.on("pageerror", lambda e: log["errors"].append(str(e)))

    def route(r):
        url = r.request.url
        if url.startswith(("file:", "data:", "about:", "blob:")):
            r.continue_()
        else:
            log["blocked"].append(url)
            r.abort()

    context.route("**/*", route)
    pg.log = log
    try:
        yield pg
    finally:
        context.close()
