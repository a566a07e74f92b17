"""Figures: PNG/SVG written, German labels by default, English on request, colours as legend."""

from __future__ import annotations

import geopandas as gpd
import libpysal
import numpy as np
import pandas as pd
import pytest

from sozialraum.errors import InputError
from sozialraum.spatial import (
    LISA_COLORS,
    build_weights,
    cluster_map,
    getis_ord,
    hotspot_map,
    local_moran,
    moran_scatterplot,
)

pytestmark = pytest.mark.usefixtures("esda_warm")


@pytest.fixture(scope="module")
def result():
    gdf = gpd.read_file(libpysal.examples.get_path("columbus.shp"))
    gdf.index = pd.Index([f"C{int(i):02d}" for i in gdf["POLYID"]])
    return local_moran(gdf, "CRIME", seed=1)


def test_scatterplot_png_german(result, tmp_path):
    fig = moran_scatterplot(result, tmp_path / "scatter.png")
    data = (tmp_path / "scatter.png").read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 5000
    ax = fig.axes[0]
    assert "Moran-Streudiagramm" in ax.get_title() and "0,500" in ax.get_title()
    assert ax.get_xlabel() == "CRIME (standardisiert)"
    assert "Nachbarn" in ax.get_ylabel()
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert any(lbl.startswith("Hoch-Hoch") for lbl in labels)
    # slope of the drawn line = Moran's I (row-standardised weights)
    line = ax.get_lines()[0]
    x, y = line.get_data()
    assert (y[1] - y[0]) / (x[1] - x[0]) == pytest.approx(result.params["moran_I"], rel=1e-9)


def test_cluster_map_svg_and_colours(result, tmp_path):
    fig = cluster_map(result, tmp_path / "karte.svg")
    svg = (tmp_path / "karte.svg").read_text()
    assert svg.lstrip().startswith("<?xml") and "LISA-Clusterkarte" in svg
    ax = fig.axes[0]
    handles = (
        ax.get_legend().legend_handles
        if hasattr(ax.get_legend(), "legend_handles")
        else ax.get_legend().legendHandles
    )
    texts = [t.get_text() for t in ax.get_legend().get_texts()]
    hh = texts.index(next(t for t in texts if t.startswith("Hoch-Hoch")))
    rgba = handles[hh].get_facecolor()
    assert tuple(round(c * 255) for c in rgba[:3]) == (255, 0, 0)
    assert LISA_COLORS["HH"] == "#ff0000"


def test_english_and_hotspot_map(result, tmp_path):
    fig = moran_scatterplot(result, lang="en")
    assert fig.axes[0].get_title().startswith("Moran scatter plot")
    g = getis_ord(result.frame[["CRIME", "geometry"]], "CRIME")
    hotspot_map(g, tmp_path / "gi.png")
    assert (tmp_path / "gi.png").stat().st_size > 5000


def test_map_needs_geometry_and_valid_format(result, tmp_path):
    w = build_weights(result.frame)
    plain = local_moran(pd.DataFrame(result.frame[["CRIME"]]), "CRIME", w, seed=1)
    with pytest.raises(InputError, match="Geometrien"):
        cluster_map(plain)
    with pytest.raises(InputError, match="png"):
        moran_scatterplot(result, tmp_path / "x.jpg")
    assert np.isfinite(plain.frame["lisa_I"]).all()
