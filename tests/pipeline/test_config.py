"""The run configuration: the Musterland config validates; every error names line and key."""

from __future__ import annotations

import shutil
import tomllib

import pytest

from sozialraum.errors import ConfigError
from sozialraum.pipeline.config import SCHEMA, load_config, template


@pytest.fixture()
def cfg_dir(musterland_config, tmp_path):
    """A copy of the Musterland config whose paths point back to the shipped data."""
    musterland_config(tmp_path)
    return tmp_path


def edit(cfg_dir, old: str, new: str):
    p = cfg_dir / "monitor.toml"
    text = p.read_text(encoding="utf-8")
    assert old in text, old
    p.write_text(text.replace(old, new, 1), encoding="utf-8")
    return p


def line_of(path, needle: str) -> int:
    return next(
        i for i, ln in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if needle in ln
    )


def test_musterland_config_is_valid(musterland):
    cfg = load_config(musterland["examples"] / "monitor.toml")
    assert cfg["projekt"]["berichtsjahr"] == 2024
    assert cfg["gebiete"]["datei"].is_file()
    assert [a["methode"] for a in cfg["erreichbarkeit"]] == ["2sfca", "netz", "naechste", "e2sfca"]
    assert cfg["raeumlich"]["permutationen"] == 999  # defaults filled, values kept
    files = cfg.files(cfg["tabellen"][1]["datei"], cfg["tabellen"][1]["jahre"])
    assert all(p.is_file() for p in files.values())


def test_typo_in_a_key_names_line_and_suggests(cfg_dir):
    p = edit(cfg_dir, "permutationen = 999", "permutationn = 999")
    with pytest.raises(ConfigError) as err:
        load_config(p)
    msg = str(err.value)
    assert f"monitor.toml:{line_of(p, 'permutationn')}" in msg
    assert "'permutationen'" in msg  # suggestion


def test_wrong_type_and_choice(cfg_dir):
    p = edit(cfg_dir, "klassen_anzahl = 5", 'klassen_anzahl = "fünf"')
    with pytest.raises(
        ConfigError, match=rf"monitor.toml:{line_of(p, 'klassen_anzahl')}.*ganze Zahl"
    ):
        load_config(p)
    p = edit(cfg_dir, 'klassen_anzahl = "fünf"', "klassen_anzahl = 5")
    p = edit(cfg_dir, 'korrektur = "fdr"', 'korrektur = "holm"')
    with pytest.raises(ConfigError, match="'bonferroni'"):
        load_config(p)


def test_missing_file_of_one_year_is_named(cfg_dir, musterland):
    p = edit(cfg_dir, "jahre = [2022, 2023, 2024]", "jahre = [2021, 2022, 2023, 2024]")
    with pytest.raises(ConfigError, match="indikatoren_2021.xlsx"):
        load_config(p)


def test_required_key_and_unknown_section(cfg_dir):
    p = edit(cfg_dir, 'schluessel = "sr_id"\nname', "name")
    with pytest.raises(ConfigError, match=r"\[gebiete\] schluessel fehlt"):
        load_config(p)
    p2 = cfg_dir / "b.toml"
    p2.write_text(
        (cfg_dir / "monitor.toml").read_text(encoding="utf-8").replace("[raster]", "[rastr]"),
        encoding="utf-8",
    )
    with pytest.raises(ConfigError, match="'raster'"):
        load_config(p2)


def test_alpha_range_and_bad_toml(cfg_dir):
    p = edit(cfg_dir, "alpha = 0.05", "alpha = 5")
    with pytest.raises(ConfigError, match="zwischen 0 und 1"):
        load_config(p)
    bad = cfg_dir / "bad.toml"
    bad.write_text("[projekt\nname = 1", encoding="utf-8")
    with pytest.raises(ConfigError, match="kein gültiges TOML"):
        load_config(bad)


def test_template_is_valid_toml_and_lists_every_key():
    text = template()
    tomllib.loads(text)
    for section, keys in SCHEMA.items():
        assert section in text
        for key in keys:
            assert f"{key} =" in text, key
    assert "Konfiguration" in text and "configuration" in template("en").lower()


def test_missing_config_file(tmp_path):
    with pytest.raises(ConfigError, match="sozialraum init"):
        load_config(tmp_path / "nope.toml")


def test_copy_of_shipped_config_validates(cfg_dir):
    shutil.copy(cfg_dir / "monitor.toml", cfg_dir / "copy.toml")
    assert load_config(cfg_dir / "copy.toml")["projekt"]["name"] == "Landkreis Musterland"


def test_progress_bar_of_a_long_step(musterland):
    from sozialraum.pipeline.run import RunState

    lines: list[str] = []
    cfg = load_config(musterland["examples"] / "monitor.toml")
    assert RunState(config=cfg, lang="de").progress("x") is None  # silent run: no bar
    report = RunState(config=cfg, lang="de", echo=lines.append).progress("Steckbriefe")
    for i in range(1, 92):
        report(i, 91)
    assert len(lines) == 11  # once per tenth, plus the end
    assert lines[-1] == "   Steckbriefe: ██████████ 91/91"
    assert lines[4].endswith("░░░░░░ 37/91")
