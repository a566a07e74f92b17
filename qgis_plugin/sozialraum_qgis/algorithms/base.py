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
import traceback
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
    "not_numeric": {
        "de": "Feld „{param}“: {field!r} der Ebene „{layer}“ ist kein Zahlenfeld ({kind}). "
        "Bitte ein Feld mit Zahlen wählen (z. B. eine Quote oder einen Index).",
        "en": "Field '{param}': {field!r} of layer '{layer}' is not numeric ({kind}). "
        "Please choose a field with numbers (e.g. a rate or an index).",
    },
    "no_field": {
        "de": "Feld „{param}“: Die Ebene „{layer}“ hat kein Feld {field!r}.",
        "en": "Field '{param}': layer '{layer}' has no field {field!r}.",
    },
    "bad_number": {
        "de": "Feld „{param}“: {text!r} ist keine Zahl. Zahlen mit ; trennen, deutsch oder "
        "englisch geschrieben, z. B. „10; 20,5; 1.000“.",
        "en": "Field '{param}': {text!r} is not a number. Separate numbers by ;, "
        "e.g. '10; 20.5; 1,000.5'.",
    },
    "unexpected": {
        "de": "„{tool}“ ist an einem unerwarteten Fehler gescheitert ({kind}: {msg}). Bitte die "
        "Eingaben prüfen; die technischen Einzelheiten stehen im Protokoll.",
        "en": "'{tool}' failed with an unexpected error ({kind}: {msg}). Please check the "
        "inputs; the technical details are in the log.",
    },
}

# string parameters that hold a list of numbers (``"1.000; 2,5"``): read with the library's
# number parser (German or English notation) before the algorithm sees them
NUMBER_LISTS = ("BREAKS",)


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

    def number_list(self, parameters, name, context) -> list[float] | None:
        """A ``;``-separated list of numbers (``None`` when empty), read like table cells.

        Each part is read by the library's number parser (:func:`sozialraum.io.parse_cells`),
        German or English notation: ``"1.000; 2,5"`` → ``[1000.0, 2.5]``. Anything else is
        an error naming the field.
        """
        import numpy as np
        import pandas as pd

        from sozialraum.io import parse_cells

        text = self.parameterAsString(parameters, name, context)
        parts = [p.strip() for p in str(text or "").split(";") if p.strip()]
        if not parts:
            return None
        values, _status, unknown = parse_cells(
            pd.Series(parts, dtype=object), decimal=None, thousands=None
        )
        for part, value, bad in zip(parts, values, unknown, strict=True):
            if bad or np.isnan(value):
                raise QgsProcessingException(
                    self.t("bad_number", param=self.param_label(name), text=part)
                )
        return [float(v) for v in values]

    def param_label(self, name) -> str:
        """The field's caption as the dialog shows it."""
        d = self.parameterDefinition(name)
        return d.description() if d is not None else name

    def layer_label(self, parameters, name, context) -> str:
        """The name of the user's layer behind parameter ``name`` (not a temporary copy)."""
        raw = parameters.get(name)
        text = str(getattr(raw, "source", None) or raw or "")
        path, _, opts = text.partition("|")
        layer_name = opts.partition("layername=")[2].split("|")[0]
        if layer_name:  # "file.gpkg|layername=x": the layer, not the file
            return layer_name
        layer = self.parameterAsVectorLayer(parameters, name, context)
        if layer is not None and layer.name():
            return layer.name()
        return Path(path).stem or name

    def checked_parameters(self, parameters, context) -> dict:
        """The parameters after the checks every tool needs (see :meth:`processAlgorithm`).

        Numeric field parameters must name numeric fields of their layer; lists of numbers
        (:data:`NUMBER_LISTS`) are read with the library's parser and passed on in plain
        notation (``"1000.0; 2.5"``).
        """
        parameters = dict(parameters)
        for d in self.parameterDefinitions():
            name = d.name()
            if isinstance(d, QgsProcessingParameterField) and name in parameters:
                self._check_fields(parameters, d, context)
            elif name in NUMBER_LISTS and name in parameters:
                values = self.number_list(parameters, name, context)
                parameters[name] = "; ".join(repr(v) for v in values) if values else ""
        return parameters

    def _check_fields(self, parameters, d, context) -> None:
        chosen = self.parameterAsFields(parameters, d.name(), context)
        parent = d.parentLayerParameterName()
        if not chosen or not parent:
            return
        source = self.parameterAsSource(parameters, parent, context)
        if source is None:
            return
        fields = source.fields()
        for f in chosen:
            i = fields.indexOf(f)
            label = dict(param=self.param_label(d.name()), field=f)
            if i < 0:
                layer = self.layer_label(parameters, parent, context)
                raise QgsProcessingException(self.t("no_field", layer=layer, **label))
            fld = fields.at(i)
            if d.dataType() == QgsProcessingParameterField.Numeric and not fld.isNumeric():
                layer = self.layer_label(parameters, parent, context)
                raise QgsProcessingException(
                    self.t("not_numeric", layer=layer, kind=fld.typeName(), **label)
                )

    def read_areas(self, parameters, context, feedback, name="INPUT", key="KEY", name_field=None):
        """The areas as GeoDataFrame indexed by the key (read and checked by the library).

        A layer written by the monitor (field ``bewertet``) has no index values for the
        areas not rated (too few inhabitants), as in the yearly run: every tool (LISA, Gi*,
        classes, maps, reports) then leaves them out.
        """
        from sozialraum.core.classify import without_not_rated as without_unrated_index

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
        areas = source_to_gdf(
            source,
            key=self.field(parameters, key, context),
            key_width=width,
            name_field=nm,
            lang=self.lang,
            feedback=feedback,
            label=self.layer_label(parameters, name, context),
        )
        if "bewertet" in areas.columns and areas["bewertet"].notna().all():
            areas["bewertet"] = areas["bewertet"].astype(bool)
            areas = without_unrated_index(areas)
        return areas

    def read_points(self, parameters, context, feedback, name, expression=None):
        from ..convert import source_to_gdf

        source = self.parameterAsSource(parameters, name, context)
        if source is None:
            raise QgsProcessingException(self.invalidSourceError(parameters, name))
        return source_to_gdf(
            source,
            lang=self.lang,
            feedback=feedback,
            expression=expression,
            label=self.layer_label(parameters, name, context),
        )

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

    #: Import names this tool needs, checked before it runs (None: all of ``deps.REQUIRED``).
    MODULES: tuple[str, ...] | None = None

    def _modules(self):
        prov = self.provider()
        mods = getattr(prov, "modules", None) if prov is not None else None
        return mods if mods is not None else self.MODULES

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        """Check, compute, and turn every failure into one message without a traceback.

        Library errors keep their (German) message; a wrong field or number names the
        dialog's field; anything unexpected ends in a short message (details in the
        log). Each distinct warning is shown once.
        """
        self.lang = get_lang()
        missing = deps.find_missing(self._modules())
        if missing:
            raise QgsProcessingException(deps.message(missing, self.lang))
        from sozialraum.errors import SozialraumError, SozialraumWarning

        error = None
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", SozialraumWarning)
            try:
                result = self.compute(
                    self.checked_parameters(parameters, context), context, feedback
                )
            except (SozialraumError, QgsProcessingException) as exc:
                error = str(exc)
            except Cancelled:
                error = self.t("cancelled")
            except Exception as exc:  # noqa: BLE001 - a message for the planner, details in the log
                feedback.pushDebugInfo(traceback.format_exc())
                error = self.t(
                    "unexpected", tool=self.displayName(), kind=type(exc).__name__, msg=exc
                )
        self._report_warnings(caught, feedback, SozialraumWarning)
        if error is not None:
            raise QgsProcessingException(error)
        feedback.setProgress(100)
        return result

    @staticmethod
    def _report_warnings(caught, feedback, category) -> None:
        """Each distinct warning once: library warnings as warnings, others in the debug log."""
        seen = set()
        for w in caught:
            text = str(w.message)
            if (w.category, text) in seen:
                continue
            seen.add((w.category, text))
            if issubclass(w.category, category):
                feedback.pushWarning(text)
            else:
                feedback.pushDebugInfo(f"{w.category.__name__}: {text}")
