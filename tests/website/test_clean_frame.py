"""The site blanks every secret cell of a release's frame (belt and braces) in one step:
the same frame as setting the columns one after the other (the way it was done before)."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from sozialraum.core.status import secret_mask
from sozialraum.website.model import _clean_frame


class _Frames:
    """What the site reads of a release: copies of a frame and its status per kind."""

    def __init__(self, frame, status) -> None:
        self._frame, self._status = frame, status

    def frame(self, kind):
        return self._frame.copy()

    def status(self, kind):
        return None if self._status is None else self._status.copy()


def _column_by_column(frame, status):
    """The reference: each column with a secret cell set again on its own, as objects."""
    fr, st = frame.copy(), status.copy()
    cols = [c for c in st.columns if c in fr.columns]
    st = st.reindex(index=fr.index, columns=cols)
    masks = secret_mask(st).to_numpy(dtype=bool)
    for j in np.flatnonzero(masks.any(axis=0)):
        cells = fr[cols[j]].to_numpy(dtype=object, copy=True)
        cells[masks[:, j]] = None
        fr[cols[j]] = pd.Series(cells, index=fr.index, dtype=object)
    return fr, st


def _release_like(n: int = 30):
    rng = np.random.default_rng(5)
    idx = pd.Index([f"07999{i:03d}" for i in range(n)], name="schluessel")
    frame = gpd.GeoDataFrame(
        {
            "name": [f"Gebiet {i}" for i in range(n)],
            "sgb2_quote": rng.uniform(0, 30, n),
            "einwohner": pd.array(rng.integers(0, 900, n), dtype="Int64"),
            "klasse": rng.choice(["hoch", "mittel", None], n),
            "ohne_status": rng.uniform(0, 1, n),
        },
        geometry=[shapely.box(i, 0, i + 1, 1) for i in range(n)],
        crs="EPSG:25832",
        index=idx,
    )
    codes = np.array(["geheim", "unsicher", None, "x", "neu_erfunden", "."], dtype=object)
    status = pd.DataFrame(
        {c: rng.choice(codes, n) for c in ("sgb2_quote", "einwohner", "klasse", "name")},
        index=idx[::-1],  # in another order: reindexed to the frame
    )
    status["fehlt_im_frame"] = "geheim"
    return frame, status


def test_clean_frame_equals_the_column_by_column_reference():
    frame, status = _release_like()
    got, got_st = _clean_frame(_Frames(frame, status), "areas")
    want, want_st = _column_by_column(frame, status)
    assert isinstance(got, gpd.GeoDataFrame) and got.crs == frame.crs
    assert list(got.columns) == list(frame.columns)
    pd.testing.assert_frame_equal(got, want)
    pd.testing.assert_frame_equal(got_st, want_st)
    blanked = secret_mask(want_st).to_numpy(dtype=bool)
    assert blanked.any() and got["sgb2_quote"].dtype == object
    assert got["ohne_status"].dtype == float  # a column without status stays as it was


def test_clean_frame_without_secret_cells_is_the_frame():
    frame, status = _release_like()
    status = pd.DataFrame("unsicher", index=status.index, columns=status.columns)  # public
    got, _st = _clean_frame(_Frames(frame, status), "areas")
    pd.testing.assert_frame_equal(got, frame)
