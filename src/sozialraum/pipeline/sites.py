"""``sozialraum site``: the public Sozialatlas of a run configuration or a run folder.

Computes every result of the yearly run (:func:`~sozialraum.pipeline.run.compute_state`,
the same numbers as the run) and writes the checked sites of
:mod:`sozialraum.pipeline.website_step`; nothing else is written.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from sozialraum.core.text import slugify
from sozialraum.pipeline.common import Files
from sozialraum.pipeline.config import load_config
from sozialraum.pipeline.results import area_results
from sozialraum.pipeline.run import compute_state
from sozialraum.pipeline.website_step import build_sites, config_of
from sozialraum.privacy import ReleaseData, package_name

__all__ = ["sites_from_config"]


def sites_from_config(
    config: str | Path,
    target: str | Path,
    *,
    municipal: bool | list[str] = False,
    lang: str | None = None,
) -> Files:
    """``sozialraum site``: compute the run's results (nothing else is written) and write sites.

    The public site goes to ``target``; with ``municipal`` (True or a list of keys) one
    site per municipality to ``target/kommunal-<AGS>``.
    """
    cfg = load_config(config_of(config, lang), lang=lang)
    with tempfile.TemporaryDirectory(prefix="sozialraum_webseite_") as tmp:
        state = compute_state(cfg, lang or cfg.lang, Path(tmp))
        return _write_sites(state, target, municipal)


def _write_sites(state, target: str | Path, municipal: bool | list[str]) -> Files:
    cfg = state.config
    sr, st = area_results(state)
    data = ReleaseData.from_rollup(
        sr,
        st,
        state.rollup,
        state.catalogue,
        name=slugify(cfg["projekt"]["name"]),
        area_ags_col=cfg["gebiete"]["gemeinde_spalte"],
    )
    jobs: list[tuple[str, str | None]] = [("oeffentlich", None)]
    if municipal:
        keys = data.municipalities() if municipal is True else [str(a) for a in municipal]
        jobs += [("kommunal", a) for a in keys]
    target = Path(target)

    def where(level: str, ags: str | None) -> Path:
        return target if level == "oeffentlich" else target / package_name(level, ags)

    return build_sites(state, data, jobs, where)
