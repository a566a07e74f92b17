"""Generate the synthetic example district "Landkreis Musterland".

Run from the repository root::

    .venv/bin/python examples/musterland/generate.py [--out-boundaries DIR] [--out-examples DIR]

Everything is drawn from one seeded ``numpy.random.Generator`` (``SEED``), so a
re-run writes the same content (GeoPackage timestamps are pinned with
``OGR_CURRENT_DATE``, the XLSX zip entries and document properties are pinned
too).  See ``examples/musterland/README.md`` for what each file is and which
patterns and traps it contains deliberately.
"""

from __future__ import annotations

import argparse
import io
import os
import re
import runpy
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd

SEED = 20240531
CRS = "EPSG:25833"
YEARS_AGE = [2020, 2021, 2022, 2023, 2024]
YEARS_TABLE = [2022, 2023, 2024]
FIXED_DATE = "2025-01-01T00:00:00.000Z"
MAX_AGE = 100  # single years 0..99, 100 = "100 und älter"

ROOT = Path(__file__).resolve().parents[2]

# ---------------------------------------------------------------------------
# names and keys
# ---------------------------------------------------------------------------
KREIS_AGS = "07999"
KREIS_NAME = "Landkreis Musterland"

# (name, offset of the municipal seed from the district centre in m, verband code, kind)
GEMEINDEN = [
    ("Musterstadt", (-3000, -2000), "0001", "stadt"),
    ("Spreewitz", (9000, -9000), "0002", "kleinstadt"),
    ("Heidefeld", (-11000, 6000), "5001", "land"),
    ("Wendischbrück", (-12000, -7000), "5001", "land"),
    ("Löbenhain", (-3000, -12000), "5002", "land"),
    ("Fließtal", (1000, 8000), "5002", "land"),
    ("Bärenbrück", (-4000, 14000), "5003", "land"),
    ("Kötzschenau", (11000, -1000), "5003", "land"),
    ("Großwusterwitz", (6000, 14500), "5004", "ecke"),
    ("Tränkewitz", (14500, 7500), "5004", "ecke"),
]
# number of Sozialräume per Gemeinde (the exclave counts for Spreewitz)
N_SR = [22, 10, 6, 6, 6, 6, 5, 6, 7, 6]

TOWN_NAMES = [
    "Altstadt",
    "Bahnhofsviertel",
    "Am Markt",
    "Brühl",
    "Mühlenviertel",
    "Lutherviertel",
    "Schlossviertel",
    "Friedrichsviertel",
    "Lindenhof",
    "Gartenstadt",
    "Rosenhöhe",
    "Weststadt",
    "Oststadt",
    "Kasernenviertel",
    "Spreeufer",
    "Schützenplatz",
]
SPREEWITZ_NAMES = [
    "Spreewitz-Zentrum",
    "Spreewitz-Neustadt",
    "Spreewitz-Nord",
    "Spreewitz-Süd",
    "Spreewitz-Am Hafen",
]
VILLAGES = [
    "Kleinwusterwitz",
    "Birkwalde",
    "Eichenhöh",
    "Tannenbrück",
    "Mühlwitz",
    "Lindgrün",
    "Wendisch Buchau",
    "Kieferndorf",
    "Sandhöfen",
    "Heidemühle",
    "Teichwitz",
    "Fließdorf",
    "Krähenwinkel",
    "Rabenau-Heide",
    "Erlengrund",
    "Moorwitz",
    "Brachwitz",
    "Dornhain",
    "Fuchswinkel",
    "Gänsebrück",
    "Haselbach",
    "Jägersruh",
    "Kranichsfeld",
    "Lerchenau",
    "Meisenheide",
    "Nesselgrund",
    "Otterwitz",
    "Pappelhain",
    "Quellendorf",
    "Reiherbruch",
    "Schwalbenhof",
    "Ulmenhof",
    "Vogelsang",
    "Weidenau",
    "Zeisigwalde",
    "Ährenfeld",
    "Öhrwitz",
    "Bärwinkel",
    "Dörrwalde",
    "Gräbendorf",
    "Kühlenhain",
    "Löwitz",
    "Möhrenbach",
    "Nöthnitz",
    "Schönborn-Süd",
    "Täubchenthal",
    "Wüstemark",
    "Zöllnitz",
    "Hühnerwasser",
    "Espenau",
    "Sorgenfrei",
    "Kummerow-Heide",
    "Grünhaide",
    "Sträßchen",
]
EXCLAVE_NAME = "Waldsiedlung Neuhaus"
RENAMED_OLD = "Neubaugebiet Nord"
RENAMED_NEW = "Wohnpark Am Sonnenhang"

# ---------------------------------------------------------------------------
# variables (id, German header = first entry, further header variants, label_en, unit, source)
# ---------------------------------------------------------------------------
SRC_EWO = "Statistisches Landesamt, Einwohnermelderegister"
SRC_JC = "Jobcenter Musterland / Statistik der Bundesagentur für Arbeit"
VARIABLES: list[tuple[str, list[str], str, str, str, str]] = [
    # id, headers, label (de), label_en, unit, source
    (
        "ew_ges",
        ["Einwohner insgesamt", "Einwohner gesamt", "Bevölkerung insgesamt"],
        "Einwohner insgesamt",
        "Population, total",
        "Personen",
        SRC_EWO,
    ),
    (
        "ew_0_2",
        ["Einwohner 0 bis unter 3 Jahre", "0 bis unter 3 Jahre", "Einwohner 0-2"],
        "Einwohner 0 bis unter 3 Jahre",
        "Population aged 0-2",
        "Personen",
        SRC_EWO,
    ),
    (
        "ew_3_5",
        ["Einwohner 3 bis unter 6 Jahre", "3 bis unter 6 Jahre", "Einwohner 3-5"],
        "Einwohner 3 bis unter 6 Jahre",
        "Population aged 3-5",
        "Personen",
        SRC_EWO,
    ),
    (
        "ew_6_9",
        ["Einwohner 6 bis unter 10 Jahre", "6 bis unter 10 Jahre", "Einwohner 6-9"],
        "Einwohner 6 bis unter 10 Jahre",
        "Population aged 6-9",
        "Personen",
        SRC_EWO,
    ),
    (
        "ew_10_15",
        ["Einwohner 10 bis unter 16 Jahre", "10 bis unter 16 Jahre", "Einwohner 10-15"],
        "Einwohner 10 bis unter 16 Jahre",
        "Population aged 10-15",
        "Personen",
        SRC_EWO,
    ),
    (
        "ew_0_14",
        ["Einwohner unter 15 Jahre", "unter 15 Jahre", "Einwohner 0-14"],
        "Einwohner unter 15 Jahre",
        "Population under 15",
        "Personen",
        SRC_EWO,
    ),
    (
        "ew_0_17",
        ["Einwohner unter 18 Jahre", "unter 18 Jahre", "Minderjährige"],
        "Einwohner unter 18 Jahre",
        "Population under 18",
        "Personen",
        SRC_EWO,
    ),
    (
        "ew_0_20",
        ["Einwohner unter 21 Jahre", "unter 21 Jahre", "Einwohner 0-20"],
        "Einwohner unter 21 Jahre",
        "Population under 21",
        "Personen",
        SRC_EWO,
    ),
    (
        "ew_15_64",
        ["Einwohner 15 bis unter 65 Jahre", "15 bis unter 65 Jahre", "Einwohner 15-64"],
        "Einwohner 15 bis unter 65 Jahre",
        "Population aged 15-64",
        "Personen",
        SRC_EWO,
    ),
    (
        "ew_0_64",
        ["Einwohner unter 65 Jahre", "unter 65 Jahre", "Einwohner 0-64"],
        "Einwohner unter 65 Jahre",
        "Population under 65",
        "Personen",
        SRC_EWO,
    ),
    (
        "ew_65plus",
        ["Einwohner 65 Jahre und älter", "65 Jahre und älter", "Einwohner 65+"],
        "Einwohner 65 Jahre und älter",
        "Population aged 65 and over",
        "Personen",
        SRC_EWO,
    ),
    (
        "ew_80plus",
        ["Einwohner 80 Jahre und älter", "80 Jahre und älter", "Einwohner 80+"],
        "Einwohner 80 Jahre und älter",
        "Population aged 80 and over",
        "Personen",
        SRC_EWO,
    ),
    (
        "sgb2_pers",
        ["Personen in Bedarfsgemeinschaften", "Personen in BG", "SGB II Personen"],
        "Personen in Bedarfsgemeinschaften (SGB II)",
        "Persons in SGB II benefit units",
        "Personen",
        SRC_JC,
    ),
    (
        "sgb2_u15",
        [
            "Kinder unter 15 in BG",
            "Kinder unter 15 Jahren in Bedarfsgemeinschaften",
            "nicht erwerbsfähige Leistungsberechtigte unter 15",
        ],
        "Kinder unter 15 Jahren in Bedarfsgemeinschaften",
        "Children under 15 in SGB II units",
        "Personen",
        SRC_JC,
    ),
    (
        "alo",
        ["Arbeitslose", "Arbeitslose insgesamt"],
        "Arbeitslose",
        "Registered unemployed",
        "Personen",
        SRC_JC,
    ),
    (
        "alo_lang_anteil",
        ["Anteil Langzeitarbeitslose in %", "Anteil Langzeitarbeitslose"],
        "Anteil Langzeitarbeitsloser an allen Arbeitslosen",
        "Share of long-term unemployed",
        "%",
        SRC_JC,
    ),
    (
        "grusi",
        ["Empfänger Grundsicherung im Alter", "Grundsicherung im Alter"],
        "Empfänger von Grundsicherung im Alter (65+)",
        "Recipients of old-age basic income support",
        "Personen",
        "Sozialamt Landkreis Musterland",
    ),
    (
        "hh_ges",
        ["Haushalte insgesamt", "Haushalte"],
        "Haushalte insgesamt",
        "Households, total",
        "Haushalte",
        SRC_EWO,
    ),
    (
        "hh_kind",
        ["Haushalte mit Kindern", "Haushalte mit Kindern unter 18"],
        "Haushalte mit Kindern unter 18 Jahren",
        "Households with children",
        "Haushalte",
        SRC_EWO,
    ),
    (
        "hh_alleinerz",
        ["Alleinerziehende Haushalte", "Alleinerziehende"],
        "Alleinerziehende Haushalte",
        "Single-parent households",
        "Haushalte",
        SRC_EWO,
    ),
    (
        "hze",
        ["Hilfen zur Erziehung (Fälle)", "Hilfen zur Erziehung", "HzE-Fälle"],
        "Hilfen zur Erziehung (laufende Fälle)",
        "Educational support cases (HzE)",
        "Fälle",
        "Jugendamt Landkreis Musterland",
    ),
    (
        "schulabg",
        ["Schulabgänger", "Schulabgänger insgesamt"],
        "Schulabgänger allgemeinbildender Schulen",
        "School leavers",
        "Personen",
        "Statistisches Landesamt, Schulstatistik",
    ),
    (
        "schulabg_ohne",
        ["Schulabgänger ohne Abschluss", "ohne Hauptschulabschluss"],
        "Schulabgänger ohne Abschluss",
        "School leavers without qualification",
        "Personen",
        "Statistisches Landesamt, Schulstatistik",
    ),
    (
        "kita_kinder",
        ["Kinder 3 bis unter 6 in Kita", "Kinder in Kindertagesbetreuung 3-5"],
        "Kinder 3 bis unter 6 Jahre in Kindertagesbetreuung",
        "Children aged 3-5 in day care",
        "Personen",
        "Jugendamt Landkreis Musterland",
    ),
    (
        "pflege",
        ["Pflegebedürftige", "Pflegebedürftige insgesamt"],
        "Pflegebedürftige",
        "Persons in need of long-term care",
        "Personen",
        "Statistisches Landesamt, Pflegestatistik",
    ),
    (
        "wohnungen",
        ["Wohnungen", "Wohnungen insgesamt"],
        "Wohnungen insgesamt",
        "Dwellings, total",
        "Wohnungen",
        "Bauaufsicht / Gebäude- und Wohnungsregister",
    ),
    (
        "leerstand",
        ["Leerstehende Wohnungen", "Leerstand"],
        "Leerstehende Wohnungen",
        "Vacant dwellings",
        "Wohnungen",
        "Stadtwerke (Stromzähleranalyse)",
    ),
    (
        "wahlber",
        ["Wahlberechtigte", "Wahlberechtigte insgesamt"],
        "Wahlberechtigte (Kreistagswahl)",
        "Eligible voters",
        "Personen",
        "Kreiswahlleiter",
    ),
    (
        "waehler",
        ["Wählende", "Wähler"],
        "Wählende (Kreistagswahl)",
        "Voters",
        "Personen",
        "Kreiswahlleiter",
    ),
    (
        "zuzuege",
        ["Zuzüge", "Zuzüge insgesamt"],
        "Zuzüge über die Sozialraumgrenze",
        "In-migration",
        "Personen",
        SRC_EWO,
    ),
    (
        "fortzuege",
        ["Fortzüge", "Fortzüge insgesamt"],
        "Fortzüge über die Sozialraumgrenze",
        "Out-migration",
        "Personen",
        SRC_EWO,
    ),
    (
        "saldo_wanderung",
        ["Wanderungssaldo", "Saldo Zu- und Fortzüge"],
        "Wanderungssaldo (Zuzüge minus Fortzüge)",
        "Net migration",
        "Personen",
        SRC_EWO,
    ),
    (
        "geburten",
        ["Lebendgeborene", "Geburten"],
        "Lebendgeborene",
        "Live births",
        "Personen",
        SRC_EWO,
    ),
    ("sterbefaelle", ["Gestorbene", "Sterbefälle"], "Gestorbene", "Deaths", "Personen", SRC_EWO),
]
VAR_HEADER = {v[0]: v[1][0] for v in VARIABLES}
JC_VARS = ["sgb2_pers", "sgb2_u15", "alo", "alo_lang_anteil"]
XLSX_VARS = [v[0] for v in VARIABLES if v[0] not in JC_VARS]

# (id, label, label_en, unit, numerator, denominator, per, direction, dimension, source, min_den, description)
INDICATORS = [
    (
        "anteil_0_17",
        "Anteil Minderjähriger",
        "Share of minors",
        "%",
        "ew_0_17",
        "ew_ges",
        100,
        "resource",
        "Demografie",
        SRC_EWO,
        None,
        "Einwohner unter 18 Jahren je 100 Einwohner",
    ),
    (
        "anteil_80plus",
        "Anteil Hochaltriger (80+)",
        "Share aged 80 and over",
        "%",
        "ew_80plus",
        "ew_ges",
        100,
        "need",
        "Demografie",
        SRC_EWO,
        None,
        "Einwohner ab 80 Jahren je 100 Einwohner",
    ),
    (
        "wanderungssaldo",
        "Wanderungssaldo je 1.000 Einwohner",
        "Net migration per 1,000",
        "‰",
        "saldo_wanderung",
        "ew_ges",
        1000,
        "resource",
        "Demografie",
        SRC_EWO,
        None,
        "Zuzüge minus Fortzüge je 1.000 Einwohner",
    ),
    (
        "geburtenrate",
        "Geburtenrate",
        "Crude birth rate",
        "‰",
        "geburten",
        "ew_ges",
        1000,
        "resource",
        "Demografie",
        SRC_EWO,
        None,
        "Lebendgeborene je 1.000 Einwohner",
    ),
    (
        "sgb2_quote",
        "SGB-II-Quote",
        "SGB II rate",
        "%",
        "sgb2_pers",
        "ew_0_64",
        100,
        "need",
        "Arbeit & Einkommen",
        "Jobcenter Musterland",
        300,
        "Personen in Bedarfsgemeinschaften je 100 Einwohner unter 65 Jahren",
    ),
    (
        "alo_quote",
        "Arbeitslosenanteil",
        "Unemployment share",
        "%",
        "alo",
        "ew_15_64",
        100,
        "need",
        "Arbeit & Einkommen",
        "Jobcenter Musterland",
        300,
        "Arbeitslose je 100 Einwohner von 15 bis unter 65 Jahren",
    ),
    (
        "grusi_quote",
        "Grundsicherungsquote im Alter",
        "Old-age basic income rate",
        "%",
        "grusi",
        "ew_65plus",
        100,
        "need",
        "Arbeit & Einkommen",
        "Sozialamt Landkreis Musterland",
        None,
        "Empfänger von Grundsicherung im Alter je 100 Einwohner ab 65 Jahren",
    ),
    (
        "kinderarmut",
        "Kinderarmut (SGB II unter 15)",
        "Child poverty (SGB II under 15)",
        "%",
        "sgb2_u15",
        "ew_0_14",
        100,
        "need",
        "Kinder, Jugend & Familie",
        "Jobcenter Musterland",
        100,
        "Kinder unter 15 in Bedarfsgemeinschaften je 100 Einwohner unter 15 Jahren",
    ),
    (
        "alleinerz_quote",
        "Anteil Alleinerziehender",
        "Share of single-parent households",
        "%",
        "hh_alleinerz",
        "hh_kind",
        100,
        "need",
        "Kinder, Jugend & Familie",
        SRC_EWO,
        None,
        "Alleinerziehende Haushalte je 100 Haushalte mit Kindern",
    ),
    (
        "hze_quote",
        "Hilfen zur Erziehung je 1.000 unter 21",
        "Educational support per 1,000 under 21",
        "‰",
        "hze",
        "ew_0_20",
        1000,
        "need",
        "Kinder, Jugend & Familie",
        "Jugendamt Landkreis Musterland",
        None,
        "Laufende HzE-Fälle je 1.000 Einwohner unter 21 Jahren",
    ),
    (
        "ohne_abschluss",
        "Schulabgänger ohne Abschluss",
        "School leavers without qualification",
        "%",
        "schulabg_ohne",
        "schulabg",
        100,
        "need",
        "Bildung",
        "Statistisches Landesamt, Schulstatistik",
        None,
        "Schulabgänger ohne Abschluss je 100 Schulabgänger",
    ),
    (
        "kita_quote",
        "Betreuungsquote 3 bis unter 6",
        "Day-care rate aged 3-5",
        "%",
        "kita_kinder",
        "ew_3_5",
        100,
        "resource",
        "Bildung",
        "Jugendamt Landkreis Musterland",
        None,
        "Kinder von 3 bis unter 6 Jahren in Kindertagesbetreuung je 100 Kinder dieses Alters",
    ),
    (
        "pflege_quote",
        "Pflegequote 65+",
        "Care dependency rate 65+",
        "%",
        "pflege",
        "ew_65plus",
        100,
        "need",
        "Gesundheit & Pflege",
        "Statistisches Landesamt, Pflegestatistik",
        None,
        "Pflegebedürftige je 100 Einwohner ab 65 Jahren",
    ),
    (
        "leerstand_quote",
        "Leerstandsquote",
        "Vacancy rate",
        "%",
        "leerstand",
        "wohnungen",
        100,
        "need",
        "Wohnen",
        "Stadtwerke (Stromzähleranalyse)",
        None,
        "Leerstehende Wohnungen je 100 Wohnungen",
    ),
    (
        "wahlbeteiligung",
        "Wahlbeteiligung",
        "Voter turnout",
        "%",
        "waehler",
        "wahlber",
        100,
        "resource",
        "Teilhabe",
        "Kreiswahlleiter",
        None,
        "Wählende je 100 Wahlberechtigte",
    ),
]


# ---------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------
def _sample_points(
    rng, poly, n, min_dist, existing=(), center=None, sd=None, inner=0.0, max_tries=20000
):
    """Rejection-sample n points in ``poly`` (optionally normal around ``center``)."""
    import shapely

    target = poly.buffer(-inner) if inner > 0 else poly
    pts: list[tuple[float, float]] = []
    others = list(existing)
    minx, miny, maxx, maxy = target.bounds
    tries = 0
    while len(pts) < n:
        tries += 1
        if tries > max_tries:
            raise RuntimeError("could not place points; relax min_dist")
        if center is not None:
            x, y = rng.normal(center[0], sd), rng.normal(center[1], sd)
        else:
            x, y = rng.uniform(minx, maxx), rng.uniform(miny, maxy)
        if not shapely.contains_xy(target, x, y):
            continue
        if any((x - a) ** 2 + (y - b) ** 2 < min_dist**2 for a, b in pts + others):
            continue
        pts.append((round(x, 1), round(y, 1)))
    return pts


def _outline(rng, cx, cy):
    from shapely.geometry import Polygon

    n = 64
    th = np.linspace(0, 2 * np.pi, n, endpoint=False)
    ph1, ph2 = rng.uniform(0, 2 * np.pi, 2)
    r = 16500 * (1 + 0.10 * np.sin(3 * th + ph1) + 0.06 * np.cos(5 * th + ph2))
    r = r * (1 + rng.normal(0, 0.025, n))
    xs = np.round(cx + r * np.cos(th), 2)
    ys = np.round(cy + r * np.sin(th), 2)
    return Polygon(np.column_stack([xs, ys]))


def build_geometry(rng):
    """Outline, Gemeinden, Sozialräume (coverage + exclave) and their seeds."""
    import shapely
    from shapely.geometry import MultiPoint, Polygon

    cx, cy = 452500.0, 5712500.0
    outline = _outline(rng, cx, cy)
    assert outline.is_valid
    gseeds = [(cx + dx, cy + dy) for _, (dx, dy), _, _ in GEMEINDEN]
    vor = shapely.voronoi_polygons(MultiPoint(gseeds), extend_to=outline.buffer(10000))
    cells = list(vor.geoms)
    gem_polys = []
    for sx, sy in gseeds:
        cell = next(c for c in cells if shapely.contains_xy(c, sx, sy))
        g = cell.intersection(outline)
        assert g.geom_type == "Polygon", g.geom_type
        gem_polys.append(g)

    # the built-up core of the town: an irregular disc of ~1.8 km radius
    ang = np.linspace(0, 2 * np.pi, 40, endpoint=False)
    rc = 1800 * (1 + 0.08 * np.sin(3 * ang + 1.0) + rng.normal(0, 0.03, len(ang)))
    town_core = Polygon(
        np.column_stack(
            [
                np.round(gseeds[0][0] + rc * np.cos(ang), 2),
                np.round(gseeds[0][1] + rc * np.sin(ang), 2),
            ]
        )
    )
    assert gem_polys[0].contains(town_core.buffer(500))

    # Sozialraum seeds per Gemeinde
    seeds: list[list[tuple[float, float]]] = []
    for gi, ((_name, _, _, kind), gpoly, n) in enumerate(
        zip(GEMEINDEN, gem_polys, N_SR, strict=False)
    ):
        gs = gseeds[gi]
        if kind == "stadt":
            inner = [gs] + _sample_points(
                rng, town_core, 15, 430, existing=[gs], center=gs, sd=800, inner=120
            )
            outer = _sample_points(
                rng, gpoly.difference(town_core.buffer(1000)), 6, 1900, inner=600
            )
            pts = inner + outer
        elif kind == "kleinstadt":
            core = [gs] + _sample_points(
                rng, gpoly, 4, 500, existing=[gs], center=gs, sd=600, inner=300
            )
            vill = _sample_points(
                rng, gpoly.difference(shapely.Point(gs).buffer(2500)), n - 6, 1800, inner=600
            )
            pts = core + vill
        else:
            pts = [gs] + _sample_points(rng, gpoly, n - 1, 1900, existing=[gs], inner=600)
        seeds.append(pts)

    # Voronoi of the Sozialraum seeds, clipped to the Gemeinde
    lines = [outline.boundary, town_core.boundary] + [g.boundary for g in gem_polys]
    raw_cells = []  # (gi, si, polygon)
    for gi, (gpoly, pts) in enumerate(zip(gem_polys, seeds, strict=False)):
        if gi == 0:  # the town: inner areas tile the core, outer areas the rest
            regions = [
                (town_core, list(range(16))),
                (gpoly.difference(town_core), list(range(16, len(pts)))),
            ]
        else:
            regions = [(gpoly, list(range(len(pts))))]
        for region, idx in regions:
            v = shapely.voronoi_polygons(
                MultiPoint([pts[i] for i in idx]), extend_to=gpoly.buffer(10000)
            )
            vcells = list(v.geoms)
            for si in idx:
                sx, sy = pts[si]
                cell = next(c for c in vcells if shapely.contains_xy(c, sx, sy))
                clipped = cell.intersection(region)
                raw_cells.append((gi, si, clipped))
                lines.append(clipped.boundary)
    # node all boundaries on a 1 cm grid and polygonize: shared edges get identical vertices
    noded = shapely.union_all(lines, grid_size=0.01)
    faces = [f for f in shapely.get_parts(shapely.polygonize(shapely.get_parts(noded)))]
    faces = [f for f in faces if f.area > 1.0 and outline.contains(f.representative_point())]
    tree = shapely.STRtree([c for _, _, c in raw_cells])
    owner: dict[tuple[int, int], list] = {}
    for f in faces:
        rp = f.representative_point()
        hits = [i for i in tree.query(rp) if raw_cells[i][2].contains(rp)]
        assert len(hits) == 1, hits
        gi, si, _ = raw_cells[hits[0]]
        owner.setdefault((gi, si), []).append(f)
    sr_geoms = {}
    for key, fs in owner.items():
        geom = shapely.coverage_union_all(fs) if len(fs) > 1 else fs[0]
        if geom.geom_type != "Polygon":
            raise RuntimeError(f"Sozialraum {key} is not one polygon: {geom.geom_type}")
        sr_geoms[key] = geom

    # the exclave: a small polygon south-east of the outline, > 2 km away from it
    th = np.deg2rad(-50.0)
    d = 0.0
    ex_c = None
    for d in np.arange(15000, 30000, 250.0):
        p = shapely.Point(cx + d * np.cos(th), cy + d * np.sin(th))
        if p.distance(outline) > 3300:
            ex_c = (p.x, p.y)
            break
    assert ex_c is not None
    k = 9
    ang = np.linspace(0, 2 * np.pi, k, endpoint=False)
    rr = 650 * (1 + rng.uniform(-0.25, 0.25, k))
    exclave = Polygon(
        np.column_stack(
            [np.round(ex_c[0] + rr * np.cos(ang), 2), np.round(ex_c[1] + 0.7 * rr * np.sin(ang), 2)]
        )
    )
    assert exclave.is_valid and exclave.distance(outline) > 2000
    ex_seed = (round(ex_c[0], 1), round(ex_c[1], 1))
    return outline, gem_polys, seeds, sr_geoms, exclave, ex_seed


# ---------------------------------------------------------------------------
# demography
# ---------------------------------------------------------------------------
AGES = np.arange(MAX_AGE + 1)


def _base_age_weights():
    a = AGES.astype(float)
    w = np.ones_like(a)
    w[a <= 5] = 0.80
    w[(a >= 6) & (a <= 17)] = 0.95
    w[(a >= 18) & (a <= 24)] = 0.80
    w[(a >= 25) & (a <= 31)] = 0.70  # the East German birth slump after 1990
    w[(a >= 32) & (a <= 45)] = 1.10
    w[(a >= 46) & (a <= 54)] = 1.05
    w[(a >= 55) & (a <= 66)] = 1.45  # baby boomers
    w[(a >= 67) & (a <= 75)] = 1.05
    old = a > 75
    w[old] = 1.0 * np.exp(-0.11 * (a[old] - 75) ** 1.2)
    return w / w.sum()


def _mortality():
    a = AGES.astype(float)
    q = 0.00015 + 0.000035 * np.exp(0.093 * a)
    q[0] = 0.003
    q = np.minimum(q, 0.6)
    qm = np.minimum(q * 1.35, 0.7)
    return np.column_stack([qm, q])  # columns m, w


def _fertility():
    a = AGES.astype(float)
    f = np.exp(-0.5 * ((a - 30.5) / 5.3) ** 2)
    f[(a < 15) | (a > 49)] = 0
    return 1.50 * f / f.sum()


def _migration_profile():
    a = AGES.astype(float)
    p = 0.035 + 0.10 * np.exp(-0.5 * ((a - 24) / 5.0) ** 2) + 0.02 * (a < 10)
    p[a >= 65] = 0.015
    p[a >= 80] = 0.025  # moves into care homes / to the children
    return p


def simulate_population(rng, sr):
    """Population by age/sex at 31.12. of each year 2020..2024 plus flows per year."""
    base = _base_age_weights()
    q = _mortality()
    fert = _fertility()
    mig = _migration_profile()
    a = AGES.astype(float)
    male_share = np.clip(0.515 - 0.0022 * np.maximum(a - 55, 0), 0.28, 0.52)
    n = len(sr)
    pops = {y: np.zeros((n, MAX_AGE + 1, 2), dtype=np.int64) for y in YEARS_AGE}
    flows = {
        y: {
            k: np.zeros(n, dtype=np.int64)
            for k in (
                "geburten",
                "sterbefaelle",
                "zuzuege",
                "fortzuege",
                "zuzuege_18_24",
                "fortzuege_18_24",
            )
        }
        for y in YEARS_AGE[1:]
    }
    in_age = base * (0.4 + 2.2 * np.exp(-0.5 * ((a - 27) / 7.0) ** 2))
    in_age = in_age / in_age.sum()
    for i, row in enumerate(sr.itertuples()):
        young = row.young  # >0 young town, <0 old rural corner
        w = base * np.exp(young * np.clip((45 - a) / 45, -1.2, 1.0))
        w = w / w.sum()
        tot = rng.multinomial(int(row.pop0), w)
        males = rng.binomial(tot, male_share)
        pops[2020][i, :, 0] = males
        pops[2020][i, :, 1] = tot - males
        for y in YEARS_AGE[1:]:
            prev = pops[y - 1][i]
            aged = np.zeros_like(prev)
            aged[1:] = prev[:-1]
            aged[MAX_AGE] += prev[MAX_AGE]
            deaths = rng.binomial(aged, q)
            births_tot = int(rng.binomial(prev[:, 1], np.clip(fert * row.fert, 0, 1)).sum())
            bm = int(rng.binomial(births_tot, 0.513))
            aged[0] = [bm, births_tot - bm]
            after = aged - deaths
            outr = np.clip(mig * row.mobility, 0, 0.9)
            out = rng.binomial(after, outr[:, None])
            expected_out = float((after * outr[:, None]).sum())
            lam = max(expected_out + row.net_mig * float(after.sum()), 0.2 * expected_out)
            n_in = int(rng.poisson(lam))
            in_tot = rng.multinomial(n_in, in_age)
            in_m = rng.binomial(in_tot, 0.5)
            inflow = np.column_stack([in_m, in_tot - in_m])
            pops[y][i] = after - out + inflow
            flows[y]["geburten"][i] = births_tot
            flows[y]["sterbefaelle"][i] = int(deaths.sum())
            flows[y]["zuzuege"][i] = n_in
            flows[y]["fortzuege"][i] = int(out.sum())
            flows[y]["zuzuege_18_24"][i] = int(inflow[18:25].sum())  # age at the end of the year
            flows[y]["fortzuege_18_24"][i] = int(out[18:25].sum())
    return pops, flows


# ---------------------------------------------------------------------------
# indicator counts
# ---------------------------------------------------------------------------
def _logistic(x):
    return 1.0 / (1.0 + np.exp(-x))


def indicator_counts(rng, sr, pops, flows, year):
    """All variables of one year as an integer DataFrame (index = sr_id)."""
    p = pops[year]
    tot = p.sum(axis=2)  # n x ages

    def agesum(lo, hi):
        return tot[:, lo : hi + 1].sum(axis=1)

    df = pd.DataFrame(index=sr.index)
    df["ew_ges"] = tot.sum(axis=1)
    df["ew_0_2"] = agesum(0, 2)
    df["ew_3_5"] = agesum(3, 5)
    df["ew_6_9"] = agesum(6, 9)
    df["ew_10_15"] = agesum(10, 15)
    df["ew_0_14"] = agesum(0, 14)
    df["ew_0_17"] = agesum(0, 17)
    df["ew_0_20"] = agesum(0, 20)
    df["ew_15_64"] = agesum(15, 64)
    df["ew_0_64"] = agesum(0, 64)
    df["ew_65plus"] = agesum(65, MAX_AGE)
    df["ew_80plus"] = agesum(80, MAX_AGE)
    t = year - 2022
    d = (sr["dep"] + sr["trend"] * t).to_numpy() + rng.normal(0, 0.08, len(sr))
    r = sr["rural"].to_numpy()

    def binom(n, prob):
        return rng.binomial(np.asarray(n, dtype=np.int64), np.clip(prob, 0, 1))

    p_sgb2 = _logistic(-3.0 + 0.95 * d + 0.6 * r)
    df["sgb2_pers"] = binom(df["ew_0_64"], p_sgb2)
    p_u15 = np.clip(p_sgb2 * 1.4, 0, 0.75)
    df["sgb2_u15"] = np.minimum(binom(df["ew_0_14"], p_u15), df["sgb2_pers"])
    p_alo = 0.025 + 0.30 * p_sgb2 + 0.025 * r
    df["alo"] = binom(df["ew_15_64"], p_alo)
    lang = binom(df["alo"], np.clip(0.28 + 0.5 * p_sgb2 + 0.08 * r, 0, 0.8))
    with np.errstate(invalid="ignore", divide="ignore"):
        df["alo_lang_anteil"] = np.round(100.0 * lang / df["alo"].to_numpy(), 1)
    df["grusi"] = binom(df["ew_65plus"], 0.012 + 0.05 * _logistic(2 * d - 2))
    hh_size = 2.15 - 0.35 * np.clip(sr["young"].to_numpy(), 0, 1) - 0.2 * np.clip(d, 0, 2) / 2
    hh_size = hh_size + 0.1 * np.clip(-sr["young"].to_numpy(), 0, 1)
    df["hh_ges"] = np.round(df["ew_ges"] / hh_size * rng.normal(1, 0.01, len(sr))).astype(int)
    df["hh_kind"] = np.minimum(
        np.round(df["ew_0_17"] / 1.62 * rng.normal(1, 0.03, len(sr))).astype(int), df["hh_ges"]
    )
    df["hh_alleinerz"] = binom(df["hh_kind"], _logistic(-1.7 + 0.75 * d))
    df["hze"] = binom(df["ew_0_20"], 0.02 + 0.035 * _logistic(2.0 * d - 2.2))
    df["schulabg"] = binom(df["ew_10_15"], 1 / 6.3)
    df["schulabg_ohne"] = binom(df["schulabg"], 0.035 + 0.18 * _logistic(2 * d - 2))
    df["kita_kinder"] = binom(df["ew_3_5"], 0.96 - 0.12 * _logistic(2 * d - 2) - 0.05 * r)
    p80 = df["ew_80plus"].to_numpy()
    p65 = df["ew_65plus"].to_numpy() - p80
    df["pflege"] = binom(p80, 0.30 + 0.04 * r) + binom(p65, 0.055 + 0.01 * d.clip(0))
    vac = np.clip(
        0.035
        + 0.10 * r**1.5
        + 0.04 * np.clip(d, 0, 2) / 2
        + sr["vac_extra"].to_numpy()
        + 0.004 * t * r
        + rng.normal(0, 0.006, len(sr)),
        0.01,
        0.4,
    )
    df["leerstand"] = np.round(df["hh_ges"] * vac / (1 - vac)).astype(int)
    df["wohnungen"] = df["hh_ges"] + df["leerstand"]
    adults = tot[:, 18:].sum(axis=1)
    df["wahlber"] = binom(adults, 0.975 - 0.04 * np.clip(d, 0, 2) / 2)
    df["waehler"] = binom(df["wahlber"], _logistic(0.95 - 0.55 * d - 0.2 * r))
    for k in ("zuzuege", "fortzuege", "geburten", "sterbefaelle"):
        df[k] = flows[year][k]
    df["saldo_wanderung"] = df["zuzuege"] - df["fortzuege"]
    # the exclave: nobody unemployed (the share then is "x", nicht sinnvoll)
    ex = sr.index[sr["exclave"]]
    df.loc[ex, "alo"] = 0
    df.loc[ex, "alo_lang_anteil"] = np.nan
    other = ~sr["exclave"].to_numpy()
    zero = other & (df["alo"].to_numpy() == 0)
    df.loc[zero, "alo"] = 1
    df.loc[zero, "alo_lang_anteil"] = 0.0
    # the smallest village has no school leavers at all (-> "-")
    df.loc[sr.index[sr["no_school"]], ["schulabg", "schulabg_ohne"]] = 0
    cols = [v[0] for v in VARIABLES]
    return df[cols]


# ---------------------------------------------------------------------------
# writers
# ---------------------------------------------------------------------------
def _fmt_de(v, decimals=0):
    """German number text: thousands point, decimal comma."""
    if decimals:
        s = f"{v:,.{decimals}f}"
    else:
        s = f"{int(v):,d}"
    return s.replace(",", "X").replace(".", ",").replace("X", ".")


def write_jobcenter_csv(path, sr, df, year):
    names = sr["name_" + str(year)]
    head = ["Sozialraum", "Bezeichnung"] + [VAR_HEADER[v] for v in JC_VARS]
    lines = [";".join(head)]
    for key in sr.index:
        row = [key, names[key]]
        for v in JC_VARS:
            x = df.at[key, v]
            if v == "alo_lang_anteil":
                row.append("x" if not np.isfinite(x) else _fmt_de(x, 1))
            elif v == "sgb2_u15" and 1 <= x <= 2:
                row.append(".")
            else:
                row.append(_fmt_de(x))
        lines.append(";".join(row))
    data = ("\r\n".join(lines) + "\r\n").encode("cp1252")
    Path(path).write_bytes(data)


SECRET_SMALL = ("hze", "grusi", "pflege")
DASH_ZERO = ("schulabg", "hze")


def _cell(v, var, row):
    """Cell text/number as a statistical office writes it."""
    if var in SECRET_SMALL and 1 <= v <= 2:
        return "."  # geheim: small count
    if var in DASH_ZERO and v == 0:
        return "-"  # nichts vorhanden
    if var == "schulabg_ohne" and row["schulabg"] == 0:
        return "-"  # no school leavers at all
    return int(v)


def _pin_zip(data: bytes) -> bytes:
    """Rewrite an xlsx zip with fixed timestamps and document dates (reproducible bytes)."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            content = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                txt = content.decode("utf-8")
                txt = re.sub(
                    r"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms)",
                    r"\g<1>2025-01-01T00:00:00Z\g<3>",
                    txt,
                )
                content = txt.encode("utf-8")
            zi = zipfile.ZipInfo(info.filename, date_time=(2025, 1, 1, 0, 0, 0))
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            dst.writestr(zi, content)
    return out.getvalue()


def write_xlsx(path, sr, df, year):
    import datetime as dt

    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = "Daten"
    wb.properties.creator = "Landkreis Musterland, Sozialplanung"
    wb.properties.created = dt.datetime(2025, 1, 1)
    wb.properties.modified = dt.datetime(2025, 1, 1)
    ws.append([f"{KREIS_NAME} – Sozialraumdaten {year}"])
    ws["A1"].font = Font(bold=True, size=13)
    ws.append([f"Stand: 31.12.{year}"])
    ws.append([])
    ws.append(["Sozialraum-Nr.", "Sozialraum"] + [VAR_HEADER[v] for v in XLSX_VARS])
    for c in ws[4]:
        c.font = Font(bold=True)
    names = sr["name_" + str(year)]
    for key in sr.index:
        k: object = int(key) if year == 2023 else key  # 2023: Excel lost the leading zero
        ws.append([k, names[key]] + [_cell(df.at[key, v], v, df.loc[key]) for v in XLSX_VARS])
    ws.append(["Quelle: Statistisches Landesamt, eigene Berechnungen"])
    ws.column_dimensions["A"].width = 16
    ws.column_dimensions["B"].width = 28
    buf = io.BytesIO()
    wb.save(buf)
    Path(path).write_bytes(_pin_zip(buf.getvalue()))


def _toml_str(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


# Identities between the variables (they hold exactly for every area, municipality and
# year; the suppression protects against attackers who use them).
RELATIONS = (
    ("ew_ges", "ew_0_64 + ew_65plus"),
    ("ew_0_64", "ew_0_14 + ew_15_64"),
    ("wohnungen", "hh_ges + leerstand"),
    ("saldo_wanderung", "zuzuege - fortzuege"),
)

# Indicators of the MSS-style status index (unemployment, transfers, child and old-age poverty).
STATUS_INDICATORS = ("alo_quote", "sgb2_quote", "kinderarmut", "grusi_quote")


# Shares among the variables and the count that weights them at the upper levels.
AGGREGATION_WEIGHTS = {"alo_lang_anteil": "alo"}


def write_catalogue(path):
    out = [
        "# Indikatorenkatalog des Beispiel-Landkreises Musterland (erzeugt von generate.py).",
        "# Variablen = Rohzahlen, wie sie in den Tabellen ankommen; der erste Eintrag von",
        "# `headers` ist genau die Spaltenüberschrift in indikatoren_<Jahr>.xlsx bzw. jobcenter_<Jahr>.csv.",
        "",
        "[meta]",
        'name = "Indikatorenkatalog Landkreis Musterland"',
        'version = "2024"',
        f"gebiet = {_toml_str(KREIS_NAME)}",
        'schluessel = "Sozialraum-Nr. (11 Stellen: AGS der Gemeinde + 3 Stellen)"',
        "",
    ]
    for vid, headers, label, label_en, unit, source in VARIABLES:
        out += [
            f"[variables.{vid}]",
            f"label = {_toml_str(label)}",
            f"label_en = {_toml_str(label_en)}",
            f"unit = {_toml_str(unit)}",
            "headers = [" + ", ".join(_toml_str(h) for h in headers) + "]",
            f"source = {_toml_str(source)}",
        ]
        if vid in AGGREGATION_WEIGHTS:
            out.append(
                f"aggregation_weight = {_toml_str(AGGREGATION_WEIGHTS[vid])}  # ein Anteil: auf "
                "Gemeinde/Kreis mit den Arbeitslosen gewichtet, nie summiert"
            )
        out.append("")
    for iid, label, label_en, unit, num, den, per, direction, dim, source, mind, desc in INDICATORS:
        out += [
            f"[indicators.{iid}]",
            f"label = {_toml_str(label)}",
            f"label_en = {_toml_str(label_en)}",
            f"unit = {_toml_str(unit)}",
            f"numerator = {_toml_str(num)}",
        ]
        if den:
            out.append(f"denominator = {_toml_str(den)}")
        out += [
            f"per = {per}",
            f"direction = {_toml_str(direction)}",
            f"dimension = {_toml_str(dim)}",
            f"source = {_toml_str(source)}",
            "weight = 1.0",
        ]
        if mind:
            out.append(f"min_denominator = {mind}")
        if iid in STATUS_INDICATORS:
            out.append("status = true  # geht in den Statusindex ein (wie im Berliner MSS)")
        out += [f"description = {_toml_str(desc)}", ""]
    out += [
        "# Beziehungen zwischen Variablen (gelten exakt in jedem Gebiet und Jahr); die",
        "# Geheimhaltung schützt auch gegen Angreifer, die sie ausnutzen.",
        "[relations]",
    ]
    out += [f"{total} = {_toml_str(expr)}" for total, expr in RELATIONS]
    out.append("")
    Path(path).write_text("\n".join(out), encoding="utf-8")


def write_age_csv(path, sr, pop):
    n, na, _ = pop.shape
    ids = np.repeat(sr.index.to_numpy(), na * 2)
    ages = np.tile(np.repeat(AGES, 2), n)
    sex = np.tile(np.array(["m", "w"]), n * na)
    cnt = pop.reshape(-1)
    lines = ["sr_id;alter;geschlecht;anzahl"]
    lines += [f"{i};{a};{s};{c}" for i, a, s, c in zip(ids, ages, sex, cnt, strict=False)]
    Path(path).write_text("\n".join(lines) + "\n", encoding="utf-8")


def write_rates_csv(path):
    """District rates used by the generator (inputs for the demography projection)."""
    q = _mortality()
    f = _fertility()
    m = _migration_profile()
    lines = [
        "alter;sterbewahrscheinlichkeit_m;sterbewahrscheinlichkeit_w;geburtenziffer_w;fortzugsrate"
    ]
    for a in AGES:
        lines.append(f"{a};{q[a, 0]:.6f};{q[a, 1]:.6f};{f[a]:.6f};{m[a]:.6f}")
    Path(path).write_text("\n".join(lines) + "\n", encoding="utf-8")


# ---------------------------------------------------------------------------
# raster, facilities, roads
# ---------------------------------------------------------------------------
def build_raster(rng, sr_gdf, sr, pop2024, bounds):
    """Integer people per 100 m cell (float32, nodata -1); cell-centre sums = ew_ges."""
    import shapely

    minx, miny, maxx, maxy = bounds
    x0 = np.floor(minx / 100) * 100 - 200
    y1 = np.ceil(maxy / 100) * 100 + 200
    x1 = np.ceil(maxx / 100) * 100 + 200
    y0 = np.floor(miny / 100) * 100 - 200
    ncol = int(round((x1 - x0) / 100))
    nrow = int(round((y1 - y0) / 100))
    arr = np.full((nrow, ncol), -1.0, dtype=np.float32)
    cx = x0 + 50 + 100 * np.arange(ncol)
    cy = y1 - 50 - 100 * np.arange(nrow)
    moved = []
    for key, geom in zip(sr_gdf["sr_id"], sr_gdf.geometry, strict=False):
        gx0, gy0, gx1, gy1 = geom.bounds
        cs = np.nonzero((cx >= gx0) & (cx <= gx1))[0]
        rs = np.nonzero((cy >= gy0) & (cy <= gy1))[0]
        rr, cc = np.meshgrid(rs, cs, indexing="ij")
        rr, cc = rr.ravel(), cc.ravel()
        inside = shapely.contains_xy(geom, cx[cc], cy[rr])
        rr, cc = rr[inside], cc[inside]
        n = int(pop2024[key])
        if len(rr) == 0:
            pt = geom.representative_point()
            c = int((pt.x - x0) // 100)
            r = int((y1 - pt.y) // 100)
            arr[r, c] = max(arr[r, c], 0) + n
            moved.append(key)
            continue
        arr[rr, cc] = 0.0
        sx, sy = sr.at[key, "sx"], sr.at[key, "sy"]
        d2 = (cx[cc] - sx) ** 2 + (cy[rr] - sy) ** 2
        sig = sr.at[key, "sigma"]
        w = np.exp(-0.5 * d2 / sig**2)
        # a second, smaller hamlet in larger rural areas
        if sr.at[key, "kind"] in ("land", "ecke") and len(rr) > 200:
            j = int(rng.integers(len(rr)))
            w = w + 0.35 * np.exp(
                -0.5 * ((cx[cc] - cx[cc[j]]) ** 2 + (cy[rr] - cy[rr[j]]) ** 2) / (0.6 * sig) ** 2
            )
        w[w < 0.02 * w.max()] = 0.0
        w = w / w.sum()
        arr[rr, cc] += rng.multinomial(n, w).astype(np.float32)
    return arr, (x0, y1), moved


def build_facilities(rng, sr_gdf, sr, df24):
    import shapely

    geoms = dict(zip(sr_gdf["sr_id"], sr_gdf.geometry, strict=False))
    main = sr.index[sr["hauptort"]]
    town_inner = sr.index[(sr["kind"] == "stadt") & sr["inner"]]
    spw_core = sr.index[(sr["kind"] == "kleinstadt") & sr["inner"]]
    nocorner_main = [k for k in main if sr.at[k, "kind"] not in ("ecke",)]
    rows = []

    def place(key, spread=250.0):
        g = geoms[key]
        for _ in range(500):
            x = sr.at[key, "sx"] + rng.normal(0, spread)
            y = sr.at[key, "sy"] + rng.normal(0, spread)
            if shapely.contains_xy(g.buffer(-20), x, y):
                return round(x, 1), round(y, 1)
        p = g.representative_point()
        return round(p.x, 1), round(p.y, 1)

    def choose(cands, n, weights):
        w = np.asarray(weights, dtype=float)
        return list(rng.choice(np.asarray(cands), size=n, replace=True, p=w / w.sum()))

    # Kitas: weighted by children 0-5, few in the rural corner
    cands = list(sr.index)
    kw = [
        (df24.at[k, "ew_0_2"] + df24.at[k, "ew_3_5"])
        * (0.15 if sr.at[k, "kind"] == "ecke" else 1.0)
        * (1.0 if (sr.at[k, "inner"] or sr.at[k, "hauptort"]) else 0.35)
        for k in cands
    ]
    kita_names = [
        "Sonnenschein",
        "Pusteblume",
        "Regenbogen",
        "Spatzennest",
        "Zwergenland",
        "Märchenland",
        "Kunterbunt",
        "Löwenzahn",
        "Wichtelhaus",
        "Sternschnuppe",
        "Rasselbande",
        "Schatzkiste",
        "Waldwichtel",
        "Glühwürmchen",
        "Bärenhöhle",
        "Flohkiste",
        "Kleine Strolche",
        "Villa Kunterbunt",
        "Abenteuerland",
        "Am Schlosspark",
    ]
    kita_sr = choose(cands, 40, kw)
    for i, k in enumerate(kita_sr):
        rows.append(
            (
                "Kita",
                f"Kita „{kita_names[i % len(kita_names)]}“"
                + ("" if i < len(kita_names) else f" {sr.at[k, 'name_2024']}"),
                int(rng.choice([45, 60, 75, 90, 110, 130, 150, 180])),
                k,
                200.0,
            )
        )
    # Grundschulen: Hauptorte (not Tränkewitz, closed) + 3 more in the town
    gs = [k for k in main if sr.at[k, "gemeinde"] != "Tränkewitz"]
    gs += list(rng.choice(np.asarray([k for k in town_inner if k not in gs]), 3, replace=False))
    for k in gs:
        rows.append(
            (
                "Grundschule",
                f"Grundschule {sr.at[k, 'name_2024']}",
                int(rng.choice([150, 200, 250, 300, 350])),
                k,
                150.0,
            )
        )
    # Hausärzte: 10 town, 3 Spreewitz, 12 in Hauptorte (1 in the corner)
    doc_names = [
        "Müller",
        "Schmidt",
        "Schulze",
        "Krüger",
        "Wagner",
        "Böhme",
        "Hoffmann",
        "Richter",
        "Lehmann",
        "Köhler",
        "Neumann",
        "Schröder",
        "Günther",
        "Förster",
        "Zimmermann",
        "Hänsel",
        "Große",
        "Lange",
        "Jäger",
        "Kühn",
        "Seifert",
        "Wolf",
        "Fuchs",
        "Winkler",
        "Pötzsch",
    ]
    hs = choose(list(town_inner), 10, [df24.at[k, "ew_ges"] for k in town_inner])
    hs += choose(list(spw_core), 3, [1] * len(spw_core))
    corner_main = [k for k in main if sr.at[k, "gemeinde"] == "Großwusterwitz"]
    others = [k for k in nocorner_main if sr.at[k, "kind"] == "land"]
    hs += others + [others[0], others[2], others[4], others[5], others[1]][: 11 - len(others)]
    hs += corner_main
    hs = hs[:25]
    for i, k in enumerate(hs):
        rows.append(
            ("Hausarzt", f"Hausarztpraxis Dr. {doc_names[i % len(doc_names)]}", None, k, 300.0)
        )
    # Beratungsstellen: 6 town, 2 Spreewitz
    ber_names = [
        "Erziehungs- und Familienberatung",
        "Schuldnerberatung",
        "Suchtberatung",
        "Migrationsberatung",
        "Schwangerenberatung",
        "Allgemeiner Sozialer Dienst",
        "Familienzentrum Spreewitz",
        "Beratungsstelle für Senioren",
    ]
    bs = list(rng.choice(np.asarray(town_inner), 6, replace=False)) + list(
        rng.choice(np.asarray(spw_core), 2, replace=False)
    )
    for nm, k in zip(ber_names, bs, strict=False):
        rows.append(("Beratungsstelle", nm, None, k, 150.0))
    # Pflegeeinrichtungen: 3 town, 2 Spreewitz, 5 Hauptorte
    pf_names = [
        "Seniorenzentrum Am Park",
        "Pflegeheim Lindenhof",
        "Haus Abendsonne",
        "Pflegewohnen Spreeblick",
        "Seniorenresidenz Am Markt",
        "Pflegeheim Heidegrund",
        "Haus Sonnenblick",
        "Pflegezentrum Fließtal",
        "Seniorenheim Eichengrund",
        "Pflegeheim Mühlenteich",
    ]
    ps = (
        list(rng.choice(np.asarray(town_inner), 3, replace=False))
        + list(rng.choice(np.asarray(spw_core), 2, replace=False))
        + others[:5]
    )
    for nm, k in zip(pf_names, ps, strict=False):
        rows.append(("Pflegeeinrichtung", nm, int(rng.choice([40, 60, 80, 100, 120])), k, 250.0))
    # Jugendclubs: 3 town, 1 Spreewitz, 4 Hauptorte
    jc_names = [
        "Jugendclub „Alte Mühle“",
        "Jugendhaus Bahnhof",
        "Jugendtreff Südstadt",
        "Jugendclub Spreewitz",
        "Jugendclub „Scheune“",
        "Jugendtreff Dorfgemeinschaft",
        "Jugendclub „Heidehaus“",
        "Offener Treff Bauwagen",
    ]
    js = (
        list(rng.choice(np.asarray(town_inner), 3, replace=False))
        + list(rng.choice(np.asarray(spw_core), 1))
        + others[1:5]
    )
    for nm, k in zip(jc_names, js, strict=False):
        rows.append(("Jugendclub", nm, None, k, 200.0))
    meta = {
        "Kita": ("Bildung & Freizeit", "Kinder", "KITA"),
        "Grundschule": ("Bildung & Freizeit", "Kinder", "GS"),
        "Hausarzt": ("Gesundheit", "alle", "HA"),
        "Beratungsstelle": ("Förderung, Beratung & Hilfe", "Familien", "BER"),
        "Pflegeeinrichtung": ("Leben & Wohnen", "Senioren", "PF"),
        "Jugendclub": ("Bildung & Freizeit", "Jugendliche", "JC"),
    }
    counters: dict[str, int] = {}
    recs = []
    for kat, name, cap, k, spread in rows:
        thema, ziel, pre = meta[kat]
        counters[pre] = counters.get(pre, 0) + 1
        x, y = place(k, spread)
        recs.append(
            {
                "id": f"{pre}{counters[pre]:03d}",
                "name": name,
                "kategorie": kat,
                "kapazitaet": cap,
                "thema": thema,
                "zielgruppe": ziel,
                "sr_id": k,
                "x": x,
                "y": y,
            }
        )
    return pd.DataFrame(recs)


STREET_NAMES_X = [
    "Lindenstraße",
    "Goethestraße",
    "Bahnhofstraße",
    "Schillerstraße",
    "Mühlenweg",
    "Hauptstraße",
    "Gartenstraße",
    "Kirchstraße",
    "Rosenweg",
    "Friedhofsweg",
    "Am Anger",
]
STREET_NAMES_Y = [
    "Dresdner Straße",
    "Bautzener Straße",
    "Cottbuser Straße",
    "Schulstraße",
    "Parkstraße",
    "Marktstraße",
    "Weinbergstraße",
    "Feldstraße",
    "Wiesenweg",
    "Ringstraße",
    "Lessingstraße",
]
CLASS_RANK = {"Bundesstrasse": 3, "Landstrasse": 2, "Gemeindestrasse": 1, "Wirtschaftsweg": 0}


def build_roads(rng, sr, outline, exclave, ex_seed):
    import shapely
    from scipy.sparse.csgraph import minimum_spanning_tree
    from scipy.spatial import Delaunay
    from shapely.geometry import LineString, Point

    lines: list[tuple[LineString, str, str]] = []
    # town grid, 400 m spacing, clipped to a circle around the town centre
    tc = sr.loc[sr["kind"].eq("stadt") & sr["hauptort"], ["sx", "sy"]].to_numpy()[0]
    circ = Point(tc).buffer(2300, quad_segs=16)
    for j, k in enumerate(range(-5, 6)):
        for vertical in (True, False):
            if vertical:
                ln = LineString([(tc[0] + 400 * k, tc[1] - 3000), (tc[0] + 400 * k, tc[1] + 3000)])
                nm = STREET_NAMES_X[j]
            else:
                ln = LineString([(tc[0] - 3000, tc[1] + 400 * k), (tc[0] + 3000, tc[1] + 400 * k)])
                nm = STREET_NAMES_Y[j]
            seg = ln.intersection(circ)
            if not seg.is_empty:
                lines.append((seg, "Gemeindestrasse", f"Musterstadt, {nm}"))
    # settlements outside the dense town area are connected (MST of a Delaunay graph + loops)
    pts_df = sr[~sr["exclave"] & ~(sr["kind"].eq("stadt") & sr["inner"] & ~sr["hauptort"])]
    P = pts_df[["sx", "sy"]].to_numpy()
    names = pts_df["name_2024"].to_numpy()
    tri = Delaunay(P)
    edges = set()
    for s in tri.simplices:
        for a, b in ((s[0], s[1]), (s[1], s[2]), (s[0], s[2])):
            edges.add((min(a, b), max(a, b)))
    edges = sorted(edges)
    from scipy.sparse import coo_matrix

    ea = np.array([e[0] for e in edges])
    eb = np.array([e[1] for e in edges])
    el = np.hypot(*(P[ea] - P[eb]).T)
    m = coo_matrix((el, (ea, eb)), shape=(len(P), len(P)))
    mst = minimum_spanning_tree(m).tocoo()
    mst_edges = set(zip(np.minimum(mst.row, mst.col), np.maximum(mst.row, mst.col), strict=False))
    main_mask = pts_df["hauptort"].to_numpy()
    for (a, b), length in zip(edges, el, strict=False):
        ln = LineString([P[a], P[b]])
        in_mst = (a, b) in mst_edges
        if in_mst:
            klasse = "Landstrasse" if (main_mask[a] or main_mask[b]) else "Gemeindestrasse"
        elif length < 4500 and rng.random() < 0.6:
            klasse = "Wirtschaftsweg" if rng.random() < 0.5 else "Gemeindestrasse"
        else:
            continue
        nm = f"Verbindung {names[a]} – {names[b]}" if klasse != "Wirtschaftsweg" else ""
        lines.append((ln, klasse, nm))
    # Bundesstraßen between the main places (MST over the Hauptorte), through the town
    M = P[main_mask]
    mn = names[main_mask]
    dm = np.hypot(M[:, None, 0] - M[None, :, 0], M[:, None, 1] - M[None, :, 1])
    mst2 = minimum_spanning_tree(np.triu(dm)).tocoo()
    for j, (a, b) in enumerate(zip(mst2.row, mst2.col, strict=False)):
        ln = LineString([M[a], M[b]])
        # keep main roads inside the district (a straight line may leave a concave outline)
        if ln.within(outline):
            lines.append(
                (
                    ln,
                    "Bundesstrasse" if j % 2 == 0 else "Landstrasse",
                    f"B {156 + j}" if j % 2 == 0 else f"S {210 + j}",
                )
            )
            _ = mn
    # link each inner town area centre to the grid: short access roads to the nearest node
    for key in sr.index[sr["kind"].eq("stadt") & sr["inner"]]:
        sx, sy = sr.at[key, "sx"], sr.at[key, "sy"]
        gx = tc[0] + 400 * np.round((sx - tc[0]) / 400)
        gy = tc[1] + 400 * np.round((sy - tc[1]) / 400)
        if (gx - tc[0]) ** 2 + (gy - tc[1]) ** 2 < 2250**2 and (gx, gy) != (sx, sy):
            lines.append(
                (
                    LineString([(sx, sy), (gx, gy)]),
                    "Gemeindestrasse",
                    f"Musterstadt, Zufahrt {sr.at[key, 'name_2024']}",
                )
            )
    # the exclave: a little road cross of its own (not connected to anything)
    ex = Point(ex_seed)
    lines.append(
        (
            LineString([(ex.x - 450, ex.y - 100), (ex.x + 450, ex.y + 120)]),
            "Gemeindestrasse",
            f"{EXCLAVE_NAME}, Waldweg",
        )
    )
    lines.append(
        (LineString([(ex.x - 60, ex.y - 300), (ex.x + 80, ex.y + 300)]), "Wirtschaftsweg", "")
    )
    geoms = [shapely.set_precision(g, 0.1) for g, _, _ in lines]
    noded = shapely.union_all(geoms, grid_size=0.1)
    parts = [p for p in shapely.get_parts(noded) if p.length > 0]
    tree = shapely.STRtree(geoms)
    recs = []
    for p in parts:
        mid = p.interpolate(0.5, normalized=True)
        cand = tree.query(mid, predicate="dwithin", distance=0.5)
        best = max(cand, key=lambda i: (CLASS_RANK[lines[i][1]], -i))
        recs.append({"klasse": lines[best][1], "name": lines[best][2] or None, "geometry": p})
    return recs


# ---------------------------------------------------------------------------
# main
# ---------------------------------------------------------------------------
def generate(out_boundaries: Path, out_examples: Path) -> dict:
    """Write all files; GDAL's OGR_CURRENT_DATE is pinned only while writing."""
    import pyogrio

    old = os.environ.get("OGR_CURRENT_DATE")
    os.environ["OGR_CURRENT_DATE"] = FIXED_DATE
    pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": FIXED_DATE})
    try:
        return _generate(out_boundaries, out_examples)
    finally:
        pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": old})
        if old is None:
            os.environ.pop("OGR_CURRENT_DATE", None)
        else:
            os.environ["OGR_CURRENT_DATE"] = old


def _generate(out_boundaries: Path, out_examples: Path) -> dict:
    import geopandas as gpd
    import rasterio
    import shapely
    from rasterio.transform import from_origin
    from shapely.geometry import MultiPolygon

    rng = np.random.default_rng(SEED)
    out_boundaries.mkdir(parents=True, exist_ok=True)
    out_examples.mkdir(parents=True, exist_ok=True)

    outline, gem_polys, seeds, sr_geoms, exclave, ex_seed = build_geometry(rng)

    # --- the Sozialraum table ------------------------------------------------
    ags = [f"{KREIS_AGS}{i + 1:03d}" for i in range(len(GEMEINDEN))]
    ars = [
        f"{KREIS_AGS[:2]}{KREIS_AGS[2]}{KREIS_AGS[3:5]}{v}{i + 1:03d}"
        for i, (_, _, v, _) in enumerate(GEMEINDEN)
    ]
    cx, cy = 452500.0, 5712500.0
    corner = np.array([cx + 11000, cy + 13000])
    village_iter = iter(VILLAGES)
    recs = []
    for gi, ((gname, _, _, kind), pts) in enumerate(zip(GEMEINDEN, seeds, strict=False)):
        tc = np.array(pts[0])
        if kind == "stadt":
            inner_idx = list(range(16))
            d_tc = [np.hypot(*(np.array(pts[i]) - tc)) for i in inner_idx]
            order = np.argsort(d_tc, kind="stable")
            names = {}
            for rank, i in enumerate(order):
                names[inner_idx[i]] = TOWN_NAMES[rank]
            cand = [i for i in inner_idx if names[i] not in TOWN_NAMES[:4]]
            north = max(cand, key=lambda i: pts[i][1])
            south = min(cand, key=lambda i: pts[i][1])
            names[north] = RENAMED_OLD
            names[south] = "Südstadt"
            for i in range(16, len(pts)):
                names[i] = next(village_iter)
        elif kind == "kleinstadt":
            names = {i: SPREEWITZ_NAMES[i] for i in range(5)}
            for i in range(5, len(pts)):
                names[i] = next(village_iter)
        else:
            names = {0: gname}
            for i in range(1, len(pts)):
                names[i] = next(village_iter)
        for si, (sx, sy) in enumerate(pts):
            recs.append(
                {
                    "gi": gi,
                    "si": si,
                    "sx": sx,
                    "sy": sy,
                    "kind": kind,
                    "gemeinde": gname,
                    "name": names[si],
                    "inner": (kind == "stadt" and si < 16) or (kind == "kleinstadt" and si < 5),
                    "hauptort": si == 0,
                    "exclave": False,
                    "geometry": sr_geoms[(gi, si)],
                }
            )
    # exclave belongs to Spreewitz
    recs.append(
        {
            "gi": 1,
            "si": len(seeds[1]),
            "sx": ex_seed[0],
            "sy": ex_seed[1],
            "kind": "kleinstadt",
            "gemeinde": "Spreewitz",
            "name": EXCLAVE_NAME,
            "inner": False,
            "hauptort": False,
            "exclave": True,
            "geometry": exclave,
        }
    )
    sr = pd.DataFrame(recs)
    # key: Gemeinde AGS + 3 digits, numbered in order of a west-to-east sweep per Gemeinde
    sr["_ord"] = sr["sx"].round(-2) - sr["sy"].round(-2) * 1e-3
    sr = sr.sort_values(
        ["gi", "exclave", "hauptort", "_ord"], ascending=[True, True, False, True], kind="stable"
    )
    sr["nr"] = sr.groupby("gi").cumcount() + 1
    sr["sr_id"] = [f"{ags[g]}{n:03d}" for g, n in zip(sr["gi"], sr["nr"], strict=False)]
    sr["ags"] = [ags[g] for g in sr["gi"]]
    sr = sr.set_index("sr_id", drop=False)
    sr.index.name = None

    # latent social structure --------------------------------------------------
    town_c = np.array(seeds[0][0])
    dep_c = town_c + np.array([250.0, -300.0])
    xy = sr[["sx", "sy"]].to_numpy()
    d_dep = np.hypot(*(xy - dep_c).T)
    d_corner = np.hypot(*(xy - corner).T)
    spw_c = np.array(seeds[1][0])
    d_spw = np.hypot(*(xy - spw_c).T)
    dep = 2.6 * np.exp(-0.5 * (d_dep / 1000.0) ** 2) + 0.9 * (sr["name"] == "Spreewitz-Neustadt")
    dep = dep + 0.35 * np.exp(-0.5 * (d_spw / 900) ** 2)
    dep = dep + rng.normal(0, 0.18, len(sr))
    # rural decline: strongest in the two corner Gemeinden, fading out into the neighbours
    rural = np.select(
        [sr["kind"].eq("ecke"), sr["kind"].eq("land")],
        [
            np.clip(1.35 - d_corner / 14000.0, 0.5, 1.0),
            0.6 * np.clip(1.0 - d_corner / 12000.0, 0, 1),
        ],
        0.0,
    )
    sr["dep"] = dep
    sr["rural"] = rural
    sr["trend"] = rng.normal(0, 0.03, len(sr))
    # a run-down estate being renovated (renamed in 2024): improving markedly
    sr.loc[sr["name"] == RENAMED_OLD, "dep"] = 1.7
    sr.loc[sr["name"] == RENAMED_OLD, "trend"] = -0.4
    sr.loc[sr["name"] == "Südstadt", "trend"] = 0.3  # worsening markedly
    sr["vac_extra"] = 0.06 * (sr["name"] == "Spreewitz-Neustadt")
    sr["young"] = (
        np.select(
            [sr["kind"].eq("stadt") & sr["inner"], sr["kind"].eq("kleinstadt") & sr["inner"]],
            [0.45, 0.2],
            -0.1,
        )
        - 0.9 * sr["rural"]
        + rng.normal(0, 0.08, len(sr))
    )
    sr["fert"] = 1.0 + 0.12 * np.clip(sr["dep"], 0, 2) - 0.1 * sr["rural"]
    sr["mobility"] = 1.0 + 0.35 * sr["inner"] + 0.25 * np.clip(sr["dep"], 0, 2) + 0.5 * sr["rural"]
    sr["net_mig"] = (
        np.where(sr["kind"].eq("stadt") & sr["inner"], 0.004, -0.002)
        - 0.03 * sr["rural"]
        + rng.normal(0, 0.002, len(sr))
    )
    sr["sigma"] = np.select(
        [
            sr["kind"].eq("stadt") & sr["inner"],
            sr["kind"].eq("kleinstadt") & sr["inner"],
            sr["hauptort"],
        ],
        [650.0, 450.0, 420.0],
        260.0,
    )
    # start populations (31.12.2020)
    pop0 = np.empty(len(sr))
    for j, (_k, row) in enumerate(sr.iterrows()):
        if row["exclave"]:
            pop0[j] = 125
        elif row["kind"] == "stadt":
            pop0[j] = rng.normal(1360, 240) if row["inner"] else rng.normal(850, 200)
        elif row["kind"] == "kleinstadt":
            pop0[j] = rng.normal(1750, 250) if row["inner"] else rng.normal(520, 120)
        elif row["kind"] == "land":
            pop0[j] = rng.normal(3600, 400) if row["hauptort"] else rng.lognormal(np.log(1600), 0.3)
        else:  # rural corner
            pop0[j] = rng.normal(900, 120) if row["hauptort"] else rng.uniform(170, 520)
    # the most deprived town area is a large estate (so job-centre counts reach 1.000)
    town_inner = (sr["kind"].eq("stadt") & sr["inner"]).to_numpy()
    big = np.nonzero(town_inner)[0][np.argmin(d_dep[town_inner])]
    pop0[big] = 4300
    # make sure the corner has >= 6 hamlets under 300 (with some margin for decline)
    corner_idx = np.nonzero((sr["kind"].eq("ecke") & ~sr["hauptort"]).to_numpy())[0]
    far = corner_idx[np.argsort(-sr["rural"].to_numpy()[corner_idx], kind="stable")][:6]
    pop0[far] = rng.uniform(175, 255, len(far))
    sr["pop0"] = np.round(pop0).astype(int)
    smallest = sr.index[sr["kind"].eq("ecke") & ~sr["exclave"]][
        np.argmin(sr.loc[sr["kind"].eq("ecke") & ~sr["exclave"], "pop0"].to_numpy())
    ]
    sr["no_school"] = sr.index == smallest

    pops, flows = simulate_population(rng, sr)
    tables = {y: indicator_counts(rng, sr, pops, flows, y) for y in YEARS_TABLE}
    for y in YEARS_TABLE:
        sr[f"name_{y}"] = sr["name"]
    sr.loc[sr["name"] == RENAMED_OLD, "name_2024"] = RENAMED_NEW

    # --- boundaries ------------------------------------------------------------
    sr_gdf = gpd.GeoDataFrame(
        {
            "sr_id": sr["sr_id"].to_numpy(),
            "sr_name": sr["name_2024"].to_numpy(),
            "ags": sr["ags"].to_numpy(),
            "gemeinde": sr["gemeinde"].to_numpy(),
        },
        geometry=list(sr["geometry"]),
        crs=CRS,
    )
    gem_geoms = []
    for gi in range(len(GEMEINDEN)):
        parts = list(sr_gdf.geometry[sr["gi"].to_numpy() == gi])
        main_parts = [
            p for p, e in zip(parts, sr["exclave"][sr["gi"] == gi], strict=False) if not e
        ]
        g = shapely.coverage_union_all(main_parts)
        if gi == 1:
            g = MultiPolygon([g, exclave])
        gem_geoms.append(g)
    gem_gdf = gpd.GeoDataFrame(
        {"ags": ags, "ars": ars, "gemeinde": [g[0] for g in GEMEINDEN]}, geometry=gem_geoms, crs=CRS
    )
    kreis_main = shapely.coverage_union_all([g for g in sr_gdf.geometry if g is not exclave])
    kreis_gdf = gpd.GeoDataFrame(
        {"ags": [KREIS_AGS], "name": [KREIS_NAME]},
        geometry=[MultiPolygon([kreis_main, exclave])],
        crs=CRS,
    )
    gpkg = out_boundaries / "musterland.gpkg"
    if gpkg.exists():
        gpkg.unlink()
    for lyr, g in (("sozialraeume", sr_gdf), ("gemeinden", gem_gdf), ("kreis", kreis_gdf)):
        g.to_file(gpkg, layer=lyr, driver="GPKG", engine="pyogrio", VERSION="1.3")

    # --- tables ----------------------------------------------------------------
    for y in YEARS_TABLE:
        write_xlsx(out_examples / f"indikatoren_{y}.xlsx", sr, tables[y], y)
        write_jobcenter_csv(out_examples / f"jobcenter_{y}.csv", sr, tables[y], y)
    for y in YEARS_AGE:
        write_age_csv(out_examples / f"bevoelkerung_alter_{y}.csv", sr, pops[y])
    write_rates_csv(out_examples / "demografie_raten.csv")
    write_catalogue(out_examples / "katalog.toml")
    _sibling("gen_demografie").write_all(out_examples, sr, pops, flows, YEARS_TABLE)
    # measures register and recommendations: own module, fixed rules (nothing drawn from rng)
    runpy.run_path(str(Path(__file__).with_name("gen_planung.py")))["write_planning"](
        out_examples, sr, tables
    )

    # --- raster ----------------------------------------------------------------
    arr, (x0, ytop), moved = build_raster(
        rng, sr_gdf, sr, tables[2024]["ew_ges"], kreis_gdf.total_bounds
    )
    tif = out_examples / "bevoelkerung_100m.tif"
    with rasterio.open(
        tif,
        "w",
        driver="GTiff",
        height=arr.shape[0],
        width=arr.shape[1],
        count=1,
        dtype="float32",
        crs=CRS,
        nodata=-1.0,
        transform=from_origin(x0, ytop, 100, 100),
        compress="deflate",
        predictor=2,
        tiled=True,
        blockxsize=256,
        blockysize=256,
    ) as dst:
        dst.write(arr, 1)
        dst.update_tags(1, DESCRIPTION="Einwohner je 100-m-Zelle, 31.12.2024 (synthetisch)")

    # --- facilities --------------------------------------------------------------
    fac = build_facilities(rng, sr_gdf, sr, tables[2024])
    fac_gdf = gpd.GeoDataFrame(
        fac.drop(columns=["x", "y"]), geometry=gpd.points_from_xy(fac["x"], fac["y"]), crs=CRS
    )
    fac_gdf["kapazitaet"] = fac_gdf["kapazitaet"].astype("Int64")
    p = out_examples / "einrichtungen.gpkg"
    if p.exists():
        p.unlink()
    fac_gdf.to_file(p, layer="einrichtungen", driver="GPKG", engine="pyogrio", VERSION="1.3")
    runpy.run_path(str(Path(__file__).with_name("gen_kita.py")))["write_kita"](
        out_examples, fac_gdf, sr_gdf
    )  # Kita places by type, Schulbezirke (own seed)

    # --- roads -------------------------------------------------------------------
    roads = gpd.GeoDataFrame(build_roads(rng, sr, outline, exclave, ex_seed), crs=CRS)
    roads.insert(0, "id", np.arange(1, len(roads) + 1))
    p = out_examples / "strassen.gpkg"
    if p.exists():
        p.unlink()
    roads.to_file(p, layer="strassen", driver="GPKG", engine="pyogrio", VERSION="1.3")

    _sibling("gen_pflege").write(out_examples, sr_gdf, sr, fac_gdf, CRS)  # own seed
    _sibling("gen_hze").write_hze(out_examples, sr_gdf, tables)  # own seed
    return {"sr": sr_gdf, "tables": tables, "moved": moved, "roads": roads, "fac": fac_gdf}


def _sibling(name: str):
    """A generator module beside this file (works when run as a script or via runpy)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        f"musterland_{name}", Path(__file__).with_name(f"{name}.py")
    )
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description="Erzeugt den Beispiel-Landkreis Musterland.")
    ap.add_argument("--out-boundaries", type=Path, default=ROOT / "data" / "boundaries")
    ap.add_argument("--out-examples", type=Path, default=ROOT / "examples" / "musterland")
    args = ap.parse_args(argv)
    res = generate(args.out_boundaries, args.out_examples)
    t24 = res["tables"][2024]
    sr = res["sr"]
    town = t24.loc[sr.loc[sr["gemeinde"] == "Musterstadt", "sr_id"], "ew_ges"].sum()
    print(
        f"Sozialräume: {len(sr)}, Einwohner 2024: {int(t24['ew_ges'].sum())}, "
        f"Musterstadt: {int(town)}, unter 300: {int((t24['ew_ges'] < 300).sum())}, "
        f"Straßenabschnitte: {len(res['roads'])}, Einrichtungen: {len(res['fac'])}"
    )
    if res["moved"]:
        print("Bevölkerung auf repräsentativen Punkt gesetzt:", ", ".join(res["moved"]))


if __name__ == "__main__":
    main()
