"""The Kita planning reference: the Musterland run's ``[kita]`` settings through the API.

Shared by the comparison of the CLI and the yearly run (``test_kita_doors.py``) and of
the QGIS tool (``tests/qgis/inside/test_kita_tool.py``): 2SFCA in 3 km over the
population raster's demand points, rates 45/95/50 %, projection to 2035 with the
scenarios, rates and control totals of ``[demografie]``.
"""

from __future__ import annotations

from pathlib import Path

YEARS = (2030, 2035)
NEW = {"art": "neu", "id": "NEU1", "x": 454795, "y": 5726934, "krippe": 20, "kindergarten": 40}
EXTEND = {"art": "erweiterung", "id": "KITA012", "kindergarten": 20}
CLOSE = {"art": "schliessung", "id": "KITA007"}
#: The what-if of ``examples/musterland/monitor.toml``.
WHAT_IF = [NEW, EXTEND, CLOSE]
#: The settings of ``[demografie]`` the projection reads.
DEMOGRAPHY = {
    "horizont": 11,
    "raten": "demografie_raten.csv",
    "raten_gueltig_bis": 2040,
    "szenarien": ["niedrig", "mittel", "hoch"],
    "szenario_wanderung": [-3.0, 0.0, 3.0],
    "eckwerte": "landesvorausberechnung.csv",
}


def kita_reference(boundaries: Path, ex: Path, changes=WHAT_IF):
    """:func:`~sozialraum.demography.kita.plan_kitas` on Musterland (a ``KitaResult``)."""
    import geopandas as gpd

    from sozialraum.access import SupplyNeedParams
    from sozialraum.demography import read_population
    from sozialraum.demography.kita import (
        DEFAULT_KITA_GROUPS,
        KitaInputs,
        KitaParams,
        kita_changes,
        kita_facilities,
        kita_projection,
        plan_kitas,
    )
    from sozialraum.io import read_areas
    from sozialraum.io.reader import read_text_table
    from sozialraum.raster import demand_shares

    areas = read_areas(boundaries, layer="sozialraeume", key="sr_id", name="sr_name")
    pop = read_population([ex / f"bevoelkerung_alter_{y}.csv" for y in range(2020, 2025)])
    settings = {k: (ex / v if k in ("raten", "eckwerte") else v) for k, v in DEMOGRAPHY.items()}
    kitas, places = kita_facilities(
        gpd.read_file(ex / "einrichtungen.gpkg", layer="einrichtungen"),
        category="Kita",
        places_table=read_text_table(ex / "kita_plaetze.csv").frame,
        capacity_col="kapazitaet",
    )
    inputs = KitaInputs(
        areas=areas,
        kitas=kitas,
        places=places,
        population=pop,
        projection=kita_projection(pop, YEARS, settings),
        gemeinde=areas["ags"].astype(str),
        demand_points=demand_shares(ex / "bevoelkerung_100m.tif", areas),
    )
    params = KitaParams(
        groups=DEFAULT_KITA_GROUPS,
        supply=SupplyNeedParams(method="2sfca", max_cost=3000.0),
        years=YEARS,
    )
    return plan_kitas(inputs, params, kita_changes(changes))
