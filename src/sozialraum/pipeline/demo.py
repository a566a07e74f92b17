"""The example analysis of Landkreis Musterland (``sozialraum demo``, ``make demo``).

Runs the whole yearly chain (:func:`sozialraum.pipeline.run.run`) on the
shipped example district with ``examples/musterland/monitor.toml``, and offers
:func:`load_musterland` for notebooks and tests: the areas, the catalogue and the
joined tables of three years as they arrive (Excel and job-centre CSV).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sozialraum._i18n import get_lang, t
from sozialraum.errors import InputError

__all__ = ["run_demo", "find_example_data", "load_musterland"]


_MSG = {
    "no_data": {
        "de": "Beispieldaten nicht gefunden (gesucht: {paths}). Bitte im Projektordner ausführen.",
        "en": "example data not found (looked in: {paths}). Run it from the project folder.",
    },
}


def find_example_data(start: Path | None = None) -> Path:
    """The repository root holding ``examples/musterland`` and ``data/boundaries``."""
    candidates = []
    for base in [start or Path.cwd(), Path(__file__).resolve().parents[3]]:
        candidates.append(base)
        if (base / "examples" / "musterland").is_dir() and (base / "data" / "boundaries").is_dir():
            return base
    raise InputError(t(_MSG, "no_data", None, paths=", ".join(str(c) for c in candidates)))


def load_musterland(root: Path, *, lang: str | None = None):
    """Read Musterland's areas, catalogue and tables of all years.

    Returns
    -------
    dict
        ``areas`` (GeoDataFrame), ``gemeinden``, ``kreis``, ``catalogue``, and
        ``years``: year → :class:`~sozialraum.join.JoinResult` of both sources.
    """
    from sozialraum.pipeline.config import load_config
    from sozialraum.pipeline.run import RunState, load_inputs

    # the same reading and joining as the yearly run, from Musterland's own config
    cfg = load_config(Path(root) / "examples" / "musterland" / "monitor.toml", lang=lang)
    state = load_inputs(RunState(config=cfg, lang=get_lang(lang or cfg.lang)))
    return {
        "areas": state.areas,
        "gemeinden": state.gemeinden,
        "kreis": state.kreis,
        "catalogue": state.catalogue,
        "years": state.joined,
    }


def run_demo(
    out: str | Path = "out/demo",
    *,
    root: Path | None = None,
    lang: str | None = None,
    echo: Callable[[str], None] | None = None,
):
    """Run the Musterland example (``examples/musterland/monitor.toml``) into ``out``.

    This is exactly ``sozialraum run examples/musterland/monitor.toml --out out``:
    every output of the yearly run (tables, maps, Steckbriefe, Sozialbericht,
    release packages, manifest) for the shipped example district.

    Returns
    -------
    sozialraum.pipeline.run.RunResult
    """
    from sozialraum.pipeline.run import run

    root = root or find_example_data()
    return run(root / "examples" / "musterland" / "monitor.toml", out, lang=lang, echo=echo)
