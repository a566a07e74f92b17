"""A release's GeoPackage and CSV files written a second time are a copy of the first.

A package's site offers the package's tables as downloads: the same release, the same
file names. Their bytes follow from the release and the name alone, so the second
writing copies them (:func:`~sozialraum.privacy.package._written_of`). The copy must
hold exactly what writing them anew gives, and nothing added to the first file later
(the package's region layers).
"""

from __future__ import annotations

import sqlite3

import pandas as pd
import pyogrio

from sozialraum.privacy import ReleasePolicy, make_release, write_release
from sozialraum.privacy.package import _WRITTEN


def _tables(gpkg) -> dict[str, pd.DataFrame]:
    return {
        name: pyogrio.read_dataframe(gpkg, layer=name) for name, _g in pyogrio.list_layers(gpkg)
    }


def _files(written) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p, _de, _en in written if p.suffix in (".gpkg", ".csv")}


def test_second_writing_copies_the_first_and_equals_a_new_writing(ml_data, tmp_path):
    data, _ = ml_data
    policy = ReleasePolicy()
    rel = make_release(data, "kommunal", "07999002", policy=policy)
    first = write_release(rel, tmp_path / "paket")
    gpkg = next(p for p, _d, _e in first if p.suffix == ".gpkg")
    before = gpkg.read_bytes()
    with sqlite3.connect(gpkg) as con:  # the package adds to its file afterwards
        con.execute("CREATE TABLE spaeter (x INTEGER)")
    second = write_release(rel, tmp_path / "seite", formats=("gpkg", "csv"))
    assert [p.name for p, _d, _e in second] == [
        p.name for p, _d, _e in first if p.suffix in (".gpkg", ".csv")
    ]
    copied = _files(second)
    assert copied[gpkg.name] == before  # the file as written, without the later table
    # writing anew (another release object of the same data) gives the same tables
    fresh_rel = make_release(data, "kommunal", "07999002", policy=policy)
    fresh = _files(write_release(fresh_rel, tmp_path / "neu", formats=("gpkg", "csv")))
    assert fresh.keys() == copied.keys()
    for name in fresh:
        if name.endswith(".csv"):
            assert fresh[name] == copied[name]
    new_gpkg = tmp_path / "neu" / rel.package / gpkg.name
    got, want = _tables(tmp_path / "seite" / rel.package / gpkg.name), _tables(new_gpkg)
    assert got.keys() == want.keys() and len(got) >= 2
    for layer in want:
        pd.testing.assert_frame_equal(got[layer], want[layer])


def test_the_memo_of_a_release_ends_with_it(ml_data, tmp_path):
    import gc

    data, _ = ml_data
    rel = make_release(data, "oeffentlich", None, policy=ReleasePolicy())
    write_release(rel, tmp_path, formats=("csv",))
    key = id(rel)
    assert key in _WRITTEN and _WRITTEN[key][1]
    del rel
    gc.collect()
    assert key not in _WRITTEN
