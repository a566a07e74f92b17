"""Musterland's care planning data: prevalence table and care offers by type.

Called from :mod:`generate` (one line); deterministic with its own seed, so that
the other generated files stay byte-identical.

* ``pflege_praevalenz.csv`` — share of the population in need of care by age group
  and sex (rounded values in the style of the Pflegestatistik 2021) and, per group,
  the forms of care used (% of those in need: Pflegegeld, ambulant, Tagespflege,
  vollstationär).
* ``pflege_angebote.gpkg`` (layer ``pflegeangebote``) — the nursing homes of
  ``einrichtungen.gpkg`` as ``stationaer`` and added day-care places
  (``tagespflege``) and home care services (``ambulant``, clients) with their places.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

PFLEGE_SEED = 20250517

#: (alter_von, alter_bis, quote m, quote w, pflegegeld, ambulant, tagespflege, stationaer)
PREVALENCE = (
    (0, 14, 1.8, 1.2, 88.0, 6.0, 0.0, 1.0),
    (15, 59, 1.3, 1.2, 72.0, 14.0, 1.0, 6.0),
    (60, 64, 3.8, 3.4, 60.0, 20.0, 2.0, 9.0),
    (65, 69, 5.8, 5.2, 56.0, 22.0, 3.0, 10.0),
    (70, 74, 8.9, 8.8, 53.0, 23.0, 4.0, 12.0),
    (75, 79, 13.5, 15.8, 50.0, 24.0, 5.0, 14.0),
    (80, 84, 22.6, 29.6, 46.0, 25.0, 6.0, 17.0),
    (85, 89, 40.1, 53.4, 41.0, 26.0, 6.0, 23.0),
    (90, None, 66.3, 85.8, 33.0, 25.0, 5.0, 35.0),
)

TAGESPFLEGE = (
    "Tagespflege Am Park",
    "Tagespflege Lindenhof",
    "Tagespflege Spreewitz",
    "Tagespflege Heidegrund",
    "Tagespflege Fließtal",
    "Tagespflege Eichengrund",
)
AMBULANT = (
    "Pflegedienst Musterstadt Mitte",
    "Sozialstation Musterstadt",
    "Häusliche Pflege Südstadt",
    "Pflegedienst Spreewitz",
    "Diakoniestation Heidegrund",
    "Pflegedienst Fließtal",
    "Ambulanter Dienst Mühlenteich",
    "Pflegeteam Eichengrund",
)


def _fmt(v: float) -> str:
    return f"{v:.1f}".replace(".", ",")


def prevalence_csv() -> str:
    """The prevalence table as text (``;``, decimal comma, UTF-8)."""
    head = "alter_von;alter_bis;geschlecht;quote;pflegegeld;ambulant;tagespflege;stationaer"
    lines = [head]
    for lo, hi, qm, qw, *forms in PREVALENCE:
        for sex, q in (("m", qm), ("w", qw)):
            hi_s = "" if hi is None else str(hi)
            lines.append(";".join([str(lo), hi_s, sex, _fmt(q), *(_fmt(f) for f in forms)]))
    return "\n".join(lines) + "\n"


def care_offers(sr_gdf, sr, fac_gdf, crs):
    """Nursing homes from the facilities plus day care and home care services (seeded)."""
    import geopandas as gpd

    rng = np.random.default_rng(PFLEGE_SEED)
    homes = fac_gdf[fac_gdf["kategorie"] == "Pflegeeinrichtung"]
    rows = [
        (str(n), "stationaer", int(k), g.x, g.y)
        for n, k, g in zip(homes["name"], homes["kapazitaet"], homes.geometry, strict=True)
    ]
    pts = sr_gdf.geometry.representative_point()
    central = set(sr.index[sr["hauptort"] | sr["inner"]])  # main places and town centres
    pool = np.flatnonzero(sr_gdf["sr_id"].isin(central).to_numpy())
    for names, kind, sizes in (
        (TAGESPFLEGE, "tagespflege", (12, 15, 18, 20)),
        (AMBULANT, "ambulant", (60, 80, 100, 120, 150)),
    ):
        pick = rng.choice(pool, len(names), replace=len(pool) < len(names))
        for nm, i in zip(names, pick, strict=True):
            dx, dy = rng.uniform(-150, 150, 2)
            rows.append((nm, kind, int(rng.choice(sizes)), pts.iloc[i].x + dx, pts.iloc[i].y + dy))
    xs = np.round([r[3] for r in rows], 1)
    ys = np.round([r[4] for r in rows], 1)
    return gpd.GeoDataFrame(
        {
            "name": [r[0] for r in rows],
            "art": [r[1] for r in rows],
            "plaetze": [r[2] for r in rows],
        },
        geometry=gpd.points_from_xy(xs, ys),
        crs=crs,
    )


def write(out_examples: Path, sr_gdf, sr, fac_gdf, crs) -> None:
    """Write ``pflege_praevalenz.csv`` and ``pflege_angebote.gpkg`` into ``out_examples``."""
    (out_examples / "pflege_praevalenz.csv").write_bytes(prevalence_csv().encode("utf-8"))
    p = out_examples / "pflege_angebote.gpkg"
    if p.exists():
        p.unlink()
    offers = care_offers(sr_gdf, sr, fac_gdf, crs)
    offers.to_file(p, layer="pflegeangebote", driver="GPKG", engine="pyogrio", VERSION="1.3")
