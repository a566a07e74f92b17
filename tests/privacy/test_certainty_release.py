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


def test_interval_bounds_are_index_columns_and_class_certainty_is_not():
    groups = derived_columns(
        ["idx_gesamt_lo", "status_index_hi", "status_sicherheit", "idx_gesamt_p_hoch", "rang_lo"]
    )
    assert groups["index"] == ["idx_gesamt_lo", "status_index_hi"]
    assert groups["rank"] == ["rang_lo"]
    assert groups["class_probability"] == ["idx_gesamt_p_hoch"]


def test_public_package_shows_class_certainty_and_hides_what_the_index_hides(with_certainty):
    rel = make_release(with_certainty, "oeffentlich")
    a = rel.frame("areas")
    for col in ("status_sicherheit", "idx_gesamt_sicherheit", "dynamik_gesichert"):
        assert col in a.columns, col
    # the probability of every class stays internal (mostly 0/1: it could single out zeros)
    assert "status_p_mittel" not in a.columns
    # class certainty is a probability of a public class: passed unchanged
    src = with_certainty.areas["status_sicherheit"].reindex(a.index)
    np.testing.assert_allclose(a["status_sicherheit"].astype(float), src)
    # ranks (and their intervals) are not public
    assert not {"rang", "rang_lo", "rang_hi"} & set(a.columns)
    # an interval bound is withheld exactly where its index is (else the middle gives it away)
    for base in ("idx_gesamt", "status_index"):
        hidden = a[base].isna()
        assert hidden.any(), f"the test needs a withheld {base}"
        for b in ("_lo", "_hi"):
            assert (a[base + b].isna() == hidden).all()
    # nothing withheld comes back as the middle of the interval
    mid = (a["idx_gesamt_lo"] + a["idx_gesamt_hi"]) / 2
    assert mid[a["idx_gesamt"].isna()].isna().all()


def test_internal_package_keeps_every_certainty_column(with_certainty):
    rel = make_release(with_certainty, "intern")
    a = rel.frame("areas")
    for col in ("idx_gesamt_lo", "rang_lo", "rang_hi", "status_sicherheit", "status_p_mittel"):
        assert a[col].notna().all(), col
