"""Förderkulisse: selection, small areas flagged, allocation key by hand, sensitivity."""

from __future__ import annotations

import pandas as pd
import pytest

from sozialraum.core.doors import using_door
from sozialraum.errors import ConfigError
from sozialraum.planning import PriorityRules, allocation_key, select_priority_areas
from sozialraum.planning.priority import sensitivity


@pytest.fixture()
def areas():
    return pd.DataFrame(
        {
            "status_klasse": [
                "sehr niedrig",
                "niedrig",
                "mittel",
                "sehr niedrig",
                "hoch",
                "niedrig",
            ],
            "ew_ges": [1240, 2000, 800, 380, 3000, 600],
            "kinderarmut": [35.0, 31.0, 12.0, 40.0, 5.0, 28.0],
            "kinderarmut_sicherheit": [0.9, 0.5, 1.0, 1.0, 1.0, 0.95],
        },
        index=["a", "b", "c", "d", "e", "f"],
    )


def _rules(**kw):
    base = dict(
        status_classes=("sehr niedrig",),
        deficit_column="kinderarmut",
        deficit_threshold=30.0,
        min_certainty=0.8,
        min_population=500,
        budget=100_000.0,
        deficit_label="Kinderarmut",
    )
    base.update(kw)
    return PriorityRules(**base)


def test_selection_reasons_and_small_area_flagged_not_ranked_first(areas):
    res = select_priority_areas(areas, _rules())
    f = res.frame
    assert res.selected == ["a"]
    # d has the most need (sehr niedrig, 40 %), but 380 < 500 inhabitants: flagged, no share
    assert res.flagged == ["d"] and not f.at["d", "prio_kulisse"]
    assert pd.isna(f.at["d", "prio_anteil"]) and pd.isna(f.at["d", "prio_rang"])
    assert "380 Einwohner < 500: Prüffall" in f.at["d", "prio_gruende"]
    assert (
        f.at["a", "prio_gruende"]
        == "Statusklasse sehr niedrig; Kinderarmut 35 ≥ 30; 1.240 Einwohner ≥ 500"
    )
    # b: 31 % ≥ 30, but the certainty 0.5 < 0.8: the deficit does not count
    assert not f.at["b", "prio_kulisse"] and "Sicherheit 0,50 < 0,80" in f.at["b", "prio_gruende"]


def test_allocation_key_hand_case(areas):
    res = select_priority_areas(
        areas, _rules(status_classes=("sehr niedrig", "niedrig"), min_certainty=None)
    )
    # in: a (sehr niedrig, 1240, w 2), b (niedrig, 2000, w 1.5), f (niedrig, 600, w 1.5)
    # weights: 2480 + 3000 + 900 = 6380
    f = res.frame
    assert res.selected == ["b", "a", "f"]
    assert f.at["a", "prio_anteil"] == pytest.approx(2480 / 6380)
    assert f.at["b", "prio_anteil"] == pytest.approx(3000 / 6380)
    assert f.at["f", "prio_anteil"] == pytest.approx(900 / 6380)
    assert f.at["b", "prio_betrag"] == pytest.approx(100_000 * 3000 / 6380)
    assert f["prio_anteil"].sum() == pytest.approx(1.0)
    assert list(f.loc[["b", "a", "f"], "prio_rang"]) == [1, 2, 3]


def test_allocation_key_function():
    s = allocation_key(pd.Series([1000, 500, None]), pd.Series([2.0, 1.0, 1.0]))
    assert s.iloc[:2].tolist() == pytest.approx([0.8, 0.2]) and pd.isna(s.iloc[2])


def test_weights_per_class_override_the_default(areas):
    res = select_priority_areas(
        areas, _rules(min_certainty=None, weights={"sehr niedrig": 1.0, "niedrig": 1.0})
    )
    # a (1240) and b (2000, by its deficit 31 ≥ 30) with equal weights
    assert res.frame.at["a", "prio_anteil"] == pytest.approx(1240 / 3240)


def test_sensitivity_one_step_each_way(areas):
    res = select_priority_areas(areas, _rules(deficit_step=2.5))
    s = res.sensitivity.set_index("variante")
    # one class more (niedrig): f (600) enters; b has a deficit but too uncertain → enters by class
    assert s.at["klasse+", "neu"] == ["b", "f"] and s.at["klasse+", "heraus"] == []
    # threshold 27.5: f (28 %, certainty 0.95) enters; 32.5: nothing leaves (a is in by class)
    assert s.at["defizit-", "neu"] == ["f"] and s.at["defizit+", "heraus"] == []
    # minimum 400: still not d (380); 600: f not in anyway, a stays
    assert s.at["mindest-", "neu"] == [] and s.at["mindest+", "heraus"] == []
    low = sensitivity(areas, _rules(min_population=300, deficit_step=2.5))
    assert low.set_index("variante").at["mindest+", "heraus"] == ["d"]  # 380 < 400


def test_combine_und(areas):
    res = select_priority_areas(areas, _rules(combine="und", min_certainty=None, min_population=0))
    assert res.selected == ["a", "d"]  # sehr niedrig AND ≥ 30 %; b (niedrig, 31 %) is out
    assert res.frame.at["a", "prio_anteil"] == pytest.approx(1240 / (1240 + 380))


def test_errors_name_the_setting_in_the_door(areas):
    with (
        using_door("config"),
        pytest.raises(ConfigError, match=r"statusklassen \(in \[prioritaet\]\).*'schlecht'"),
    ):
        select_priority_areas(areas, _rules(status_classes=("schlecht",)))
    with using_door("cli"), pytest.raises(ConfigError, match="--defizit = 'armut'"):
        select_priority_areas(areas, _rules(deficit_column="armut"))


def test_english_reasons(areas):
    res = select_priority_areas(areas, _rules(), lang="en")
    assert "1,240 inhabitants ≥ 500" in res.frame.at["a", "prio_gruende"]
