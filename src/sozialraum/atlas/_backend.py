"""Storage backends of the atlas: a GeoPackage file (sqlite3) and PostgreSQL/PostGIS (psycopg 3).

Both backends speak the same small interface: ``execute``, ``executemany``,
``frame`` (a query as a DataFrame), ``transaction`` (one atomic unit of work),
and two SQL fragments for geometries (``geom_in``/``geom_out``): geometries
travel as WKB in both cases; the GeoPackage backend wraps them in the
GeoPackage binary header itself, so that every write — geometries included —
happens inside one sqlite transaction (no second writer such as GDAL).

SQL is written once with ``?`` placeholders; the PostgreSQL backend rewrites
them to ``%s``.
"""

from __future__ import annotations

import sqlite3
import struct
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pandas as pd
import shapely

__all__ = ["GpkgBackend", "PostgisBackend", "gpkg_blob", "from_gpkg_blob"]

GPKG_APPLICATION_ID = 0x47504B47  # "GPKG"
GPKG_USER_VERSION = 10300  # GeoPackage 1.3.0


_MSG = {
    "no_write": {
        "de": "Keine Schreibrechte im Atlas; nichts geändert. Schreiben darf die Rolle atlas_schreiber "
        "(siehe docs/atlas.md). ({err})",
        "en": "no write permission in the atlas; nothing changed. Writing needs the role "
        "atlas_schreiber (see docs/atlas.md). ({err})",
    },
}


def gpkg_blob(geom, srs_id: int) -> bytes | None:
    """A shapely geometry as GeoPackage binary (header with xy envelope + little-endian WKB)."""
    if geom is None or (isinstance(geom, float) and np.isnan(geom)):
        return None
    wkb = shapely.to_wkb(geom, byte_order=1, output_dimension=2)
    if geom.is_empty:
        flags = 0b00010001  # empty, no envelope, little endian
        return b"GP" + bytes([0, flags]) + struct.pack("<i", srs_id) + wkb
    minx, miny, maxx, maxy = geom.bounds
    flags = 0b00000011  # standard GP, not empty, envelope [minx,maxx,miny,maxy], little endian
    return (
        b"GP"
        + bytes([0, flags])
        + struct.pack("<i", srs_id)
        + struct.pack("<4d", minx, maxx, miny, maxy)
        + wkb
    )


_ENVELOPE_BYTES = {0: 0, 1: 32, 2: 48, 3: 48, 4: 64}


def from_gpkg_blob(blob) -> shapely.Geometry | None:
    """Parse GeoPackage binary (any envelope type, either byte order) into a shapely geometry."""
    if blob is None:
        return None
    b = bytes(blob)
    if b[:2] != b"GP":  # plain WKB (e.g. written by another tool)
        return shapely.from_wkb(b)
    flags = b[3]
    env = (flags >> 1) & 0b111
    return shapely.from_wkb(b[8 + _ENVELOPE_BYTES.get(env, 0) :])


def _py(v):
    """Python scalars for the DB drivers (numpy → python, NaN/NA → None)."""
    if v is None or v is pd.NA or v is pd.NaT:
        return None
    if isinstance(v, (np.floating, float)):
        f = float(v)
        return None if np.isnan(f) else f
    if isinstance(v, (np.integer,)):
        return int(v)
    if isinstance(v, np.bool_):
        return bool(v)
    return v


def clean_rows(rows: Iterable[Sequence]) -> list[tuple]:
    return [tuple(_py(v) for v in r) for r in rows]


class _Backend:
    kind = "?"
    text = "TEXT"
    real = "REAL"
    integer = "INTEGER"
    blob = "BLOB"
    serial = "INTEGER PRIMARY KEY AUTOINCREMENT"

    def _sql(self, sql: str) -> str:
        return sql

    def execute(self, sql: str, params: Sequence = ()):
        cur = self.conn.cursor()
        cur.execute(self._sql(sql), tuple(_py(p) for p in params))
        return cur

    def executemany(self, sql: str, rows: Iterable[Sequence]) -> None:
        rows = clean_rows(rows)
        if rows:
            cur = self.conn.cursor()
            cur.executemany(self._sql(sql), rows)

    def frame(self, sql: str, params: Sequence = ()) -> pd.DataFrame:
        cur = self.execute(sql, params)
        cols = [d[0] for d in cur.description]
        return pd.DataFrame(cur.fetchall(), columns=cols)

    def scalar(self, sql: str, params: Sequence = ()):
        row = self.execute(sql, params).fetchone()
        return None if row is None else row[0]

    def close(self) -> None:
        self.conn.close()


class GpkgBackend(_Backend):
    """A GeoPackage 1.3 file opened with :mod:`sqlite3`."""

    kind = "gpkg"

    def __init__(self, path: str | Path):
        self.path = Path(path)
        new = not self.path.exists() or self.path.stat().st_size == 0
        if new:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        self.conn = sqlite3.connect(str(self.path), isolation_level=None)
        self.conn.execute("PRAGMA foreign_keys = ON")
        if new:
            self.conn.execute(f"PRAGMA application_id = {GPKG_APPLICATION_ID}")
            self.conn.execute(f"PRAGMA user_version = {GPKG_USER_VERSION}")
        self.new = new
        self._depth = 0

    @contextmanager
    def transaction(self) -> Iterator[None]:
        if self._depth:  # nested: part of the outer transaction
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
            return
        self.conn.execute("BEGIN IMMEDIATE")
        self._depth = 1
        try:
            yield
        except BaseException:
            # SQLite may have rolled back itself (a full disk): its error is the one to see
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise
        else:
            self.conn.execute("COMMIT")
        finally:
            self._depth = 0

    def has_table(self, name: str) -> bool:
        return (
            self.scalar("SELECT count(*) FROM sqlite_master WHERE type='table' AND name=?", (name,))
            > 0
        )

    # geometries ---------------------------------------------------------------------
    def geom_in(self, srid: int) -> str:
        return "?"

    def geom_out(self, col: str) -> str:
        return col

    def geom_value(self, geom, srid: int):
        return gpkg_blob(geom, srid)

    def geom_decode(self, value):
        return from_gpkg_blob(value)

    # GeoPackage registration ----------------------------------------------------------
    def create_core(self) -> None:
        """The GeoPackage core tables (spec 1.3, Requirements 10–20)."""
        script = """
            CREATE TABLE IF NOT EXISTS gpkg_spatial_ref_sys (
              srs_name TEXT NOT NULL, srs_id INTEGER PRIMARY KEY, organization TEXT NOT NULL,
              organization_coordsys_id INTEGER NOT NULL, definition TEXT NOT NULL, description TEXT);
            CREATE TABLE IF NOT EXISTS gpkg_contents (
              table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL, identifier TEXT UNIQUE,
              description TEXT DEFAULT '', last_change DATETIME NOT NULL DEFAULT
              (strftime('%Y-%m-%dT%H:%M:%fZ','now')), min_x DOUBLE, min_y DOUBLE, max_x DOUBLE,
              max_y DOUBLE, srs_id INTEGER,
              CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id));
            CREATE TABLE IF NOT EXISTS gpkg_geometry_columns (
              table_name TEXT NOT NULL, column_name TEXT NOT NULL, geometry_type_name TEXT NOT NULL,
              srs_id INTEGER NOT NULL, z TINYINT NOT NULL, m TINYINT NOT NULL,
              CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name),
              CONSTRAINT uk_gc_table_name UNIQUE (table_name),
              CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name),
              CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id));
            INSERT OR IGNORE INTO gpkg_spatial_ref_sys VALUES
              ('Undefined cartesian SRS', -1, 'NONE', -1, 'undefined', 'undefined cartesian coordinate reference system'),
              ('Undefined geographic SRS', 0, 'NONE', 0, 'undefined', 'undefined geographic coordinate reference system');
            """
        # one statement at a time: executescript() would commit the open transaction
        for stmt in script.split(";"):
            if stmt.strip():
                self.conn.execute(stmt)
        self.ensure_srs(4326)

    def ensure_srs(self, srid: int) -> None:
        if srid <= 0:
            return
        if self.scalar("SELECT count(*) FROM gpkg_spatial_ref_sys WHERE srs_id=?", (srid,)):
            return
        from pyproj import CRS
        from pyproj.enums import WktVersion

        crs = CRS.from_epsg(srid)
        self.execute(
            "INSERT INTO gpkg_spatial_ref_sys VALUES (?,?,?,?,?,?)",
            (crs.name, srid, "EPSG", srid, crs.to_wkt(WktVersion.WKT1_GDAL), crs.name),
        )

    def register(
        self,
        table: str,
        kind: str,
        description: str = "",
        *,
        geom: str | None = None,
        geom_type: str = "GEOMETRY",
        srid: int | None = None,
    ) -> None:
        """Register a table in ``gpkg_contents`` (``features`` or ``attributes``)."""
        if self.scalar("SELECT count(*) FROM gpkg_contents WHERE table_name=?", (table,)):
            return
        self.execute(
            "INSERT INTO gpkg_contents (table_name, data_type, identifier, description, srs_id) "
            "VALUES (?,?,?,?,?)",
            (table, kind, table, description, srid if kind == "features" else None),
        )
        if kind == "features":
            self.ensure_srs(int(srid))
            self.execute(
                "INSERT INTO gpkg_geometry_columns VALUES (?,?,?,?,0,0)",
                (table, geom, geom_type, srid),
            )

    def set_srid(self, table: str, srid: int) -> None:
        """Set the CRS of a features table (done once, with the first geometries)."""
        self.ensure_srs(srid)
        self.execute("UPDATE gpkg_contents SET srs_id=? WHERE table_name=?", (srid, table))
        self.execute("UPDATE gpkg_geometry_columns SET srs_id=? WHERE table_name=?", (srid, table))

    def touch(self, table: str, bounds=None) -> None:
        """Update ``last_change`` and widen the stored extent of a registered table."""
        if bounds is not None and np.all(np.isfinite(bounds)):
            old = self.execute(
                "SELECT min_x, min_y, max_x, max_y FROM gpkg_contents WHERE table_name=?", (table,)
            ).fetchone()
            b = [float(x) for x in bounds]
            if old is not None and None not in old:
                b = [min(old[0], b[0]), min(old[1], b[1]), max(old[2], b[2]), max(old[3], b[3])]
            self.execute(
                "UPDATE gpkg_contents SET min_x=?, min_y=?, max_x=?, max_y=? WHERE table_name=?",
                (*b, table),
            )
        self.execute(
            "UPDATE gpkg_contents SET last_change=strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE table_name=?",
            (table,),
        )


class PostgisBackend(_Backend):
    """A PostgreSQL database with PostGIS, opened with psycopg 3."""

    kind = "postgis"
    real = "DOUBLE PRECISION"
    integer = "BIGINT"
    blob = "geometry"
    serial = "BIGSERIAL PRIMARY KEY"

    def __init__(self, url: str):
        import psycopg

        self.url = url
        # credentials come from the URL, the environment (PGPASSWORD, PGUSER …) or ~/.pgpass
        self.conn = psycopg.connect(url, autocommit=True)
        self.new = False
        self.lang = None

    def _sql(self, sql: str) -> str:
        return sql.replace("%", "%%").replace("?", "%s")

    @contextmanager
    def transaction(self) -> Iterator[None]:
        import psycopg

        try:
            with self.conn.transaction():
                yield
        except psycopg.errors.InsufficientPrivilege as exc:
            from sozialraum._i18n import t
            from sozialraum.errors import InputError

            raise InputError(t(_MSG, "no_write", self.lang, err=str(exc).strip())) from exc

    def has_table(self, name: str) -> bool:
        return bool(self.scalar("SELECT to_regclass(?::text) IS NOT NULL", (name,)))

    def geom_in(self, srid: int) -> str:
        return f"ST_GeomFromWKB(?, {int(srid)})"

    def geom_out(self, col: str) -> str:
        return f"ST_AsBinary({col})"

    def geom_value(self, geom, srid: int):
        if geom is None:
            return None
        return shapely.to_wkb(geom, byte_order=1, output_dimension=2)

    def geom_decode(self, value):
        return None if value is None else shapely.from_wkb(bytes(value))

    def create_core(self) -> None:
        self.execute("CREATE EXTENSION IF NOT EXISTS postgis")

    def ensure_srs(self, srid: int) -> None:  # PostGIS ships spatial_ref_sys
        return None

    def register(self, *a, **k) -> None:
        return None

    def set_srid(self, table: str, srid: int) -> None:
        """Typed geometry column (QGIS reads type and CRS from it) and a GiST index."""
        gtype = {"atlas_areas": "MultiPolygon", "atlas_facilities": "Point"}[table]
        self.execute(
            f"ALTER TABLE {table} ALTER COLUMN geom TYPE geometry({gtype}, {int(srid)}) "
            f"USING ST_SetSRID(geom, {int(srid)})"
        )
        self.execute(f"CREATE INDEX IF NOT EXISTS {table}_geom ON {table} USING gist (geom)")

    def touch(self, table: str, bounds=None) -> None:
        return None
