"""The attack on suppressed tables: LP intervals over hierarchy and relations.

Attackers: the public (the ``oeffentlich`` package) and each municipality (public
package plus its own ``kommunal-<AGS>`` package with its areas in full).
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from sozialraum.core.status import PRIMARY, SECONDARY
from sozialraum.errors import ConfigError
from sozialraum.io import read_catalogue
from sozialraum.io.catalogue import Relation, parse_relation
from sozialraum.privacy import count_columns, package_frames, protect_groups, suppress
from sozialraum.privacy.audit import (
    PUBLIC,
    Protection,
    audit_suppression,
    municipal_knowledge,
)

LEVELS = ("areas", "gemeinden", "kreis")


# --------------------------------------------------------------------------- hand cases


def _hand_areas():
    """Three municipalities A, B, C; district total 33 (see docs/privacy.md)."""
    return pd.DataFrame(
        {
            "ags": ["A", "A", "A", "B", "B", "C", "C"],
            "n": [1.0, 5.0, 10.0, 7.0, 8.0, 1.0, 1.0],
        },
        index=pd.Index(["a1", "a2", "a3", "b1", "b2", "c1", "c2"], name="key"),
    )


def _internal(areas, cols):
    gem = areas.groupby("ags")[cols].sum()
    kreis = pd.DataFrame([areas[cols].sum()], index=["K"])
    return {"areas": areas[cols], "gemeinden": gem, "kreis": kreis}


def _published(internal, codes):
    """Values and status as published: cells with a code are blank."""
    vals, stat = {}, {}
    for lv in LEVELS:
        st = codes[lv].astype("string")
        vals[lv] = internal[lv].mask(st.notna().to_numpy())
        stat[lv] = st
    return vals, stat


def _old_heuristic_codes(areas, internal):
    """The former 'two suppressed cells per sum' pattern for column ``n``."""
    na, ng = len(areas), len(internal["gemeinden"])
    values = np.concatenate(
        [internal["areas"]["n"], internal["gemeinden"]["n"], internal["kreis"]["n"]]
    )
    primary = (values >= 1) & (values <= 2)
    gpos = pd.Series(range(ng), index=internal["gemeinden"].index)[areas["ags"]].to_numpy()
    groups = [np.append(np.flatnonzero(gpos == j), na + j) for j in range(ng)]
    groups.append(np.append(na + np.arange(ng), na + ng))
    sec, unprot = protect_groups(values, primary, groups)
    assert unprot == []
    code = np.where(primary, PRIMARY, np.where(sec, SECONDARY, None))
    out, pos = {}, 0
    for lv in LEVELS:
        k = len(internal[lv])
        out[lv] = pd.DataFrame(
            {"n": pd.array(code[pos : pos + k], dtype="string")}, index=internal[lv].index
        )
        pos += k
    return out


def test_regression_old_heuristic_leaks_to_a_municipality_new_method_does_not():
    """Municipality B knows its total 15: C = 33 - A - 15 = 2 under the old pattern."""
    areas = _hand_areas()
    internal = _internal(areas, ["n"])
    known = municipal_knowledge(internal, areas["ags"])
    old = _old_heuristic_codes(areas, internal)
    assert old["gemeinden"]["n"].fillna("").tolist() == ["", SECONDARY, PRIMARY]  # A shown
    vals, stat = _published(internal, old)
    res = audit_suppression(vals, stat, areas["ags"], columns=["n"], known=known)
    assert not res.ok
    leak = [f for f in res.findings if (f.attacker, f.level, f.key) == ("B", "gemeinden", "C")]
    assert len(leak) == 1 and leak[0].low == leak[0].high == 2.0
    assert "C" in res.summary() and "B" in res.summary("en")
    # the new method suppresses A as well; nobody pins anything
    new = suppress(areas, columns=["n"], threshold=2)
    vals = {lv: new.frames[lv][["n"]] for lv in LEVELS}
    stat = {lv: new.status[lv][["n"]] for lv in LEVELS}
    res = audit_suppression(vals, stat, areas["ags"], columns=["n"], known=known)
    assert res.ok, res.summary()
    assert res.attackers == (PUBLIC, "A", "B", "C")


def test_hand_intervals_computed_by_hand():
    """Pattern of the new method on the hand case; intervals solved on paper.

    Public: a1 + a2 + 10 = A, b1 + 8 = B, c1 + c2 = C, A + B + C = 33, all ≥ 1.
    Adding up: a1 + a2 + b1 + c1 + c2 = 15, so a1 ∈ [1, 15 - 4] = [1, 11] and
    C = 15 - (a1 + a2 + b1) ∈ [2, 12]. Municipality B (b1 = 7, b2 = 8, B = 15):
    a1 + a2 + c1 + c2 = 8, so C ∈ [2, 6] and a1 ∈ [1, 5].
    """
    areas = _hand_areas()
    internal = _internal(areas, ["n"])
    new = suppress(areas, columns=["n"], threshold=2)
    vals = {lv: new.frames[lv][["n"]] for lv in LEVELS}
    stat = {lv: new.status[lv][["n"]] for lv in LEVELS}
    known = municipal_knowledge(internal, areas["ags"])
    for integer in (False, True):
        res = audit_suppression(
            vals, stat, areas["ags"], columns=["n"], known=known, integer=integer
        )
        iv = res.intervals.set_index(["attacker", "level", "key"])
        assert tuple(iv.loc[(PUBLIC, "areas", "a1"), ["low", "high"]]) == (1.0, 11.0)
        assert tuple(iv.loc[(PUBLIC, "gemeinden", "C"), ["low", "high"]]) == (2.0, 12.0)
        assert tuple(iv.loc[("B", "gemeinden", "C"), ["low", "high"]]) == (2.0, 6.0)
        assert tuple(iv.loc[("B", "areas", "a1"), ["low", "high"]]) == (1.0, 5.0)
        # B's own cells are not attacked by B
        assert ("B", "areas", "b1") not in iv.index
    # a width of 5 is more than B's interval of C (6 - 2 = 4): the audit says so
    res = audit_suppression(vals, stat, areas["ags"], columns=["n"], known=known, protection=5)
    assert ("B", "gemeinden", "C") in {(f.attacker, f.level, f.key) for f in res.findings}


def _migration_areas():
    """Net migration = in - out; municipality X has a net migration of 1."""
    return pd.DataFrame(
        {
            "ags": ["X", "X", "Y", "Y"],
            "zuzuege": [40.0, 34.0, 50.0, 61.0],
            "fortzuege": [38.0, 35.0, 44.0, 52.0],
        },
        index=["x1", "x2", "y1", "y2"],
    ).assign(saldo=lambda d: d["zuzuege"] - d["fortzuege"])


def test_regression_net_migration_follows_from_in_and_out_unless_relations_are_used():
    """The issue's example: a suppressed net migration of 1 = in − out published beside it."""
    areas = _migration_areas()
    cols = ["zuzuege", "fortzuege", "saldo"]
    rel = (Relation("saldo", ((1, "zuzuege"), (-1, "fortzuege"))),)
    internal = _internal(areas, cols)
    assert internal["gemeinden"].at["X", "saldo"] == 1.0
    known = municipal_knowledge(internal, areas["ags"])
    for relations, leaks in (((), True), (rel, False)):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            res = suppress(areas, columns=cols, threshold=2, relations=relations)
        assert res.status["gemeinden"].at["X", "saldo"] == PRIMARY
        vals = {lv: res.frames[lv][cols] for lv in LEVELS}
        stat = {lv: res.status[lv][cols] for lv in LEVELS}
        audit = audit_suppression(
            vals, stat, areas["ags"], columns=cols, relations=rel, known=known
        )
        found = {(f.level, f.key, f.variable) for f in audit.findings}
        assert (("gemeinden", "X", "saldo") in found) is leaks, audit.summary()
        assert audit.ok is not leaks


# --------------------------------------------------------------------------- Musterland


def _views(data, policy):
    """Public tables and each municipality's package, as the attackers hold them."""
    pub = package_frames(data, "oeffentlich", policy=policy)
    kom = {a: package_frames(data, "kommunal", ags=a, policy=policy) for a in data.municipalities()}
    vals = {lv: f for lv, (f, _s) in pub.items()}
    stat = {lv: s for lv, (_f, s) in pub.items()}
    known = {a: {lv: f for lv, (f, _s) in fr.items()} for a, fr in kom.items()}
    kstat = {a: {lv: s for lv, (_f, s) in fr.items()} for a, fr in kom.items()}
    return vals, stat, known, kstat


@pytest.fixture(scope="module")
def ml_views(ml_data):
    from sozialraum.privacy import ReleasePolicy

    data, _ = ml_data
    counts = count_columns(data.areas, data.catalogue)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return {
            # the hardest case: every count released publicly (suppressed)
            "counts_public": _views(data, ReleasePolicy(allowed=tuple(counts))),
            "default": _views(data, ReleasePolicy()),
        }


@pytest.mark.parametrize("policy", ["counts_public", "default"])
def test_musterland_no_cell_recovered_by_public_or_any_municipality(ml_data, ml_views, policy):
    data, _ = ml_data
    vals, stat, known, kstat = ml_views[policy]
    counts = count_columns(data.areas, data.catalogue)
    assert len(data.catalogue.relations) == 5  # incl. the balance of the 18- to 24-year-olds
    res = audit_suppression(
        vals,
        stat,
        data.areas["ags"],
        columns=counts,
        relations=data.catalogue.relations,
        rates=data.catalogue,
        known=known,
        known_status=kstat,
    )
    assert res.attackers == (PUBLIC, *data.municipalities()) and len(res.attackers) == 11
    assert res.ok, res.summary()
    iv = res.intervals
    assert res.n_checked == len(iv) > (1000 if policy == "counts_public" else 300)
    # every municipality attacks the suppressed municipal totals of the others
    gem = iv[(iv["level"] == "gemeinden") & (iv["attacker"] != PUBLIC)]
    assert gem["attacker"].nunique() == 10
    assert ((iv["high"] - iv["low"]) >= 3).all()


def test_audit_finds_a_planted_leak(ml_data, ml_views):
    """Publishing the other cells of one sum pins a primary cell exactly: the audit sees it."""
    data, _ = ml_data
    vals, stat, _known, _kstat = ml_views["counts_public"]
    counts = count_columns(data.areas, data.catalogue)
    sa = stat["areas"]
    src = data.areas_status.astype("string")
    # a cell suppressed here (not secret at source), e.g. a count of 1 or 2
    col, area = next(
        (c, k)
        for c in counts
        for k in sa.index[sa[c].eq("geheim").fillna(False)]
        if pd.isna(src.at[k, c]) and data.areas[c].notna().all()
    )
    ags = str(data.areas.at[area, "ags"])
    vals = {lv: f.copy() for lv, f in vals.items()}
    stat = {lv: s.copy() for lv, s in stat.items()}
    others = data.areas.index[(data.areas["ags"].astype(str) == ags) & (data.areas.index != area)]
    for k in others:  # plant: the neighbours and the total, as if published
        vals["areas"].at[k, col] = data.areas.at[k, col]
        stat["areas"].at[k, col] = pd.NA
    gkey = next(g for g in vals["gemeinden"].index if str(g) == ags)
    vals["gemeinden"].at[gkey, col] = data.gemeinden.set_axis(data.gemeinden.index.astype(str)).at[
        ags, col
    ]
    stat["gemeinden"].at[gkey, col] = pd.NA
    res = audit_suppression(
        vals, stat, data.areas["ags"], columns=counts, relations=data.catalogue.relations
    )
    assert not res.ok
    hit = [f for f in res.findings if (f.level, f.key, f.variable) == ("areas", str(area), col)]
    assert len(hit) == 1
    assert hit[0].low == hit[0].high == data.areas.at[area, col]


def test_musterland_relations_hold_in_the_data(ml_data):
    data, _ = ml_data
    for frame in (data.areas, data.gemeinden, data.kreis):
        for rel in data.catalogue.relations:
            rhs = sum(c * frame[v] for c, v in rel.terms)
            ok = frame[rel.total].notna() & rhs.notna()
            assert ok.sum() > 0
            assert np.allclose(frame.loc[ok, rel.total], rhs[ok]), str(rel)


# --------------------------------------------------------------------------- catalogue


def _write_catalogue(tmp_path, relations: str):
    p = tmp_path / "katalog.toml"
    p.write_text(
        '[variables.zuzuege]\nlabel = "Zuzüge"\n[variables.fortzuege]\nlabel = "Fortzüge"\n'
        '[variables.saldo_wanderung]\nlabel = "Saldo"\n'
        '[indicators.saldo_quote]\nlabel = "Saldo"\nnumerator = "saldo_wanderung"\n'
        f"[relations]\n{relations}\n",
        encoding="utf-8",
    )
    return p


def test_catalogue_relations_read_and_validated(tmp_path):
    cat = read_catalogue(_write_catalogue(tmp_path, 'saldo_wanderung = "zuzuege - fortzuege"'))
    assert cat.relations == (Relation("saldo_wanderung", ((1, "zuzuege"), (-1, "fortzuege"))),)
    assert str(cat.relations[0]) == "saldo_wanderung = zuzuege - fortzuege"
    assert parse_relation("t", ["a", "b"]) == Relation("t", ((1, "a"), (1, "b")))
    assert parse_relation("t", "a +") is None and parse_relation("t", "a b") is None
    with pytest.raises(ConfigError) as err:
        read_catalogue(_write_catalogue(tmp_path, 'saldo_wanderung = "zuzuege - fortzuge"'))
    msg = str(err.value)
    assert "katalog.toml" in msg and "saldo_wanderung" in msg and "'fortzuege'" in msg
    with pytest.raises(ConfigError, match="did you mean 'fortzuege'"):
        read_catalogue(
            _write_catalogue(tmp_path, 'saldo_wanderung = "zuzuege - fortzuge"'), lang="en"
        )
    with pytest.raises(ConfigError, match="nicht lesbar"):
        read_catalogue(_write_catalogue(tmp_path, 'saldo_wanderung = "zuzuege -"'))
    with pytest.raises(ConfigError, match="beiden Seiten"):
        read_catalogue(_write_catalogue(tmp_path, 'saldo_wanderung = ["saldo_wanderung"]'))


def test_protection_width_validated_and_percent():
    p = Protection(width=3, percent=10)
    assert p.required(np.array([10.0, 100.0, np.nan])).tolist() == [3.0, 10.0, 3.0]
    with pytest.raises(ConfigError.__mro__[1]):
        Protection(width=-1)


def test_years_are_audited_together_and_findings_name_the_year():
    areas = _hand_areas()
    internal = _internal(areas, ["n"])
    new = suppress(areas, columns=["n"], threshold=2)
    ok_vals = {lv: new.frames[lv][["n"]] for lv in LEVELS}
    ok_stat = {lv: new.status[lv][["n"]] for lv in LEVELS}
    old = _old_heuristic_codes(areas, internal)
    bad_vals, bad_stat = _published(internal, old)
    known = {
        m: {2023: tables, 2024: tables}
        for m, tables in municipal_knowledge(internal, areas["ags"]).items()
    }
    res = audit_suppression(
        {2023: ok_vals, 2024: bad_vals},
        {2023: ok_stat, 2024: bad_stat},
        areas["ags"],
        columns=["n"],
        known=known,
    )
    assert {f.year for f in res.findings} == {2024}
    assert ("B", "gemeinden", "C", 2024) in {
        (f.attacker, f.level, f.key, f.year) for f in res.findings
    }
    assert "2024" in res.findings[0].text()
    assert set(res.intervals["year"]) == {2023, 2024}


def test_published_rates_tie_numerator_and_denominator():
    """Two areas, rates shown (1 decimal), counts only as municipal totals.

    By hand: 100·n1/d1 = 2.0, 100·n2/d2 = 9.0, n1 + n2 = 20, d1 + d2 = 300 →
    0.02·d1 + 0.09·(300 − d1) = 20 → d1 = 100, n1 = 2: the rates give n1 away.
    Rounding (±0.05) leaves n1 ∈ [1.9, 2.1] roughly, far below a width of 3.
    """
    areas = pd.DataFrame(
        {"ags": ["G", "G"], "n": [2.0, 18.0], "d": [100.0, 200.0]}, index=["g1", "g2"]
    )
    areas["q"] = 100 * areas["n"] / areas["d"]
    gem = pd.DataFrame({"n": [20.0], "d": [300.0]}, index=["G"])
    hidden = areas.assign(n=np.nan, d=np.nan)
    st = pd.DataFrame({"n": ["geheim"] * 2, "d": [pd.NA] * 2}, index=areas.index, dtype="string")
    vals = {"areas": hidden, "gemeinden": gem}
    stat = {"areas": st, "gemeinden": pd.DataFrame(index=gem.index)}
    args = dict(columns=["n", "d"], protection=3)
    assert audit_suppression(vals, stat, areas["ags"], **args).ok  # without the rates
    rates = {"q": ("n", "d", 100)}
    res = audit_suppression(vals, stat, areas["ags"], rates=rates, rate_decimals=1, **args)
    hit = {(f.key, f.variable): (f.low, f.high) for f in res.findings}
    assert hit[("g1", "n")] == (2.0, 2.0)  # inward to integers: exactly 2
    assert not res.ok
    # read as whole numbers (2, 9: ±0.5) the rates still pin n1 to [2, 3]
    res = audit_suppression(vals, stat, areas["ags"], rates=rates, **args)
    assert {(f.key, f.variable): (f.low, f.high) for f in res.findings}[("g1", "n")] == (2.0, 3.0)


def test_pattern_is_deterministic_and_independent_of_column_order():
    from sozialraum.privacy import suppression

    areas = _migration_areas()
    rel = (Relation("saldo", ((1, "zuzuege"), (-1, "fortzuege"))),)
    runs = []
    for cols in (["zuzuege", "fortzuege", "saldo"], ["saldo", "fortzuege", "zuzuege"]):
        suppression._PATTERN_CACHE.clear()
        res = suppress(areas, columns=cols, threshold=2, relations=rel)
        runs.append({lv: res.status[lv][sorted(cols)].fillna("") for lv in LEVELS})
    for lv in LEVELS:
        pd.testing.assert_frame_equal(runs[0][lv], runs[1][lv])
    assert (runs[0]["gemeinden"] != "").to_numpy().sum() >= 2
