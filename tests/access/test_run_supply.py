"""The yearly run's Bestand–Bedarf: one model per facility type, by the configured method."""

from __future__ import annotations

import importlib
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sozialraum.errors import ConfigError

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / "examples" / "musterland" / "monitor.toml"


#: The Kita and care analyses with targets of their own: for Kitas allowed only without [kita]
#: (which then has the one Kita deficit), Musterland's care deficit comes from [pflege]; these
#: tests pin the access step's supply–need by its catchment method.
OWN_TARGET = (
    (
        'radius_m = 3000\n\n[[erreichbarkeit]]\nname = "Grundschule"',
        'radius_m = 3000\nbedarf_je_100 = 70\n\n[[erreichbarkeit]]\nname = "Grundschule"',
    ),
    ("radius_m = 10000\n\n[raster]", "radius_m = 10000\nbedarf_je_100 = 15\n\n[raster]"),
)


def without_kita_section(path: Path) -> Path:
    """The config at ``path`` without its ``[kita]`` section."""
    import re

    text = path.read_text(encoding="utf-8")
    text, n = re.subn(r"(?ms)^\[kita\].*?(?=^\[)", "", text)
    assert n == 1
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def state(musterland_config, tmp_path_factory):
    from sozialraum.pipeline import steps_extra
    from sozialraum.pipeline.config import load_config

    cfg = musterland_config(tmp_path_factory.mktemp("supply"), *OWN_TARGET)
    run = importlib.import_module("sozialraum.pipeline.run")
    st = run.RunState(config=load_config(without_kita_section(cfg)), lang="de")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for fn in (
            run.load_inputs,
            steps_extra.compute_raster,
            steps_extra.compute_access,
            steps_extra.compute_demography,
        ):
            st = fn(st)
    return st


def _key(state, name: str) -> str:
    names = state.areas[state.config["gebiete"]["name"]]
    return str(names[names.str.contains(name)].index[0])


def test_run_supply_follows_the_configured_catchment_method(state):
    """Tannenbrück had '0 places, 26 missing' by location; by 2SFCA it has 12.7 per 100."""
    kita = state.supply["Kita"]
    assert kita.method == "2sfca" and kita.params.target_per_100 == 70.0
    tb = _key(state, "Tannenbrück")
    assert kita.frame.loc[tb, "bestand"] > 0
    assert kita.frame.loc[tb, "versorgung_je_100"] == pytest.approx(12.7, abs=0.05)
    pflege = state.supply["Pflegeeinrichtung"]
    assert pflege.method == "e2sfca"
    bv = _key(state, "Bahnhofsviertel")
    assert pflege.frame.loc[bv, "versorgung_je_100"] == pytest.approx(22.4, abs=0.05)
    assert pflege.frame.loc[bv, "defizit"] == 0  # above the norm of 15


def test_no_rural_area_without_own_kita_is_a_full_deficit_by_catchment(state):
    from sozialraum.access import SupplyNeedParams, supply_need

    kita = state.supply["Kita"]
    ef = state.config["einrichtungen"]
    fac = state.facilities[state.facilities[ef["kategorie_spalte"]] == "Kita"]
    by_loc = supply_need(
        kita.frame["zielgruppe"], fac, state.areas, SupplyNeedParams("standort", 70.0)
    )
    no_own = by_loc.frame.index[(by_loc.frame["bestand"] == 0) & (by_loc.frame["bedarf"] > 0)]
    assert len(no_own) > 5  # the situation the issue describes exists in Musterland
    full = kita.frame.loc[no_own, "defizit"] >= kita.frame.loc[no_own, "bedarf"] - 1e-9
    assert full.sum() < len(no_own)


def test_every_product_reads_the_same_deficit(state):
    kita = state.supply["Kita"]
    layer = state.access["Kita-Versorgung"]["areas"]
    np.testing.assert_allclose(layer["bb_defizit"], kita.frame["defizit"].reindex(layer.index))
    np.testing.assert_allclose(
        layer["versorgung"], kita.frame["versorgung_je_100"].reindex(layer.index)
    )
    assert state.access["Kita-Versorgung"]["bestand_bedarf"] is kita
    assert set(layer["bb_methode"]) == {kita.method_label("de")}
    comp = state.demography["supply"]["Kita"]
    y, end = state.year, state.demography["end_year"]
    np.testing.assert_allclose(comp[f"defizit_{y}"], kita.frame["defizit"].reindex(comp.index))
    assert (comp["soll_je_100"] == 70).all()
    assert comp[f"zielgruppe_{end}"].sum() > 0 and comp[f"bestand_{end}"].sum() > 0


def test_two_targets_for_one_facility_type_are_refused(state):
    from sozialraum.pipeline.steps_extra import _supply_need

    a = next(x for x in state.config["erreichbarkeit"] if x["kategorie"] == "Kita")
    with pytest.raises(ConfigError, match="'Kita'.*bedarf_je_100"):
        _supply_need(state, a, pd.Series(dtype=float), state.facilities)
