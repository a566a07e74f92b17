"""The Processing provider "Sozialraum"."""

from __future__ import annotations

from pathlib import Path

from qgis.core import QgsProcessingProvider
from qgis.PyQt.QtGui import QIcon

from .algorithms import ALGORITHMS

ICON = str(Path(__file__).resolve().parent / "icon.svg")
#: Processing models shipped with the plugin (``*.model3``), listed under "Modelle".
MODELS = Path(__file__).resolve().parent / "models"


def _version() -> str:
    for line in (
        (Path(__file__).resolve().parent / "metadata.txt").read_text(encoding="utf-8").splitlines()
    ):
        if line.startswith("version="):
            return line.split("=", 1)[1].strip()
    return "?"


class SozialraumProvider(QgsProcessingProvider):
    """All sozialraum algorithms under "Sozialraum" (id ``sozialraum``)."""

    def __init__(self, missing=None, modules=None):
        super().__init__()
        self.missing = list(missing or [])
        self.modules = modules

    def id(self):
        return "sozialraum"

    def name(self):
        return "Sozialraum"

    def longName(self):  # noqa: N802
        name = f"Sozialraum {_version()}"
        if self.missing:  # what the start-up check found (the toolbox shows it as tooltip)
            name += " – fehlt: " + ", ".join(m for m, _ in self.missing)
        return name

    def icon(self):
        return QIcon(ICON)

    def svgIconPath(self):  # noqa: N802
        return ICON

    def versionInfo(self):  # noqa: N802
        return _version()

    def supportsNonFileBasedOutput(self):  # noqa: N802 - results are written by the library
        return False

    def defaultVectorFileExtension(self, hasGeometry=True):  # noqa: N802, N803
        return "gpkg"

    def loadAlgorithms(self):  # noqa: N802
        for cls in ALGORITHMS:
            self.addAlgorithm(cls())
        for model in load_models():
            self.addAlgorithm(model)


def load_models(folder: Path = MODELS) -> list:
    """The models shipped in ``folder`` (e.g. ``sozialraum:jahreslauf``), each read by QGIS.

    A model that QGIS cannot read is left out (the tools stay usable); it can still be
    opened in the Model Designer to see why.
    """
    from qgis.core import QgsProcessingModelAlgorithm

    models = []
    for path in sorted(folder.glob("*.model3")):
        model = QgsProcessingModelAlgorithm()
        if model.fromFile(str(path)):
            model.setSourceFilePath(str(path))
            models.append(model)
    return models
