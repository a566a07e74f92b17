"""Projection settings ([demografie]), control totals and the published projection figures."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sozialraum.core.doors import using_door
from sozialraum.core.status import PRIMARY
from sozialraum.demography import project, read_population
from sozialraum.demography.products import ProjectionFigures, column_names, projection_figures
from sozialraum.demography.settings import (
    DemographySettings,
    check_control_totals,
    projection_arguments,
    read_control_totals,
    scenarios_from,
)
from sozialraum.errors import ConfigError

EX = Path(__file__).resolve().parents[2] / "examples" / "musterland"


@pytest.fixture(scope="module")
def pop():
    return read_population(
        [EX / f"bevoelkerung_alter_{y}.csv" for y in range(2020, 2025)], key="sr_id"
    )


def _config(**kw):
    d = {
        "horizont": 11,
        "szenarien": ["niedrig", "mittel", "hoch"],
        "szenario_wanderung": [-3.0, 0.0, 3.0],
        "hauptszenario": "mittel",
    }
    d.update(kw)
    return d


# ----------------------------------------------------------------------------- config errors


@pytest.mark.parametrize("names", [["Niedrig", "mittel"], ["mittel", "mittel"], ["a b"]])
def test_bad_scenario_names_name_the_key(names):
    with using_door("config"), pytest.raises(ConfigError, match=r"szenarien \(in \[demografie\]\)"):
        DemographySettings.from_config(
            _config(szenarien=names, szenario_wanderung=[0.0] * len(names))
        )


def test_scenario_shifts_must_match_the_names():
    with using_door("config"), pytest.raises(ConfigError, match="szenario_wanderung"):
        DemographySettings.from_config(_config(szenario_wanderung=[-3.0, 3.0]))


def test_main_scenario_must_be_one_of_them():
    with using_door("config"), pytest.raises(ConfigError, match="hauptszenario.*'zentral'"):
        DemographySettings.from_config(_config(hauptszenario="zentral"))


def test_scenarios_from_shifts_in_permille():
    sc = scenarios_from(["tief", "mittel"], [-5.0, 0.0])
    assert [s.name for s in sc] == ["tief", "mittel"]
    assert sc[0].shift == pytest.approx(-0.005) and sc[1].label_de == "Mittlere Zuwanderung"


def _write(tmp_path, text, name="eckwerte.csv"):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_control_age_groups_that_do_not_tile(tmp_path):
    gap = _write(tmp_path, "jahr;alter_von;alter_bis;anzahl\n2025;0;17;100\n2025;20;;300\n")
    with using_door("config"), pytest.raises(ConfigError, match="Lücke bei Alter 18"):
        check_control_totals(
            read_control_totals(gap), start_year=2024, horizon=1, scenarios=["mittel"]
        )
    over = _write(tmp_path, "jahr;alter_von;alter_bis;anzahl\n2025;0;20;100\n2025;18;;300\n")
    with using_door("config"), pytest.raises(ConfigError, match="eckwerte.*Alter 18 doppelt"):
        check_control_totals(
            read_control_totals(over), start_year=2024, horizon=1, scenarios=["mittel"]
        )


def test_horizon_beyond_the_control_totals(tmp_path):
    p = _write(tmp_path, "jahr;anzahl\n2025;100\n2026;99\n")
    with using_door("config"), pytest.raises(ConfigError, match="horizont.*bis 2027.*2027"):
        check_control_totals(read_control_totals(p), start_year=2024, horizon=3, scenarios=["m"])


def test_control_scenario_unknown(tmp_path):
    p = _write(tmp_path, "jahr;szenario;anzahl\n2025;zentral;100\n")
    with using_door("config"), pytest.raises(ConfigError, match="'zentral'"):
        check_control_totals(
            read_control_totals(p), start_year=2024, horizon=1, scenarios=["mittel"]
        )


def test_control_bad_number_names_row_and_column(tmp_path):
    p = _write(tmp_path, "jahr;anzahl\n2025;100\n2026;viele\n")
    with pytest.raises(ConfigError) as ei:
        read_control_totals(p)
    assert ei.value.row == 3 and ei.value.column == "anzahl"


def test_horizon_beyond_the_rates():
    s = DemographySettings.from_config(_config(raten_gueltig_bis=2030))
    with using_door("config"), pytest.raises(ConfigError, match="raten_gueltig_bis"):
        projection_arguments(s, 2024)


# ----------------------------------------------------------------------------- control totals


def test_control_totals_are_hit_exactly(pop, tmp_path):
    """The district total of every projected year equals the Land's total, per scenario."""
    lines = ["jahr;szenario;anzahl"]
    given = {}
    for y in range(2025, 2036):
        for s, r in (("niedrig", -0.01), ("mittel", -0.006), ("hoch", -0.002)):
            v = round(108932 * (1 + r) ** (y - 2024))
            given[(s, y)] = v
            lines.append(f"{y};{s};{v}")
    path = _write(tmp_path, "\n".join(lines) + "\n")
    s = DemographySettings(horizon=11, control=path)
    res = project(pop, **projection_arguments(s, 2024))
    figs = projection_figures(res)
    totals = figs.series.groupby(level="szenario").sum()
    for (scen, y), v in given.items():
        assert totals.loc[scen, y] == v, (scen, y)
    # by age group (0–17, 18+): the model values hit both groups; rounding to whole
    # persons keeps the year's total and every area's total, not the groups' sums
    lines = ["jahr;alter_von;alter_bis;anzahl"]
    for y in range(2025, 2028):
        lines += [f"{y};0;17;{17000 + y - 2025}", f"{y};18;;{90000 - 10 * (y - 2025)}"]
    path = _write(tmp_path, "\n".join(lines) + "\n", "gruppen.csv")
    res = project(pop, **projection_arguments(DemographySettings(horizon=3, control=path), 2024))
    young = res.exact[:, 1:, :, :18, :].sum(axis=(2, 3, 4))
    np.testing.assert_allclose(young, np.tile([17000, 17001, 17002], (3, 1)), rtol=0, atol=1e-6)
    total = res.values[:, 1:].sum(axis=(2, 3, 4))
    assert np.array_equal(total, np.tile([107000, 106991, 106982], (3, 1)))


# ----------------------------------------------------------------------------- figures


def _hand_figures(threshold=2) -> ProjectionFigures:
    counts = pd.DataFrame(
        {
            "base": [100.0, 50.0, 10.0],
            "end:mittel": [110.0, 40.0, 2.0],
            "end:hoch": [120.0, 45.0, 3.0],
            "n65": [22.0, 10.0, 1.0],
            "n80": [11.0, 2.0, 0.0],
        },
        index=pd.Index(["a", "b", "c"], name="key"),
    )
    series = pd.DataFrame(
        {2024: [100.0, 50.0, 10.0] * 2, 2035: [110.0, 40.0, 2.0, 120.0, 45.0, 3.0]},
        index=pd.MultiIndex.from_product(
            [["mittel", "hoch"], ["a", "b", "c"]], names=["szenario", "key"]
        ),
    )
    labels = {s: {"de": s, "en": s} for s in ("mittel", "hoch")}
    return ProjectionFigures(
        base_year=2024,
        end_year=2035,
        main="mittel",
        scenarios=("mittel", "hoch"),
        scenario_labels=labels,
        columns=column_names(2035, ("mittel", "hoch"), "mittel"),
        counts=counts,
        series=series,
        threshold=threshold,
    )


def test_figures_hand_case_and_small_counts():
    f = _hand_figures()
    v, st = f.areas()
    assert v.loc["a", "prog_ew_2035"] == 110 and v.loc["a", "prog_ew_2035_hoch"] == 120
    assert v.loc["a", "prog_veraenderung_2035"] == pytest.approx(10.0)
    assert v.loc["b", "prog_anteil_65plus_2035"] == pytest.approx(25.0)
    assert v.loc["b", "prog_anteil_80plus_2035"] == pytest.approx(5.0)
    # b: 2 persons aged 80+ is a small count → the share is withheld
    assert st.loc["b", "prog_anteil_80plus_2035"] == PRIMARY
    assert pd.isna(st.loc["a", "prog_anteil_80plus_2035"])
    # c: 2 inhabitants projected → every value of c withheld; 0 aged 80+ is no small count
    assert (
        st.loc["c", "prog_ew_2035"] == PRIMARY and st.loc["c", "prog_veraenderung_2035"] == PRIMARY
    )
    assert pd.isna(st.loc["c", "prog_ew_2035_hoch"])  # 3 > threshold 2


def test_municipality_figures_from_sums_not_means():
    f = _hand_figures()
    v, _st = f.units(pd.Series({"a": "G1", "b": "G1", "c": "G2"}))
    assert v.loc["G1", "prog_ew_2035"] == 150
    assert v.loc["G1", "prog_veraenderung_2035"] == pytest.approx((150 / 150 - 1) * 100)
    assert v.loc["G1", "prog_anteil_80plus_2035"] == pytest.approx(13 / 150 * 100)
    tot, _ = f.total()
    assert tot["prog_ew_2035"].iloc[0] == 152
    assert f.unit_series(["a", "b"]).loc["hoch", 2035] == 165


def test_labels_are_german_and_english():
    f = _hand_figures()
    assert f.labels("de")["prog_veraenderung_2035"].startswith(
        "Veränderung der Einwohnerzahl 2024–2035"
    )
    assert f.labels("en")["prog_ew_2035_hoch"] == "Population 2035 (projection, hoch)"
