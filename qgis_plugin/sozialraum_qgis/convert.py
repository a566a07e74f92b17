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
from pathlib import Path

from qgis.core import (
    QgsCoordinateTransformContext,
    QgsFeatureRequest,
    QgsProcessingException,
    QgsProcessingUtils,
    QgsVectorFileWriter,
)


def _temp_path(name: str) -> Path:
    folder = Path(tempfile.mkdtemp(prefix="sozialraum_", dir=QgsProcessingUtils.tempFolder()))
    safe = re.sub(r"[^\w\-]+", "_", name or "layer").strip("_") or "layer"
    return folder / f"{safe}.gpkg"


def source_to_gpkg(
    source, name: str = "layer", feedback=None, expression: str | None = None
) -> Path:
    """Write a ``QgsFeatureSource`` into a temporary GeoPackage (layer ``name``); returns its path.

    ``expression``: optional QGIS filter expression (only matching features are written).
    """
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
    total = source.featureCount() or 0
    request = QgsFeatureRequest()
    if expression:
        request.setFilterExpression(expression)
    for i, feat in enumerate(source.getFeatures(request)):
        writer.addFeature(feat)
        if feedback is not None and i % 2000 == 0 and feedback.isCanceled():
            break
    del writer  # flushes and closes the file
    if feedback is not None and total:
        feedback.pushDebugInfo(f"{total} features → {path}")
    return path


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
):
    """A ``QgsFeatureSource`` as GeoDataFrame.

    With ``key`` the areas are read by :func:`sozialraum.io.read_areas`: indexed
    by the key as text and checked (its German messages name the layer; ``key_width``
    restores leading zeros of keys stored as numbers). Without
    ``key`` (facilities, points) the features are read as they are. Messages and
    warnings of the library name the user's layer (``label``, else the source's
    name), never the temporary copy.
    """
    import geopandas as gpd

    label = label or source.sourceName() or "layer"
    path = source_to_gpkg(source, label, feedback, expression)
    with user_names(path, label):
        if key:
            from sozialraum.io import read_areas

            return read_areas(
                path, key=key, name=name_field or None, key_width=key_width, lang=lang
            )
        return gpd.read_file(path)


def _renamed(text: str, path: Path, label: str) -> str:
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
        err.args = (_renamed(str(err), Path(path), label), *err.args[1:])
        if getattr(err, "file", None):
            err.file = label
        raise
    finally:
        for w in caught:
            warnings.warn_explicit(
                _renamed(str(w.message), Path(path), label), w.category, w.filename, w.lineno
            )


def layer_to_gdf(layer, **kwargs):
    """A ``QgsVectorLayer`` (all features) as GeoDataFrame (see :func:`source_to_gdf`)."""
    return source_to_gdf(layer, **kwargs)


def write_layer(gdf, path: str, layer_name: str, status=None) -> str:
    """Write a result GeoDataFrame to ``path`` (GeoPackage 1.3 via the library, else by extension)."""
    p = str(path)
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


def gdf_to_layer(path: str, name: str):
    """Open a written result as ``QgsVectorLayer`` (for styling)."""
    from qgis.core import QgsVectorLayer

    return QgsVectorLayer(str(path), name, "ogr")
