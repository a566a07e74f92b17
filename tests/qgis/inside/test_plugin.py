"""Plugin mechanics: dependency check, cancellation, metadata, language, styles."""

from __future__ import annotations

import re

import pytest
from qgis_helpers import PLUGIN_SRC, ROOT


def test_metadata_in_step_with_library():
    import sozialraum

    meta = (PLUGIN_SRC / "sozialraum_qgis" / "metadata.txt").read_text(encoding="utf-8")
    assert re.search(r"^version=(.+)$", meta, re.M).group(1).strip() == sozialraum.__version__
    assert re.search(r"^qgisMinimumVersion=3\.22$", meta, re.M)
    assert re.search(r"^hasProcessingProvider=yes$", meta, re.M)
    assert (PLUGIN_SRC / "sozialraum_qgis" / "icon.svg").exists()


def test_missing_dependency_gives_message_not_crash(provider, outdir):
    """A non-existent module in the check: plugin loads, the message names it, algorithms refuse cleanly."""
    import processing
    from qgis.core import QgsApplication, QgsProcessingException
    from qgis_helpers import AREAS
    from sozialraum_qgis import deps
    from sozialraum_qgis.plugin import SozialraumPlugin
    from sozialraum_qgis.provider import SozialraumProvider

    fake = "sozialraum_gibt_es_nicht_xyz"
    plugin = SozialraumPlugin(None, modules=("numpy", fake))
    missing = plugin.check()  # what initGui/initProcessing do first; never raises
    assert [m for m, _ in missing] == [fake]
    assert fake in plugin.message and "pip" in plugin.message and "--target" in plugin.message
    assert "fehlen Python-Pakete" in plugin.message
    assert str(deps.deps_dir()) in plugin.message

    class BrokenProvider(SozialraumProvider):  # same algorithms under another id
        def id(self):
            return "sozialraum_test"

    reg = QgsApplication.processingRegistry()
    broken = BrokenProvider(modules=("numpy", fake))
    assert reg.addProvider(broken)
    try:
        assert len(broken.algorithms()) == len(provider.algorithms())  # still listed
        with pytest.raises(QgsProcessingException) as exc:
            processing.run(
                "sozialraum_test:klassifizieren",
                {
                    "INPUT": AREAS,
                    "KEY": "sr_id",
                    "FIELD": "sr_id",
                    "OUTPUT": str(outdir / "x.gpkg"),
                },
            )
        assert fake in str(exc.value) and "Traceback" not in str(exc.value)
    finally:
        reg.removeProvider("sozialraum_test")


def test_full_check_passes_in_this_environment():
    from sozialraum_qgis import deps

    assert deps.find_missing() == []
    assert deps.find_missing(deep=False) == []


def test_pip_command_and_requirements():
    from sozialraum_qgis import deps

    cmd = deps.pip_command(["esda"], target=ROOT / "x")
    assert (
        cmd[1:5] == ["-m", "pip", "install", "--upgrade"]
        and "--target" in cmd
        and cmd[-1] == "esda"
    )
    reqs = deps.requirements()
    assert "numpy<2" in reqs and "attrs>=23.2" in reqs


def test_cancellation_stops_a_long_run(run, joined, monkeypatch):
    """Zonal statistics in 80 chunks of one area; the feedback cancels after a few steps."""
    from qgis.core import QgsProcessingException, QgsProcessingFeedback
    from qgis_helpers import EX
    from sozialraum_qgis.algorithms.zonal import ZonalAlgorithm

    import sozialraum.raster as raster

    calls = []
    real = raster.zonal_stats

    def counting(*a, **k):
        calls.append(1)
        return real(*a, **k)

    monkeypatch.setattr(raster, "zonal_stats", counting)
    monkeypatch.setattr(ZonalAlgorithm, "CHUNK", 1)

    class CancelSoon(QgsProcessingFeedback):
        def __init__(self):
            super().__init__()
            self.asked = 0

        def isCanceled(self):  # noqa: N802
            self.asked += 1
            return len(calls) >= 3

    fb = CancelSoon()
    path, _ = joined
    with pytest.raises(QgsProcessingException, match="Abgebrochen"):
        run(
            "zonale_statistik",
            {
                "INPUT": str(path),
                "KEY": "sr_id",
                "RASTER": str(EX / "bevoelkerung_100m.tif"),
                "STATS": [0],
                "OUTPUT": "TEMPORARY_OUTPUT",
            },
            feedback=fb,
        )
    assert len(calls) == 3  # 3 of 80 chunks, then stopped
    assert fb.asked >= 3


def test_english_names(monkeypatch, provider):
    monkeypatch.setenv("SOZIALRAUM_LANG", "en")
    from sozialraum_qgis.algorithms.lisa import LisaAlgorithm

    alg = LisaAlgorithm()
    assert alg.displayName() == "Global Moran's I / LISA" and alg.group() == "Spatial statistics"
    monkeypatch.setenv("SOZIALRAUM_LANG", "de")
    assert LisaAlgorithm().displayName() == "Globales Moran's I / LISA"


def test_styles_ranges_match_right_closed_classes():
    from sozialraum_qgis import styles

    ranges = styles.classification_ranges([1, 2, 3, 10], [2, 3, 10], ["a", "b", "c"])
    assert ranges == [(1.0, 2.0, "a"), (2.0, 3.0, "b"), (3.0, 10.0, "c")]
    assert len(styles.ramp(5)) == 5 and styles.ramp(9) == styles.YLORRD


_GUI_SCRIPT = r"""
import sys
sys.path.insert(0, sys.argv[1])
from qgis.core import QgsApplication
app = QgsApplication([], True)
app.initQgis()
from qgis.PyQt.QtWidgets import QApplication, QMessageBox
from sozialraum_qgis import deps

def fake_exec(self):  # "click" a button instead of waiting for the user
    self._clicked = next(b for b in self.buttons() if b.text() == sys.argv[2])
    return 0

QMessageBox.exec = fake_exec
QMessageBox.clickedButton = lambda self: self._clicked
shown = []
QMessageBox.information = staticmethod(lambda parent, title, text: shown.append(("info", text)))
QMessageBox.warning = staticmethod(lambda parent, title, text: shown.append(("warn", text)))
deps.pip_command = lambda packages=None, target=None, python=None: [
    sys.executable, "-c", "print('Collecting esda'); print('Successfully installed esda')"]
choice = deps.show_missing_dialog(None, [("esda", "ModuleNotFoundError: No module named 'esda'")])
print("CHOICE", choice)
if choice == "copy":
    print("CLIPBOARD", QApplication.clipboard().text())
if choice == "install":
    proc = deps._last_process
    assert proc.waitForFinished(30000)
    app.processEvents()
    print("SHOWN", shown)
"""


@pytest.mark.parametrize("button", ["Befehl kopieren", "Installieren"])
def test_dependency_dialog_gui(button, tmp_path):
    """The dialog in a GUI QGIS (own process): copy puts the command on the clipboard; install runs pip."""
    import os
    import subprocess
    import sys

    script = tmp_path / "gui.py"
    script.write_text(_GUI_SCRIPT, encoding="utf-8")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    r = subprocess.run(
        [sys.executable, str(script), str(PLUGIN_SRC), button],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert r.returncode == 0, r.stdout + r.stderr
    if button == "Befehl kopieren":
        assert "CHOICE copy" in r.stdout and "CLIPBOARD " in r.stdout
    else:
        assert "CHOICE install" in r.stdout
        assert "Installation abgeschlossen" in r.stdout


def test_result_loaded_into_project_is_styled(provider, joined):
    """Dialog behaviour: a temporary output is loaded into the project with the LISA/Gi* style."""
    import processing
    from qgis.core import QgsCategorizedSymbolRenderer, QgsProject

    path, _ = joined
    before = set(QgsProject.instance().mapLayers())
    res = processing.runAndLoadResults(
        "sozialraum:hotspots",
        {"INPUT": str(path), "KEY": "sr_id", "FIELD": "sgb2_pers", "OUTPUT": "TEMPORARY_OUTPUT"},
    )
    assert res["OUTPUT"].endswith(".gpkg")
    new = [lyr for lid, lyr in QgsProject.instance().mapLayers().items() if lid not in before]
    assert len(new) == 1 and new[0].featureCount() == 80
    r = new[0].renderer()
    assert isinstance(r, QgsCategorizedSymbolRenderer) and r.classAttribute() == "gi_code"
    assert [c.label() for c in r.categories()][:2] == ["Hot Spot 99 %", "Hot Spot 95 %"]
    QgsProject.instance().removeAllMapLayers()


_NO_LIBRARY_SCRIPT = r"""
import sys

class NoLibrary:  # the library is not importable: as in a profile before ext/ is on sys.path
    def find_spec(self, name, path=None, target=None):
        if name == "sozialraum" or name.startswith("sozialraum."):
            raise ModuleNotFoundError(f"No module named {name!r}")
        return None

sys.meta_path.insert(0, NoLibrary())
sys.path.insert(0, sys.argv[1])
import sozialraum_qgis.provider  # noqa: F401 - registers every algorithm class
import sozialraum_qgis.styles  # noqa: F401
print("LOADED", sorted(m for m in sys.modules if m == "sozialraum" or m.startswith("sozialraum.")))
"""


def test_plugin_modules_load_without_the_library(tmp_path):
    """Regression: styles.py imported the library at load, before the plugin put its bundled
    copy (ext/) on sys.path; in a clean profile QGIS said "error starting plugin" and the
    toolbox had no Sozialraum algorithms."""
    import os
    import subprocess
    import sys

    script = tmp_path / "no_library.py"
    script.write_text(_NO_LIBRARY_SCRIPT, encoding="utf-8")
    r = subprocess.run(
        [sys.executable, str(script), str(PLUGIN_SRC)],
        env=dict(os.environ, QT_QPA_PLATFORM="offscreen"),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert r.returncode == 0, r.stdout + r.stderr
    assert "LOADED []" in r.stdout, r.stdout
