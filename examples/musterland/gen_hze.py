"""Synthetic youth-welfare case rows (HzE) and region tables of Musterland.

Called from ``generate.py`` with its own fixed seed, so that the other generated
files stay byte-identical. Writes

* ``hze_faelle.csv``: one row per case and year 2022–2024 (``jahr; fall_id; sr_id;
  hilfeart; beginn; ende; kosten``), cases simulated from 2018 so that running
  cases exist at the start; the intensity per area follows the area's HzE count of
  the indicator tables;
* ``regionen.csv``: the municipalities with their Amt (four Ämter, two amtsfreie
  towns) and their LEADER region.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd

HZE_SEED = 20240942
YEARS = (2022, 2023, 2024)
FIRST = 2018

#: type → (share of new cases, median duration in months, € per month)
TYPES = {
    "§ 27 Abs. 2": (0.06, 8, 900),
    "§ 28": (0.22, 5, 150),
    "§ 29": (0.03, 10, 400),
    "§ 30": (0.09, 12, 800),
    "§ 31": (0.20, 14, 1300),
    "§ 32": (0.04, 18, 2200),
    "§ 33": (0.07, 30, 1400),
    "§ 34": (0.08, 22, 5200),
    "§ 35": (0.02, 9, 3500),
    "§ 35a": (0.09, 16, 1600),
    "§ 41": (0.04, 11, 2600),
    "§ 42": (0.06, 1, 6000),
}

AEMTER = {  # Verbandsschlüssel → name
    "0001": "Musterstadt (amtsfrei)",
    "0002": "Spreewitz (amtsfrei)",
    "5001": "Amt Heidefeld-Wendischbrück",
    "5002": "Amt Löbenhain-Fließtal",
    "5003": "Amt Bärenbrück-Kötzschenau",
    "5004": "Amt Wusterwitzer Land",
}
LEADER = {  # municipality name → (key, LEADER region)
    "Musterstadt": ("L1", "LEADER-Region Spreeheide"),
    "Heidefeld": ("L1", "LEADER-Region Spreeheide"),
    "Wendischbrück": ("L1", "LEADER-Region Spreeheide"),
    "Löbenhain": ("L1", "LEADER-Region Spreeheide"),
    "Fließtal": ("L1", "LEADER-Region Spreeheide"),
    "Spreewitz": ("L2", "LEADER-Region Lausitzer Seenland"),
    "Bärenbrück": ("L2", "LEADER-Region Lausitzer Seenland"),
    "Kötzschenau": ("L2", "LEADER-Region Lausitzer Seenland"),
    "Großwusterwitz": ("L2", "LEADER-Region Lausitzer Seenland"),
    "Tränkewitz": ("L2", "LEADER-Region Lausitzer Seenland"),
}


def _day(rng, year: int) -> dt.date:
    return dt.date(year, 1, 1) + dt.timedelta(days=int(rng.integers(0, 365)))


def _cases(rng, keys, new_per_year) -> list[dict]:
    names = list(TYPES)
    p = np.array([TYPES[n][0] for n in names])
    p = p / p.sum()
    cases = []
    for key, lam in zip(keys, new_per_year, strict=True):
        for year in range(FIRST, YEARS[-1] + 1):
            for _ in range(int(rng.poisson(lam))):
                art = names[int(rng.choice(len(names), p=p))]
                start = _day(rng, year)
                months = max(0.2, float(rng.lognormal(np.log(TYPES[art][1]), 0.6)))
                end = start + dt.timedelta(days=int(months * 30.44))
                cases.append({"sr_id": key, "art": art, "beginn": start, "ende": end})
    return cases


def _rows(rng, cases) -> list[dict]:
    rows = []
    for i, c in enumerate(cases):
        fid = f"F{i + 1:05d}"
        monthly = TYPES[c["art"]][2] * float(rng.uniform(0.8, 1.2))
        for year in YEARS:
            lo, hi = dt.date(year, 1, 1), dt.date(year, 12, 31)
            if c["beginn"] > hi or c["ende"] < lo:
                continue
            ended = c["ende"] <= hi and c["ende"] <= dt.date(YEARS[-1], 12, 31)
            days = (min(c["ende"], hi) - max(c["beginn"], lo)).days + 1
            rows.append(
                {
                    "jahr": year,
                    "fall_id": fid,
                    "sr_id": c["sr_id"],
                    "hilfeart": c["art"],
                    "beginn": c["beginn"].strftime("%d.%m.%Y"),
                    "ende": c["ende"].strftime("%d.%m.%Y") if ended else "",
                    "kosten": f"{monthly * days / 30.44:.2f}".replace(".", ","),
                }
            )
    return rows


def write_hze(out_examples: Path, sr: pd.DataFrame, tables: dict) -> None:
    """``hze_faelle.csv`` and ``regionen.csv`` (see module docstring)."""
    rng = np.random.default_rng(HZE_SEED)
    keys = sr["sr_id"].astype(str).tolist()
    hze = tables[2024]["hze"].reindex(keys).fillna(0).to_numpy(dtype=float)
    cases = _cases(rng, keys, 0.45 * hze)
    rows = sorted(_rows(rng, cases), key=lambda r: (r["jahr"], r["fall_id"]))
    pd.DataFrame(rows).to_csv(
        out_examples / "hze_faelle.csv", sep=";", index=False, lineterminator="\n"
    )
    gem = sr[["ags", "gemeinde"]].drop_duplicates().sort_values("ags")
    reg = pd.DataFrame(
        {
            "ags": gem["ags"],
            "gemeinde": gem["gemeinde"],
            "amt": [f"{a[:5]}{v}" for a, v in zip(gem["ags"], _verband(gem), strict=True)],
            "amt_name": [AEMTER[v] for v in _verband(gem)],
            "leader": [LEADER[g][0] for g in gem["gemeinde"]],
            "leader_name": [LEADER[g][1] for g in gem["gemeinde"]],
        }
    )
    reg.to_csv(out_examples / "regionen.csv", sep=";", index=False, lineterminator="\n")


def _verband(gem: pd.DataFrame) -> list[str]:
    order = ["0001", "0002", "5001", "5001", "5002", "5002", "5003", "5003", "5004", "5004"]
    return [order[int(a[-3:]) - 1] for a in gem["ags"]]
