"""Region sets and the Amt level: roll-up by hand, coverage errors, the regions' index."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sozialraum.errors import InputError
from sozialraum.join import rollup
from sozialraum.join.regions import (
    read_region_set,
    region_index,
    rollup_region_set,
)

CAT = pd.DataFrame(
    {
        "numerator": ["alo"],
        "denominator": ["ew"],
        "per": [100.0],
        "direction": ["need"],
        "dimension": ["Arbeit"],
        "weight": [1.0],
    },
    index=["alo_quote"],
)

# four areas in three municipalities; Amt A = G1 + G2, G3 is amtsfrei (its own unit)
AREAS = pd.DataFrame(
    {
        "ags": ["G1", "G1", "G2", "G3"],
        "ew": [100.0, 300.0, 200.0, 400.0],
        "alo": [10.0, 20.0, 30.0, 8.0],
    },
    index=pd.Index(["a1", "a2", "a3", "a4"], name="key"),
)


def _write(tmp_path, text, name="aemter.csv"):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_amt_level_rollup_by_hand_keeps_the_gemeinde_level(tmp_path):
    p = _write(tmp_path, "ags;amt;amt_name\nG1;A;Amt Heide\nG2;A;Amt Heide\nG3;G3;Stadt Frei\n")
    rs = read_region_set(
        p, name="Ämter", member_col="ags", region_col="amt", name_col="amt_name", stage="Amt"
    )
    amt = rollup_region_set(rs, AREAS, gemeinde_col="ags", catalogue=CAT)
    # by hand: A = a1+a2+a3 → ew 600, alo 60 → 10 %; G3 = a4 → 400, 8 → 2 %
    assert amt.frame.loc["A", "ew"] == 600
    assert amt.frame.loc["A", "alo"] == 60
    assert amt.frame.loc["A", "alo_quote"] == pytest.approx(10.0)
    assert amt.frame.loc["G3", "alo_quote"] == pytest.approx(2.0)
    assert amt.frame.loc["A", "region_name"] == "Amt Heide"
    assert amt.frame.loc["A", "n_gebiete"] == 3
    # the municipality level is unchanged beside it: G1 = 30/400 = 7.5 %
    gem = rollup(AREAS, by="ags", catalogue=CAT)
    assert gem.frame.loc["G1", "alo_quote"] == pytest.approx(7.5)
    assert gem.frame.loc["G2", "alo_quote"] == pytest.approx(15.0)


def test_region_set_of_areas_and_secret_parts(tmp_path):
    p = _write(tmp_path, "sr;region\na1;N\na2;N\na3;S\na4;S\n")
    rs = read_region_set(
        p, name="Planungsräume", member_col="sr", region_col="region", level="sozialraum"
    )
    st = pd.DataFrame(pd.NA, index=AREAS.index, columns=["ew", "alo"], dtype="string")
    st.loc["a3", "alo"] = "geheim"
    fr = AREAS.copy()
    fr.loc["a3", "alo"] = np.nan
    res = rollup_region_set(rs, fr, gemeinde_col="ags", status=st, catalogue=CAT)
    assert res.frame.loc["N", "alo"] == 30
    assert res.frame.loc["S", "alo"] == 8  # a lower bound, flagged
    assert res.status.loc["S", "alo"] == "teilsumme_geheim"


def test_region_set_that_does_not_cover_its_areas_names_keys_file_and_column(tmp_path):
    p = _write(tmp_path, "ags;leader\nG1;L1\nG2;L1\n", name="leader.csv")
    rs = read_region_set(p, name="LEADER-Regionen", member_col="ags", region_col="leader")
    with pytest.raises(InputError) as e:
        rollup_region_set(rs, AREAS, gemeinde_col="ags", catalogue=CAT)
    msg = str(e.value)
    assert "G3" in msg and "leader.csv" in msg and "'ags'" in msg and "LEADER-Regionen" in msg
    assert e.value.ids == ["G3"]
    with pytest.raises(InputError) as e:
        rollup_region_set(rs, AREAS, gemeinde_col="ags", catalogue=CAT, lang="en")
    assert "does not cover" in str(e.value)


def test_region_set_errors_name_the_row(tmp_path):
    p = _write(tmp_path, "ags;leader\nG1;L1\nG1;L2\n", name="dup.csv")
    with pytest.raises(InputError, match=r"dup.csv, Zeile 3.*'G1'"):
        read_region_set(p, name="X", member_col="ags", region_col="leader")
    p = _write(tmp_path, "ags;leader\nG1;\nG2;L2\n", name="empty.csv")
    with pytest.raises(InputError, match=r"empty.csv, Zeile 2: Spalte 'leader' ist leer"):
        read_region_set(p, name="X", member_col="ags", region_col="leader")
    p = _write(tmp_path, "ags;leader\nG1;L1\nG2;L1\nG3;L1\nG9;L1\n", name="more.csv")
    rs = read_region_set(p, name="X", member_col="ags", region_col="leader")
    with pytest.raises(InputError, match="G9"):
        rollup_region_set(rs, AREAS, gemeinde_col="ags", catalogue=CAT)


def test_region_index_uses_the_areas_reference_and_leaves_the_areas_unchanged():
    from sozialraum.monitor import run_monitor

    rng = np.random.default_rng(4)
    n = 30
    keys = [f"k{i:02d}" for i in range(n)]
    ew = rng.integers(500, 3000, n).astype(float)
    cat = pd.DataFrame(
        {
            "numerator": ["alo", "arm"],
            "denominator": ["ew", "ew"],
            "per": [100.0, 100.0],
            "direction": ["need", "need"],
            "dimension": ["Arbeit", "Einkommen"],
            "weight": [1.0, 1.0],
        },
        index=["alo_quote", "arm_quote"],
    )
    counts = pd.DataFrame(
        {
            "ew": ew,
            "alo": rng.binomial(ew.astype(int), 0.08).astype(float),
            "arm": rng.binomial(ew.astype(int), 0.15).astype(float),
        },
        index=pd.Index(keys, name="key"),
    )
    mon = run_monitor(counts, cat, population="ew", n_types=0)
    mean = mon.values.mean()
    sd = mon.values.std(ddof=0)
    regions = pd.DataFrame(
        {
            "alo_quote": [mean["alo_quote"], mean["alo_quote"] + sd["alo_quote"]],
            "arm_quote": [mean["arm_quote"], mean["arm_quote"] + sd["arm_quote"]],
        },
        index=["mitte", "hoch"],
    )
    ri = region_index(regions, mon, cat, population=counts["ew"], min_denominator=300)
    # a region at the areas' mean is the average planning area: index 0
    assert ri.frame.loc["mitte", "idx_gesamt"] == pytest.approx(0.0, abs=1e-9)
    # one SD above in both indicators: each dimension index is z/sd_dim(areas) = 1/sd of z
    # over the areas, which is 1 for a single-indicator dimension; the overall index is the
    # mean of the dimensions re-standardised over the areas
    dims = mon.frame[["idx_arbeit", "idx_einkommen"]]
    overall_raw = dims.mean(axis=1)
    expect = (1.0 - overall_raw.mean()) / overall_raw.std(ddof=0)
    raw_areas = (mon.z[["alo_quote", "arm_quote"]]).mean(axis=1)
    assert raw_areas.mean() == pytest.approx(0.0, abs=1e-9)
    assert ri.frame.loc["hoch", "idx_gesamt"] == pytest.approx(expect)
    assert ri.frame.loc["hoch", "idx_gesamt_klasse"] in set(mon.frame["idx_gesamt_klasse"])
    assert "bewerteten Planungsräume" in ri.reference


def test_missing_region_column_names_the_setting_of_the_door(tmp_path):
    from sozialraum.core.doors import using_door

    p = _write(tmp_path, "ags;amt\nG1;A\n", name="r.csv")
    with pytest.raises(InputError, match=r"'leader'.*region_col="):
        read_region_set(p, name="X", member_col="ags", region_col="leader")
    with using_door("config"), pytest.raises(InputError, match=r"region \(in \[\[regionen\]\]\)"):
        read_region_set(p, name="X", member_col="ags", region_col="leader")
