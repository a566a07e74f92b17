"""Parameters shared by the LISA and Gi* algorithms (weights, inference)."""

from __future__ import annotations

#: What LISA and Gi* import: not mapclassify (it compiles numba code at every import, seconds
#: per qgis_process call), rasterio, folium or pypdf; esda only without numba.
MODULES = (
    "numpy",
    "pandas",
    "shapely",
    "pyproj",
    "pyogrio",
    "geopandas",
    "scipy",
    "libpysal",
    "sozialraum",
)

WEIGHTS = ("queen", "rook", "knn", "distance_band")
WEIGHT_NAMES = {
    "de": [
        "Queen (gemeinsame Kante oder Ecke)",
        "Rook (gemeinsame Kante)",
        "k nächste Nachbarn",
        "Distanzband",
    ],
    "en": [
        "Queen (shared edge or corner)",
        "Rook (shared edge)",
        "k nearest neighbours",
        "Distance band",
    ],
}
ISLANDS = ("exclude", "knn")
ISLAND_NAMES = {
    "de": ["ausschließen („ohne Nachbarn“)", "an nächstes Gebiet anbinden"],
    "en": ["exclude ('no neighbours')", "attach to the nearest area"],
}
CORRECTIONS = ("none", "fdr", "bonferroni")
CORRECTION_NAMES = {
    "de": ["keine", "FDR (Benjamini–Hochberg)", "Bonferroni"],
    "en": ["none", "FDR (Benjamini–Hochberg)", "Bonferroni"],
}

TEXT = {
    "FIELD": {"de": "Indikator (Feld)", "en": "Indicator (field)"},
    "WEIGHTS": {"de": "Nachbarschaft (Gewichte)", "en": "Neighbourhood (weights)"},
    "K": {"de": "k (für k nächste Nachbarn)", "en": "k (for k nearest neighbours)"},
    "THRESHOLD": {
        "de": "Distanzband in Metern (leer = automatisch)",
        "en": "Distance band in metres (empty = automatic)",
    },
    "ISLANDS": {"de": "Gebiete ohne Nachbarn", "en": "Areas without neighbours"},
    "PERMUTATIONS": {"de": "Permutationen", "en": "Permutations"},
    "SEED": {"de": "Startwert (Zufallszahlen)", "en": "Seed"},
    "CORRECTION": {"de": "Korrektur für multiples Testen", "en": "Multiple-testing correction"},
}


def add_weight_params(alg):
    alg.add_areas("INPUT", "KEY")
    alg.add_field("FIELD")
    alg.add_enum("WEIGHTS", WEIGHT_NAMES[alg.lang], 0)
    alg.add_number("K", 6, integer=True, minimum=1)
    alg.add_number("THRESHOLD", None, optional=True, minimum=0)
    alg.add_enum("ISLANDS", ISLAND_NAMES[alg.lang], 0)


def build(alg, areas, parameters, context):
    from sozialraum.spatial import build_weights

    return build_weights(
        areas,
        WEIGHTS[alg.parameterAsEnum(parameters, "WEIGHTS", context)],
        k=alg.parameterAsInt(parameters, "K", context),
        threshold=alg.opt_number(parameters, "THRESHOLD", context),
        islands=ISLANDS[alg.parameterAsEnum(parameters, "ISLANDS", context)],
        lang=alg.lang,
    )
