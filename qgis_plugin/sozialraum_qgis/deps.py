"""Dependency check at load time, and installation into QGIS's Python.

A well-known failure of comparable plugins is that PySAL and friends cannot be
installed into QGIS's Python. This module therefore

* checks, without ever raising, that ``sozialraum`` and the packages it needs
  are there (at start-up only looked up, before an algorithm runs imported;
  :func:`find_missing`; the module names are a parameter so that tests can
  simulate a missing package);
* imports the wheels that bundle their own PROJ/GDAL with ``RTLD_DEEPBIND``
  (:func:`preload`), which keeps QGIS from aborting at exit on Linux;
* builds a readable German/English message naming what is missing, QGIS's own
  Python (:mod:`.pyenv`), the private folder and the exact command
  (:func:`message`, :func:`pip_command`);
* adds the private folder ``<profile>/python/sozialraum_deps/py3X`` at start-up
  *after* QGIS's own site-packages (:func:`setup_paths`);
* shows a scrollable, screen-sized dialog with install, repair, uninstall and copy
  (:func:`show_missing_dialog`) and a progress dialog whose "Abbrechen" kills pip
  (:func:`install_with_progress`). The installation logic itself is
  :mod:`.installer` (no Qt, tested on its own); this module only shows it.

Only ``qgis.PyQt`` is used for Qt (works with Qt 5 and Qt 6).
"""

from __future__ import annotations

import importlib
import os
import sys
from pathlib import Path

from . import installer, pyenv
from .i18n import get_lang, tr

PLUGIN_DIR = Path(__file__).resolve().parent

#: Import names checked at load (module → pip distribution; the versions are in
#: ``requirements.txt``/``pyproject.toml``, read by :func:`installer.read_requirements`).
REQUIRED: dict[str, str] = {
    "numpy": "numpy",
    "pandas": "pandas",
    "shapely": "shapely",
    "pyproj": "pyproj",
    "pyogrio": "pyogrio",
    "geopandas": "geopandas",
    "scipy": "scipy",
    "libpysal": "libpysal",
    "esda": "esda",
    "mapclassify": "mapclassify",
    "rasterio": "rasterio",
    "folium": "folium",
    "openpyxl": "openpyxl",
    "pypdf": "pypdf",
    "xstatic.pkg.leaflet": "xstatic-leaflet",
    "sozialraum": "sozialraum",
}

_MSG = {
    "missing": {
        "de": "Dem Plugin „Sozialraum“ fehlen Python-Pakete in der Python-Umgebung von QGIS:\n{lines}\n\n"
        "Python von QGIS: {python}\n"
        "Zielordner (nur für dieses Plugin, nach den Paketen von QGIS eingebunden): {target}\n\n"
        "Installation im Dialog mit „Installieren“ oder in einem Terminal (danach QGIS neu starten):\n{cmd}",
        "en": "The 'Sozialraum' plugin is missing Python packages in QGIS's Python environment:\n{lines}\n\n"
        "QGIS's Python: {python}\n"
        "Target folder (private to this plugin, used after QGIS's own packages): {target}\n\n"
        "Install them with 'Install' in the dialog or in a terminal (then restart QGIS):\n{cmd}",
    },
    "no_pip": {
        "de": "Dem Python von QGIS fehlt pip. Zuerst ausführen:\n{fix}",
        "en": "QGIS's Python has no pip. First run:\n{fix}",
    },
    "title": {"de": "Sozialraum: Python-Pakete", "en": "Sozialraum: Python packages"},
    "all_there": {
        "de": "Alle Python-Pakete des Plugins sind vorhanden.\n\nPython von QGIS: {python}\n"
        "Ordner des Plugins: {target}",
        "en": "All Python packages of the plugin are there.\n\nQGIS's Python: {python}\n"
        "The plugin's folder: {target}",
    },
    "install": {"de": "Installieren", "en": "Install"},
    "repair": {"de": "Reparieren", "en": "Repair"},
    "uninstall": {"de": "Entfernen", "en": "Uninstall"},
    "copy": {"de": "Befehl kopieren", "en": "Copy command"},
    "close": {"de": "Schließen", "en": "Close"},
    "cancel": {"de": "Abbrechen", "en": "Cancel"},
    "optional_numba": {
        "de": "Optional: numba (schnellere Permutationstests bei LISA/Gi*, ca. 150 MB)",
        "en": "Optional: numba (faster permutation tests for LISA/Gi*, about 150 MB)",
    },
    "progress": {"de": "Installiere Pakete mit pip …", "en": "Installing packages with pip …"},
    "done": {
        "de": "Installation abgeschlossen ({n} Pakete, {mb} MB in {target}). Bitte QGIS neu starten.",
        "en": "Installation finished ({n} packages, {mb} MB in {target}). Please restart QGIS.",
    },
    "cancelled": {"de": "Installation abgebrochen.", "en": "Installation cancelled."},
    "failed": {
        "de": "Die Installation ist fehlgeschlagen (Code {code}); die Ausgabe von pip steht oben.",
        "en": "The installation failed (code {code}); pip's output is shown above.",
    },
    "conflict": {
        "de": "QGIS bringt {name} {have} mit, das Plugin braucht {need}: bitte QGIS aktualisieren.",
        "en": "QGIS ships {name} {have}, the plugin needs {need}: please update QGIS.",
    },
    "shadowed": {
        "de": "Wird nicht benutzt, weil QGIS eine andere Version mitbringt: {names}",
        "en": "Not used because QGIS ships another version: {names}",
    },
    "removed": {
        "de": "Ordner entfernt: {target}. Bitte QGIS neu starten.",
        "en": "Folder removed: {target}. Please restart QGIS.",
    },
    "no_python": {
        "de": "Das Python von QGIS wurde nicht gefunden (gesucht: {tried}); bitte den Befehl selbst ausführen.",
        "en": "QGIS's Python executable was not found (looked for: {tried}); please run the command yourself.",
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


def profile_dir() -> Path:
    """The active QGIS profile folder (fallback: the default profile of the user)."""
    try:
        from qgis.core import QgsApplication

        path = QgsApplication.qgisSettingsDirPath()  # "" before QGIS is initialised
        if path:
            return Path(path)
    except Exception:  # noqa: BLE001
        pass
    return Path(pyenv.default_profile())


def deps_dir() -> Path:
    """``<profile>/python/sozialraum_deps``: the plugin's private package folder (all Python versions)."""
    return profile_dir() / "python" / installer.DEPS_NAME


def target_dir() -> Path:
    """The private folder of the running Python version (``…/sozialraum_deps/py3X``)."""
    return installer.deps_folder(deps_dir(), sys.version_info[:2])


def setup_paths() -> list[str]:
    """Put the bundled library (``ext/``) first and the private folder *last* on ``sys.path``.

    The private folder comes after QGIS's own site-packages (via ``site.addsitedir``, which
    also reads its ``.pth`` files), so QGIS keeps its numpy, matplotlib, pyproj …
    Returns the folders added. Called once when the plugin is loaded.
    """
    import site

    added = []
    ext = str(PLUGIN_DIR / "ext")
    if Path(ext).is_dir() and ext not in sys.path:
        sys.path.insert(0, ext)
        added.append(ext)
    tgt = str(target_dir())
    if Path(tgt).is_dir() and tgt not in sys.path:
        site.addsitedir(tgt)
        sys.path[:] = installer.append_site(tgt, sys.path)
        added.append(tgt)
    return added


def interpreter() -> pyenv.Interpreter:
    """QGIS's own Python (see :mod:`.pyenv`)."""
    return pyenv.find_python()


def pip_command(interp: pyenv.Interpreter | None = None, extras=()) -> list[str]:
    """The terminal command doing what "Installieren" does: the plugin's installer run by QGIS's Python."""
    interp = interp or interpreter()
    cmd = [
        interp.python or "python3",
        str(PLUGIN_DIR / "installer.py"),
        "--profile",
        str(profile_dir()),
    ]
    for e in extras:
        cmd += ["--extra", e]
    return cmd


def command_text(cmd: list[str], interp: pyenv.Interpreter | None = None) -> str:
    """The command as one line to paste into a terminal (Windows or POSIX quoting)."""
    return pyenv.command_text(cmd, interp or interpreter())


def message(missing, lang: str | None = None, interp: pyenv.Interpreter | None = None) -> str:
    """Readable message: what is missing, QGIS's Python, the target folder, the command."""
    lang = lang or get_lang()
    interp = interp or interpreter()
    lines = "\n".join(f"  • {name} ({err})" for name, err in missing)
    text = tr(
        _MSG,
        "missing",
        lang,
        lines=lines,
        python=interp.python or "?",
        target=target_dir(),
        cmd=command_text(pip_command(interp), interp),
    )
    if interp.python is None:
        text += "\n\n" + tr(_MSG, "no_python", lang, tried=", ".join(interp.tried))
    return text


def pip_hint(interp: pyenv.Interpreter, lang: str | None = None) -> str | None:
    """``None`` when QGIS's Python has pip, else the message with the exact command to get it."""
    if interp.python is None or pyenv.has_pip(interp.python):
        return None
    fix, _cmd = pyenv.pip_fix(interp, pyenv.read_os_release())
    return tr(_MSG, "no_pip", lang or get_lang(), fix=fix)


def dialog_size(screen_w: int, screen_h: int) -> tuple[int, int]:
    """Width and height of the dialogs: at most 760 × 560, never more than 90 % × 80 % of the screen."""
    return min(760, int(screen_w * 0.9)), min(560, int(screen_h * 0.8))


def _fit(dlg, parent) -> None:
    from qgis.PyQt.QtWidgets import QApplication

    screen = getattr(parent, "screen", lambda: None)() or QApplication.primaryScreen()
    geo = screen.availableGeometry()
    w, h = dialog_size(geo.width(), geo.height())
    dlg.resize(w, h)
    dlg.setMaximumSize(geo.width(), geo.height())


def show_missing_dialog(iface, missing, *, choose=None):
    """Dialog (scrollable text, screen-sized): what is missing, QGIS's Python and the folder.

    Buttons "Installieren", "Reparieren", "Entfernen", "Befehl kopieren", "Schließen";
    a check box adds the optional numba. ``choose`` (tests) replaces the user's click:
    a function ``dialog, buttons → key``. Returns the key chosen.
    """
    from qgis.PyQt.QtWidgets import (
        QApplication,
        QCheckBox,
        QDialog,
        QHBoxLayout,
        QPushButton,
        QTextBrowser,
        QVBoxLayout,
    )

    lang = get_lang()
    parent = iface.mainWindow() if iface is not None else None
    interp = interpreter()
    dlg = QDialog(parent)
    dlg.setWindowTitle(tr(_MSG, "title", lang))
    text = (
        message(missing, lang, interp)
        if missing
        else tr(_MSG, "all_there", lang, python=interp.python or "?", target=target_dir())
    )
    hint = pip_hint(interp, lang)
    view = QTextBrowser(dlg)
    view.setPlainText((hint + "\n\n" if hint else "") + text)
    numba = QCheckBox(tr(_MSG, "optional_numba", lang), dlg)
    lay = QVBoxLayout(dlg)
    lay.addWidget(view)
    lay.addWidget(numba)
    row = QHBoxLayout()
    buttons = {}
    chosen = {"key": "close"}
    for key in ("install", "repair", "uninstall", "copy", "close"):
        b = QPushButton(tr(_MSG, key, lang), dlg)
        b.clicked.connect(lambda _=False, k=key: (chosen.update(key=k), dlg.accept()))
        row.addWidget(b)
        buttons[key] = b
    lay.addLayout(row)
    _fit(dlg, parent)
    if choose is not None:
        chosen["key"] = choose(dlg, buttons)
    else:
        dlg.exec()
    key = chosen["key"]
    extras = ("numba",) if numba.isChecked() else ()
    if key == "copy":
        QApplication.clipboard().setText(command_text(pip_command(interp, extras), interp))
    elif key in ("install", "repair"):
        install_with_progress(parent, extras=extras, repair=key == "repair")
    elif key == "uninstall":
        uninstall(parent)
    return key


def uninstall(parent=None) -> bool:
    """Remove the private folder of all Python versions (after a restart QGIS no longer sees it)."""
    from qgis.PyQt.QtWidgets import QMessageBox

    removed = installer.remove_folder(deps_dir(), deps_dir())
    QMessageBox.information(
        parent, tr(_MSG, "title", get_lang()), tr(_MSG, "removed", get_lang(), target=deps_dir())
    )
    return removed


def count_progress(line: str) -> bool:
    """``True`` for a pip line that starts on one more package (progress bar step)."""
    return line.startswith(("Collecting ", "Processing ", "Using cached ", "Downloading "))


_last_job = None


class InstallJob:
    """The installer in a background thread, its lines fed to a progress dialog by a timer."""

    def __init__(self, inst: installer.Installer, dialog, log, bar, button, lang):
        import queue
        import threading

        self.inst, self.dialog, self.log, self.bar, self.button = inst, dialog, log, bar, button
        self.lang = lang
        self.lines: queue.Queue = queue.Queue()
        self.result: installer.Result | None = None
        self.error: str | None = None
        self.thread = threading.Thread(target=self._work, daemon=True)

    def _work(self):
        try:
            self.result = self.inst.run(on_line=self.lines.put)
        except Exception as exc:  # noqa: BLE001 - shown in the dialog
            self.error = f"{type(exc).__name__}: {exc}"

    def poll(self) -> bool:
        """Move new lines into the dialog; ``True`` while the installer runs."""
        while not self.lines.empty():
            line = self.lines.get()
            self.log.appendPlainText(line)
            if count_progress(line):
                self.bar.setValue(self.bar.value() + 1)
        if self.thread.is_alive():
            return True
        self.finish()
        return False

    def finish(self):
        if self.result is not None and self.result.ok:
            setup_paths()  # the tools find the packages before QGIS is restarted
        self.bar.setRange(0, 1)
        self.bar.setValue(1)
        self.log.appendPlainText("")
        self.log.appendPlainText(self.summary())
        self.button.setText(tr(_MSG, "close", self.lang))
        self.button.clicked.disconnect()
        self.button.clicked.connect(self.dialog.accept)

    def summary(self) -> str:
        res, lang = self.result, self.lang
        if self.error or res is None:
            return self.error or "?"
        if res.cancelled:
            return tr(_MSG, "cancelled", lang)
        if not res.ok:
            return tr(_MSG, "failed", lang, code=res.code)
        mb = round(installer.folder_size(res.target) / 1e6)
        out = [tr(_MSG, "done", lang, n=len(res.installed), mb=mb, target=res.target)]
        for name, have, need in res.conflicts:
            out.append(tr(_MSG, "conflict", lang, name=name, have=have, need=need))
        if res.shadowed:
            names = ", ".join(f"{n} {v} (QGIS: {q})" for n, v, q in res.shadowed)
            out.append(tr(_MSG, "shadowed", lang, names=names))
        return "\n".join(out)


def install_with_progress(parent=None, extras=(), repair=False, inst=None):
    """Run the installer with a progress dialog (log, bar, a real "Abbrechen" that kills pip)."""
    from qgis.PyQt.QtCore import QTimer
    from qgis.PyQt.QtWidgets import (
        QDialog,
        QMessageBox,
        QPlainTextEdit,
        QProgressBar,
        QPushButton,
        QVBoxLayout,
    )

    global _last_job  # noqa: PLW0603 - keeps the job alive while pip runs
    lang = get_lang()
    if inst is None:
        interp = interpreter()
        if interp.python is None:
            QMessageBox.warning(
                parent,
                tr(_MSG, "title", lang),
                tr(_MSG, "no_python", lang, tried=", ".join(interp.tried))
                + "\n\n"
                + command_text(pip_command(interp, extras), interp),
            )
            return None
        if repair:
            installer.repair(deps_dir(), sys.version_info[:2])
        _fix, ensure = pyenv.pip_fix(interp, pyenv.read_os_release())
        inst = installer.Installer(
            interp,
            deps_dir(),
            installer.read_requirements(PLUGIN_DIR, extras),
            ensure_pip=ensure,
        )
    dlg = QDialog(parent)
    dlg.setWindowTitle(tr(_MSG, "progress", lang))
    log = QPlainTextEdit(dlg)
    log.setReadOnly(True)
    bar = QProgressBar(dlg)
    bar.setRange(0, max(1, 2 * len(inst.requirements)))
    button = QPushButton(tr(_MSG, "cancel", lang), dlg)
    button.clicked.connect(inst.cancel)
    lay = QVBoxLayout(dlg)
    for w in (log, bar, button):
        lay.addWidget(w)
    _fit(dlg, parent)
    job = InstallJob(inst, dlg, log, bar, button, lang)
    timer = QTimer(dlg)
    timer.timeout.connect(lambda: job.poll() or timer.stop())
    job.timer = timer
    job.thread.start()
    timer.start(100)
    dlg.show()
    _last_job = job
    return job
