"""Dependency check at load time, and installation into QGIS's Python.

A well-known failure of comparable plugins is that PySAL and friends cannot be
installed into QGIS's Python. This module therefore

* checks, without ever raising, that ``sozialraum`` and the packages it needs
  are there (at start-up only looked up, before an algorithm runs imported;
  :func:`find_missing`; the module names are a parameter so that tests can
  simulate a missing package);
* imports the wheels that bundle their own PROJ/GDAL with ``RTLD_DEEPBIND``
  (:func:`preload`), which keeps QGIS from aborting at exit on Linux;
* builds a readable German/English message naming what is missing, with the
  exact command to install it (:func:`message`, :func:`pip_command`);
* installs with pip into a folder of the QGIS profile
  (``<profile>/python/sozialraum_deps``, added to ``sys.path`` at start-up by
  :func:`setup_paths`) — a ``--target`` folder works with the Debian/Ubuntu
  system Python (PEP 668 "externally managed") and needs no administrator rights;
* shows a dialog offering the installation with a progress window
  (:func:`show_missing_dialog`; GUI only, never used by ``qgis_process``).

Only ``qgis.PyQt`` is used for Qt (works with Qt 5 and Qt 6).
"""

from __future__ import annotations

import importlib
import os
import shlex
import sys
from pathlib import Path

from .i18n import get_lang, tr

PLUGIN_DIR = Path(__file__).resolve().parent

#: Import names checked at load (module → pip requirement).
REQUIRED: dict[str, str] = {
    "numpy": "numpy<2",
    "pandas": "pandas>=2.0",
    "shapely": "shapely>=2.0",
    "pyproj": "pyproj>=3.5",
    "pyogrio": "pyogrio>=0.7",
    "geopandas": "geopandas>=0.14",
    "scipy": "scipy>=1.10",
    "libpysal": "libpysal>=4.9",
    "esda": "esda>=2.5",
    "mapclassify": "mapclassify>=2.6",
    "rasterio": "rasterio>=1.3",
    "folium": "folium>=0.15",
    "openpyxl": "openpyxl>=3.1",
    "pypdf": "pypdf>=4.0",
    "xstatic.pkg.leaflet": "xstatic-leaflet",
    "sozialraum": "sozialraum",
}

#: Extra pins that keep pip wheels compatible with the GDAL/attrs of Linux distributions' QGIS
#: (numpy 2 breaks osgeo.gdal_array, affine needs attrs >= 23.2).
PINS = ("numpy<2", "attrs>=23.2", "pyarrow<26")

_MSG = {
    "missing": {
        "de": "Dem Plugin „Sozialraum“ fehlen Python-Pakete in der Python-Umgebung von QGIS:\n{lines}\n\n"
        "Installation (in einem Terminal, danach QGIS neu starten):\n{cmd}",
        "en": "The 'Sozialraum' plugin is missing Python packages in QGIS's Python environment:\n{lines}\n\n"
        "Install them (in a terminal, then restart QGIS):\n{cmd}",
    },
    "title": {"de": "Sozialraum: fehlende Pakete", "en": "Sozialraum: missing packages"},
    "ask": {
        "de": "Jetzt mit pip in den QGIS-Profilordner installieren?\n({target})",
        "en": "Install them now with pip into the QGIS profile folder?\n({target})",
    },
    "install": {"de": "Installieren", "en": "Install"},
    "copy": {"de": "Befehl kopieren", "en": "Copy command"},
    "close": {"de": "Schließen", "en": "Close"},
    "progress": {"de": "Installiere Pakete mit pip …", "en": "Installing packages with pip …"},
    "done": {
        "de": "Installation abgeschlossen. Bitte QGIS neu starten.",
        "en": "Installation finished. Please restart QGIS.",
    },
    "failed": {
        "de": "Die Installation ist fehlgeschlagen (Code {code}). Ausgabe von pip:\n{out}\n\nBefehl:\n{cmd}",
        "en": "The installation failed (code {code}). pip's output:\n{out}\n\nCommand:\n{cmd}",
    },
    "no_python": {
        "de": "Das Python von QGIS wurde nicht gefunden; bitte den Befehl selbst ausführen.",
        "en": "QGIS's Python executable was not found; please run the command yourself.",
    },
}


#: Binary wheels that bundle their own PROJ/GDAL. Inside the QGIS executable (GUI and
#: ``qgis_process``) the system PROJ is already loaded globally; without ``RTLD_DEEPBIND`` the
#: wheels' copies bind to its symbols and the process aborts at exit ("double free" in
#: ``libproj``). Loading them with ``RTLD_DEEPBIND`` keeps each library on its own symbols.
BINARY_WHEELS = ("pyproj", "shapely", "pyogrio", "rasterio")


def preload(modules=BINARY_WHEELS) -> None:
    """Import the PROJ/GDAL-bundling wheels with ``RTLD_DEEPBIND`` (Linux; never raises)."""
    deep = getattr(os, "RTLD_DEEPBIND", None)
    if deep is None or not sys.platform.startswith("linux"):
        return
    old = sys.getdlopenflags()
    try:
        sys.setdlopenflags(old | deep)
        for name in modules:
            if name in sys.modules:
                continue
            try:
                importlib.import_module(name)
            except Exception:  # noqa: BLE001 - reported by find_missing
                pass
    finally:
        sys.setdlopenflags(old)


def find_missing(modules=None, *, deep: bool = True) -> list[tuple[str, str]]:
    """Modules that are missing or do not import, with the reason (never raises).

    Parameters
    ----------
    modules
        Import names to check; default: the keys of :data:`REQUIRED`.
    deep
        ``True``: import them (finds broken binary wheels too; used before an
        algorithm runs). ``False``: only look them up (``importlib.util.find_spec``,
        no import — fast, used at QGIS start-up).
    """
    import importlib.util

    names = list(modules if modules is not None else REQUIRED)
    if deep:
        preload()
    missing = []
    for name in names:
        try:
            if deep:
                importlib.import_module(name)
            elif name not in sys.modules and importlib.util.find_spec(name) is None:
                missing.append((name, "ModuleNotFoundError: No module named " + repr(name)))
        except Exception as exc:  # noqa: BLE001 - ImportError, or a broken binary wheel
            missing.append((name, f"{type(exc).__name__}: {exc}".strip()))
    return missing


def deps_dir() -> Path:
    """Folder of the QGIS profile into which missing packages are installed."""
    try:
        from qgis.core import QgsApplication

        base = Path(QgsApplication.qgisSettingsDirPath())
    except Exception:  # noqa: BLE001
        base = Path.home() / ".local" / "share" / "QGIS" / "QGIS3" / "profiles" / "default"
    return base / "python" / "sozialraum_deps"


def setup_paths() -> list[str]:
    """Put the bundled library (``ext/``) and the profile's deps folder first on ``sys.path``.

    Returns the folders added. Called once when the plugin is loaded.
    """
    added = []
    for folder in (deps_dir(), PLUGIN_DIR / "ext"):
        f = str(folder)
        if Path(f).is_dir() and f not in sys.path:
            sys.path.insert(0, f)
            added.append(f)
    return added


def python_executable() -> str | None:
    """The Python interpreter QGIS runs on (``sys.executable`` is QGIS itself on some systems)."""
    exe = Path(sys.executable)
    if exe.name.lower().startswith("python") and exe.exists():
        return str(exe)
    ver = f"{sys.version_info.major}.{sys.version_info.minor}"
    candidates = [
        Path(sys.prefix) / "python.exe",  # Windows (OSGeo4W, standalone installer)
        Path(sys.prefix) / "python3.exe",
        Path(sys.prefix) / "bin" / f"python{ver}",  # macOS bundle, Linux
        Path(sys.prefix) / "bin" / "python3",
        Path(sys.exec_prefix) / "bin" / "python3",
        Path("/usr/bin") / f"python{ver}",
    ]
    for c in candidates:
        if c.exists():
            return str(c)
    return None


def requirements(missing_modules=None) -> list[str]:
    """pip requirements to install: the plugin's ``requirements.txt`` (written by build.py) or :data:`REQUIRED`.

    ``sozialraum`` itself is left out when it is bundled with the plugin (``ext/``).
    """
    req_file = PLUGIN_DIR / "requirements.txt"
    if req_file.exists():
        reqs = [
            ln.strip()
            for ln in req_file.read_text(encoding="utf-8").splitlines()
            if ln.strip() and not ln.startswith("#")
        ]
    else:
        reqs = list(REQUIRED.values())
    if (PLUGIN_DIR / "ext" / "sozialraum").is_dir():
        reqs = [r for r in reqs if not r.startswith("sozialraum")]
    for pin in PINS:
        name = pin.split("<")[0].split(">")[0].split("=")[0]
        reqs = [r for r in reqs if r.split("<")[0].split(">")[0].split("=")[0] != name] + [pin]
    return reqs


def pip_command(packages=None, target: Path | None = None, python: str | None = None) -> list[str]:
    """The exact pip command (as a list) installing ``packages`` into the profile's deps folder."""
    py = python or python_executable() or "python3"
    tgt = target or deps_dir()
    return [
        py,
        "-m",
        "pip",
        "install",
        "--upgrade",
        "--target",
        str(tgt),
        *(packages or requirements()),
    ]


def command_text(cmd: list[str]) -> str:
    """The command as one line to paste into a terminal (Windows or POSIX quoting)."""
    if os.name == "nt":
        import subprocess

        return subprocess.list2cmdline(cmd)
    return " ".join(shlex.quote(c) for c in cmd)


def message(missing, lang: str | None = None) -> str:
    """Readable message naming the missing modules and the command that installs them."""
    lines = "\n".join(f"  • {name} ({err})" for name, err in missing)
    return tr(_MSG, "missing", lang or get_lang(), lines=lines, cmd=command_text(pip_command()))


def show_missing_dialog(iface, missing, *, modules=None):
    """Dialog: what is missing; buttons "Installieren" (pip with progress), "Befehl kopieren", "Schließen".

    Returns the clicked choice: ``"install"``, ``"copy"`` or ``"close"``.
    """
    from qgis.PyQt.QtWidgets import QApplication, QMessageBox

    lang = get_lang()
    parent = iface.mainWindow() if iface is not None else None
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(tr(_MSG, "title", lang))
    box.setText(message(missing, lang) + "\n\n" + tr(_MSG, "ask", lang, target=deps_dir()))
    b_install = box.addButton(tr(_MSG, "install", lang), QMessageBox.ButtonRole.AcceptRole)
    b_copy = box.addButton(tr(_MSG, "copy", lang), QMessageBox.ButtonRole.ActionRole)
    box.addButton(tr(_MSG, "close", lang), QMessageBox.ButtonRole.RejectRole)
    box.exec()
    clicked = box.clickedButton()
    if clicked == b_copy:
        QApplication.clipboard().setText(command_text(pip_command()))
        return "copy"
    if clicked == b_install:
        install_with_progress(parent)
        return "install"
    return "close"


_last_process = None


def install_with_progress(parent=None, packages=None):
    """Run pip in a ``QProcess`` and show its output in a progress dialog (cancellable)."""
    from qgis.PyQt.QtCore import QProcess
    from qgis.PyQt.QtWidgets import QMessageBox, QProgressDialog

    lang = get_lang()
    cmd = pip_command(packages)
    if python_executable() is None:
        QMessageBox.warning(
            parent,
            tr(_MSG, "title", lang),
            tr(_MSG, "no_python", lang) + "\n\n" + command_text(cmd),
        )
        return None
    deps_dir().mkdir(parents=True, exist_ok=True)
    dlg = QProgressDialog(tr(_MSG, "progress", lang), tr(_MSG, "close", lang), 0, 0, parent)
    dlg.setWindowTitle(tr(_MSG, "title", lang))
    dlg.setMinimumWidth(520)
    proc = QProcess(parent)
    proc.setProcessChannelMode(QProcess.ProcessChannelMode.MergedChannels)
    output: list[str] = []

    def on_output():
        text = bytes(proc.readAllStandardOutput()).decode("utf-8", "replace")
        output.append(text)
        last = [ln for ln in text.splitlines() if ln.strip()]
        if last:
            dlg.setLabelText(tr(_MSG, "progress", lang) + "\n" + last[-1][:120])

    def on_finished(code, _status=None):
        dlg.reset()
        if code == 0:
            setup_paths()
            QMessageBox.information(parent, tr(_MSG, "title", lang), tr(_MSG, "done", lang))
        else:
            QMessageBox.warning(
                parent,
                tr(_MSG, "title", lang),
                tr(
                    _MSG,
                    "failed",
                    lang,
                    code=code,
                    out="".join(output)[-3000:],
                    cmd=command_text(cmd),
                ),
            )

    proc.readyReadStandardOutput.connect(on_output)
    proc.finished.connect(on_finished)
    dlg.canceled.connect(proc.kill)
    proc.start(cmd[0], cmd[1:])
    dlg.show()
    global _last_process  # noqa: PLW0603 - keeps the QProcess alive while pip runs
    _last_process = proc
    return proc
