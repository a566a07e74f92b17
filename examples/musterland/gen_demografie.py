"""Musterland's demography inputs beyond the population tables (called from generate.py).

* ``wanderung_junge_<Jahr>.csv`` (2022–2024): population aged 18–24 and the moves of
  18- to 24-year-olds across each area's boundary, taken from the same simulation as
  the population tables (age at the end of the year), so that the indicator
  "Wanderungssaldo der 18- bis 24-Jährigen" agrees with the age tables;
* ``landesvorausberechnung.csv``: the (fictitious) Land's projection for the district,
  total population per scenario and year 2025–2040, the control totals of
  ``[demografie] eckwerte``;
* the catalogue entries of the new variables and the indicator (appended to
  ``katalog.toml``).

No random numbers are drawn here: everything follows from the simulation's results
and fixed assumptions, so re-runs are byte-identical.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

#: The Land's assumed average annual change of the district population per scenario.
LAND_CHANGE = (("niedrig", -0.0095), ("mittel", -0.006), ("hoch", -0.003))
LAND_YEARS = range(2025, 2041)
YOUNG = (18, 24)

_HEAD = {
    "ew_18_24": "Einwohner 18 bis unter 25 Jahre",
    "zuzuege_18_24": "Zuzüge 18 bis 24 Jahre",
    "fortzuege_18_24": "Fortzüge 18 bis 24 Jahre",
    "saldo_wanderung_18_24": "Wanderungssaldo 18 bis 24 Jahre",
}

#: appended to the catalogue's last section, ``[relations]``
RELATION = 'saldo_wanderung_18_24 = "zuzuege_18_24 - fortzuege_18_24"\n'

CATALOGUE = """
# --- Demografie-Monitor: junge Erwachsene (erzeugt von gen_demografie.py) ---------
[variables.ew_18_24]
label = "Einwohner 18 bis unter 25 Jahre"
label_en = "Population aged 18-24"
unit = "Personen"
headers = ["Einwohner 18 bis unter 25 Jahre", "18 bis unter 25 Jahre"]
source = "Statistisches Landesamt, Einwohnermelderegister"

[variables.zuzuege_18_24]
label = "Zuzüge der 18- bis 24-Jährigen"
label_en = "In-migration aged 18-24"
unit = "Personen"
headers = ["Zuzüge 18 bis 24 Jahre"]
source = "Statistisches Landesamt, Wanderungsstatistik"

[variables.fortzuege_18_24]
label = "Fortzüge der 18- bis 24-Jährigen"
label_en = "Out-migration aged 18-24"
unit = "Personen"
headers = ["Fortzüge 18 bis 24 Jahre"]
source = "Statistisches Landesamt, Wanderungsstatistik"

[variables.saldo_wanderung_18_24]
label = "Wanderungssaldo der 18- bis 24-Jährigen"
label_en = "Net migration aged 18-24"
unit = "Personen"
headers = ["Wanderungssaldo 18 bis 24 Jahre"]
source = "Statistisches Landesamt, Wanderungsstatistik"

# beschreibend (ohne Dimension): geht in keinen Index ein
[indicators.wanderung_18_24]
label = "Wanderungssaldo der 18- bis 24-Jährigen je 1.000"
label_en = "Net migration aged 18-24 per 1,000"
unit = "‰"
numerator = "saldo_wanderung_18_24"
denominator = "ew_18_24"
per = 1000
direction = "resource"
source = "Statistisches Landesamt, Wanderungsstatistik"
weight = 1.0
description = "Zuzüge minus Fortzüge der 18- bis 24-Jährigen je 1.000 Einwohner dieses Alters (Abwanderung junger Menschen)"
"""


def young_migration(sr, pops, flows, year: int) -> dict[str, np.ndarray]:
    """The four counts of one year per area (in the order of ``sr``)."""
    lo, hi = YOUNG
    ew = pops[year][:, lo : hi + 1, :].sum(axis=(1, 2))
    zu = flows[year]["zuzuege_18_24"]
    fort = flows[year]["fortzuege_18_24"]
    return {
        "ew_18_24": ew,
        "zuzuege_18_24": zu,
        "fortzuege_18_24": fort,
        "saldo_wanderung_18_24": zu - fort,
    }


def write_young_migration(path: Path, sr, pops, flows, year: int) -> None:
    """``wanderung_junge_<year>.csv`` (UTF-8, ``;``) with the area key ``Sozialraum``."""
    vals = young_migration(sr, pops, flows, year)
    lines = [";".join(["Sozialraum", *(_HEAD[k] for k in vals)])]
    for i, key in enumerate(sr.index):
        lines.append(";".join([str(key), *(str(int(v[i])) for v in vals.values())]))
    Path(path).write_text("\n".join(lines) + "\n", encoding="utf-8")


def write_land_projection(path: Path, base_total: int, base_year: int = 2024) -> None:
    """``landesvorausberechnung.csv``: ``jahr;szenario;anzahl`` (district totals)."""
    lines = ["jahr;szenario;anzahl"]
    for y in LAND_YEARS:
        for name, r in LAND_CHANGE:
            lines.append(f"{y};{name};{round(base_total * (1.0 + r) ** (y - base_year))}")
    Path(path).write_text("\n".join(lines) + "\n", encoding="utf-8")


def write_all(out: Path, sr, pops, flows, years) -> None:
    """Write the files above into ``out`` and append the catalogue entries."""
    for y in years:
        write_young_migration(out / f"wanderung_junge_{y}.csv", sr, pops, flows, y)
    last = max(pops)
    write_land_projection(out / "landesvorausberechnung.csv", int(pops[last].sum()), last)
    cat = out / "katalog.toml"
    text = cat.read_text(encoding="utf-8").rstrip("\n") + "\n"
    assert text.rfind("[relations]") > text.rfind("\n["), "[relations] must be the last section"
    cat.write_text(text + RELATION + CATALOGUE, encoding="utf-8")
