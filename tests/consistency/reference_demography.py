"""The projection of Musterland through the Python API: the reference of every door.

The settings are those of ``[demografie]`` in ``examples/musterland/monitor.toml``
(rates, scenarios with their migration shifts, the Land's control totals, horizon
2035); the CLI, the QGIS tool and the yearly run are compared with
:func:`demography_reference` cell by cell.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

#: ``[demografie]`` of the Musterland configuration, in the words of each door.
DEMOGRAPHY = {
    "horizon": 11,
    "scenarios": ("niedrig", "mittel", "hoch"),
    "shifts": (-3.0, 0.0, 3.0),
    "main": "mittel",
    "rates": "demografie_raten.csv",
    "rates_until": 2040,
    "control": "landesvorausberechnung.csv",
    "min_count": 3,  # [ausgaben] mindestfallzahl
}
END = 2035


def demography_forecast(examples: Path):
    """:func:`sozialraum.demography.forecast.forecast` with the Musterland settings."""
    from sozialraum.demography import read_population
    from sozialraum.demography.forecast import ForecastParams, forecast
    from sozialraum.demography.settings import DemographySettings

    d = DEMOGRAPHY
    pop = read_population(str(Path(examples) / "bevoelkerung_alter_*.csv"), key="sr_id")
    settings = DemographySettings.build(
        horizon=d["horizon"],
        scenarios=d["scenarios"],
        shifts_permille=d["shifts"],
        main=d["main"],
        rates=Path(examples) / d["rates"],
        rates_until=d["rates_until"],
        control=Path(examples) / d["control"],
    )
    return forecast(ForecastParams(pop, settings, threshold=d["min_count"] - 1))


def demography_reference(examples: Path) -> pd.DataFrame:
    """The layer ``vorausberechnung_2035`` per area (index = key as text, name ``sr_id``)."""
    layer = demography_forecast(examples).area_layer()
    layer.index = pd.Index(layer.index.astype(str), name="sr_id")
    return layer


def projection_columns(frame: pd.DataFrame) -> list[str]:
    """The ``prog_*`` columns of ``frame`` (at least the five of the main scenario)."""
    cols = [c for c in frame.columns if str(c).startswith("prog_")]
    assert f"prog_ew_{END}" in cols and f"prog_veraenderung_{END}" in cols, cols
    assert f"prog_ew_{END}_hoch" in cols and f"prog_anteil_80plus_{END}" in cols, cols
    return cols
