"""The one classification engine: mapclassify as the peer, one interval rule, every door alike."""

from __future__ import annotations

import json

import geopandas as gpd
import mapclassify as mc
import matplotlib.colors as mcolors
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import box

from sozialraum.core import palettes
from sozialraum.core.classify import (
    MISSING,
    NOT_RATED,
    SCHEMES,
    class_ranges,
    classify,
    rated_mask,
    without_not_rated,
)
from sozialraum.errors import InputError


def _grid(values, rated=None) -> gpd.GeoDataFrame:
    n = len(values)
    g = gpd.GeoDataFrame(
        {"v": values},
        geometry=[box(i * 1000.0, 0, (i + 1) * 1000.0, 1000.0) for i in range(n)],
        crs="EPSG:25832",
        index=pd.Index([f"a{i}" for i in range(n)], name="key"),
    )
    if rated is not None:
        g["bewertet"] = rated
    return g


def _map_codes(gdf, ind) -> list[int]:
    from sozialraum.webmap import make_map, map_html

    html = map_html(make_map(gdf, [ind]))
    start = html.rindex("SozialraumMap(map_")
    cfg, _ = json.JSONDecoder().raw_decode(html[html.index("{", start) :])
    return [f["properties"]["_c"][0] for f in cfg["areas"]["features"]], cfg


def _static_colors(gdf, ind) -> list[str]:
    from sozialraum.webmap import static_map

    fig = static_map(gdf, ind)
    return [mcolors.to_hex(c) for c in fig.axes[0].collections[0].get_facecolors()]


def _range_class(ranges, x) -> int:
    """Class of x in QGIS graduated ranges (lower < x <= upper; the first includes lower)."""
    for j, (lo, hi, _) in enumerate(ranges):
        if (lo < x <= hi) or (j == 0 and x == lo):
            return j
    return -1


def test_value_on_a_break_is_in_the_same_class_at_every_door():
    """Regression: 5.0 with break 5 was "5,0 und mehr" in the monitor, "1,0 bis 5,0" on the map."""
    from sozialraum.monitor import classify as monitor_classify
    from sozialraum.webmap import Indicator
    from sozialraum.webmap.layers import classify_layer

    values = [1.0, 3.0, 5.0, 6.0, 9.0, 10.0]
    gdf = _grid(values)
    ref = mc.UserDefined(np.array(values), [5.0, 9.0])
    expected = list(ref.yb)  # mapclassify: x <= 5 → 0, 5 < x <= 9 → 1, x > 9 → 2
    assert expected == [0, 0, 0, 1, 1, 2]
    core = classify(gdf["v"], "fixed", breaks=[5, 9])
    assert core.codes.tolist() == expected
    assert core.labels.astype(str).tolist()[2] == "bis 5,0"
    assert core.class_labels == ("bis 5,0", "über 5,0 bis 9,0", "über 9,0")
    # monitor: the same function
    assert monitor_classify is classify
    mon = monitor_classify(gdf["v"], "fixed", bins=[5, 9])
    assert mon.classes.tolist() == expected
    # web map (layer classes and the codes written into the page)
    ind = Indicator("v", scheme="fixed", bins=(5.0, 9.0))
    assert classify_layer(gdf["v"], ind).codes.tolist() == expected
    codes, cfg = _map_codes(gdf, ind)
    assert codes == expected
    assert cfg["layers"][0]["labels"] == list(core.class_labels)
    # static map: colour per area
    colors = palettes.class_colors(3, "YlOrRd")
    assert _static_colors(gdf, ind) == [colors[c] for c in expected]
    # QGIS graduated ranges built from the same classification
    ranges = class_ranges(core.bins, core.class_labels, min(values), max(values))
    assert [_range_class(ranges, x) for x in values] == expected


@pytest.mark.parametrize("scheme", ["quantiles", "equal_interval", "natural_breaks", "head_tail"])
def test_same_breaks_and_classes_through_monitor_map_static_and_styles(scheme):
    from sozialraum.webmap import Indicator

    rng = np.random.default_rng(18)
    values = np.round(rng.gamma(2.0, 3.0, 40), 1)
    gdf = _grid(values)
    core = classify(gdf["v"], scheme, k=4)
    ind = Indicator("v", scheme=scheme, k=4)
    codes, cfg = _map_codes(gdf, ind)
    assert codes == core.codes.tolist()
    assert cfg["layers"][0]["labels"] == list(core.class_labels)
    colors = palettes.class_colors(core.k, "YlOrRd")
    assert _static_colors(gdf, ind) == [colors[c] for c in core.codes]
    ranges = class_ranges(core.bins, core.class_labels, values.min(), values.max())
    assert [_range_class(ranges, x) for x in values] == core.codes.tolist()


def test_natural_breaks_is_fisher_jenks_against_mapclassify():
    """Regression: natural_breaks was k-means NaturalBreaks in the monitor, FisherJenks on the map."""
    rng = np.random.default_rng(7)
    y = rng.normal(0, 1, 80)
    c = classify(y, "natural_breaks", k=5)
    ref = mc.FisherJenks(y, k=5)
    assert c.bins == pytest.approx(np.asarray(ref.bins))
    assert c.codes.tolist() == list(ref.yb)
    assert classify(y, "fisher_jenks", k=5).bins.tolist() == c.bins.tolist()
    assert c.scheme == "natural_breaks" and c.params["closed"] == "right"


@pytest.mark.parametrize(
    "scheme, peer",
    [
        ("quantiles", lambda y: mc.Quantiles(y, k=5)),
        ("equal_interval", lambda y: mc.EqualInterval(y, k=5)),
        ("std_mean", lambda y: mc.StdMean(y)),
        ("head_tail", lambda y: mc.HeadTailBreaks(y)),
    ],
)
def test_other_schemes_equal_mapclassify(scheme, peer):
    y = np.random.default_rng(3).gamma(2.0, 3.0, 60)
    c = classify(y, scheme, k=5)
    ref = peer(y)
    assert c.bins == pytest.approx(np.asarray(ref.bins))
    assert c.codes.tolist() == list(ref.yb)


def test_not_rated_and_missing_are_excluded_before_the_breaks():
    v = pd.Series([1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 1000.0, np.nan], index=list("abcdefgh"))
    rated = pd.Series([True] * 6 + [False, True], index=v.index)
    c = classify(v, "quantiles", k=3, rated=rated)
    ref = mc.Quantiles(v.iloc[:6].to_numpy(), k=3)
    assert c.bins == pytest.approx(np.asarray(ref.bins))
    assert c.codes.tolist() == [*ref.yb, NOT_RATED, MISSING]
    assert c.labels["g"] == "nicht bewertet" and c.labels["h"] == "kein Wert"
    assert c.legend[-2:] == ["nicht bewertet", "kein Wert"] and c.counts[-2:] == [1, 1]
    assert c.classes["g"] is pd.NA and c.n_not_rated == 1 and c.n_missing == 1
    en = classify(v, "quantiles", k=3, rated=rated, lang="en")
    assert en.legend[-2:] == ["not rated", "no value"]


def test_not_rated_areas_are_grey_on_the_web_map():
    """Regression: the plugin's web map coloured areas not rated (< 300 inhabitants) dark red."""
    from sozialraum.webmap import Indicator

    gdf = _grid([-1.0, 0.0, 0.5, 1.0, 2.0, 3.0], rated=[True, True, True, True, True, False])
    gdf = gdf.rename(columns={"v": "idx_gesamt"})
    codes, cfg = _map_codes(gdf, Indicator("idx_gesamt", k=2))
    assert codes[-1] == NOT_RATED
    assert cfg["layers"][0]["notRatedColor"] == palettes.NOT_RATED_COLOR
    ref = mc.Quantiles(gdf["idx_gesamt"].iloc[:5].to_numpy(), k=2)
    assert codes[:5] == list(ref.yb)
    assert "nicht bewertet" in cfg["legends"][0]
    colors = _static_colors(gdf, Indicator("idx_gesamt", k=2))
    assert colors[-1] == palettes.NOT_RATED_COLOR


def test_without_not_rated_and_rated_mask():
    f = pd.DataFrame(
        {"idx_gesamt": [1.0, 2.0, 3.0], "alq": [5.0, 6.0, 7.0], "bewertet": [1, 0, 1]},
        index=list("abc"),
    )
    assert rated_mask(f).tolist() == [True, False, True]
    out = without_not_rated(f)
    assert out["idx_gesamt"].isna().tolist() == [False, True, False]
    assert out["alq"].tolist() == [5.0, 6.0, 7.0]  # only index columns lose their value
    assert rated_mask(f.drop(columns="bewertet")) is None
    assert without_not_rated(f.drop(columns="bewertet")) is not None


def test_errors_name_the_indicator_and_what_to_change():
    s = pd.Series([1.0, 2.0, 2.0], name="Arbeitslosenquote")
    with pytest.raises(InputError, match="Arbeitslosenquote.*unbekanntes.*quantiles"):
        classify(s, "jenks_zufall")
    with pytest.raises(InputError, match="Arbeitslosenquote.*3 Klassen.*2 verschiedene"):
        classify(s, "quantiles", k=3)
    with pytest.raises(InputError, match="Zahlen"):
        classify(s, "fixed", breaks=["fünf"])
    with pytest.raises(InputError, match="aufsteigend"):
        classify(s, "fixed", breaks=[5, 5])
    with pytest.raises(InputError, match="breaks"):
        classify(s, "fixed")
    with pytest.raises(InputError, match="at most 2 classes"):
        classify(s, "quantiles", k=3, lang="en")
    assert set(SCHEMES) >= {"quantiles", "natural_breaks", "fixed", "head_tail", "std_mean"}


def test_class_ranges_of_open_last_class():
    assert class_ranges([5.0, np.inf], ["bis 5,0", "über 5,0"], 1.0, 8.0) == [
        (1.0, 5.0, "bis 5,0"),
        (5.0, 8.0, "über 5,0"),
    ]


def test_lisa_and_gi_colours_from_codes():
    assert palettes.LISA_COLORS["HH"] == "#ff0000" and palettes.LISA_COLORS["LL"] == "#0000ff"
    assert palettes.code_label("lisa", "HH") == "Hoch-Hoch"
    assert palettes.code_label("gi", "hot99", "en") == "Hot spot 99 %"
    assert set(palettes.GI_COLORS) == set(palettes.GI_CODES)
    assert set(palettes.LISA_COLORS) == set(palettes.LISA_CODES)
    data = pd.DataFrame({"bewertet": [True, False, True]})
    marked = palettes.mark_not_rated(np.array(["HH", "nan", "nan"], dtype=object), data)
    assert marked.tolist() == ["HH", "not_rated", "nan"]
    # the spatial package writes exactly these colours next to its codes
    from sozialraum.spatial import GI_COLORS, LISA_COLORS

    assert LISA_COLORS == palettes.LISA_COLORS and GI_COLORS == palettes.GI_COLORS


def test_every_door_offers_the_engines_schemes(root):
    """The plugin's scheme list (literal: its modules load before the library) and the CLI's
    are the engine's schemes; the CLI's index step has no breaks, so no ``fixed``."""
    import ast

    from sozialraum.cli.steps import SCHEMES as CLI_SCHEMES
    from sozialraum.core.classify import SCHEMES

    src = (root / "qgis_plugin" / "sozialraum_qgis" / "algorithms" / "classify.py").read_text(
        encoding="utf-8"
    )
    plugin = next(
        ast.literal_eval(node.value)
        for node in ast.parse(src).body
        if isinstance(node, ast.Assign)
        and any(getattr(tg, "id", None) == "SCHEMES" for tg in node.targets)
    )
    assert tuple(plugin) == SCHEMES
    assert CLI_SCHEMES == tuple(s for s in SCHEMES if s != "fixed")
