"""Suppression patterns computed ahead by a forked copy are the patterns computed here.

The yearly run lets a copy make the earlier years' releases while it computes its
other steps and keeps the secondary-suppression patterns the copy sends back
(:func:`~sozialraum.privacy.suppression.patterns_ahead`). A release made with them
must equal one made without, and must not solve the linear programs again.
"""

from __future__ import annotations

import pandas as pd
import pytest

from sozialraum.core.processes import can_fork
from sozialraum.privacy import ReleasePolicy, make_release
from sozialraum.privacy import suppression as sup

needs_fork = pytest.mark.skipif(not can_fork(), reason="this system cannot fork")


def _frames_equal(a, b) -> None:
    fa, fb = a.frames, b.frames
    assert fa.keys() == fb.keys()
    for k in fa:
        pd.testing.assert_frame_equal(fa[k][0], fb[k][0])
        if fa[k][1] is not None:
            pd.testing.assert_frame_equal(fa[k][1], fb[k][1])


@needs_fork
def test_patterns_from_the_copy_give_the_same_release_without_solving_again(ml_data, monkeypatch):
    data, _ = ml_data
    policy = ReleasePolicy()
    sup._PATTERN_CACHE.clear()
    ahead = sup.patterns_ahead(lambda: make_release(data, "oeffentlich", None, policy=policy))
    got = ahead.take()
    assert ahead.error is None and len(got) >= 1 and ahead.seconds > 0
    assert not ahead._proc.is_alive()

    sup._PATTERN_CACHE.clear()
    here = make_release(data, "oeffentlich", None, policy=policy)  # solved in this process
    assert set(sup._PATTERN_CACHE) == set(got)  # the same keys: the same data and rules
    for key, pattern in got.items():
        mine = sup._PATTERN_CACHE[key]
        assert mine.status.keys() == pattern.status.keys()
        assert (mine.unprotected, mine.attackers) == (pattern.unprotected, pattern.attackers)
        for name in mine.status:
            pd.testing.assert_frame_equal(mine.status[name], pattern.status[name])

    sup._PATTERN_CACHE.clear()
    assert sup.add_patterns(got) == len(got) and sup.add_patterns(got) == 0

    def no_lp(*a, **kw):
        raise AssertionError("the linear programs are solved again")

    monkeypatch.setattr(sup, "_secondary_lp", no_lp)
    for level, ags in (("oeffentlich", None), ("kommunal", "07999001")):
        with_ahead = make_release(data, level, ags, policy=policy)
        monkeypatch.undo()
        sup._PATTERN_CACHE.clear()
        plain = make_release(data, level, ags, policy=policy)
        _frames_equal(with_ahead, plain)
        sup._PATTERN_CACHE.clear()
        sup.add_patterns(got)
        monkeypatch.setattr(sup, "_secondary_lp", no_lp)
    assert here is not None


@needs_fork
def test_other_data_do_not_take_a_pattern_of_the_copy(ml_data):
    data, _ = ml_data
    policy = ReleasePolicy()
    sup._PATTERN_CACHE.clear()
    ahead = sup.patterns_ahead(lambda: make_release(data, "oeffentlich", None, policy=policy))
    got = ahead.take()
    sup._PATTERN_CACHE.clear()
    sup.add_patterns(got)
    stricter = ReleasePolicy(threshold=policy.threshold + 2)
    make_release(data, "oeffentlich", None, policy=stricter)
    assert len(sup._PATTERN_CACHE) == len(got) + 1  # its own pattern, not the copy's


def test_an_error_in_the_copy_leaves_the_run_to_do_the_work():
    if not can_fork():
        assert sup.patterns_ahead(lambda: None) is None
        return

    def broken():
        raise KeyError("ew_ges")

    ahead = sup.patterns_ahead(broken)
    assert ahead.take() == {} and "KeyError" in ahead.error


def test_the_key_of_a_pattern_is_its_data_and_rules():
    """Equal content gives the same key (in any copy of the frames); one changed value,
    status, key or column gives another."""
    import numpy as np

    idx = pd.Index(["a1", "a2", "a3"])
    fr = pd.DataFrame({"ew": [10.0, 3.0, np.nan], "sgb2": [1.0, 2.0, 4.0]}, index=idx)
    st = pd.DataFrame({"ew": [None, None, "geheim"], "sgb2": [None, None, None]}, index=idx)

    def key(f, s, cols=("ew", "sgb2")):
        return sup._cache_key({"areas": (f, s)}, list(cols), 3, True, None, (), None)

    assert key(fr, st) == key(fr.copy(), st.astype("string"))
    other_value = fr.copy()
    other_value.loc["a2", "sgb2"] = 2.5
    other_status = st.copy()
    other_status.loc["a1", "sgb2"] = "geheim"
    other_keys = fr.rename(index={"a3": "a4"})
    assert len({key(fr, st), key(other_value, st), key(fr, other_status)}) == 3
    assert key(other_keys, st.rename(index={"a3": "a4"})) != key(fr, st)
    assert key(fr, st, cols=("ew",)) != key(fr, st)
    # the digest of the texts separates cells: "ab" + "" is not "a" + "b"
    s1 = pd.DataFrame({"ew": ["ab", None, None], "sgb2": [None, None, None]}, index=idx)
    s2 = pd.DataFrame({"ew": ["a", "b", None], "sgb2": [None, None, None]}, index=idx)
    assert key(fr, s1) != key(fr, s2)
