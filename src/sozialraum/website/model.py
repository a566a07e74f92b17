"""What the website shows: the values of checked releases, year by year.

:class:`SiteModel` is built only from :class:`~sozialraum.privacy.Release`
objects (:meth:`SiteModel.from_releases`): the report year's release and one
release per earlier year, each made by :func:`~sozialraum.privacy.make_release`
for the same level (and municipality). Nothing else enters the site, so every
number on it passed the same privacy step as the package it belongs to; values
whose status code is secret or hidden at the level are blanked once more here.

Variables are what the release shows: the class columns and indices per area,
and the catalogue's indicators at the finest level the release shows them
(per area in a municipal package, per municipality in the public one).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd

from sozialraum._i18n import t
from sozialraum.core.status import secret_mask
from sozialraum.errors import InputError

__all__ = ["Variable", "SiteModel", "CLASS_COLUMNS"]

_MSG = {
    "not_release": {
        "de": "Die Webseite entsteht nur aus geprüften Releases (privacy.make_release); "
        "{what} ist keines.",
        "en": "the website is built only from checked releases (privacy.make_release); "
        "{what} is not one.",
    },
    "mixed": {
        "de": "Alle Jahre einer Webseite müssen dieselbe Freigabestufe haben ({a} und {b}).",
        "en": "all years of a website must have the same release level ({a} and {b}).",
    },
    "no_year": {
        "de": "Das Berichtsjahr {year} fehlt unter den Releases der Webseite.",
        "en": "the report year {year} is missing among the website's releases.",
    },
}

#: Class columns of the monitor (named categories per area), in page order.
CLASS_COLUMNS = ("status_klasse", "dynamik_klasse", "mss_gruppe", "idx_gesamt_klasse")

#: Titles of the class columns (the indices' titles come from the caller).
CLASS_TITLES = {
    "status_klasse": {"de": "Statusklasse (soziale Lage)", "en": "Status class (social situation)"},
    "dynamik_klasse": {"de": "Dynamikklasse (Entwicklung)", "en": "Dynamic class (change)"},
    "mss_gruppe": {"de": "Status/Dynamik-Gruppe", "en": "Status/dynamic group"},
    "idx_gesamt_klasse": {"de": "Gesamtindex (Klasse)", "en": "Overall index (class)"},
}


@dataclass(frozen=True)
class Variable:
    """One page of the site: a class column, an index or an indicator.

    Attributes
    ----------
    id
        Column name (``status_klasse``, ``idx_gesamt``, ``sgb2_quote`` …).
    kind
        ``"class"``, ``"index"`` or ``"indicator"``.
    level
        ``"areas"`` or ``"gemeinden"``: the finest level the release shows it at.
    title
        Language → title.
    unit, direction, source, definition, dimension
        From the catalogue (empty for classes and indices).
    """

    id: str
    kind: str
    level: str
    title: Mapping[str, str]
    unit: str = ""
    direction: str = ""
    source: str = ""
    definition: Mapping[str, str] = field(default_factory=dict)
    dimension: str = ""

    @property
    def slug(self) -> str:
        return self.id.replace("_", "-")


def _clean_frame(release, kind: str) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """The release's frame with every secret or hidden cell blanked (belt and braces)."""
    fr = release.frame(kind)
    st = release.status(kind)
    if st is not None and len(st.columns):
        cols = [c for c in st.columns if c in fr.columns]
        st = st.reindex(index=fr.index, columns=cols)
        # imported here: the privacy package takes 0.4 s to import, a site without
        # status does not need it (no circle: privacy never imports the website)
        from sozialraum.privacy.levels import blank_cells

        mask = secret_mask(st)  # every secret cell: what any level hides (hidden_mask) and more
        masks = mask.to_numpy(dtype=bool)
        # the cells as objects (what astype(object) gives), the blanked ones None
        fr = blank_cells(fr, {c: masks[:, j] for j, c in enumerate(cols)}, objects=True)
    return fr, st


def _catalogue_rows(release) -> pd.DataFrame:
    cat = getattr(release.catalogue, "indicators", None)
    return cat if isinstance(cat, pd.DataFrame) else pd.DataFrame()


def _text(row, key: str) -> str:
    v = row.get(key) if row is not None else None
    return v if isinstance(v, str) else ""


def _numeric(s: pd.Series) -> bool:
    return pd.to_numeric(s, errors="coerce").notna().any()


@dataclass(frozen=True)
class SiteModel:
    """The values of one release level over all years, ready for the pages.

    Attributes
    ----------
    level, ags
        Release level and municipality key (``kommunal``) of every year's release.
    year
        The report year (the newest release).
    years
        Every year, ascending.
    frames
        Year → ``areas``/``gemeinden``/``kreis`` → frame (values as released).
    status
        Year → kind → status frame (or None).
    geometry
        Geometry of the report year's areas (index = key).
    middle_geometry
        Geometry of the middle units (index = key), or None.
    variables
        The variables shown, in page order.
    own_areas
        Keys of the areas this package is about (a municipality's own, else all).
    """

    level: str
    ags: str | None
    year: int
    years: tuple[int, ...]
    frames: Mapping[int, Mapping[str, pd.DataFrame]]
    status: Mapping[int, Mapping[str, pd.DataFrame | None]]
    geometry: gpd.GeoSeries
    middle_geometry: gpd.GeoSeries | None
    variables: tuple[Variable, ...]
    own_areas: tuple[str, ...]
    area_ags_col: str
    catalogue: object = None

    @classmethod
    def from_releases(
        cls,
        releases: Mapping[int, object],
        year: int,
        *,
        titles: Mapping[str, Mapping[str, str]] | None = None,
        lang: str | None = None,
    ) -> SiteModel:
        """Collect the releases of every year (all of one level and municipality).

        Parameters
        ----------
        releases
            Year → :class:`~sozialraum.privacy.Release`.
        year
            The report year (its release decides the variables and geometry).
        titles
            Column → language → title for the indices (``INDEX_TITLES`` of the run).
        """
        from sozialraum.privacy import Release

        for y, rel in releases.items():
            if not isinstance(rel, Release):
                raise InputError(t(_MSG, "not_release", lang, what=f"{y}: {type(rel).__name__}"))
        if year not in releases:
            raise InputError(t(_MSG, "no_year", lang, year=year))
        cur = releases[year]
        for rel in releases.values():
            if (rel.level, rel.ags) != (cur.level, cur.ags):
                raise InputError(t(_MSG, "mixed", lang, a=cur.package, b=rel.package))
        frames: dict[int, dict[str, pd.DataFrame]] = {}
        status: dict[int, dict[str, pd.DataFrame | None]] = {}
        for y in sorted(releases):
            frames[y], status[y] = {}, {}
            for kind in ("areas", "gemeinden", "kreis"):
                fr, st = _clean_frame(releases[y], kind)
                if "geometry" in fr.columns:
                    fr = pd.DataFrame(fr.drop(columns="geometry"))
                fr.index = fr.index.astype(str)
                frames[y][kind], status[y][kind] = fr, st
        areas = cur.frame("areas")
        geom = gpd.GeoSeries(areas.geometry, index=areas.index.astype(str), crs=areas.crs)
        gem = cur.frame("gemeinden")
        mid = None
        if isinstance(gem, gpd.GeoDataFrame) and gem.geometry.notna().all():
            mid = gpd.GeoSeries(gem.geometry, index=gem.index.astype(str), crs=gem.crs)
        variables = _variables(frames[year], cur, titles or {})
        return cls(
            level=cur.level,
            ags=cur.ags,
            year=int(year),
            years=tuple(sorted(int(y) for y in releases)),
            frames=frames,
            status=status,
            geometry=geom,
            middle_geometry=mid,
            variables=tuple(variables),
            own_areas=tuple(cur.own_areas()),
            area_ags_col=cur.area_ags_col,
            catalogue=cur.catalogue,
        )

    def variable(self, vid: str) -> Variable:
        return next(v for v in self.variables if v.id == vid)

    def values(self, var: Variable, year: int | None = None) -> pd.Series:
        """Values of ``var`` at its level in ``year`` (default: report year); None where withheld."""
        fr = self.frames[year or self.year][var.level]
        if var.id not in fr.columns:
            return pd.Series(np.nan, index=fr.index, dtype=object)
        return fr[var.id]

    def top_value(self, var: Variable, year: int | None = None):
        """The district's value of an indicator (or None)."""
        fr = self.frames[year or self.year]["kreis"]
        if var.id not in fr.columns or not len(fr):
            return None
        v = fr[var.id].iloc[0]
        return None if v is None or (isinstance(v, float) and np.isnan(v)) else v


def _variables(frames: Mapping[str, pd.DataFrame], release, titles) -> list[Variable]:
    """Classes, indices, then indicators: what the report year's release shows."""
    areas, gem = frames["areas"], frames["gemeinden"]
    out: list[Variable] = []
    for c in CLASS_COLUMNS:
        if c in areas.columns and areas[c].notna().any():
            out.append(Variable(c, "class", "areas", CLASS_TITLES[c]))
    cat = _catalogue_rows(release)
    for c in areas.columns:
        is_idx = (c.startswith("idx_") and not c.endswith("_klasse")) or c in (
            "status_index",
            "dynamik_index",
        )
        if is_idx and _numeric(areas[c]):
            dim = c[4:].replace("_", " ").title() if c.startswith("idx_") else c
            title = titles.get(c) or {"de": f"Index {dim}", "en": f"Index {dim}"}
            out.append(Variable(c, "index", "areas", dict(title), unit="z"))
    for iid, row in cat.iterrows():
        if str(row.get("aggregation") or "") == "sum" and not isinstance(row.get("numerator"), str):
            continue
        level = None
        if iid in areas.columns and _numeric(areas[iid]):
            level = "areas"
        elif iid in gem.columns and _numeric(gem[iid]):
            level = "gemeinden"
        if level is None:
            continue
        label = _text(row, "label") or str(iid)
        out.append(
            Variable(
                str(iid),
                "indicator",
                level,
                {"de": label, "en": _text(row, "label_en") or label},
                unit=_text(row, "unit"),
                direction=_text(row, "direction"),
                source=_text(row, "source"),
                definition={
                    "de": _text(row, "description"),
                    "en": _text(row, "description_en") or _text(row, "description"),
                },
                dimension=_text(row, "dimension"),
            )
        )
    return out
