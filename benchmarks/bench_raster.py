"""Benchmark: zonal sums of 10,000 polygons over a large raster — ours vs exactextract, rasterstats.

Prints lines ``bench <name>: ours <s> s, <peer> <s> s, ratio <peer/ours>`` and
``bench <name>: peak memory <MB> MB``. Every tool runs in its own process
(fair peak memory, cold imports excluded from the timing; the raster file is
in the OS cache for all of them after the first pass).

The synthetic data (population-like float32 raster: 100 m cells, ~60 % zeros,
deflate-compressed, tiled 512; Voronoi partition of the extent) is written once
to ``$TMPDIR/sozialraum_bench_raster`` and reused.

Environment:
``SOZIALRAUM_BENCH_RASTER_SIZE`` (default 20000 → 20,000 × 20,000 cells),
``SOZIALRAUM_BENCH_POLYGONS`` (default 10000),
``SOZIALRAUM_BENCH_RASTERSTATS_LIMIT`` (default 1000: rasterstats takes
minutes on all polygons; it is run on the first ``limit`` polygons and its
time scaled linearly to all polygons — the line says so).
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

SIZE = int(os.environ.get("SOZIALRAUM_BENCH_RASTER_SIZE", "20000"))
NPOLY = int(os.environ.get("SOZIALRAUM_BENCH_POLYGONS", "10000"))
RS_LIMIT = int(os.environ.get("SOZIALRAUM_BENCH_RASTERSTATS_LIMIT", "1000"))
CRS = "EPSG:3035"
RES = 100.0
X0, Y1 = 4000000.0, 3200000.0


def _data_paths() -> tuple[Path, Path]:
    d = Path(tempfile.gettempdir()) / "sozialraum_bench_raster"
    d.mkdir(exist_ok=True)
    return d / f"pop_{SIZE}.tif", d / f"areas_{SIZE}_{NPOLY}.gpkg"


def make_data() -> tuple[Path, Path]:
    """Write the raster (window by window: bounded memory) and the polygons once."""
    import geopandas as gpd
    import rasterio
    import shapely
    from affine import Affine

    raster, areas = _data_paths()
    if not raster.exists():
        tmp = raster.with_suffix(".part.tif")
        rng = np.random.default_rng(0)
        prof = dict(
            driver="GTiff",
            width=SIZE,
            height=SIZE,
            count=1,
            dtype="float32",
            crs=CRS,
            transform=Affine(RES, 0, X0, 0, -RES, Y1),
            nodata=-1.0,
            tiled=True,
            blockxsize=512,
            blockysize=512,
            compress="deflate",
            zlevel=1,
            BIGTIFF="YES",
        )
        step = 2048
        with rasterio.open(tmp, "w", **prof) as dst:
            for r in range(0, SIZE, step):
                h = min(step, SIZE - r)
                vals = rng.poisson(6.0, size=(h, SIZE)).astype("float32")
                vals[rng.random((h, SIZE)) < 0.6] = 0.0
                vals[rng.random((h, SIZE)) < 0.001] = -1.0  # a little nodata
                dst.write(vals, 1, window=rasterio.windows.Window(0, r, SIZE, h))
        tmp.rename(raster)
    if not areas.exists():
        rng = np.random.default_rng(1)
        ext = shapely.box(X0, Y1 - SIZE * RES, X0 + SIZE * RES, Y1)
        xmin, ymin, xmax, ymax = ext.bounds
        pts = shapely.points(rng.uniform(xmin, xmax, NPOLY), rng.uniform(ymin, ymax, NPOLY))
        vor = shapely.voronoi_polygons(shapely.multipoints(pts), extend_to=ext)
        polys = shapely.intersection(np.asarray(shapely.get_parts(vor)), ext)
        gdf = gpd.GeoDataFrame(
            {"key": [f"a{i:05d}" for i in range(len(polys))]}, geometry=polys, crs=CRS
        )
        gdf.to_file(areas, layer="areas")
    return raster, areas


def _worker(tool: str, raster: str, areas_path: str, limit: int) -> None:
    """Run one tool in this process; print a JSON line with seconds, peak MB, sums."""
    import geopandas as gpd

    areas = gpd.read_file(areas_path, layer="areas").set_index("key")
    if limit:
        areas = areas.iloc[:limit]
    if tool == "ours":
        from sozialraum.raster import zonal_stats

        t0 = time.perf_counter()
        sums = zonal_stats(areas, raster, stats=("sum",), method="center")["sum"].to_numpy()
    elif tool == "ours_2threads":
        from sozialraum.raster import zonal_stats

        t0 = time.perf_counter()
        sums = zonal_stats(areas, raster, stats=("sum",), method="center", num_threads=2)[
            "sum"
        ].to_numpy()
    elif tool == "ours_coverage":
        from sozialraum.raster import zonal_stats

        t0 = time.perf_counter()
        sums = zonal_stats(areas, raster, stats=("sum",), method="coverage")["sum"].to_numpy()
    elif tool == "exactextract":
        from exactextract import exact_extract

        t0 = time.perf_counter()
        df = exact_extract(raster, areas.reset_index(drop=True), ["sum"], output="pandas")
        sums = df["sum"].to_numpy()
    else:
        from rasterstats import zonal_stats as rzs

        t0 = time.perf_counter()
        sums = np.array(
            [r["sum"] or 0.0 for r in rzs(areas, raster, stats=["sum"], all_touched=False)]
        )
    secs = time.perf_counter() - t0
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    print(
        json.dumps(
            {
                "secs": secs,
                "peak_mb": peak_mb,
                "total": float(np.nansum(sums)),
                "n": len(sums),
                "head": [float(x) for x in sums[: limit or 1000]],
            }
        )
    )


def _run(tool: str, raster: Path, areas: Path, limit: int = 0, env: dict | None = None) -> dict:
    proc = subprocess.run(
        [sys.executable, __file__, "--worker", tool, str(raster), str(areas), str(limit)],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, **(env or {})},
    )
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    raster, areas = make_data()
    name = f"zonal-{NPOLY}x{SIZE}"
    # warm the OS file cache so that no tool pays the first disk read
    with open(raster, "rb") as fh:
        while fh.read(64 << 20):
            pass
    ours = _run("ours", raster, areas)
    ee = _run("exactextract", raster, areas)
    ours2 = _run("ours_2threads", raster, areas)
    cov = _run("ours_coverage", raster, areas)
    limit = min(RS_LIMIT, NPOLY)
    rs = _run("rasterstats", raster, areas, limit=limit)
    rs_secs = rs["secs"] * (NPOLY / limit)
    ours_head = np.array(ours["head"][:limit])
    rs_dev = float(
        np.max(np.abs(ours_head - np.array(rs["head"])) / np.maximum(np.abs(ours_head), 1))
    )
    print(
        f"bench {name}: ours {ours['secs']:.2f} s, exactextract {ee['secs']:.2f} s, "
        f"ratio {ee['secs'] / ours['secs']:.2f}"
    )
    print(
        f"bench {name}-2threads: ours {ours2['secs']:.2f} s, exactextract {ee['secs']:.2f} s, "
        f"ratio {ee['secs'] / ours2['secs']:.2f}  (GDAL decompression on 2 threads)"
    )
    print(
        f"bench {name}-coverage: ours {cov['secs']:.2f} s, exactextract {ee['secs']:.2f} s, "
        f"ratio {ee['secs'] / cov['secs']:.2f}"
    )
    print(
        f"bench {name}: ours {ours['secs']:.2f} s, rasterstats {rs_secs:.2f} s, "
        f"ratio {rs_secs / ours['secs']:.2f}"
        + (
            f"  (rasterstats measured on {limit} polygons: {rs['secs']:.2f} s, scaled)"
            if limit < NPOLY
            else ""
        )
    )
    print(f"bench {name}: peak memory {ours['peak_mb']:.0f} MB")
    print(f"bench {name}-coverage: peak memory {cov['peak_mb']:.0f} MB")
    print(
        f"bench {name}: exactextract peak memory {ee['peak_mb']:.0f} MB, "
        f"rasterstats peak memory {rs['peak_mb']:.0f} MB"
    )
    rel = abs(cov["total"] - ee["total"]) / ee["total"]
    print(
        f"# totals: ours(center) {ours['total']:.6g}, ours(coverage) {cov['total']:.6g}, "
        f"exactextract {ee['total']:.6g} (rel. diff {rel:.2e}); "
        f"max rel. diff ours(center) vs rasterstats {rs_dev:.1e}"
    )


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--worker":
        _worker(sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]))
    else:
        main()
