"""Inventory of offers (Angebote) by theme and target group, and an offer finder.

Themes (as planners group them): Gesundheit; Bildung & Freizeit; Leben & Wohnen;
Förderung, Beratung & Hilfe. Each offer has a theme (column ``thema``), a target group
(``zielgruppe``, e.g. Kinder, Jugendliche, Familien, Senioren, alle) and an area key
(``sr_id``). Offers for ``alle``/``Alle`` serve every target group.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from sozialraum._i18n import t
from sozialraum.access._common import require_column
from sozialraum.access.crs import point_coords
from sozialraum.core.crs import ensure_metric
from sozialraum.errors import InputError, format_ids

__all__ = [
    "ALL_GROUPS",
    "HOUSEHOLD_GROUPS",
    "PUBLIC_COLUMN",
    "THEMES",
    "find_offers",
    "offer_inventory",
    "offers_for_household",
    "nearest_offers_for_household",
    "parse_household",
    "public_offers",
]

THEMES = ("Gesundheit", "Bildung & Freizeit", "Leben & Wohnen", "Förderung, Beratung & Hilfe")

#: Column of an offer register that marks offers whose address must not be published
#: (e.g. a women's shelter): ``nein``/``false``/``0``/``intern`` (see :func:`public_offers`).
PUBLIC_COLUMN = "oeffentlich"

_NOT_PUBLIC = {"nein", "no", "false", "falsch", "0", "n", "intern"}

#: Target-group values meaning "everyone".
ALL_GROUPS = ("alle", "Alle", "alle Altersgruppen", "Allgemein")

#: Household members → target groups of offers relevant to them.
HOUSEHOLD_GROUPS: dict[str, tuple[str, ...]] = {
    "kleinkind": ("Kinder", "Kleinkinder", "Familien"),
    "kita_kind": ("Kinder", "Kleinkinder", "Familien"),
    "schulkind": ("Kinder", "Schulkinder", "Familien"),
    "jugendliche": ("Jugendliche", "Familien"),
    "erwachsene": ("Erwachsene", "Familien"),
    "eltern": ("Familien", "Eltern", "Erwachsene"),
    "senioren": ("Senioren", "Ältere"),
    "pflegebeduerftig": ("Senioren", "Ältere", "Pflegebedürftige", "Menschen mit Behinderung"),
    "behinderung": ("Menschen mit Behinderung",),
    "zugewanderte": ("Zugewanderte", "Geflüchtete"),
}

_MSG = {
    "unknown_theme": {
        "de": "Unbekannte Themen {vals}. Erlaubt: {allowed}.",
        "en": "unknown themes {vals}. Allowed: {allowed}.",
    },
    "unknown_member": {
        "de": "Unbekannte Haushaltsmitglieder {vals}. Möglich: {allowed} (oder eigene Zuordnung groups=).",
        "en": "unknown household members {vals}. Possible: {allowed} (or your own mapping groups=).",
    },
    "bad_household": {
        "de": "{knob} {value!r}: erwartet Mitglied:Anzahl, durch Kommas getrennt "
        "(z. B. eltern:1,kita_kind:2).",
        "en": "{knob} {value!r}: expected member:count separated by commas "
        "(e.g. eltern:1,kita_kind:2).",
    },
    "need_reach": {
        "de": "Bitte eine Reichweite angeben: max_distance (Meter) oder network mit max_minutes.",
        "en": "please give a reach: max_distance (metres) or network with max_minutes.",
    },
}


def _as_list(x: str | Sequence[str] | None) -> list[str] | None:
    if x is None:
        return None
    return [x] if isinstance(x, str) else [str(v) for v in x]


def offer_inventory(
    offers: pd.DataFrame,
    *,
    area_col: str = "sr_id",
    theme_col: str = "thema",
    group_col: str = "zielgruppe",
    population: pd.DataFrame | None = None,
    group_population: Mapping[str, str] | None = None,
    areas: Sequence[str] | None = None,
    lang: str | None = None,
) -> pd.DataFrame:
    """Counts of offers per area × theme × target group, and per 1,000 of the target group.

    Parameters
    ----------
    offers
        One row per offer with ``area_col``, ``theme_col``, ``group_col``.
    population
        Per area (index = key): population columns.
    group_population
        Target group → column of ``population`` (e.g. ``{"Kinder": "ew_0_17",
        "Senioren": "ew_65_plus", "alle": "ew_insgesamt"}``). Groups without a column
        get NaN ``je_1000``.
    areas
        All area keys (areas without offers then appear with count 0); default: the
        index of ``population`` or the areas present in ``offers``.

    Returns
    -------
    pandas.DataFrame
        Long table: ``gebiet``, ``thema``, ``zielgruppe``, ``anzahl``, ``einwohner_zielgruppe``,
        ``je_1000``. Every area × theme × group combination present in the data appears,
        zero counts included.
    """
    for c in (area_col, theme_col, group_col):
        require_column(offers, c, "Angebote", lang)
    df = pd.DataFrame(
        {
            "gebiet": offers[area_col].astype("string").fillna("(ohne Gebiet)"),
            "thema": offers[theme_col].astype("string").fillna("(ohne Thema)"),
            "zielgruppe": offers[group_col].astype("string").fillna("(ohne Zielgruppe)"),
        }
    )
    if areas is None:
        areas = list(population.index.astype(str)) if population is not None else []
    all_areas = sorted(set(map(str, areas)) | set(df["gebiet"].unique()))
    combos = df[["thema", "zielgruppe"]].drop_duplicates()
    grid = pd.MultiIndex.from_product(
        [all_areas, range(len(combos))], names=["gebiet", "_c"]
    ).to_frame(index=False)
    grid = grid.join(combos.reset_index(drop=True), on="_c").drop(columns="_c")
    counts = df.groupby(["gebiet", "thema", "zielgruppe"]).size().rename("anzahl").reset_index()
    out = grid.merge(counts, on=["gebiet", "thema", "zielgruppe"], how="left")
    out["anzahl"] = out["anzahl"].fillna(0).astype(np.int64)
    out["einwohner_zielgruppe"] = np.nan
    if population is not None and group_population:
        pop = population.copy()
        pop.index = pop.index.astype(str)
        for grp, col in group_population.items():
            require_column(pop, col, "Bevölkerung", lang)
            sel = (out["zielgruppe"] == grp).to_numpy()
            out.loc[sel, "einwohner_zielgruppe"] = (
                pd.to_numeric(pop[col], errors="coerce")
                .reindex(out.loc[sel, "gebiet"])
                .to_numpy(dtype=float)
            )
    e = out["einwohner_zielgruppe"]
    out["je_1000"] = np.where(e > 0, out["anzahl"] / e.where(e > 0, 1) * 1000.0, np.nan)
    return out.sort_values(["gebiet", "thema", "zielgruppe"]).reset_index(drop=True)


def _point_of(location: object, crs: object) -> np.ndarray:
    if isinstance(location, (gpd.GeoDataFrame, gpd.GeoSeries)):
        g = (
            location
            if isinstance(location, gpd.GeoDataFrame)
            else gpd.GeoDataFrame(geometry=location)
        )
        if crs is not None and g.crs is not None and g.crs != crs:
            g = ensure_metric(g, target_crs=crs)
        return point_coords(g.iloc[:1])[0]
    if isinstance(location, shapely.Geometry):
        return shapely.get_coordinates(shapely.centroid(location))[0]
    return np.asarray(location, dtype=float).reshape(2)


def find_offers(
    offers: gpd.GeoDataFrame,
    *,
    theme: str | Sequence[str] | None = None,
    group: str | Sequence[str] | None = None,
    area: str | Sequence[str] | None = None,
    near: object | None = None,
    max_distance: float | None = None,
    network: object | None = None,
    mode: str = "walking",
    max_minutes: float | None = None,
    include_all_groups: bool = True,
    area_col: str = "sr_id",
    theme_col: str = "thema",
    group_col: str = "zielgruppe",
    lang: str | None = None,
) -> gpd.GeoDataFrame:
    """Offers by theme, target group, area and/or reach from a point.

    ``near`` (a point, ``(x, y)`` in the offers' CRS, a polygon → centroid, or a
    GeoDataFrame's first row) adds ``entfernung_m`` (straight line) or, with a
    ``network``, ``entfernung_m`` and ``reisezeit_min`` over the road network; results are
    sorted by it and cut at ``max_distance`` / ``max_minutes``. Offers whose group is
    ``alle`` match every group (``include_all_groups``).
    """
    sel = np.ones(len(offers), dtype=bool)
    themes = _as_list(theme)
    if themes is not None:
        require_column(offers, theme_col, "Angebote", lang)
        sel &= offers[theme_col].astype("string").isin(themes).fillna(False).to_numpy()
    groups = _as_list(group)
    if groups is not None:
        require_column(offers, group_col, "Angebote", lang)
        wanted = set(groups) | (set(ALL_GROUPS) if include_all_groups else set())
        sel &= offers[group_col].astype("string").isin(list(wanted)).fillna(False).to_numpy()
    areas = _as_list(area)
    if areas is not None:
        require_column(offers, area_col, "Angebote", lang)
        sel &= offers[area_col].astype("string").isin(areas).fillna(False).to_numpy()
    out = offers.loc[sel].copy()
    if near is None:
        return out
    out = ensure_metric(out, name="Angebote", lang=lang)
    xy = _point_of(near, out.crs)
    if network is not None:
        from sozialraum.access.network import network_nearest

        origin = gpd.GeoDataFrame(
            {"_": [0]}, geometry=[shapely.Point(xy)], crs=out.crs, index=["ort"]
        )
        # distance from the origin to each offer = nearest-search with each offer as its own demand point
        res = network_nearest(network, out, origin, mode=mode, lang=lang)
        out["entfernung_m"] = res["distance_m"].to_numpy()
        if mode is not None:
            out["reisezeit_min"] = res["travel_time_min"].to_numpy()
        out["status_netz"] = res["status"].to_numpy()
    else:
        out["entfernung_m"] = np.hypot(*(point_coords(out) - xy).T) if len(out) else np.zeros(0)
    keep = np.ones(len(out), dtype=bool)
    if max_distance is not None:
        keep &= (out["entfernung_m"] <= max_distance).fillna(False).to_numpy()
    if max_minutes is not None and "reisezeit_min" in out.columns:
        keep &= (out["reisezeit_min"] <= max_minutes).fillna(False).to_numpy()
    sort_col = (
        "reisezeit_min"
        if "reisezeit_min" in out.columns and max_minutes is not None
        else "entfernung_m"
    )
    return out.loc[keep].sort_values(sort_col, kind="stable")


def offers_for_household(
    offers: gpd.GeoDataFrame,
    location: object,
    household: Mapping[str, int] | Sequence[str],
    *,
    theme: str | Sequence[str] | None = None,
    max_distance: float | None = None,
    network: object | None = None,
    mode: str = "walking",
    max_minutes: float | None = None,
    groups: Mapping[str, Sequence[str]] | None = None,
    group_col: str = "zielgruppe",
    theme_col: str = "thema",
    lang: str | None = None,
) -> gpd.GeoDataFrame:
    """Relevant offers within reach of a household.

    Parameters
    ----------
    location
        Where the household lives: a point, ``(x, y)``, or a planning area polygon (centroid).
    household
        Members, e.g. ``{"schulkind": 2, "pflegebeduerftig": 2}`` or a list of member types
        (keys of :data:`HOUSEHOLD_GROUPS` or of ``groups``).
    max_distance, network, mode, max_minutes
        Reach: straight line in metres, or travel time over the road network.

    Returns
    -------
    geopandas.GeoDataFrame
        The offers within reach (a map layer), with ``fuer`` (which household members an
        offer serves), sorted by distance / travel time.
    """
    mapping = dict(HOUSEHOLD_GROUPS if groups is None else groups)
    members = (
        list(household.keys()) if isinstance(household, Mapping) else [str(m) for m in household]
    )
    unknown = [m for m in members if m not in mapping]
    if unknown:
        raise InputError(
            t(_MSG, "unknown_member", lang, vals=format_ids(unknown), allowed=", ".join(mapping))
        )
    if max_distance is None and max_minutes is None:
        raise InputError(t(_MSG, "need_reach", lang))
    wanted = sorted({g for m in members for g in mapping[m]})
    found = find_offers(
        offers,
        theme=theme,
        group=wanted,
        near=location,
        max_distance=max_distance,
        network=network,
        mode=mode,
        max_minutes=max_minutes,
        group_col=group_col,
        theme_col=theme_col,
        lang=lang,
    )
    grp = found[group_col].astype("string")
    fuer = pd.Series("", index=found.index, dtype=object)
    for m in members:
        hit = grp.isin(list(mapping[m]) + list(ALL_GROUPS)).fillna(False)
        fuer[hit] = fuer[hit].map(lambda s, m=m: f"{s}, {m}" if s else m)
    found["fuer"] = fuer.to_numpy()
    return found


def nearest_offers_for_household(
    offers: gpd.GeoDataFrame,
    location: object,
    household: Mapping[str, int] | Sequence[str],
    *,
    radius: float,
    themes: str | Sequence[str] | None = None,
    per_kind: int = 2,
    category: str = "kategorie",
    lang: str | None = None,
) -> gpd.GeoDataFrame:
    """The nearest ``per_kind`` offers of each kind (``category``) that serve the household.

    :func:`offers_for_household` within ``radius`` metres (straight line), then per kind
    (Kita, Beratungsstelle, Familienzentrum …) the nearest ones, sorted by distance.
    """
    found = offers_for_household(
        offers, location, household, theme=themes, max_distance=radius, lang=lang
    )
    if category in found.columns and per_kind > 0:
        found = found.groupby(category, sort=False, group_keys=False).head(per_kind)
    return found


def parse_household(text: str, lang: str | None = None) -> dict[str, int]:
    """A household as typed: ``"eltern:1,kita_kind:2"`` → ``{"eltern": 1, "kita_kind": 2}``.

    A member without a count counts once. The message of a wrong text names the setting
    in the words of the door it came through (``--haushalt``, the QGIS field …).
    """
    from sozialraum.core.doors import knob

    out: dict[str, int] = {}
    for part in filter(None, (s.strip() for s in str(text).split(","))):
        name, _, n = part.partition(":")
        try:
            out[name.strip()] = int(n) if n.strip() else 1
        except ValueError:
            raise InputError(
                t(_MSG, "bad_household", lang, knob=knob("offer_household", lang), value=text)
            ) from None
    if not out:
        raise InputError(
            t(_MSG, "bad_household", lang, knob=knob("offer_household", lang), value=text)
        )
    return out


def public_offers(frame: pd.DataFrame, column: str = PUBLIC_COLUMN) -> pd.DataFrame:
    """The offers whose address may be published (all, without a ``column``).

    A row is left out where ``column`` says no (``nein``, ``false``, ``0``, ``intern``,
    a false boolean); an empty cell counts as public, as a facility register is.
    """
    if column not in frame.columns:
        return frame
    v = frame[column]
    if pd.api.types.is_bool_dtype(v):
        keep = v.fillna(True).astype(bool)
    else:
        keep = ~v.astype("string").str.strip().str.lower().isin(_NOT_PUBLIC).fillna(False)
    return frame[keep.to_numpy()]
