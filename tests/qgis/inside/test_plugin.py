"""Plugin mechanics: dependency check, cancellation, metadata, language, styles."""

from __future__ import annotations

import re

import pytest
from qgis_helpers import PLUGIN_SRC


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
    assert fake in plugin.message and "installer.py" in plugin.message
    assert "fehlen Python-Pakete" in plugin.message and "Python von QGIS" in plugin.message
    assert str(deps.target_dir()) in plugin.message

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


def test_pip_command_runs_the_plugins_installer_with_qgis_python():
    from sozialraum_qgis import deps, installer

    interp = deps.interpreter()
    cmd = deps.pip_command(interp, extras=("numba",))
    assert cmd[0] == interp.python and cmd[1].endswith("installer.py")
    assert cmd[cmd.index("--profile") + 1] == str(deps.profile_dir())
    assert cmd[-2:] == ["--extra", "numba"]
    reqs = installer.read_requirements()
    assert not any(r.startswith(("pyarrow", "numba")) for r in reqs)


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
from qgis.PyQt.QtWidgets import QApplication
from sozialraum_qgis import deps, installer, pyenv

class FakeInstaller(installer.Installer):  # pip replaced by a short script; cancel still kills it
    def run(self, on_line=print):
        code = "print('Collecting esda', flush=True); import time; time.sleep(float(sys.argv[1]))"
        code = "import sys; " + code
        res = installer.Result(False, 0, self.target)
        res.code = self._run([sys.executable, "-c", code, sys.argv[3]], on_line)
        res.cancelled = self._cancelled
        res.ok = res.code == 0 and not res.cancelled
        return res

interp = pyenv.Interpreter(sys.executable, pyenv.platform_key(), sys.version_info[:2])
fake = FakeInstaller(interp, deps.deps_dir(), ["esda"])
deps.install_with_progress_real = deps.install_with_progress
deps.install_with_progress = lambda parent=None, extras=(), repair=False: deps.install_with_progress_real(
    parent, extras, repair, inst=fake)

def choose(dlg, buttons):
    geo = QApplication.primaryScreen().availableGeometry()
    assert dlg.width() <= geo.width() and dlg.height() <= geo.height(), (dlg.size(), geo)
    print("BUTTONS", [b.text() for b in buttons.values()])
    return {b.text(): k for k, b in buttons.items()}[sys.argv[2]]

choice = deps.show_missing_dialog(None, [("esda", "ModuleNotFoundError: No module named 'esda'")], choose=choose)
print("CHOICE", choice)
if choice == "copy":
    print("CLIPBOARD", QApplication.clipboard().text())
if choice == "install":
    job = deps._last_job
    if float(sys.argv[3]) > 5:  # click "Abbrechen" while pip runs
        import time
        while "Collecting esda" not in job.log.toPlainText():
            app.processEvents(); job.poll(); time.sleep(0.05)
        print("BUTTON", job.button.text())
        job.button.click()
    job.thread.join(30)
    while job.poll():
        app.processEvents()
    print("LOG", job.log.toPlainText().replace("\n", " | "))
"""


@pytest.mark.parametrize(
    ("button", "sleep"), [("Befehl kopieren", 0), ("Installieren", 0), ("Installieren", 60)]
)
def test_dependency_dialog_gui(button, sleep, tmp_path):
    """The dialog in a GUI QGIS (own process): copy puts the command on the clipboard; install
    runs the installer with progress; "Abbrechen" kills the running process."""
    import os
    import subprocess
    import sys

    script = tmp_path / "gui.py"
    script.write_text(_GUI_SCRIPT, encoding="utf-8")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    r = subprocess.run(
        [sys.executable, str(script), str(PLUGIN_SRC), button, str(sleep)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert r.returncode == 0, r.stdout + r.stderr
    assert "Reparieren" in r.stdout and "Entfernen" in r.stdout
    if button == "Befehl kopieren":
        assert "CHOICE copy" in r.stdout and "installer.py" in r.stdout.split("CLIPBOARD ")[1]
    elif sleep:
        assert "BUTTON Abbrechen" in r.stdout and "Installation abgebrochen" in r.stdout
    else:
        assert "CHOICE install" in r.stdout and "Installation abgeschlossen" in r.stdout
