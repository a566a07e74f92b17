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
