"""Each algorithm on Musterland through processing.run equals the library on the same data."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from qgis_helpers import AREAS, EX, read_out

ALL_IDS = {
    "indikatoren_verknuepfen",
    "raten_index",
    "klassifizieren",
    "lisa",
    "hotspots",
    "erreichbarkeit",
    "kitaplanung",
    "pflegebedarf",
    "bevoelkerungsvorausberechnung",
    "zonale_statistik",
    "webkarte",
    "steckbriefe",
    "veroeffentlichung",
}


def _num(a, b, **kw):
    np.testing.assert_allclose(
        pd.to_numeric(a, errors="coerce").to_numpy(float),
        pd.to_numeric(b, errors="coerce").to_numpy(float),
        equal_nan=True,
        **kw,
    )


def test_provider_lists_algorithms_under_sozialraum(provider):
    assert provider.name() == "Sozialraum"
    ids = {a.name() for a in provider.algorithms()}
    assert ALL_IDS <= ids
    for alg in provider.algorithms():
        assert alg.displayName() and alg.shortHelpString(), alg.id()
        assert alg.provider().id() == "sozialraum"


def test_join_equals_library(joined, lib_joined):
    path, res = joined
    ref, _ = lib_joined
    out = read_out(path)
    assert list(out.index) == list(ref.frame.index)
    cols = [
        c
        for c in ref.frame.columns
        if c not in ("geometry",) and pd.api.types.is_numeric_dtype(ref.frame[c])
    ]
    assert len(cols) > 20
    for c in cols:
        _num(out[c], ref.frame[c], rtol=0, atol=0)
    # the statistical symbols travel as <col>_status
    for c in ref.status.columns:
        codes = ref.status[c]
        if codes.notna().any():
            got = out[f"{c}_status"].reindex(codes.index)
            assert got.fillna("<NA>").tolist() == codes.astype(object).fillna("<NA>").tolist(), c
    # the join report reaches the log/result in the library's words
    reports = ref.report if isinstance(ref.report, list) else [ref.report]
    assert res["REPORT"] == "\n\n".join(r.to_text("de") for r in reports)
    assert "80 von 80 Gebieten" in res["REPORT"]


def test_join_report_names_problems(run, outdir):
    """2023: keys stored as numbers in Excel (leading zeros restored and reported)."""
    from sozialraum.io import read_areas, read_catalogue, read_table
    from sozialraum.join import join_table

    res = run(
        "indikatoren_verknuepfen",
        {
            "INPUT": AREAS,
            "KEY": "sr_id",
            "TABLE": str(EX / "indikatoren_2023.xlsx"),
            "CATALOGUE": str(EX / "katalog.toml"),
            "OUTPUT": str(outdir / "j2023.gpkg"),
        },
    )
    areas = read_areas(AREAS.split("|")[0], layer="sozialraeume", key="sr_id")
    cat = read_catalogue(EX / "katalog.toml")
    ref = join_table(areas, read_table(EX / "indikatoren_2023.xlsx", columns=cat))
    assert res["REPORT"] == ref.report.to_text("de")
    _num(read_out(outdir / "j2023.gpkg")["ew_ges"], ref.frame["ew_ges"])


def test_rates_and_index_equal_library(run, joined, lib_joined, outdir):
    from sozialraum.monitor import run_monitor

    path, _ = joined
    ref_join, cat = lib_joined
    res = run(
        "raten_index",
        {
            "INPUT": str(path),
            "KEY": "sr_id",
            "CATALOGUE": str(EX / "katalog.toml"),
            "OUTPUT": str(outdir / "monitor.gpkg"),
        },
    )
    counts = ref_join.frame[[v for v in cat.variables.index if v in ref_join.frame.columns]]
    ref = run_monitor(counts, cat, status=ref_join.status.reindex(columns=counts.columns))
    out = read_out(res["OUTPUT"])
    # areas not rated keep their class but no index (as in the yearly run)
    from sozialraum.pipeline.run import without_unrated_index

    rated_ref = without_unrated_index(ref.frame)
    for c in [
        "idx_gesamt",
        "status_index",
        *[c for c in ref.frame.columns if c.startswith("idx_")],
    ]:
        if c in ref.frame and pd.api.types.is_numeric_dtype(ref.frame[c]):
            _num(out[c], rated_ref[c], rtol=1e-12, atol=1e-12)
    for c in ref.rates.rates.columns:
        col = c if c not in counts.columns else f"{c}_rate"
        _num(out[col], ref.rates.rates[c], rtol=1e-12, atol=1e-12)
    assert (
        out["idx_gesamt_klasse"].tolist() == ref.frame["idx_gesamt_klasse"].astype(object).tolist()
    )
    assert res["SUMMARY"] == "\n".join(ref.summary("de"))
    # styled by the monitor's classes in order, "nicht bewertet" grey
    from qgis.core import QgsVectorLayer
    from sozialraum_qgis import styles

    layer = QgsVectorLayer(res["OUTPUT"], "m", "ogr")
    cats = [(c.label(), c.symbol().color().name()) for c in layer.renderer().categories()]
    assert [c for c, _ in cats] == [
        "sehr niedrig",
        "niedrig",
        "mittel",
        "hoch",
        "sehr hoch",
        "nicht bewertet",
    ]
    assert [col for _, col in cats] == [*styles.ramp(5), styles.NO_VALUE]


def test_classify_equals_library_and_is_styled(run, joined, lib_joined, outdir):
    from qgis.core import QgsGraduatedSymbolRenderer, QgsVectorLayer

    from sozialraum.monitor import classify

    path, _ = joined
    res = run(
        "klassifizieren",
        {
            "INPUT": str(path),
            "KEY": "sr_id",
            "FIELD": "ew_ges",
            "SCHEME": 0,
            "K": 5,
            "OUTPUT": str(outdir / "klassen.gpkg"),
        },
    )
    ref = classify(lib_joined[0].frame["ew_ges"], scheme="quantiles", k=5)
    out = read_out(res["OUTPUT"])
    assert out["ew_ges_klasse"].astype("Int64").tolist() == ref.classes.tolist()
    assert out["ew_ges_label"].tolist() == ref.labels.astype(object).tolist()
    layer = QgsVectorLayer(res["OUTPUT"], "k", "ogr")  # default style stored in the GeoPackage
    r = layer.renderer()
    assert isinstance(r, QgsGraduatedSymbolRenderer)
    assert [x.label() for x in r.ranges()] == list(ref.legend)
    assert [x.upperValue() for x in r.ranges()][:-1] == pytest.approx(list(ref.bins)[:-1])
    # every area falls in the range of its library class
    for key, val in lib_joined[0].frame["ew_ges"].items():
        rng = [i for i, x in enumerate(r.ranges()) if (x.lowerValue() <= val <= x.upperValue())]
        assert ref.classes[key] in rng


def test_lisa_equals_library(run, joined, lib_joined, outdir, esda_warm):
    from qgis.core import QgsCategorizedSymbolRenderer, QgsVectorLayer

    from sozialraum.spatial import LISA_COLORS, build_weights, local_moran, moran

    path, _ = joined
    res = run(
        "lisa",
        {
            "INPUT": str(path),
            "KEY": "sr_id",
            "FIELD": "sgb2_pers",
            "PERMUTATIONS": 199,
            "SEED": 7,
            "OUTPUT": str(outdir / "lisa.gpkg"),
        },
    )
    areas = lib_joined[0].frame
    w = build_weights(areas, "queen")
    g = moran(areas, "sgb2_pers", w, permutations=199, seed=7)
    loc = local_moran(areas, "sgb2_pers", w, permutations=199, seed=7)
    assert res["MORAN_I"] == pytest.approx(g.I, rel=1e-12)
    assert res["MORAN_P"] == pytest.approx(g.p_sim, rel=1e-12)
    out = read_out(res["OUTPUT"])
    for c in ("lisa_I", "lisa_p", "lisa_z"):
        _num(out[c], loc.frame[c], rtol=1e-10)
    assert out["lisa_code"].tolist() == loc.frame["lisa_code"].tolist()
    assert "07999002010" in set(out.index[out["lisa_code"] == "island"])  # the exclave
    layer = QgsVectorLayer(res["OUTPUT"], "l", "ogr")  # keep the layer: it owns the renderer
    r = layer.renderer()
    assert isinstance(r, QgsCategorizedSymbolRenderer) and r.classAttribute() == "lisa_code"
    colours = {c.value(): c.symbol().color().name() for c in r.categories()}
    assert colours == LISA_COLORS
    labels = {c.value(): c.label() for c in r.categories()}
    assert labels["HH"] == "Hoch-Hoch" and labels["island"] == "ohne Nachbarn"


def test_hotspots_equal_library(run, joined, lib_joined, outdir):
    from qgis.core import QgsVectorLayer

    from sozialraum.spatial import GI_COLORS, build_weights, getis_ord

    path, _ = joined
    res = run(
        "hotspots",
        {
            "INPUT": str(path),
            "KEY": "sr_id",
            "FIELD": "sgb2_pers",
            "OUTPUT": str(outdir / "gi.gpkg"),
        },
    )
    areas = lib_joined[0].frame
    ref = getis_ord(areas, "sgb2_pers", build_weights(areas, "queen"))
    out = read_out(res["OUTPUT"])
    _num(out["gi_z"], ref.frame["gi_z"], rtol=1e-10)
    assert out["gi_code"].tolist() == ref.frame["gi_code"].tolist()
    assert (out["gi_code"].str.startswith("hot")).sum() > 0
    layer = QgsVectorLayer(res["OUTPUT"], "g", "ogr")
    r = layer.renderer()
    cats = {c.value(): (c.symbol().color().name(), c.label()) for c in r.categories()}
    assert cats["hot99"] == (GI_COLORS["hot99"], "Hot Spot 99 %")
    assert cats["cold99"][0] == GI_COLORS["cold99"]


def test_hotspots_seed_only_with_permutation_inference(run, joined, lib_joined, outdir):
    """Regression: the tool passed permutations and seed with analytical inference, which the
    library refuses; a changed seed in the dialog ended the analytical run with an error."""
    from sozialraum.spatial import build_weights, getis_ord

    path, _ = joined
    base = {"INPUT": str(path), "KEY": "sr_id", "FIELD": "sgb2_pers", "SEED": 7}
    ana = run("hotspots", {**base, "PERMUTATIONS": 99, "OUTPUT": str(outdir / "gi_ana.gpkg")})
    perm = run(
        "hotspots",
        {**base, "INFERENCE": 1, "PERMUTATIONS": 99, "OUTPUT": str(outdir / "gi_perm.gpkg")},
    )
    areas = lib_joined[0].frame
    w = build_weights(areas, "queen")
    ref_ana = getis_ord(areas, "sgb2_pers", w)
    ref_perm = getis_ord(areas, "sgb2_pers", w, inference="permutation", permutations=99, seed=7)
    out_ana, out_perm = read_out(ana["OUTPUT"]), read_out(perm["OUTPUT"])
    _num(out_ana["gi_p"], ref_ana.frame["gi_p"], rtol=1e-12)
    _num(out_perm["gi_p"], ref_perm.frame["gi_p"], rtol=1e-12)
    assert out_perm["gi_code"].tolist() == ref_perm.frame["gi_code"].tolist()
    # 99 permutations: p-values on the grid 1/100 … 1, unlike the analytical ones
    p = out_perm["gi_p"].dropna().to_numpy(float)
    np.testing.assert_allclose(p * 100, np.round(p * 100), atol=1e-9)
    assert "99 Permutationen (Startwert 7)" in perm["SUMMARY"]
    assert "analytische z-Werte" in ana["SUMMARY"]


def test_hotspots_on_an_index_is_a_german_message(run, joined, outdir):
    """Gi* needs non-negative values: on the index (negative for below-average areas) the
    tool ends with the library's German message pointing to LISA, not a traceback."""
    from qgis.core import QgsProcessingException

    mon = outdir / "monitor.gpkg"
    if not mon.exists():
        path, _ = joined
        run(
            "raten_index",
            {
                "INPUT": str(path),
                "KEY": "sr_id",
                "CATALOGUE": str(EX / "katalog.toml"),
                "OUTPUT": str(mon),
            },
        )
    with pytest.raises(QgsProcessingException) as exc:
        run(
            "hotspots",
            {
                "INPUT": str(mon),
                "KEY": "sr_id",
                "FIELD": "idx_gesamt",
                "OUTPUT": str(outdir / "gi_idx.gpkg"),
            },
        )
    msg = str(exc.value)
    for word in ("Gi*", "nicht-negative", "'idx_gesamt'", "LISA"):
        assert word in msg, msg
    assert "Traceback" not in msg, msg


@pytest.fixture(scope="module")
def kitas():
    import geopandas as gpd

    e = gpd.read_file(EX / "einrichtungen.gpkg")
    return e[e["kategorie"] == "Kita"].set_index("id", drop=False)


def test_access_nearest_2sfca_bestand_bedarf(run, joined, lib_joined, outdir, kitas):
    from sozialraum.access import bestand_bedarf, measure

    path, _ = joined
    areas = lib_joined[0].frame
    base = {
        "INPUT": str(path),
        "KEY": "sr_id",
        "SUPPLY": str(EX / "einrichtungen.gpkg"),
        "SUPPLY_FILTER": "\"kategorie\" = 'Kita'",
        "SUPPLY_ID": "id",
    }
    # nearest
    res = run("erreichbarkeit", {**base, "METHOD": 0, "OUTPUT": str(outdir / "near.gpkg")})
    ref = measure(areas, kitas, "nearest").frame
    out = read_out(res["OUTPUT"])
    _num(out["distance_1"], ref["distance_1"], rtol=1e-9)
    assert out["facility_1"].astype(str).tolist() == ref["facility_1"].astype(str).tolist()
    # 2SFCA
    res = run(
        "erreichbarkeit",
        {
            **base,
            "METHOD": 1,
            "DEMAND_FIELD": "ew_0_2",
            "SUPPLY_FIELD": "kapazitaet",
            "MAX_COST": 3000,
            "OUTPUT": str(outdir / "fca.gpkg"),
        },
    )
    ref = measure(
        areas, kitas, "2sfca", demand_col="ew_0_2", supply_col="kapazitaet", max_cost=3000
    ).frame
    out = read_out(res["OUTPUT"])
    for c in ref.columns:
        _num(out[c], ref[c], rtol=1e-9)
    # Bestand–Bedarf
    res = run(
        "erreichbarkeit",
        {
            **base,
            "METHOD": 3,
            "DEMAND_FIELD": "ew_0_2",
            "SUPPLY_FIELD": "kapazitaet",
            "AREA_FIELD": "sr_id",
            "RATE": 0.9,
            "OUTPUT": str(outdir / "bb.gpkg"),
        },
    )
    ref = bestand_bedarf(
        areas.drop(columns="geometry"),
        "ew_0_2",
        rate=0.9,
        facilities=kitas.drop(columns="geometry"),
        capacity_col="kapazitaet",
        area_col="sr_id",
    )
    out = read_out(res["OUTPUT"])
    for c in ref.frame.columns:
        if pd.api.types.is_numeric_dtype(ref.frame[c]):
            _num(out[c], ref.frame[c], rtol=1e-9)


def test_access_error_is_german_message_not_traceback(run, joined, outdir):
    """All facilities incl. those without capacity: the library's InputError arrives as message."""
    from qgis.core import QgsProcessingException

    path, _ = joined
    with pytest.raises(QgsProcessingException) as exc:
        run(
            "erreichbarkeit",
            {
                "INPUT": str(path),
                "KEY": "sr_id",
                "SUPPLY": str(EX / "einrichtungen.gpkg"),
                "METHOD": 1,
                "DEMAND_FIELD": "ew_0_2",
                "SUPPLY_FIELD": "kapazitaet",
                "OUTPUT": str(outdir / "bad.gpkg"),
            },
        )
    msg = str(exc.value)
    assert "kapazitaet" in msg and "Traceback" not in msg


def test_zonal_equals_library(run, joined, lib_joined, outdir):
    from sozialraum.raster import zonal_stats

    path, _ = joined
    tif = EX / "bevoelkerung_100m.tif"
    res = run(
        "zonale_statistik",
        {
            "INPUT": str(path),
            "KEY": "sr_id",
            "RASTER": str(tif),
            "STATS": [0, 1, 4],
            "METHOD": 1,
            "PREFIX": "r_",
            "OUTPUT": str(outdir / "zonal.gpkg"),
        },
    )
    ref = zonal_stats(lib_joined[0].frame, tif, stats=["sum", "mean", "count"], method="coverage")
    out = read_out(res["OUTPUT"])
    for c in ("sum", "mean", "count"):
        _num(out[f"r_{c}"], ref[c], rtol=1e-9)
    # and the raster total is the population (independent check of the data path)
    assert out["r_sum"].sum() == pytest.approx(lib_joined[0].frame["ew_ges"].sum(), rel=0.05)


def test_webmap_html(run, outdir):
    res = run(
        "webkarte",
        {
            "INPUT": str(outdir / "lisa.gpkg"),
            "KEY": "sr_id",
            "NAME": "sr_name",
            "FIELDS": ["sgb2_pers"],
            "LISA": True,
            "OFFLINE": True,
            "TITLE": "Musterland",
            "OUTPUT": str(outdir / "karte.html"),
        },
    )
    html = open(res["OUTPUT"], encoding="utf-8").read()
    assert "Musterland" in html and "Bahnhofsviertel" in html and "Hoch-Hoch" in html
    assert (
        "unpkg.com" not in html and "cdn.jsdelivr" not in html
    )  # offline: nothing from the internet


def test_numeric_keys_padded_with_key_width(run, outdir, lib_joined):
    """A layer whose key field is a number (leading zero lost): KEY_WIDTH restores the 11 digits."""
    import geopandas as gpd
    from qgis_helpers import GPKG

    g = gpd.read_file(GPKG, layer="sozialraeume")
    g["sr_nr"] = g["sr_id"].astype("int64")
    src = outdir / "numkeys.gpkg"
    g.drop(columns="sr_id").to_file(src, layer="numkeys")
    res = run(
        "indikatoren_verknuepfen",
        {
            "INPUT": str(src),
            "KEY": "sr_nr",
            "KEY_WIDTH": 11,
            "TABLE": str(EX / "jobcenter_2024.csv"),
            "CATALOGUE": str(EX / "katalog.toml"),
            "OUTPUT": str(outdir / "numkeys_joined.gpkg"),
        },
    )
    assert "80 von 80 Gebieten" in res["REPORT"]
    out = read_out(res["OUTPUT"], key="sr_nr")
    assert sorted(out.index) == sorted(lib_joined[0].frame.index)
    _num(out["sgb2_pers"].sort_index(), lib_joined[0].frame["sgb2_pers"].sort_index())


def test_not_rated_areas_grey_on_web_map_and_outside_lisa(run, joined, outdir, esda_warm):
    """Regression: the plugin's web map classed areas not rated (few inhabitants) dark red,
    and they entered LISA (two came out significant High-High)."""
    import json

    from sozialraum.core.classify import NOT_RATED, classify, rated_mask

    mon = outdir / "monitor.gpkg"
    if not mon.exists():
        path, _ = joined
        run(
            "raten_index",
            {
                "INPUT": str(path),
                "KEY": "sr_id",
                "CATALOGUE": str(EX / "katalog.toml"),
                "OUTPUT": str(mon),
            },
        )
    out = read_out(mon)
    rated = rated_mask(out)
    not_rated = set(out.index[~rated])
    assert not_rated  # Musterland has areas below the minimum population
    res = run(
        "lisa",
        {
            "INPUT": str(mon),
            "KEY": "sr_id",
            "FIELD": "idx_gesamt",
            "PERMUTATIONS": 99,
            "SEED": 7,
            "OUTPUT": str(outdir / "lisa_idx.gpkg"),
        },
    )
    lo = read_out(res["OUTPUT"])
    assert set(lo.loc[sorted(not_rated), "lisa_code"]) == {"not_rated"}
    web = run(
        "webkarte",
        {
            "INPUT": str(mon),
            "KEY": "sr_id",
            "NAME": "sr_name",
            "FIELDS": ["idx_gesamt"],
            "OFFLINE": True,
            "OUTPUT": str(outdir / "karte_idx.html"),
        },
    )
    html = open(web["OUTPUT"], encoding="utf-8").read()
    start = html.rindex("SozialraumMap(map_")
    cfg, _ = json.JSONDecoder().raw_decode(html[html.index("{", start) :])
    codes = {f["properties"]["sr_name"]: f["properties"]["_c"][0] for f in cfg["areas"]["features"]}
    ref = classify(out["idx_gesamt"], "quantiles", k=5, rated=rated)
    names = out["sr_name"]
    assert [codes[names[k]] for k in out.index] == ref.codes.tolist()
    assert {codes[names[k]] for k in not_rated} == {NOT_RATED}
