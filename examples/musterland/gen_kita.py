"""Musterland: Kita places by type and age group, occupancy, waiting lists, Schulbezirke.

Called from ``generate.py`` with the facilities and areas it has just written;
draws from its own seeded generator (``SEED``), so the other files stay as they are.

``kita_plaetze.csv`` (joined to ``einrichtungen.gpkg`` by ``id``)
    One row per Kita: places ``krippe`` (under 3), ``kindergarten`` (3 to school
    entry), ``hort`` (school children), ``tagespflege`` (childminders attached to the
    Kita), ``inklusion`` (of these, places for children with special needs),
    ``belegt`` (children attending) and ``warteliste`` (children waiting). Krippe +
    Kindergarten + Hort = ``kapazitaet`` of the facility layer.
``schulbezirke.gpkg`` (layer ``schulbezirke``)
    One catchment per Grundschule: the Sozialräume whose centre is nearest to it,
    dissolved; columns ``bezirk_id``, ``schule_id``, ``name``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

SEED = 20250601


def kita_places(fac, rng) -> pd.DataFrame:
    """Places by type for every Kita of ``fac`` (sum of the three types = its capacity)."""
    kitas = fac[fac["kategorie"] == "Kita"].sort_values("id")
    rows = []
    for r in kitas.itertuples():
        cap = int(r.kapazitaet)
        krippe = int(round(cap * rng.uniform(0.18, 0.32)))
        hort = int(round(cap * rng.choice([0.0, 0.0, 0.1, 0.2])))
        kiga = cap - krippe - hort
        tp = int(rng.choice([0, 0, 0, 5, 10]))
        load = rng.uniform(0.88, 1.0)
        rows.append(
            {
                "id": r.id,
                "krippe": krippe,
                "kindergarten": kiga,
                "hort": hort,
                "tagespflege": tp,
                "inklusion": int(rng.integers(0, 6)),
                "belegt": int(round((cap + tp) * load)),
                "warteliste": int(rng.poisson(6 if load > 0.97 else 1.5)),
            }
        )
    return pd.DataFrame(rows)


def school_districts(fac, sr_gdf):
    """Schulbezirke: each Sozialraum goes to the Grundschule nearest to its centre."""
    import geopandas as gpd

    schools = fac[fac["kategorie"] == "Grundschule"].sort_values("id")
    pts = sr_gdf.geometry.representative_point()
    sx, sy = schools.geometry.x.to_numpy(), schools.geometry.y.to_numpy()
    d = np.hypot(pts.x.to_numpy()[:, None] - sx[None, :], pts.y.to_numpy()[:, None] - sy[None, :])
    nearest = schools["id"].to_numpy()[np.argmin(d, axis=1)]
    g = gpd.GeoDataFrame(
        {"schule_id": nearest}, geometry=sr_gdf.geometry.to_numpy(), crs=sr_gdf.crs
    )
    out = g.dissolve(by="schule_id", as_index=False).sort_values("schule_id")
    names = schools.set_index("id")["name"]
    out.insert(0, "bezirk_id", [f"SB{i + 1:02d}" for i in range(len(out))])
    out["name"] = [f"Schulbezirk {names[s]}" for s in out["schule_id"]]
    return out[["bezirk_id", "schule_id", "name", "geometry"]].reset_index(drop=True)


def write_kita(out_examples: Path, fac, sr_gdf) -> list[Path]:
    """Write ``kita_plaetze.csv`` and ``schulbezirke.gpkg`` (deterministic)."""
    rng = np.random.default_rng(SEED)
    p1 = out_examples / "kita_plaetze.csv"
    kita_places(fac, rng).to_csv(p1, sep=";", index=False, encoding="utf-8", lineterminator="\n")
    p2 = out_examples / "schulbezirke.gpkg"
    if p2.exists():
        p2.unlink()
    school_districts(fac, sr_gdf).to_file(
        p2, layer="schulbezirke", driver="GPKG", engine="pyogrio", VERSION="1.3"
    )
    return [p1, p2]
