"""The atlas schema: one set of tables for both backends (GeoPackage and PostGIS).

Tables (all prefixed ``atlas_``; documented in ``docs/atlas.md``):

``atlas_meta``          key/value: schema version, CRS (EPSG code), catalogue meta.
``atlas_versions``      area versions: version, level, label, valid_from, valid_to (ISO dates).
``atlas_areas``         geometries per version (features layer): version, key, name, parent, attrs.
``atlas_crosswalk``     pairs of areas of two versions with the shares of their intersection.
``atlas_catalogue``     the indicator catalogue (variables and indicators as JSON rows).
``atlas_batches``       import batches: file, checksum, years, status (aktiv/ersetzt), reason.
``atlas_values``        indicator values in long form (area, version, variable, year, value,
                        status, source, batch).
``atlas_facilities``    facilities (features layer, points) with validity periods.
``atlas_runs``          runs that produced computed results.
``atlas_results``       computed results in long form, tagged with the run id.
``atlas_region_sets``   region sets (LEADER regions, Jugendhilfe-Regionen …): member → region.
``atlas_measures``      measures register (Maßnahmen).
``atlas_measure_areas`` areas of each measure.
``atlas_measure_targets`` target, status and responsible body of a measure (every change a
                        new row: the history stays).
``atlas_recommendations`` recommendations and target agreements per area, municipality or
                        region; every import a new revision.
"""

from __future__ import annotations

SCHEMA_VERSION = "1"

#: attribute (non-spatial) tables and their description (registered in gpkg_contents)
ATTRIBUTE_TABLES = {
    "atlas_meta": "Sozialstrukturatlas: Metadaten",
    "atlas_versions": "Gebietsstände mit Gültigkeit",
    "atlas_crosswalk": "Umschlüsselung zwischen Gebietsständen (Flächenanteile)",
    "atlas_catalogue": "Indikatorenkatalog",
    "atlas_batches": "Importlieferungen",
    "atlas_values": "Indikatorwerte (Langformat)",
    "atlas_runs": "Rechenläufe",
    "atlas_results": "Berechnete Ergebnisse (Langformat)",
    "atlas_region_sets": "Regionszuordnungen",
    "atlas_measures": "Maßnahmenregister",
    "atlas_measure_areas": "Gebiete der Maßnahmen",
    "atlas_measure_targets": "Ziele, Status und Träger der Maßnahmen (mit Verlauf)",
    "atlas_recommendations": "Handlungsempfehlungen und Zielvereinbarungen (Fassungen)",
}

FEATURE_TABLES = {
    "atlas_areas": ("Gebiete aller Gebietsstände", "MULTIPOLYGON"),
    "atlas_facilities": ("Einrichtungen mit Gültigkeit", "POINT"),
}


def ddl(b) -> list[str]:
    """CREATE statements for backend ``b`` (types differ, structure does not)."""
    T, R, N, S = b.text, b.real, b.integer, b.serial
    G = "geometry" if b.kind == "postgis" else None
    area_geom = G or "MULTIPOLYGON"
    point_geom = G or "POINT"
    return [
        f"CREATE TABLE IF NOT EXISTS atlas_meta (key {T} PRIMARY KEY, value {T})",
        f"""CREATE TABLE IF NOT EXISTS atlas_versions (
            version {T} PRIMARY KEY, level {T} NOT NULL, label {T},
            valid_from {T} NOT NULL, valid_to {T}, srid {N}, created {T})""",
        f"""CREATE TABLE IF NOT EXISTS atlas_areas (
            fid {S}, version {T} NOT NULL REFERENCES atlas_versions(version),
            key {T} NOT NULL, name {T}, parent {T}, attrs {T}, geom {area_geom},
            UNIQUE (version, key))""",
        f"""CREATE TABLE IF NOT EXISTS atlas_crosswalk (
            from_version {T} NOT NULL, to_version {T} NOT NULL, from_key {T} NOT NULL,
            to_key {T} NOT NULL, share_from {R} NOT NULL, share_to {R} NOT NULL,
            PRIMARY KEY (from_version, to_version, from_key, to_key))""",
        f"""CREATE TABLE IF NOT EXISTS atlas_catalogue (
            kind {T} NOT NULL, id {T} NOT NULL, position {N} NOT NULL, data {T} NOT NULL,
            PRIMARY KEY (kind, id))""",
        f"""CREATE TABLE IF NOT EXISTS atlas_batches (
            batch {N} PRIMARY KEY, file {T} NOT NULL, source {T}, checksum {T} NOT NULL,
            params {T}, years {T}, versions {T}, n_values {N}, imported_at {T},
            status {T} NOT NULL CHECK (status IN ('aktiv', 'ersetzt')),
            replaced_by {N}, reason {T})""",
        f"""CREATE TABLE IF NOT EXISTS atlas_values (
            version {T} NOT NULL, area {T} NOT NULL, variable {T} NOT NULL, year {N} NOT NULL,
            value {R}, status {T}, source {T},
            batch {N} NOT NULL REFERENCES atlas_batches(batch),
            PRIMARY KEY (batch, version, area, variable, year))""",
        "CREATE INDEX IF NOT EXISTS atlas_values_year ON atlas_values (year, version)",
        f"""CREATE TABLE IF NOT EXISTS atlas_facilities (
            fid {S}, fac_id {T} NOT NULL, name {T}, category {T}, valid_from {T} NOT NULL,
            valid_to {T}, attrs {T}, geom {point_geom})""",
        f"""CREATE TABLE IF NOT EXISTS atlas_runs (
            run_id {T} PRIMARY KEY, created {T}, description {T}, params {T})""",
        f"""CREATE TABLE IF NOT EXISTS atlas_results (
            run_id {T} NOT NULL REFERENCES atlas_runs(run_id), kind {T} NOT NULL,
            version {T}, year {N}, area {T} NOT NULL, name {T} NOT NULL, value {R}, text {T},
            PRIMARY KEY (run_id, kind, area, name))""",
        f"""CREATE TABLE IF NOT EXISTS atlas_region_sets (
            set_name {T} NOT NULL, level {T} NOT NULL, member {T} NOT NULL, region {T} NOT NULL,
            region_name {T}, PRIMARY KEY (set_name, member))""",
        f"""CREATE TABLE IF NOT EXISTS atlas_measures (
            measure_id {T} PRIMARY KEY, name {T} NOT NULL, theme {T}, start_date {T} NOT NULL,
            end_date {T}, targets {T} NOT NULL, version {T} NOT NULL, description {T})""",
        f"""CREATE TABLE IF NOT EXISTS atlas_measure_areas (
            measure_id {T} NOT NULL REFERENCES atlas_measures(measure_id), version {T} NOT NULL,
            area {T} NOT NULL, PRIMARY KEY (measure_id, area))""",
        f"""CREATE TABLE IF NOT EXISTS atlas_measure_targets (
            measure_id {T} NOT NULL REFERENCES atlas_measures(measure_id), created {T} NOT NULL,
            seq {N} NOT NULL, indicator {T}, target_value {R}, target_date {T},
            status {T} NOT NULL, responsible {T}, PRIMARY KEY (measure_id, seq))""",
        f"""CREATE TABLE IF NOT EXISTS atlas_recommendations (
            revision {N} NOT NULL, unit {T} NOT NULL, key {T} NOT NULL, kind {T} NOT NULL,
            text {T} NOT NULL, source {T}, source_row {N}, created {T} NOT NULL,
            checksum {T} NOT NULL, PRIMARY KEY (revision, unit, key, kind))""",
    ]


def create_schema(b) -> None:
    """Create the schema (idempotent) and register the tables in a GeoPackage."""
    b.create_core()
    for stmt in ddl(b):
        b.execute(stmt)
    if b.kind == "gpkg":
        for table, desc in ATTRIBUTE_TABLES.items():
            b.register(table, "attributes", desc)
        for table, (desc, gtype) in FEATURE_TABLES.items():
            b.register(table, "features", desc, geom="geom", geom_type=gtype, srid=0)
    if b.scalar("SELECT value FROM atlas_meta WHERE key='schema_version'") is None:
        b.execute(
            "INSERT INTO atlas_meta (key, value) VALUES ('schema_version', ?)", (SCHEMA_VERSION,)
        )


def roles_sql(
    database: str = "sozialatlas",
    *,
    reader: str = "atlas_leser",
    writer: str = "atlas_schreiber",
    schema: str = "public",
) -> str:
    """SQL for the two group roles of a shared PostGIS atlas.

    ``reader`` (departments: youth welfare, schools, care …) may read everything;
    ``writer`` (the planning unit) may add versions, import batches, results and
    measures, but can neither drop tables nor delete values: a replaced batch stays
    in the atlas, marked ``ersetzt``. Run it as the database owner after the schema
    was created (first ``Atlas.open`` by the owner); people get login roles that are
    members of a group role. Passwords are set with ``\\password`` in psql and kept in
    ``~/.pgpass`` (or ``PGPASSWORD``) — never in a configuration file.
    """
    tables = (
        "atlas_meta, atlas_versions, atlas_areas, atlas_crosswalk, atlas_catalogue, atlas_batches, "
        "atlas_values, atlas_facilities, atlas_runs, atlas_results, atlas_region_sets, atlas_measures, "
        "atlas_measure_areas, atlas_measure_targets, atlas_recommendations"
    )
    return f"""-- Gruppenrollen (ohne Anmeldung) / group roles (no login)
CREATE ROLE {reader} NOLOGIN;
CREATE ROLE {writer} NOLOGIN;
GRANT CONNECT ON DATABASE {database} TO {reader}, {writer};
GRANT USAGE ON SCHEMA {schema} TO {reader}, {writer};
-- Lesen für alle Fachplanungen / read access for all departments
GRANT SELECT ON {tables} TO {reader}, {writer};
GRANT SELECT ON {schema}.spatial_ref_sys TO {reader}, {writer};
-- Schreiben für die Sozialplanung / write access for the planning unit
GRANT INSERT ON {tables} TO {writer};
GRANT UPDATE ON atlas_versions, atlas_batches TO {writer};
GRANT DELETE ON atlas_meta, atlas_catalogue, atlas_region_sets TO {writer};
GRANT USAGE ON ALL SEQUENCES IN SCHEMA {schema} TO {writer};
-- Personen / people (password: \\password in psql, then ~/.pgpass)
-- CREATE ROLE jugendamt_mueller LOGIN IN ROLE {reader};
-- CREATE ROLE sozialplanung_schulz LOGIN IN ROLE {writer};
"""
