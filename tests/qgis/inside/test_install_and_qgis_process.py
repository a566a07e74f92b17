"""The ZIP from qgis_plugin/build.py installs into a clean profile; qgis_process runs an algorithm.

``/usr/bin/qgis_process.bin`` is used (Debian's ``/usr/bin/qgis_process`` wrapper is
broken here). QGIS's system Python gets the wheels of ``.venv-qgis`` via PYTHONPATH
(what the plugin's deps folder does for users).
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import site
import subprocess
import zipfile
from pathlib import Path

import pytest
from qgis_helpers import PLUGIN_SRC

QGIS_PROCESS = Path("/usr/bin/qgis_process.bin")
IDS = [
    "angebote_finden",
    "bevoelkerungsvorausberechnung",
    "erreichbarkeit",
    "foerderkulisse",
    "hotspots",
    "indikatoren_verknuepfen",
    "kitaplanung",
    "klassensicherheit",
    "klassifizieren",
    "lisa",
    "pflegebedarf",
    "raten_index",
    "regionen_hochrechnen",
    "steckbriefe",
    "veroeffentlichung",
    "webkarte",
    "zonale_statistik",
]


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """Build the ZIP, unzip it into an empty plugin folder, make a clean profile."""
    spec = importlib.util.spec_from_file_location("sozialraum_build", PLUGIN_SRC / "build.py")
    build = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build)
    tmp = tmp_path_factory.mktemp("install")
    zpath = build.build(tmp / "dist")
    plugins = tmp / "plugins"
    with zipfile.ZipFile(zpath) as zf:
        zf.extractall(plugins)
    home = tmp / "home"
    home.mkdir()
    env = dict(os.environ)
    env.update(
        HOME=str(home),
        TMPDIR=str(tmp),
        QT_QPA_PLATFORM="offscreen",
        QGIS_PLUGINPATH=str(plugins),
        PYTHONPATH=os.pathsep.join(site.getsitepackages()),
    )
    return zpath, plugins, env


def _qp(env, *args, timeout=300):
    return subprocess.run(
        [str(QGIS_PROCESS), *args], env=env, capture_output=True, text=True, timeout=timeout
    )


def test_zip_contents(installed):
    import sozialraum

    zpath, plugins, _ = installed
    assert zpath.name == f"sozialraum_qgis-{sozialraum.__version__}.zip"
    pdir = plugins / "sozialraum_qgis"
    meta = (pdir / "metadata.txt").read_text(encoding="utf-8")
    assert f"version={sozialraum.__version__}" in meta and "hasProcessingProvider=yes" in meta
    for f in (
        "__init__.py",
        "icon.svg",
        "LICENSE",
        "requirements.txt",
        "ext/sozialraum/__init__.py",
    ):
        assert (pdir / f).exists(), f
    assert not list(pdir.rglob("__pycache__"))


@pytest.mark.skipif(
    not QGIS_PROCESS.exists(), reason="/usr/bin/qgis_process.bin fehlt (Paket qgis)"
)
def test_zip_installs_into_clean_profile_and_lists_algorithms(installed):
    _, _, env = installed
    r = _qp(env, "plugins", "enable", "sozialraum_qgis")
    assert r.returncode == 0, r.stdout + r.stderr
    r = _qp(env, "list")
    assert r.returncode == 0, r.stderr  # no crash at exit (RTLD_DEEPBIND preload)
    lines = r.stdout.splitlines()
    start = lines.index("Sozialraum")
    block = []
    for ln in lines[start + 1 :]:
        if not ln.startswith("\t"):
            break
        block.append(ln.strip().split("\t")[0])
    # the tools and the shipped model (models/jahreslauf.model3)
    assert sorted(block) == sorted(f"sozialraum:{i}" for i in (*IDS, "jahreslauf"))


@pytest.mark.skipif(
    not QGIS_PROCESS.exists(), reason="/usr/bin/qgis_process.bin fehlt (Paket qgis)"
)
def test_qgis_process_json_equals_library(installed, joined, lib_joined, tmp_path):
    from qgis_helpers import read_out

    from sozialraum.monitor import classify

    _, _, env = installed
    _qp(env, "plugins", "enable", "sozialraum_qgis")
    path, _ = joined
    out = tmp_path / "klassen_qp.gpkg"
    r = _qp(
        env,
        "run",
        "sozialraum:klassifizieren",
        "--json",
        "--",
        f"INPUT={path}",
        "KEY=sr_id",
        "FIELD=ew_ges",
        "SCHEME=3",
        "K=4",
        f"OUTPUT={out}",
    )
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    data = json.loads(r.stdout[r.stdout.index("{") :])
    assert data["algorithm_details"]["id"] == "sozialraum:klassifizieren"
    assert data["provider_details"]["name"] == "Sozialraum"
    assert Path(data["results"]["OUTPUT"]) == out
    ref = classify(lib_joined[0].frame["ew_ges"], scheme="fisher_jenks", k=4)
    got = read_out(out)
    assert got["ew_ges_klasse"].astype("Int64").tolist() == ref.classes.tolist()
    assert got["ew_ges_label"].tolist() == ref.labels.astype(object).tolist()
    # the class counts are in the log, in German number format
    info = (
        "\n".join(data["log"]["info"])
        if isinstance(data["log"]["info"], list)
        else data["log"]["info"]
    )
    for lab, n in zip(ref.legend, ref.counts, strict=True):
        assert f"{lab}: {n}" in info
    assert re.search(r"\d\.\d{3},\d", info)  # e.g. 1.265,5
