"""The Sozialstrukturatlas: one data basis for all planning departments.

:class:`Atlas` stores area versions, crosswalks, the catalogue, indicator values
in long form, facilities, computed results, region sets and the measures
register in a GeoPackage file (default) or a PostgreSQL/PostGIS database, with
the same API for both::

    atlas = Atlas.open("atlas.gpkg")                       # or "postgresql://host/db"
    atlas.add_areas(areas, "sr2022", valid_from="2022-01-01")
    atlas.set_catalogue("katalog.toml")
    atlas.import_table("indikatoren_2024.xlsx", year=2024, sheet="Daten")
    sel = atlas.values(2024)                               # GeoDataFrame + status

The class is the facade; each concern lives in its own module of this package:
:mod:`~sozialraum.atlas.versions` (area versions, crosswalks),
:mod:`~sozialraum.atlas.catalogue`, :mod:`~sozialraum.atlas.imports` (batches,
corrections, changes), :mod:`~sozialraum.atlas.queries` (values, indicators, time
series, monitor inputs), :mod:`~sozialraum.atlas.facilities`,
:mod:`~sozialraum.atlas.results`, :mod:`~sozialraum.atlas.regions`,
:mod:`~sozialraum.atlas.measures` and :mod:`~sozialraum.atlas.export`.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import sozialraum.atlas.catalogue as _catalogue
import sozialraum.atlas.export as _export
import sozialraum.atlas.facilities as _facilities
import sozialraum.atlas.imports as _imports
import sozialraum.atlas.measures as _measures
import sozialraum.atlas.queries as _queries
import sozialraum.atlas.recommendations as _recommendations
import sozialraum.atlas.regions as _regions
import sozialraum.atlas.results as _results
import sozialraum.atlas.versions as _versions
from sozialraum._i18n import t
from sozialraum.atlas._backend import GpkgBackend, PostgisBackend
from sozialraum.atlas.records import AtlasSelection, ImportResult, MonitorInputs
from sozialraum.atlas.schema import create_schema
from sozialraum.atlas.versions import crosswalk_shares
from sozialraum.errors import InputError

__all__ = [
    "Atlas",
    "AtlasSelection",
    "ImportResult",
    "MonitorInputs",
    "crosswalk_shares",
]

_MSG = {
    "target": {
        "de": "{target}: Kein Atlas-Ziel. Erwartet wird eine .gpkg-Datei oder eine Adresse "
        "postgresql://…",
        "en": "{target}: not an atlas target. Expected a .gpkg file or a postgresql://… URL",
    },
    "no_psycopg": {
        "de": "Für PostgreSQL/PostGIS wird das Paket psycopg (Version 3) gebraucht: "
        "pip install 'psycopg[binary]>=3.1,<4'",
        "en": "PostgreSQL/PostGIS needs the package psycopg (version 3): "
        "pip install 'psycopg[binary]>=3.1,<4'",
    },
}


@dataclass
class Atlas:
    """A Sozialstrukturatlas in a GeoPackage file or a PostGIS database.

    Open it with :meth:`Atlas.open`; close it with :meth:`close` (or use ``with``).
    """

    backend: object
    target: str
    lang: str | None = None
    _cache: dict = field(default_factory=dict, repr=False)

    # ------------------------------------------------------------------ opening
    @classmethod
    def open(cls, target: str | Path, *, lang: str | None = None) -> Atlas:
        """Open (and create if needed) an atlas.

        Parameters
        ----------
        target
            A ``.gpkg`` path (GeoPackage 1.3, created if missing) or a
            ``postgresql://`` URL. Credentials never belong in a config file: use the
            environment (``PGUSER``, ``PGPASSWORD``, ``PGHOST`` …) or ``~/.pgpass``.
        lang
            Language of messages.
        """
        s = str(target)
        if (
            s.startswith(("postgresql://", "postgres://"))
            or s.startswith("dbname=")
            or " dbname=" in s
        ):
            try:
                import psycopg  # noqa: F401
            except ImportError as exc:  # pragma: no cover - depends on the environment
                raise InputError(t(_MSG, "no_psycopg", lang)) from exc
            backend = PostgisBackend(s)
            backend.lang = lang
        elif s.lower().endswith(".gpkg"):
            backend = GpkgBackend(s)
        else:
            raise InputError(t(_MSG, "target", lang, target=s), file=s)
        if backend.new or not backend.has_table("atlas_meta"):
            # an existing atlas is opened without DDL: a read-only role can open it
            with backend.transaction():
                create_schema(backend)
        return cls(backend=backend, target=s, lang=lang)

    def close(self) -> None:
        """Close the connection."""
        self.backend.close()

    def __enter__(self) -> Atlas:
        return self

    @contextlib.contextmanager
    def reading(self) -> Iterator[Atlas]:
        """A block that only reads: each year's values are read from the database once.

        For many queries of the same years (e.g. the effect view of every measure);
        the selections are shared, so callers must not change them. Nothing may be
        written to the atlas inside the block.
        """
        if "reading" in self._cache:  # nested: the outer block's memo
            yield self
            return
        self._cache["reading"] = {}
        try:
            yield self
        finally:
            self._cache.pop("reading", None)

    def __exit__(self, *exc) -> None:
        self.close()

    @property
    def kind(self) -> str:
        """``"gpkg"`` or ``"postgis"``."""
        return self.backend.kind

    def _meta(self, key: str):
        return self.backend.scalar("SELECT value FROM atlas_meta WHERE key=?", (key,))

    def _set_meta(self, key: str, value: str) -> None:
        b = self.backend
        b.execute("DELETE FROM atlas_meta WHERE key=?", (key,))
        b.execute("INSERT INTO atlas_meta (key, value) VALUES (?, ?)", (key, value))

    @property
    def srid(self) -> int | None:
        """EPSG code of all geometries (fixed by the first area version)."""
        v = self._meta("srid")
        return int(v) if v is not None else None

    # ------------------------------------------------------------------ area versions
    versions = _versions.versions
    version_for = _versions.version_for
    _check_version = _versions._check_version
    add_areas = _versions.add_areas
    areas = _versions.areas
    crosswalk = _versions.crosswalk

    # ------------------------------------------------------------------ catalogue
    set_catalogue = _catalogue.set_catalogue
    catalogue = _catalogue.catalogue

    # ------------------------------------------------------------------ import
    batches = _imports.batches
    import_table = _imports.import_table
    _insert_values = _imports._insert_values
    changes = _imports.changes

    # ------------------------------------------------------------------ queries
    years = _queries.years
    table = _queries.table
    values = _queries.values
    indicators = _queries.indicators
    time_series = _queries.time_series
    monitor_inputs = _queries.monitor_inputs

    # ------------------------------------------------------------------ facilities
    add_facilities = _facilities.add_facilities
    facilities = _facilities.facilities

    # ------------------------------------------------------------------ results
    save_results = _results.save_results
    runs = _results.runs
    results = _results.results

    # ------------------------------------------------------------------ region sets
    add_region_set = _regions.add_region_set
    region_sets = _regions.region_sets
    rollup_regions = _regions.rollup_regions

    # ------------------------------------------------------------------ measures
    add_measure = _measures.add_measure
    measures = _measures.measures
    measure_effect = _measures.measure_effect
    add_register = _measures.add_register
    set_measure_target = _measures.set_measure_target
    measure_targets = _measures.measure_targets
    measure_progress = _measures.measure_progress
    # ------------------------------------------------------------------ recommendations
    add_recommendations = _recommendations.add_recommendations
    recommendations = _recommendations.recommendations
    recommendation_revisions = _recommendations.recommendation_revisions

    # ------------------------------------------------------------------ export
    export = _export.export
