"""Zonal statistics against rasterstats (cell centre), exactextract (coverage) and hand computation."""

from __future__ import annotations

import warnings

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import rasterio
import shapely
from raster_helpers import voronoi_partition, write_raster

from sozialraum.errors import InputError, SozialraumWarning
from sozialraum.raster import zonal_stats

exactextract = pytest.importorskip("exactextract")
rasterstats = pytest.importorskip("rasterstats")

# rasterstats and rasterio use affine's deprecated ``*`` operator
pytestmark = pytest.mark.filterwarnings("ignore::PendingDeprecationWarning")


def _rasterstats(areas, path, stats):
    res = rasterstats.zonal_stats(areas, str(path), stats=list(stats), all_touched=False)
    return pd.DataFrame(res, index=areas.index).astype(float)


def _exactextract(areas, path, stats):
    df = exactextract.exact_extract(
        str(path), areas.reset_index(drop=True), list(stats), output="pandas"
    )
    df.index = areas.index
    return df.astype(float)


@pytest.fixture
def partition(pop_raster):
    # a slightly shrunk extent: polygons do not align with cells
    xmin, ymin, xmax, ymax = pop_raster["bounds"]
    return voronoi_partition(
        (xmin + 33, ymin + 17, xmax - 41, ymax - 29), 40, seed=3, crs="EPSG:25833"
    )


def test_center_equals_rasterstats(pop_raster, partition):
    stats = ("sum", "count", "mean", "min", "max", "majority")
    ours = zonal_stats(partition, pop_raster["path"], stats=stats, method="center")
    ref = _rasterstats(partition, pop_raster["path"], stats)
    assert list(ours.index) == list(partition.index)
    for s in stats:
        np.testing.assert_allclose(ours[s].to_numpy(), ref[s].to_numpy(), rtol=1e-12, err_msg=s)


def test_coverage_equals_exactextract(pop_raster, partition):
    stats = ("sum", "count", "mean", "min", "max", "majority")
    ours = zonal_stats(partition, pop_raster["path"], stats=stats, method="coverage")
    ref = _exactextract(partition, pop_raster["path"], stats)
    for s in ("sum", "count", "mean"):
        # exactextract stores coverage fractions as float32
        np.testing.assert_allclose(ours[s].to_numpy(), ref[s].to_numpy(), rtol=1e-6, err_msg=s)
    for s in ("min", "max", "majority"):
        np.testing.assert_array_equal(ours[s].to_numpy(), ref[s].to_numpy(), err_msg=s)


def test_conservation_full_coverage(pop_raster):
    # partition of exactly the raster extent: area sums must add up to the raster total
    areas = voronoi_partition(pop_raster["bounds"], 57, seed=11, crs="EPSG:25833")
    data = pop_raster["data"].astype(np.float64)
    total = data[data != pop_raster["nodata"]].sum()
    cov = zonal_stats(areas, pop_raster["path"], stats=("sum", "count"), method="coverage")
    assert abs(cov["sum"].sum() / total - 1) < 1e-9
    n_valid = (data != pop_raster["nodata"]).sum()
    assert abs(cov["count"].sum() / n_valid - 1) < 1e-9
    cen = zonal_stats(areas, pop_raster["path"], stats=("sum", "count"), method="center")
    assert cen["count"].sum() == n_valid  # every cell exactly once
    assert abs(cen["sum"].sum() / total - 1) < 1e-12


def test_coverage_hand_computed(tmp_path):
    # 4 x 4 raster of 10 m cells with value = 1 + cell number
    data = np.arange(16, dtype="float64").reshape(4, 4) + 1
    path = write_raster(tmp_path / "h.tif", data, x0=0, y1=40, res=10, crs="EPSG:25832")
    areas = gpd.GeoDataFrame(
        geometry=[
            shapely.box(5, 30, 15, 40),  # half of cell (0,0) [value 1] and half of (0,1) [value 2]
            shapely.Polygon(
                [(20, 0), (40, 0), (40, 20)]
            ),  # triangle over the lower-right 2x2 block
            shapely.box(0, 0, 20, 20).difference(shapely.box(5, 5, 15, 15)),  # square with a hole
        ],
        index=["halb", "dreieck", "loch"],
        crs="EPSG:25832",
    )
    r = zonal_stats(areas, path, stats=("sum", "count"), method="coverage")
    # halb: 0.5 * 1 + 0.5 * 2
    assert r.loc["halb", "count"] == pytest.approx(1.0, abs=1e-12)
    assert r.loc["halb", "sum"] == pytest.approx(1.5, abs=1e-12)
    # dreieck: cells (rows 2-3, cols 2-3): values 11,12,15,16; lower-right triangle below the
    # diagonal from (20,0) to (40,20): cell (3,3) full, (2,2) none, (2,3) and (3,2) half
    assert r.loc["dreieck", "count"] == pytest.approx(2.0, abs=1e-12)
    assert r.loc["dreieck", "sum"] == pytest.approx(16 + 0.5 * 12 + 0.5 * 15, abs=1e-12)
    # loch: lower-left 2x2 block (values 9,10,13,14), each cell 3/4 covered
    assert r.loc["loch", "count"] == pytest.approx(3.0, abs=1e-12)
    assert r.loc["loch", "sum"] == pytest.approx(0.75 * (9 + 10 + 13 + 14), abs=1e-12)


def test_nodata_ignored(pop_raster):
    x0, _, _, y1 = pop_raster["bounds"]
    res = pop_raster["res"]
    # box over rows 8..16, cols 18..32 (contains the nodata block rows 10..13, cols 20..29)
    geom = shapely.box(x0 + 18 * res, y1 - 16 * res, x0 + 32 * res, y1 - 8 * res)
    # a box entirely inside the nodata block
    only_nodata = shapely.box(x0 + 21 * res, y1 - 13 * res, x0 + 24 * res, y1 - 11 * res)
    areas = gpd.GeoDataFrame(geometry=[geom, only_nodata], index=["a", "leer"], crs="EPSG:25833")
    block = pop_raster["data"][8:16, 18:32].astype(float)
    valid = block[block != -1]
    for method in ("center", "coverage"):
        with pytest.warns(SozialraumWarning, match="leer"):
            r = zonal_stats(areas, pop_raster["path"], method=method)
        assert r.loc["a", "sum"] == pytest.approx(valid.sum(), abs=1e-9)
        assert r.loc["a", "count"] == pytest.approx(len(valid), abs=1e-9)
        assert r.loc["a", "min"] == valid.min()
        assert r.loc["a", "max"] == valid.max()
        assert r.loc["leer", "count"] == 0
        assert r.loc["leer", ["sum", "mean", "min", "max", "majority"]].isna().all()


def test_nan_nodata_float_raster(tmp_path):
    data = np.ones((20, 20))
    data[:5, :] = np.nan
    path = write_raster(
        tmp_path / "n.tif", data, x0=0, y1=200, res=10, crs="EPSG:25832", nodata=np.nan
    )
    areas = gpd.GeoDataFrame(geometry=[shapely.box(0, 0, 200, 200)], index=["x"], crs="EPSG:25832")
    r = zonal_stats(areas, path, stats=("sum", "count"), method="coverage")
    assert r.loc["x", "sum"] == pytest.approx(300.0)
    assert r.loc["x", "count"] == pytest.approx(300.0)


def test_crs_mismatch_areas_in_4326(pop_raster, partition):
    areas_4326 = partition.to_crs("EPSG:4326")
    ours = zonal_stats(areas_4326, pop_raster["path"], stats=("sum", "count"), method="center")
    # reference: rasterstats on the areas projected back to the raster's CRS (EPSG:25833)
    back = areas_4326.to_crs("EPSG:25833")
    ref = _rasterstats(back, pop_raster["path"], ("sum", "count"))
    np.testing.assert_allclose(ours["sum"], ref["sum"], rtol=1e-12)
    np.testing.assert_allclose(ours["count"], ref["count"], rtol=1e-12)
    cov = zonal_stats(areas_4326, pop_raster["path"], stats=("sum",), method="coverage")
    ref_cov = _exactextract(back, pop_raster["path"], ("sum",))
    np.testing.assert_allclose(cov["sum"], ref_cov["sum"], rtol=1e-6)


def test_windowed_reads_never_read_whole_raster(pop_raster, partition, monkeypatch):
    shapes = []
    original = rasterio.io.DatasetReader.read

    def spy(self, *args, **kwargs):
        assert kwargs.get("window") is not None, "read without a window"
        out = original(self, *args, **kwargs)
        shapes.append(out.shape)
        return out

    monkeypatch.setattr(rasterio.io.DatasetReader, "read", spy)
    for method in ("center", "coverage"):
        shapes.clear()
        small = zonal_stats(partition, pop_raster["path"], method=method, window_size=16)
        assert len(shapes) > 20  # 90 x 120 raster in 16 x 16 tiles
        assert max(s[0] for s in shapes) <= 16 and max(s[1] for s in shapes) <= 16
        big = zonal_stats(partition, pop_raster["path"], method=method, window_size=4096)
        pd.testing.assert_frame_equal(small, big, rtol=1e-12)
        # the fast path for sums (no per-cell records) across tile borders
        fast_small = zonal_stats(
            partition, pop_raster["path"], stats=("sum", "count"), method=method, window_size=16
        )
        pd.testing.assert_frame_equal(fast_small, big[["sum", "count"]], rtol=1e-10)
    # a striped (untiled) copy is read in full-width bands, never as a whole
    striped = write_raster(
        pop_raster["path"].with_name("striped.tif"),
        pop_raster["data"],
        x0=pop_raster["bounds"][0],
        y1=pop_raster["bounds"][3],
        res=100,
        crs="EPSG:25833",
        nodata=-1.0,
    )
    with rasterio.open(striped) as src:
        assert src.block_shapes[0][1] == src.width
    shapes.clear()
    r = zonal_stats(partition, striped, stats=("sum", "count"), window_size=16)
    assert len(shapes) > 3 and max(s[0] for s in shapes) < 90
    ref = zonal_stats(partition, pop_raster["path"], stats=("sum", "count"))
    pd.testing.assert_frame_equal(r, ref, rtol=1e-12)


def test_overlapping_areas_center(pop_raster):
    x0, y0, x1, y1 = pop_raster["bounds"]
    a = shapely.box(x0 + 1000, y0 + 1000, x0 + 5000, y0 + 5000)
    b = shapely.box(x0 + 3000, y0 + 3000, x0 + 7000, y0 + 6000)
    c = shapely.Point(x0 + 4000, y0 + 4000).buffer(800)  # inside both
    areas = gpd.GeoDataFrame(geometry=[a, b, c], index=["a", "b", "c"], crs="EPSG:25833")
    ours = zonal_stats(areas, pop_raster["path"], stats=("sum", "count", "max"), method="center")
    ref = _rasterstats(areas, pop_raster["path"], ("sum", "count", "max"))
    np.testing.assert_allclose(ours.to_numpy(), ref[["sum", "count", "max"]].to_numpy(), rtol=1e-12)


def test_multipolygon_and_partly_outside(pop_raster):
    x0, y0, x1, y1 = pop_raster["bounds"]
    multi = shapely.MultiPolygon(
        [
            shapely.box(x0 + 100, y0 + 100, x0 + 900, y0 + 700),
            shapely.box(x1 - 800, y1 - 600, x1 - 150, y1 - 50),
        ]
    )
    outside = shapely.box(x1 - 500, y1 - 500, x1 + 2000, y1 + 2000)
    areas = gpd.GeoDataFrame(geometry=[multi, outside], index=["m", "o"], crs="EPSG:25833")
    with pytest.warns(SozialraumWarning, match="'o'"):
        ours = zonal_stats(areas, pop_raster["path"], stats=("sum", "count"), method="coverage")
    ref = _exactextract(areas, pop_raster["path"], ("sum", "count"))
    np.testing.assert_allclose(ours.to_numpy(), ref[["sum", "count"]].to_numpy(), rtol=1e-6)


def test_errors(pop_raster, partition, tmp_path):
    path = pop_raster["path"]
    with pytest.raises(InputError, match="median"):
        zonal_stats(partition, path, stats=("median",))
    with pytest.raises(InputError, match="Methode"):
        zonal_stats(partition, path, method="all")
    with pytest.raises(InputError, match="Band 3"):
        zonal_stats(partition, path, band=3)
    with pytest.raises(InputError, match="CRS"):
        zonal_stats(partition.set_crs(None, allow_override=True), path)
    with pytest.raises(InputError, match="no coordinate"):
        zonal_stats(partition.set_crs(None, allow_override=True), path, lang="en")
    nocrs = write_raster(tmp_path / "nocrs.tif", np.ones((4, 4)), x0=0, y1=4, res=1, crs=None)
    with pytest.raises(InputError, match="nocrs.tif"):
        zonal_stats(partition, nocrs)
    bad = partition.copy()
    bad.loc["a1", "geometry"] = None
    with pytest.raises(InputError, match="'a1'") as exc:
        zonal_stats(bad, path)
    assert exc.value.ids == ["a1"]


def test_small_area_center_warns_coverage_counts(pop_raster):
    x0, _, _, y1 = pop_raster["bounds"]
    # 20 m square not containing any cell centre
    tiny = shapely.box(x0 + 10, y1 - 30, x0 + 30, y1 - 10)
    areas = gpd.GeoDataFrame(geometry=[tiny], index=["klein"], crs="EPSG:25833")
    with pytest.warns(SozialraumWarning, match="klein"):
        r = zonal_stats(areas, pop_raster["path"], stats=("sum", "count"), method="center")
    assert r.loc["klein", "count"] == 0 and np.isnan(r.loc["klein", "sum"])
    with warnings.catch_warnings():
        warnings.simplefilter("error", SozialraumWarning)
        r = zonal_stats(areas, pop_raster["path"], stats=("sum", "count"), method="coverage")
    assert r.loc["klein", "count"] == pytest.approx(0.04)
    assert r.loc["klein", "sum"] == pytest.approx(0.04 * pop_raster["data"][0, 0])


def test_musterland_population_smoke(musterland):
    raster = musterland["examples"] / "bevoelkerung_100m.tif"
    gpkg = musterland["boundaries"]
    table = musterland["examples"] / "bevoelkerung_alter_2024.csv"
    if not raster.exists() or not gpkg.exists():
        pytest.skip("Musterland raster or boundaries not generated yet")
    areas = gpd.read_file(gpkg, layer="sozialraeume")
    areas = areas.set_index(areas["sr_id"].astype(str))
    with rasterio.open(raster) as src:
        total = float(src.read(1, masked=True).sum())
    r = zonal_stats(areas, raster, stats=("sum",), method="center")
    assert r["sum"].sum() == pytest.approx(total, rel=1e-9)
    if table.exists():
        # the generator spreads each area's 2024 population over cells whose centre lies inside it
        ew = pd.read_csv(table, sep=";", dtype={"sr_id": str}).groupby("sr_id")["anzahl"].sum()
        np.testing.assert_allclose(r["sum"].to_numpy(), ew.reindex(r.index).to_numpy(), rtol=1e-12)


def test_gdal_mask_band_respected(tmp_path):
    # no nodata value, but an internal dataset mask hides the left half
    data = np.full((10, 10), 2.0)
    path = tmp_path / "m.tif"
    with rasterio.open(
        path,
        "w",
        driver="GTiff",
        height=10,
        width=10,
        count=1,
        dtype="float64",
        crs="EPSG:25832",
        transform=rasterio.Affine(10, 0, 0, 0, -10, 100),
    ) as dst:
        dst.write(data, 1)
        mask = np.full((10, 10), 255, dtype="uint8")
        mask[:, :5] = 0
        dst.write_mask(mask)
    areas = gpd.GeoDataFrame(geometry=[shapely.box(0, 0, 100, 100)], index=["x"], crs="EPSG:25832")
    for method in ("center", "coverage"):
        for stats in (("sum", "count"), ("sum", "count", "max")):
            r = zonal_stats(areas, path, stats=stats, method=method)
            assert r.loc["x", "count"] == pytest.approx(50), (method, stats)
            assert r.loc["x", "sum"] == pytest.approx(100), (method, stats)


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_coverage_count_equals_polygon_area(tmp_path, seed):
    # Σ covered fractions of a constant raster = polygon area / cell area (shapely as reference)
    rng = np.random.default_rng(seed)
    path = write_raster(
        tmp_path / "one.tif", np.ones((50, 60)), x0=0, y1=500, res=10, crs="EPSG:25832"
    )
    pts = shapely.points(rng.uniform(80, 520, 12), rng.uniform(80, 420, 12))
    blob = shapely.buffer(shapely.multipoints(pts), rng.uniform(20, 60)).simplify(3)
    hole = shapely.Point(300, 250).buffer(30)
    geom = blob.difference(hole) if seed % 2 else blob
    areas = gpd.GeoDataFrame(geometry=[geom], index=["g"], crs="EPSG:25832")
    r = zonal_stats(areas, path, stats=("count", "sum"), method="coverage", window_size=16)
    assert r.loc["g", "count"] == pytest.approx(geom.area / 100.0, rel=1e-9)
    dense = zonal_stats(areas, path, stats=("count", "max"), method="coverage", window_size=16)
    assert dense.loc["g", "count"] == pytest.approx(geom.area / 100.0, rel=1e-9)


def test_center_fast_path_matches_gdal_on_ties(pop_raster):
    # edges exactly through cell centres and along cell borders: the scan-line fast path
    # (sum/count only) must pick the same cells as GDAL (rasterstats) and the label path
    x0, y0, _, y1 = pop_raster["bounds"]
    geoms = [
        shapely.box(x0 + 150, y0 + 250, x0 + 1150, y0 + 950),  # edges on cell centres
        shapely.box(x0 + 2000, y0 + 2000, x0 + 3000, y0 + 2500),  # edges on cell borders
        shapely.Polygon([(x0 + 4050, y0 + 4050), (x0 + 6050, y0 + 4050), (x0 + 4050, y0 + 6050)]),
        shapely.box(x0 + 500, y0 + 500, x0 + 2550, y0 + 2550),  # overlaps the others
    ]
    areas = gpd.GeoDataFrame(geometry=geoms, index=["m", "r", "t", "o"], crs="EPSG:25833")
    fast = zonal_stats(areas, pop_raster["path"], stats=("sum", "count"), method="center")
    slow = zonal_stats(areas, pop_raster["path"], stats=("sum", "count", "max"), method="center")
    ref = _rasterstats(areas, pop_raster["path"], ("sum", "count"))
    np.testing.assert_allclose(fast["count"], ref["count"])
    np.testing.assert_allclose(fast["sum"], ref["sum"], rtol=1e-12)
    np.testing.assert_allclose(slow["count"], ref["count"])


def test_num_threads_same_result(pop_raster, partition):
    one = zonal_stats(partition, pop_raster["path"], stats=("sum", "count"))
    two = zonal_stats(partition, pop_raster["path"], stats=("sum", "count"), num_threads=2)
    pd.testing.assert_frame_equal(one, two)
