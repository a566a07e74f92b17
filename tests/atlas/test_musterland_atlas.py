"""Musterland's atlas (three years, a boundary change, one measure) on both backends.

Reference: the monitor computed from the files exactly as the pipeline reads them
(read_table + join_tables via ``load_musterland``) — the atlas must hand
``run_monitor`` the same inputs and so give the same result.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sozialraum.atlas import Atlas, build_musterland_atlas
from sozialraum.monitor import run_monitor
from sozialraum.pipeline.demo import load_musterland


@pytest.fixture(scope="module")
def from_files(root):
    data = load_musterland(root)
    counts, status = {}, {}
    for y, res in data["years"].items():
        cols = [c for c in res.frame.columns if c not in data["areas"].columns]
        counts[y] = pd.DataFrame(res.frame[cols])
        status[y] = res.status[cols]
    return data, counts, status


@pytest.fixture(scope="module")
def muster(root, module_target):
    target = build_musterland_atlas(root, module_target)
    a = Atlas.open(target)
    yield a
    a.close()


def test_contents(muster):
    a = muster
    b = a.batches()
    assert len(b) == 9 and (b["status"] == "aktiv").all()  # 3 tables × 3 years
    assert a.years() == [2022, 2023, 2024]
    v = a.versions()
    assert v.loc["sr2022", "valid_to"] == "2024-12-31" and v.loc["sr2025", "n_areas"] == 80
    # a year before the boundary change gives the old areas
    old = a.values(2023).frame.index
    assert "07999001012" in old and "07999001023" not in old and len(old) == 80
    new = a.areas(year=2025).index
    assert {"07999001023", "07999001024", "07999010007"} <= set(new) and "07999001012" not in new
    cw = a.crosswalk("sr2022", "sr2025")
    np.testing.assert_allclose(cw.groupby("alt")["anteil"].sum().to_numpy(), 1.0, atol=1e-9)
    split = cw[cw["alt"] == "07999001012"]
    assert len(split) == 2 and split["anteil_neu"].to_numpy() == pytest.approx([1.0, 1.0])
    eff = a.measure_effect("QM-2023-01")
    assert list(eff.frame.index) == ["sgb2_quote", "kinderarmut"]
    assert (eff.frame["hinweis"] == "beschreibend, nicht kausal").all()
    assert (eff.frame["vorher"] == 2022).all() and (eff.frame["nachher"] == 2024).all()
    r = a.rollup_regions("jugendhilfe", 2024)
    assert r.frame["n_gebiete"].sum() == 80
    assert r.frame["ew_ges"].sum() == a.values(2024).frame["ew_ges"].sum()
    assert len(a.facilities(2024)) == 103


def test_monitor_from_atlas_equals_monitor_from_files(muster, from_files):
    data, counts, status = from_files
    inp = muster.monitor_inputs([2023, 2024])
    assert inp.version == "sr2022"
    for y in (2023, 2024):
        assert set(inp.counts[y].columns) == set(counts[y].columns)
        pd.testing.assert_frame_equal(
            inp.counts[y],
            counts[y][inp.counts[y].columns],
            check_names=False,
            check_column_type=False,
        )
        pd.testing.assert_frame_equal(
            inp.status[y],
            status[y][inp.status[y].columns],
            check_names=False,
            check_column_type=False,
        )
    pd.testing.assert_frame_equal(inp.catalogue.indicators, data["catalogue"].indicators)
    kw = dict(min_denominator=300, seed=20241231)
    ours = run_monitor(inp.counts, inp.catalogue, status=inp.status, **kw)
    ref = run_monitor(
        {y: counts[y] for y in (2023, 2024)},
        data["catalogue"],
        status={y: status[y] for y in (2023, 2024)},
        **kw,
    )
    pd.testing.assert_frame_equal(ours.frame, ref.frame, check_names=False)
    pd.testing.assert_frame_equal(ours.z, ref.z, check_names=False)
    # the stored run holds the same frame (numbers exactly, text as text)
    stored = muster.results("musterland-2024", "monitor")
    assert list(stored.index) == list(ref.frame.index)
    num = [c for c in ref.frame.columns if pd.api.types.is_float_dtype(ref.frame[c])]
    assert num and np.array_equal(
        stored[num].to_numpy(dtype=float), ref.frame[num].to_numpy(dtype=float), equal_nan=True
    )
    single = muster.monitor_inputs(2024)
    assert isinstance(single.counts, pd.DataFrame) and len(single.counts) == 80


def test_reading_block_reads_each_year_once_and_gives_the_same(muster, monkeypatch):
    a = muster
    plain_eff = a.measure_effect("QM-2023-01")
    plain = a.values(2023, variables=["ew_ges"]).frame
    calls = []
    table = type(a).table

    def counted(self, *args, **kw):
        calls.append(kw.get("years"))
        return table(self, *args, **kw)

    monkeypatch.setattr(type(a), "table", counted)
    with a.reading():
        with a.reading():  # nested: the same memo
            first = a.values(2023, variables=["ew_ges"])
        again = a.values(2023, variables=["ew_ges"])
        eff = a.measure_effect("QM-2023-01")
        n_in_block = len(calls)
        eff_again = a.measure_effect("QM-2023-01")
        assert len(calls) == n_in_block  # the second effect view reads nothing
    assert again is first and calls.count([2023]) == 1
    pd.testing.assert_frame_equal(first.frame, plain)
    pd.testing.assert_frame_equal(eff.frame, plain_eff.frame)
    pd.testing.assert_frame_equal(eff_again.frame, eff.frame)
    # after the block every query reads again
    a.values(2023, variables=["ew_ges"])
    assert len(calls) == n_in_block + 1 and "reading" not in a._cache
