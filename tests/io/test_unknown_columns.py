"""Columns not in the catalogue are handled the same everywhere: ``sozialraum join``, the
atlas import and the yearly run give the same warning (file, column, fix) and leave
the column out; ``[meta] ignorieren`` silences it. Real files, real readers."""

from __future__ import annotations

import csv
import warnings

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from sozialraum.atlas import Atlas
from sozialraum.cli import main
from sozialraum.errors import ConfigError, SozialraumWarning
from sozialraum.io import read_catalogue
from sozialraum.io.catalogue import read_catalogued_table

CATALOGUE = """
[meta]
name = "Test"
{extra}

[variables.ew_ges]
label = "Einwohner insgesamt"
headers = ["Einwohner"]

[variables.alo]
label = "Arbeitslose"
headers = ["Arbeitslose"]

[indicators.alo_quote]
label = "Arbeitslosenquote"
numerator = "alo"
denominator = "ew_ges"
"""

KEYS = [f"0100100{i}" for i in range(1, 9)]


def _catalogue(tmp_path, extra: str = ""):
    p = tmp_path / "katalog.toml"
    p.write_text(CATALOGUE.format(extra=extra), encoding="utf-8")
    return p


def _areas(tmp_path):
    gdf = gpd.GeoDataFrame(
        {"sr_id": KEYS, "name": [f"Gebiet {i}" for i in range(8)]},
        geometry=[shapely.box(i * 100, 0, i * 100 + 100, 100) for i in range(8)],
        crs=25833,
    )
    p = tmp_path / "gebiete.gpkg"
    gdf.to_file(p, layer="sr", engine="pyogrio")
    return p


def _table(tmp_path, keys=KEYS, name="t2024.csv"):
    p = tmp_path / name
    with open(p, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, delimiter=";")
        w.writerow(["Nr", "Einwohner", "Arbeitslose", "Sonderzählung", "Stand"])
        for i, k in enumerate(keys):
            w.writerow([k, 1000 + i, 50 + i, 7, 2024])
    return p


def _notes(caught) -> list[str]:
    return [str(w.message) for w in caught if issubclass(w.category, SozialraumWarning)]


def test_one_warning_naming_file_columns_and_fix(tmp_path):
    cat = read_catalogue(_catalogue(tmp_path))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        tab = read_catalogued_table(_table(tmp_path), columns=cat, year=2024)
    notes = [n for n in _notes(caught) if "Sonderzählung" in n]
    assert len(notes) == 1, notes  # the reader's own note is not repeated
    note = notes[0]
    assert "t2024.csv" in note and '"Sonderzählung", "Stand"' in note
    assert "katalog.toml" in note and 'ignorieren = ["Sonderzählung", "Stand"]' in note
    assert list(tab.values.columns) == ["ew_ges", "alo"]  # left out, and said so
    assert tab.meta["unknown_columns"] == ["Sonderzählung", "Stand"]


def test_ignore_list_leaves_columns_out_silently(tmp_path):
    cat = read_catalogue(_catalogue(tmp_path, 'ignorieren = ["sonderzaehlung", "Stand"]'))
    assert cat.ignored == ("sonderzaehlung", "Stand")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        tab = read_catalogued_table(_table(tmp_path), columns=cat, year=2024)
    assert not [n for n in _notes(caught) if "Stand" in n or "Sonder" in n]
    assert list(tab.values.columns) == ["ew_ges", "alo"]


def test_ignore_list_must_be_a_list_of_texts(tmp_path):
    with pytest.raises(ConfigError, match=r"\[meta\] ignorieren = 3"):
        read_catalogue(_catalogue(tmp_path, "ignorieren = 3"))


def test_join_cli_gives_the_same_warning(tmp_path, capsys):
    cat_path = _catalogue(tmp_path)
    table = _table(tmp_path)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        read_catalogued_table(table, columns=read_catalogue(cat_path))
    expected = next(n for n in _notes(caught) if "Sonderzählung" in n)
    rc = main(
        [
            "join",
            str(_areas(tmp_path)),
            str(table),
            "--key",
            "sr_id",
            "--layer",
            "sr",
            "--katalog",
            str(cat_path),
        ]
    )
    err = capsys.readouterr().err
    assert rc == 0
    assert expected in err and err.count("Sonderzählung") == 2  # one warning (two mentions)


@pytest.fixture
def atlas(tmp_path):
    areas = gpd.read_file(_areas(tmp_path), layer="sr").set_index("sr_id")
    a = Atlas.open(tmp_path / "atlas.gpkg")
    a.add_areas(areas, "v2024", valid_from="2024-01-01", name="name")
    a.set_catalogue(_catalogue(tmp_path))
    yield a
    a.close()


def test_atlas_import_leaves_unknown_columns_out_with_the_same_warning(atlas, tmp_path):
    """It used to refuse the whole table ("Nichts importiert") for one unknown column."""
    table = _table(tmp_path)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        res = atlas.import_table(table, year=2024, key="Nr")
    assert res.created and res.n_values == 2 * len(KEYS)
    note = next(n for n in _notes(caught) if "Sonderzählung" in n)
    assert 'ignorieren = ["Sonderzählung", "Stand"]' in note
    stored = atlas.backend.frame("SELECT DISTINCT variable FROM atlas_values")
    assert sorted(stored["variable"]) == ["alo", "ew_ges"]


def test_atlas_import_keeps_join_warnings_and_lists_areas_without_data(atlas, tmp_path):
    """Regression: the import silenced the join's warnings, so a table matching few areas
    imported without a word."""
    table = _table(tmp_path, keys=KEYS[:3], name="wenige.csv")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        res = atlas.import_table(table, year=2024, key="Nr")
    assert res.areas_without_data == tuple(KEYS[3:])
    assert any("3 von 8" in n for n in _notes(caught)), _notes(caught)


def test_run_notes_keep_foreign_warnings():
    """Regression: the run dropped every warning that was not its own (numpy, k-means)."""
    import numpy as np

    from sozialraum.pipeline.run import run_notes

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        np.array([1.0]) / np.array([0.0])
        warnings.warn("Gebiet 'x' ohne Nachbarn", SozialraumWarning, stacklevel=1)
        warnings.warn("alternative='directed' will change", FutureWarning, stacklevel=1)
    notes = run_notes(caught)
    assert "Gebiet 'x' ohne Nachbarn" in notes
    assert any(n.startswith("RuntimeWarning (") and "divide by zero" in n for n in notes)
    assert not any("alternative" in n for n in notes)  # library versions: not a data note
    assert pd.Series(notes).is_unique
