"""[kita] and [schulen] in monitor.toml: bad settings are refused naming file, line and key."""

from __future__ import annotations

import pytest

from sozialraum.errors import ConfigError
from sozialraum.pipeline.config import collect_config, load_config


def test_musterland_kita_settings_load(musterland):
    cfg = load_config(musterland["examples"] / "monitor.toml")
    k = cfg["kita"]
    assert (k["quote_krippe"], k["quote_kindergarten"], k["quote_hort"]) == (45.0, 95.0, 50.0)
    assert k["jahre"] == [2030, 2035] and len(k["was_waere_wenn"]) == 3
    assert cfg["schulen"]["bezirke"].name == "schulbezirke.gpkg"


def _line(path, text: str) -> int:
    """The line of ``text`` within [kita]."""
    lines = path.read_text().splitlines()
    start = next(i for i, ln in enumerate(lines) if ln.startswith("[kita]"))
    return next(i for i, ln in enumerate(lines[start:], start + 1) if ln.startswith(text))


@pytest.mark.parametrize(
    ("old", "new", "key", "words"),
    [
        ("quote_krippe = 45 ", "quote_krippe = 145 ", "quote_krippe", "zwischen 0 und 100"),
        ("quote_hort = 50 ", "quote_hort = -5 ", "quote_hort", "zwischen 0 und 100"),
        (
            "quote_hort = 50 ",
            "alter_kindergarten = [4, 5]\nquote_hort = 50 ",
            "alter_kindergarten",
            "beginnt bei 4, erwartet 3",
        ),
        (
            "quote_hort = 50 ",
            "alter_hort = [5, 9]\nquote_hort = 50 ",
            "alter_hort",
            "beginnt bei 5, erwartet 6",
        ),
        (
            '{ art = "schliessung", id = "KITA007" }',
            '{ art = "abriss", id = "KITA007" }',
            "was_waere_wenn",
            "abriss",
        ),
    ],
)
def test_bad_kita_settings_name_the_key(tmp_path, musterland_config, old, new, key, words):
    path = musterland_config(tmp_path, (old, new))
    with pytest.raises(ConfigError) as e:
        load_config(path)
    msg = str(e.value)
    assert f"{key} (in [kita])" in msg and words in msg
    assert e.value.row == _line(path, key)


def test_years_beyond_the_projection_are_refused(tmp_path, musterland_config):
    path = musterland_config(tmp_path, ("jahre = [2030, 2035]", "jahre = [2030, 2040]"))
    errors = collect_config(path)[1]
    msgs = [str(e) for e in errors]
    assert any("[kita]" in m and "2040" in m and "2035" in m for m in msgs)
    assert any("[schulen]" in m and "2040" in m for m in msgs)
    assert all(e.column == "jahre" for e in errors)


def test_rates_in_english(tmp_path, musterland_config):
    path = musterland_config(tmp_path, ("quote_krippe = 45 ", "quote_krippe = 101 "))
    with pytest.raises(ConfigError, match="percentage between 0 and 100"):
        load_config(path, lang="en")
