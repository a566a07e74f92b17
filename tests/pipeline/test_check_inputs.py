"""``sozialraum check`` reads every input of the planning sections, with broken Musterland copies.

Each broken copy gives an error finding in its topic naming the file and the setting in
``monitor.toml`` words; broken together, every problem is listed in one report.
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest

from sozialraum.pipeline.check import ERROR, check_config


def _csv(src, dst, change) -> str:
    frame = pd.read_csv(src, sep=";", dtype=str, keep_default_na=False)
    frame = change(frame)
    frame.to_csv(dst, sep=";", index=False)
    return str(dst)


def _broken(tmp_path, ex, name: str, change):
    """(old, new) replacing the file ``name`` of the config by a broken copy."""
    return f'"{(ex / name).resolve()}"', f'"{_csv(ex / name, tmp_path / name, change)}"'


def _set(frame, col, row, value):
    frame.loc[row, col] = value
    return frame


def _errors(report, topic):
    return [f for f in report.findings if f.severity == ERROR and f.topic == topic]


def _population_copies(tmp_path, ex, change2024):
    """Copies of the population tables (2024 changed) and the config's pattern replaced."""
    for y in range(2020, 2025):
        src = ex / f"bevoelkerung_alter_{y}.csv"
        _csv(src, tmp_path / src.name, change2024 if y == 2024 else (lambda f: f))
    old = f'"{(ex / "bevoelkerung_alter_{jahr}.csv").resolve()}"'
    return old, f'"{tmp_path / "bevoelkerung_alter_{jahr}.csv"}"'


def test_check_finds_kita_places_of_unknown_kitas(tmp_path, musterland, musterland_config):
    ex = musterland["examples"]
    rep = check_config(
        musterland_config(
            tmp_path, _broken(tmp_path, ex, "kita_plaetze.csv", lambda f: _set(f, "id", 1, "X9"))
        )
    )
    errs = _errors(rep, "kita")
    assert errs, rep.to_text()
    text = " | ".join(f.message for f in errs)
    assert "kita_plaetze.csv" in text and "X9" in text
    assert any(f.key == "plaetze (in [kita])" for f in errs)
    assert "[Kita-Planung]" in rep.to_text()


def test_check_finds_kita_places_without_id_column(tmp_path, musterland, musterland_config):
    ex = musterland["examples"]
    change = lambda f: f.rename(columns={"id": "kita"})  # noqa: E731
    rep = check_config(
        musterland_config(tmp_path, _broken(tmp_path, ex, "kita_plaetze.csv", change))
    )
    text = " | ".join(f.message for f in _errors(rep, "kita"))
    assert "'id'" in text and "id_spalte" in text, rep.to_text()


def test_check_finds_population_keys_without_area(tmp_path, musterland, musterland_config):
    """Regression: the check read the population tables but not their keys; the run failed."""
    ex = musterland["examples"]
    pop = _population_copies(tmp_path, ex, lambda f: _set(f, "sr_id", 0, "07999009999"))
    rep = check_config(musterland_config(tmp_path, pop))
    errs = _errors(rep, "demografie")
    text = " | ".join(f.message for f in errs)
    assert "07999009999" in text and "dateien (in [demografie])" in text, rep.to_text()


def test_check_finds_bad_control_totals(tmp_path, musterland, musterland_config):
    ex = musterland["examples"]
    rep = check_config(
        musterland_config(
            tmp_path,
            _broken(
                tmp_path, ex, "landesvorausberechnung.csv", lambda f: _set(f, "anzahl", 4, "x")
            ),
        )
    )
    text = " | ".join(f.message for f in _errors(rep, "demografie"))
    assert "landesvorausberechnung.csv" in text and "eckwerte (in [demografie])" in text
    assert "Zeile 6" in text and "'anzahl'" in text, text


def test_check_finds_school_districts_without_key_column(tmp_path, musterland, musterland_config):
    ex = musterland["examples"]
    layer = gpd.read_file(ex / "schulbezirke.gpkg", layer="schulbezirke")
    layer.rename(columns={"bezirk_id": "nr"}).to_file(
        tmp_path / "schulbezirke.gpkg", layer="schulbezirke"
    )
    rep = check_config(
        musterland_config(
            tmp_path,
            (f'"{(ex / "schulbezirke.gpkg").resolve()}"', f'"{tmp_path / "schulbezirke.gpkg"}"'),
        )
    )
    errs = _errors(rep, "schulen")
    assert errs and "bezirk_id" in errs[0].message, rep.to_text()
    assert errs[0].key == "bezirke (in [schulen])"


def test_check_lists_every_broken_planning_input_at_once(tmp_path, musterland, musterland_config):
    ex = musterland["examples"]
    pop = _population_copies(tmp_path, ex, lambda f: _set(f, "sr_id", 0, "07999009999"))
    rep = check_config(
        musterland_config(
            tmp_path,
            pop,
            _broken(tmp_path, ex, "kita_plaetze.csv", lambda f: _set(f, "id", 1, "X9")),
            _broken(tmp_path, ex, "pflege_praevalenz.csv", lambda f: _set(f, "quote", 3, "130")),
            _broken(tmp_path, ex, "regionen.csv", lambda f: f.drop(columns=["amt"])),
            _broken(tmp_path, ex, "hze_faelle.csv", lambda f: _set(f, "sr_id", 0, "07999008888")),
            _broken(tmp_path, ex, "demografie_raten.csv", lambda f: _set(f, "alter", 2, "zwei")),
        )
    )
    assert not rep.ok
    for topic in ("demografie", "kita", "pflege", "regionen", "hze"):
        assert _errors(rep, topic), (topic, rep.to_text())
    demo = " | ".join(f.message for f in _errors(rep, "demografie"))
    assert "07999009999" in demo and "raten (in [demografie])" in demo, demo


@pytest.mark.parametrize("argv", [["check"], ["run", "--check"]])
def test_check_command_and_run_check_name_the_kita_places(
    tmp_path, musterland, musterland_config, capsys, argv
):
    from sozialraum.cli import main

    ex = musterland["examples"]
    cfg = musterland_config(
        tmp_path, _broken(tmp_path, ex, "kita_plaetze.csv", lambda f: _set(f, "id", 1, "X9"))
    )
    assert main([*argv, str(cfg)]) == 1
    out = capsys.readouterr()
    assert "kita_plaetze.csv" in out.out + out.err and "X9" in out.out + out.err


def test_check_of_musterland_planning_inputs_is_clean(musterland):
    rep = check_config(musterland["examples"] / "monitor.toml")
    for topic in ("demografie", "kita", "schulen", "pflege", "regionen", "hze"):
        assert not _errors(rep, topic), rep.to_text()


def test_check_finds_bad_numbers_in_kita_places(tmp_path, musterland, musterland_config):
    ex = musterland["examples"]
    change = lambda f: _set(f, "krippe", 2, "viele")  # noqa: E731
    rep = check_config(
        musterland_config(tmp_path, _broken(tmp_path, ex, "kita_plaetze.csv", change))
    )
    errs = _errors(rep, "kita")
    assert errs, rep.to_text()
    assert "'krippe'" in errs[0].message and errs[0].area == "KITA003"
    assert errs[0].key == "plaetze (in [kita])"


def test_check_names_a_missing_kita_places_file(tmp_path, musterland, musterland_config):
    ex = musterland["examples"]
    old = f'"{(ex / "kita_plaetze.csv").resolve()}"'
    rep = check_config(musterland_config(tmp_path, (old, f'"{tmp_path / "fehlt.csv"}"')))
    errs = [f for f in rep.findings if f.severity == ERROR and "fehlt.csv" in f.message]
    assert errs and "plaetze" in errs[0].message, rep.to_text()
