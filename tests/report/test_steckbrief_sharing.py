"""Profiles at speed: statistics once per level, charts once per area, each level its own values.

A chart is shared between release levels only when the values it is drawn from are
identical; the rows of every profile are the same whether the per-indicator
statistics are computed once for the level or again for each profile.
"""

from __future__ import annotations

import dataclasses

import pytest

from sozialraum.report import charts
from sozialraum.report.steckbrief import area_context, gemeinde_context, indicator_rows

KEYS = ["07999001001", "07999002001", "07999005003"]


@pytest.fixture(scope="module")
def data(musterland_results, make_data):
    return make_data(musterland_results)


def test_rows_with_level_statistics_equal_rows_computed_per_profile(data):
    stats: dict = {}
    for key in KEYS:
        fresh = indicator_rows(data, key, lang="de")
        shared = indicator_rows(data, key, lang="de", stats=stats)
        assert shared == fresh
    gkey = str(data.gemeinden.index[0])
    assert indicator_rows(data, gkey, unit_level="gemeinden", stats=stats) == indicator_rows(
        data, gkey, unit_level="gemeinden"
    )
    assert any(k[0] == "gemeinden" for k in stats) and any(k[0] == "areas" for k in stats)


def test_level_statistics_follow_the_level_secret_values_are_not_ranked(
    data, make_data, musterland_results
):
    """A municipal level hides secret cells: its ranks must not be the internal ones."""
    status = data.status.copy()
    key = KEYS[0]
    status.loc[key, "sgb2_quote"] = "geheim"
    kom = make_data(musterland_results, status=status)
    kom.level = "kommunal"  # the level's view of the same values (as a release gives it)
    stats: dict = {}
    rows = {r["id"]: r for r in indicator_rows(kom, KEYS[1], stats=stats)}
    intern = {r["id"]: r for r in indicator_rows(data, KEYS[1])}
    n_int = int(intern["sgb2_quote"]["rank"].split(" / ")[1])
    assert rows["sgb2_quote"]["rank"].endswith(f" / {n_int - 1}")  # one value fewer to rank


def _index_columns(data) -> list[str]:
    dims = (data.monitor_params.get("index") or {}).get("dimensions") or {}
    return [f"idx_{d}" for d in dims if f"idx_{d}" in data.areas.columns]


def test_charts_are_shared_only_when_the_plotted_values_are_identical(data):
    key = KEYS[0]
    cols = _index_columns(data)
    assert cols and data.areas.loc[key, cols].notna().all()
    rounded = data.areas.copy()
    for c in cols:
        rounded[c] = rounded[c].round(1)  # what a municipal release shows
    kom = dataclasses.replace(data, areas=rounded)
    withheld = rounded.copy()
    withheld.loc[key, cols[0]] = float("nan")  # a release that withholds one index
    kom_withheld = dataclasses.replace(data, areas=withheld)
    moved = data.areas.copy()
    moved["geometry"] = moved.geometry.translate(500, 0)
    other_geom = dataclasses.replace(data, areas=moved)
    alone = area_context(data, key)["images"]  # without sharing: drawn directly
    with charts.shared_charts() as cache:
        a = area_context(data, key)["images"]
        b = area_context(kom, key)["images"]
        c = area_context(other_geom, key)["images"]
        d = area_context(kom_withheld, key)["images"]
        again = area_context(data, key)["images"]
    assert a == alone == again  # sharing changes nothing in the images
    assert b["karte"] == a["karte"]  # same geometry: one location map for both levels
    assert c["karte"] != a["karte"]  # other geometry: its own map
    assert d["karte"] == a["karte"]
    assert cache.hits >= 5
    # the profile plots indices as the release shows them (policy.index_decimals): the
    # internal and the municipal profile of the same values are one drawing ...
    assert b["profil"] == a["profil"]
    # ... and a level that shows other values (here: one index withheld) gets its own
    assert d["profil"] != a["profil"]


def test_profile_chart_plots_indices_at_the_policy_decimals(data, monkeypatch):
    """Regression: the internal profile plotted full-precision indices, so the municipal
    profile (indices rounded by the release) was drawn a second time for the same area."""
    from sozialraum.report import steckbrief

    key = KEYS[1]
    cols = _index_columns(data)
    plotted: list[dict] = []
    real = charts.profile_chart

    def recording(values, **kw):
        plotted.append(dict(values))
        return real(values, **kw)

    monkeypatch.setattr(charts, "profile_chart", recording)
    two = dataclasses.replace(data, planning={**data.planning, "freigabe": {"index_decimals": 2}})
    assert data.index_decimals == 1 and two.index_decimals == 2  # default policy, run's policy
    for d in (data, two):
        steckbrief._area_images(d, key, True, {"pyramide": False}, "de")
    one_dec, two_dec = plotted
    want1 = data.areas.loc[key, cols].astype(float).round(1).tolist()
    want2 = data.areas.loc[key, cols].astype(float).round(2).tolist()
    assert list(one_dec.values()) == want1
    assert list(two_dec.values()) == want2
    assert want1 != want2  # the test can see the difference


def test_municipality_profile_shares_its_location_map(data):
    gkey = str(data.gemeinden.index[0])
    with charts.shared_charts() as cache:
        first = gemeinde_context(data, gkey)["images"]["karte"]
        hits = cache.hits
        second = gemeinde_context(data, gkey)["images"]["karte"]
    assert first == second and cache.hits == hits + 1


def test_frame_digest_sees_every_value_and_the_crs(data):
    a = data.areas[["geometry", "ags"]].copy() if "ags" in data.areas else data.areas.copy()
    d0 = charts.frame_digest(a, ["geometry"])
    b = a.copy()
    b.loc[b.index[0], "geometry"] = b.geometry.iloc[1]
    assert charts.frame_digest(b, ["geometry"]) != d0
    assert charts.frame_digest(a.to_crs(4326), ["geometry"]) != d0
    assert charts.frame_digest(a.copy(), ["geometry"]) == d0


def test_charts_drawn_ahead_on_several_processes_equal_the_ones_drawn_one_by_one(data):
    from sozialraum.report import steckbrief

    keys = [str(k) for k in data.areas.index[:6]]
    serial = {k: area_context(data, k)["images"] for k in keys}  # drawn one by one, no cache
    with charts.shared_charts() as cache:
        with charts.collecting() as jobs:
            for k in keys:
                steckbrief._area_images(data, k, steckbrief._rated(data.areas, k), {}, "de")
        drawn = charts.draw_many(jobs, workers=2)
        hits = cache.hits
        ahead = {k: area_context(data, k)["images"] for k in keys}
    assert drawn == len(jobs) >= 8  # maps and profiles of six areas, on two processes
    assert ahead == serial
    assert cache.hits - hits == len(jobs)  # nothing drawn twice


def test_drawing_workers_do_not_run_the_parents_signal_handlers(tmp_path):
    """Regression: a forked worker ran the run's SIGTERM clean-up and removed its output folder."""
    import signal

    marker = tmp_path / "handler-ran-in-worker"

    def probe():
        if signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL:
            marker.write_text("x")
        return None

    old = signal.signal(signal.SIGTERM, lambda *_a: marker.write_text("y"))
    try:
        with charts.shared_charts():
            jobs = [((("probe", i), "png"), probe) for i in range(8)]
            assert charts.draw_many(jobs, workers=2) == 8
    finally:
        signal.signal(signal.SIGTERM, old)
    assert not marker.exists()
