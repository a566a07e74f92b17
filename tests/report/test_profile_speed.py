"""Profiles at speed: level-wide work once per level, charts cheap to draw.

Regression tests for the quadratic profile step (every Steckbrief recomputed the
multi-year table of its whole level, and every chart of a section was drawn one
after another while the profile was built).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sozialraum.report import charts, write_steckbriefe
from sozialraum.report.kapitel import trends
from sozialraum.report.memo import level_memo, memoized

from .conftest import make_report_data


def _with_trends(m):
    data = make_report_data(m)
    inds = data.indicator_ids[:2]
    years = [data.year - 2, data.year - 1, data.year]
    planning = {
        "trends": {
            "years": years,
            "areas": {y: data.areas[inds] * (1 + 0.1 * i) for i, y in enumerate(years)},
            "areas_status": {},
            "gemeinden": {y: data.gemeinden[inds] for y in years},
            "gemeinden_status": {},
            "kreis": {y: data.kreis[inds] for y in years},
            "kreis_status": {},
        }
    }
    return make_report_data(m, planning=planning), inds, years


def _year_value_calls(data, n_areas, tmp_path, monkeypatch) -> int:
    calls = []
    real = trends._year_values

    def counting(*args, **kw):
        calls.append(args[2:])
        return real(*args, **kw)

    monkeypatch.setattr(trends, "_year_values", counting)
    keys = [str(k) for k in data.areas.index[:n_areas]]
    settings = {"pyramide": False, "kapitel": ["trends"]}
    write_steckbriefe(
        data, tmp_path / str(n_areas), areas=keys, pdf=False, combined=False, settings=settings
    )
    return len(calls)


def test_profiles_read_the_level_wide_series_once_per_level(
    musterland_results, tmp_path, monkeypatch
):
    """Regression: each profile rebuilt the multi-year table of its whole level (quadratic)."""
    data, _inds, years = _with_trends(musterland_results)
    few = _year_value_calls(data, 2, tmp_path, monkeypatch)
    many = _year_value_calls(data, 8, tmp_path, monkeypatch)
    # once per (level kind, indicator, year): areas, municipalities and the district
    assert few == many
    assert many <= 3 * trends.PROFILE_INDICATORS * len(years)


def test_memo_is_per_owner_and_only_inside_the_block():
    made = []

    def make():
        made.append(1)
        return len(made)

    a, b = object(), object()
    assert memoized(a, "k", make) == 1 and memoized(a, "k", make) == 2  # no block: computed
    with level_memo():
        assert memoized(a, "k", make) == 3
        assert memoized(a, "k", make) == 3  # once in the block
        assert memoized(b, "k", make) == 4  # another owner, its own result
        with level_memo():  # nested: the same cache
            assert memoized(a, "k", make) == 3
    assert memoized(a, "k", make) == 5


def test_pyramid_bars_are_the_age_profile(population):
    """The pyramid draws one outline per sex whose steps are the shares per year of age."""
    from matplotlib.patches import StepPatch

    year = int(population["year"].max())
    key = str(population["key"].iloc[0])
    fig = charts.pyramid(population, key, year)
    ax = fig.axes[0]
    steps = [p for p in ax.patches if isinstance(p, StepPatch)]
    assert len(steps) == 2 and len(ax.patches) == 2  # no rectangle per year of age
    sub = population[population["year"] == year]
    sub = sub[sub["key"].astype(str) == key]
    men = sub[sub["geschlecht"] != "w"].groupby("alter")["anzahl"].sum()
    women = sub[sub["geschlecht"] == "w"].groupby("alter")["anzahl"].sum()
    total = men.sum() + women.sum()
    got_m = steps[0].get_data().values
    got_w = steps[1].get_data().values
    np.testing.assert_allclose(-got_m, men.reindex(range(len(got_m)), fill_value=0) / total * 100)
    np.testing.assert_allclose(got_w, women.reindex(range(len(got_w)), fill_value=0) / total * 100)
    assert np.isclose(got_w.sum() - got_m.sum(), 100.0)  # shares of the whole population


def test_reused_line_figure_draws_the_same_png_as_a_new_one():
    """The small multiples reuse their axes; a chart must not depend on the one drawn before."""
    years = [2022, 2023, 2024]

    def panels(scale):
        return [
            (f"i{j}", pd.Series([1.0, 2.5, 2.0], index=years) * scale**j, None) for j in range(4)
        ]

    labels = [f"Indikator {j}" for j in range(4)]
    trends._LINE_FIGURES.clear()
    first = charts.to_data_uri(trends._draw_lines(panels(1.0), labels))
    other = charts.to_data_uri(trends._draw_lines(panels(40.0), labels))  # wider tick labels
    again = charts.to_data_uri(trends._draw_lines(panels(1.0), labels))
    assert first == again and other != first
    fig = trends._draw_lines(panels(40.0), labels)
    ax = fig.axes[3]
    assert len(ax.lines) == 1  # the previous chart's lines are gone
    np.testing.assert_allclose(ax.lines[0].get_ydata(), [40.0**3, 2.5 * 40.0**3, 2 * 40.0**3])
    assert ax.get_ylim()[1] >= 2.5 * 40.0**3  # limits from the new data


def test_profile_sections_are_built_once_per_profile(musterland_results, tmp_path, monkeypatch):
    """Regression: every profile's sections were built twice (to list the charts, then to render)."""
    from sozialraum.report import kapitel

    data, _inds, _years = _with_trends(musterland_results)
    calls = []
    real = trends.trends_section

    def counting(data, unit, key, settings, lang):
        calls.append((unit, key))
        return real(data, unit, key, settings, lang)

    sections = tuple((k, counting if k == "trends" else b) for k, b in kapitel.PROFILE_SECTIONS)
    monkeypatch.setattr(kapitel, "PROFILE_SECTIONS", sections)
    keys = [str(k) for k in data.areas.index[:4]]
    settings = {"pyramide": False, "kapitel": ["trends"]}
    files = write_steckbriefe(
        data, tmp_path, areas=keys, pdf=False, combined=False, settings=settings
    )
    assert len(calls) == len(set(calls)) == len(files)  # once per profile
    assert {k for u, k in calls if u == "sozialraum"} == set(keys)


def test_sections_listed_ahead_get_the_images_of_sections_built_directly(musterland_results):
    """The sections built while the charts are listed carry, once drawn, the same images."""
    from sozialraum.report import kapitel
    from sozialraum.report.steckbrief import _draw_charts_ahead

    data, _inds, _years = _with_trends(musterland_results)
    keys = [str(k) for k in data.areas.index[:3]]
    gkeys = [str(g) for g in data.gemeinden.index[:2]]
    settings = {"kapitel": ["trends"]}
    with charts.shared_charts(), level_memo():
        listed = _draw_charts_ahead(data, keys, gkeys, settings, "de")
        got = {
            uk: kapitel.finish_profile_sections(secs, data, *uk, settings, "de")
            for uk, secs in listed.items()
        }
    with charts.shared_charts(), level_memo():  # a fresh cache: every chart drawn again
        want = {uk: kapitel.profile_sections(data, *uk, settings, "de") for uk in listed}
    assert got == want
    figs = [f for secs in got.values() for s in secs for f in s.figures]
    assert figs and all(f.uri.startswith("data:image/png;base64,") for f in figs)


def _fresh_lines(panels, labels):
    """The small multiples on a new figure laid out by ``fig.tight_layout()`` (the reference)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    n = len(panels)
    ncol = min(3, n)
    nrow = int(np.ceil(n / ncol))
    fig = Figure(figsize=(2.3 * ncol, 1.6 * nrow))
    FigureCanvasAgg(fig)
    axes = fig.subplots(nrow, ncol, squeeze=False)
    for ax in axes.ravel()[n:]:
        ax.set_visible(False)
    for ax, title, (_lab, own, dist) in zip(axes.ravel(), labels, panels, strict=False):
        ax.set_title(title, fontsize=7, y=1.0)
        ax.ticklabel_format(axis="y", useOffset=False)
        ax.tick_params(labelsize=6)
        for s in ("top", "right"):
            ax.spines[s].set_visible(False)
        ax.plot(own.index, own.to_numpy(), marker="o", ms=3, color="#1f4e79", lw=1.4)
        if dist is not None:
            ax.plot(dist.index, dist.to_numpy(), ls="--", color="#888888", lw=1)
        ax.set_xticks(list(own.index))
    fig.tight_layout()
    return fig


def test_line_chart_layout_measured_on_the_y_axes_equals_tight_layout():
    """The layout measures only the y axes per chart and keeps the rest: the PNG must be the
    one ``fig.tight_layout()`` gives a new figure, for every shape, scale and year range."""
    rng = np.random.default_rng(20)
    trends._LINE_FIGURES.clear()
    charts._BOXES.clear()
    widths = set()
    for _ in range(24):
        years = [2020, 2021, 2022, 2023, 2024][: int(rng.integers(2, 6))]
        n = int(rng.integers(1, 7))
        panels = []
        for j in range(n):
            scale = 10.0 ** int(rng.integers(-2, 6))  # tick labels of 1 to 7 characters
            own = pd.Series(scale * rng.uniform(0, 1, len(years)), index=years)
            if len(years) > 2 and rng.random() < 0.3:
                own.iloc[1] = np.nan
            dist = (
                None
                if rng.random() < 0.3
                else pd.Series(scale * rng.uniform(0, 1, len(years)), index=years)
            )
            panels.append((f"i{j}", own, dist))
        labels = [f"Indikator {j}" for j in range(n)]
        ours = trends._draw_lines(panels, labels)
        widths.add(round(ours.subplotpars.left, 4))
        assert charts.to_data_uri(ours) == charts.to_data_uri(_fresh_lines(panels, labels))
    assert len(widths) > 3  # the layout did follow the tick labels
