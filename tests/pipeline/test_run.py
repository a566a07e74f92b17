"""The yearly run on Musterland: every output, the manifest, idempotence, atomic writes."""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

from sozialraum.errors import InputError
from sozialraum.pipeline import run


def test_summary_names_every_output_file(demo_run):
    res = demo_run
    text = res.summary("de")
    assert text.startswith("Fertig in")
    assert "80 Sozialräume in 10 Gemeinden" in text
    for path, de, _en in res.files:
        assert path.exists(), path
        rel = str(path.relative_to(res.out_dir))
        first = rel.split("/")[0]
        if first.startswith("kommunal-"):  # one line per file kind for all municipal packages
            ags = first[len("kommunal-") :]
            rel, de = rel.replace(ags, "<AGS>"), de.replace(ags, "<AGS>")
        if "/steckbriefe/" in rel:  # profiles: one line per folder
            assert rel.rsplit("/", 1)[0] + "/: " in text
            continue
        assert rel in text
        assert de in text


def test_packages_pass_the_release_check(demo_run):

    out = demo_run.out_dir
    report = (out / "pruefbericht.txt").read_text(encoding="utf-8")
    heads = [ln for ln in report.splitlines() if ln.startswith(("oeffentlich", "kommunal-"))]
    packages = [h for h in heads if "/webseite" not in h]
    assert len(packages) == 11 and len(heads) == 22  # 11 packages and the website of each
    assert all(h.endswith(": in Ordnung") for h in heads)
    # every file is read once: a package without its website, the website on its own
    lines = report.splitlines()
    for h in heads:
        name = h.split(":")[0]
        counted = lines[lines.index(h) + 1]
        n = int(re.search(r": (\d+) Dateien geprüft", counted).group(1))
        files = [f for f in (out / name).rglob("*") if f.is_file()]
        if "/webseite" not in name:
            files = [f for f in files if "webseite" not in f.relative_to(out / name).parts]
        assert n == len(files) > 0, name
    kommunal = sorted(p.name for p in out.iterdir() if p.name.startswith("kommunal-"))
    assert len(kommunal) == 10
    # the public map shows indices and classes only: no rate of any area appears in it
    html = (out / "oeffentlich" / "webkarte.html").read_text(encoding="utf-8")
    assert '"sgb2_quote"' not in html and '"ew_ges"' not in html  # no count or rate property
    assert "LISA-Cluster: SGB-II-Quote" in html  # its clusters (classes) are public
    kom = (out / "kommunal-07999001" / "webkarte.html").read_text(encoding="utf-8")
    assert '"sgb2_quote"' in kom  # the municipality sees its own rates


def test_manifest_lists_inputs_with_checksums_versions_and_seed(demo_run, musterland):
    man = json.loads((demo_run.out_dir / "manifest.json").read_text(encoding="utf-8"))
    inputs = {p["datei"]: p for p in man["eingaben"]}
    csv = str((musterland["examples"] / "jobcenter_2024.csv").resolve())
    assert csv in inputs
    assert inputs[csv]["sha256"] == hashlib.sha256(open(csv, "rb").read()).hexdigest()
    assert man["seed"] == 20241231
    assert man["versionen"]["esda"] and man["versionen"]["numpy"]
    assert man["parameter"]["raeumlich"]["permutationen"] == 999
    outs = {o["datei"] for o in man["ausgaben"]}
    assert "intern/ergebnisse.gpkg" in outs
    assert "oeffentlich/webkarte.html" in outs


def test_results_are_the_library_results(demo_run):
    """The GeoPackage holds exactly what the state computed (no rounding, no loss)."""
    st = demo_run.state
    g = gpd.read_file(demo_run.out_dir / "intern" / "ergebnisse.gpkg", layer="sozialraeume")
    g = g.set_index("sr_id")
    assert (g.index.str.len() == 11).all() and len(g) == 80
    np.testing.assert_allclose(
        g["sgb2_quote"].to_numpy(dtype=float),
        st.rates[2024].rates["sgb2_quote"].reindex(g.index).to_numpy(),
        equal_nan=True,
    )
    rated = st.monitor.frame["bewertet"].reindex(g.index).astype(bool).to_numpy()
    np.testing.assert_allclose(
        g["idx_gesamt"].to_numpy(dtype=float)[rated],
        st.monitor.frame["idx_gesamt"].reindex(g.index).to_numpy()[rated],
    )
    assert g["idx_gesamt"][~rated].isna().all()  # not rated: no index, only the class
    # the exclave has no neighbours: never a significant cluster
    assert g.loc["07999002010", "lisa_cat_idx_gesamt"] in (
        "ohne Nachbarn",
        "kein Wert",
        "nicht bewertet",
    )
    # areas not rated (too few inhabitants) have no index, so they are never part of a cluster
    unrated = st.monitor.frame.index[~st.monitor.frame["bewertet"].astype(bool)]
    assert len(unrated) == 9
    assert set(g.loc[unrated, "lisa_cat_idx_gesamt"]) <= {"nicht bewertet", "ohne Nachbarn"}
    assert (g["lisa_cat_sgb2_quote"] == "ohne Nachbarn").sum() == 1  # the exclave, for a rate
    # the deprived town centre forms a High-High cluster
    assert (g["lisa_cat_sgb2_quote"] == "Hoch-Hoch").sum() >= 3
    kreis = gpd.read_file(demo_run.out_dir / "intern" / "ergebnisse.gpkg", layer="kreis")
    assert kreis["ew_ges"].iloc[0] == st.counts[2024]["ew_ges"].sum()


def test_rerun_gives_the_same_results(demo_run, tmp_path, musterland_config):
    # the same computations; the slow presentation outputs are switched off for the rerun
    cfg = musterland_config(
        tmp_path,
        ("steckbriefe = true", "steckbriefe = false"),
        ("sozialbericht = true", "sozialbericht = false"),
        ("webkarte = true", "webkarte = false"),
    )
    again = run(cfg, tmp_path / "again")
    a = gpd.read_file(demo_run.out_dir / "intern" / "ergebnisse.gpkg", layer="sozialraeume")
    b = gpd.read_file(again.out_dir / "intern" / "ergebnisse.gpkg", layer="sozialraeume")
    pd.testing.assert_frame_equal(
        pd.DataFrame(a.drop(columns="geometry")), pd.DataFrame(b.drop(columns="geometry"))
    )
    assert a.geometry.geom_equals_exact(b.geometry, tolerance=0).all()


def test_failed_run_leaves_the_previous_output_untouched(tmp_path, musterland_config):
    # a target group that no table has: the access step fails half-way through the run
    musterland_config(tmp_path, ('zielgruppe = ["ew_6_9"]', 'zielgruppe = ["ew_6_bis_9"]'))
    out = tmp_path / "out"
    out.mkdir()
    (out / "alt.txt").write_text("Ergebnis vom letzten Jahr", encoding="utf-8")
    with pytest.raises(InputError, match="ew_6_bis_9"):
        run(tmp_path / "monitor.toml", out)
    assert (out / "alt.txt").read_text(encoding="utf-8") == "Ergebnis vom letzten Jahr"
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "monitor.toml",
        "out",
    ]  # no temp folder left


def test_cli_run_check_and_init(tmp_path, musterland):
    res = subprocess.run(
        [
            sys.executable,
            "-m",
            "sozialraum",
            "run",
            str(musterland["examples"] / "monitor.toml"),
            "--check",
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert res.returncode == 0 and "0 Fehler" in res.stdout, res.stdout + res.stderr
    res = subprocess.run(
        [sys.executable, "-m", "sozialraum", "init", str(tmp_path / "m.toml")],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert res.returncode == 0 and (tmp_path / "m.toml").exists()
    res = subprocess.run(
        [sys.executable, "-m", "sozialraum", "run", str(tmp_path / "m.toml"), "--check"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    # the template's example paths do not exist: every one named, no traceback
    assert res.returncode == 1
    assert "Traceback" not in res.stderr
    assert "gebiete.gpkg" in res.stdout and "katalog.toml" in res.stdout


def test_atlas_holds_the_inputs_and_the_monitor_read_them(demo_run, musterland):
    from sozialraum.atlas import Atlas
    from sozialraum.pipeline import load_musterland

    st = demo_run.state
    path = demo_run.out_dir / "intern" / "atlas.gpkg"
    with Atlas.open(path) as atlas:
        versions = atlas.versions()
        assert {"sr2022", "sr2022_neu"} <= set(versions.index)
        assert (
            len(atlas.areas(year=2025)) == 80 + 1 - 1
        )  # one area split in two, two merged into one
        assert "QM-2023-01" in set(
            atlas.measures().index if hasattr(atlas.measures(), "index") else []
        )
    # the counts the monitor used (read back from the database) equal the files' counts
    files = load_musterland(musterland["boundaries"].parents[2])
    ref = files["years"][2024].frame
    for col in ("ew_ges", "sgb2_pers", "hze"):
        np.testing.assert_array_equal(
            st.counts[2024][col].to_numpy(), ref[col].reindex(st.counts[2024].index).to_numpy()
        )
    eff = st.atlas["effects"]["QM-2023-01"]
    assert "nicht kausal" in eff.note


def test_profiles_and_reports_for_every_area_and_municipality(demo_run):
    out = demo_run.out_dir
    html = sorted((out / "intern" / "steckbriefe").glob("steckbrief_*.html"))
    assert len(html) == 80 + 10
    if any(p.suffix == ".pdf" for p, _, _ in demo_run.files):  # Chromium present
        assert len(list((out / "intern" / "steckbriefe").glob("steckbrief_*.pdf"))) == 90
        assert (out / "oeffentlich" / "sozialbericht_2024.pdf").stat().st_size > 10_000
    own = sorted(p.name for p in (out / "kommunal-07999002" / "steckbriefe").glob("*.html"))
    unit = "steckbrief_gemeinde_Spreewitz.html"  # its own profile, named by its name column
    assert unit in own  # only the municipality's own areas and its own profile:
    assert all("07999002" in n or n == unit for n in own)
    public = out / "oeffentlich" / "steckbriefe"
    assert len(list(public.glob("steckbrief_*.html"))) == 90


def test_the_demo_writes_a_checked_website_per_package_and_says_where(demo_run):
    """``[ausgaben] webseite = true`` (Musterland): oeffentlich/webseite and one per municipality."""
    out = demo_run.out_dir
    assert (out / "oeffentlich" / "webseite" / "index.html").is_file()
    assert (out / "oeffentlich" / "webseite" / "en" / "index.html").is_file()
    kom = sorted(out.glob("kommunal-*/webseite/index.html"))
    assert len(kom) == 10
    text = demo_run.summary("de")
    assert (
        "oeffentlich/webseite/index.html" in text and "kommunal-<AGS>/webseite/index.html" in text
    )
