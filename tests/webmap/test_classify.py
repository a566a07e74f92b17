"""Classification for the map: bins against hand computation, missing/suppressed classes."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sozialraum.errors import InputError
from sozialraum.webmap.layers import (
    GI_COLORS,
    CategoryLayer,
    Indicator,
    categorize,
    classify,
    gi_layer,
    hidden_mask,
    lisa_layer,
    to_hex,
)


def test_quantiles_by_hand():
    y = pd.Series(np.arange(1.0, 11.0))  # 1..10
    cl = classify(y, Indicator("v", k=2))
    # median of 1..10 is 5.5; the upper class ends at the maximum
    assert cl.bins == (5.5, 10.0)
    assert cl.labels == ("1,0 bis 5,5", "über 5,5 bis 10,0")
    assert cl.codes.tolist() == [0] * 5 + [1] * 5
    assert cl.counts == (5, 5)


def test_equal_interval_and_user_bins_by_hand():
    y = pd.Series([0.0, 1.0, 2.0, 3.0, 4.0, 10.0])
    cl = classify(y, Indicator("v", scheme="equal_interval", k=2))
    assert cl.bins == (5.0, 10.0)  # (10-0)/2
    assert cl.codes.tolist() == [0, 0, 0, 0, 0, 1]
    cl = classify(y, Indicator("v", bins=(1.0, 3.0)))
    # UserDefined adds the maximum as last bound; x <= 1 → 0, 1 < x <= 3 → 1, else 2
    assert cl.bins == (1.0, 3.0, 10.0)
    assert cl.codes.tolist() == [0, 0, 1, 1, 2, 2]
    assert cl.labels[1] == "über 1,0 bis 3,0"


def test_missing_and_suppressed_are_own_classes_and_do_not_shape_bins():
    y = pd.Series([1.0, 2.0, np.nan, 3.0, 4.0, 1000.0])
    st = pd.Series([pd.NA, pd.NA, pd.NA, pd.NA, pd.NA, "geheim"], dtype="string")
    cl = classify(y, Indicator("v", k=2), hidden=hidden_mask(st))
    # bins from 1,2,3,4 only: median 2.5, max 4 (the suppressed 1000 is ignored)
    assert cl.bins == (2.5, 4.0)
    assert cl.codes.tolist() == [0, 0, -1, 1, 1, -2]
    assert (cl.n_missing, cl.n_hidden) == (1, 1)


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
    cl = classify(pd.Series([1.0, 2.0, 3.0, 4.0]), Indicator("v", class_column="c"), classes=cls)
    assert cl.labels == ("niedrig", "mittel", "hoch")
    assert cl.codes.tolist() == [2, 0, -1, 1]


def test_bad_scheme_and_text_values():
    with pytest.raises(InputError, match="Klassifizierungsverfahren"):
        classify(pd.Series([1.0, 2.0]), Indicator("v", scheme="zufall"))
    with pytest.raises(InputError, match="'b'"):
        classify(pd.Series([1.0, "x"], index=["a", "b"]), Indicator("v"))


def test_lisa_geoda_colours_and_order():
    df = pd.DataFrame(
        {
            "lisa_cat": ["n.s.", "LL", "HH", None, "HL", "LH"],
            "lisa_color": [
                "240,240,240",
                "0,0,255",
                "#ff0000",
                None,
                (255, 150, 150),
                "150,150,255",
            ],
        }
    )
    cl = categorize(df, lisa_layer())
    assert cl.labels == ("HH", "LL", "LH", "HL", "n.s.")  # GeoDa order
    assert cl.colors == ("#ff0000", "#0000ff", "#9696ff", "#ff9696", "#f0f0f0")
    assert cl.codes.tolist() == [4, 1, 0, -1, 3, 2]


def test_lisa_colours_from_labels_without_colour_column():
    df = pd.DataFrame({"c": ["Hoch-Hoch", "n.s.", "ohne Nachbarn", "LH"]})
    cl = categorize(df, lisa_layer("c", color_column=None))
    assert cl.labels == ("Hoch-Hoch", "LH", "n.s.", "ohne Nachbarn")
    assert cl.colors == ("#ff0000", "#9696ff", "#f0f0f0", "#8c8c8c")


def test_gi_default_colours_and_unknown_category():
    df = pd.DataFrame({"gi_cat": ["Hot Spot 99 %", "Cold Spot 95 %", "nicht signifikant"]})
    cl = categorize(df, gi_layer())
    assert dict(zip(cl.labels, cl.colors, strict=True)) == {
        "Hot Spot 99 %": GI_COLORS["hot99"],
        "nicht signifikant": GI_COLORS["ns"],
        "Cold Spot 95 %": GI_COLORS["cold95"],
    }
    with pytest.raises(InputError, match="Farben"):
        categorize(pd.DataFrame({"t": ["A", "B"]}), CategoryLayer("t"))


def test_to_hex_accepts_only_colours():
    assert to_hex("255,0,0") == "#ff0000"
    assert to_hex((0, 0, 255)) == "#0000ff"
    assert to_hex("#ABC") == "#aabbcc"
    for bad in ("red;background:url(x)", "300,0,0", "#12345"):
        with pytest.raises(InputError):
            to_hex(bad)
