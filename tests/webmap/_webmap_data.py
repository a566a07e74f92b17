"""Synthetic test data of the web map tests (also used by tests/browser)."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely.geometry import box

XSS = "<script>alert(1)</script>"
AMP = "Müller & Söhne"


def make_grid(nx: int = 6, ny: int = 5, size: float = 1000.0, seed: int = 3) -> gpd.GeoDataFrame:
    """``nx*ny`` square areas (EPSG:25833, Berlin) with values, status and LISA columns."""
    rng = np.random.default_rng(seed)
    x0, y0 = 390_000.0, 5_815_000.0
    geoms, keys, names = [], [], []
    for j in range(ny):
        for i in range(nx):
            geoms.append(
                box(x0 + i * size, y0 + j * size, x0 + (i + 1) * size, y0 + (j + 1) * size)
            )
            keys.append(f"11000{j:03d}{i:03d}")
            names.append(f"Gebiet {j}-{i}")
    g = gpd.GeoDataFrame(
        {"name": names}, geometry=geoms, crs="EPSG:25833", index=pd.Index(keys, name="key")
    )
    n = len(g)
    g.loc[g.index[0], "name"] = XSS
    g.loc[g.index[1], "name"] = AMP
    g["alq"] = np.round(rng.uniform(2, 20, n), 2)
    g.loc[g.index[2], "alq"] = np.nan
    g["kinder"] = np.round(rng.uniform(5, 40, n), 2)
    g["alq_status"] = pd.array([pd.NA] * n, dtype="string")
    g.loc[g.index[3], "alq_status"] = "geheim"
    g.loc[g.index[3], "alq"] = 987654.321  # internal value that must never show
    g["secret"] = np.arange(n) * 1000.0 + 4_242_421.0  # a column that is never released
    cats = ["HH", "LL", "LH", "HL", "n.s."]
    colors = {
        "HH": (255, 0, 0),
        "LL": (0, 0, 255),
        "LH": (150, 150, 255),
        "HL": (255, 150, 150),
        "n.s.": (240, 240, 240),
    }
    lab = [cats[k % 5] for k in range(n)]
    g["lisa_cat"] = lab
    g["lisa_code"] = [c if c != "n.s." else "ns" for c in lab]
    g["lisa_color"] = [",".join(map(str, colors[c])) for c in lab]
    return g


def make_facilities() -> gpd.GeoDataFrame:
    """Eight facilities in three categories on the grid (one capacity missing)."""
    from shapely.geometry import Point

    pts = [Point(390_500 + 700 * i, 5_815_500 + 600 * (i % 4)) for i in range(8)]
    return gpd.GeoDataFrame(
        {
            "kategorie": ["Kita", "Kita", "Schule", "Kita", "Schule", "Jugend", "Kita", "Schule"],
            "name": [
                "Kita " + XSS,
                "Kita " + AMP,
                "GS Nord",
                "Kita Süd",
                "OS West",
                "JFE Mitte",
                "Kita Ost",
                "GS Süd",
            ],
            "kapazitaet": [120, 85, 400, 1234, 650, 40, np.nan, 300],
        },
        geometry=pts,
        crs="EPSG:25833",
    )
