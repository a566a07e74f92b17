"""Renderers for the results: graduated classes with German labels, LISA and Gi* categories.

The functions take plain data (breaks, labels, colours — computed by the
library: classes by :func:`sozialraum.core.classify.classify`, colours and code
labels from :mod:`sozialraum.core.palettes`) and build QGIS renderers; :func:`apply` stores the style in the result
GeoPackage as its default style (so the layer arrives styled in the project, in
``qgis_process`` output and when opened later) and registers a post-processor
for the layer Processing loads into the project.

The library is imported only when a renderer is built, never at import time: QGIS
loads this module while registering the provider, before the bundled library
(``ext/``) or a missing dependency could be reported (see :mod:`.deps`).
"""

from __future__ import annotations

import math

from qgis.core import (
    QgsCategorizedSymbolRenderer,
    QgsGraduatedSymbolRenderer,
    QgsProcessingLayerPostProcessorInterface,
    QgsRendererCategory,
    QgsRendererRange,
    QgsSymbol,
    QgsVectorLayer,
    QgsWkbTypes,
)
from qgis.PyQt.QtGui import QColor


def _palettes():
    """The library's palettes (imported on first use, see the module docstring)."""
    from sozialraum.core import palettes

    return palettes


#: Module constants taken from the library on first access (PEP 562):
#: ``YLORRD`` the class ramp for need (ColorBrewer YlOrRd, 9 steps), ``NO_VALUE`` the grey of
#: areas without a class ("nicht bewertet"), ``MISSING`` the grey of "kein Wert".
_CONSTANTS = {
    "YLORRD": lambda p: list(p.RAMPS["need"]),
    "NO_VALUE": lambda p: p.NOT_RATED_COLOR,
    "MISSING": lambda p: p.MISSING_COLOR,
}


def __getattr__(name: str):
    if name in _CONSTANTS:
        return _CONSTANTS[name](_palettes())
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def ramp(k: int, colors=None) -> list[str]:
    """``k`` colours spread evenly over a ramp (the same as the web map's classes)."""
    if colors is None:
        return list(_palettes().class_colors(k, "need"))
    if k <= 1:
        return [colors[len(colors) // 2]]
    return [colors[round(i * (len(colors) - 1) / (k - 1))] for i in range(k)]


def _symbol(color: str, geometry=QgsWkbTypes.PolygonGeometry):
    sym = QgsSymbol.defaultSymbol(geometry)
    sym.setColor(QColor(color))
    if geometry == QgsWkbTypes.PolygonGeometry:
        try:
            sym.symbolLayer(0).setStrokeColor(QColor("#666666"))
            sym.symbolLayer(0).setStrokeWidth(0.15)
        except Exception:  # noqa: BLE001
            pass
    return sym


def graduated(field: str, ranges, colors=None, geometry=QgsWkbTypes.PolygonGeometry):
    """Graduated renderer; ``ranges`` = list of ``(lower, upper, label)`` in class order."""
    colors = colors or ramp(len(ranges))
    items = [
        QgsRendererRange(float(lo), float(hi), _symbol(c, geometry), str(lab))
        for (lo, hi, lab), c in zip(ranges, colors, strict=False)
    ]
    r = QgsGraduatedSymbolRenderer(field, items)
    return r


def categorized(field: str, categories, geometry=QgsWkbTypes.PolygonGeometry):
    """Categorized renderer; ``categories`` = list of ``(value, label, colour)``."""
    items = [QgsRendererCategory(v, _symbol(c, geometry), str(lab)) for v, lab, c in categories]
    return QgsCategorizedSymbolRenderer(field, items)


def classification_ranges(values, bins, legend):
    """``(lower, upper, label)`` per class of a library classification (for :func:`graduated`).

    The classes are closed above (``x ≤ bin``), which maps exactly onto QGIS's
    graduated ranges (``lower < x ≤ upper``, the first also including its lower bound).
    """
    vals = [
        float(v) for v in values if v is not None and not (isinstance(v, float) and math.isnan(v))
    ]
    vmin = min(vals) if vals else 0.0
    vmax = max(vals) if vals else 0.0
    from sozialraum.core.classify import class_ranges

    return class_ranges(bins, list(legend)[: len(bins)], vmin, vmax)


def label_renderer(field: str, cls, colors=None):
    """Categorized renderer on the label field of a classification (every class, plus
    "nicht bewertet" and "kein Wert" in grey) — for layers with areas outside the classes."""
    cols = list(colors or ramp(cls.k))
    cats = [(lab, lab, c) for lab, c in zip(cls.class_labels, cols, strict=False)]
    extra = cls.legend[cls.k :]
    pal = _palettes()
    for lab in extra:
        grey = pal.NOT_RATED_COLOR if lab in ("nicht bewertet", "not rated") else pal.MISSING_COLOR
        cats.append((lab, lab, grey))
    return categorized(field, cats)


def class_expression(field: str, cls, rated_field: str | None = None, lang=None) -> str:
    """A QGIS expression giving each feature the label of its class of ``cls``.

    Classes are closed above (``x ≤ bin``) as in :mod:`sozialraum.core.classify`; a NULL
    value gives "kein Wert" and, with ``rated_field``, an area not rated (``bewertet``
    false) "nicht bewertet" — both drawn grey by :func:`classes_renderer`.
    """
    q = '"' + field.replace('"', '""') + '"'
    labels = list(cls.class_labels)
    extra = [str(x) for x in cls.legend[cls.k :]]
    not_rated = next((x for x in extra if x in pal_not_rated_labels()), None)
    missing = _missing_label(lang)
    parts = ["CASE"]
    if rated_field and not_rated:
        r = '"' + rated_field.replace('"', '""') + '"'
        parts.append(f"WHEN {r} IS NOT NULL AND NOT {r} THEN {_quote(not_rated)}")
    parts.append(f"WHEN {q} IS NULL THEN {_quote(missing)}")
    for b, lab in zip(list(cls.bins)[:-1], labels[:-1], strict=False):
        parts.append(f"WHEN {q} <= {float(b)!r} THEN {_quote(lab)}")
    parts.append(f"ELSE {_quote(labels[-1])} END")
    return " ".join(parts)


def pal_not_rated_labels() -> tuple[str, str]:
    """The label of areas not rated in both languages."""
    return ("nicht bewertet", "not rated")


def _missing_label(lang=None) -> str:
    """ "kein Wert" in the language of the labels."""
    from .i18n import get_lang

    return "no value" if (lang or get_lang()) == "en" else "kein Wert"


def _quote(text: str) -> str:
    return "'" + str(text).replace("'", "''") + "'"


def classes_renderer(
    field: str, cls, ramp_name: str = "need", rated_field=None, colors=None, lang=None
):
    """Categorized renderer of a library classification ``cls`` of ``field``.

    Each class in its colour of the library ramp ``ramp_name`` (:mod:`sozialraum.core.palettes`,
    the web map's colours) and with the library's label (``"über 12,5 bis 17,3"``);
    areas without value ("kein Wert") and, with ``rated_field``, areas not rated
    ("nicht bewertet") grey. Works on any output layer without extra label fields.
    """
    pal = _palettes()
    cols = list(colors or pal.class_colors(cls.k, ramp_name))
    cats = [(lab, lab, c) for lab, c in zip(cls.class_labels, cols, strict=False)]
    for lab in [str(x) for x in cls.legend[cls.k :]]:
        grey = pal.NOT_RATED_COLOR if lab in pal_not_rated_labels() else pal.MISSING_COLOR
        cats.append((lab, lab, grey))
    if not any(lab in ("kein Wert", "no value") for _v, lab, _c in cats):
        lab = _missing_label(lang)
        cats.append((lab, lab, pal.MISSING_COLOR))
    renderer = categorized(class_expression(field, cls, rated_field, lang), cats)
    return renderer


def class_renderer(field_nr: str, legend, colors=None):
    """Categorized renderer on a class-number field (0 … k−1, NULL = "kein Wert")."""
    named = list(legend)
    has_nan = len(named) > 0 and str(named[-1]) in ("kein Wert", "no value")
    k = len(named) - (1 if has_nan else 0)
    cols = colors or ramp(k)
    cats = [(i, named[i], cols[i]) for i in range(k)]
    if has_nan:
        cats.append((None, named[-1], _palettes().MISSING_COLOR))
    return categorized(field_nr, cats)


def code_renderer(field: str, kind: str, lang=None):
    """Categorized renderer on a LISA/Gi* code field (``lisa_code``, ``gi_code``).

    Labels and colours from the codes (:mod:`sozialraum.core.palettes`), as on the web map.
    """
    pal = _palettes()
    labels = pal.code_labels(kind, lang)
    colors = pal.code_colors(kind)
    return categorized(field, [(c, labels[c], colors[c]) for c in pal.codes_of(kind)])


class StylePostProcessor(QgsProcessingLayerPostProcessorInterface):
    """Applies a renderer to the output layer Processing loads into the project."""

    _keep: list = []  # QGIS holds only a raw pointer: keep the Python objects alive

    def __init__(self, renderer):
        super().__init__()
        self.renderer = renderer

    @classmethod
    def create(cls, renderer):
        obj = cls(renderer)
        cls._keep.append(obj)
        del cls._keep[:-50]
        return obj

    def postProcessLayer(self, layer, context, feedback):  # noqa: N802
        if isinstance(layer, QgsVectorLayer) and self.renderer is not None:
            layer.setRenderer(self.renderer.clone())
            layer.triggerRepaint()


def apply(path: str, renderer, context=None, dest_id=None, name: str = "sozialraum") -> bool:
    """Store ``renderer`` as default style of the result file and style the loaded layer."""
    ok = False
    layer = QgsVectorLayer(str(path), name, "ogr")
    if layer.isValid():
        layer.setRenderer(renderer.clone())
        if str(path).lower().endswith(".gpkg"):
            try:
                layer.saveStyleToDatabase(name, "sozialraum", True, "")
                ok = True
            except Exception:  # noqa: BLE001
                ok = False
    if context is not None and dest_id is not None and context.willLoadLayerOnCompletion(dest_id):
        context.layerToLoadOnCompletionDetails(dest_id).setPostProcessor(
            StylePostProcessor.create(renderer)
        )
    return ok
