"""One Musterland, three doors: the session's shared results.

* ``yearly``: ``sozialraum run`` on a copy of ``examples/musterland/monitor.toml``
  (``pdf = false``: the PDFs are not compared here), once per session;
* ``cli``: the single steps ``join → index → lisa``, ``access`` and ``map`` on the
  command line (in-process ``sozialraum.cli.main``), written as GeoPackages;
* ``api``: the same steps through ``import sozialraum`` (the reference), with the
  parameters of the run configuration.

The QGIS door is compared inside QGIS (``tests/qgis/inside/test_consistency_qgis.py``)
against the same API reference, using the same comparison (``cellwise.py``).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from reference import GI_COLUMN, KITA, SEED, reference  # noqa: E402


@dataclass
class Doors:
    """Paths and frames of one door's results."""

    folder: Path
    files: dict[str, Path] = field(default_factory=dict)
    frames: dict = field(default_factory=dict)


@pytest.fixture(scope="session")
def cons_config(tmp_path_factory, musterland_config):
    """The Musterland run configuration with absolute paths and without PDFs."""
    return musterland_config(
        tmp_path_factory.mktemp("consistency_cfg"), ("pdf = true", "pdf = false")
    )


@pytest.fixture(scope="session")
def yearly(tmp_path_factory, cons_config, esda_warm) -> Path:
    """``sozialraum run monitor.toml --out …`` once per session: the output folder."""
    from sozialraum.cli import main

    out = tmp_path_factory.mktemp("consistency_run") / "out"
    assert main(["run", str(cons_config), "--out", str(out)]) == 0
    return out


def _cli(args: list[str]) -> None:
    from sozialraum.cli import main

    code = main([str(a) for a in args])
    assert code == 0, f"sozialraum {' '.join(map(str, args))} → exit code {code}"


@pytest.fixture(scope="session")
def cli(tmp_path_factory, musterland, esda_warm) -> Doors:
    """The single steps on the command line, each written as a GeoPackage."""
    ex, gpkg = musterland["examples"], musterland["boundaries"]
    d = Doors(tmp_path_factory.mktemp("consistency_cli"))
    f = d.files
    f["join"], f["index"], f["lisa"] = (
        d.folder / n for n in ("join.gpkg", "index.gpkg", "lisa.gpkg")
    )
    f["access"], f["map"] = d.folder / "access.gpkg", d.folder / "karte.html"
    f["gi"] = d.folder / "lisa_sgb2.gpkg"
    # fmt: off
    _cli(["join", gpkg, ex / "indikatoren_2024.xlsx", ex / "jobcenter_2024.csv",
          ex / "wanderung_junge_2024.csv",
          "--layer", "sozialraeume", "--key", "sr_id", "--name", "sr_name", "--sheet", "Daten",
          "--katalog", ex / "katalog.toml", "--out", f["join"]])
    _cli(["index", f["join"], "--schluessel", "sr_id", "--katalog", ex / "katalog.toml",
          "--min-nenner", 300, "--schema", "quantiles", "--klassen", 5, "--seed", SEED,
          "--out", f["index"]])
    _cli(["lisa", f["index"], "--schluessel", "sr_id", "--spalte", "idx_gesamt",
          "--permutationen", 999, "--seed", SEED, "--alpha", 0.05, "--korrektur", "fdr",
          "--out", f["lisa"]])
    # Gi* only where values cannot be negative: a rate, not the index (refused there)
    _cli(["lisa", f["index"], "--schluessel", "sr_id", "--spalte", GI_COLUMN,
          "--permutationen", 999, "--seed", SEED, "--alpha", 0.05, "--korrektur", "fdr",
          "--out", f["gi"]])
    _cli(["access", f["join"], "--schluessel", "sr_id",
          "--einrichtungen", ex / "einrichtungen.gpkg", "--kategorie", KITA["kategorie"],
          "--zielgruppe", *KITA["zielgruppe"], "--methode", "2sfca",
          "--radius", KITA["radius"], "--out", f["access"]])
    _cli(["map", f["lisa"], "--schluessel", "sr_id", "--name", "sr_name",
          "--spalte", "idx_gesamt", "--out", f["map"]])
    # fmt: on
    return d


@pytest.fixture(scope="session")
def api(musterland, esda_warm) -> Doors:
    """The reference: the same steps through the Python API (nothing written)."""
    d = Doors(musterland["examples"])
    d.frames.update(reference(musterland["boundaries"], musterland["examples"]))
    return d
