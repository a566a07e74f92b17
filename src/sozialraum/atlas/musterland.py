"""Musterland's atlas: three years, a boundary change, one measure (used by the demo).

:func:`build_musterland_atlas` writes a GeoPackage atlas of the example district:

* area versions ``sr2022`` (the 80 Sozialräume, valid 2022-01-01 … 2024-12-31) and
  ``sr2025`` (valid from 2025-01-01: the Bahnhofsviertel ``07999001012`` split into
  ``07999001023`` Nord / ``07999001024`` Süd, and Wüstemark + Täubchenthal
  ``07999010005``/``…006`` merged into ``07999010007`` Wüstemark-Täubchenthal), with
  the area-weighted crosswalk; the municipalities as version ``gem2022``;
* the catalogue and the tables of 2022–2024 (statistics office XLSX and job-centre
  CSV: six batches);
* the facilities, a region set ``jugendhilfe`` (three Jugendhilfe-Regionen of the
  municipalities);
* one measure: Quartiersmanagement "Wohnpark Am Sonnenhang" in ``07999001005`` from
  2023, target indicators SGB-II-Quote and Kinderarmut.

The new boundaries come from ``examples/musterland/grenzen_2025.gpkg`` (written by
``examples/musterland/make_boundary_change.py``) or, if that file is absent, from
:func:`boundary_change_2025` directly.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely

__all__ = ["boundary_change_2025", "build_musterland_atlas", "JUGENDHILFE_REGIONEN", "YEARS"]

YEARS = (2022, 2023, 2024)

SPLIT = "07999001012"
SPLIT_INTO = (("07999001023", "Bahnhofsviertel Nord"), ("07999001024", "Bahnhofsviertel Süd"))
MERGE = ("07999010005", "07999010006")
MERGE_INTO = ("07999010007", "Wüstemark-Täubchenthal")

#: Jugendhilfe-Regionen of Musterland (municipality AGS → region)
JUGENDHILFE_REGIONEN = {
    "07999001": "Mitte",
    "07999002": "Süd",
    "07999003": "West",
    "07999004": "West",
    "07999005": "Süd",
    "07999006": "Süd",
    "07999007": "West",
    "07999008": "Mitte",
    "07999009": "Nordost",
    "07999010": "Nordost",
}


def boundary_change_2025(areas: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The Sozialräume from 2025: one area split in two (north/south), two merged.

    ``areas``: Musterland's Sozialräume (index ``sr_id``; columns ``sr_name``, ``ags``,
    ``gemeinde``). The split runs along the east–west line through the centre of the
    Bahnhofsviertel's bounding box.
    """
    out = areas.copy()
    geom = out.geometry[SPLIT]
    minx, miny, maxx, maxy = geom.bounds
    cy = (miny + maxy) / 2
    south = shapely.intersection(geom, shapely.box(minx - 1, miny - 1, maxx + 1, cy))
    north = shapely.intersection(geom, shapely.box(minx - 1, cy, maxx + 1, maxy + 1))
    base = out.loc[SPLIT]
    rows = []
    for (key, name), g in zip(SPLIT_INTO, (north, south), strict=True):
        rows.append(
            {
                "sr_id": key,
                "sr_name": name,
                "ags": base["ags"],
                "gemeinde": base["gemeinde"],
                "geometry": g,
            }
        )
    m = out.loc[list(MERGE)]
    rows.append(
        {
            "sr_id": MERGE_INTO[0],
            "sr_name": MERGE_INTO[1],
            "ags": m["ags"].iloc[0],
            "gemeinde": m["gemeinde"].iloc[0],
            "geometry": shapely.union_all(m.geometry.to_numpy()),
        }
    )
    out = out.drop(index=[SPLIT, *MERGE])
    new = gpd.GeoDataFrame(
        pd.DataFrame(rows).set_index("sr_id"), geometry="geometry", crs=areas.crs
    )
    res = pd.concat([out, new])
    res.index.name = areas.index.name
    return gpd.GeoDataFrame(res, geometry="geometry", crs=areas.crs).sort_index()


def build_musterland_atlas(
    root: str | Path, path: str | Path, *, results: bool = True, lang: str | None = None
) -> Path | str:
    """Build Musterland's atlas into the GeoPackage ``path`` (rewritten if present).

    Parameters
    ----------
    root
        The repository root (with ``examples/musterland`` and ``data/boundaries``).
    path
        Target ``.gpkg`` (rewritten if present), or a ``postgresql://`` URL of an
        empty database with PostGIS.
    results
        Also run the monitor on the atlas's inputs of 2023/2024 (settings of
        ``examples/musterland/monitor.toml``) and store its frame as run
        ``musterland-2024`` (kind ``monitor``).

    Returns
    -------
    Path or str
        ``path``.
    """
    from sozialraum.atlas.atlas import Atlas
    from sozialraum.io import read_areas

    root = Path(root)
    if not str(path).startswith(("postgresql://", "postgres://")):
        path = Path(path)
        if path.exists():
            path.unlink()
    ex = root / "examples" / "musterland"
    gpkg = root / "data" / "boundaries" / "musterland.gpkg"
    areas = read_areas(gpkg, layer="sozialraeume", key="sr_id", name="sr_name", lang=lang)
    gemeinden = read_areas(gpkg, layer="gemeinden", key="ags", lang=lang)
    new_file = ex / "grenzen_2025.gpkg"
    if new_file.exists():
        new = read_areas(new_file, layer="sozialraeume", key="sr_id", name="sr_name", lang=lang)
    else:
        new = boundary_change_2025(areas)
    with Atlas.open(path, lang=lang) as atlas:
        atlas.add_areas(
            areas, "sr2022", valid_from="2022-01-01", label="Sozialräume 2022", name="sr_name"
        )
        atlas.add_areas(
            gemeinden,
            "gem2022",
            valid_from="2022-01-01",
            level="gemeinde",
            label="Gemeinden",
            name="gemeinde",
        )
        atlas.add_areas(
            new, "sr2025", valid_from="2025-01-01", label="Sozialräume ab 2025", name="sr_name"
        )
        atlas.set_catalogue(ex / "katalog.toml")
        for year in YEARS:
            atlas.import_table(ex / f"indikatoren_{year}.xlsx", year=year, sheet="Daten")
            atlas.import_table(ex / f"jobcenter_{year}.csv", year=year)
            atlas.import_table(ex / f"wanderung_junge_{year}.csv", year=year)
        fac = gpd.read_file(ex / "einrichtungen.gpkg", layer="einrichtungen")
        atlas.add_facilities(fac, valid_from="2022-01-01")
        atlas.add_region_set(
            "jugendhilfe",
            JUGENDHILFE_REGIONEN,
            level="gemeinde",
            region_names={r: f"Jugendhilfe-Region {r}" for r in set(JUGENDHILFE_REGIONEN.values())},
        )
        atlas.add_measure(
            "QM-2023-01",
            "Quartiersmanagement Wohnpark Am Sonnenhang",
            areas=["07999001005"],
            start="2023-01-01",
            end="2026-12-31",
            theme="Soziale Stadt",
            targets=["sgb2_quote", "kinderarmut"],
            description="Quartiersmanagement, Familienzentrum und Beschäftigungsprojekt (fiktiv).",
        )
        if results:
            import warnings

            from sozialraum.errors import SozialraumWarning
            from sozialraum.monitor import run_monitor

            inp = atlas.monitor_inputs([2023, 2024])
            params = {"min_denominator": 300, "seed": 20241231}
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", SozialraumWarning)
                res = run_monitor(inp.counts, inp.catalogue, status=inp.status, **params)
            atlas.save_results(
                res.frame,
                run_id="musterland-2024",
                kind="monitor",
                year=2024,
                version=inp.version,
                description="Sozialraummonitor 2024 (Vorjahr 2023)",
                params=params,
            )
    return path
