"""Classification for the map: bins against hand computation, missing/suppressed/not-rated classes."""

from __future__ import annotations

import mapclassify as mc
import numpy as np
import pandas as pd
import pytest

from sozialraum.core.palettes import GI_COLORS, LISA_COLORS, NOT_RATED_COLOR
from sozialraum.errors import InputError
from sozialraum.webmap.layers import (
    CategoryLayer,
    Indicator,
    categorize,
    classify_layer,
    gi_layer,
    hidden_mask,
    lisa_layer,
    to_hex,
)


def test_quantiles_by_hand():
    y = pd.Series(np.arange(1.0, 11.0))  # 1..10
    cl = classify_layer(y, Indicator("v", k=2))
    # median of 1..10 is 5.5; the upper class ends at the maximum
    assert cl.bins == (5.5, 10.0)
    assert cl.labels == ("bis 5,5", "über 5,5 bis 10,0")
    assert cl.codes.tolist() == [0] * 5 + [1] * 5
    assert cl.counts == (5, 5)


def test_equal_interval_and_user_bins_by_hand():
    y = pd.Series([0.0, 1.0, 2.0, 3.0, 4.0, 10.0])
    cl = classify_layer(y, Indicator("v", scheme="equal_interval", k=2))
    assert cl.bins == (5.0, 10.0)  # (10-0)/2
    assert cl.codes.tolist() == [0, 0, 0, 0, 0, 1]
    cl = classify_layer(y, Indicator("v", bins=(1.0, 3.0)))
    # x <= 1 → 0, 1 < x <= 3 → 1, x > 3 → 2 (mapclassify's UserDefined)
    assert cl.bins == (1.0, 3.0, np.inf)
    assert cl.codes.tolist() == [0, 0, 1, 1, 2, 2]
    assert cl.codes.tolist() == list(mc.UserDefined(y.to_numpy(), [1.0, 3.0]).yb)
    assert cl.labels == ("bis 1,0", "über 1,0 bis 3,0", "über 3,0")


def test_fixed_and_head_tail_work_in_the_web_map():
    """Regression: the web map refused 'fixed' and 'head_tail' that monitor and plugin offer."""
    y = pd.Series([1.0, 2.0, 3.0, 4.0, 5.0, 8.0, 13.0, 40.0, 100.0])
    cl = classify_layer(y, Indicator("v", scheme="head_tail"))
    ref = mc.HeadTailBreaks(y.to_numpy())
    assert cl.bins == pytest.approx(tuple(ref.bins))
    assert cl.codes.tolist() == list(ref.yb)
    fx = classify_layer(y, Indicator("v", scheme="fixed", bins=(5.0, 20.0)))
    assert fx.codes.tolist() == [0, 0, 0, 0, 0, 1, 1, 2, 2]
    with pytest.raises(InputError, match="fixed"):
        classify_layer(y, Indicator("v", scheme="fixed"))


def test_missing_and_suppressed_are_own_classes_and_do_not_shape_bins():
    y = pd.Series([1.0, 2.0, np.nan, 3.0, 4.0, 1000.0])
    st = pd.Series([pd.NA, pd.NA, pd.NA, pd.NA, pd.NA, "geheim"], dtype="string")
    cl = classify_layer(y, Indicator("v", k=2), hidden=hidden_mask(st))
    # bins from 1,2,3,4 only: median 2.5, max 4 (the suppressed 1000 is ignored)
    assert cl.bins == (2.5, 4.0)
    assert cl.codes.tolist() == [0, 0, -1, 1, 1, -2]
    assert (cl.n_missing, cl.n_hidden) == (1, 1)


def test_not_rated_areas_are_grey_and_do_not_shape_bins():
    """Regression: areas not rated (few inhabitants) were classed (dark red) on the web map."""
    df = pd.DataFrame(
        {"idx_gesamt": [-1.0, 0.0, 1.0, 2.0, 9.0], "bewertet": [True, True, True, True, False]}
    )
    from sozialraum.webmap.layers import rated_for

    ind = Indicator("idx_gesamt", k=2)
    cl = classify_layer(df["idx_gesamt"], ind, rated=rated_for(df, ind))
    assert cl.bins == (0.5, 2.0)  # median of -1, 0, 1, 2; the 9 of the unrated area is ignored
    assert cl.codes.tolist() == [0, 0, 1, 1, -3]
    assert cl.n_not_rated == 1 and cl.counts == (2, 2)
    # a value column that is not an index keeps every area unless asked
    assert rated_for(df.rename(columns={"idx_gesamt": "alq"}), Indicator("alq")) is None
    assert rated_for(df, Indicator("alq", not_rated=True)) is not None
    assert NOT_RATED_COLOR == "#bdbdbd"


def test_k_is_a_maximum_on_the_map_and_the_warning_names_the_indicator():
    """A municipality's map may have fewer distinct values than k: fewer classes, with a warning."""
    from sozialraum.errors import SozialraumWarning

    y = pd.Series([1.0, 1.0, 2.0, 3.0])
    with pytest.warns(SozialraumWarning, match="Arbeitslose.*3 statt 5 Klassen"):
        cl = classify_layer(y, Indicator("v", title="Arbeitslose", k=5))
    ref = mc.Quantiles(y.to_numpy(), k=3)
    assert cl.bins == pytest.approx(tuple(ref.bins)) and cl.codes.tolist() == list(ref.yb)


def test_hidden_mask_codes():
    st = pd.Series(
        ["geheim", "teilsumme_geheim", "nicht_sicher", "vorlaeufig", pd.NA, "erfunden"],
        dtype="string",
    )
    assert hidden_mask(st).tolist() == [True, True, True, False, False, True]


def test_class_column_keeps_ordered_categories():
    cls = pd.Series(
        pd.Categorical(
            ["hoch", "niedrig", None, "mittel"],
            categories=["niedrig", "mittel", "hoch"],
            ordered=True,
        )
    )
    cl = classify_layer(
        pd.Series([1.0, 2.0, 3.0, 4.0]), Indicator("v", class_column="c"), classes=cls
    )
    assert cl.labels == ("niedrig", "mittel", "hoch")
    assert cl.codes.tolist() == [2, 0, -1, 1]


def test_bad_scheme_and_text_values():
    with pytest.raises(InputError, match="Klassifizierungsverfahren"):
        classify_layer(pd.Series([1.0, 2.0]), Indicator("v", scheme="zufall"))
    with pytest.raises(InputError, match="'b'"):
        classify_layer(pd.Series([1.0, "x"], index=["a", "b"]), Indicator("v"))


def test_lisa_colours_and_labels_from_codes_not_from_labels():
    """Regression: the web map parsed display labels ("Hoch-Hoch", "n.s.") to find colours."""
    df = pd.DataFrame(
        {
            # the display labels are deliberately misleading: only the codes count
            "lisa_cat": ["anything", "x", "y", None, "z", "w", "v"],
            "lisa_code": ["ns", "LL", "HH", None, "HL", "LH", "not_rated"],
        }
    )
    cl = categorize(df, lisa_layer(color_column=None))
    assert cl.labels == (
        "Hoch-Hoch",
        "Niedrig-Niedrig",
        "Niedrig-Hoch",
        "Hoch-Niedrig",
        "nicht signifikant",
        "nicht bewertet",
    )
    assert cl.colors == (
        "#ff0000",
        "#0000ff",
        "#9696ff",
        "#ff9696",
        "#f0f0f0",
        LISA_COLORS["not_rated"],
    )
    assert cl.codes.tolist() == [4, 1, 0, -1, 3, 2, 5]
    en = categorize(df, lisa_layer(color_column=None), lang="en")
    assert en.labels[0] == "High-High"


def test_lisa_layer_finds_prefixed_code_column():
    lay = lisa_layer("lisa_cat_alq")
    assert lay.code_column == "lisa_code_alq"
    assert gi_layer("gi_cat").code_column == "gi_code"


def test_gi_colours_from_codes_and_unknown_category():
    df = pd.DataFrame({"gi_code": ["hot99", "cold95", "ns"], "gi_cat": ["a", "b", "c"]})
    cl = categorize(df, gi_layer())
    assert dict(zip(cl.labels, cl.colors, strict=True)) == {
        "Hot Spot 99 %": GI_COLORS["hot99"],
        "nicht signifikant": GI_COLORS["ns"],
        "Cold Spot 95 %": GI_COLORS["cold95"],
    }
    with pytest.raises(InputError, match="gi_code"):
        categorize(pd.DataFrame({"gi_code": ["hot42"]}), gi_layer())
    with pytest.raises(InputError, match="Farben"):
        categorize(pd.DataFrame({"t": ["A", "B"]}), CategoryLayer("t"))


def test_to_hex_accepts_only_colours():
    assert to_hex("255,0,0") == "#ff0000"
    assert to_hex((0, 0, 255)) == "#0000ff"
    assert to_hex("#ABC") == "#aabbcc"
    for bad in ("red;background:url(x)", "300,0,0", "#12345"):
        with pytest.raises(InputError):
            to_hex(bad)
