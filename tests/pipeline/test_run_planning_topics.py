"""The yearly run on Musterland shows region sets, the HzE chapter and offers in every product."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pyogrio


def check_planning_outputs(out: Path) -> None:
    """Every product of a Musterland run carries the region sets, HzE and offers."""
    intern = out / "intern"
    layers = {n for n, _ in pyogrio.list_layers(intern / "ergebnisse.gpkg")}
    assert {"region_aemter", "region_leader_regionen", "gemeinden_index"} <= layers
    assert (intern / "regionen.xlsx").exists() and (intern / "hze.xlsx").exists()
    amt = pyogrio.read_dataframe(intern / "ergebnisse.gpkg", layer="region_aemter")
    assert len(amt) == 6 and amt["ew_ges"].sum() > 100_000  # every area in one Amt
    # the report: both chapters, in the public one no small HzE count
    for level in ("intern", "oeffentlich"):
        html = (out / level / "sozialbericht_2024.html").read_text(encoding="utf-8")
        assert "Regionen</h2>" in html and "Hilfen zur Erziehung</h2>" in html, level
        assert "LEADER-Region Spreeheide" in html and "Amt Wusterwitzer Land" in html
    pub = (out / "oeffentlich" / "sozialbericht_2024.html").read_text(encoding="utf-8")
    hze = pub[pub.index("Hilfen zur Erziehung</h2>") :]
    hze = hze[: hze.index("</section>")] if "</section>" in hze else hze[:40000]
    cells = re.findall(r"<td[^>]*>\s*([^<]*?)\s*</td>", hze)
    assert not [c for c in cells if c in ("1", "2")]  # counts below the minimum of 3
    # the web maps: a layer per region set, offer themes in the popups
    for pkg in ("intern", "oeffentlich", "kommunal-07999003"):
        m = (out / pkg / "webkarte.html").read_text(encoding="utf-8")
        assert "LEADER-Regionen" in m and "Amt Wusterwitzer Land" in m and "Zielgruppe" in m
    # the packages: region members and classes, no counts
    for pkg in ("oeffentlich", "kommunal-07999003"):
        reg = pd.read_csv(out / pkg / "regionen.csv", sep=";", encoding="utf-8-sig")
        assert set(reg["Regionszuordnung"]) == {"Ämter", "LEADER-Regionen"}
        assert "Klasse" in reg.columns and "ew_ges" not in reg.columns
    assert (
        "Gesamtindex"
        in pd.read_csv(
            out / "kommunal-07999003" / "regionen.csv", sep=";", encoding="utf-8-sig"
        ).columns
    )
    # the profiles: regions and offers sections
    prof = next((out / "kommunal-07999003" / "steckbriefe").glob("steckbrief_gemeinde_*.html"))
    text = prof.read_text(encoding="utf-8")
    assert "Amt Heidefeld-Wendischbrück" in text and "Förderung, Beratung &amp; Hilfe" in text


def test_run_shows_regions_hze_and_offers(demo_run):
    check_planning_outputs(demo_run.out_dir)
