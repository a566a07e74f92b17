"""Renderers for the results: graduated classes with German labels, LISA and Gi* categories.

The functions take plain data (breaks, labels, colours — computed by the
library) and build QGIS renderers; :func:`apply` stores the style in the result
GeoPackage as its default style (so the layer arrives styled in the project, in
``qgis_process`` output and when opened later) and registers a post-processor
for the layer Processing loads into the project.
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

#: ColorBrewer YlOrRd (9 classes): low need light, high need dark red.
YLORRD = [
    "#ffffcc",
    "#ffeda0",
    "#fed976",
    "#feb24c",
    "#fd8d3c",
    "#fc4e2a",
    "#e31a1c",
    "#bd0026",
    "#800026",
]
NO_VALUE = "#bdbdbd"


def ramp(k: int, colors=YLORRD) -> list[str]:
    """``k`` colours spread evenly over a sequential ramp."""
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


def classification_ranges(values, bins, legend, *, closed: str = "right"):
    """``(lower, upper, label)`` per class from a library classification (NaN class left out).

    Right-closed classes (mapclassify: ``x ≤ bin``) map exactly onto QGIS's graduated
    ranges (``lower < x ≤ upper``, the first also including its lower bound).
    """
    vals = [
        float(v) for v in values if v is not None and not (isinstance(v, float) and math.isnan(v))
    ]
    vmin = min(vals) if vals else 0.0
    vmax = max(vals) if vals else 0.0
    bins = [float(b) for b in bins]
    labels = list(legend)[: len(bins) if closed == "right" else len(bins) + 1]
    out = []
    if closed == "right":
        lower = min(vmin, bins[0]) if bins else vmin
        for i, b in enumerate(bins):
            upper = max(b, vmax) if i == len(bins) - 1 else b
            out.append((lower, upper, labels[i]))
            lower = b
    else:  # fixed breaks b1 … bm: x < b1, b1 ≤ x < b2, …, x ≥ bm
        edges = [min(vmin, bins[0] - 1)] + bins + [max(vmax, bins[-1]) + 1e-9]
        for i in range(len(bins) + 1):
            out.append((edges[i], edges[i + 1], labels[i]))
    return out


def class_renderer(field_nr: str, legend, colors=None):
    """Categorized renderer on a class-number field (0 … k−1, NULL = "kein Wert")."""
    named = [lab for lab in legend]
    has_nan = len(named) > 0 and str(named[-1]) in ("kein Wert", "no value")
    k = len(named) - (1 if has_nan else 0)
    cols = colors or ramp(k)
    cats = [(i, named[i], cols[i]) for i in range(k)]
    if has_nan:
        cats.append((None, named[-1], NO_VALUE))
    return categorized(field_nr, cats)


def code_renderer(field: str, codes, labels: dict, colors: dict):
    """Categorized renderer on a code field (LISA ``HH``…, Gi* ``hot99``…) with given labels/colours."""
    return categorized(field, [(c, labels[c], colors[c]) for c in codes])


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
