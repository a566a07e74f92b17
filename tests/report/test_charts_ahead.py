"""Charts drawn ahead by a forked copy: the same images, taken by key, the copy always ends.

The yearly run lets a copy draw the internal profiles' charts while it computes
its last steps (:mod:`sozialraum.report.ahead`). A chart drawn ahead must be the
chart the run would draw itself; a chart whose data change after the copy was
made must not be taken; the copy must stop when told and never outlive the run.
"""

from __future__ import annotations

import time

import pytest

from sozialraum.core.processes import can_fork
from sozialraum.report import charts
from sozialraum.report.ahead import draw_ahead
from sozialraum.report.steckbrief import profile_chart_jobs

needs_fork = pytest.mark.skipif(not can_fork(), reason="this system cannot fork")


@pytest.fixture(scope="module")
def data(musterland_results, make_data):
    return make_data(musterland_results)


@needs_fork
def test_profile_charts_drawn_ahead_are_the_charts_drawn_here(data):
    ahead = draw_ahead(lambda: profile_chart_jobs(data, lang="de"))
    assert ahead is not None
    deadline = time.monotonic() + 60
    while len(ahead.images) < 12 and time.monotonic() < deadline:
        time.sleep(0.1)
    jobs = dict(profile_chart_jobs(data, lang="de"))  # listed as the profiles list them
    with charts.shared_charts() as cache:
        taken = ahead.take()
        assert ahead.error is None and ahead.seconds > 0
        assert taken == len(ahead.images) >= 12
        assert set(ahead.images) <= set(jobs)  # every chart under a key the profiles ask for
        kinds = {key[0][0] for key in ahead.images}
        assert kinds & {"karte", "profil", "trends", "pyramide", "demografie"}
        for key in list(ahead.images)[:12]:
            fig = jobs[key]()
            here = charts.to_data_uri(fig, key[1]) if fig is not None else None
            assert cache.images[key] == here  # byte for byte
    assert not ahead._proc.is_alive()


@needs_fork
def test_a_chart_of_data_changed_after_the_copy_is_not_taken(data):
    import dataclasses

    # the run's data differ from the copy's in one value of one area
    changed = dataclasses.replace(data, areas=data.areas.copy())
    col = next(c for c in changed.areas.columns if c.startswith("idx_"))
    changed.areas.iloc[0, changed.areas.columns.get_loc(col)] += 1.0
    old = dict(profile_chart_jobs(data, lang="de"))
    new = dict(profile_chart_jobs(changed, lang="de"))
    stale = [k for k in old if k not in new]
    assert stale  # the changed area's dimension profile
    ahead = draw_ahead(lambda: [(k, old[k]) for k in stale])
    deadline = time.monotonic() + 60
    while len(ahead.images) < len(stale) and time.monotonic() < deadline:
        time.sleep(0.1)
    with charts.shared_charts() as cache:
        assert ahead.take() == len(stale)  # drawn from the copy's (old) data
        still = dict(profile_chart_jobs(changed, lang="de"))
        assert set(still) == set(new) - set(stale)  # none taken: the run draws them itself
        assert all(k in cache.images for k in stale)


@needs_fork
def test_the_copy_stops_when_told_and_an_error_in_it_is_only_noted():
    slow = [((("test", i), "png"), lambda: time.sleep(0.2)) for i in range(500)]
    ahead = draw_ahead(lambda: slow)
    time.sleep(0.5)
    t0 = time.monotonic()
    with charts.shared_charts():
        ahead.take()
    assert time.monotonic() - t0 < 3  # after its current chart, not after 100 s
    assert 0 < len(ahead.images) < 500
    assert not ahead._proc.is_alive()

    def broken():
        raise KeyError("idx_gesamt")

    failing = draw_ahead(broken)
    with charts.shared_charts():
        assert failing.take() == 0
    assert "KeyError" in failing.error


@needs_fork
def test_close_ends_a_copy_the_run_no_longer_reads():
    endless = [((("test", i), "png"), lambda: time.sleep(0.05)) for i in range(10_000)]
    ahead = draw_ahead(lambda: endless)
    time.sleep(0.3)
    ahead.close()
    assert not ahead._proc.is_alive()


def test_nothing_is_forked_where_the_system_cannot(monkeypatch):
    from sozialraum.core import ahead as core_ahead
    from sozialraum.report import ahead as mod

    monkeypatch.setattr(core_ahead, "can_fork", lambda: False)
    assert mod.draw_ahead(lambda: []) is None
