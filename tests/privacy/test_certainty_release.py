"""Certainty columns in release packages: public where the class is, never a withheld index."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from sozialraum.privacy import make_release
from sozialraum.privacy.release import derived_columns


@pytest.fixture(scope="module")
def with_certainty(ml_data):
    """Musterland's release data plus an overall index and its certainty columns."""
    data, _ = ml_data
    sr = data.areas.copy()
    rng = np.random.default_rng(3)
    idx = rng.normal(size=len(sr))
    sr["idx_gesamt"] = idx
    sr["idx_gesamt_lo"] = idx - 0.4
    sr["idx_gesamt_hi"] = idx + 0.4
    sr["status_index"] = idx
    sr["status_index_lo"] = idx - 0.3
    sr["status_index_hi"] = idx + 0.3
    sr["status_klasse"] = np.where(idx > 1, "niedrig", "mittel")
    sr["status_sicherheit"] = rng.uniform(0.4, 1.0, len(sr))
    sr["status_p_mittel"] = rng.uniform(0, 1, len(sr))
    sr["idx_gesamt_sicherheit"] = rng.uniform(0.4, 1.0, len(sr))
    sr["dynamik_gesichert"] = rng.random(len(sr)) > 0.5
    sr["rang"] = pd.Series(idx, index=sr.index).rank(ascending=False).astype(int)
    sr["rang_lo"] = np.maximum(sr["rang"] - 3, 1)
    sr["rang_hi"] = sr["rang"] + 3
    return dataclasses.replace(data, areas=sr)


def test_class_certainty_is_public_probabilities_intervals_and_ranks_are_not():
    groups = derived_columns(
        ["idx_gesamt_lo", "status_index_hi", "status_sicherheit", "idx_gesamt_p_hoch", "rang_lo"]
    )
    assert groups["index"] == []
    assert groups["rank"] == ["rang_lo"]
    assert groups["class_probability"] == ["idx_gesamt_lo", "status_index_hi", "idx_gesamt_p_hoch"]


@pytest.mark.parametrize("level", ["oeffentlich", "kommunal"])
def test_packages_show_class_certainty_and_nothing_that_gives_a_value_away(with_certainty, level):
    rel = make_release(with_certainty, level, ags="07999009" if level == "kommunal" else None)
    a = rel.frame("areas")
    for col in ("status_sicherheit", "idx_gesamt_sicherheit", "dynamik_gesichert"):
        assert col in a.columns, col
    # class certainty is a probability of a public class: passed unchanged
    src = with_certainty.areas["status_sicherheit"].reindex(a.index)
    np.testing.assert_allclose(a["status_sicherheit"].astype(float), src)
    # the probability of every class (mostly 0/1), the index intervals (they depend on the
    # counts) and the ranks stay internal: with a municipality's own areas a regression
    # recovered withheld rates from them
    hidden = {"status_p_mittel", "rang", "rang_lo", "rang_hi"}
    hidden |= {f"{b}_{s}" for b in ("idx_gesamt", "status_index") for s in ("lo", "hi")}
    assert not hidden & set(a.columns)


def test_internal_package_keeps_every_certainty_column(with_certainty):
    rel = make_release(with_certainty, "intern")
    a = rel.frame("areas")
    for col in ("idx_gesamt_lo", "rang_lo", "rang_hi", "status_sicherheit", "status_p_mittel"):
        assert a[col].notna().all(), col
