"""The web map layer "Maßnahmen": the state of each area's measures, no figures."""

from __future__ import annotations

from types import SimpleNamespace

import geopandas as gpd
import pandas as pd
from shapely.geometry import box

from sozialraum.pipeline.map_measures import (
    MEASURE_LAYER_COLUMN,
    area_measure_state,
    measure_layers,
)


def _register() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "name": ["QM", "Familienzentrum", "Schulsozialarbeit", "Projekt", "Alt", "Neu"],
            "areas": [["a1"], ["a1", "a2"], ["a3"], ["a4"], ["a5"], ["a6", "alt-99"]],
            "status": ["abgeschlossen", "laufend", "geplant", "abgebrochen", None, None],
            "start_date": [
                "2020-01-01",
                "2023-01-01",
                "2025-08-01",
                "2023-01-01",
                "2019-01-01",
                "2026-01-01",
            ],
            "end_date": ["2022-12-31", None, None, None, "2021-12-31", None],
        },
        index=pd.Index(["M1", "M2", "M3", "M4", "M5", "M6"], name="measure_id"),
    )


def test_each_area_gets_its_most_active_measure():
    keys = ["a1", "a2", "a3", "a4", "a5", "a6", "a7"]
    got = area_measure_state(_register(), keys, 2024, "de")
    assert got.to_dict() == {
        "a1": "laufende Maßnahme",  # a finished and a running one: running
        "a2": "laufende Maßnahme",
        "a3": "geplante Maßnahme",
        "a4": "keine Maßnahme",  # cancelled measures do not count
        "a5": "abgeschlossene Maßnahme",  # no status: from the dates (ended 2021)
        "a6": "geplante Maßnahme",  # no status: starts 2026
        "a7": "keine Maßnahme",
    }
    assert area_measure_state(_register(), ["a3"], 2024, "en").iloc[0] == "planned measure"


def test_layer_on_the_map_frame_and_none_without_register():
    keys = ["a1", "a2", "a3", "a4"]
    frame = gpd.GeoDataFrame(
        {"x": range(4)}, geometry=[box(i, 0, i + 1, 1) for i in range(4)], index=keys
    )
    cfg = {"projekt": {"quelle": "", "name": "Musterland"}}
    st = SimpleNamespace(atlas={"register": _register()}, lang="de", year=2024, config=cfg)
    out, layers = measure_layers(st, frame)
    assert MEASURE_LAYER_COLUMN not in frame.columns  # the caller's frame is not changed
    assert list(out[MEASURE_LAYER_COLUMN]) == [
        "laufende Maßnahme",
        "laufende Maßnahme",
        "geplante Maßnahme",
        "keine Maßnahme",
    ]
    (lay,) = layers
    assert lay.title == "Maßnahmen"
    assert lay.categories == ("laufende Maßnahme", "geplante Maßnahme", "keine Maßnahme")
    empty = SimpleNamespace(atlas=None, lang="de", year=2024, config=cfg)
    assert measure_layers(empty, frame) == (frame, [])


def test_musterland_register_on_a_map(root):
    from sozialraum.webmap import make_map, map_html

    areas = gpd.read_file(root / "data" / "boundaries" / "musterland.gpkg", layer="sozialraeume")
    areas = areas.set_index("sr_id")
    reg = pd.read_csv(
        root / "examples" / "musterland" / "massnahmen.csv", sep=";", dtype=str
    ).set_index("id")
    reg = reg.rename(columns={"beginn": "start_date", "ende": "end_date"})
    reg["areas"] = reg["gebiete"].str.split(",")
    cfg = {"projekt": {"quelle": "Landkreis", "name": "Musterland"}}
    st = SimpleNamespace(atlas={"register": reg}, lang="de", year=2024, config=cfg)
    frame, layers = measure_layers(st, areas)
    assert frame.at["07999001005", MEASURE_LAYER_COLUMN] == "laufende Maßnahme"  # QM-2023-01
    n_with = (frame[MEASURE_LAYER_COLUMN] != "keine Maßnahme").sum()
    all_areas = {a for lst in reg["areas"] for a in lst if a in frame.index}
    assert 0 < n_with <= len(all_areas)
    html = map_html(make_map(frame, spec=(), category_layers=layers))
    assert "Maßnahmen" in html and "laufende Maßnahme" in html
