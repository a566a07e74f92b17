"""Region sets in the release packages: a layer per set in every package GeoPackage whose
values are the roll-up of the package's own member values (checked by hand here), the
release checker passes, and the LP attack region − members finds nothing (while naive
region sums would give suppressed municipal counts away)."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pyogrio

from sozialraum.io import read_catalogue
from sozialraum.privacy import audit_suppression
from sozialraum.privacy.suppression import protection_for, share_variables

EX = Path(__file__).resolve().parents[2] / "examples" / "musterland"
SETS = (("region_aemter", "amt"), ("region_leader_regionen", "leader"))


def _layer(gpkg: Path, layer: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Values and status (``<col>_status``) of a layer, indexed by its key (first column)."""
    fr = pyogrio.read_dataframe(gpkg, layer=layer, read_geometry=False)
    fr.index = fr.iloc[:, 0].astype(str)
    st = pd.DataFrame(
        {c[: -len("_status")]: fr[c].astype("string") for c in fr.columns if c.endswith("_status")},
        index=fr.index,
    )
    return fr[[c for c in fr.columns if not c.endswith("_status")]], st


def _packages(out: Path) -> list[Path]:
    return sorted(
        p for p in out.iterdir() if p.name == "oeffentlich" or p.name.startswith("kommunal-")
    )


def _counts(cat, frame: pd.DataFrame) -> list[str]:
    shares = share_variables(cat)
    return [str(v) for v in cat.variables.index if v in frame.columns and str(v) not in shares]


def _code(st: pd.DataFrame, key: str, col: str):
    return st.at[key, col] if col in st.columns else pd.NA


def check_region_layers(out: Path) -> dict[str, int]:
    """Every package's region layers against a hand roll-up of its own municipal layer."""
    cat = read_catalogue(EX / "katalog.toml")
    reg = pd.read_csv(EX / "regionen.csv", sep=";", dtype=str)
    intern = out / "intern" / "ergebnisse.gpkg"
    seen = {"published": 0, "withheld": 0, "rates": 0, "index": 0}
    report = (out / "pruefbericht.txt").read_text(encoding="utf-8")
    for pkg in _packages(out):
        assert f"{pkg.name}: in Ordnung" in report, pkg.name  # the release checker passed
        gpkg = next(pkg.glob("*.gpkg"))
        assert {s for s, _ in SETS} <= set(pyogrio.list_layers(gpkg)[:, 0]), pkg.name
        gem, gst = _layer(gpkg, "gemeinden")
        for layer, col in SETS:
            r, rst = _layer(gpkg, layer)
            full, _ = _layer(intern, layer)
            members = reg.groupby(col)["ags"].apply(list)
            assert set(r.index) == set(members.index) == set(full.index)
            for k, ms in members.items():
                for c in _counts(cat, r):
                    parts = pd.to_numeric(gem.loc[ms, c], errors="coerce")
                    if parts.notna().all():  # every member shown: the region is their sum
                        assert r.at[k, c] == parts.sum() == full.at[k, c], (pkg.name, k, c)
                        seen["published"] += 1
                    else:  # a member withheld in this package: the region is withheld too
                        assert pd.isna(r.at[k, c]) and _code(rst, k, c) == "geheim", (k, c)
                        seen["withheld"] += 1
                for rid, row in cat.indicators.iterrows():
                    num, den = row.get("numerator"), row.get("denominator")
                    if rid in r.columns and isinstance(den, str) and pd.notna(r.at[k, rid]):
                        want = r.at[k, num] / r.at[k, den] * float(row.get("per") or 100)
                        assert math.isclose(r.at[k, rid], want, rel_tol=1e-9), (k, rid)
                        seen["rates"] += 1
                assert r.at[k, "idx_gesamt_klasse"] == full.at[k, "idx_gesamt_klasse"]
                if pkg.name == "oeffentlich":  # the class only, as for the municipalities
                    assert "idx_gesamt" not in r.columns
                elif pd.notna(r.at[k, "idx_gesamt"]):
                    assert r.at[k, "idx_gesamt"] == round(full.at[k, "idx_gesamt"], 1)
                    seen["index"] += 1
    return seen


def _attack(tables, cat, reg_col: str, reg: pd.DataFrame):
    """The project's LP attack on municipalities → regions → district of one package.

    The targets are the suppressed municipal counts; a withheld region cell is unknown to
    the attacker but no target itself (it is withheld because a member is, not because
    it is small: where other sums give it, it may well be known).
    """
    (gem, gst), (r, _rst), (kreis, kst) = tables
    rst = pd.DataFrame(index=r.index, columns=[], dtype="string")
    cols = [c for c in _counts(cat, gem) if c in r.columns and c in kreis.columns]
    keep = [*cols, *(i for i in cat.indicators.index if i in r.columns)]
    amap = reg.set_index("ags")[reg_col].astype(str)
    return audit_suppression(
        {"areas": gem[keep], "gemeinden": r[keep], "kreis": kreis[keep]},
        {"areas": gst, "gemeinden": rst, "kreis": kst},
        amap,
        columns=cols,
        relations=cat.relations,
        protection=protection_for(None, cat, 2),
        rates=cat,
    )


def attack_regions(out: Path) -> tuple[int, int]:
    """(cells checked, findings) of the region attack on every package, and the naive control."""
    cat = read_catalogue(EX / "katalog.toml")
    reg = pd.read_csv(EX / "regionen.csv", sep=";", dtype=str)
    checked = 0
    for pkg in _packages(out):
        gpkg = next(pkg.glob("*.gpkg"))
        gem, kreis = _layer(gpkg, "gemeinden"), _layer(gpkg, "kreis")
        for layer, col in SETS:
            res = _attack((gem, _layer(gpkg, layer), kreis), cat, col, reg)
            assert res.ok, (pkg.name, layer, res.summary())
            checked += res.n_checked
    # the control: the same attack on naive region sums (the internal roll-up published)
    # recovers suppressed municipal counts; the attack can fail
    pub = out / "oeffentlich"
    gpkg = next(pub.glob("*.gpkg"))
    naive, _ = _layer(out / "intern" / "ergebnisse.gpkg", "region_aemter")
    empty = pd.DataFrame(index=naive.index, columns=[], dtype="string")
    res = _attack(
        (_layer(gpkg, "gemeinden"), (naive, empty), _layer(gpkg, "kreis")), cat, "amt", reg
    )
    return checked, len([f for f in res.findings if f.level == "areas"])  # municipal cells


def test_every_package_has_region_layers_that_roll_up_its_own_members(demo_run):
    seen = check_region_layers(demo_run.out_dir)
    assert seen["published"] > 100 and seen["withheld"] > 10  # both cases occur
    assert seen["rates"] > 50 and seen["index"] > 0


def test_region_sums_give_no_suppressed_member_away(demo_run):
    checked, naive_findings = attack_regions(demo_run.out_dir)
    assert checked > 0
    assert naive_findings > 0


def test_region_layer_values_are_numbers_not_text(demo_run):
    gpkg = next((demo_run.out_dir / "oeffentlich").glob("*.gpkg"))
    r, _ = _layer(gpkg, "region_aemter")
    assert r["ew_ges"].dtype.kind == "f" and np.isfinite(r["ew_ges"]).all()
    assert r["mitglieder"].str.contains("Heidefeld, Wendischbrück").any()
