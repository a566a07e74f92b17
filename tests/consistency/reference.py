"""The API reference of the consistency suite: Musterland 2024 through ``import sozialraum``.

Computed with the parameters of ``examples/musterland/monitor.toml`` (minimum
population 300, quantiles in 5 classes, queen weights without islands, 999
permutations, the config's seed, FDR at 5 %) and the Kita 2SFCA analysis
(children 0–5, 3000 m, the areas handed to ``measure`` as they are). Shared by the suite outside
QGIS and the one inside QGIS, so that every door is compared with the same numbers.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

SEED = 20241231  # [projekt] seed of the Musterland config: LISA of the first feature uses it
KITA = {"zielgruppe": ["ew_0_2", "ew_3_5"], "radius": 3000.0, "kategorie": "Kita"}
LISA = (
    "lisa_I",
    "lisa_z",
    "lisa_p",
    "lisa_p_adj",
    "lisa_sig",
    "lisa_code",
    "lisa_cat",
    "lisa_color",
)
#: Gi* needs non-negative values: it runs on a rate (the index is refused, LISA only)
GI_COLUMN = "sgb2_quote"
GI = ("gi_z", "gi_p", "gi_p_adj", "gi_code", "gi_cat", "gi_color")
ACCESS = ("nachfrage", "versorgung")


def reference(boundaries: Path, examples: Path) -> dict:
    """Frames of every step: ``join``, ``join_status``, ``rates``, ``monitor``, ``lisa``, ``gi``, ``access``."""
    import geopandas as gpd

    from sozialraum.access import measure
    from sozialraum.io import read_areas, read_catalogue, read_table
    from sozialraum.join import join_tables
    from sozialraum.monitor import run_monitor
    from sozialraum.pipeline.run import without_unrated_index
    from sozialraum.spatial import build_weights, getis_ord, local_moran

    ex = Path(examples)
    areas = read_areas(boundaries, layer="sozialraeume", key="sr_id", name="sr_name")
    cat = read_catalogue(ex / "katalog.toml")
    tables = [
        read_table(ex / "indikatoren_2024.xlsx", sheet="Daten", columns=cat),
        read_table(ex / "jobcenter_2024.csv", columns=cat),
        read_table(ex / "wanderung_junge_2024.csv", columns=cat),
    ]
    joined = join_tables(areas, tables, area_names="sr_name")
    variables = [v for v in cat.variables.index if v in joined.frame.columns]
    counts = joined.frame[variables]
    mon = run_monitor(
        counts,
        cat,
        status=joined.status.reindex(columns=[c for c in joined.status.columns if c in variables]),
        min_denominator=300,
        scheme="quantiles",
        k=5,
        seed=SEED,
    )
    frame = without_unrated_index(mon.frame)
    data = areas[["geometry"]].join(frame)
    w = build_weights(areas, "queen", islands="exclude")
    lisa = local_moran(
        data, "idx_gesamt", w, permutations=999, seed=SEED, alpha=0.05, correction="fdr"
    )
    rates = areas[["geometry"]].join(mon.rates.rates[[GI_COLUMN]])
    gi = getis_ord(rates, GI_COLUMN, w, correction="fdr")
    fac = gpd.read_file(ex / "einrichtungen.gpkg")
    fac = fac[fac["kategorie"] == KITA["kategorie"]]
    dem = areas[["geometry"]].assign(
        nachfrage=counts[KITA["zielgruppe"]].sum(axis=1, min_count=1).fillna(0)
    )
    acc = measure(
        dem, fac, "2sfca", demand_col="nachfrage", supply_col="kapazitaet", max_cost=KITA["radius"]
    )
    return {
        "areas": areas,
        "catalogue": cat,
        "join": joined.frame.drop(columns="geometry"),
        "join_status": joined.status,
        "rates": mon.rates.rates,
        "rates_status": mon.rates.status,
        "monitor": frame,
        "lisa": pd.DataFrame(lisa.frame.drop(columns="geometry", errors="ignore")),
        "gi": pd.DataFrame(gi.frame.drop(columns="geometry", errors="ignore")),
        "access": pd.DataFrame(acc.frame),
    }


def area_table(ref: dict) -> pd.DataFrame:
    """The per-area table as the doors write it: counts, new rates, monitor, ``<col>_status``."""
    from sozialraum.io import with_status_columns

    join = ref["join"]
    new = [c for c in ref["rates"].columns if c not in join.columns]
    table = join.join(ref["rates"][new]).join(
        ref["monitor"][[c for c in ref["monitor"].columns if c not in join.columns]]
    )
    status = ref["join_status"].join(ref["rates_status"][new].astype("string"))
    return pd.DataFrame(with_status_columns(table, status))
