"""Charts at speed: kept figures and paths made once must not change what a chart shows.

Location maps, dimension profiles and pyramids are drawn again on a figure kept per
process; a chart must be byte for byte the chart a new figure gives, whatever was
drawn before it.
"""

from __future__ import annotations

import numpy as np
import pytest
from matplotlib.figure import Figure

from sozialraum.report import charts

AREA_A, AREA_B = "07999001001", "07999005003"


@pytest.fixture(scope="module")
def data(musterland_results, make_data):
    return make_data(musterland_results)


def _fresh() -> None:
    """Forget everything kept between charts (a new process)."""
    for kept in (
        charts._MAP_FIGURES,
        charts._LAYERS,
        charts._MARGINS,
        charts._BOXES,
        charts._PROFILE_FIGURES,
        charts._PYRAMID_FIGURE,
        charts._ROWS,
    ):
        kept.clear()


def _map(data, key) -> str:
    fig = charts.location_map(
        data.areas,
        key,
        gemeinde_col=data.gemeinde_col,
        gemeinden=data.gemeinden,
        territory=data.territory,
        gemeinde_name_col=data.gemeinde_name_col,
    )
    return charts.to_data_uri(fig)


def test_location_map_does_not_depend_on_the_map_before(data):
    gkey = str(data.gemeinden.index[3])
    _fresh()
    first = _map(data, AREA_A)
    _map(data, AREA_B)
    _map(data, gkey)  # a municipality: other legend, other window
    assert _map(data, AREA_A) == first


def test_location_map_draws_the_areas_in_its_window(data):
    """The paths come from the search tree; the reference is geopandas' ``.cx`` window."""
    _fresh()
    fig = charts.location_map(data.areas, AREA_B, gemeinde_col=data.gemeinde_col)
    ax = fig.axes[0]
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    window = data.areas.cx[x0:x1, y0:y1]
    neighbours, same, target = ax.collections
    assert len(neighbours.get_paths()) == len(window)
    gkey = str(data.areas.at[AREA_B, data.gemeinde_col])
    assert len(same.get_paths()) == int((window[data.gemeinde_col].astype(str) == gkey).sum())
    assert len(target.get_paths()) == 1
    np.testing.assert_allclose(
        target.get_paths()[0].get_extents().bounds[:2],
        data.areas.loc[[AREA_B]].total_bounds[:2],
    )


def test_profile_chart_does_not_depend_on_the_profile_before():
    a = {"Soziale Lage": 0.4, "Bildung": -0.2, "Familie": np.nan}
    b = {"Soziale Lage": 2.6, "Bildung": -3.1, "Familie": 0.1}  # other ticks, no "nicht bewertet"
    _fresh()
    first = charts.to_data_uri(charts.profile_chart(a))
    charts.to_data_uri(charts.profile_chart(b))
    again = charts.to_data_uri(charts.profile_chart(a))
    assert again == first
    fig = charts.profile_chart(b)
    ax = fig.axes[0]
    assert len(ax.patches) == 3 and not ax.texts  # the bars and note of ``a`` are gone


def test_pyramid_does_not_depend_on_the_pyramid_before(population):
    year = int(population["year"].max())
    keys = list(dict.fromkeys(population["key"].astype(str)))
    _fresh()
    first = charts.to_data_uri(charts.pyramid(population, keys[0], year))
    charts.to_data_uri(charts.pyramid(population, keys[1:4], year))
    assert charts.pyramid(population, "no-such-area", year) is None
    assert charts.to_data_uri(charts.pyramid(population, keys[0], year)) == first


def test_population_rows_are_the_rows_of_the_areas_in_frame_order(population):
    keys = list(dict.fromkeys(population["key"].astype(str)))
    _fresh()
    for want in (keys[2], [keys[5], keys[1]], ["no-such-area"]):
        wanted = [want] if isinstance(want, str) else want
        expected = population[population["key"].astype(str).isin(wanted)]
        got = charts._population_rows(population, want)
        assert got.index.tolist() == expected.index.tolist()


def test_saving_a_chart_draws_it_once(monkeypatch):
    """``tight_layout`` left an engine on the figure, and ``savefig`` drew everything twice."""
    draws = []
    original = Figure.draw

    def counting(self, renderer):
        draws.append(1)
        return original(self, renderer)

    monkeypatch.setattr(Figure, "draw", counting)
    _fresh()
    fig = Figure(figsize=(3, 2))
    fig.add_subplot().plot([0, 1], [1, 0])
    fig.tight_layout()
    charts.to_data_uri(fig)
    assert len(draws) == 1


def test_polygon_paths_are_those_geopandas_draws():
    """The reference is geopandas' own patch of a polygon with a hole and of a multipolygon."""
    import shapely
    from geopandas.plotting import _PolygonPatch

    holed = shapely.box(0, 0, 10, 10).difference(shapely.box(2, 2, 4, 4))
    multi = shapely.normalize(shapely.MultiPolygon([holed, shapely.box(20, 0, 30, 5)]))
    for geom in (holed, multi):
        ours, theirs = charts._polygon_path(geom), _PolygonPatch(geom).get_path()
        np.testing.assert_array_equal(ours.vertices, theirs.vertices)
        np.testing.assert_array_equal(ours.codes, theirs.codes)
    mixed = shapely.GeometryCollection([holed, shapely.LineString([(0, 0), (1, 1)])])
    assert len(charts._polygon_path(mixed).vertices) == len(holed.exterior.coords) + 5


def _tight_reference(fig) -> str:
    """The chart laid out by matplotlib's own ``tight_layout`` from a new figure's margins."""
    charts.default_margins(fig)
    fig.tight_layout()
    return charts.to_data_uri(fig)


def test_profile_chart_with_kept_boxes_equals_tight_layout_of_a_new_figure():
    """The profiles of a run share one figure; only their x axis (limits, tick labels) is
    measured per chart, the rest of the layout once per figure and notes: each PNG must
    be the one ``tight_layout`` gives a new figure, whatever profiles came before."""
    rng = np.random.default_rng(11)
    dims = ["Soziale Lage", "Bildung", "Kinder, Jugend & Familie", "Wohnen"]
    small = {d: 0.5 for d in dims}  # limits ±1: the tick labels at the ends stick out
    big = {d: 2.0 for d in dims}  # limits ±2.3: every tick label inside
    cases = [small, big, small, {**big, "Wohnen": np.nan}, {**small, "Wohnen": np.nan}]
    cases += [{d: np.nan for d in dims}, {"A": -12.3, "B": 0.04}]
    for _ in range(12):
        spread = float(rng.choice([0.3, 1.0, 2.5, 9.0]))  # limits from 1 to beyond 10
        v = {d: float(np.round(rng.normal(0, spread), 1)) for d in dims}
        cases.append({d: (np.nan if rng.random() < 0.25 else x) for d, x in v.items()})
    _fresh()
    ours, rights = [], set()
    for values in cases:  # one after the other on the kept figure, as in a run
        fig = charts.profile_chart(values)
        rights.add(round(fig.subplotpars.right, 4))
        ours.append(charts.to_data_uri(fig, close=False))
    figures = {(tuple(v), tuple(np.isnan(list(v.values())))) for v in cases}
    assert len(charts._BOXES) == len(figures) < len(cases)  # per figure and notes, not per chart
    assert len(rights) > 1  # the layout did follow the x tick labels
    for values, png in zip(cases, ours, strict=True):
        _fresh()
        assert png == _tight_reference(charts.profile_chart(values)), values


def _fresh_projection(series, labels, title):
    """The projection chart on a new figure laid out by ``fig.tight_layout()`` (the reference)."""
    from sozialraum.report.kapitel import demografie

    fig, ax = demografie._projection_axes("de", title)
    demografie._draw_projection(ax, series, "mittel", labels, "de")
    fig.tight_layout()
    return fig


def test_projection_chart_on_a_kept_figure_equals_tight_layout_of_a_new_one():
    """The projection charts of all areas share one figure and measure only their y axis:
    each PNG must be the one a new figure laid out by ``tight_layout`` gives, whatever
    chart came before (other scales, growth or decline: the legend moves)."""
    import pandas as pd

    from sozialraum.report.kapitel import demografie

    rng = np.random.default_rng(7)
    labels = {"mittel": "mittlere Variante", "niedrig": "niedrig", "hoch": "hoch"}
    title = "Bevölkerung 2024 bis 2040, mittlere Variante"
    years = list(range(2024, 2041))
    demografie._PROJECTION_FIGURES.clear()
    charts._BOXES.clear()
    lefts = set()
    for _ in range(12):
        scale = 10.0 ** int(rng.integers(1, 7))  # tick labels of 2 to 9 characters
        trend = rng.normal(0, 0.03, size=(3, 1)) * np.arange(len(years))
        series = pd.DataFrame(
            scale * (1 + trend), index=["mittel", "niedrig", "hoch"], columns=years
        )
        ours = demografie.projection_chart(series, "mittel", labels, "de", title)
        lefts.add(round(ours.subplotpars.left, 4))
        assert len(ours.axes[0].collections) == 1 and len(ours.axes[0].lines) == 1
        png = charts.to_data_uri(ours, close=False)
        assert png == charts.to_data_uri(_fresh_projection(series, labels, title))
    assert len(lefts) > 3  # the layout did follow the tick labels


def test_pyramid_layout_measured_on_the_x_axis_equals_tight_layout(population):
    """The pyramids measure only their x axis (the shares) per chart and keep the rest of
    the layout: each PNG must be the one the full tight layout gives a new figure."""
    from sozialraum.demography import population_pyramid

    year = int(population["year"].max())
    keys = list(dict.fromkeys(population["key"].astype(str)))
    _fresh()
    lefts = set()
    for key in [keys[0], keys[1:4], keys[5], keys[:40], keys[7]]:
        ours = charts.pyramid(population, key, year)
        lefts.add(tuple(round(v, 4) for v in ours.axes[0].get_xlim()))
        png = charts.to_data_uri(ours, close=False)
        fig = charts._LaidOutLater(figsize=(6, 6.5))
        charts._Canvas(fig)
        population_pyramid(
            charts._population_rows(population, key),
            year=year,
            key=key,
            share=True,
            lang="de",
            ax=fig.add_subplot(),
        )
        fig.set_size_inches(4.2, 4.2)
        charts.tight(fig)  # the whole tight layout of a new figure
        assert png == charts.to_data_uri(fig)
    assert len(lefts) > 2  # other shares, other x axes
