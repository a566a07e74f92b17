"""Primary and secondary suppression, rounding: hand cases and the adversarial solver."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import linprog

from sozialraum.errors import InputError
from sozialraum.privacy import (
    PRIMARY,
    SECONDARY,
    count_columns,
    protect_groups,
    round_counts,
    round_to_base,
    suppress,
    suppress_primary,
)


def _hand_frames():
    """Two-level hierarchy with a known answer (see docs/privacy.md)."""
    areas = pd.DataFrame(
        {
            "ags": ["A", "A", "A", "B", "B", "C", "C"],
            "n": [1.0, 5.0, 10.0, 7.0, 8.0, 1.0, 1.0],
        },
        index=pd.Index(["a1", "a2", "a3", "b1", "b2", "c1", "c2"], name="key"),
    )
    return areas


def _status_of(res, level):
    return (
        res.status[level]["n"].astype(object).where(res.status[level]["n"].notna(), None).to_dict()
    )


def test_primary_threshold_and_source_secret():
    fr = pd.DataFrame({"n": [0.0, 1.0, 2.0, 3.0, np.nan, -2.0]}, index=list("abcdef"))
    st = pd.DataFrame(
        {"n": [pd.NA, pd.NA, "vorlaeufig", pd.NA, "geheim", pd.NA]}, index=fr.index, dtype="string"
    )
    out, ost = suppress_primary(fr, st, columns=["n"], threshold=2)
    # hand: 0 publishable, 1 and 2 (and |-2|) suppressed, 3 published, source secret stays "geheim"
    assert out["n"].tolist()[:1] == [0.0] and out.at["d", "n"] == 3.0
    assert out["n"].isna().tolist() == [False, True, True, False, True, True]
    assert ost["n"].tolist() == [pd.NA, PRIMARY, PRIMARY, pd.NA, "geheim", PRIMARY]
    # threshold 3 also suppresses 3; threshold 0 suppresses nothing
    out3, _ = suppress_primary(fr, st, columns=["n"], threshold=3)
    assert np.isnan(out3.at["d", "n"])
    out0, st0 = suppress_primary(fr, st, columns=["n"], threshold=0)
    assert out0["n"].equals(fr["n"])
    with pytest.raises(InputError):
        suppress_primary(fr, st, columns=["n"], threshold=-1)


def test_secondary_hand_case_two_levels():
    areas = _hand_frames()
    res = suppress(areas, columns=["n"], threshold=2)
    a = _status_of(res, "areas")
    g = _status_of(res, "gemeinden")
    k = _status_of(res, "kreis")
    # hand answer: a1 primary → smallest positive partner a2 (5) secondary;
    # C: c1, c2 and total 2 primary → district group has one unpublished total →
    # smallest other total B (15) secondary → group B then needs b1 (7) secondary.
    assert a == {
        "a1": PRIMARY,
        "a2": SECONDARY,
        "a3": None,
        "b1": SECONDARY,
        "b2": None,
        "c1": PRIMARY,
        "c2": PRIMARY,
    }
    assert g == {"A": None, "B": SECONDARY, "C": PRIMARY}
    assert list(k.values()) == [None]
    assert res.params["n_primary_counts"] == 4 and res.params["n_secondary_counts"] == 3
    assert res.n_primary == 4 and res.n_secondary == 3
    # suppressed values are NaN, published ones unchanged
    assert res.frames["areas"]["n"].isna().sum() == 5
    assert res.frames["kreis"]["n"].iloc[0] == 33.0
    assert "primär" in res.summary() and "primary" in res.summary("en")


def test_every_group_has_zero_or_two_unpublished():
    rng = np.random.default_rng(3)
    n = 60
    areas = pd.DataFrame(
        {
            "ags": rng.choice(list("PQRSTU"), n),
            "x": rng.poisson(2.0, n).astype(float),
            "y": rng.poisson(6.0, n).astype(float),
        },
        index=[f"k{i:03d}" for i in range(n)],
    )
    res = suppress(areas, columns=["x", "y"])
    for col in ("x", "y"):
        sa = res.frames["areas"][col].isna()
        sg = res.frames["gemeinden"][col].isna()
        for gem, idx in areas.groupby("ags").groups.items():
            k = int(sa.loc[idx].sum()) + int(sg.loc[gem])
            assert k != 1, (col, gem)
        assert int(sg.sum()) + int(res.frames["kreis"][col].isna().sum()) != 1


def test_protect_groups_prefers_smallest_positive_and_respects_fixed():
    values = np.array([1.0, 0.0, 9.0, 4.0, 14.0])
    groups = [np.array([0, 1, 2, 3, 4])]
    sec, unprot = protect_groups(values, np.array([True, False, False, False, False]), groups)
    assert sec.tolist() == [False, False, False, True, False] and unprot == []
    fixed = np.array([False, False, False, True, False])
    sec, _ = protect_groups(
        values, np.array([True, False, False, False, False]), groups, fixed=fixed
    )
    assert sec.tolist() == [False, False, True, False, False]
    # only zeros left → a zero is taken
    sec, _ = protect_groups(
        np.array([2.0, 0.0, 2.0]),
        np.array([True, False, False]),
        [np.array([0, 1, 2])],
        fixed=np.array([False, False, True]),
    )
    assert sec.tolist() == [False, True, False]


def test_rates_follow_their_numerator_and_denominator():
    ind = pd.DataFrame(
        {"numerator": ["num", "num2"], "denominator": ["den", "den"], "per": [100.0, 100.0]},
        index=["q", "q2"],
    )
    areas = pd.DataFrame(
        {
            "ags": ["A", "A", "A"],
            "num": [1.0, 4.0, 5.0],
            "num2": [10.0, 10.0, 10.0],
            "den": [20.0, 2.0, 30.0],
        },
        index=["x", "y", "z"],
    )
    areas["q"] = 100 * areas["num"] / areas["den"]
    areas["q2"] = 100 * areas["num2"] / areas["den"]
    res = suppress(areas, columns=["num", "num2", "den"], catalogue=ind, secondary=False)
    st = res.status["areas"]
    assert st.at["x", "q"] == PRIMARY  # numerator 1
    assert st.at["y", "q"] == SECONDARY and st.at["y", "q2"] == SECONDARY  # denominator 2
    assert pd.isna(st.at["z", "q"]) and res.frames["areas"].at["z", "q"] == pytest.approx(
        100 * 5 / 30
    )
    assert np.isnan(res.frames["areas"].at["x", "q"])


def test_rounding_base_3_hand_case():
    areas = pd.DataFrame(
        {"ags": ["A"] * 4 + ["B"], "n": [1.0, 1.0, 1.0, 4.0, 8.0]}, index=list("abcde")
    )
    res = round_counts(areas, columns=["n"], base=3)
    # hand: 1→0, 4→3, 8→9; Gemeinde A = round(7) = 6 (not the sum of rounded parts, 3);
    # B = round(8) = 9; Kreis = round(15) = 15
    assert res.frames["areas"]["n"].tolist() == [0.0, 0.0, 0.0, 3.0, 9.0]
    assert res.frames["gemeinden"]["n"].to_dict() == {"A": 6.0, "B": 9.0}
    assert res.frames["kreis"]["n"].iloc[0] == 15.0
    assert round_to_base([-4.0, 2.0, np.nan, 0.0], 3)[:2].tolist() == [-3.0, 3.0]
    assert np.isnan(round_to_base([np.nan], 3)[0])
    assert res.params["method"] == "rundung" and res.params["base"] == 3
    with pytest.raises(InputError):
        round_counts(areas, columns=["n"], base=1)


def test_source_secret_stays_secret_through_rollup(ml_data):
    data, joined = ml_data
    src = joined.status
    secret = [(k, c) for c in src.columns for k in src.index[src[c].eq("geheim").fillna(False)]]
    assert secret, "Musterland has cells marked '.' in the sources"
    res = suppress(
        data.areas,
        data.areas_status,
        gemeinden=data.gemeinden,
        gemeinden_status=data.gemeinden_status,
        kreis=data.kreis,
        kreis_status=data.kreis_status,
        catalogue=data.catalogue,
    )
    for k, c in secret:
        assert res.status["areas"].at[k, c] == "geheim"
        assert np.isnan(res.frames["areas"].at[k, c])
    # the Gemeinde totals with a secret part are partial sums of the known parts only
    gst = data.gemeinden_status
    for c in ("grusi", "hze"):
        part = gst.index[gst[c].eq("teilsumme_geheim").fillna(False)]
        assert len(part)
        for g in part:
            members = data.areas.index[data.areas["ags"] == g]
            assert data.gemeinden.at[g, c] == pytest.approx(np.nansum(data.areas.loc[members, c]))


def _adversary_intervals(data, pub, col, *, hidden_areas=None):
    """Min and max of every unpublished cell subject to the published sums (LP relaxation).

    ``pub``: dict level → Series of the *published* values (NaN = not shown), read
    from the written files. Equations use the internal known cells (conservative:
    the adversary is assumed to know which cells a partial sum covers).
    """
    ia, ig, ik = data.areas[col].copy(), data.gemeinden[col].copy(), data.kreis[col].copy()
    ig.index = ig.index.astype(str)
    cells = [("areas", k) for k in ia.index if not np.isnan(ia[k])]
    cells += [("gemeinden", k) for k in ig.index if not np.isnan(ig[k])]
    cells += [("kreis", k) for k in ik.index if not np.isnan(ik[k])]
    val = {c: pub[c[0]].get(c[1], np.nan) for c in cells}
    unknown = [c for c in cells if np.isnan(val[c])]
    pos = {c: i for i, c in enumerate(unknown)}
    rows, rhs = [], []

    def add(members, total):
        if np.isnan({"areas": ia, "gemeinden": ig, "kreis": ik}[total[0]][total[1]]):
            return
        row = np.zeros(len(unknown))
        b = 0.0
        for c, sign in [(m, 1.0) for m in members] + [(total, -1.0)]:
            if c in pos:
                row[pos[c]] += sign
            else:
                b -= sign * val[c]
        if row.any():
            rows.append(row)
            rhs.append(b)

    for g in ig.index:
        members = [
            ("areas", k)
            for k in ia.index[data.areas["ags"].astype(str) == g]
            if not np.isnan(ia[k])
        ]
        add(members, ("gemeinden", g))
    for k in ik.index:
        add([("gemeinden", g) for g in ig.index if not np.isnan(ig[g])], ("kreis", k))
    lo = 0.0 if (np.nanmin([ia.min(), ig.min()]) >= 0) else None
    out = {}
    for c in unknown:
        if not rows:
            out[c] = (lo, np.inf)
            continue
        obj = np.zeros(len(unknown))
        obj[pos[c]] = 1.0
        A, b = np.array(rows), np.array(rhs)
        r1 = linprog(obj, A_eq=A, b_eq=b, bounds=[(lo, None)] * len(unknown), method="highs")
        r2 = linprog(-obj, A_eq=A, b_eq=b, bounds=[(lo, None)] * len(unknown), method="highs")
        assert r1.status in (0, 3) and r2.status in (0, 3), (col, c, r1.message, r2.message)
        vmin = -np.inf if r1.status == 3 else r1.fun
        vmax = np.inf if r2.status == 3 else -r2.fun
        out[c] = (vmin, vmax)
    return out


def _read_gpkg_levels(path):
    import pyogrio

    out = {}
    for layer, kind in (("sozialraeume", "areas"), ("gemeinden", "gemeinden"), ("kreis", "kreis")):
        df = pyogrio.read_dataframe(path, layer=layer, read_geometry=False)
        key = df.columns[0]
        out[kind] = df.set_index(df[key].astype(str))
    return out


def test_adversary_cannot_pin_any_suppressed_count_hand_case():
    areas = _hand_frames()
    res = suppress(areas, columns=["n"])

    class D:
        pass

    d = D()
    d.areas, d.gemeinden, d.kreis = (
        areas,
        res.frames["gemeinden"].copy(),
        res.frames["kreis"].copy(),
    )
    # internal totals
    d.gemeinden["n"] = areas.groupby("ags")["n"].sum()
    d.kreis["n"] = areas["n"].sum()
    pub = {k: res.frames[k]["n"] for k in ("areas", "gemeinden", "kreis")}
    iv = _adversary_intervals(d, pub, "n")
    assert len(iv) == 7
    for cell, (lo, hi) in iv.items():
        assert lo < hi - 1e-6, cell
    # without secondary suppression a1 would be pinned (16 - 5 - 10 = 1)
    res0 = suppress(areas, columns=["n"], secondary=False)
    pub0 = {k: res0.frames[k]["n"] for k in ("areas", "gemeinden", "kreis")}
    iv0 = _adversary_intervals(d, pub0, "n")
    lo, hi = iv0[("areas", "a1")]
    assert lo == pytest.approx(1.0) and hi == pytest.approx(1.0)


@pytest.mark.parametrize("package", ["oeffentlich", "kommunal-07999001", "kommunal-07999009"])
def test_adversary_musterland_from_written_gpkg(ml_data, tmp_path, package):
    """For every suppressed count, min < max subject to the published sums."""
    from sozialraum.privacy import ReleasePolicy, write_packages

    data, _ = ml_data
    counts = count_columns(data.areas, data.catalogue)
    policy = ReleasePolicy(allowed=tuple(counts))  # the hardest case: counts released publicly
    level, _, ags = package.partition("-")
    write_packages(
        data,
        tmp_path,
        levels=(level,),
        municipalities=[ags] if ags else None,
        policy=policy,
        formats=("gpkg",),
    )
    pub_frames = _read_gpkg_levels(next((tmp_path / package).glob("*.gpkg")))
    n_checked = 0
    for col in counts:
        pub = {
            k: pub_frames[k][col] if col in pub_frames[k] else pd.Series(dtype=float)
            for k in pub_frames
        }
        iv = _adversary_intervals(data, pub, col)
        for cell, (lo, hi) in iv.items():
            st = {"gemeinden": data.gemeinden_status, "kreis": data.kreis_status}.get(cell[0])
            if (
                st is not None
                and col in st
                and st[col].astype(str).get(cell[1]) == "teilsumme_geheim"
            ):
                continue  # a partial sum is withheld as secret, but it is the sum of published parts
            x = {"areas": data.areas, "gemeinden": data.gemeinden, "kreis": data.kreis}[cell[0]][
                col
            ].copy()
            x.index = x.index.astype(str)
            internal = x[cell[1]]
            assert lo - 1e-6 <= internal <= hi + 1e-6, (col, cell)
            assert lo < hi - 1e-6, f"{package}: {col} {cell} pinned at {lo}"
            n_checked += 1
    assert n_checked > 100
