"""The plugin object: registers the Processing provider, checks dependencies."""

from __future__ import annotations

from . import deps


class SozialraumPlugin:
    """QGIS plugin "Sozialraum".

    Parameters
    ----------
    iface
        ``QgisInterface`` (``None`` under ``qgis_process`` and in tests).
    modules
        Import names checked at load (default: :data:`deps.REQUIRED`); tests pass
        a non-existent name to simulate a missing package.
    """

    def __init__(self, iface, modules=None):
        self.iface = iface
        self.modules = modules
        self.provider = None
        self.missing: list[tuple[str, str]] = []
        self.message: str | None = None
        self.actions: list = []

    def check(self) -> list[tuple[str, str]]:
        """Check the dependencies (never raises); remember and log what is missing."""
        try:
            deps.setup_paths()
            self.missing = deps.find_missing(self.modules, deep=False)
            self.message = deps.message(self.missing) if self.missing else None
            if self.message:
                from qgis.core import Qgis, QgsMessageLog

                QgsMessageLog.logMessage(self.message, "Sozialraum", Qgis.Warning)
        except Exception as exc:  # noqa: BLE001 - never break QGIS start-up
            self.missing = [("?", repr(exc))]
            self.message = repr(exc)
        return self.missing

    def initProcessing(self):  # noqa: N802 (QGIS API)
        """Register the provider (also called by ``qgis_process``)."""
        from qgis.core import QgsApplication

        from .provider import SozialraumProvider

        self.check()
        if self.provider is None:
            self.provider = SozialraumProvider(missing=self.missing, modules=self.modules)
            QgsApplication.processingRegistry().addProvider(self.provider)

    def initGui(self):  # noqa: N802 (QGIS API)
        """Register the provider; in the GUI show the dependency dialog if something is missing."""
        self.initProcessing()
        self._add_menu()
        if self.missing and self.iface is not None:
            try:
                from qgis.PyQt.QtCore import QTimer

                # after start-up, so that QGIS's main window is shown first
                QTimer.singleShot(0, lambda: deps.show_missing_dialog(self.iface, self.missing))
            except Exception:  # noqa: BLE001
                pass

    def _add_menu(self):
        """Menu "Erweiterungen → Sozialraum → Python-Pakete …" (install, repair, uninstall)."""
        if self.iface is None:
            return
        try:
            from qgis.PyQt.QtWidgets import QAction

            from .i18n import get_lang

            text = "Python-Pakete …" if get_lang() == "de" else "Python packages …"
            action = QAction(text, self.iface.mainWindow())
            action.triggered.connect(lambda: deps.show_missing_dialog(self.iface, self.missing))
            self.iface.addPluginToMenu("Sozialraum", action)
            self.actions.append(action)
        except Exception:  # noqa: BLE001 - never break QGIS start-up
            pass

    def unload(self):
        """Remove the provider and the menu entry."""
        for action in self.actions:
            try:
                self.iface.removePluginMenu("Sozialraum", action)
            except Exception:  # noqa: BLE001
                pass
        self.actions = []
        if self.provider is not None:
            from qgis.core import QgsApplication

            QgsApplication.processingRegistry().removeProvider(self.provider)
            self.provider = None
