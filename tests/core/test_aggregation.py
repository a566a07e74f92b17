"""Aggregation rules per indicator: counts summed, rates recomputed, shares weighted or refused."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sozialraum.core.aggregation import AggregationRule, is_share_unit, resolve_rules
from sozialraum.errors import ConfigError, InputError
from sozialraum.io import read_catalogue
from sozialraum.join import rollup, rollup_hierarchy

HEAD = '[meta]\nname = "t"\n\n'
COUNTS = """
[variables.ew]
label = "Einwohner"
unit = "Personen"

[variables.alo]
label = "Arbeitslose"
unit = "Personen"
"""


def _catalogue(tmp_path, text, name="katalog.toml"):
    path = tmp_path / name
    path.write_text(HEAD + text, encoding="utf-8")
    return read_catalogue(path)


@pytest.fixture
def areas():
    """Three areas in two municipalities: a share with its population, and counts."""
    idx = pd.Index(["A1", "A2", "B1"], name="sr_id")
    return pd.DataFrame(
        {
            "ags": ["001", "001", "002"],
            "ew": [100.0, 300.0, 100.0],
            "alo": [10.0, 30.0, 20.0],
            "alq_anteil": [10.0, 20.0, 50.0],
        },
        index=idx,
    )


SHARE_WEIGHTED = (
    COUNTS
    + """
[variables.alq_anteil]
label = "Arbeitslosenanteil"
unit = "%"
aggregation_weight = "ew"

[indicators.alq_anteil]
label = "Arbeitslosenanteil"
unit = "%"
numerator = "alq_anteil"
"""
)


def test_share_with_weight_gives_population_weighted_mean_by_hand(tmp_path, areas):
    kat = _catalogue(tmp_path, SHARE_WEIGHTED)
    lv = rollup_hierarchy(areas, {"gemeinde": "ags", "kreis": None}, catalogue=kat.indicators)
    gem, kreis = lv["gemeinde"].frame, lv["kreis"].frame
    # 001: (10·100 + 20·300) / 400 = 17.5; 002: 50; Kreis: (1000 + 6000 + 5000) / 500 = 24
    assert gem.loc["001", "alq_anteil"] == pytest.approx(17.5)
    assert gem.loc["002", "alq_anteil"] == pytest.approx(50.0)
    assert kreis.loc["kreis", "alq_anteil"] == pytest.approx(24.0)
    assert kreis.loc["kreis", "ew"] == 500.0  # the weight itself is a count: summed
    assert lv["kreis"].status["alq_anteil"].isna().all()


def test_share_without_weight_is_refused_never_summed(tmp_path, areas):
    kat = _catalogue(
        tmp_path,
        COUNTS
        + """
[variables.alq_anteil]
label = "Arbeitslosenanteil"
unit = "%"

[indicators.alq_anteil]
label = "Arbeitslosenanteil"
numerator = "alq_anteil"
""",
    )
    with pytest.raises(InputError) as err:
        rollup(
            areas,
            by=None,
            catalogue=kat.indicators,
            total_key="kreis",
            columns=["ew", "alq_anteil"],
        )
    msg = str(err.value)
    assert "'alq_anteil'" in msg and "(%)" in msg and "'kreis'" in msg
    assert (
        'aggregation_weight = "<Bevölkerungsvariable>"' in msg and "[variables.alq_anteil]" in msg
    )
    assert "katalog.toml" in msg and err.value.column == "alq_anteil"
    with pytest.raises(InputError, match="must not be summed"):
        rollup(areas, by="ags", catalogue=kat, columns=["alq_anteil"], lang="en")


def test_share_inferred_from_pass_through_indicator_unit(tmp_path, areas):
    """The variable has no unit; its pass-through indicator says '%': still refused."""
    kat = _catalogue(
        tmp_path,
        COUNTS
        + """
[variables.alq_anteil]
label = "Arbeitslosenanteil"

[indicators.alq_anteil]
label = "Arbeitslosenanteil"
unit = "%"
numerator = "alq_anteil"
""",
    )
    assert kat.variables.at["alq_anteil", "aggregation"] == "weighted_mean"
    with pytest.raises(InputError, match=r"\[indicators.alq_anteil\]"):
        rollup(areas, by="ags", catalogue=kat.indicators)


def test_rate_recomputed_from_summed_numerator_and_denominator(tmp_path, areas):
    kat = _catalogue(
        tmp_path,
        COUNTS
        + """
[indicators.alq]
label = "Arbeitslosenquote"
unit = "%"
numerator = "alo"
denominator = "ew"
per = 100
""",
    )
    assert kat.indicators.at["alq", "aggregation"] == "rate"
    res = rollup(areas, by="ags", catalogue=kat.indicators, columns=["ew", "alo"])
    # 001: (10 + 30) / (100 + 300) · 100 = 10, not the mean of 10 % and 10 %;
    # Kreis by hand: 60 / 500 · 100 = 12 (the mean of the area rates would be 13.3)
    assert res.frame.loc["001", "alq"] == pytest.approx(10.0)
    total = rollup(areas, by=None, catalogue=kat.indicators, columns=["ew", "alo"])
    assert total.frame.loc["gesamt", "alq"] == pytest.approx(12.0)


def test_weighted_mean_status_flags_missing_and_secret_parts(tmp_path):
    kat = _catalogue(tmp_path, SHARE_WEIGHTED)
    frame = pd.DataFrame(
        {
            "g": ["x", "x", "x", "y", "y"],
            "ew": [100.0, 300.0, 0.0, 50.0, 50.0],
            "alq_anteil": [10.0, np.nan, np.nan, np.nan, np.nan],
        },
        index=list("abcde"),
    )
    status = pd.DataFrame(
        {"ew": [pd.NA] * 5, "alq_anteil": [pd.NA, "geheim", "fehlt", "geheim", "geheim"]},
        index=frame.index,
        dtype="string",
    )
    res = rollup(frame, by="g", status=status, catalogue=kat.indicators)
    # x: only a is known; b (weight 300) is secret -> partial, flagged; c has weight 0: irrelevant
    assert res.frame.loc["x", "alq_anteil"] == pytest.approx(10.0)
    assert res.status.loc["x", "alq_anteil"] == "teilsumme_geheim"
    # y: nothing known, all secret -> secret, no value
    assert np.isnan(res.frame.loc["y", "alq_anteil"])
    assert res.status.loc["y", "alq_anteil"] == "geheim"


def test_weighted_mean_part_without_weight_is_incomplete(tmp_path):
    kat = _catalogue(tmp_path, SHARE_WEIGHTED)
    frame = pd.DataFrame(
        {"g": ["x", "x"], "ew": [100.0, np.nan], "alq_anteil": [10.0, 30.0]}, index=["a", "b"]
    )
    res = rollup(frame, by="g", catalogue=kat.indicators)
    assert res.frame.loc["x", "alq_anteil"] == pytest.approx(10.0)
    assert res.status.loc["x", "alq_anteil"] == "teilsumme_unvollstaendig"


def test_weight_column_missing_from_data(tmp_path, areas):
    kat = _catalogue(tmp_path, SHARE_WEIGHTED)
    with pytest.raises(InputError, match="'ew'") as err:
        rollup(areas.drop(columns="ew"), by="ags", catalogue=kat.indicators)
    assert err.value.column == "ew"


def test_aggregation_none_leaves_upper_level_empty(tmp_path, areas):
    kat = _catalogue(
        tmp_path,
        COUNTS
        + """
[variables.alq_anteil]
label = "Median-Anteil"
unit = "%"
aggregation = "none"

[indicators.ew]
label = "Einwohner"
numerator = "ew"
""",
    )
    res = rollup(areas, by="ags", catalogue=kat)
    assert res.frame["alq_anteil"].isna().all()
    assert (res.status["alq_anteil"] == "nicht_sinnvoll").all()
    assert res.frame.loc["001", "ew"] == 400.0


def test_mean_weighted_like_a_share(tmp_path, areas):
    """A mean (e.g. average age) declared weighted_mean: weighted by the named count."""
    kat = _catalogue(
        tmp_path,
        COUNTS
        + """
[variables.alter_mittel]
label = "Durchschnittsalter"
unit = "Jahre"
aggregation = "weighted_mean"
aggregation_weight = "ew"

[indicators.ew]
label = "Einwohner"
numerator = "ew"
""",
    )
    frame = areas.assign(alter_mittel=[40.0, 44.0, 30.0])
    res = rollup(frame, by=None, catalogue=kat, columns=["ew", "alter_mittel"])
    assert res.frame.loc["gesamt", "alter_mittel"] == pytest.approx((4000 + 13200 + 3000) / 500)


def test_rate_of_a_share_numerator_refused(tmp_path, areas):
    kat = _catalogue(
        tmp_path,
        SHARE_WEIGHTED
        + """
[indicators.falsch]
label = "Quote aus Anteil"
numerator = "alq_anteil"
denominator = "ew"
""",
    )
    with pytest.raises(InputError, match="'falsch'.*'alq_anteil'"):
        rollup(areas, by="ags", catalogue=kat.indicators)


def test_without_catalogue_everything_is_a_count(areas):
    res = rollup(areas, by="ags", columns=["alq_anteil"])
    assert res.frame.loc["001", "alq_anteil"] == 30.0


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ('[variables.x]\nlabel = "x"\naggregation = "mean"\n', "aggregation"),
        ('[variables.x]\nlabel = "x"\naggregation_weight = "ew_ges"\n', "aggregation_weight"),
        ('[variables.x]\nlabel = "x"\naggregation = "rate"\n', "numerator"),
    ],
)
def test_catalogue_validation_names_file_entry_and_key(tmp_path, text, key):
    with pytest.raises(ConfigError) as err:
        _catalogue(
            tmp_path,
            COUNTS + text + '[indicators.i]\nlabel = "i"\nnumerator = "alo"\ndenominator = "ew"\n',
        )
    msg = str(err.value)
    assert "katalog.toml" in msg and "'x'" in msg and key in msg


def test_catalogue_rejects_weight_that_is_a_share(tmp_path):
    with pytest.raises(ConfigError, match="'a'.*'b'"):
        _catalogue(
            tmp_path,
            COUNTS
            + '[variables.b]\nlabel = "b"\nunit = "%"\naggregation_weight = "ew"\n'
            + '[variables.a]\nlabel = "a"\nunit = "%"\naggregation_weight = "b"\n'
            + '[indicators.i]\nlabel = "i"\nnumerator = "alo"\ndenominator = "ew"\n',
        )


def test_catalogue_rejects_other_rule_for_rate(tmp_path):
    with pytest.raises(ConfigError, match="'i'.*weighted_mean"):
        _catalogue(
            tmp_path,
            COUNTS
            + '[indicators.i]\nlabel = "i"\nnumerator = "alo"\ndenominator = "ew"\n'
            + 'aggregation = "weighted_mean"\n',
        )


def test_csv_catalogue_takes_the_rule_per_indicator(tmp_path, areas):
    path = tmp_path / "katalog.csv"
    path.write_text(
        "id;label;unit;numerator;denominator;aggregation_weight\n"
        "alq_anteil;Arbeitslosenanteil;%;alq_anteil;;ew\n"
        "alq;Arbeitslosenquote;%;alo;ew;\n",
        encoding="cp1252",
    )
    kat = read_catalogue(path)
    res = rollup(areas, by=None, catalogue=kat.indicators, columns=["ew", "alo", "alq_anteil"])
    assert res.frame.loc["gesamt", "alq_anteil"] == pytest.approx(24.0)
    assert res.frame.loc["gesamt", "alq"] == pytest.approx(12.0)


def test_share_units_recognised():
    for unit in ("%", "‰", "Prozent", "je 1.000 Einwohner", "je 100", "v. H.", "Anteil"):
        assert is_share_unit(unit), unit
    for unit in ("Personen", "Haushalte", "Euro", "Jahre", None, ""):
        assert not is_share_unit(unit), unit


def test_resolve_rules_on_plain_mappings():
    v, i = resolve_rules(
        {"ew": {"unit": "Personen"}, "s": {"unit": "%", "aggregation_weight": "ew"}},
        {"q": {"numerator": "s"}, "r": {"numerator": "ew", "denominator": "ew"}},
    )
    assert v["ew"] == AggregationRule("sum", None, True, "Personen")
    assert v["s"].method == "weighted_mean" and v["s"].weight == "ew"
    assert i["q"] == v["s"] and i["r"].method == "rate"
