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
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from sozialraum._i18n import t
from sozialraum.atlas._backend import GpkgBackend, PostgisBackend
from sozialraum.atlas.schema import create_schema
from sozialraum.core.aggregation import rules_from_frames
from sozialraum.errors import InputError, SozialraumWarning, format_ids

__all__ = [
    "Atlas",
    "AtlasSelection",
    "ImportResult",
    "MonitorInputs",
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
    "version_exists": {
        "de": "Den Gebietsstand {version!r} gibt es schon. Ein neuer Gebietszuschnitt ist ein "
        "neuer Gebietsstand: bitte einen neuen Namen wählen (z. B. {suggest!r}).",
        "en": "area version {version!r} exists already. New boundaries are a new version: "
        "choose a new name (e.g. {suggest!r}).",
    },
    "version_overlap": {
        "de": "Gebietsstand {version!r} ({a} bis {b}) überschneidet sich mit {other!r} ({c} bis "
        "{d}) auf Ebene {level!r}. Bitte Gültigkeitszeiträume anpassen.",
        "en": "area version {version!r} ({a} to {b}) overlaps {other!r} ({c} to {d}) at level "
        "{level!r}. Adjust the validity periods.",
    },
    "no_version": {
        "de": "Für {date} gibt es keinen gültigen Gebietsstand der Ebene {level!r} "
        "(vorhanden: {have}). Bitte zuerst Gebiete mit add_areas / `sozialraum atlas import "
        "--gebiete` einlesen.",
        "en": "no area version of level {level!r} valid on {date} (present: {have}). Add areas "
        "first (add_areas / `sozialraum atlas import --areas`).",
    },
    "unknown_version": {
        "de": "Unbekannter Gebietsstand {version!r} (vorhanden: {have}).",
        "en": "unknown area version {version!r} (present: {have}).",
    },
    "dup_keys": {
        "de": "Gebietsstand {version!r}: Schlüssel mehrfach vergeben: {ids}.",
        "en": "area version {version!r}: duplicate keys: {ids}.",
    },
    "no_crs": {
        "de": "Gebietsstand {version!r}: Die Geometrien haben kein Koordinatensystem (CRS).",
        "en": "area version {version!r}: the geometries have no coordinate reference system.",
    },
    "no_epsg": {
        "de": "Das Koordinatensystem {crs} hat keinen EPSG-Code; bitte vorher nach z. B. "
        "EPSG:25832/25833 umprojizieren.",
        "en": "the coordinate reference system {crs} has no EPSG code; reproject first "
        "(e.g. EPSG:25832/25833).",
    },
    "cw_gap": {
        "de": "Umschlüsselung {a} → {b}: Gebiete nicht vollständig abgedeckt (Anteil ≠ 1): {ids}. "
        "Die Anteile wurden auf 1 normiert.",
        "en": "crosswalk {a} → {b}: areas not fully covered (share ≠ 1): {ids}. Shares were "
        "rescaled to 1.",
    },
    "no_year": {
        "de": "{file}: Das Jahr der Tabelle ist unbekannt; bitte year= / --jahr angeben.",
        "en": "{file}: the table's year is unknown; pass year= / --year.",
    },
    "key_row": {"de": "{key} (Zeile {row})", "en": "{key} (row {row})"},
    "orphans": {
        "de": "{file}: {n} Zeile(n) mit Schlüsseln, die es im Gebietsstand {version!r} nicht gibt: "
        "{rows}. Nichts importiert; bitte die Schlüssel korrigieren (oder version= angeben).",
        "en": "{file}: {n} row(s) with keys not in area version {version!r}: {rows}. Nothing "
        "imported; correct the keys (or pass version=).",
    },
    "unknown_columns": {
        "de": "{file}: Spalten nicht im Indikatorenkatalog: {cols}. Nichts importiert; bitte im "
        "Katalog ergänzen (headers) oder aus der Datei entfernen.",
        "en": "{file}: columns not in the indicator catalogue: {cols}. Nothing imported; add "
        "them to the catalogue (headers) or remove them from the file.",
    },
    "not_finite": {
        "de": "{file}: Spalte {col!r}, Gebiet {key}: Wert {value} ist keine endliche Zahl. "
        "Nichts importiert.",
        "en": "{file}: column {col!r}, area {key}: value {value} is not a finite number. "
        "Nothing imported.",
    },
    "overlap": {
        "de": "{file}: {n} Werte liegen schon aus Lieferung {batches} vor (z. B. {ex}). Für eine "
        "korrigierte Lieferung bitte einen Grund angeben (reason= / --grund); die alte "
        "Lieferung wird dann als ersetzt markiert.",
        "en": "{file}: {n} values exist already from batch {batches} (e.g. {ex}). For a corrected "
        "file give a reason (reason= / --reason); the old batch is then marked as replaced.",
    },
    "no_catalogue": {
        "de": "Der Atlas hat noch keinen Indikatorenkatalog (set_catalogue / --katalog).",
        "en": "the atlas has no indicator catalogue yet (set_catalogue / --catalogue).",
    },
    "no_batch": {
        "de": "Lieferung {batch} gibt es nicht (vorhanden: {have}).",
        "en": "batch {batch} does not exist (present: {have}).",
    },
    "no_data_year": {
        "de": "Für {year} liegen keine Werte vor (Jahre mit Werten: {have}).",
        "en": "no values for {year} (years with values: {have}).",
    },
    "no_cw": {
        "de": "Keine Umschlüsselung zwischen den Gebietsständen {a!r} und {b!r}.",
        "en": "no crosswalk between area versions {a!r} and {b!r}.",
    },
    "carried": {
        "de": "{year}: Werte vom Gebietsstand {a!r} auf {b!r} umgeschlüsselt (flächenanteilig; "
        "geteilte Gebiete sind als 'unsicher' markiert, Anteilswerte dort als 'nicht_sinnvoll').",
        "en": "{year}: values carried from area version {a!r} to {b!r} (by area share; split "
        "areas are marked 'unsicher', shares there 'nicht_sinnvoll').",
    },
    "what_areas": {"de": "Gebiete", "en": "areas"},
    "what_indicators": {"de": "Indikatoren", "en": "indicators"},
    "what_targets": {"de": "Zielindikatoren", "en": "target indicators"},
    "what_columns": {"de": "Spalten", "en": "columns"},
    "unknown_ids": {
        "de": "Unbekannte {what}: {ids} (vorhanden z. B.: {have}).",
        "en": "unknown {what}: {ids} (present e.g.: {have}).",
    },
    "no_region_set": {
        "de": "Regionszuordnung {name!r} gibt es nicht (vorhanden: {have}).",
        "en": "region set {name!r} does not exist (present: {have}).",
    },
    "region_cols": {
        "de": "Regionszuordnung {name!r}: Spalten {need} erwartet, vorhanden: {have}.",
        "en": "region set {name!r}: columns {need} expected, present: {have}.",
    },
    "region_dup": {
        "de": "Regionszuordnung {name!r}: Mitglieder mehrfach zugeordnet: {ids}.",
        "en": "region set {name!r}: members assigned more than once: {ids}.",
    },
    "region_unknown": {
        "de": "Regionszuordnung {name!r}: Mitglieder ohne Gebiet im Gebietsstand {version!r}: {ids}.",
        "en": "region set {name!r}: members with no area in version {version!r}: {ids}.",
    },
    "measure_exists": {
        "de": "Die Maßnahme {id!r} gibt es schon.",
        "en": "measure {id!r} exists already.",
    },
    "no_measure": {
        "de": "Die Maßnahme {id!r} gibt es nicht (vorhanden: {have}).",
        "en": "measure {id!r} does not exist (present: {have}).",
    },
    "run_exists": {
        "de": "Den Rechenlauf {run!r} gibt es schon (Ergebnisse werden nie überschrieben).",
        "en": "run {run!r} exists already (results are never overwritten).",
    },
    "no_file": {"de": "{file}: Datei nicht gefunden.", "en": "{file}: file not found."},
    "export_fmt": {
        "de": "{file}: Exportformat unbekannt; erwartet .gpkg oder .xlsx.",
        "en": "{file}: unknown export format; expected .gpkg or .xlsx.",
    },
    "fac_cols": {
        "de": "Einrichtungen: Spalte {col!r} fehlt (vorhanden: {have}).",
        "en": "facilities: column {col!r} is missing (present: {have}).",
    },
}


def _unknown_ids_error(lang, what: str, ids: list, have: list) -> InputError:
    """The error for ids (of ``what``: areas, indicators, targets, columns) the atlas lacks."""
    return InputError(
        t(
            _MSG,
            "unknown_ids",
            lang,
            what=t(_MSG, f"what_{what}", lang),
            ids=format_ids(ids),
            have=format_ids(have),
        ),
        ids=ids,
    )


def _now() -> str:
    return _dt.datetime.now(_dt.UTC).replace(microsecond=0).isoformat()


def _date(value, default: str | None = None) -> str | None:
    """ISO date text from a date, a year (int → 1 Jan) or text."""
    if value is None:
        return default
    if isinstance(value, (int, np.integer)):
        return f"{int(value):04d}-01-01"
    if isinstance(value, (_dt.date, _dt.datetime)):
        return value.strftime("%Y-%m-%d")
    s = str(value).strip()
    if len(s) == 4 and s.isdigit():
        return f"{s}-01-01"
    return _dt.date.fromisoformat(s[:10]).isoformat()


def _stichtag(year: int) -> str:
    """Reference date of a statistical year (31 December)."""
    return f"{int(year):04d}-12-31"


def _checksum(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _json(obj) -> str:
    def default(o):
        if isinstance(o, (np.integer,)):
            return int(o)
        if isinstance(o, (np.floating,)):
            return float(o)
        if isinstance(o, (np.bool_,)):
            return bool(o)
        if isinstance(o, tuple):
            return list(o)
        if o is pd.NA:
            return None
        return str(o)

    return json.dumps(obj, default=default, ensure_ascii=False, sort_keys=True)


def _multi(geom):
    if geom is None or geom.is_empty:
        return geom
    if geom.geom_type == "Polygon":
        return shapely.MultiPolygon([geom])
    if geom.geom_type == "GeometryCollection":
        polys = [g for g in shapely.get_parts(geom) if g.geom_type in ("Polygon", "MultiPolygon")]
        return shapely.MultiPolygon(
            [p for g in polys for p in (g.geoms if g.geom_type == "MultiPolygon" else [g])]
        )
    return geom


@dataclass(frozen=True)
class ImportResult:
    """What an import did.

    Attributes
    ----------
    batch
        Id of the batch holding the file's values (the existing one for a no-op).
    created
        ``False`` when the same file (same checksum and options) was already imported.
    n_values
        Number of values in the batch.
    replaced
        Batches replaced by this one (a corrected file).
    checksum
        SHA-256 of the file.
    years, versions
        Years and area versions of the values.
    """

    batch: int
    created: bool
    n_values: int
    replaced: tuple[int, ...] = ()
    checksum: str = ""
    years: tuple[int, ...] = ()
    versions: tuple[str, ...] = ()


@dataclass(frozen=True)
class AtlasSelection:
    """Values of one year for one area version.

    Attributes
    ----------
    frame
        GeoDataFrame: one row per area of ``version`` (index = area key), ``name``,
        ``parent``, the value columns and the geometry.
    status
        Status codes of the value columns (``<NA>`` = plain number, ``keine_daten`` =
        no value stored for that area).
    version, year
        The area version and the year.
    carried_from
        The version the values were stored for, when they were carried over a
        crosswalk (else ``None``).
    """

    frame: gpd.GeoDataFrame
    status: pd.DataFrame
    version: str
    year: int
    carried_from: str | None = None

    @property
    def columns(self) -> list[str]:
        return list(self.status.columns)


@dataclass(frozen=True)
class MonitorInputs:
    """Inputs of :func:`sozialraum.monitor.run_monitor` read from the atlas.

    ``counts``/``status`` are frames for a single year, or mappings ``{year: frame}``
    when several years were asked for: pass them on as
    ``run_monitor(inputs.counts, inputs.catalogue, status=inputs.status)``.
    """

    counts: pd.DataFrame | dict
    status: pd.DataFrame | dict
    catalogue: object
    areas: gpd.GeoDataFrame
    version: str
    years: tuple[int, ...] = ()


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

    def __exit__(self, *exc) -> None:
        self.close()

    @property
    def kind(self) -> str:
        """``"gpkg"`` or ``"postgis"``."""
        return self.backend.kind

    # ------------------------------------------------------------------ meta
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
    def versions(self, level: str | None = None) -> pd.DataFrame:
        """Area versions (``version, level, label, valid_from, valid_to, n_areas``)."""
        sql = (
            "SELECT v.version, v.level, v.label, v.valid_from, v.valid_to, "
            "(SELECT count(*) FROM atlas_areas a WHERE a.version = v.version) AS n_areas "
            "FROM atlas_versions v"
        )
        params: tuple = ()
        if level is not None:
            sql += " WHERE v.level = ?"
            params = (level,)
        df = self.backend.frame(sql + " ORDER BY v.level, v.valid_from", params)
        df["n_areas"] = df["n_areas"].astype(int)
        return df.set_index("version")

    def version_for(self, when, *, level: str = "sozialraum") -> str:
        """The area version valid at ``when`` (a year → its 31 December, or a date)."""
        d = _stichtag(when) if isinstance(when, (int, np.integer)) else _date(when)
        v = self.backend.frame(
            "SELECT version FROM atlas_versions WHERE level=? AND valid_from <= ? "
            "AND (valid_to IS NULL OR valid_to >= ?) ORDER BY valid_from DESC",
            (level, d, d),
        )
        if v.empty:
            have = self.versions()
            raise InputError(
                t(
                    _MSG,
                    "no_version",
                    self.lang,
                    date=d,
                    level=level,
                    have=", ".join(
                        f"{k} ({r.level}: {r.valid_from}–{r.valid_to if isinstance(r.valid_to, str) else '…'})"
                        for k, r in have.iterrows()
                    )
                    or "—",
                )
            )
        return str(v["version"].iloc[0])

    def _check_version(self, version: str) -> None:
        have = self.versions().index.tolist()
        if version not in have:
            raise InputError(
                t(_MSG, "unknown_version", self.lang, version=version, have=", ".join(have) or "—")
            )

    def add_areas(
        self,
        areas: gpd.GeoDataFrame,
        version: str,
        *,
        valid_from,
        valid_to=None,
        level: str = "sozialraum",
        label: str | None = None,
        name: str | None = None,
        parent: str | None = None,
        crosswalk: bool = True,
    ) -> str:
        """Add a new area version (new boundaries are never written over old ones).

        Parameters
        ----------
        areas
            Areas indexed by their key (text), e.g. from :func:`sozialraum.io.read_areas`.
            Other columns are kept as attributes.
        version
            Name of the new version (e.g. ``"sr2025"``); must be new.
        valid_from, valid_to
            Validity (ISO date, date, or a year meaning 1 January). An open-ended
            earlier version of the same level ends the day before ``valid_from``.
        level
            ``"sozialraum"`` (default), ``"gemeinde"``, ``"kreis"`` or any other level.
        label
            Readable title (``"Sozialräume ab 2025"``).
        name, parent
            Columns with the area name and the upper-level key (e.g. ``"ags"``);
            default: ``name``/``sr_name``/``gemeinde`` and ``ags`` when present.
        crosswalk
            Compute the crosswalk (shares of intersection areas) to every other
            version of the same level.

        Returns
        -------
        str
            The version name.
        """
        b, L = self.backend, self.lang
        version = str(version)
        have = self.versions()
        if version in have.index:
            raise InputError(
                t(_MSG, "version_exists", L, version=version, suggest=f"{version}_neu")
            )
        if areas.crs is None:
            raise InputError(t(_MSG, "no_crs", L, version=version))
        srid = self.srid
        if srid is None:
            epsg = areas.crs.to_epsg()
            if epsg is None:
                raise InputError(t(_MSG, "no_epsg", L, crs=areas.crs.name))
            srid = int(epsg)
        gdf = areas.to_crs(srid) if areas.crs.to_epsg() != srid else areas
        keys = gdf.index.astype(str)
        dup = keys[keys.duplicated()].unique().tolist()
        if dup:
            raise InputError(t(_MSG, "dup_keys", L, version=version, ids=format_ids(dup)), ids=dup)
        cols = [c for c in gdf.columns if c != gdf.geometry.name]
        if name is None:
            name = next(
                (c for c in ("name", "sr_name", "gemeinde", "bezeichnung") if c in cols), None
            )
        if parent is None:
            parent = "ags" if "ags" in cols and level != "gemeinde" else None
        vf = _date(valid_from)
        vt = _date(valid_to)
        same = have[have["level"] == level]
        with b.transaction():
            if self.srid is None:
                self._set_meta("srid", str(srid))
                b.set_srid("atlas_areas", srid)
                b.set_srid("atlas_facilities", srid)
            for other, r in same.iterrows():
                o_from, o_to = r["valid_from"], r["valid_to"]
                if (o_to is None or pd.isna(o_to)) and o_from < vf:
                    end = (_dt.date.fromisoformat(vf) - _dt.timedelta(days=1)).isoformat()
                    b.execute("UPDATE atlas_versions SET valid_to=? WHERE version=?", (end, other))
                    o_to = end
                if o_from <= (vt or "9999-12-31") and vf <= (
                    o_to if isinstance(o_to, str) else "9999-12-31"
                ):
                    raise InputError(
                        t(
                            _MSG,
                            "version_overlap",
                            L,
                            version=version,
                            a=vf,
                            b=vt or "…",
                            other=other,
                            c=o_from,
                            d=o_to if isinstance(o_to, str) else "…",
                            level=level,
                        )
                    )
            b.execute(
                "INSERT INTO atlas_versions (version, level, label, valid_from, valid_to, srid, created) "
                "VALUES (?,?,?,?,?,?,?)",
                (version, level, label or version, vf, vt, srid, _now()),
            )
            rows = []
            geoms = gdf.geometry.to_numpy()
            for i, k in enumerate(keys):
                rec = gdf.iloc[i]
                attrs = {
                    c: rec[c] for c in cols if not (isinstance(rec[c], float) and np.isnan(rec[c]))
                }
                rows.append(
                    (
                        version,
                        k,
                        None if name is None else str(rec[name]),
                        None if parent is None else str(rec[parent]),
                        _json(attrs),
                        b.geom_value(_multi(geoms[i]), srid),
                    )
                )
            b.executemany(
                "INSERT INTO atlas_areas (version, key, name, parent, attrs, geom) "
                f"VALUES (?,?,?,?,?,{b.geom_in(srid)})",
                rows,
            )
            b.touch("atlas_areas", self._bounds(gdf))
            if crosswalk:
                for other in same.index:
                    self._store_crosswalk(self.areas(other), gdf, other, version)
        self._cache.clear()
        return version

    @staticmethod
    def _bounds(gdf):
        return np.asarray(gdf.total_bounds, dtype=float)

    def _store_crosswalk(
        self, old: gpd.GeoDataFrame, new: gpd.GeoDataFrame, a: str, b_: str
    ) -> None:
        cw = crosswalk_shares(old, new)
        for col, frm, to in (("share_from", a, b_), ("share_to", b_, a)):
            key = "from_key" if col == "share_from" else "to_key"
            tot = cw.groupby(key)[col].sum()
            bad = tot[(tot - 1).abs() > 1e-3].index.tolist()
            if bad:
                warnings.warn(
                    t(_MSG, "cw_gap", self.lang, a=frm, b=to, ids=format_ids(bad)),
                    SozialraumWarning,
                    stacklevel=3,
                )
            cw[col] = cw[col] / cw[key].map(tot)
        self.backend.executemany(
            "INSERT INTO atlas_crosswalk (from_version, to_version, from_key, to_key, share_from, "
            "share_to) VALUES (?,?,?,?,?,?)",
            [(a, b_, r.from_key, r.to_key, r.share_from, r.share_to) for r in cw.itertuples()],
        )

    def areas(
        self, version: str | None = None, *, year: int | None = None, level: str = "sozialraum"
    ) -> gpd.GeoDataFrame:
        """The areas of a version (or of the version valid in ``year``).

        Returns a GeoDataFrame indexed by the area key (``key``) with ``name``,
        ``parent``, the stored attributes and the geometry (MultiPolygon).
        """
        if version is None:
            version = self.version_for(year if year is not None else _dt.date.today(), level=level)
        ck = ("areas", version)
        if ck in self._cache:
            return self._cache[ck].copy()
        self._check_version(version)
        b = self.backend
        df = b.frame(
            f"SELECT key, name, parent, attrs, {b.geom_out('geom')} AS geom FROM atlas_areas "
            "WHERE version=? ORDER BY fid",
            (version,),
        )
        attrs = pd.DataFrame([json.loads(a) if a else {} for a in df["attrs"]], index=df.index)
        attrs = attrs.drop(columns=[c for c in attrs.columns if c in ("name", "parent", "key")])
        geoms = [b.geom_decode(g) for g in df["geom"]]
        out = gpd.GeoDataFrame(
            pd.concat([df[["key", "name", "parent"]], attrs], axis=1),
            geometry=gpd.GeoSeries(geoms, index=df.index),
            crs=self.srid,
        ).set_index("key")
        out.index = out.index.astype(str)
        self._cache[ck] = out
        return out.copy()

    def crosswalk(self, from_version: str, to_version: str) -> pd.DataFrame:
        """The crosswalk ``from_version → to_version``.

        Columns ``alt, neu, anteil`` (share of the old area's surface lying in the new
        area; sums to 1 per old area) and ``anteil_neu`` (share of the new area's
        surface coming from the old area). Usable with
        :func:`sozialraum.monitor.apply_crosswalk`.
        """
        b = self.backend
        df = b.frame(
            "SELECT from_key AS alt, to_key AS neu, share_from AS anteil, share_to AS anteil_neu "
            "FROM atlas_crosswalk WHERE from_version=? AND to_version=? ORDER BY from_key, to_key",
            (from_version, to_version),
        )
        if df.empty:
            df = b.frame(
                "SELECT to_key AS alt, from_key AS neu, share_to AS anteil, share_from AS anteil_neu "
                "FROM atlas_crosswalk WHERE from_version=? AND to_version=? ORDER BY to_key, from_key",
                (to_version, from_version),
            )
        if df.empty:
            raise InputError(t(_MSG, "no_cw", self.lang, a=from_version, b=to_version))
        return df

    # ------------------------------------------------------------------ catalogue
    def set_catalogue(self, catalogue) -> None:
        """Store the indicator catalogue (a :class:`~sozialraum.io.Catalogue` or a path)."""
        from sozialraum.io import read_catalogue

        if isinstance(catalogue, (str, Path)):
            catalogue = read_catalogue(catalogue, lang=self.lang)
        b = self.backend
        with b.transaction():
            b.execute("DELETE FROM atlas_catalogue")
            rows = []
            for kind, frame in (
                ("variable", catalogue.variables),
                ("indicator", catalogue.indicators),
            ):
                for pos, (k, r) in enumerate(frame.iterrows()):
                    rows.append((kind, str(k), pos, _json({c: r[c] for c in frame.columns})))
            b.executemany(
                "INSERT INTO atlas_catalogue (kind, id, position, data) VALUES (?,?,?,?)", rows
            )
            self._set_meta(
                "catalogue",
                _json(
                    {
                        "meta": catalogue.meta,
                        "variables": list(catalogue.variables.columns),
                        "indicators": list(catalogue.indicators.columns),
                        "index": catalogue.variables.index.name,
                        "path": str(catalogue.path) if catalogue.path else None,
                    }
                ),
            )
        self._cache.pop("catalogue", None)

    def catalogue(self):
        """The stored :class:`~sozialraum.io.Catalogue` (``None`` if none was stored)."""
        if "catalogue" in self._cache:
            return self._cache["catalogue"]
        from sozialraum.io import Catalogue

        meta = self._meta("catalogue")
        if meta is None:
            return None
        meta = json.loads(meta)
        df = self.backend.frame(
            "SELECT kind, id, data FROM atlas_catalogue ORDER BY kind, position"
        )
        frames = {}
        for kind, cols in (("variable", meta["variables"]), ("indicator", meta["indicators"])):
            part = df[df["kind"] == kind]
            recs = [json.loads(d) for d in part["data"]]
            f = pd.DataFrame(
                recs,
                index=pd.Index(part["id"].astype(str).tolist(), name=meta["index"], dtype=object),
            )
            f = f.reindex(columns=cols)
            if "headers" in f.columns:
                f["headers"] = [tuple(h) if isinstance(h, list) else h for h in f["headers"]]
            for c in ("per", "weight", "min_denominator"):
                if c in f.columns:
                    f[c] = pd.to_numeric(f[c], errors="coerce").astype(float)
            frames[kind] = f.astype({c: object for c in f.columns if f[c].dtype != float})
        cat = Catalogue(
            meta=meta["meta"],
            variables=frames["variable"],
            indicators=frames["indicator"],
            path=Path(meta["path"]) if meta.get("path") else None,
        )
        self._cache["catalogue"] = cat
        return cat

    # ------------------------------------------------------------------ import
    def batches(self, *, all: bool = True) -> pd.DataFrame:  # noqa: A002 - readable keyword
        """Import batches (``all=False``: only the active ones)."""
        sql = (
            "SELECT batch, file, source, checksum, years, versions, n_values, imported_at, status, "
            "replaced_by, reason FROM atlas_batches"
        )
        if not all:
            sql += " WHERE status='aktiv'"
        df = self.backend.frame(sql + " ORDER BY batch")
        return df.set_index("batch")

    def import_table(
        self,
        path: str | Path,
        *,
        year: int | None = None,
        version: str | None = None,
        sheet: str | int | None = None,
        key: str | None = None,
        reason: str | None = None,
        source: str | None = None,
        **read_options,
    ) -> ImportResult:
        """Import one table (CSV/XLSX) as one batch: validated first, written in one transaction.

        The file is read with :func:`sozialraum.io.read_table` (headers mapped through the
        stored catalogue) and joined to the areas of the version valid in its year.
        Nothing is written when any row has an unknown key, a column is not in the
        catalogue, a value is not finite, or values of the same cells exist already from
        another active batch and no ``reason`` is given. The whole batch is written in
        one transaction: a failure leaves the atlas unchanged.

        Re-importing the same file (same SHA-256 and options) is a no-op that returns
        the existing batch. A corrected file (``reason`` given) replaces the batch(es)
        whose cells it covers; they stay in the atlas, marked ``ersetzt`` with the
        reason, so that :meth:`changes` can show what changed.

        Parameters
        ----------
        path
            The table.
        year
            The year of a single-year table, or the year to take from a multi-year table.
        version
            Area version (default: the version valid on 31 December of each year).
        sheet, key
            Passed to :func:`~sozialraum.io.read_table`.
        reason
            Why a corrected file replaces an earlier one (recorded).
        source
            Source text stored with each value (default: the catalogue's source of the
            variable, else the file name).
        **read_options
            Further options of :func:`~sozialraum.io.read_table` (``encoding``, …).
        """
        from sozialraum.io import read_table
        from sozialraum.join import join_table

        L, b = self.lang, self.backend
        path = Path(path)
        if not path.is_file():
            raise InputError(t(_MSG, "no_file", L, file=path), file=str(path))
        checksum = _checksum(path)
        # identity of a delivery: the file's bytes and which part of it (year, sheet, version);
        # reading options (key=, encoding= …) do not change what the file says
        params_json = _json({"year": year, "version": version, "sheet": sheet})
        same = b.frame(
            "SELECT batch, n_values, years, versions FROM atlas_batches WHERE checksum=? AND params=? "
            "AND status='aktiv' ORDER BY batch",
            (checksum, params_json),
        )
        if not same.empty:
            r = same.iloc[-1]
            return ImportResult(
                batch=int(r["batch"]),
                created=False,
                n_values=int(r["n_values"]),
                checksum=checksum,
                years=tuple(json.loads(r["years"])),
                versions=tuple(json.loads(r["versions"])),
            )
        cat = self.catalogue()
        table = read_table(
            path, sheet=sheet, key=key, year=year, columns=cat, lang=L, **read_options
        )
        years = table.years
        if not years:
            raise InputError(t(_MSG, "no_year", L, file=path.name), file=str(path))
        if cat is not None:
            unknown = [c for c in table.values.columns if c not in cat.variables.index]
            if unknown:
                raise InputError(
                    t(
                        _MSG,
                        "unknown_columns",
                        L,
                        file=table.source,
                        cols=", ".join(map(repr, unknown)),
                    ),
                    file=str(path),
                    column=unknown[0],
                )
        var_source = {}
        if cat is not None and "source" in cat.variables:
            var_source = {
                k: v for k, v in cat.variables["source"].items() if isinstance(v, str) and v
            }
        parts = []
        areas_of: dict[str, gpd.GeoDataFrame] = {}  # one read per area version, not per year
        for y in years:
            ty = table.for_year(y) if len(years) > 1 or table.year != y else table
            v = version or self.version_for(int(y))
            if v not in areas_of:
                areas_of[v] = self.areas(v)[["name", "geometry"]]
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", SozialraumWarning)
                res = join_table(areas_of[v], ty, lang=L)
            orphans = res.report.rows_without_area
            if len(orphans):
                rows = [
                    t(_MSG, "key_row", L, key=k, row=int(r)) if pd.notna(r) else str(k)
                    for k, r in zip(orphans["key"], orphans["row"], strict=True)
                ]
                first_row = orphans["row"].iloc[0]
                raise InputError(
                    t(
                        _MSG,
                        "orphans",
                        L,
                        file=table.source,
                        n=len(orphans),
                        version=v,
                        rows=format_ids(rows),
                    ),
                    file=str(path),
                    row=int(first_row) if pd.notna(first_row) else None,
                    ids=[str(k) for k in orphans["key"]],
                )
            cols = list(ty.values.columns)
            matched = res.report.matched
            vals = res.frame.loc[matched, cols].astype(float)
            st = res.status.loc[matched, cols].astype("string")
            arr = vals.to_numpy()
            if np.isinf(arr).any():
                i, j = np.argwhere(np.isinf(arr))[0]
                raise InputError(
                    t(
                        _MSG,
                        "not_finite",
                        L,
                        file=table.source,
                        col=cols[j],
                        key=matched[i],
                        value=arr[i, j],
                    ),
                    file=str(path),
                    column=cols[j],
                    ids=[matched[i]],
                )
            long = pd.DataFrame(
                {
                    "version": v,
                    "area": np.repeat(np.asarray(matched, dtype=object), len(cols)),
                    "variable": np.tile(np.asarray(cols, dtype=object), len(matched)),
                    "year": int(y),
                    "value": arr.reshape(-1),
                    "status": st.to_numpy(dtype=object, na_value=None).reshape(-1),
                }
            )
            long["source"] = source or None
            if source is None:
                long["source"] = [var_source.get(v, table.source) for v in long["variable"]]
            parts.append(long)
        new = pd.concat(parts, ignore_index=True)
        yrs = sorted({int(y) for y in years})
        vers = sorted(set(new["version"]))
        with b.transaction():
            if b.kind == "postgis":
                b.execute("LOCK TABLE atlas_batches IN SHARE ROW EXCLUSIVE MODE")
            # cells already held by other active batches
            ph = ",".join("?" * len(yrs))
            old = b.frame(
                "SELECT v.batch, v.version, v.area, v.variable, v.year FROM atlas_values v "
                "JOIN atlas_batches bt ON bt.batch = v.batch "
                f"WHERE bt.status='aktiv' AND v.year IN ({ph})",
                tuple(yrs),
            )
            hit = old.merge(
                new[["version", "area", "variable", "year"]],
                on=["version", "area", "variable", "year"],
            )
            replaced: tuple[int, ...] = ()
            if len(hit):
                replaced = tuple(sorted(int(x) for x in hit["batch"].unique()))
                if not reason:
                    ex = hit.iloc[0]
                    raise InputError(
                        t(
                            _MSG,
                            "overlap",
                            L,
                            file=table.source,
                            n=len(hit),
                            batches=", ".join(map(str, replaced)),
                            ex=f"{ex['area']}/{ex['variable']}/{int(ex['year'])}",
                        ),
                        file=str(path),
                    )
            batch = int(b.scalar("SELECT COALESCE(MAX(batch), 0) FROM atlas_batches")) + 1
            b.execute(
                "INSERT INTO atlas_batches (batch, file, source, checksum, params, years, versions, "
                "n_values, imported_at, status, replaced_by, reason) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                (
                    batch,
                    path.name,
                    table.source,
                    checksum,
                    params_json,
                    _json(yrs),
                    _json(vers),
                    len(new),
                    _now(),
                    "aktiv",
                    None,
                    reason,
                ),
            )
            self._insert_values(new, batch)
            for old_batch in replaced:
                b.execute(
                    "UPDATE atlas_batches SET status='ersetzt', replaced_by=?, reason=? WHERE batch=?",
                    (batch, reason, old_batch),
                )
            b.touch("atlas_values")
            b.touch("atlas_batches")
        return ImportResult(
            batch=batch,
            created=True,
            n_values=len(new),
            replaced=replaced,
            checksum=checksum,
            years=tuple(yrs),
            versions=tuple(vers),
        )

    def _insert_values(self, long: pd.DataFrame, batch: int, chunk: int = 2000) -> None:
        """Write value rows in chunks (inside the caller's transaction)."""
        cols = ["version", "area", "variable", "year", "value", "status", "source"]
        rows = [(*r, batch) for r in long[cols].itertuples(index=False, name=None)]
        for i in range(0, len(rows), chunk):
            self.backend.executemany(
                "INSERT INTO atlas_values (version, area, variable, year, value, status, source, batch) "
                "VALUES (?,?,?,?,?,?,?,?)",
                rows[i : i + chunk],
            )

    # ------------------------------------------------------------------ queries
    def years(self) -> list[int]:
        """Years with active values."""
        df = self.backend.frame(
            "SELECT DISTINCT v.year FROM atlas_values v JOIN atlas_batches b ON b.batch=v.batch "
            "WHERE b.status='aktiv' ORDER BY v.year"
        )
        return [int(y) for y in df["year"]]

    def table(
        self,
        *,
        years: Sequence[int] | int | None = None,
        variables: Sequence[str] | None = None,
        areas: Sequence[str] | None = None,
        version: str | None = None,
        include_replaced: bool = False,
    ) -> pd.DataFrame:
        """Values in long form: ``version, area, variable, year, value, status, source, batch``."""
        sql = (
            "SELECT v.version, v.area, v.variable, v.year, v.value, v.status, v.source, v.batch "
            "FROM atlas_values v JOIN atlas_batches b ON b.batch = v.batch WHERE 1=1"
        )
        params: list = []
        if not include_replaced:
            sql += " AND b.status='aktiv'"
        if years is not None:
            ys = [int(years)] if isinstance(years, (int, np.integer)) else [int(y) for y in years]
            sql += f" AND v.year IN ({','.join('?' * len(ys))})"
            params += ys
        if version is not None:
            sql += " AND v.version=?"
            params.append(version)
        df = self.backend.frame(sql + " ORDER BY v.year, v.version, v.area, v.variable", params)
        if variables is not None:
            df = df[df["variable"].isin(list(variables))]
        if areas is not None:
            df = df[df["area"].isin([str(a) for a in areas])]
        df["value"] = df["value"].astype(float)
        df["year"] = df["year"].astype(int)
        df["status"] = df["status"].astype("string")
        return df.reset_index(drop=True)

    def _column_order(self, cols) -> list[str]:
        cat = self.catalogue()
        order = list(cat.variables.index) if cat is not None else []
        known = [c for c in order if c in cols]
        return known + sorted(c for c in cols if c not in set(order))

    def values(
        self,
        year: int,
        *,
        version: str | None = None,
        variables: Sequence[str] | None = None,
        areas: Sequence[str] | None = None,
    ) -> AtlasSelection:
        """The stored values (counts) of a year for one area version.

        The version defaults to the one valid on 31 December of ``year`` — so a year
        before a boundary change gives the old areas. When the values of that year
        were stored for another version, they are carried over the crosswalk
        (:func:`sozialraum.monitor.apply_crosswalk`, area-weighted; split areas get
        status ``unsicher``, shares and means (catalogue rule other than ``sum``, see
        :mod:`sozialraum.core.aggregation`) there ``nicht_sinnvoll``).
        """
        year = int(year)
        version = version or self.version_for(year)
        self._check_version(version)
        long = self.table(years=[year], variables=variables)
        data_versions = sorted(set(long["version"]))
        if not data_versions:
            raise InputError(
                t(
                    _MSG,
                    "no_data_year",
                    self.lang,
                    year=year,
                    have=", ".join(map(str, self.years())) or "—",
                )
            )
        carried = None
        if version in data_versions:
            part = long[long["version"] == version]
            vals = part.pivot(index="area", columns="variable", values="value")
            st = part.pivot(index="area", columns="variable", values="status")
        else:
            carried = data_versions[0]
            vals, st = self._carry(long[long["version"] == carried], carried, version, year)
        ar = self.areas(version)
        cols = self._column_order(list(vals.columns))
        vals = vals.reindex(index=ar.index, columns=cols).astype(float)
        st = st.reindex(index=vals.index, columns=cols).astype("string")
        if carried is None:
            pv = part.assign(_x=True).pivot(index="area", columns="variable", values="_x")
            present = pv.reindex(index=vals.index, columns=cols).notna()
        else:
            present = vals.notna() | st.notna()
        st = st.mask(~present, "keine_daten")
        if areas is not None:
            keep = [str(a) for a in areas]
            missing = [a for a in keep if a not in vals.index]
            if missing:
                raise _unknown_ids_error(self.lang, "areas", missing, list(vals.index[:5]))
            vals, st, ar = vals.loc[keep], st.loc[keep], ar.loc[keep]
        vals.index.name = st.index.name = "key"
        frame = gpd.GeoDataFrame(
            ar[["name", "parent"]].join(vals), geometry=ar.geometry, crs=ar.crs
        )
        return AtlasSelection(
            frame=frame, status=st, version=version, year=year, carried_from=carried
        )

    def _carry(self, part: pd.DataFrame, from_version: str, to_version: str, year: int):
        from sozialraum.monitor import apply_crosswalk

        cw = self.crosswalk(from_version, to_version)
        vals = part.pivot(index="area", columns="variable", values="value").astype(float)
        st = part.pivot(index="area", columns="variable", values="status").astype("string")
        cw = cw[cw["alt"].isin(vals.index)]
        out = apply_crosswalk(vals, cw, lang=self.lang)
        # a new area is exact when every contribution is a whole old area (share 1)
        exact = cw.groupby("neu")["anteil"].apply(lambda s: bool((s > 1 - 1e-6).all()))
        single = {k: g.iloc[0] for k, g in cw.groupby("neu")["alt"] if len(g) == 1}
        cat = self.catalogue()
        share_vars = set()
        if cat is not None:  # shares and means: the catalogue's aggregation rules
            vrules, _ = rules_from_frames(cat.variables, cat.indicators, lang=self.lang)
            share_vars = {k for k, r in vrules.items() if r.method != "sum"}
        cols = list(out.columns)
        ov = out.to_numpy(dtype=float).copy()
        os_ = np.full(ov.shape, None, dtype=object)
        sv = st.reindex(columns=cols).to_numpy(dtype=object, na_value=None)
        vv = vals.reindex(columns=cols).to_numpy(dtype=float)
        pos = {k: i for i, k in enumerate(vals.index)}
        is_share = np.array([c in share_vars for c in cols], dtype=bool)
        for i, nk in enumerate(out.index):
            src = single.get(nk)
            if exact.get(nk, False) and src is not None:  # unchanged area: original values
                ov[i] = vv[pos[src]]
                os_[i] = sv[pos[src]]
                continue
            for j in range(len(cols)):
                if is_share[j]:
                    ov[i, j] = np.nan
                    os_[i, j] = "nicht_sinnvoll"
                elif np.isnan(ov[i, j]):
                    os_[i, j] = "fehlt"
                elif not exact.get(nk, False):
                    os_[i, j] = "unsicher"
        out = pd.DataFrame(ov, index=out.index, columns=cols)
        ost = pd.DataFrame(os_, index=out.index, columns=cols).astype("string")
        warnings.warn(
            t(_MSG, "carried", self.lang, year=year, a=from_version, b=to_version),
            SozialraumWarning,
            stacklevel=3,
        )
        return out, ost

    def indicators(
        self,
        year: int,
        *,
        version: str | None = None,
        indicators: Sequence[str] | None = None,
        areas: Sequence[str] | None = None,
        min_denominator: float = 0,
    ) -> AtlasSelection:
        """The catalogue's indicators (rates) of a year for an area version.

        Rates are computed from the stored counts with
        :func:`sozialraum.monitor.compute_rates` (status rules there); columns are the
        indicator ids.
        """
        from sozialraum.monitor import compute_rates

        cat = self.catalogue()
        if cat is None:
            raise InputError(t(_MSG, "no_catalogue", self.lang))
        sel = self.values(year, version=version, areas=areas)
        counts = pd.DataFrame(sel.frame[sel.columns])
        ind = cat.indicators
        if indicators is not None:
            unknown = [i for i in indicators if i not in ind.index]
            if unknown:
                raise _unknown_ids_error(self.lang, "indicators", unknown, list(ind.index[:5]))
            ind = ind.loc[list(indicators)]
        rates = compute_rates(
            counts, ind, status=sel.status, min_denominator=min_denominator, lang=self.lang
        )
        cols = [c for c in ind.index if c in rates.rates.columns]
        frame = gpd.GeoDataFrame(
            sel.frame[["name", "parent"]].join(rates.rates[cols]),
            geometry=sel.frame.geometry,
            crs=sel.frame.crs,
        )
        st = rates.status[cols].astype("string")
        return AtlasSelection(
            frame=frame,
            status=st,
            version=sel.version,
            year=sel.year,
            carried_from=sel.carried_from,
        )

    def time_series(
        self,
        area: str,
        *,
        variables: Sequence[str] | None = None,
        indicators: Sequence[str] | None = None,
        version: str | None = None,
    ) -> tuple[pd.DataFrame, pd.DataFrame]:
        """Values (or indicators) of one area over all years with data.

        Returns ``(values, status)``: index = year, columns = variables (or indicator
        ids when ``indicators`` is given). The area key is looked up in ``version``
        (default: the newest version containing it); years stored for another version
        are carried over the crosswalk.
        """
        area = str(area)
        if version is None:
            vs = self.versions()
            hits = [
                v
                for v in vs.sort_values("valid_from", ascending=False).index
                if area in self.areas(v).index
            ]
            if not hits:
                raise InputError(
                    t(
                        _MSG,
                        "unknown_ids",
                        self.lang,
                        what=t(_MSG, "what_areas", self.lang),
                        ids=area,
                        have="—",
                    ),
                    ids=[area],
                )
            version = hits[0]
        rows, stats = {}, {}
        for y in self.years():
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", SozialraumWarning)
                if indicators is not None:
                    sel = self.indicators(y, version=version, indicators=indicators, areas=[area])
                else:
                    sel = self.values(y, version=version, variables=variables, areas=[area])
            rows[y] = sel.frame[sel.columns].iloc[0]
            stats[y] = sel.status.iloc[0]
        vals = pd.DataFrame(rows).T.astype(float)
        st = pd.DataFrame(stats).T.astype("string")
        vals.index.name = st.index.name = "year"
        return vals, st

    def changes(self, old_batch: int, new_batch: int, *, tolerance: float = 0.0) -> pd.DataFrame:
        """What changed between two imports (e.g. a corrected file, or two years).

        Cells are matched on area version, area and variable (and year when both
        batches hold the same years). Returns one row per changed cell: ``area,
        variable, year_alt, year_neu, alt, neu, differenz, status_alt, status_neu,
        aenderung`` (``geaendert``, ``neu``, ``entfallen``).
        """
        have = self.batches()
        for bt in (old_batch, new_batch):
            if int(bt) not in have.index:
                raise InputError(
                    t(
                        _MSG,
                        "no_batch",
                        self.lang,
                        batch=bt,
                        have=", ".join(map(str, have.index)) or "—",
                    )
                )
        q = "SELECT version, area, variable, year, value, status FROM atlas_values WHERE batch=?"
        a = self.backend.frame(q, (int(old_batch),))
        b = self.backend.frame(q, (int(new_batch),))
        on = ["version", "area", "variable"]
        if set(a["year"]) == set(b["year"]):
            on.append("year")
            a["year_alt"] = a["year"]
            b["year_neu"] = b["year"]
        else:
            a = a.rename(columns={"year": "year_alt"})
            b = b.rename(columns={"year": "year_neu"})
        m = a.merge(b, on=on, how="outer", suffixes=("_alt", "_neu"), indicator=True)
        m = m.rename(columns={"value_alt": "alt", "value_neu": "neu"})
        m["alt"] = m["alt"].astype(float)
        m["neu"] = m["neu"].astype(float)
        m["differenz"] = m["neu"] - m["alt"]
        sa = m["status_alt"].astype("string")
        sn = m["status_neu"].astype("string")
        same_status = (sa == sn).fillna(False) | (sa.isna() & sn.isna())
        both_nan = m["alt"].isna() & m["neu"].isna()
        same_val = (m["differenz"].abs() <= tolerance).fillna(False) | both_nan
        m["aenderung"] = np.where(
            m["_merge"] == "left_only",
            "entfallen",
            np.where(m["_merge"] == "right_only", "neu", "geaendert"),
        )
        changed = (m["_merge"] != "both") | ~(same_val & same_status)
        cols = [
            "version",
            "area",
            "variable",
            "year_alt",
            "year_neu",
            "alt",
            "neu",
            "differenz",
            "status_alt",
            "status_neu",
            "aenderung",
        ]
        out = m.loc[changed, cols].copy()
        out["status_alt"] = out["status_alt"].astype("string")
        out["status_neu"] = out["status_neu"].astype("string")
        return out.sort_values(["area", "variable"]).reset_index(drop=True)

    def monitor_inputs(
        self, years: int | Sequence[int], *, version: str | None = None
    ) -> MonitorInputs:
        """Counts and status frames for :func:`sozialraum.monitor.run_monitor`.

        One year gives frames; several years give mappings ``{year: frame}``. All
        years are given for one area version (default: the version of the latest
        year; earlier years are carried over the crosswalk when needed).
        """
        single = isinstance(years, (int, np.integer))
        ys = [int(years)] if single else sorted(int(y) for y in years)
        version = version or self.version_for(ys[-1])
        counts, status = {}, {}
        for y in ys:
            sel = self.values(y, version=version)
            counts[y] = pd.DataFrame(sel.frame[sel.columns])
            status[y] = sel.status
        cat = self.catalogue()
        if single:
            return MonitorInputs(
                counts[ys[0]], status[ys[0]], cat, self.areas(version), version, tuple(ys)
            )
        return MonitorInputs(counts, status, cat, self.areas(version), version, tuple(ys))

    # ------------------------------------------------------------------ facilities
    def add_facilities(
        self,
        facilities: gpd.GeoDataFrame,
        *,
        id: str = "id",  # noqa: A002
        name: str = "name",
        category: str = "kategorie",
        valid_from="1900-01-01",
        valid_to=None,
    ) -> int:
        """Add facilities (points) valid from ``valid_from`` (to ``valid_to``).

        ``valid_from``/``valid_to`` may also be column names of ``facilities`` holding
        per-facility dates. Other columns are kept as attributes. Returns the count.
        """
        b = self.backend
        for col in (id, name, category):
            if col not in facilities.columns:
                raise InputError(
                    t(
                        _MSG,
                        "fac_cols",
                        self.lang,
                        col=col,
                        have=", ".join(map(str, facilities.columns)),
                    ),
                    column=col,
                )
        srid = self.srid or int(facilities.crs.to_epsg())
        gdf = facilities.to_crs(srid) if facilities.crs.to_epsg() != srid else facilities
        skip = {id, name, category, gdf.geometry.name}
        per_from = isinstance(valid_from, str) and valid_from in gdf.columns
        per_to = isinstance(valid_to, str) and valid_to in gdf.columns
        skip |= {valid_from} if per_from else set()
        skip |= {valid_to} if per_to else set()
        rows = []
        for i in range(len(gdf)):
            r = gdf.iloc[i]
            attrs = {
                c: r[c]
                for c in gdf.columns
                if c not in skip and not (isinstance(r[c], float) and np.isnan(r[c]))
            }
            vf = _date(r[valid_from]) if per_from else _date(valid_from)
            vt = (
                (_date(r[valid_to]) if pd.notna(r[valid_to]) else None)
                if per_to
                else _date(valid_to)
            )
            rows.append(
                (
                    str(r[id]),
                    r[name],
                    r[category],
                    vf,
                    vt,
                    _json(attrs),
                    b.geom_value(r.geometry, srid),
                )
            )
        with b.transaction():
            if self.srid is None:
                self._set_meta("srid", str(srid))
                b.set_srid("atlas_areas", srid)
                b.set_srid("atlas_facilities", srid)
            b.executemany(
                "INSERT INTO atlas_facilities (fac_id, name, category, valid_from, valid_to, attrs, geom) "
                f"VALUES (?,?,?,?,?,?,{b.geom_in(srid)})",
                rows,
            )
            b.touch("atlas_facilities", self._bounds(gdf))
        return len(rows)

    def facilities(
        self, year: int | None = None, *, date=None, category: str | None = None
    ) -> gpd.GeoDataFrame:
        """Facilities valid on ``date`` (or on 31 December of ``year``; default: all)."""
        b = self.backend
        sql = (
            f"SELECT fac_id, name, category, valid_from, valid_to, attrs, {b.geom_out('geom')} AS geom "
            "FROM atlas_facilities WHERE 1=1"
        )
        params: list = []
        d = _date(date) if date is not None else (_stichtag(year) if year is not None else None)
        if d is not None:
            sql += " AND valid_from <= ? AND (valid_to IS NULL OR valid_to >= ?)"
            params += [d, d]
        if category is not None:
            sql += " AND category = ?"
            params.append(category)
        df = b.frame(sql + " ORDER BY fid", params)
        attrs = pd.DataFrame([json.loads(a) if a else {} for a in df["attrs"]], index=df.index)
        out = pd.concat([df.drop(columns=["attrs", "geom"]), attrs], axis=1)
        return gpd.GeoDataFrame(
            out.rename(columns={"fac_id": "id", "category": "kategorie"}),
            geometry=gpd.GeoSeries([b.geom_decode(g) for g in df["geom"]], index=df.index),
            crs=self.srid,
        ).set_index("id")

    # ------------------------------------------------------------------ results
    def save_results(
        self,
        frame: pd.DataFrame,
        *,
        run_id: str,
        kind: str,
        year: int | None = None,
        version: str | None = None,
        description: str = "",
        params: Mapping | None = None,
    ) -> str:
        """Store computed results (indices, classes, LISA …) tagged with ``run_id``.

        ``frame``: index = area key, one column per result (numbers or text). Several
        kinds may be saved for one run (e.g. ``"monitor"``, ``"lisa"``); a kind once
        saved for a run is never overwritten.
        """
        b = self.backend
        rows = []
        for col in frame.columns:
            if col == "geometry":
                continue
            s = frame[col]
            numeric = pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s)
            for k, v in s.items():
                if numeric:
                    rows.append((run_id, kind, version, year, str(k), str(col), v, None))
                else:
                    rows.append(
                        (
                            run_id,
                            kind,
                            version,
                            year,
                            str(k),
                            str(col),
                            None,
                            None if pd.isna(v) else str(v),
                        )
                    )
        with b.transaction():
            exists = b.scalar("SELECT count(*) FROM atlas_runs WHERE run_id=?", (run_id,))
            if exists:
                if b.scalar(
                    "SELECT count(*) FROM atlas_results WHERE run_id=? AND kind=?", (run_id, kind)
                ):
                    raise InputError(t(_MSG, "run_exists", self.lang, run=f"{run_id}/{kind}"))
            else:
                b.execute(
                    "INSERT INTO atlas_runs (run_id, created, description, params) VALUES (?,?,?,?)",
                    (run_id, _now(), description, _json(dict(params or {}))),
                )
            b.executemany(
                "INSERT INTO atlas_results (run_id, kind, version, year, area, name, value, text) "
                "VALUES (?,?,?,?,?,?,?,?)",
                rows,
            )
        return run_id

    def runs(self) -> pd.DataFrame:
        """Runs with stored results."""
        return self.backend.frame(
            "SELECT run_id, created, description, params FROM atlas_runs ORDER BY created"
        ).set_index("run_id")

    def results(self, run_id: str, kind: str | None = None) -> pd.DataFrame:
        """Stored results of a run (wide: index = area key, one column per result)."""
        sql = "SELECT kind, area, name, value, text FROM atlas_results WHERE run_id=?"
        params: list = [run_id]
        if kind is not None:
            sql += " AND kind=?"
            params.append(kind)
        df = self.backend.frame(sql, params)
        out = {}
        for name, g in df.groupby("name", sort=False):
            if g["text"].notna().any():
                out[name] = g.set_index("area")["text"].astype("string")
            else:
                out[name] = g.set_index("area")["value"].astype(float)
        res = pd.DataFrame(out)
        res.index.name = "key"
        return res

    # ------------------------------------------------------------------ region sets
    def add_region_set(
        self,
        name: str,
        mapping: pd.DataFrame | Mapping[str, str],
        *,
        level: str = "gemeinde",
        region_names: Mapping[str, str] | None = None,
    ) -> int:
        """Define a region set (LEADER region, Mittelbereich, Jugendhilfe-Region …).

        Parameters
        ----------
        mapping
            ``{member: region}`` or a frame with columns ``member``/``region`` (optional
            ``region_name``). Members are municipality keys (``level="gemeinde"``,
            matched with the areas' ``parent``) or area keys (``level="sozialraum"``).
            A member belongs to at most one region of a set; areas outside every region
            of the set are simply not part of it.
        """
        if isinstance(mapping, Mapping):
            df = pd.DataFrame({"member": list(mapping.keys()), "region": list(mapping.values())})
        else:
            df = pd.DataFrame(mapping).copy()
        need = ["member", "region"]
        if any(c not in df.columns for c in need):
            raise InputError(
                t(_MSG, "region_cols", self.lang, name=name, need=need, have=list(df.columns))
            )
        df["member"] = df["member"].astype(str)
        df["region"] = df["region"].astype(str)
        dup = df.loc[df["member"].duplicated(), "member"].unique().tolist()
        if dup:
            raise InputError(
                t(_MSG, "region_dup", self.lang, name=name, ids=format_ids(dup)), ids=dup
            )
        if "region_name" not in df.columns:
            df["region_name"] = df["region"].map(dict(region_names or {}))
        b = self.backend
        with b.transaction():
            b.execute("DELETE FROM atlas_region_sets WHERE set_name=?", (name,))
            b.executemany(
                "INSERT INTO atlas_region_sets (set_name, level, member, region, region_name) VALUES (?,?,?,?,?)",
                [
                    (
                        name,
                        level,
                        r.member,
                        r.region,
                        None if pd.isna(r.region_name) else r.region_name,
                    )
                    for r in df.itertuples()
                ],
            )
        return len(df)

    def region_sets(self) -> pd.DataFrame:
        """All region sets (``set_name, level, member, region, region_name``)."""
        return self.backend.frame(
            "SELECT set_name, level, member, region, region_name FROM atlas_region_sets ORDER BY set_name, region, member"
        )

    def rollup_regions(self, name: str, year: int, *, version: str | None = None):
        """Sum the counts of a year per region of a set and recompute the rates.

        Uses :func:`sozialraum.join.rollup` (status rules: ``teilsumme_geheim`` …).
        Returns its :class:`~sozialraum.join.RollupResult` (index = region key, with
        ``region_name`` and dissolved geometries).
        """
        from sozialraum.join import rollup

        rs = self.region_sets()
        rs = rs[rs["set_name"] == name]
        if rs.empty:
            have = sorted(set(self.region_sets()["set_name"]))
            raise InputError(
                t(_MSG, "no_region_set", self.lang, name=name, have=", ".join(have) or "—")
            )
        sel = self.values(year, version=version)
        level = rs["level"].iloc[0]
        member_of = (
            sel.frame["parent"]
            if level == "gemeinde"
            else pd.Series(sel.frame.index, index=sel.frame.index)
        )
        region = member_of.map(dict(zip(rs["member"], rs["region"], strict=True)))
        unknown = sorted(set(rs["member"]) - set(member_of.astype(str)))
        if unknown:
            warnings.warn(
                t(
                    _MSG,
                    "region_unknown",
                    self.lang,
                    name=name,
                    version=sel.version,
                    ids=format_ids(unknown),
                ),
                SozialraumWarning,
                stacklevel=2,
            )
        inside = region.notna()
        frame = sel.frame.loc[inside, [*sel.columns, "geometry"]]
        cat = self.catalogue()
        res = rollup(
            frame,
            by=region[inside],
            status=sel.status.loc[inside],
            catalogue=cat,
            lang=self.lang,
        )
        names = dict(zip(rs["region"], rs["region_name"], strict=True))
        res.frame.insert(0, "region_name", [names.get(k) for k in res.frame.index])
        res.frame.index.name = "region"
        return res

    # ------------------------------------------------------------------ measures
    def add_measure(
        self,
        measure_id: str,
        name: str,
        *,
        areas: Sequence[str],
        start,
        targets: Sequence[str],
        end=None,
        theme: str = "",
        description: str = "",
        version: str | None = None,
    ) -> str:
        """Register a measure (Maßnahme): its areas, theme, start/end and target indicators."""
        b, L = self.backend, self.lang
        sd = _date(start)
        version = version or self.version_for(_dt.date.fromisoformat(sd))
        ar = self.areas(version)
        keys = [str(a) for a in areas]
        unknown = [k for k in keys if k not in ar.index]
        if unknown:
            raise _unknown_ids_error(L, "areas", unknown, list(ar.index[:5]))
        cat = self.catalogue()
        if cat is not None:
            known = set(cat.indicators.index) | set(cat.variables.index)
            bad = [x for x in targets if x not in known]
            if bad:
                raise _unknown_ids_error(L, "targets", bad, list(cat.indicators.index[:5]))
        with b.transaction():
            if b.scalar("SELECT count(*) FROM atlas_measures WHERE measure_id=?", (measure_id,)):
                raise InputError(t(_MSG, "measure_exists", L, id=measure_id))
            b.execute(
                "INSERT INTO atlas_measures (measure_id, name, theme, start_date, end_date, targets, "
                "version, description) VALUES (?,?,?,?,?,?,?,?)",
                (measure_id, name, theme, sd, _date(end), ",".join(targets), version, description),
            )
            b.executemany(
                "INSERT INTO atlas_measure_areas (measure_id, version, area) VALUES (?,?,?)",
                [(measure_id, version, k) for k in keys],
            )
        return measure_id

    def measures(self) -> pd.DataFrame:
        """The measures register (with a column ``areas``: list of area keys)."""
        b = self.backend
        m = b.frame(
            "SELECT measure_id, name, theme, start_date, end_date, targets, version, description "
            "FROM atlas_measures ORDER BY start_date, measure_id"
        )
        a = b.frame("SELECT measure_id, area FROM atlas_measure_areas ORDER BY measure_id, area")
        groups = a.groupby("measure_id")["area"].apply(list).to_dict()
        m["areas"] = [groups.get(i, []) for i in m["measure_id"]]
        m["targets"] = [s.split(",") if s else [] for s in m["targets"]]
        return m.set_index("measure_id")

    def measure_effect(
        self,
        measure_id: str,
        *,
        pre: int | None = None,
        post: int | None = None,
        comparison: str | Sequence[str] = "all",
        k: int = 5,
        min_denominator: float = 0,
    ):
        """Descriptive before/after comparison of a measure (difference in differences).

        See :func:`sozialraum.atlas.effect.measure_effect`.
        """
        from sozialraum.atlas.effect import measure_effect

        return measure_effect(
            self,
            measure_id,
            pre=pre,
            post=post,
            comparison=comparison,
            k=k,
            min_denominator=min_denominator,
        )

    # ------------------------------------------------------------------ export
    def export(
        self,
        path: str | Path,
        *,
        years: Sequence[int] | None = None,
        columns: Sequence[str] | None = None,
        areas: Sequence[str] | None = None,
        version: str | None = None,
        indicators: bool = True,
        release=None,
    ) -> Path:
        """Write a selection (areas × indicators × years) as GeoPackage or Excel.

        One layer (``werte_<year>``) or sheet (``<year>``) per year, with the counts and
        (``indicators=True``) the catalogue's indicators; ``columns`` restricts to those
        variable/indicator ids. Cells without a number show their status (Excel: the
        statistical symbol; GeoPackage: ``<column>_status``). Written with
        :func:`sozialraum.io.write_gpkg` / :func:`sozialraum.io.write_excel`.

        ``release`` applies a release level before writing: a callable
        ``(frame, status) -> (frame, status)``, e.g. ``lambda f, s:
        sozialraum.privacy.release_frame(f, s, "kommunal", ags="07999001",
        area_ags_col="parent")`` (the municipality key is in ``parent``).
        """
        from sozialraum.io import write_excel, write_gpkg

        path = Path(path)
        suffix = path.suffix.lower()
        if suffix not in (".gpkg", ".xlsx"):
            raise InputError(t(_MSG, "export_fmt", self.lang, file=path), file=str(path))
        years = list(years) if years is not None else self.years()
        cat = self.catalogue()
        frames, stats = {}, {}
        for y in years:
            sel = self.values(y, version=version, areas=areas)
            frame, st = sel.frame, sel.status
            ind_ids = list(cat.indicators.index) if cat is not None else []
            if columns is not None:
                ind_ids = [c for c in columns if c in ind_ids]
            if indicators and ind_ids:
                ind = self.indicators(y, version=version, areas=areas, indicators=ind_ids)
                new = [c for c in ind.columns if c not in frame.columns]
                frame = frame.join(ind.frame[new])
                st = st.join(ind.status[new])
            if columns is not None:
                keep = [c for c in columns if c in st.columns]
                unknown = [c for c in columns if c not in st.columns]
                if unknown:
                    raise _unknown_ids_error(self.lang, "columns", unknown, list(st.columns[:5]))
                frame = frame[["name", "parent", *keep, "geometry"]]
                st = st[keep]
            if release is not None:
                frame, st = release(frame, st)
                if st is None:
                    st = pd.DataFrame(index=frame.index)
            frames[y] = gpd.GeoDataFrame(frame, geometry="geometry", crs=sel.frame.crs)
            stats[y] = st
        if suffix == ".gpkg":
            if path.exists():
                path.unlink()
            for y in years:
                write_gpkg(frames[y], path, f"werte_{y}", status=stats[y])
        else:
            labels = cat.labels(self.lang) if cat is not None else None
            write_excel(
                {str(y): pd.DataFrame(frames[y].drop(columns="geometry")) for y in years},
                path,
                labels=labels,
                status={str(y): stats[y] for y in years},
            )
        return path


def crosswalk_shares(
    old: gpd.GeoDataFrame, new: gpd.GeoDataFrame, *, min_share: float = 1e-6
) -> pd.DataFrame:
    """Area-weighted crosswalk between two sets of areas (same CRS, metric).

    Returns ``from_key, to_key, share_from`` (|old ∩ new| / |old|) and ``share_to``
    (|old ∩ new| / |new|); pairs below ``min_share`` on both sides (slivers from
    digitising) are dropped.
    """
    a = gpd.GeoDataFrame(
        {"from_key": old.index.astype(str)}, geometry=old.geometry.to_numpy(), crs=old.crs
    )
    b = gpd.GeoDataFrame(
        {"to_key": new.index.astype(str)}, geometry=new.geometry.to_numpy(), crs=new.crs
    )
    if b.crs != a.crs:
        b = b.to_crs(a.crs)
    area_a = dict(zip(a["from_key"], a.geometry.area, strict=True))
    area_b = dict(zip(b["to_key"], b.geometry.area, strict=True))
    left, right = b.sindex.query(a.geometry, predicate="intersects")
    inter = shapely.intersection(a.geometry.to_numpy()[left], b.geometry.to_numpy()[right])
    ia = shapely.area(inter)
    df = pd.DataFrame(
        {
            "from_key": a["from_key"].to_numpy()[left],
            "to_key": b["to_key"].to_numpy()[right],
            "area": ia,
        }
    )
    df["share_from"] = df["area"] / df["from_key"].map(area_a)
    df["share_to"] = df["area"] / df["to_key"].map(area_b)
    df = df[(df["share_from"] >= min_share) | (df["share_to"] >= min_share)]
    return df[["from_key", "to_key", "share_from", "share_to"]].reset_index(drop=True)
