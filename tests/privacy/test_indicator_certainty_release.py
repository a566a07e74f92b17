"""An indicator's class certainty is shown only where its rate and denominator are shown."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from sozialraum.privacy import LevelRule, ReleasePolicy, check_release, make_release, write_packages
from sozialraum.privacy.release import indicator_of_certainty

OWN = "07999001"


def _with_denominator(cat):
    ind = cat.indicators
    return [i for i in ind.index if isinstance(ind.at[i, "denominator"], str)]


@pytest.fixture(scope="module")
def with_certainty(ml_data):
    """Musterland's release data plus ``<indicator>_sicherheit`` for every rate with a count."""
    data, _ = ml_data
    sr = data.areas.copy()
    rng = np.random.default_rng(11)
    for ind in _with_denominator(data.catalogue):
        if ind in sr.columns:
            p = rng.uniform(0.3, 1.0, len(sr))
            sr[f"{ind}_sicherheit"] = np.where(sr[ind].notna(), p, np.nan)
    return dataclasses.replace(data, areas=sr)


def _certainty_columns(frame):
    return [c for c in frame.columns if str(c).endswith("_sicherheit")]


def test_indicator_of_certainty_knows_only_catalogue_indicators():
    assert indicator_of_certainty("sgb2_quote_sicherheit", ["sgb2_quote"]) == "sgb2_quote"
    assert indicator_of_certainty("status_sicherheit", ["status"]) is None
    assert indicator_of_certainty("kita_defizit_sicherheit", ["sgb2_quote"]) is None


def test_withheld_rate_has_its_certainty_withheld_too(with_certainty):
    rel = make_release(with_certainty, "kommunal", ags=OWN)
    a = rel.frame("areas")
    cols = _certainty_columns(a)
    assert cols, "the municipality sees its own rates, and their certainty"
    den = with_certainty.catalogue.indicators["denominator"]
    n_withheld = 0
    for c in cols:
        ind = c[: -len("_sicherheit")]
        shown = a[ind].notna() & a[den[ind]].notna()
        assert a.loc[~shown, c].isna().all(), c
        # where shown: the internal value unchanged
        src = with_certainty.areas[c].reindex(a.index)
        np.testing.assert_allclose(a.loc[shown, c].astype(float), src[shown].astype(float))
        internal = with_certainty.areas[ind].reindex(a.index).notna()
        n_withheld += int((internal & ~a[ind].notna()).sum())
    assert n_withheld > 0, "the test needs rates withheld in this package"
    # other municipalities' areas: no value, no certainty
    other = a["ags"].astype(str) != OWN
    assert a.loc[other, cols].isna().all().all()


def test_public_package_has_no_indicator_certainty_by_default(with_certainty):
    a = make_release(with_certainty, "oeffentlich").frame("areas")
    assert "status_sicherheit" not in a.columns or True  # (no monitor classes here)
    inds = set(_with_denominator(with_certainty.catalogue))
    assert not [c for c in _certainty_columns(a) if c[: -len("_sicherheit")] in inds]


def test_released_rate_without_its_denominator_keeps_its_certainty_internal(with_certainty):
    ind = "sgb2_quote"
    den = with_certainty.catalogue.indicators.at[ind, "denominator"]
    only_rate = ReleasePolicy(oeffentlich=LevelRule(sozialraeume=(ind,)))
    a = make_release(with_certainty, "oeffentlich", policy=only_rate).frame("areas")
    assert ind in a.columns and f"{ind}_sicherheit" not in a.columns
    both = ReleasePolicy(oeffentlich=LevelRule(sozialraeume=(ind, den)))
    b = make_release(with_certainty, "oeffentlich", policy=both).frame("areas")
    shown = b[ind].notna() & b[den].notna()
    assert b.loc[shown, f"{ind}_sicherheit"].notna().all()
    assert b.loc[~shown, f"{ind}_sicherheit"].isna().all()


def test_release_checker_passes_on_packages_with_indicator_certainty(with_certainty, tmp_path):
    write_packages(with_certainty, tmp_path, municipalities=[OWN, "07999009"])
    assert check_release(tmp_path / "oeffentlich", with_certainty, level="oeffentlich").ok
    for ags in (OWN, "07999009"):
        rep = check_release(tmp_path / f"kommunal-{ags}", with_certainty, level="kommunal", ags=ags)
        assert rep.ok, rep.to_text()
        a = pd.read_csv(
            tmp_path / f"kommunal-{ags}" / f"musterland_kommunal-{ags}_sozialraeume.csv",
            sep=";",
            dtype=str,
        )
        assert _certainty_columns(a), "the certainty reaches the package's tables"
