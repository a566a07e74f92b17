"""QgsVectorLayer / feature source ↔ GeoDataFrame.

Choice: **through a temporary GeoPackage**. QGIS writes the feature source
(which honours "selected features only", filters and any provider — PostGIS,
WFS, Shapefile, memory layers) with ``QgsVectorFileWriter`` into a GeoPackage
in the Processing temp folder, and geopandas/pyogrio reads it. Compared with
iterating features in Python and building shapely geometries one by one, this

* keeps every field type, NULLs, multi-part geometries and the CRS exactly
  (GDAL on both sides, WKB in between),
* is fast for large layers (the copy is C++, the read is vectorised), and
* lets the library's own reader (:func:`sozialraum.io.read_areas`) check the
  areas (unique, non-empty keys as text, repairs invalid geometries with a
  warning) exactly as for a file on disk.

Results go the same way back: the library writes a GeoPackage 1.3
(:func:`sozialraum.io.write_gpkg`) at the path Processing gives, and QGIS loads it.
"""

from __future__ import annotations

import re
import tempfile
import warnings
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from qgis.core import (
    QgsCoordinateTransformContext,
    QgsFeatureRequest,
    QgsProcessingException,
    QgsProcessingUtils,
    QgsVectorFileWriter,
)

from .i18n import tr


def _temp_path(name: str) -> Path:
    folder = Path(tempfile.mkdtemp(prefix="sozialraum_", dir=QgsProcessingUtils.tempFolder()))
    safe = re.sub(r"[^\w\-]+", "_", name or "layer").strip("_") or "layer"
    return folder / f"{safe}.gpkg"


_MSG = {
    "empty_layer": {
        "de": "Die Ebene „{layer}“ hat keine Objekte{why}. Bitte eine Ebene mit Objekten "
        "wählen{hint}.",
        "en": "Layer '{layer}' has no features{why}. Please choose a layer with features{hint}.",
    },
    "after_filter": {"de": " nach dem Filter {expr}", "en": " after the filter {expr}"},
    "after_selection": {
        "de": " unter den gewählten Objekten",
        "en": " among the selected features",
    },
    "hint_filter": {
        "de": " oder den Filter bzw. „Nur gewählte Objekte“ ändern",
        "en": " or change the filter or 'selected features only'",
    },
    "case_clash": {
        "de": "Die Ergebnisspalten {cols} unterscheiden sich nur in der Groß-/Kleinschreibung; "
        "ein GeoPackage kann sie nicht nebeneinander speichern. Bitte eine davon umbenennen oder "
        "aus der Eingabe entfernen (z. B. eine Tabelle nicht ein zweites Mal verknüpfen oder den "
        "Indikatorenkatalog angeben).",
        "en": "The result columns {cols} differ only in upper/lower case; a GeoPackage cannot "
        "store them side by side. Please rename or remove one of them (e.g. do not join a table "
        "a second time, or give the indicator catalogue).",
    },
    "n_features": {
        "de": "Ebene „{layer}“: {n} Objekte gelesen{why}.",
        "en": "Layer '{layer}': {n} features read{why}.",
    },
}

#: Features copied between two checks of the cancel button.
CHECK_EVERY = 500


@dataclass(frozen=True)
class Copy:
    """A temporary GeoPackage copy of a feature source and the number of features in it."""

    path: Path
    n: int


def source_to_gpkg(
    source, name: str = "layer", feedback=None, expression: str | None = None
) -> Copy:
    """Write a ``QgsFeatureSource`` into a temporary GeoPackage (layer ``name``).

    ``expression``: optional QGIS filter expression (only matching features are written).
    Returns the path and the number of features written (after the filter and the
    selection); stops with :class:`~.algorithms.base.Cancelled` when the user cancels.
    """
    from .algorithms.base import Cancelled

    path = _temp_path(name)
    opts = QgsVectorFileWriter.SaveVectorOptions()
    opts.driverName = "GPKG"
    opts.layerName = path.stem
    opts.fileEncoding = "UTF-8"
    writer = QgsVectorFileWriter.create(
        str(path),
        source.fields(),
        source.wkbType(),
        source.sourceCrs(),
        QgsCoordinateTransformContext(),
        opts,
    )
    if writer.hasError() != QgsVectorFileWriter.NoError:
        raise QgsProcessingException(writer.errorMessage())
    request = QgsFeatureRequest()
    if expression:
        request.setFilterExpression(expression)
    n = 0
    for feat in source.getFeatures(request):
        writer.addFeature(feat)
        n += 1
        if feedback is not None and n % CHECK_EVERY == 0 and feedback.isCanceled():
            del writer
            raise Cancelled
    del writer  # flushes and closes the file
    return Copy(path, n)


def source_to_gdf(
    source,
    *,
    key: str | None = None,
    key_width: int | None = None,
    name_field: str | None = None,
    lang=None,
    feedback=None,
    expression=None,
    label: str | None = None,
    selected: bool = False,
    names: dict | None = None,
):
    """A ``QgsFeatureSource`` as GeoDataFrame.

    With ``key`` the areas are read by :func:`sozialraum.io.read_areas`: indexed
    by the key as text and checked (its German messages name the layer; ``key_width``
    restores leading zeros of keys stored as numbers). Without
    ``key`` (facilities, points) the features are read as they are. Messages and
    warnings of the library name the user's layer (``label``, else the source's
    name), never the temporary copy; ``names`` (if given) collects temporary path →
    layer name for the messages of later steps. The log gets the number of features
    read (after ``expression`` and the selection, ``selected``); a layer without
    features is an :class:`~sozialraum.errors.InputError` naming it.
    """
    import geopandas as gpd

    from sozialraum.errors import InputError

    label = label or source.sourceName() or "layer"
    copy = source_to_gpkg(source, label, feedback, expression)
    if names is not None:
        names[str(copy.path)] = label
    why = tr(_MSG, "after_filter", lang, expr=expression) if expression else ""
    why += tr(_MSG, "after_selection", lang) if selected else ""
    if copy.n == 0:
        hint = tr(_MSG, "hint_filter", lang) if why else ""
        raise InputError(tr(_MSG, "empty_layer", lang, layer=label, why=why, hint=hint))
    if feedback is not None:
        feedback.pushInfo(tr(_MSG, "n_features", lang, layer=label, n=copy.n, why=why))
    with user_names(copy.path, label):
        if key:
            from sozialraum.io import read_areas

            return read_areas(
                copy.path, key=key, name=name_field or None, key_width=key_width, lang=lang
            )
        return gpd.read_file(copy.path)


def renamed(text: str, path: Path, label: str) -> str:
    """``text`` with the temporary copy's path replaced by the layer name."""
    quoted = f"„{label}“"
    for form in dict.fromkeys((str(path), path.as_posix())):
        if form and form in text:
            text = text.replace(f"'{form}'", quoted).replace(f'"{form}"', quoted)
            text = text.replace(form, quoted)
    return text


@contextmanager
def user_names(path: Path, label: str):
    """Let library errors and warnings raised inside name ``label`` instead of ``path``."""
    from sozialraum.errors import SozialraumError

    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            yield
    except SozialraumError as err:
        err.args = (renamed(str(err), Path(path), label), *err.args[1:])
        if getattr(err, "file", None):
            err.file = label
        raise
    finally:
        for w in caught:
            warnings.warn_explicit(
                renamed(str(w.message), Path(path), label), w.category, w.filename, w.lineno
            )


def layer_to_gdf(layer, **kwargs):
    """A ``QgsVectorLayer`` (all features) as GeoDataFrame (see :func:`source_to_gdf`)."""
    return source_to_gdf(layer, **kwargs)


def write_layer(gdf, path: str, layer_name: str, status=None) -> str:
    """Write a result GeoDataFrame to ``path`` (GeoPackage 1.3 via the library, else by extension)."""
    p = str(path)
    _check_case(gdf)
    if p.lower().endswith(".gpkg"):
        from sozialraum.io import write_gpkg

        write_gpkg(gdf, p, layer_name, status=status, append_layer=False)
        return p
    from sozialraum.io import with_status_columns

    out = with_status_columns(gdf, status)
    idx = out.index.name or "key"
    out = (
        out.reset_index(drop=idx in out.columns)
        if idx in out.columns
        else out.reset_index(names=idx)
    )
    for col in out.columns:
        if col != out.geometry.name and str(out[col].dtype) == "category":
            out[col] = out[col].astype(object)
    Path(p).unlink(missing_ok=True)
    out.to_file(p)
    return p


def _check_case(gdf, lang=None) -> None:
    """Refuse columns that a GeoPackage (field names case-insensitive) cannot hold together."""
    from sozialraum.errors import InputError

    seen: dict[str, list[str]] = {}
    for col in [str(c) for c in gdf.columns] + [str(gdf.index.name or "")]:
        if col:
            seen.setdefault(col.lower(), []).append(col)
    clash = [names for names in seen.values() if len(set(names)) > 1]
    if clash:
        cols = "; ".join(" / ".join(repr(n) for n in names) for names in clash)
        raise InputError(tr(_MSG, "case_clash", lang, cols=cols), column=clash[0][0])


def gdf_to_layer(path: str, name: str):
    """Open a written result as ``QgsVectorLayer`` (for styling)."""
    from qgis.core import QgsVectorLayer

    return QgsVectorLayer(str(path), name, "ogr")
