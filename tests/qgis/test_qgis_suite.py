"""Run the QGIS plugin tests (tests/qgis/inside) inside QGIS's Python, headless.

QGIS 3.22 (Debian ``python3-qgis``) lives in the system Python ``/usr/bin/python3``;
the library is installed for it into ``.venv-qgis`` (``make qgis-venv``). This test
starts ``.venv-qgis/bin/python -m pytest tests/qgis/inside`` with an offscreen Qt
platform and a fresh HOME/TMPDIR, and fails with the inner output if any inner
test fails. Without QGIS or the venv it is skipped with the command to run (under
``CI=true`` it fails instead, so that the QGIS tools are never silently untested).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SYS_PY = Path("/usr/bin/python3")
VENV_PY = ROOT / ".venv-qgis" / "bin" / "python"
INSIDE = Path(__file__).resolve().parent / "inside"
APT = (
    "sudo apt-get install -y --no-install-recommends python3-qgis qgis-providers qgis python3-venv"
)


def _system_qgis() -> str | None:
    if not SYS_PY.exists():
        return f"{SYS_PY} fehlt"
    r = subprocess.run(
        [str(SYS_PY), "-c", "import qgis.core"], capture_output=True, text=True, timeout=120
    )
    if r.returncode != 0:
        return f"{SYS_PY} kann qgis.core nicht importieren ({r.stderr.strip().splitlines()[-1:] or ''})"
    return None


def _missing(why: str) -> None:
    """Skip on a workstation; in CI (``CI=true``) a missing QGIS fails: the tools must be tested."""
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"{why} (CI=true: die QGIS-Werkzeuge müssen getestet werden)")
    pytest.skip(why)


def test_qgis_plugin_suite():
    why = _system_qgis()
    if why:
        _missing(f"QGIS nicht installiert: {why}. Installieren mit: {APT}; danach: make qgis-venv")
    if not VENV_PY.exists():
        _missing(f"{VENV_PY} fehlt (Python von QGIS mit sozialraum). Anlegen mit: make qgis-venv")
    # a private folder (not pytest's basetemp, which other pytest sessions may prune) for QGIS's
    # profile (HOME) and all temporary files of the inner run
    with tempfile.TemporaryDirectory(prefix="sozialraum_qgis_") as tmpdir:
        home, tmp = Path(tmpdir) / "home", Path(tmpdir) / "tmp"
        home.mkdir()
        tmp.mkdir()
        env = {
            k: v
            for k, v in os.environ.items()
            if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "QGIS_PLUGINPATH")
        }
        env.update(
            QT_QPA_PLATFORM="offscreen",
            HOME=str(home),
            TMPDIR=str(tmp),
            XDG_RUNTIME_DIR=str(tmp),
            SOZIALRAUM_QGIS_INSIDE="1",
            SOZIALRAUM_LANG="de",
        )
        cmd = [
            str(VENV_PY),
            "-m",
            "pytest",
            str(INSIDE),
            "-q",
            "-p",
            "no:cacheprovider",
            "-p",
            "no:xdist",
            "--basetemp",
            str(tmp / "pytest"),
        ]
        proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=1800)
    tail = proc.stdout.strip().splitlines()[-1:] if proc.stdout.strip() else []
    sys.stdout.write(f"inner QGIS suite: {tail}\n")
    assert proc.returncode == 0, (
        f"QGIS-Plugin-Tests fehlgeschlagen (Code {proc.returncode}): {' '.join(cmd)}\n"
        f"--- stdout ---\n{proc.stdout[-30000:]}\n--- stderr ---\n{proc.stderr[-8000:]}"
    )
