"""Regionen hochrechnen and Angebote finden through processing.run equal the library."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
from qgis_helpers import EX, GPKG


def _layer(path):
    name = next(str(n) for n, _ in pyogrio.list_layers(path) if n != "layer_styles")
    return gpd.read_file(path, layer=name)


def test_region_rollup_equals_library(run, joined, lib_joined, outdir):
    from sozialraum.join import rollup

    path, _ = joined
    # an Amt field on the areas: the municipality's Amt from regionen.csv
    reg = pd.read_csv(EX / "regionen.csv", sep=";", dtype=str)
    areas = gpd.read_file(path)
    areas["amt"] = areas["ags"].astype(str).map(dict(zip(reg["ags"], reg["amt"], strict=True)))
    src = outdir / "mit_amt.gpkg"
    areas.to_file(src, layer="sozialraeume")
    out = outdir / "aemter.gpkg"
    run(
        "regionen_hochrechnen",
        {
            "INPUT": f"{src}|layername=sozialraeume",
            "KEY": "sr_id",
            "REGION": "amt",
            "CATALOGUE": str(EX / "katalog.toml"),
            "OUTPUT": str(out),
        },
    )
    got = _layer(out).set_index("amt")
    ref_join, cat = lib_joined
    fr = ref_join.frame
    keys = fr["ags"].astype(str).map(dict(zip(reg["ags"], reg["amt"], strict=True)))
    cols = [v for v in cat.variables.index if v in fr.columns]
    ref = rollup(
        fr[cols],
        by=keys,
        columns=cols,
        status=ref_join.status.reindex(columns=cols),
        catalogue=cat,
        geometry=False,
    )
    assert sorted(got.index) == sorted(ref.frame.index)
    for c in ("ew_ges", "sgb2_quote"):
        np.testing.assert_allclose(
            got.loc[ref.frame.index, c].to_numpy(float), ref.frame[c].to_numpy(float), rtol=1e-9
        )


def test_offer_finder_equals_library(run, outdir):
    from sozialraum.access.offers import nearest_offers_for_household

    fac = gpd.read_file(EX / "einrichtungen.gpkg", layer="einrichtungen")
    areas = gpd.read_file(GPKG, layer="sozialraeume")
    c = areas.loc[areas["sr_id"] == "07999001005"].geometry.iloc[0].centroid
    out = outdir / "angebote.gpkg"
    res = run(
        "angebote_finden",
        {
            "INPUT": f"{EX / 'einrichtungen.gpkg'}|layername=einrichtungen",
            "PLACE": f"{c.x},{c.y} [EPSG:25833]",
            "HOUSEHOLD": "eltern:1,kita_kind:2",
            "RADIUS": 2500,
            "PER_KIND": 2,
            "CATEGORY": "kategorie",
            "OUTPUT": str(out),
        },
    )
    ref = nearest_offers_for_household(
        fac, (c.x, c.y), {"eltern": 1, "kita_kind": 2}, radius=2500, per_kind=2
    )
    got = _layer(out)
    assert list(got["name"]) == list(ref["name"])
    np.testing.assert_allclose(got["entfernung_m"], ref["entfernung_m"], atol=0.01)
    assert " m: " in res["SUMMARY"]
