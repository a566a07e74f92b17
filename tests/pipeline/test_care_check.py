"""``sozialraum check``: the care inputs are read and checked as the run reads them."""

from __future__ import annotations

import pandas as pd

from sozialraum.pipeline.check import check_config


def test_check_finds_bad_prevalence_and_offers_without_type(
    musterland_config, tmp_path, musterland
):
    ex = musterland["examples"]
    prev = pd.read_csv(ex / "pflege_praevalenz.csv", sep=";", dtype=str)
    prev.loc[3, "quote"] = "130"
    prev.to_csv(tmp_path / "praevalenz.csv", sep=";", index=False)
    import geopandas as gpd

    offers = gpd.read_file(ex / "pflege_angebote.gpkg")
    offers.loc[2, "art"] = None
    offers.to_file(tmp_path / "angebote.gpkg", layer="pflegeangebote")
    p = musterland_config(
        tmp_path,
        (f'"{(ex / "pflege_praevalenz.csv").resolve()}"', f'"{tmp_path / "praevalenz.csv"}"'),
        (f'"{(ex / "pflege_angebote.gpkg").resolve()}"', f'"{tmp_path / "angebote.gpkg"}"'),
    )
    rep = check_config(p)
    care = [f for f in rep.findings if f.topic == "pflege"]
    assert not rep.ok
    texts = " | ".join(f.message for f in care)
    assert "Zeile 5: quote = 130.0 % liegt nicht zwischen 0 und 100 %" in texts
    assert "praevalenz (in [pflege])" in texts
    assert (
        "ohne Angebotsart" in texts
        and "Zeile(n) 4" in texts
        and "art_spalte (in [pflege])" in texts
    )
    assert "[Pflege]" in rep.to_text()


def test_check_of_musterland_care_inputs_is_clean(musterland):
    rep = check_config(musterland["examples"] / "monitor.toml")
    assert not [f for f in rep.findings if f.topic == "pflege"]
