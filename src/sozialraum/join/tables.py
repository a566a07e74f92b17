"""Joining indicator tables to planning-area geometries."""

from __future__ import annotations

import difflib
import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd

from sozialraum._i18n import t
from sozialraum.core.doors import knob
from sozialraum.errors import JoinError, SozialraumWarning, format_ids
from sozialraum.io.keys import restore_leading_zeros, truncated_mask
from sozialraum.join.report import JoinReport

__all__ = ["JoinResult", "join_table", "join_tables"]

_MSG = {
    "multi_year": {
        "de": "{source}: Die Tabelle enthält mehrere Jahre ({years}); bitte {knob} angeben.",
        "en": "{source}: the table holds several years ({years}); set {knob}.",
    },
    "no_year": {
        "de": "{source}: Jahr {year} ist nicht in der Tabelle (vorhanden: {years}).",
        "en": "{source}: year {year} is not in the table (available: {years}).",
    },
    "dup": {
        "de": "{source}: Schlüssel mehrfach in der Tabelle: {ids}. Jede Zeile muss ein Gebiet "
        "eindeutig bezeichnen.",
        "en": "{source}: keys occur more than once in the table: {ids}. Each row must name one "
        "area.",
    },
    "nothing": {
        "de": "{source}: Kein einziger Schlüssel der Tabelle passt zu den {n} Gebieten "
        "(Tabelle z. B. {tkeys}; Gebiete z. B. {akeys}). Gehört die Tabelle zu einem anderen "
        "Kreis oder einer anderen Gebietsebene? Ist die richtige Schlüsselspalte gewählt?",
        "en": "{source}: not a single table key matches the {n} areas (table e.g. {tkeys}; "
        "areas e.g. {akeys}). Is the table from another district or another area level? Is "
        "the right key column chosen?",
    },
    "few": {
        "de": "{source}: Nur {matched} von {n} Gebieten haben Daten. Details im Verknüpfungsbericht.",
        "en": "{source}: only {matched} of {n} areas have data. See the join report.",
    },
    "strict": {
        "de": "Verknüpfung mit strict=True abgebrochen, weil nicht alles passt:\n{report}",
        "en": "Join with strict=True stopped because not everything matches:\n{report}",
    },
    "collision": {
        "de": "Spalte {col!r} kommt in {a} und in {b} vor; bitte eine davon umbenennen "
        "(IndicatorTable.rename).",
        "en": "Column {col!r} occurs in {a} and in {b}; rename one of them "
        "(IndicatorTable.rename).",
    },
    "geometries": {"de": "den Geometrien", "en": "the geometries"},
    "restored_warn": {
        "de": "{source}: Bei {n} Schlüsseln fehlten führende Nullen; ergänzt (z. B. {ex}).",
        "en": "{source}: {n} keys had lost their leading zeros; restored (e.g. {ex}).",
    },
}


@dataclass(frozen=True)
class JoinResult:
    """Areas with the table's values, the values' status codes, and the report.

    Attributes
    ----------
    frame
        The areas (all of them, same index) with the table's indicator columns added.
    status
        Status codes of the added columns (``<NA>`` = plain value, ``keine_daten``
        where the area had no table row), aligned with ``frame``.
    report
        The :class:`JoinReport` (or a list of them for :func:`join_tables`).
    """

    frame: gpd.GeoDataFrame
    status: pd.DataFrame
    report: JoinReport | list[JoinReport]


def _select_year(table, year: int | None, lang: str | None):
    values = table.values
    if isinstance(values.index, pd.MultiIndex):
        years = sorted(values.index.get_level_values("year").unique())
        if year is None:
            if len(years) > 1:
                raise JoinError(
                    t(
                        _MSG,
                        "multi_year",
                        lang,
                        source=table.source,
                        years=", ".join(map(str, years)),
                        knob=knob("year", lang),
                    ),
                    file=table.source,
                )
            year = years[0]
        if year not in years:
            raise JoinError(
                t(
                    _MSG,
                    "no_year",
                    lang,
                    source=table.source,
                    year=year,
                    years=", ".join(map(str, years)),
                ),
                file=table.source,
            )
        return table.for_year(year)
    return table


def _row_numbers(table, keys: Sequence[str]) -> list[object]:
    rows = table.meta.get("rows") if isinstance(table.meta, dict) else None
    if isinstance(rows, (pd.Series, dict)):
        return [rows.get(k, np.nan) for k in keys]
    return [np.nan] * len(keys)


def _restore_zeros(keys: pd.Index, area_keys: pd.Index) -> tuple[pd.Index, pd.DataFrame]:
    """Pad all-digit table keys to the (single) width of all-digit area keys."""
    empty = pd.DataFrame(columns=["original", "restored"])
    a = pd.Series(area_keys.astype(str))
    if not len(a) or not a.str.fullmatch(r"\d+").all():
        return keys, empty
    widths = a.str.len().unique()
    if len(widths) != 1:
        return keys, empty
    width = int(widths[0])
    s = pd.Series(keys.astype(str))
    fix = truncated_mask(s, width)
    if not fix.any():
        return keys, empty
    padded = restore_leading_zeros(s, width)
    # only restore where the padded key is an area key (a true lost zero, not a typo)
    valid = fix & padded.isin(set(a))
    restored = s.where(~valid, padded)
    log = pd.DataFrame({"original": s[valid].to_numpy(), "restored": restored[valid].to_numpy()})
    return pd.Index(restored, name=keys.name), log


def join_table(
    areas: gpd.GeoDataFrame,
    table,
    *,
    year: int | None = None,
    strict: bool = False,
    area_names: str | None = None,
    restore_zeros: bool = True,
    min_share: float = 0.5,
    lang: str | None = None,
) -> JoinResult:
    """Join one indicator table to the planning areas.

    Every area is kept (left join on the area key). Nothing is dropped silently:
    areas without a table row and table rows without an area are listed in the
    :class:`JoinReport`, the latter with the closest area key as a suggestion for
    typos. Keys that lost their leading zeros (numbers in Excel) are restored when
    all area keys are digits of one width and the padded key exists.

    Parameters
    ----------
    areas
        Areas indexed by their key (text), e.g. from :func:`sozialraum.io.read_areas`.
    table
        An :class:`~sozialraum.io.IndicatorTable`.
    year
        Year to join from a multi-year table (required when it holds several).
    strict
        Raise :class:`~sozialraum.errors.JoinError` on any mismatch.
    area_names
        Column of ``areas`` with names, to report names that differ (renamed areas).
    restore_zeros
        Restore lost leading zeros (reported).
    min_share
        Warn when fewer than this share of areas get data.
    lang
        Message language.

    Returns
    -------
    JoinResult

    Raises
    ------
    JoinError
        Duplicate keys in the table, no key matching at all (wrong table or key
        column), several years without ``year=``, or any mismatch with ``strict=True``.
    """
    table = _select_year(table, year, lang)
    values, status, keys, log, names = _table_keys(table, areas, restore_zeros, lang)
    area_keys = pd.Index(areas.index.astype(str))
    in_areas = keys.isin(area_keys)
    key_set = set(keys)
    matched = [k for k in area_keys if k in key_set]
    if len(keys) and not in_areas.any():
        raise JoinError(
            t(
                _MSG,
                "nothing",
                lang,
                source=table.source,
                n=len(area_keys),
                tkeys=format_ids(list(keys[:3])),
                akeys=format_ids(list(area_keys[:3])),
            ),
            file=table.source,
        )
    without_data = [k for k in area_keys if k not in key_set]
    area_name_map = areas[area_names].astype(str) if area_names and area_names in areas else None
    report = JoinReport(
        source=table.source,
        n_areas=len(area_keys),
        n_rows=len(keys),
        matched=matched,
        areas_without_data=without_data,
        rows_without_area=_orphans(
            table, list(keys[~in_areas]), without_data or list(area_keys), names, area_name_map
        ),
        restored_keys=log,
        name_differences=_name_differences(names, area_name_map, matched),
        **_reading_notes(table),
    )
    if strict and not report.ok:
        raise JoinError(t(_MSG, "strict", lang, report=report.to_text(lang)), file=table.source)
    if len(area_keys) and len(matched) / len(area_keys) < min_share:
        warnings.warn(
            t(_MSG, "few", lang, source=table.source, matched=len(matched), n=len(area_keys)),
            SozialraumWarning,
            stacklevel=2,
        )
    add = values.reindex(area_keys)
    add.index = areas.index
    st = status.reindex(area_keys).astype("string")
    st.index = areas.index
    if without_data:
        st.loc[areas.index.astype(str).isin(without_data), :] = "keine_daten"
    clash = [c for c in add.columns if c in areas.columns]
    if clash:
        raise JoinError(
            t(_MSG, "collision", lang, col=clash[0], a=t(_MSG, "geometries", lang), b=table.source),
            file=table.source,
            column=clash[0],
        )
    return JoinResult(frame=areas.join(add), status=st, report=report)


def _reading_notes(table) -> dict:
    """What the reader did not take as values: text columns, total rows, findings."""
    meta = getattr(table, "meta", None) or {}
    text = meta.get("text_columns")
    cols = [str(c) for c in text.columns] if text is not None else []
    cols += [str(c) for c in meta.get("ignored_columns") or ()]
    return {
        "text_columns": tuple(cols),
        "total_rows": tuple(int(d["row"]) for d in meta.get("total_rows") or ()),
        "findings": tuple(f.message for f in meta.get("plausibility") or ()),
    }


def _table_keys(table, areas, restore_zeros: bool, lang):
    """The table's values and status under text keys (lost zeros restored, warned); names."""
    values = table.values.copy()
    status = table.status.copy()
    keys = pd.Index(values.index.astype(str), name=values.index.name)
    log = pd.DataFrame(columns=["original", "restored"])
    if restore_zeros:
        keys, log = _restore_zeros(keys, areas.index)
        if len(log):
            ex = ", ".join(f"{o} → {r}" for o, r in log.head(3).itertuples(index=False))
            warnings.warn(
                t(_MSG, "restored_warn", lang, source=table.source, n=len(log), ex=ex),
                SozialraumWarning,
                stacklevel=3,
            )
    values.index = keys
    status.index = keys
    names = None
    if getattr(table, "names", None) is not None:
        names = pd.Series(table.names.to_numpy(), index=keys)
    dup = keys[keys.duplicated()]
    if len(dup):
        raise JoinError(
            t(_MSG, "dup", lang, source=table.source, ids=format_ids(sorted(set(dup)))),
            file=table.source,
            ids=sorted(set(dup)),
        )
    return values, status, keys, log, names


def _orphans(table, orphan_keys: list, pool: list, names, area_name_map) -> pd.DataFrame:
    """Table rows without an area, each with the closest area key (or same name) as a hint."""
    suggestions, suggestion_names = [], []
    for k in orphan_keys:
        cand = difflib.get_close_matches(k, pool, n=1, cutoff=0.6)
        if not cand and names is not None and area_name_map is not None:
            nm = str(names.get(k, ""))
            by_name = area_name_map[area_name_map == nm]
            cand = list(by_name.index[:1])
        suggestions.append(cand[0] if cand else None)
        suggestion_names.append(
            area_name_map.get(cand[0]) if cand and area_name_map is not None else None
        )
    return pd.DataFrame(
        {
            "key": orphan_keys,
            "row": _row_numbers(table, orphan_keys),
            "name": [names.get(k) if names is not None else None for k in orphan_keys],
            "suggestion": suggestions,
            "suggestion_name": suggestion_names,
        }
    )


def _name_differences(names, area_name_map, matched: list) -> pd.DataFrame:
    """Matched keys whose name in the table differs from the area's name."""
    if names is None or area_name_map is None or not matched:
        return pd.DataFrame(columns=["key", "table_name", "area_name"])
    tn = names.reindex(matched).astype(str)
    an = area_name_map.reindex(matched)
    differs = (tn.str.strip() != an.str.strip()) & names.reindex(matched).notna()
    return pd.DataFrame(
        {
            "key": tn.index[differs],
            "table_name": tn[differs].to_numpy(),
            "area_name": an[differs].to_numpy(),
        }
    )


def join_tables(
    areas: gpd.GeoDataFrame,
    tables: Sequence,
    *,
    year: int | None = None,
    strict: bool = False,
    area_names: str | None = None,
    lang: str | None = None,
) -> JoinResult:
    """Join several tables (e.g. the statistics office's and the job centre's) in turn.

    A column that occurs in two tables is an error naming both sources. The result's
    ``report`` is the list of the single reports.
    """
    frame = areas
    statuses: list[pd.DataFrame] = []
    reports: list[JoinReport] = []
    origin: dict[str, str] = {}
    for table in tables:
        for col in table.values.columns:
            if col in origin:
                raise JoinError(
                    t(_MSG, "collision", lang, col=col, a=origin[col], b=table.source),
                    file=table.source,
                    column=col,
                )
            origin[col] = table.source
        res = join_table(frame, table, year=year, strict=strict, area_names=area_names, lang=lang)
        frame = res.frame
        statuses.append(res.status)
        reports.append(res.report)
    status = pd.concat(statuses, axis=1) if statuses else pd.DataFrame(index=areas.index)
    return JoinResult(frame=frame, status=status, report=reports)
