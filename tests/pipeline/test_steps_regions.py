"""The run's region sets: [[regionen]] in monitor.toml, the Amt level of [gliederung]."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from sozialraum.core.doors import using_door
from sozialraum.errors import ConfigError
from sozialraum.join.regions import read_region_set
from sozialraum.pipeline.config import load_config
from sozialraum.pipeline.run import RunState
from sozialraum.pipeline.steps_regions import _stage_check

EX = Path(__file__).resolve().parents[2] / "examples" / "musterland"


@pytest.fixture(scope="module")
def cfg():
    return load_config(EX / "monitor.toml")


def _sets(cfg):
    return [
        read_region_set(
            r["datei"],
            name=r["name"],
            member_col=r["schluessel"],
            region_col=r["region"],
            name_col=r["region_name"],
            stage=r["stufe"],
        )
        for r in cfg["regionen"]
    ]


def test_musterland_config_has_two_region_sets_and_the_amt_level(cfg):
    assert [r["name"] for r in cfg["regionen"]] == ["Ämter", "LEADER-Regionen"]
    assert cfg["gliederung"]["stufen"] == ["Landkreis", "Amt", "Gemeinde", "Sozialraum"]
    assert cfg["hze"]["datei"].name == "hze_faelle.csv"
    _stage_check(RunState(config=cfg, lang="de"), _sets(cfg))  # no error


def test_amt_level_without_its_region_set_is_refused(cfg):
    sets = [s for s in _sets(cfg) if s.stage is None]
    with using_door("config"), pytest.raises(ConfigError) as e:
        _stage_check(RunState(config=cfg, lang="de"), sets)
    msg = str(e.value)
    assert "'Amt'" in msg and "stufe (in [[regionen]])" in msg


def test_stage_that_is_no_level_is_refused(cfg):
    c2 = copy.copy(cfg)
    object.__setattr__(c2, "sections", dict(cfg.sections))
    sets = _sets(cfg)
    bad = [type(s)(**{**s.__dict__, "stage": "Bezirk"}) if s.stage else s for s in sets]
    with using_door("config"), pytest.raises(ConfigError, match="'Bezirk' ist keine Zwischenstufe"):
        _stage_check(RunState(config=c2, lang="de"), bad)


def test_region_set_without_region_column_key_is_a_config_error(tmp_path):
    text = (EX / "monitor.toml").read_text(encoding="utf-8").replace('region = "leader"\n', "")
    p = EX / "_tmp_monitor_regionen.toml"
    p.write_text(text, encoding="utf-8")
    try:
        with pytest.raises(ConfigError, match=r"\[regionen\] region fehlt"):
            load_config(p)
    finally:
        p.unlink()


def test_check_lists_an_uncovering_region_set_and_a_bad_hze_type(tmp_path, musterland_config):
    from sozialraum.pipeline.check import ERROR, check_config

    reg = (EX / "regionen.csv").read_text(encoding="utf-8").splitlines()
    (tmp_path / "leader.csv").write_text(
        "\n".join(ln for ln in reg if not ln.startswith("07999010")) + "\n", encoding="utf-8"
    )
    hze = (EX / "hze_faelle.csv").read_text(encoding="utf-8").splitlines()
    cells = hze[5].split(";")
    cells[3] = "§ 99"  # the type of help of file row 6
    hze[5] = ";".join(cells)
    (tmp_path / "hze.csv").write_text("\n".join(hze) + "\n", encoding="utf-8")
    leader = str(EX / "regionen.csv")
    cfg = musterland_config(
        tmp_path,
        (
            f'datei = "{leader}"\nschluessel = "ags"\nregion = "leader"',
            f'datei = "{tmp_path / "leader.csv"}"\nschluessel = "ags"\nregion = "leader"',
        ),
        (f'datei = "{EX / "hze_faelle.csv"}"', f'datei = "{tmp_path / "hze.csv"}"'),
    )
    with using_door("config"):
        rep = check_config(cfg)
    errs = [f for f in rep.findings if f.severity == ERROR]
    reg_err = next(f for f in errs if f.topic == "regionen")
    assert "07999010" in reg_err.message and "leader.csv" in reg_err.message
    hze_err = next(f for f in errs if f.topic == "hze")
    assert "Zeile 6" in hze_err.message and "'§ 99'" in hze_err.message and hze_err.row == 6
