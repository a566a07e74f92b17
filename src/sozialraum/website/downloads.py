"""The downloads of the site: the release's tables as CSV, GeoPackage and GeoJSON.

Written from the same checked :class:`~sozialraum.privacy.Release` as the pages
(:func:`sozialraum.privacy.write_release` for CSV and GeoPackage), so they hold
exactly what the package of that level holds.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd

__all__ = ["write_downloads"]


def write_downloads(release, folder: Path, options) -> list[Path]:
    """CSV (German conventions) and GeoPackage per level, GeoJSON of the areas."""
    from sozialraum.privacy import write_release

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    files = write_release(
        release, folder, formats=("gpkg", "csv"), territory=options.territory, title=options.name
    )
    pkg = folder / release.package
    out = []
    for p, _de, _en in files:
        target = folder / Path(p).name
        Path(p).replace(target)
        out.append(target)
    if pkg.is_dir():
        for rest in pkg.iterdir():
            rest.replace(folder / rest.name)
        pkg.rmdir()
    areas = release.frame("areas")
    if isinstance(areas, gpd.GeoDataFrame) and areas.crs is not None:
        gj = folder / f"{release.name}_{release.package}_gebiete.geojson"
        cols = [c for c in areas.columns if c != "geometry"]
        areas = areas[[*cols, "geometry"]].copy()
        areas.index = areas.index.astype(str)
        areas = areas.reset_index()
        areas.to_crs(4326).to_file(gj, driver="GeoJSON", COORDINATE_PRECISION=5)
        out.append(gj)
    return out
