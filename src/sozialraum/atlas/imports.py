"""Imports into the atlas: one validated table per batch, corrections, what changed.

Functions take the open :class:`~sozialraum.atlas.Atlas` as first argument; the
``Atlas`` class offers them as its methods.
"""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from sozialraum._i18n import t
from sozialraum.atlas._common import (
    _checksum,
    _json,
    _now,
)
from sozialraum.atlas.records import ImportResult
from sozialraum.errors import InputError, format_ids

_MSG = {
    "key_row": {"de": "{key} (Zeile {row})", "en": "{key} (row {row})"},
    "no_batch": {
        "de": "Lieferung {batch} gibt es nicht (vorhanden: {have}).",
        "en": "batch {batch} does not exist (present: {have}).",
    },
    "no_file": {"de": "{file}: Datei nicht gefunden.", "en": "{file}: file not found."},
    "no_year": {
        "de": "{file}: Das Jahr der Tabelle ist unbekannt; bitte year= / --jahr angeben.",
        "en": "{file}: the table's year is unknown; pass year= / --year.",
    },
    "not_finite": {
        "de": "{file}: Spalte {col!r}, Gebiet {key}: Wert {value} ist keine endliche Zahl. "
        "Nichts importiert.",
        "en": "{file}: column {col!r}, area {key}: value {value} is not a finite number. "
        "Nothing imported.",
    },
    "orphans": {
        "de": "{file}: {n} Zeile(n) mit Schlüsseln, die es im Gebietsstand {version!r} nicht gibt: "
        "{rows}. Nichts importiert; bitte die Schlüssel korrigieren (oder version= angeben).",
        "en": "{file}: {n} row(s) with keys not in area version {version!r}: {rows}. Nothing "
        "imported; correct the keys (or pass version=).",
    },
    "overlap": {
        "de": "{file}: {n} Werte liegen schon aus Lieferung {batches} vor (z. B. {ex}). Für eine "
        "korrigierte Lieferung bitte einen Grund angeben (reason= / --grund); die alte "
        "Lieferung wird dann als ersetzt markiert.",
        "en": "{file}: {n} values exist already from batch {batches} (e.g. {ex}). For a corrected "
        "file give a reason (reason= / --reason); the old batch is then marked as replaced.",
    },
    "no_known_columns": {
        "de": "{file}: Keine Spalte der Tabelle steht im Indikatorenkatalog. Nichts importiert; "
        'bitte die Spalten im Katalog Variablen zuordnen (headers = ["…"]).',
        "en": "{file}: no column of the table is in the indicator catalogue. Nothing imported; "
        'assign the columns to variables in the catalogue (headers = ["…"]).',
    },
}


def batches(atlas, *, all: bool = True) -> pd.DataFrame:  # noqa: A002 - readable keyword
    """Import batches (``all=False``: only the active ones)."""
    sql = (
        "SELECT batch, file, source, checksum, years, versions, n_values, imported_at, status, "
        "replaced_by, reason FROM atlas_batches"
    )
    if not all:
        sql += " WHERE status='aktiv'"
    df = atlas.backend.frame(sql + " ORDER BY batch")
    return df.set_index("batch")


def import_table(
    atlas,
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
    Nothing is written when any row has an unknown key, no column is in the
    catalogue, a value is not finite, or values of the same cells exist already from
    another active batch and no ``reason`` is given. Columns not in the catalogue
    are left out with a warning (add them to the catalogue or to ``[meta]
    ignorieren``); the join's warnings (restored keys, few areas matched) are shown,
    and the result lists the areas without data. The whole batch is written in
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
    L = atlas.lang
    path = Path(path)
    if not path.is_file():
        raise InputError(t(_MSG, "no_file", L, file=path), file=str(path))
    checksum = _checksum(path)
    # identity of a delivery: the file's bytes and which part of it (year, sheet, version);
    # reading options (key=, encoding= …) do not change what the file says
    params_json = _json({"year": year, "version": version, "sheet": sheet})
    done = _existing_batch(atlas, checksum, params_json)
    if done is not None:
        return done
    cat = atlas.catalogue()
    table = _read_checked(atlas, path, cat, year=year, sheet=sheet, key=key, **read_options)
    new, without = _long_values(atlas, table, path, cat, version=version, source=source)
    yrs = sorted({int(y) for y in table.years})
    vers = sorted(set(new["version"]))
    b = atlas.backend
    with b.transaction():
        if b.kind == "postgis":
            b.execute("LOCK TABLE atlas_batches IN SHARE ROW EXCLUSIVE MODE")
        replaced = _replaced_batches(atlas, new, yrs, reason, table, path)
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
        atlas._insert_values(new, batch)
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
        areas_without_data=without,
    )


def _existing_batch(atlas, checksum: str, params_json: str) -> ImportResult | None:
    """The active batch of the same delivery (same bytes and part), or None."""
    same = atlas.backend.frame(
        "SELECT batch, n_values, years, versions FROM atlas_batches WHERE checksum=? AND params=? "
        "AND status='aktiv' ORDER BY batch",
        (checksum, params_json),
    )
    if same.empty:
        return None
    r = same.iloc[-1]
    return ImportResult(
        batch=int(r["batch"]),
        created=False,
        n_values=int(r["n_values"]),
        checksum=checksum,
        years=tuple(json.loads(r["years"])),
        versions=tuple(json.loads(r["versions"])),
    )


def _read_checked(atlas, path: Path, cat, **options):
    """Read the table; refuse a table without year or without any column of the catalogue.

    Columns not in the catalogue are left out with the same warning as everywhere
    (:func:`sozialraum.io.catalogue.apply_catalogue`: add them to the catalogue or
    to ``[meta] ignorieren``).
    """
    from sozialraum.io.catalogue import read_catalogued_table

    L = atlas.lang
    table = read_catalogued_table(path, columns=cat, lang=L, **options)
    if not table.years:
        raise InputError(t(_MSG, "no_year", L, file=path.name), file=str(path))
    if cat is not None and not len(table.values.columns):
        raise InputError(t(_MSG, "no_known_columns", L, file=table.source), file=str(path))
    return table


def _variable_sources(cat) -> dict:
    """The catalogue's source text per variable (where one is given)."""
    if cat is None or "source" not in cat.variables:
        return {}
    return {k: v for k, v in cat.variables["source"].items() if isinstance(v, str) and v}


def _long_values(
    atlas, table, path: Path, cat, *, version, source
) -> tuple[pd.DataFrame, tuple[str, ...]]:
    """All values of the table in long form, each year joined to its area version, and the
    areas without a row (in any of the years)."""
    var_source = _variable_sources(cat)
    years = table.years
    parts = []
    without: set[str] = set()
    areas_of: dict[str, gpd.GeoDataFrame] = {}  # one read per area version, not per year
    for y in years:
        ty = table.for_year(y) if len(years) > 1 or table.year != y else table
        v = version or atlas.version_for(int(y))
        if v not in areas_of:
            areas_of[v] = atlas.areas(v)[["name", "geometry"]]
        long, missing = _year_values(atlas, ty, table.source, path, areas_of[v], v, int(y))
        without.update(missing)
        long["source"] = source or None
        if source is None:
            long["source"] = [var_source.get(x, table.source) for x in long["variable"]]
        parts.append(long)
    return pd.concat(parts, ignore_index=True), tuple(sorted(without))


def _year_values(
    atlas, ty, name: str, path: Path, areas, v: str, y: int
) -> tuple[pd.DataFrame, list[str]]:
    """One year's values joined to the areas of version ``v``: checked, in long form; and the
    areas without a row. The join's warnings (restored keys, few areas matched) are shown."""
    from sozialraum.join import join_table

    L = atlas.lang
    res = join_table(areas, ty, lang=L)
    _refuse_orphans(res.report.rows_without_area, name, path, v, L)
    cols = list(ty.values.columns)
    matched = res.report.matched
    vals = res.frame.loc[matched, cols].astype(float)
    st = res.status.loc[matched, cols].astype("string")
    arr = vals.to_numpy()
    if np.isinf(arr).any():
        i, j = np.argwhere(np.isinf(arr))[0]
        raise InputError(
            t(_MSG, "not_finite", L, file=name, col=cols[j], key=matched[i], value=arr[i, j]),
            file=str(path),
            column=cols[j],
            ids=[matched[i]],
        )
    long = pd.DataFrame(
        {
            "version": v,
            "area": np.repeat(np.asarray(matched, dtype=object), len(cols)),
            "variable": np.tile(np.asarray(cols, dtype=object), len(matched)),
            "year": y,
            "value": arr.reshape(-1),
            "status": st.to_numpy(dtype=object, na_value=None).reshape(-1),
        }
    )
    return long, [str(k) for k in res.report.areas_without_data]


def _refuse_orphans(orphans: pd.DataFrame, name: str, path: Path, v: str, L) -> None:
    """Refuse rows whose key is not an area of version ``v`` (naming key and row)."""
    if not len(orphans):
        return
    rows = [
        t(_MSG, "key_row", L, key=k, row=int(r)) if pd.notna(r) else str(k)
        for k, r in zip(orphans["key"], orphans["row"], strict=True)
    ]
    first_row = orphans["row"].iloc[0]
    raise InputError(
        t(_MSG, "orphans", L, file=name, n=len(orphans), version=v, rows=format_ids(rows)),
        file=str(path),
        row=int(first_row) if pd.notna(first_row) else None,
        ids=[str(k) for k in orphans["key"]],
    )


def _replaced_batches(atlas, new, yrs, reason, table, path: Path) -> tuple[int, ...]:
    """Active batches holding cells of ``new``; refused without a ``reason``."""
    ph = ",".join("?" * len(yrs))
    old = atlas.backend.frame(
        "SELECT v.batch, v.version, v.area, v.variable, v.year FROM atlas_values v "
        "JOIN atlas_batches bt ON bt.batch = v.batch "
        f"WHERE bt.status='aktiv' AND v.year IN ({ph})",
        tuple(yrs),
    )
    hit = old.merge(
        new[["version", "area", "variable", "year"]],
        on=["version", "area", "variable", "year"],
    )
    if not len(hit):
        return ()
    replaced = tuple(sorted(int(x) for x in hit["batch"].unique()))
    if not reason:
        ex = hit.iloc[0]
        raise InputError(
            t(
                _MSG,
                "overlap",
                atlas.lang,
                file=table.source,
                n=len(hit),
                batches=", ".join(map(str, replaced)),
                ex=f"{ex['area']}/{ex['variable']}/{int(ex['year'])}",
            ),
            file=str(path),
        )
    return replaced


def _insert_values(atlas, long: pd.DataFrame, batch: int, chunk: int = 2000) -> None:
    """Write value rows in chunks (inside the caller's transaction)."""
    cols = ["version", "area", "variable", "year", "value", "status", "source"]
    rows = [(*r, batch) for r in long[cols].itertuples(index=False, name=None)]
    for i in range(0, len(rows), chunk):
        atlas.backend.executemany(
            "INSERT INTO atlas_values (version, area, variable, year, value, status, source, batch) "
            "VALUES (?,?,?,?,?,?,?,?)",
            rows[i : i + chunk],
        )


def changes(atlas, old_batch: int, new_batch: int, *, tolerance: float = 0.0) -> pd.DataFrame:
    """What changed between two imports (e.g. a corrected file, or two years).

    Cells are matched on area version, area and variable (and year when both
    batches hold the same years). Returns one row per changed cell: ``area,
    variable, year_alt, year_neu, alt, neu, differenz, status_alt, status_neu,
    aenderung`` (``geaendert``, ``neu``, ``entfallen``).
    """
    have = atlas.batches()
    for bt in (old_batch, new_batch):
        if int(bt) not in have.index:
            raise InputError(
                t(
                    _MSG,
                    "no_batch",
                    atlas.lang,
                    batch=bt,
                    have=", ".join(map(str, have.index)) or "—",
                )
            )
    q = "SELECT version, area, variable, year, value, status FROM atlas_values WHERE batch=?"
    a = atlas.backend.frame(q, (int(old_batch),))
    b = atlas.backend.frame(q, (int(new_batch),))
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
