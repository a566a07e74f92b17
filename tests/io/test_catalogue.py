"""The indicator catalogue: TOML and table forms, validation messages, header matching."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook

from sozialraum.errors import ConfigError, InputError
from sozialraum.io import Catalogue, read_catalogue
from sozialraum.io.catalogue import normalise_header

TOML = """
[meta]
name = "Indikatorenkatalog Testkreis"
version = "2024"

[variables.ew_ges]
label = "Einwohner insgesamt"
label_en = "Population, total"
unit = "Personen"
headers = ["Einwohner insgesamt", "Bevölkerung insgesamt"]
source = "Statistisches Landesamt"

[variables.ew_0_64]
label = "Einwohner unter 65 Jahre"
unit = "Personen"
headers = ["unter 65 Jahre"]

[variables.sgb2_pers]
label = "Personen in Bedarfsgemeinschaften"
headers = ["Personen in BG", "Personen in Bedarfsgemeinschaften"]

[variables.geburten]
label = "Geburten"

[indicators.sgb2_quote]
label = "SGB-II-Quote"
label_en = "SGB II rate"
unit = "%"
numerator = "sgb2_pers"
denominator = "ew_0_64"
per = 100
direction = "need"
dimension = "Arbeit & Einkommen"
source = "Jobcenter"
weight = 2.0
min_denominator = 300
description = "Personen in BG je 100 Einwohner unter 65"

[indicators.geburtenrate]
label = "Geburtenrate"
unit = "je 1.000"
numerator = "geburten"
denominator = "ew_ges"
per = 1000
direction = "resource"
dimension = "Demografie"

[indicators.ew_ges]
label = "Einwohner"
numerator = "ew_ges"
dimension = "Demografie"
"""


def _write(tmp_path: Path, text: str, name: str = "katalog.toml") -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_read_toml(tmp_path):
    cat = read_catalogue(_write(tmp_path, TOML))
    assert isinstance(cat, Catalogue)
    assert cat.meta == {"name": "Indikatorenkatalog Testkreis", "version": "2024"}
    assert list(cat.variables.index) == ["ew_ges", "ew_0_64", "sgb2_pers", "geburten"]
    assert cat.variables.loc["ew_ges", "headers"] == (
        "Einwohner insgesamt",
        "Bevölkerung insgesamt",
    )
    assert cat.variables.loc["geburten", "headers"] == ()
    assert cat.variables.loc["ew_0_64", "label_en"] is None
    ind = cat.indicators
    assert list(ind.index) == ["sgb2_quote", "geburtenrate", "ew_ges"]
    q = ind.loc["sgb2_quote"]
    assert (q["numerator"], q["denominator"], q["per"], q["direction"]) == (
        "sgb2_pers",
        "ew_0_64",
        100.0,
        "need",
    )
    assert (q["weight"], q["min_denominator"], q["unit"]) == (2.0, 300.0, "%")
    assert q["description"].startswith("Personen in BG")
    g = ind.loc["geburtenrate"]
    assert g["per"] == 1000.0 and g["direction"] == "resource" and g["weight"] == 1.0
    assert math.isnan(g["min_denominator"]) and g["description"] is None
    e = ind.loc["ew_ges"]  # an indicator that IS a variable value
    assert e["denominator"] is None and e["per"] == 1.0 and e["direction"] == "need"
    assert (
        ind["per"].dtype == float
        and ind["weight"].dtype == float
        and ind["min_denominator"].dtype == float
    )
    assert cat.dimensions() == ["Arbeit & Einkommen", "Demografie"]
    assert cat.path == tmp_path / "katalog.toml"


def test_header_map_is_case_space_umlaut_insensitive(tmp_path):
    cat = read_catalogue(_write(tmp_path, TOML))
    hm = cat.header_map()
    assert hm[normalise_header("  EINWOHNER\n insgesamt ")] == "ew_ges"
    assert hm[normalise_header("Bevoelkerung insgesamt")] == "ew_ges"
    assert hm[normalise_header("Bevölkerung  Insgesamt")] == "ew_ges"
    assert hm[normalise_header("Personen in BG 1)")] == "sgb2_pers"
    assert hm["sgb2_pers"] == "sgb2_pers" and hm["geburten"] == "geburten"
    assert hm[normalise_header("Einwohner unter 65 Jahre")] == "ew_0_64"  # the label matches too


def test_normalise_header():
    assert normalise_header("Einwohner\n  insgesamt") == "einwohner insgesamt"
    assert normalise_header("Größe¹") == "groesse"
    assert normalise_header("Anteil – Quote") == "anteil - quote"
    assert normalise_header("2)") == "2)"


def _replace(old: str, new: str) -> str:
    assert old in TOML
    return TOML.replace(old, new, 1)


@pytest.mark.parametrize(
    "text, needles",
    [
        (
            _replace('numerator = "geburten"', 'numerator = "geburtn"'),
            ["geburtenrate", "geburtn", "keine Variable"],
        ),
        (
            _replace('denominator = "ew_0_64"', 'denominator = "ew_bis_64"'),
            ["sgb2_quote", "ew_bis_64"],
        ),
        (
            _replace('direction = "resource"', 'direction = "hoch"'),
            ["geburtenrate", "hoch", "need", "resource"],
        ),
        (_replace("per = 1000", "per = 0"), ["geburtenrate", "per = 0", "positive"]),
        (_replace("per = 100\n", "per = -100\n"), ["sgb2_quote", "-100"]),
        (_replace('label = "Geburtenrate"\n', ""), ["geburtenrate", "kein label"]),
        (_replace('label = "Geburten"\n', ""), ["Variable", "geburten", "kein label"]),
        (
            TOML + '\n[indicators.sgb2_quote]\nlabel = "doppelt"\nnumerator = "sgb2_pers"\n',
            ["TOML", "sgb2_quote"],
        ),
        (_replace("weight = 2.0", 'weight = "viel"'), ["sgb2_quote", "weight", "viel"]),
        ("[meta]\nname = 'x'\n", ["keine Indikatoren"]),
    ],
)
def test_validation_errors_name_file_and_id(tmp_path, text, needles):
    p = _write(tmp_path, text)
    with pytest.raises(ConfigError) as exc:
        read_catalogue(p)
    msg = str(exc.value)
    assert "katalog.toml" in msg
    for needle in needles:
        assert needle in msg, (needle, msg)
    assert isinstance(exc.value, InputError)


def test_english_messages(tmp_path):
    p = _write(tmp_path, _replace('direction = "resource"', 'direction = "up"'))
    with pytest.raises(ConfigError, match="is invalid; allowed are"):
        read_catalogue(p, lang="en")


def test_header_assigned_twice_is_an_error(tmp_path):
    text = _replace(
        'headers = ["unter 65 Jahre"]', 'headers = ["unter 65 Jahre", "Einwohner insgesamt"]'
    )
    cat = read_catalogue(_write(tmp_path, text))
    with pytest.raises(ConfigError, match="ew_ges"):
        cat.header_map()


CSV = (
    "id;label;label_en;unit;numerator;denominator;per;direction;dimension;source;weight;min_denominator\n"
    "sgb2_quote;SGB-II-Quote;SGB II rate;%;sgb2_pers;ew_0_64;100;need;Arbeit & Einkommen;Jobcenter;;300\n"
    "kita_quote;Kita-Quote;;%;kita_kinder;ew_3_5;100;resource;Bildung;;0,5;\n"
)


def test_read_csv_catalogue(tmp_path):
    p = tmp_path / "katalog.csv"
    p.write_bytes(CSV.encode("cp1252"))
    cat = read_catalogue(p)
    ind = cat.indicators
    assert list(ind.index) == ["sgb2_quote", "kita_quote"]
    assert (
        ind.loc["sgb2_quote", "min_denominator"] == 300.0 and ind.loc["sgb2_quote", "weight"] == 1.0
    )
    assert ind.loc["kita_quote", "weight"] == 0.5 and math.isnan(
        ind.loc["kita_quote", "min_denominator"]
    )
    assert ind.loc["kita_quote", "label_en"] is None
    assert set(cat.variables.index) == {"sgb2_pers", "ew_0_64", "kita_kinder", "ew_3_5"}
    assert cat.dimensions() == ["Arbeit & Einkommen", "Bildung"]


def test_csv_catalogue_duplicate_ids_name_rows(tmp_path):
    p = tmp_path / "katalog.csv"
    p.write_text(CSV + "sgb2_quote;Doppelt;;%;a;b;100;need;X;;;\n", encoding="utf-8")
    with pytest.raises(ConfigError) as exc:
        read_catalogue(p)
    assert (
        "katalog.csv" in str(exc.value)
        and "'sgb2_quote'" in str(exc.value)
        and "2, 4" in str(exc.value)
    )


def test_read_xlsx_catalogue(tmp_path):
    wb = Workbook()
    ws = wb.active
    for line in CSV.strip().splitlines():
        ws.append([c if c else None for c in line.split(";")])
    p = tmp_path / "katalog.xlsx"
    wb.save(p)
    cat = read_catalogue(p)
    assert list(cat.indicators.index) == ["sgb2_quote", "kita_quote"]
    assert cat.indicators.loc["sgb2_quote", "per"] == 100.0


def test_missing_file(tmp_path):
    with pytest.raises(InputError, match="nicht gefunden"):
        read_catalogue(tmp_path / "fehlt.toml")


def test_musterland_catalogue(musterland):
    path = musterland["examples"] / "katalog.toml"
    if not path.exists():
        pytest.skip("examples/musterland/katalog.toml not generated yet")
    cat = read_catalogue(path)
    ids = {
        "anteil_0_17",
        "anteil_80plus",
        "wanderungssaldo",
        "sgb2_quote",
        "kinderarmut",
        "alo_quote",
        "grusi_quote",
        "ohne_abschluss",
        "kita_quote",
        "alleinerz_quote",
        "hze_quote",
        "pflege_quote",
        "leerstand_quote",
        "wahlbeteiligung",
        "geburtenrate",
    }
    assert ids <= set(cat.indicators.index)
    assert set(cat.indicators["direction"]) <= {"need", "resource"}
    assert (cat.indicators["per"] > 0).all()
    for col in ("numerator", "denominator"):
        used = {v for v in cat.indicators[col] if isinstance(v, str)}
        assert used <= set(cat.variables.index)
    assert cat.dimensions()[0] == "Demografie"
    hm = cat.header_map()
    assert hm[normalise_header("Einwohner insgesamt")] == "ew_ges"
    assert pd.api.types.is_float_dtype(cat.indicators["per"])
