"""Joining tables to areas: the join report, leading zeros, errors, and invariants.

The tables are real files (CSV in cp1252 with ``;``, as job centres send them)
read with :func:`sozialraum.io.read_table`; the areas are a real GeoPackage.
"""

from __future__ import annotations

import warnings

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from shapely.geometry import box

from sozialraum.errors import JoinError, SozialraumWarning
from sozialraum.io import read_areas, read_table
from sozialraum.join import join_table, join_tables

KEYS = ["07999001001", "07999001002", "07999002001", "07999002002"]
NAMES = ["Altstadt", "Bahnhofsviertel", "Kleinwusterwitz", "Großräschen-Süd"]


@pytest.fixture(scope="module")
def areas(tmp_path_factory) -> gpd.GeoDataFrame:
    path = tmp_path_factory.mktemp("areas") / "areas.gpkg"
    gdf = gpd.GeoDataFrame(
        {"sr_id": KEYS, "sr_name": NAMES},
        geometry=[box(450000 + i * 1000, 5710000, 451000 + i * 1000, 5711000) for i in range(4)],
        crs="EPSG:25833",
    )
    gdf.to_file(path, layer="sr", engine="pyogrio")
    return read_areas(path, key="sr_id", name="sr_name")


def _csv(path, rows, header="Sozialraum;Bezeichnung;Arbeitslose;Einwohner insgesamt"):
    path.write_bytes(("\n".join([header, *rows]) + "\n").encode("cp1252"))
    return path


def test_join_matches_values_and_reports_everything(areas, tmp_path):
    path = _csv(
        tmp_path / "jc.csv",
        [
            "07999001001;Altstadt;12;1.200",
            "07999001002;Bahnhofsviertel;.;800",
            "07999002001;Kleinwusterwitz;-;250",
            "07999009001;Irgendwo;5;300",  # not an area of this district
        ],
    )
    res = join_table(areas, read_table(path), area_names="sr_name")
    assert list(res.frame.index) == KEYS  # every area, in area order
    row = res.frame.loc["07999001001"]
    assert row["Arbeitslose"] == 12 and row["Einwohner insgesamt"] == 1200
    assert res.status.loc["07999001002", "Arbeitslose"] == "geheim"
    assert res.status.loc["07999002001", "Arbeitslose"] == "nichts_vorhanden"
    assert res.status.loc["07999002002", "Arbeitslose"] == "keine_daten"
    assert np.isnan(res.frame.loc["07999002002", "Arbeitslose"])
    rep = res.report
    assert rep.matched == KEYS[:3]
    assert rep.areas_without_data == ["07999002002"]
    orphans = rep.rows_without_area
    assert list(orphans["key"]) == ["07999009001"]
    assert orphans["row"].iloc[0] == 5  # header is row 1
    text = rep.to_text("de")
    assert "07999009001" in text and "07999002002" in text
    assert not rep.ok


def test_typo_key_gets_a_suggestion(areas, tmp_path):
    path = _csv(
        tmp_path / "typo.csv",
        [
            "07999001001;Altstadt;1;10",
            "07999001002;Bahnhofsviertel;2;20",
            "07999002001;Kleinwusterwitz;3;30",
            "07999020002;Großräschen-Süd;4;40",
        ],
    )
    rep = join_table(areas, read_table(path), area_names="sr_name").report
    sug = rep.rows_without_area.set_index("key")["suggestion"]
    assert sug["07999020002"] == "07999002002"
    assert "07999002002" in rep.to_text("de")


def test_renamed_area_is_reported(areas, tmp_path):
    path = _csv(
        tmp_path / "renamed.csv",
        [
            "07999001001;Altstadt;1;10",
            "07999001002;Wohnpark Am Sonnenhang;2;20",
            "07999002001;Kleinwusterwitz;3;30",
            "07999002002;Großräschen-Süd;4;40",
        ],
    )
    rep = join_table(areas, read_table(path), area_names="sr_name").report
    nd = rep.name_differences
    assert list(nd["key"]) == ["07999001002"]
    assert nd["table_name"].iloc[0] == "Wohnpark Am Sonnenhang"


def test_lost_leading_zeros_are_restored_with_a_warning(areas, tmp_path):
    path = _csv(
        tmp_path / "zeros.csv",
        [
            "7999001001;Altstadt;1;10",
            "7999001002;Bahnhofsviertel;2;20",
            "7999002001;Kleinwusterwitz;3;30",
            "7999002002;Großräschen-Süd;4;40",
        ],
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        res = join_table(areas, read_table(path), area_names="sr_name")
    assert res.report.matched == KEYS
    assert any(
        issubclass(w.category, SozialraumWarning) and "Null" in str(w.message) for w in caught
    )
    assert res.frame["Arbeitslose"].tolist() == [1, 2, 3, 4]


def test_strict_makes_any_mismatch_an_error(areas, tmp_path):
    path = _csv(
        tmp_path / "part.csv", ["07999001001;Altstadt;1;10", "07999001002;Bahnhofsviertel;2;20"]
    )
    with pytest.raises(JoinError, match="07999002001"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", SozialraumWarning)
            join_table(areas, read_table(path), strict=True)


def test_table_of_another_district_is_an_error(areas, tmp_path):
    path = _csv(
        tmp_path / "other.csv", ["08111000001;Stuttgart 1;1;10", "08111000002;Stuttgart 2;2;20"]
    )
    with pytest.raises(JoinError, match="anderen Kreis") as err:
        join_table(areas, read_table(path))
    assert "other.csv" in str(err.value)


def test_missing_year_names_the_years_present(areas, tmp_path):
    path = tmp_path / "long.csv"
    rows = [f"{k};{y};{v}" for y in (2022, 2023) for v, k in enumerate(KEYS)]
    path.write_text("Sozialraum;Jahr;Arbeitslose\n" + "\n".join(rows) + "\n", encoding="utf-8")
    table = read_table(path)
    with pytest.raises(JoinError, match="2022, 2023"):
        join_table(areas, table)  # several years, none chosen
    with pytest.raises(JoinError, match="2024"):
        join_table(areas, table, year=2024)
    assert join_table(areas, table, year=2023).frame["Arbeitslose"].tolist() == [0, 1, 2, 3]


def test_column_in_two_sources_is_an_error(areas, tmp_path):
    a = _csv(tmp_path / "a.csv", [f"{k};x;1;2" for k in KEYS])
    b = _csv(tmp_path / "b.csv", [f"{k};x;3;4" for k in KEYS])
    with pytest.raises(JoinError, match="Arbeitslose"):
        join_tables(areas, [read_table(a), read_table(b)])


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    order=st.permutations(list(range(6))),
    keep=st.lists(st.booleans(), min_size=6, max_size=6),
)
def test_join_is_independent_of_row_order_and_keeps_every_area(areas, tmp_path, order, keep):
    """Property: permuting the table's rows never changes the result; all areas stay."""
    pool = [*KEYS, "07999009001", "07999009002"]  # two rows without area
    chosen = [i for i in order if keep[i]]
    if not any(
        i < len(KEYS) for i in chosen
    ):  # a table with no area at all is an error (tested above)
        chosen.append(0)
    rows = [f"{pool[i]};n{i};{i * 10};{i + 100}" for i in chosen]
    ref_rows = sorted(rows)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SozialraumWarning)
        res = join_table(areas, read_table(_csv(tmp_path / "p.csv", rows)))
        ref = join_table(areas, read_table(_csv(tmp_path / "r.csv", ref_rows)))
    assert len(res.frame) >= len(areas)
    assert list(res.frame.index) == list(areas.index)
    pd.testing.assert_frame_equal(
        pd.DataFrame(res.frame.drop(columns="geometry")),
        pd.DataFrame(ref.frame.drop(columns="geometry")),
    )
    assert sorted(res.report.rows_without_area["key"]) == sorted(
        ref.report.rows_without_area["key"]
    )
