"""Every year of the atlas reaches the run's multi-year series, not only the years of the tables.

A database kept over the years holds 2022 while this year's configuration lists only the
tables of 2023 and 2024: the rates of 2022, the trend series of report and profiles and the
earlier years' checked releases (website, trends outside ``intern``) include 2022, with the
same numbers as a run that read the 2022 files.
"""

from __future__ import annotations

import importlib
import warnings

import numpy as np
import pandas as pd
import pytest

_YEARS = "jahre = [2022, 2023, 2024]"


def _steps(config):
    from sozialraum.pipeline.steps_extra import build_atlas

    run = importlib.import_module("sozialraum.pipeline.run")
    state = run.RunState(config=config, lang="de", workdir=config.path.parent / "lauf")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for fn in (run.load_inputs, build_atlas, run.compute_all_rates):
            state = fn(state)
    return state


def _atlas_with_2022(path, config) -> None:
    """A database of earlier runs: the areas, the catalogue and the tables of 2022."""
    from sozialraum.atlas import Atlas
    from sozialraum.io import read_areas
    from sozialraum.pipeline.common import table_read_options

    g, a = config["gebiete"], config["atlas"]
    areas = read_areas(g["datei"], layer=g["ebene"], key=g["schluessel"], name=g["name"])
    with Atlas.open(path) as atlas:
        atlas.add_areas(areas, a["version"], valid_from=a["gueltig_ab"], name=g["name"])
        atlas.set_catalogue(config["katalog"]["datei"])
        for tab in config["tabellen"]:
            atlas.import_table(
                config.base / tab["datei"].format(jahr=2022),
                year=2022,
                version=a["version"],
                **table_read_options(tab),
            )


@pytest.fixture(scope="module")
def runs(musterland_config, tmp_path_factory):
    from sozialraum.pipeline.config import load_config

    full_dir = tmp_path_factory.mktemp("alle_dateien")
    full = load_config(musterland_config(full_dir))
    db = tmp_path_factory.mktemp("datenbank") / "atlas.gpkg"
    _atlas_with_2022(db, full)
    later_dir = tmp_path_factory.mktemp("nur_2023_2024")
    later = load_config(
        musterland_config(
            later_dir,
            (_YEARS, "jahre = [2023, 2024]"),
            ('datei = "atlas.gpkg"', f'datei = "{db}"'),
        )
    )
    assert all(t["jahre"] == [2023, 2024] for t in later["tabellen"])
    return _steps(full), _steps(later)


def test_years_only_the_atlas_holds_join_the_rates(runs):
    full, later = runs
    assert later.atlas["jahre_aus_atlas"] == [2022]
    assert full.atlas["jahre_aus_atlas"] == []  # every year came from the files
    assert list(later.counts) == [2022, 2023, 2024] == sorted(later.rates)
    ours, ref = later.rates[2022].rates, full.rates[2022].rates
    assert list(ours.index) == list(ref.index)
    pd.testing.assert_frame_equal(ours[ref.columns], ref, check_dtype=False, atol=1e-9)
    st, ref_st = later.status[2022], full.status[2022]
    assert (st.fillna("") == ref_st[st.columns].fillna("")).all().all()


def test_trend_series_and_earlier_releases_cover_every_atlas_year(runs):
    from sozialraum.pipeline.common import release_policy
    from sozialraum.pipeline.website_step import history_releases
    from sozialraum.report.data import trend_series

    full, later = runs
    tr = trend_series(later)
    assert tr["years"] == [2022, 2023, 2024]
    ref = trend_series(full)
    for kind in ("areas", "gemeinden", "kreis"):
        a, b = tr[kind][2022], ref[kind][2022]
        common = [c for c in b.columns if c in a.columns and pd.api.types.is_numeric_dtype(b[c])]
        assert "sgb2_quote" in common
        np.testing.assert_allclose(
            a[common].to_numpy(float), b[common].to_numpy(float), rtol=1e-9, equal_nan=True
        )
    rel = history_releases(later, "oeffentlich", None, release_policy(later.config))
    assert sorted(rel) == [2022, 2023]
    ref_rel = history_releases(full, "oeffentlich", None, release_policy(full.config))
    mine, theirs = rel[2022].frame("gemeinden"), ref_rel[2022].frame("gemeinden")
    assert list(mine.columns) == list(theirs.columns)
    num = [c for c in theirs.columns if pd.api.types.is_numeric_dtype(theirs[c])]
    np.testing.assert_allclose(
        mine[num].to_numpy(float), theirs[num].to_numpy(float), rtol=1e-9, equal_nan=True
    )


def test_years_after_the_report_year_stay_out(runs, tmp_path):
    """A later year in the database (next year's run) is no part of this year's series."""
    import shutil
    from types import SimpleNamespace

    from sozialraum.atlas import Atlas
    from sozialraum.pipeline.common import table_read_options
    from sozialraum.pipeline.steps_extra import _earlier_atlas_years

    _full, later = runs
    db = tmp_path / "atlas.gpkg"
    shutil.copy(later.atlas["target"], db)
    tab = later.config["tabellen"][1]
    with Atlas.open(db) as atlas:
        atlas.import_table(
            later.config.base / tab["datei"].format(jahr=2024),
            year=2025,
            version="sr2022",
            **table_read_options(tab),
        )
        assert atlas.years() == [2022, 2023, 2024, 2025]
        state = SimpleNamespace(
            year=2024,
            areas=later.areas,
            counts={y: later.counts[y] for y in (2024, 2023)},
            status={y: later.status[y] for y in (2024, 2023)},
        )
        assert _earlier_atlas_years(state, atlas, "sr2022") == [2022]
    assert list(state.counts) == [2022, 2023, 2024] == list(state.status)
