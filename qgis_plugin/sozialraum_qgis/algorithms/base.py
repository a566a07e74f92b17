"""Shared base class of all Sozialraum algorithms.

Every algorithm only converts parameters and layers and calls the library.
The base class supplies: German/English names and help texts, parameter
helpers, the dependency check before running, the translation of library
errors (:class:`sozialraum.errors.SozialraumError`) into a
``QgsProcessingException`` with the library's German message (no traceback),
library warnings into the log, progress and cancellation between steps, and
writing + styling of the result layer.
"""

from __future__ import annotations

import math
import warnings
from pathlib import Path

from qgis.core import (
    QgsProcessing,
    QgsProcessingAlgorithm,
    QgsProcessingException,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterDefinition,
    QgsProcessingParameterEnum,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterField,
    QgsProcessingParameterFile,
    QgsProcessingParameterFileDestination,
    QgsProcessingParameterNumber,
    QgsProcessingParameterString,
    QgsProcessingParameterVectorDestination,
)
from qgis.PyQt.QtGui import QIcon

from .. import deps, styles
from ..i18n import get_lang

ICON = str(Path(__file__).resolve().parent.parent / "icon.svg")

GROUPS = {
    "daten": {"de": "Daten", "en": "Data"},
    "monitor": {"de": "Monitor", "en": "Monitor"},
    "raum": {"de": "Räumliche Statistik", "en": "Spatial statistics"},
    "zugang": {"de": "Erreichbarkeit", "en": "Accessibility"},
    "ausgabe": {"de": "Ausgabe", "en": "Output"},
}

_MSG = {
    "cancelled": {"de": "Abgebrochen durch den Benutzer.", "en": "Cancelled by the user."},
    "key": {"de": "Schlüsselfeld (Gebietsschlüssel)", "en": "Key field (area key)"},
    "name_field": {"de": "Namensfeld (optional)", "en": "Name field (optional)"},
    "key_width": {
        "de": "Schlüssel mit führenden Nullen auf … Stellen auffüllen (bei Zahlenfeldern, z. B. 11)",
        "en": "Pad keys with leading zeros to … digits (numeric key fields, e.g. 11)",
    },
    "areas": {"de": "Sozialräume (Flächen)", "en": "Planning areas (polygons)"},
    "output": {"de": "Ergebnis", "en": "Result"},
    "no_file": {
        "de": "Die Rasterebene {name!r} ist keine lokale Datei ({src}); bitte zuerst als GeoTIFF speichern.",
        "en": "Raster layer {name!r} is not a local file ({src}); please save it as GeoTIFF first.",
    },
    "step": {"de": "Schritt {i} von {n}: {what}", "en": "Step {i} of {n}: {what}"},
}


class Cancelled(Exception):
    """Raised between steps when the user cancelled."""


class SozialraumAlgorithm(QgsProcessingAlgorithm):
    """Base class: subclasses set ``ALG_ID``, ``GROUP``, ``TEXT`` and implement ``define`` and ``compute``.

    ``TEXT`` maps ``"name"``, ``"help"`` and every parameter name to
    ``{"de": ..., "en": ...}``.
    """

    ALG_ID = ""
    GROUP = "daten"
    TEXT: dict = {}

    # ---- identity -------------------------------------------------------------------------
    def __init__(self):
        super().__init__()
        self.lang = get_lang()

    def t(self, key: str, **kw) -> str:
        entry = self.TEXT.get(key) or _MSG.get(key) or {"de": key, "en": key}
        text = entry[self.lang]
        return text.format(**kw) if kw else text

    def name(self):
        return self.ALG_ID

    def displayName(self):  # noqa: N802
        return self.t("name")

    def group(self):
        return GROUPS[self.GROUP][self.lang]

    def groupId(self):  # noqa: N802
        return self.GROUP

    def shortHelpString(self):  # noqa: N802
        return self.t("help")

    def icon(self):
        return QIcon(ICON)

    def createInstance(self):  # noqa: N802
        return type(self)()

    def initAlgorithm(self, config=None):  # noqa: N802
        self.define()

    def define(self):  # pragma: no cover - abstract
        raise NotImplementedError

    def compute(self, parameters, context, feedback):  # pragma: no cover - abstract
        raise NotImplementedError

    # ---- parameter helpers ------------------------------------------------------------------
    def add_areas(
        self, name="INPUT", key="KEY", name_field=None, geometry=QgsProcessing.TypeVectorPolygon
    ):
        self.addParameter(
            QgsProcessingParameterFeatureSource(
                name, self.t(name) if name in self.TEXT else self.t("areas"), [geometry]
            )
        )
        self.addParameter(
            QgsProcessingParameterField(key, self.t("key"), parentLayerParameterName=name)
        )
        if name == "INPUT":
            width = QgsProcessingParameterNumber(
                "KEY_WIDTH",
                self.t("key_width"),
                type=QgsProcessingParameterNumber.Integer,
                optional=True,
            )
            width.setMinimum(1)
            width.setFlags(width.flags() | QgsProcessingParameterDefinition.FlagAdvanced)
            self.addParameter(width)
        if name_field:
            self.addParameter(
                QgsProcessingParameterField(
                    name_field, self.t("name_field"), parentLayerParameterName=name, optional=True
                )
            )

    def add_field(
        self, name, parent="INPUT", optional=False, numeric=True, multiple=False, default=None
    ):
        ftype = QgsProcessingParameterField.Numeric if numeric else QgsProcessingParameterField.Any
        self.addParameter(
            QgsProcessingParameterField(
                name,
                self.t(name),
                defaultValue=default,
                parentLayerParameterName=parent,
                type=ftype,
                allowMultiple=multiple,
                optional=optional,
            )
        )

    def add_enum(self, name, options, default=0, multiple=False):
        self.addParameter(
            QgsProcessingParameterEnum(
                name,
                self.t(name),
                options=list(options),
                allowMultiple=multiple,
                defaultValue=default,
            )
        )

    def add_number(
        self, name, default=None, integer=False, minimum=None, maximum=None, optional=False
    ):
        kind = (
            QgsProcessingParameterNumber.Integer if integer else QgsProcessingParameterNumber.Double
        )
        p = QgsProcessingParameterNumber(
            name, self.t(name), type=kind, defaultValue=default, optional=optional
        )
        if minimum is not None:
            p.setMinimum(minimum)
        if maximum is not None:
            p.setMaximum(maximum)
        self.addParameter(p)

    def add_bool(self, name, default=False):
        self.addParameter(QgsProcessingParameterBoolean(name, self.t(name), defaultValue=default))

    def add_string(self, name, default=None, optional=True):
        self.addParameter(
            QgsProcessingParameterString(
                name, self.t(name), defaultValue=default, optional=optional
            )
        )

    def add_file(self, name, filter_="", optional=False):
        self.addParameter(
            QgsProcessingParameterFile(
                name,
                self.t(name),
                behavior=QgsProcessingParameterFile.File,
                fileFilter=filter_,
                optional=optional,
            )
        )

    def add_output(self, name="OUTPUT"):
        self.addParameter(
            QgsProcessingParameterVectorDestination(
                name, self.t(name) if name in self.TEXT else self.t("output")
            )
        )

    def add_file_output(self, name, filter_):
        self.addParameter(
            QgsProcessingParameterFileDestination(name, self.t(name), fileFilter=filter_)
        )

    # ---- parameter readers -----------------------------------------------------------------
    def opt_number(self, parameters, name, context, integer=False):
        """Optional number: ``None`` when empty."""
        raw = parameters.get(name)
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            return None
        val = (
            self.parameterAsInt(parameters, name, context)
            if integer
            else self.parameterAsDouble(parameters, name, context)
        )
        if val is None or (isinstance(val, float) and math.isnan(val)):
            return None
        return val

    def field(self, parameters, name, context):
        """A single field name (``None`` when empty)."""
        fields = self.parameterAsFields(parameters, name, context)
        return fields[0] if fields else None

    def read_areas(self, parameters, context, feedback, name="INPUT", key="KEY", name_field=None):
        """The areas as GeoDataFrame indexed by the key (read and checked by the library)."""
        from ..convert import source_to_gdf

        source = self.parameterAsSource(parameters, name, context)
        if source is None:
            raise QgsProcessingException(self.invalidSourceError(parameters, name))
        nm = self.field(parameters, name_field, context) if name_field else None
        width = (
            self.opt_number(parameters, "KEY_WIDTH", context, integer=True)
            if name == "INPUT"
            else None
        )
        return source_to_gdf(
            source,
            key=self.field(parameters, key, context),
            key_width=width,
            name_field=nm,
            lang=self.lang,
            feedback=feedback,
        )

    def read_points(self, parameters, context, feedback, name, expression=None):
        from ..convert import source_to_gdf

        source = self.parameterAsSource(parameters, name, context)
        if source is None:
            raise QgsProcessingException(self.invalidSourceError(parameters, name))
        return source_to_gdf(source, lang=self.lang, feedback=feedback, expression=expression)

    def raster_path(self, parameters, name, context) -> str:
        layer = self.parameterAsRasterLayer(parameters, name, context)
        if layer is None:
            raise QgsProcessingException(self.invalidRasterError(parameters, name))
        src = layer.source().split("|")[0]
        if not Path(src).is_file():
            raise QgsProcessingException(self.t("no_file", name=layer.name(), src=src))
        return src

    # ---- running -------------------------------------------------------------------------
    def step(self, feedback, i: int, n: int, what: str = "") -> None:
        """Report progress ``i/n`` and stop if the user cancelled."""
        if feedback.isCanceled():
            raise Cancelled
        feedback.setProgress(100.0 * i / max(n, 1))
        if what:
            feedback.pushInfo(self.t("step", i=i + 1, n=n, what=what))

    def write(
        self, gdf, parameters, context, name="OUTPUT", status=None, renderer=None, layer_name=None
    ):
        """Write the result layer, store its style, return the path."""
        from ..convert import write_layer

        path = self.parameterAsOutputLayer(parameters, name, context)
        write_layer(gdf, path, layer_name or self.ALG_ID, status=status)
        if renderer is not None:
            styles.apply(path, renderer, context, path, name=layer_name or self.ALG_ID)
        return path

    def _modules(self):
        prov = self.provider()
        return getattr(prov, "modules", None) if prov is not None else None

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        self.lang = get_lang()
        missing = deps.find_missing(self._modules())
        if missing:
            raise QgsProcessingException(deps.message(missing, self.lang))
        from sozialraum.errors import SozialraumError, SozialraumWarning

        error = None
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", SozialraumWarning)
            try:
                result = self.compute(parameters, context, feedback)
            except SozialraumError as exc:
                error = str(exc)
            except Cancelled:
                error = self.t("cancelled")
        for w in caught:
            if issubclass(w.category, SozialraumWarning):
                feedback.pushWarning(str(w.message))
            else:
                feedback.pushDebugInfo(f"{w.category.__name__}: {w.message}")
        if error is not None:
            raise QgsProcessingException(error)
        feedback.setProgress(100)
        return result
