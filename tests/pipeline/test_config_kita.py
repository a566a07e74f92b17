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


# ------------------------------------------------- one Kita deficit: [kita], not [[erreichbarkeit]]

_KITA_ACCESS_END = 'radius_m = 3000\n\n[[erreichbarkeit]]\nname = "Grundschule"'


def _access_line(path, key: str) -> int:
    """The line of ``key`` within the Kita entry of [[erreichbarkeit]]."""
    lines = path.read_text().splitlines()
    start = next(i for i, ln in enumerate(lines) if ln == 'name = "Kita-Versorgung"')
    return next(i for i, ln in enumerate(lines[start:], start + 1) if ln.startswith(key))


@pytest.mark.parametrize(
    ("extra", "key", "fix"),
    [
        ("bedarf_je_100 = 70", "bedarf_je_100", "quote_<gruppe> (in [kita])"),
        ("was_waere_wenn = [[454795, 5726934, 60]]", "was_waere_wenn", "in [kita]"),
    ],
)
def test_kita_access_with_a_deficit_of_its_own_is_refused(
    tmp_path, musterland_config, extra, key, fix
):
    """Regression: two Kita deficits (the access analysis' 70 per 100 beside [kita]'s groups)."""
    new = _KITA_ACCESS_END.replace("radius_m = 3000\n", f"radius_m = 3000\n{extra}\n")
    path = musterland_config(tmp_path, (_KITA_ACCESS_END, new))
    with pytest.raises(ConfigError) as e:
        load_config(path)
    msg = str(e.value)
    assert "'Kita-Versorgung'" in msg and "allein aus [kita]" in msg
    assert f"{key} (in [[erreichbarkeit]]) hier streichen" in msg and fix in msg
    assert e.value.row == _access_line(path, key) and e.value.column == key


def test_kita_access_with_another_catchment_is_refused_in_english(tmp_path, musterland_config):
    new = _KITA_ACCESS_END.replace("radius_m = 3000", "radius_m = 2500")
    path = musterland_config(tmp_path, (_KITA_ACCESS_END, new))
    with pytest.raises(ConfigError) as e:
        load_config(path, lang="en")
    msg = str(e.value)
    assert "2sfca, 2,500 m) differs from methode, radius_m (in [kita]) (2sfca, 3,000 m)" in msg
    assert 'methode = "naechste"' in msg


def test_every_problem_of_the_kita_access_is_collected(tmp_path, musterland_config):
    new = _KITA_ACCESS_END.replace(
        "radius_m = 3000\n",
        "radius_m = 3000\nbedarf_je_100 = 70\nwas_waere_wenn = [[454795, 5726934, 60]]\n",
    )
    path = musterland_config(tmp_path, (_KITA_ACCESS_END, new), _E2SFCA)
    found = [e for e in collect_config(path)[1] if "Kita-Versorgung" in str(e)]
    assert sorted(e.column for e in found) == ["bedarf_je_100", "methode", "was_waere_wenn"]


_KITA_METHOD = 'zielgruppe = ["ew_0_2", "ew_3_5"]\nmethode = "2sfca"'
_E2SFCA = (_KITA_METHOD, _KITA_METHOD.replace("2sfca", "e2sfca"))


@pytest.mark.parametrize("method", ["naechste", "netz"])
def test_kita_distances_beside_kita_planning_are_fine(tmp_path, musterland_config, method):
    new = _KITA_ACCESS_END.replace("radius_m = 3000", "radius_m = 1500")
    path = musterland_config(
        tmp_path,
        (_KITA_ACCESS_END, new),
        (_KITA_METHOD, _KITA_METHOD.replace("2sfca", method)),
    )
    assert load_config(path)["erreichbarkeit"][0]["methode"] == method


def test_without_kita_planning_the_access_keeps_its_own_target(tmp_path, musterland_config):
    import re

    new = _KITA_ACCESS_END.replace("radius_m = 3000\n", "radius_m = 3000\nbedarf_je_100 = 70\n")
    path = musterland_config(tmp_path, (_KITA_ACCESS_END, new))
    path.write_text(re.sub(r"(?ms)^\[kita\].*?(?=^\[)", "", path.read_text()), encoding="utf-8")
    assert load_config(path)["erreichbarkeit"][0]["bedarf_je_100"] == 70
