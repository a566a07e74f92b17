"""The yearly run writes the certainty of every class variable and shows it where planners read."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyogrio

CLASS_VARIABLES = ("status", "dynamik", "idx_gesamt")


def _areas(path):
    frame = pyogrio.read_dataframe(path, layer="sozialraeume")
    return frame.set_index(frame["sr_id"].astype(str))


def test_results_hold_the_certainty_of_every_class_variable(demo_run):
    f = _areas(demo_run.out_dir / "intern" / "ergebnisse.gpkg")
    rated = f["bewertet"].astype(bool)
    for var in CLASS_VARIABLES:
        p = pd.to_numeric(f[f"{var}_sicherheit"], errors="coerce")
        assert p[rated].notna().all() and p[~rated].isna().all(), var
        assert ((p[rated] >= 0) & (p[rated] <= 1)).all()
        probs = f[[c for c in f.columns if c.startswith(f"{var}_p_")]].astype(float)
        assert np.allclose(probs[rated].sum(axis=1), 1.0), var
    for col in ("idx_gesamt_lo", "idx_gesamt_hi", "rang_lo", "rang_hi", "dynamik_gesichert"):
        assert f[col][rated].notna().all(), col
    log = (demo_run.out_dir / "lauf.log").read_text(encoding="utf-8")
    assert "Klassensicherheit: wie sicher Klassen, Ränge und Veränderungen sind:" in log  # timed
    assert "Klassensicherheit:" in demo_run.summary("de")


def test_public_package_shows_class_certainty_only(demo_run):
    pub = _areas(next((demo_run.out_dir / "oeffentlich").glob("*.gpkg")))
    intern = _areas(demo_run.out_dir / "intern" / "ergebnisse.gpkg")
    assert pub["status_sicherheit"].notna().sum() == intern["bewertet"].astype(bool).sum()
    # probabilities of every class, index and rank intervals: internal only
    assert not [c for c in pub.columns if "_p_" in c or c.endswith(("_lo", "_hi"))]
    assert not {"rang", "rang_lo", "rang_hi"} & set(pub.columns)


def test_map_profiles_and_report_show_it(demo_run):
    out = demo_run.out_dir
    f = _areas(out / "intern" / "ergebnisse.gpkg")
    html = (out / "intern" / "webkarte.html").read_text(encoding="utf-8")
    assert "Klasse zu " in html and "gestrichelter Rand" in html
    bericht = (out / "intern" / "sozialbericht_2024.html").read_text(encoding="utf-8")
    assert "Wie sicher sind die Klassen?" in bericht and "Rang-Bereich (90 %)" in bericht
    unsure = f.index[pd.to_numeric(f["status_sicherheit"], errors="coerce") < 0.8]
    assert len(unsure)
    name = f.loc[unsure[0], "sr_name"]
    assert name in bericht.split("Wie sicher sind die Klassen?")[1]
    prof = next((out / "intern" / "steckbriefe").rglob(f"steckbrief_{unsure[0]}_*.html"))
    assert "ist unsicher" in prof.read_text(encoding="utf-8")


def _indicators_with_denominator(root):
    from sozialraum.io import read_catalogue

    cat = read_catalogue(root / "examples" / "musterland" / "katalog.toml").indicators
    return [i for i in cat.index if isinstance(cat.at[i, "denominator"], str)]


def test_results_hold_the_class_certainty_of_every_classified_indicator(demo_run, root):
    f = _areas(demo_run.out_dir / "intern" / "ergebnisse.gpkg")
    inds = [i for i in _indicators_with_denominator(root) if f"{i}_sicherheit" in f.columns]
    assert len(inds) >= 10
    # balances (net migration: negative numerators) have no count model, hence no column
    assert "wanderungssaldo_sicherheit" not in f.columns
    for ind in inds:
        p = pd.to_numeric(f[f"{ind}_sicherheit"], errors="coerce")
        v = pd.to_numeric(f[ind], errors="coerce")
        assert p[v.isna()].isna().all(), ind  # no value, no class, no certainty
        assert ((p.dropna() >= 0) & (p.dropna() <= 1)).all(), ind
        assert p.notna().sum() >= 0.5 * v.notna().sum(), ind
    html = (demo_run.out_dir / "intern" / "webkarte.html").read_text(encoding="utf-8")
    # every indicator layer with certainty has the legend note of the dashed outline
    assert html.count("gestrichelter Rand: Klasse unsicher") >= 2 + len(inds)


def test_municipal_package_shows_indicator_certainty_only_for_its_own_shown_rates(demo_run, root):
    inds = _indicators_with_denominator(root)
    pkgs = sorted((demo_run.out_dir).glob("kommunal-*"))
    assert pkgs
    ags = pkgs[0].name.split("-", 1)[1]
    a = _areas(next(pkgs[0].glob("*.gpkg")))
    cols = [f"{i}_sicherheit" for i in inds if f"{i}_sicherheit" in a.columns]
    assert cols
    other = a["ags"].astype(str) != ags
    assert a.loc[other, cols].isna().all().all()
    for c in cols:
        rate = pd.to_numeric(a[c[: -len("_sicherheit")]], errors="coerce")
        assert pd.to_numeric(a[c], errors="coerce")[rate.isna()].isna().all(), c
    pub = _areas(next((demo_run.out_dir / "oeffentlich").glob("*.gpkg")))
    assert not [c for c in pub.columns if c in {f"{i}_sicherheit" for i in inds}]
    check = (demo_run.out_dir / "pruefbericht.txt").read_text(encoding="utf-8")
    assert check.count("in Ordnung") >= 2
