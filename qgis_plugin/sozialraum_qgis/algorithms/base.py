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
    "unexpected": {
        "de": "„{tool}“ ist bei „{step}“ an einem unerwarteten Fehler gescheitert ({kind}: {msg}). "
        "Eingaben: {params}. Bitte die Eingaben prüfen. Wenn sie stimmen: Bitte melden Sie diesen "
        "Fehler mit dieser Meldung, den Eingaben und dem Protokoll (technische Einzelheiten "
        "unter „Protokoll“/Debug) an die Entwickler des Sozialraum-Plugins.",
        "en": "'{tool}' failed at '{step}' with an unexpected error ({kind}: {msg}). Inputs: "
        "{params}. Please check the inputs. If they are right: please report this error with "
        "this message, the inputs and the log (technical details in the debug log) to the "
        "developers of the Sozialraum plugin.",
    },
    "start": {"de": "Vorbereitung", "en": "preparation"},
    "field_where": {"de": "Feld „{param}“: ", "en": "Field '{param}': "},
    "layer_role": {"de": "Ebene „{layer}“", "en": "Layer '{layer}'"},
    "intermediate": {"de": "{param} (Zwischenergebnis)", "en": "{param} (intermediate result)"},
}

# string parameters that hold a list of numbers (``"1.000; 2,5"``): read with the library's
# number parser (:func:`sozialraum.core.numbers.parse_numbers`) before the algorithm sees them
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
        self._numbers: dict[str, list[float] | None] = {}  # lists read by checked_parameters
        self._temp_names: dict[str, str] = {}  # temporary copy → the user's layer name
        self._roles: dict[str, str] = {}  # the library's word for an input → the layer's name
        self._step_name = ""

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
        """A ``;``-separated list of numbers (``None`` when empty).

        Read once by the library's parser for typed numbers
        (:func:`sozialraum.core.numbers.parse_numbers`): German first (``"1.000; 2,5"`` →
        ``[1000.0, 2.5]``), English where unambiguous; anything else is an error naming
        the dialog's field. Lists already read by :meth:`checked_parameters` are reused.
        """
        if name in self._numbers:
            return self._numbers[name]
        from sozialraum.core.numbers import parse_numbers

        text = self.parameterAsString(parameters, name, context)
        where = self.t("field_where", param=self.param_label(name))
        values = parse_numbers(str(text or ""), self.lang, where=where)
        return values or None

    def param_label(self, name) -> str:
        """The field's caption as the dialog shows it."""
        d = self.parameterDefinition(name)
        return d.description() if d is not None else name

    def layer_label(self, parameters, name, context) -> str:
        """The name of the user's layer behind parameter ``name`` (not a temporary copy).

        A layer of the project by its name; ``file.gpkg|layername=x`` by ``x``; a file by
        its name; an intermediate result of a model or batch (a file in Processing's
        temporary folder) by the dialog's caption of the parameter.
        """
        from qgis.core import QgsProcessingFeatureSourceDefinition, QgsProcessingUtils

        raw = parameters.get(name)
        if isinstance(raw, QgsProcessingFeatureSourceDefinition):
            raw = raw.source.staticValue()
        layer = raw if hasattr(raw, "name") and hasattr(raw, "source") else None
        text = str(layer.source() if layer is not None else raw or "")
        path, _, opts = text.partition("|")
        temp = QgsProcessingUtils.tempFolder()
        if layer is None and context.project() is not None:
            layer = context.project().mapLayer(text)  # a layer id
        if layer is not None and layer.name() and not path.startswith(temp):
            return layer.name()
        if path.startswith(temp):
            return self.t("intermediate", param=self.param_label(name))
        layer_name = opts.partition("layername=")[2].split("|")[0]
        if layer_name:  # "file.gpkg|layername=x": the layer, not the file
            return layer_name
        return Path(path).stem or name

    def checkParameterValues(self, parameters, context):  # noqa: N802
        """QGIS's check, after numbers given as text were read German first (``"2,5"``).

        Without this, QGIS refuses ``"2,5"`` in a number field before the tool starts and
        reads ``"2.000"`` as 2.
        """
        try:
            parameters = self._typed_numbers(parameters)
        except Exception as exc:  # noqa: BLE001 - the library's message for the dialog
            return False, str(exc)
        return super().checkParameterValues(parameters, context)

    def _typed_numbers(self, parameters) -> dict:
        """``parameters`` with numbers given as text read by the library's parser."""
        from sozialraum.core.numbers import parse_number

        parameters = dict(parameters)
        for d in self.parameterDefinitions():
            raw = parameters.get(d.name())
            if isinstance(d, QgsProcessingParameterNumber) and isinstance(raw, str):
                if raw.strip():
                    where = self.t("field_where", param=self.param_label(d.name()))
                    value = parse_number(raw, get_lang(), where=where)
                    integer = d.dataType() == QgsProcessingParameterNumber.Integer
                    parameters[d.name()] = int(value) if integer and value.is_integer() else value
        return parameters

    def checked_parameters(self, parameters, context) -> dict:
        """The parameters after the checks every tool needs (see :meth:`processAlgorithm`).

        Numeric field parameters must name numeric fields of their layer; lists of numbers
        (:data:`NUMBER_LISTS`) are read with the library's parser (kept for
        :meth:`number_list`); numbers given as text (``qgis_process``, models, scripts:
        ``"2.500"``) are read by the same parser, never by Qt's English ``toDouble``.
        """
        parameters = self._typed_numbers(parameters)
        for d in self.parameterDefinitions():
            name = d.name()
            if isinstance(d, QgsProcessingParameterField) and name in parameters:
                self._check_fields(parameters, d, context)
            elif name in NUMBER_LISTS and name in parameters:
                self._numbers[name] = self.number_list(parameters, name, context)
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

    def _source(self, parameters, name, context):
        """The feature source of parameter ``name`` and whether only its selection is used."""
        from qgis.core import QgsProcessingFeatureSourceDefinition

        source = self.parameterAsSource(parameters, name, context)
        if source is None:
            raise QgsProcessingException(self.invalidSourceError(parameters, name))
        raw = parameters.get(name)
        selected = isinstance(raw, QgsProcessingFeatureSourceDefinition) and bool(
            raw.selectedFeaturesOnly
        )
        return source, selected

    def read_areas(self, parameters, context, feedback, name="INPUT", key="KEY", name_field=None):
        """The areas as GeoDataFrame indexed by the key (read and checked by the library).

        A layer written by the monitor (field ``bewertet``) has no index values for the
        areas not rated (too few inhabitants), as in the yearly run: every tool (LISA, Gi*,
        classes, maps, reports) then leaves them out.
        """
        from sozialraum.core.classify import without_not_rated as without_unrated_index

        from ..convert import source_to_gdf

        source, selected = self._source(parameters, name, context)
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
            selected=selected,
            names=self._temp_names,
        )
        if "bewertet" in areas.columns and areas["bewertet"].notna().all():
            areas["bewertet"] = areas["bewertet"].astype(bool)
            areas = without_unrated_index(areas)
        return areas

    def read_points(self, parameters, context, feedback, name, expression=None):
        from ..convert import source_to_gdf

        source, selected = self._source(parameters, name, context)
        return source_to_gdf(
            source,
            lang=self.lang,
            feedback=feedback,
            expression=expression,
            label=self.layer_label(parameters, name, context),
            selected=selected,
            names=self._temp_names,
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
        """Report progress ``i/n`` and stop if the user cancelled (``what`` names the step)."""
        if feedback.isCanceled():
            raise Cancelled
        feedback.setProgress(100.0 * i / max(n, 1))
        self._step_name = what or self.t("step", i=i + 1, n=n, what="").rstrip(": ")
        if what:
            feedback.pushInfo(self.t("step", i=i + 1, n=n, what=what))

    def loop(self, feedback, items, start: float = 0.0, end: float = 100.0):
        """Iterate ``items`` with progress from ``start`` to ``end`` % and a cancel check each."""
        items = list(items)
        for i, item in enumerate(items):
            if feedback.isCanceled():
                raise Cancelled
            feedback.setProgress(start + (end - start) * i / max(len(items), 1))
            yield item

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
        dialog's field; anything unexpected ends in a German message with the tool, the
        step and the inputs (the traceback only in the debug log). Every message and
        warning names the user's layers, never Processing's temporary copies. Each
        distinct warning is shown once.
        """
        self.lang = get_lang()
        self._numbers, self._temp_names, self._roles = {}, {}, {}
        self._step_name = self.t("start")
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
                    "unexpected",
                    tool=self.displayName(),
                    step=self._step_name,
                    kind=type(exc).__name__,
                    msg=exc,
                    params=self.inputs_text(parameters, context),
                )
        self._report_warnings(caught, feedback, SozialraumWarning, self.user_names)
        if error is not None:
            raise QgsProcessingException(self.user_names(error))
        feedback.setProgress(100)
        return result

    def user_names(self, text: str) -> str:
        """``text`` with every temporary copy read in this run replaced by its layer's name."""
        from ..convert import renamed

        for path, label in self._temp_names.items():
            text = renamed(text, Path(path), label)
        for role, label in self._roles.items():  # "Angebot: …" → "Ebene „einrichtungen“: …"
            if text.startswith(f"{role}:"):
                text = self.t("layer_role", layer=label) + text[len(role) :]
        return text

    def inputs_text(self, parameters, context) -> str:
        """The inputs of a run in one line (layers by name, no outputs): for error reports."""
        from qgis.core import QgsProcessingDestinationParameter

        parts = []
        for d in self.parameterDefinitions():
            name = d.name()
            raw = parameters.get(name)
            if isinstance(d, QgsProcessingDestinationParameter) or raw in (None, "", []):
                continue
            try:
                if isinstance(d, QgsProcessingParameterFeatureSource):
                    value = f"„{self.layer_label(parameters, name, context)}“"
                elif isinstance(d, QgsProcessingParameterEnum):
                    opts = d.options()
                    chosen = self.parameterAsEnums(parameters, name, context)
                    value = ", ".join(opts[i] for i in chosen if 0 <= i < len(opts))
                else:
                    value = str(raw if not isinstance(raw, list) else ", ".join(map(str, raw)))
            except Exception:  # noqa: BLE001 - the message must never fail itself
                value = str(raw)
            parts.append(f"{d.description()} = {value}")
        return "; ".join(parts) or "–"

    @staticmethod
    def _report_warnings(caught, feedback, category, rename=str) -> None:
        """Each distinct warning once: library warnings as warnings, others in the debug log."""
        seen = set()
        for w in caught:
            text = rename(str(w.message))
            if (w.category, text) in seen:
                continue
            seen.add((w.category, text))
            if issubclass(w.category, category):
                feedback.pushWarning(text)
            else:
                feedback.pushDebugInfo(f"{w.category.__name__}: {text}")
