"""Small pieces the run's steps and writers share: file lists, German headers, slugs.

Both the result writer (:mod:`sozialraum.pipeline.outputs`) and the presentation
writer (:mod:`sozialraum.pipeline.presentation`) import from here, never from each
other or from :mod:`sozialraum.pipeline.run`, so the pipeline's modules import each
other in one direction only: ``common`` ← ``outputs``/``presentation`` ← ``run``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

__all__ = ["Files", "labels_for", "slug", "without_unrated_index"]

Files = list[tuple[Path, str, str]]
"""Files a writer wrote: ``(path, German description, English description)``."""

# German headers of the monitor's columns and the area attributes (tables, Excel, packages)
_HEADERS = {
    "sr_name": "Sozialraum",
    "ags": "AGS",
    "gemeinde": "Gemeinde",
    "n_gebiete": "Anzahl Gebiete",
    "idx_gesamt": "Gesamtindex",
    "idx_gesamt_klasse": "Gesamtindex (Klasse)",
    "status_index": "Statusindex",
    "status_klasse": "Statusklasse",
    "dynamik_index": "Dynamikindex",
    "dynamik_klasse": "Dynamikklasse",
    "mss_gruppe": "Status/Dynamik-Gruppe",
    "typ": "Gebietstyp",
    "typ_beschreibung": "Gebietstyp (Beschreibung)",
    "bewertet": "bewertet",
    "grund": "Grund (nicht bewertet)",
}


def labels_for(state) -> dict[str, str]:
    """Column → German header (catalogue labels, monitor and LISA columns)."""
    cat = state.catalogue
    labels: dict[str, str] = {}
    labels.update(cat.variables["label"].dropna().to_dict())
    for k, row in cat.indicators.iterrows():
        unit = f" ({row['unit']})" if isinstance(row.get("unit"), str) and row["unit"] else ""
        labels[k] = f"{row['label']}{unit}"
    labels.update(_HEADERS)
    return labels


def slug(name: str) -> str:
    """File-name part of a name (the monitor's slug rule)."""
    from sozialraum.monitor import slugify

    return slugify(name)


def without_unrated_index(monitor_frame: pd.DataFrame) -> pd.DataFrame:
    """The monitor frame with no index values for areas not rated (too few inhabitants).

    Such areas keep only the class "nicht bewertet": in LISA/Gi* they are "kein Wert"
    (never part of a cluster), and no output shows an index for them.
    """
    if "bewertet" not in monitor_frame.columns:
        return monitor_frame
    rated = monitor_frame["bewertet"].astype(bool)
    idx = [
        c
        for c in monitor_frame.columns
        if (c.startswith("idx_") or c in ("status_index", "dynamik_index"))
        and monitor_frame[c].dtype.kind == "f"
    ]
    out = monitor_frame.copy()
    out.loc[~rated, idx] = np.nan
    return out
