"""Musterland's planning cycle: the measures register and the planners' recommendations.

Called once from ``generate.py`` with the Sozialraum table and the counts of every
year. Nothing here draws from the generator's shared random numbers: the measures
are placed where the 2022 counts show need, by fixed rules (no random draw at all), so
the other files stay byte-identical and a re-run writes the same two files.

Writes

* ``massnahmen.csv`` — twelve measures started 2023–2025 (Soziale Stadt, family
  centres, school social work, language support in Kitas, employment, care,
  youth work, housing, seniors, participation, a new Kita), with target indicator,
  target value and date, status and responsible body;
* ``empfehlungen.md`` — recommendations and target agreements for every
  municipality and for the areas with measures (no figures in the text: the
  packages' checker compares every number with withheld values).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

#: indicator → (numerator, denominator, per): as in katalog.toml
RATES = {
    "kinderarmut": ("sgb2_u15", "ew_0_14", 100),
    "sgb2_quote": ("sgb2_pers", "ew_0_64", 100),
    "alo_quote": ("alo", "ew_15_64", 100),
    "ohne_abschluss": ("schulabg_ohne", "schulabg", 100),
    "kita_quote": ("kita_kinder", "ew_3_5", 100),
    "pflege_quote": ("pflege", "ew_65plus", 100),
    "grusi_quote": ("grusi", "ew_65plus", 100),
    "hze_quote": ("hze", "ew_0_20", 1000),
    "leerstand_quote": ("leerstand", "wohnungen", 100),
    "wahlbeteiligung": ("waehler", "wahlber", 100),
    "alleinerz_quote": ("hh_alleinerz", "hh_kind", 100),
}

HEADER = (
    "id;name;gebiete;beginn;ende;thema;ziele;beschreibung;"
    "zielindikator;zielwert;zieldatum;status;traeger"
)


#: Areas the 2025 boundary reform changes (make_boundary_change.py): a measure begun in
#: 2025 names the areas valid then, so these are left out of its choice.
REFORMED = ("07999001012", "07999010005", "07999010006")


def _rate(counts: pd.DataFrame, ind: str) -> pd.Series:
    num, den, per = RATES[ind]
    d = counts[den].astype(float).replace(0, np.nan)
    return counts[num].astype(float) / d * per


def _top(values: pd.Series, keys, n: int, *, ascending: bool = False) -> list[str]:
    v = values.reindex(list(keys)).dropna().sort_values(ascending=ascending, kind="stable")
    return list(v.index[:n])


def _target(counts: pd.DataFrame, ind: str, areas: list[str], change: float) -> str:
    """Target value: the areas' mean rate in the year before the start moved by ``change``
    (relative), to one decimal."""
    base = float(_rate(counts, ind).reindex(areas).mean())
    return f"{base * (1 + change):.1f}".replace(".", ",")


def _areas(sr: pd.DataFrame, gemeinde: str, inner: bool | None = None) -> list[str]:
    sel = sr["gemeinde"] == gemeinde
    if inner is not None:
        sel &= sr["inner"] == inner
    return list(sr.index[sel & ~sr["exclave"]])


def _measures(sr: pd.DataFrame, c22: pd.DataFrame) -> list[tuple]:
    """The twelve measures: (id, name, areas, start, end, theme, targets, text, goal, change,
    date, status, body)."""
    ka, sg = _rate(c22, "kinderarmut"), _rate(c22, "sgb2_quote")
    town = _areas(sr, "Musterstadt")
    town_inner = _areas(sr, "Musterstadt", inner=True)
    qm = "07999001005"
    fam = [a for a in _top(ka, town_inner, 3) if a != qm][:2]
    sprach = [a for a in _top(ka, town, 5) if a not in fam and a != qm][:3]
    besch = [a for a in _top(sg, sr.index, 9) if a not in (qm, *fam, *sprach)][:3]
    spree = _areas(sr, "Spreewitz", inner=True)[:3]
    rural = [
        a for g in ("Heidefeld", "Wendischbrück", "Löbenhain", "Fließtal") for a in _areas(sr, g)
    ]
    care = _top(_rate(c22, "pflege_quote"), rural, 3)
    youth = _areas(sr, "Heidefeld") + _areas(sr, "Wendischbrück")
    sued = list(sr.index[sr["name"] == "Südstadt"])
    lotsen = [a for a in _top(ka, sr.index, 8) if a not in (qm, *fam, *sprach)][:3]
    ecke = _areas(sr, "Tränkewitz") + _areas(sr, "Großwusterwitz")
    senior = _top(_rate(c22, "grusi_quote"), ecke, 4)
    teil = _top(-_rate(c22, "wahlbeteiligung"), [a for a in town if a not in REFORMED], 3)
    nordost = _top(-_rate(c22, "kita_quote"), [a for a in ecke if a not in REFORMED], 2)
    return [
        (
            "QM-2023-01",
            "Quartiersmanagement Wohnpark Am Sonnenhang",
            [qm],
            "2023-01-01",
            "2026-12-31",
            "Soziale Stadt",
            ["sgb2_quote", "kinderarmut"],
            "Quartiersmanagement, Familienzentrum und Beschäftigungsprojekt (fiktiv)",
            "kinderarmut",
            -0.15,
            "2026-12-31",
            "laufend",
            "Stadt Musterstadt, Quartiersmanagement",
        ),
        (
            "FZ-2023-02",
            "Familienzentren in der Innenstadt",
            fam,
            "2023-03-01",
            "",
            "Familie",
            ["kinderarmut", "alleinerz_quote"],
            "Zwei Kitas werden zu Familienzentren (fiktiv)",
            "kinderarmut",
            -0.10,
            "2027-12-31",
            "laufend",
            "Caritas Musterland",
        ),
        (
            "SSA-2023-03",
            "Schulsozialarbeit Oberschule Spreewitz",
            spree,
            "2023-08-01",
            "",
            "Bildung",
            ["ohne_abschluss"],
            "Zwei Stellen Schulsozialarbeit (fiktiv)",
            "ohne_abschluss",
            -0.25,
            "2026-07-31",
            "laufend",
            "AWO Kreisverband Musterland e. V.",
        ),
        (
            "KITA-2023-04",
            "Sprach-Kitas Musterstadt",
            sprach,
            "2023-09-01",
            "2025-12-31",
            "Bildung",
            ["kita_quote"],
            "Alltagsintegrierte Sprachbildung in drei Kitas (fiktiv)",
            "kita_quote",
            0.08,
            "2025-12-31",
            "laufend",
            "Stadt Musterstadt, Kita-Eigenbetrieb",
        ),
        (
            "BESCH-2023-05",
            "Arbeit im Quartier",
            besch,
            "2023-04-01",
            "2025-03-31",
            "Arbeit",
            ["sgb2_quote", "alo_quote"],
            "Beschäftigung und Qualifizierung vor Ort (fiktiv)",
            "sgb2_quote",
            -0.10,
            "2025-03-31",
            "laufend",
            "Jobcenter Musterland",
        ),
        (
            "PFL-2024-06",
            "Pflegestützpunkt ländlicher Raum",
            care,
            "2024-01-01",
            "",
            "Pflege",
            ["pflege_quote"],
            "Beratung zu Pflege und Entlastung in drei Dörfern (fiktiv)",
            "",
            None,
            "",
            "laufend",
            "Pflegekassen und Landkreis Musterland",
        ),
        (
            "JUG-2024-07",
            "Mobile Jugendarbeit Heide",
            youth,
            "2024-02-01",
            "",
            "Jugend",
            ["hze_quote"],
            "Mobile Jugendarbeit in zwei Gemeinden (fiktiv)",
            "hze_quote",
            -0.10,
            "2027-12-31",
            "laufend",
            "Jugendamt Landkreis Musterland",
        ),
        (
            "WOHN-2024-08",
            "Wohnumfeld Südstadt",
            sued,
            "2024-04-01",
            "2026-12-31",
            "Wohnen",
            ["leerstand_quote"],
            "Hofgestaltung und Mieterbeirat (fiktiv)",
            "leerstand_quote",
            -0.20,
            "2026-12-31",
            "laufend",
            "Wohnungsbaugesellschaft Musterstadt",
        ),
        (
            "LOTSE-2024-09",
            "Stadtteilmütter",
            lotsen,
            "2024-01-01",
            "2024-09-30",
            "Familie",
            ["kinderarmut"],
            "Förderung endete vorzeitig (fiktiv)",
            "kinderarmut",
            -0.05,
            "2025-12-31",
            "abgebrochen",
            "Diakonie Musterland e. V.",
        ),
        (
            "SEN-2024-10",
            "Seniorenbegleitung im Nordosten",
            senior,
            "2024-01-01",
            "2024-12-31",
            "Alter",
            ["grusi_quote"],
            "Ehrenamtliche Begleitung, Modellphase (fiktiv)",
            "grusi_quote",
            -0.05,
            "2024-12-31",
            "abgeschlossen",
            "Sozialamt Landkreis Musterland",
        ),
        (
            "TEIL-2025-11",
            "Quartiersräte",
            teil,
            "2025-03-01",
            "",
            "Teilhabe",
            ["wahlbeteiligung"],
            "Beteiligung in drei Quartieren (fiktiv)",
            "wahlbeteiligung",
            0.10,
            "2028-12-31",
            "geplant",
            "Stadt Musterstadt",
        ),
        (
            "KITA-2025-12",
            "Kita-Neubau Nordost",
            nordost,
            "2025-08-01",
            "",
            "Bildung",
            ["kita_quote"],
            "Zwei neue Kitas im unterversorgten Nordosten (fiktiv)",
            "kita_quote",
            0.03,
            "2027-08-31",
            "geplant",
            "Diakonie Musterland e. V.",
        ),
    ]


def _csv(sr: pd.DataFrame, tables: dict) -> str:
    c22 = tables[2022]
    lines = [HEADER]
    for (
        mid,
        name,
        areas,
        start,
        end,
        theme,
        targets,
        text,
        goal,
        change,
        date,
        status,
        body,
    ) in _measures(sr, c22):
        before = tables.get(int(start[:4]) - 1, tables[max(tables)])
        value = _target(before, goal, areas, change) if goal else ""
        lines.append(
            ";".join(
                [
                    mid,
                    name,
                    ",".join(areas),
                    start,
                    end,
                    theme,
                    ",".join(targets),
                    text,
                    goal,
                    value,
                    date,
                    status,
                    body,
                ]
            )
        )
    return "\n".join(lines) + "\n"


_GEM_TEXT = {
    "stadt": (
        "- Familienzentren in den Quartieren mit hoher Kinderarmut **verstetigen**\n"
        "- Schulsozialarbeit an allen Oberschulen sichern\n"
        "- Sozialraumkonferenz zweimal im Jahr mit Jugendamt, Jobcenter und Trägern",
        "Die Stadt und der Landkreis vereinbaren, die Kinderarmut in den Quartieren der "
        "Förderkulisse *bis zum Ende der Förderperiode* unter den Kreisdurchschnitt zu senken.",
    ),
    "kleinstadt": (
        "- Übergang Schule–Beruf stärken (Schulsozialarbeit, Praktika)\n"
        "- Beratungsangebote im Rathaus bündeln",
        "Die Stadt beteiligt sich an der Schulsozialarbeit; der Landkreis berichtet jährlich.",
    ),
    "land": (
        "- Mobile Angebote (Jugendarbeit, Pflegeberatung) statt neuer Standorte\n"
        "- Fahrdienste zu Kita und Hausarzt prüfen",
        "",
    ),
    "ecke": (
        "- Kita-Plätze im Nordosten ausbauen; Übergangslösung mit Tagespflege\n"
        "- Seniorenbegleitung nach der Modellphase auswerten",
        "Gemeinde und Landkreis planen den Kita-Neubau gemeinsam.",
    ),
}


def _markdown(sr: pd.DataFrame, c22: pd.DataFrame) -> str:
    out = [
        "# Handlungsempfehlungen und Zielvereinbarungen 2024 (fiktiv)",
        "",
    ]
    gem = sr.drop_duplicates("ags").set_index("ags")
    for ags, row in gem.iterrows():
        rec, goal = _GEM_TEXT[row["kind"]]
        out += [f"## {ags} {row['gemeinde']}", "", "### Handlungsempfehlung", "", rec, ""]
        if goal:
            out += ["### Zielvereinbarung", "", goal, ""]
    seen: set[str] = set()
    for _mid, name, areas, *_rest in _measures(sr, c22):
        status = _rest[-2]
        if status not in ("laufend", "geplant"):
            continue
        for a in areas[:2]:
            if a in seen:
                continue
            seen.add(a)
            out += [
                f"## {a} {sr.loc[a, 'name']}",
                "",
                "### Handlungsempfehlung",
                "",
                f"Maßnahme „{name}“ fortführen und im Sozialraumteam auswerten.",
                "",
            ]
    out += _region_markdown()
    return "\n".join(out).rstrip() + "\n"


#: Recommendations per region (keys of regionen.csv, written by gen_hze): an Amt and
#: both LEADER regions; they reach the report's region chapter and the packages of
#: their member municipalities.
_REGION_TEXT = (
    (
        "079995004",
        "Amt Wusterwitzer Land",
        "- Rufbus und Bürgerbus zwischen den Ortsteilen und dem Amtssitz abstimmen\n"
        "- Gemeinsame Sprechstunde von Jugendamt und Jobcenter im Amtssitz",
    ),
    (
        "L1",
        "LEADER-Region Spreeheide",
        "- Projekte der Daseinsvorsorge (Dorfläden, Treffpunkte) in der LEADER-Strategie stärken",
    ),
    (
        "L2",
        "LEADER-Region Lausitzer Seenland",
        "- Junge Menschen halten: Ausbildungsverbund und Wohnangebote für Auszubildende fördern",
    ),
)


def _region_markdown() -> list[str]:
    out: list[str] = []
    for key, name, text in _REGION_TEXT:
        out += [f"## {key} {name}", "", "### Handlungsempfehlung", "", text, ""]
    return out


def write_planning(out_examples: Path, sr: pd.DataFrame, tables: dict) -> None:
    """Write ``massnahmen.csv`` and ``empfehlungen.md`` (see the module docstring)."""
    c22 = tables[2022]
    (Path(out_examples) / "massnahmen.csv").write_text(_csv(sr, tables), encoding="utf-8")
    (Path(out_examples) / "empfehlungen.md").write_text(_markdown(sr, c22), encoding="utf-8")
