"""The join report: what matched, and everything that did not."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from sozialraum._i18n import t

__all__ = ["JoinReport"]

_MSG = {
    "title": {
        "de": "Verknüpfung: {source}",
        "en": "Join: {source}",
    },
    "summary": {
        "de": "{matched} von {n_areas} Gebieten mit Daten verknüpft; Tabelle: {n_rows} Zeilen.",
        "en": "{matched} of {n_areas} areas joined with data; table: {n_rows} rows.",
    },
    "restored": {
        "de": "Führende Nullen ergänzt bei {n} Schlüsseln (z. B. {examples}).",
        "en": "Leading zeros restored for {n} keys (e.g. {examples}).",
    },
    "no_data": {
        "de": "Gebiete ohne Daten ({n}): {ids}",
        "en": "Areas without data ({n}): {ids}",
    },
    "no_area": {
        "de": "Tabellenzeilen ohne Gebiet ({n}):",
        "en": "Table rows without an area ({n}):",
    },
    "row": {
        "de": "  Zeile {row}: Schlüssel {key!r}{name}{suggest}",
        "en": "  row {row}: key {key!r}{name}{suggest}",
    },
    "suggest": {
        "de": " – meinten Sie {cand!r}{cand_name}?",
        "en": " — did you mean {cand!r}{cand_name}?",
    },
    "names": {
        "de": "Namen weichen ab ({n}; Schlüssel gleich, z. B. umbenannte Gebiete):",
        "en": "Names differ ({n}; same key, e.g. renamed areas):",
    },
    "name_row": {
        "de": "  {key}: Tabelle {table!r}, Geometrien {areas!r}",
        "en": "  {key}: table {table!r}, geometries {areas!r}",
    },
    "text_cols": {
        "de": "Nicht als Merkmal gelesen (keine Zahlen, als Text mitgeführt): {cols}",
        "en": "Not read as variables (no numbers, kept as text): {cols}",
    },
    "totals": {
        "de": "Summenzeile(n) übergangen: Zeile {rows}",
        "en": "Total row(s) skipped: row {rows}",
    },
    "findings": {
        "de": "Auffällige Werte ({n}):",
        "en": "Implausible values ({n}):",
    },
    "all_ok": {
        "de": "Alle Gebiete und alle Tabellenzeilen passen zusammen.",
        "en": "All areas and all table rows match.",
    },
}


@dataclass(frozen=True)
class JoinReport:
    """What a join matched and what it did not.

    Attributes
    ----------
    source
        The table's source (file and sheet).
    n_areas, n_rows
        Number of areas and of table rows (for the year joined).
    matched
        Keys found in both.
    areas_without_data
        Area keys with no table row.
    rows_without_area
        Table rows whose key matches no area: columns ``key``, ``row`` (as in the
        file, if known), ``name``, ``suggestion`` (closest area key) and
        ``suggestion_name``.
    restored_keys
        Table keys that had lost their leading zeros: columns ``original``, ``restored``.
    name_differences
        Same key, different name: columns ``key``, ``table_name``, ``area_name``.
    text_columns
        Columns of the table that hold no numbers and were not read as variables.
    total_rows
        Source rows recognised as total rows and skipped.
    findings
        Plausibility findings of the table (messages; see
        :mod:`sozialraum.io.plausibility`).
    """

    source: str
    n_areas: int
    n_rows: int
    matched: list[str]
    areas_without_data: list[str]
    rows_without_area: pd.DataFrame
    restored_keys: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=["original", "restored"])
    )
    name_differences: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=["key", "table_name", "area_name"])
    )
    text_columns: tuple[str, ...] = ()
    total_rows: tuple[int, ...] = ()
    findings: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        """``True`` when every area has data and every row has an area."""
        return not self.areas_without_data and len(self.rows_without_area) == 0

    def to_frame(self) -> pd.DataFrame:
        """All keys with their join status (``verknuepft``, ``ohne_daten``, ``ohne_gebiet``)."""
        parts = [
            pd.DataFrame({"key": self.matched, "status": "verknuepft"}),
            pd.DataFrame({"key": self.areas_without_data, "status": "ohne_daten"}),
        ]
        if len(self.rows_without_area):
            extra = self.rows_without_area.copy()
            extra["status"] = "ohne_gebiet"
            parts.append(extra)
        return pd.concat(parts, ignore_index=True)

    def to_text(self, lang: str | None = None, limit: int = 30) -> str:
        """A readable report (German by default)."""
        lines = [
            t(_MSG, "title", lang, source=self.source),
            t(
                _MSG,
                "summary",
                lang,
                matched=len(self.matched),
                n_areas=self.n_areas,
                n_rows=self.n_rows,
            ),
        ]
        if len(self.restored_keys):
            ex = ", ".join(
                f"{o} → {r}" for o, r in self.restored_keys.head(3).itertuples(index=False)
            )
            lines.append(t(_MSG, "restored", lang, n=len(self.restored_keys), examples=ex))
        if self.areas_without_data:
            ids = ", ".join(self.areas_without_data[:limit])
            if len(self.areas_without_data) > limit:
                ids += f", … (+{len(self.areas_without_data) - limit})"
            lines.append(t(_MSG, "no_data", lang, n=len(self.areas_without_data), ids=ids))
        if len(self.rows_without_area):
            lines.append(t(_MSG, "no_area", lang, n=len(self.rows_without_area)))
            for r in self.rows_without_area.head(limit).itertuples(index=False):
                name = f" ({r.name})" if isinstance(r.name, str) and r.name else ""
                suggest = ""
                if isinstance(r.suggestion, str) and r.suggestion:
                    cand_name = (
                        f" ({r.suggestion_name})"
                        if isinstance(r.suggestion_name, str) and r.suggestion_name
                        else ""
                    )
                    suggest = t(_MSG, "suggest", lang, cand=r.suggestion, cand_name=cand_name)
                row = r.row if pd.notna(r.row) else "?"
                lines.append(t(_MSG, "row", lang, row=row, key=r.key, name=name, suggest=suggest))
        if len(self.name_differences):
            lines.append(t(_MSG, "names", lang, n=len(self.name_differences)))
            for r in self.name_differences.head(limit).itertuples(index=False):
                lines.append(
                    t(_MSG, "name_row", lang, key=r.key, table=r.table_name, areas=r.area_name)
                )
        if self.text_columns:
            cols = ", ".join(repr(c) for c in self.text_columns)
            lines.append(t(_MSG, "text_cols", lang, cols=cols))
        if self.total_rows:
            lines.append(t(_MSG, "totals", lang, rows=", ".join(map(str, self.total_rows))))
        if self.findings:
            lines.append(t(_MSG, "findings", lang, n=len(self.findings)))
            lines += [f"  {f}" for f in self.findings[:limit]]
        quiet = not (len(self.name_differences) or self.text_columns or self.findings)
        if self.ok and quiet:
            lines.append(t(_MSG, "all_ok", lang))
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.to_text()
