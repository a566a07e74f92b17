"""Fixtures of the tests that run inside QGIS's Python (see ../test_qgis_suite.py).

One headless QGIS per session (offscreen Qt, HOME/TMPDIR in a temp folder),
Processing initialised, the Sozialraum provider registered from the source
folder ``qgis_plugin/``, and the joined Musterland layer as common input.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from qgis_helpers import AREAS, EX, GPKG, PLUGIN_SRC, ROOT  # noqa: E402,F401

if "SOZIALRAUM_QGIS_INSIDE" not in os.environ:  # run directly: isolate QGIS's files as well
    _tmp = tempfile.mkdtemp(prefix="sozialraum_qgis_")
    os.environ.update(HOME=_tmp, TMPDIR=_tmp, XDG_RUNTIME_DIR=_tmp)
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("SOZIALRAUM_LANG", "de")
tempfile.tempdir = None

import pytest  # noqa: E402

if str(PLUGIN_SRC) not in sys.path:
    sys.path.insert(0, str(PLUGIN_SRC))
sys.path.append("/usr/share/qgis/python/plugins")

from qgis.core import QgsApplication  # noqa: E402

_APP = QgsApplication([], False)
_APP.initQgis()


@pytest.fixture(scope="session")
def qgis_app():
    return _APP


@pytest.fixture(scope="session")
def provider(qgis_app):
    """The Sozialraum provider, registered once (a reference is kept for the session)."""
    from processing.core.Processing import Processing

    Processing.initialize()
    from sozialraum_qgis.provider import SozialraumProvider

    prov = SozialraumProvider()
    assert QgsApplication.processingRegistry().addProvider(prov)
    yield prov
    QgsApplication.processingRegistry().removeProvider(prov)


@pytest.fixture(scope="session")
def run(provider):
    """``run(alg_id, params, feedback=None)`` → results of ``processing.run``."""
    import processing

    def _run(alg, params, feedback=None):
        return processing.run(f"sozialraum:{alg}", params, feedback=feedback)

    return _run


@pytest.fixture(scope="session")
def outdir(tmp_path_factory):
    return tmp_path_factory.mktemp("out")


@pytest.fixture(scope="session")
def joined(run, outdir):
    """Musterland 2024 joined through the plugin: (path, results)."""
    out = outdir / "joined.gpkg"
    res = run(
        "indikatoren_verknuepfen",
        {
            "INPUT": AREAS,
            "KEY": "sr_id",
            "NAME": "sr_name",
            "TABLE": str(EX / "indikatoren_2024.xlsx"),
            "TABLE2": str(EX / "jobcenter_2024.csv"),
            "SHEET": "Daten",
            "CATALOGUE": str(EX / "katalog.toml"),
            "OUTPUT": str(out),
        },
    )
    return out, res


@pytest.fixture(scope="session")
def lib_joined():
    """The same join done with the library directly (the reference)."""
    from sozialraum.io import read_areas, read_catalogue, read_table
    from sozialraum.join import join_tables

    areas = read_areas(GPKG, layer="sozialraeume", key="sr_id", name="sr_name")
    cat = read_catalogue(EX / "katalog.toml")
    tables = [
        read_table(EX / "indikatoren_2024.xlsx", sheet="Daten", columns=cat),
        read_table(EX / "jobcenter_2024.csv", columns=cat),
    ]
    return join_tables(areas, tables, area_names="sr_name"), cat
