"""Real data: Berlin Kitas (2022) against planning-area centroids; Musterland smoke test."""

from __future__ import annotations

import warnings

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

from sozialraum.access import (
    build_network,
    measure,
    nearest,
    network_nearest,
    offer_inventory,
    two_step_fca,
)
from sozialraum.errors import InputError, SozialraumWarning

pytestmark = pytest.mark.filterwarnings("ignore:The inplace keyword")


@pytest.fixture(scope="module")
def berlin(shared_data):
    kitas = gpd.read_file(shared_data / "berlin" / "kitas-2022.geojson").set_index("e_nr")
    kitas["e_platz"] = pd.to_numeric(kitas["e_platz"], errors="coerce")
    lor = gpd.read_file(shared_data / "berlin" / "lor-planungsraeume-bis-2020.geojson")
    # the file has one id twice ('06010102', two different polygons): refused by key, so number them
    with pytest.raises(InputError, match="Doppelte Schlüssel.*06010102"), warnings.catch_warnings():
        warnings.simplefilter("ignore", SozialraumWarning)
        nearest(lor.set_index("id"), kitas, target_crs=kitas.crs)
    dup = lor["id"].duplicated(keep=False)
    lor.loc[dup, "id"] = (
        lor.loc[dup, "id"] + "_" + (lor[dup].groupby("id").cumcount() + 1).astype(str)
    )
    return kitas, lor.set_index("id")


def test_berlin_nearest_kita_equals_brute_force(berlin):
    kitas, lor = berlin
    assert len(kitas) == 2880 and lor.crs.is_geographic
    with pytest.warns(SozialraumWarning, match="umprojiziert"):
        res = nearest(lor, kitas, k=2, target_crs=kitas.crs)
    c = lor.to_crs(kitas.crs).geometry.centroid
    dxy = np.c_[c.x, c.y]
    sxy = np.c_[kitas.geometry.x, kitas.geometry.y]
    full = np.sqrt(((dxy[:, None, :] - sxy[None, :, :]) ** 2).sum(-1))
    ref = np.sort(full, axis=1)[:, :2]
    np.testing.assert_allclose(res[["distance_1", "distance_2"]].to_numpy(), ref, rtol=1e-9)
    assert res["distance_1"].median() < 500  # Berlin: a Kita within a few hundred metres


def test_berlin_2sfca_equals_access(berlin):
    from access import Access

    kitas, lor = berlin
    kitas = kitas[kitas["e_platz"].notna()]
    lor = lor.to_crs(kitas.crs)
    # demand proxy: planning-area size in hectares (no child counts in this file)
    lor = lor.assign(nachfrage=lor["area"].astype(float) / 1e4)
    ours = two_step_fca(lor, kitas, "nachfrage", "e_platz", 1500.0)
    c = lor.geometry.centroid
    dxy = np.c_[c.x, c.y]
    sxy = np.c_[kitas.geometry.x, kitas.geometry.y]
    full = np.sqrt(((dxy[:, None, :] - sxy[None, :, :]) ** 2).sum(-1))
    ii, jj = np.nonzero(full <= 3000)
    cost = pd.DataFrame(
        {
            "origin": lor.index.to_numpy()[ii],
            "dest": kitas.index.to_numpy()[jj],
            "cost": full[ii, jj],
        }
    )
    a = Access(
        demand_df=pd.DataFrame({"geoid": lor.index, "pop": lor["nachfrage"].to_numpy()}),
        demand_index="geoid",
        demand_value="pop",
        supply_df=pd.DataFrame(
            {"geoid": kitas.index, "cap": kitas["e_platz"].to_numpy(dtype=float)}
        ),
        supply_index="geoid",
        supply_value="cap",
        cost_df=cost,
        cost_origin="origin",
        cost_dest="dest",
        cost_name="cost",
    )
    ref = a.two_stage_fca(name="x", max_cost=1500.0)["x_cap"].reindex(lor.index)
    got = ours.frame["versorgung"] / 100
    ok = ref.notna()
    assert ok.sum() > 400
    np.testing.assert_allclose(got[ok], ref[ok], rtol=1e-9)
    assert (got[~ok] == 0).all()


def test_musterland_smoke(musterland):
    ex = musterland["examples"]
    fe, fs = ex / "einrichtungen.gpkg", ex / "strassen.gpkg"
    fb, fp = musterland["boundaries"], ex / "bevoelkerung_alter_2024.csv"
    if not all(f.exists() for f in (fe, fs, fb, fp)):
        pytest.skip(f"Musterland example files not found in {ex} / {fb}")
    ein = gpd.read_file(fe, layer="einrichtungen").set_index("id")
    roads = gpd.read_file(fs, layer="strassen")
    sr = gpd.read_file(fb, layer="sozialraeume").set_index("sr_id")
    pop = pd.read_csv(fp, sep=";", dtype={"sr_id": str})
    kinder = pop[pop["alter"].astype(int) <= 6].groupby("sr_id")["anzahl"].sum()
    sr["kinder_0_6"] = kinder.reindex(sr.index).fillna(0).astype(float)
    sr["sr"] = sr.index
    net = build_network(roads, "klasse")
    assert net.n_edges >= len(roads)
    kitas = ein[ein["kategorie"] == "Kita"]
    r = measure(
        sr,
        kitas,
        "2sfca",
        demand_col="kinder_0_6",
        supply_col="kapazitaet",
        max_cost=5000.0,
        area="sr",
    )
    assert np.isfinite(r.frame["versorgung"]).all() and len(r.areas) == len(sr)
    # with the step weight every Kita with children in reach hands out all its places
    served = r.supply["status"].isna()
    np.testing.assert_allclose(
        r.areas["plaetze_zugeordnet"].sum(), kitas["kapazitaet"][served].sum(), rtol=1e-9
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SozialraumWarning)
        res = network_nearest(
            net,
            sr,
            ein[ein["kategorie"].isin(["Grundschule", "Hausarzt"])],
            mode="walking",
            category="kategorie",
            max_snap=None,
        )
    assert len(res) == len(sr)  # nobody dropped
    reach = res["status"].isna()
    assert reach.mean() > 0.5
    straight = nearest(sr, ein[ein["kategorie"] == "Grundschule"])["distance_1"]
    # the route is never shorter than the straight line
    assert (res.loc[reach, "distance_m_Grundschule"] >= straight[reach] - 1e-6).all()
    inv = offer_inventory(ein, areas=list(sr.index))
    assert inv["anzahl"].sum() == len(ein)
