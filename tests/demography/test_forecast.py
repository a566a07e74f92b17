"""The one entry point of the projection (demography.forecast) and the one settings constructor."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from sozialraum.demography import read_population
from sozialraum.demography.forecast import ForecastParams, forecast
from sozialraum.demography.settings import DemographySettings
from sozialraum.errors import ConfigError, InputError


@pytest.fixture(scope="module")
def pop(musterland):
    return read_population(str(musterland["examples"] / "bevoelkerung_alter_*.csv"))


@pytest.fixture(scope="module")
def fc(pop):
    return forecast(ForecastParams(pop, DemographySettings.build(horizon=3)))


def test_area_layer_is_the_published_figures_and_the_age_groups(fc):
    layer = fc.area_layer()
    values, _ = fc.figures.areas()
    for col in values.columns:
        np.testing.assert_array_equal(layer[col].to_numpy(), values[col].to_numpy())
    assert set(fc.layer.columns) <= set(layer.columns)
    # the change is the end year's main scenario against the base year, per area
    c = fc.figures.counts
    ref = (c["end:mittel"] / c["base"] - 1) * 100
    np.testing.assert_allclose(layer["prog_veraenderung_2027"], ref.to_numpy())
    with pytest.raises(dataclasses.FrozenInstanceError):
        fc.end_year = 2030


def test_forecast_refuses_population_keys_without_area_in_api_words(pop):
    keys = tuple(sorted(set(pop["key"]))[1:])
    with pytest.raises(InputError, match=r"population= \(ForecastParams\): .*ohne Gebiet"):
        forecast(ForecastParams(pop, DemographySettings.build(horizon=2), area_keys=keys))


def test_build_equals_from_config(musterland):
    ex = musterland["examples"]
    section = {
        "horizont": 11,
        "szenarien": ["niedrig", "mittel", "hoch"],
        "szenario_wanderung": [-3.0, 0.0, 3.0],
        "hauptszenario": "mittel",
        "raten": ex / "demografie_raten.csv",
        "raten_gueltig_bis": 2040,
        "eckwerte": ex / "landesvorausberechnung.csv",
    }
    built = DemographySettings.build(
        horizon=11,
        scenarios=["niedrig", "mittel", "hoch"],
        shifts_permille=[-3, 0, 3],
        rates=ex / "demografie_raten.csv",
        rates_until=2040,
        control=ex / "landesvorausberechnung.csv",
    )
    assert built == DemographySettings.from_config(section)


def test_build_refuses_unknown_main_scenario_in_api_words():
    with pytest.raises(ConfigError, match=r"main= \(projection_figures\) = 'basis'"):
        DemographySettings.build(main="basis")
