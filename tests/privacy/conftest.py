"""Fixtures of the privacy tests: Musterland's internal results as ReleaseData."""

from __future__ import annotations

import warnings

import numpy as np
import pytest


def load_release_data(root, year: int = 2024):
    """Musterland areas (counts, rates, a fake index and class), roll-up, catalogue."""
    from sozialraum.errors import SozialraumWarning
    from sozialraum.io import read_areas, read_catalogue, read_table
    from sozialraum.join import join_tables, rollup_hierarchy
    from sozialraum.monitor import compute_rates
    from sozialraum.privacy import ReleaseData

    gpkg = root / "data" / "boundaries" / "musterland.gpkg"
    ex = root / "examples" / "musterland"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SozialraumWarning)
        areas = read_areas(gpkg, layer="sozialraeume", key="sr_id", name="sr_name")
        cat = read_catalogue(ex / "katalog.toml")
        tables = [
            read_table(ex / f"indikatoren_{year}.xlsx", sheet="Daten", columns=cat, year=year),
            read_table(ex / f"jobcenter_{year}.csv", columns=cat, year=year),
            read_table(ex / f"wanderung_junge_{year}.csv", columns=cat, year=year),
        ]
        joined = join_tables(areas, tables, area_names="sr_name")
    counts = joined.frame
    rates = compute_rates(counts, cat.indicators, status=joined.status)
    sr = counts.join(rates.rates)
    rng = np.random.default_rng(7)
    sr["idx_sozial"] = np.round(rng.normal(size=len(sr)), 2)
    sr["idx_sozial_klasse"] = rng.integers(1, 6, len(sr)).astype(float)
    st = joined.status.join(rates.status.astype("string"))
    lv = rollup_hierarchy(
        sr,
        {"gemeinde": "ags", "kreis": None},
        columns=list(joined.status.columns),
        status=joined.status,
        catalogue=cat.indicators,
    )
    return ReleaseData(
        sr,
        st,
        lv["gemeinde"].frame,
        lv["gemeinde"].status,
        lv["kreis"].frame,
        lv["kreis"].status,
        cat,
        name="musterland",
    ), joined


@pytest.fixture(scope="session")
def ml_data(root):
    """(ReleaseData, JoinResult) of Musterland 2024."""
    return load_release_data(root)


@pytest.fixture(scope="session")
def ml_packages(ml_data, tmp_path_factory):
    """Packages written for Musterland: (folder, list of files)."""
    from sozialraum.privacy import write_packages

    data, _ = ml_data
    out = tmp_path_factory.mktemp("packages")
    files = write_packages(data, out, municipalities=["07999001", "07999002", "07999009"])
    return out, files
