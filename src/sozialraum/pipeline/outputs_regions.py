"""Internal result files of region sets and the HzE monitor.

* ``intern/ergebnisse.gpkg``: one layer ``region_<set>`` per region set (dissolved
  geometries, rolled-up counts and rates, index and class) and ``gemeinden_index``;
* ``intern/regionen.xlsx``: the same tables;
* ``intern/hze.xlsx``: the HzE figures per year, level, unit and type of help
  (all values: internal only; the Sozialbericht chapter shows the protected view).
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd

from sozialraum.core.text import slugify
from sozialraum.pipeline.common import Files, labels_for

__all__ = ["region_files", "region_frames"]


def region_frames(state) -> dict[str, tuple[pd.DataFrame, pd.DataFrame]]:
    """Per region set (and ``gemeinden``): the rolled-up frame with index columns, and status."""
    out = {}
    for name, res in (state.regions or {}).items():
        fr = res.rollup.frame
        if res.index is not None:
            fr = fr.join(res.index.frame.add_prefix("region_" if name != "__gemeinden__" else ""))
        out["gemeinden" if name == "__gemeinden__" else name] = (fr, res.rollup.status)
    return out


def region_files(state, intern: Path) -> Files:
    """GeoPackage layers and Excel tables of the region sets; the HzE workbook."""
    from sozialraum.io import write_excel, write_gpkg

    files: Files = []
    frames = region_frames(state)
    if frames:
        sheets, status = {}, {}
        for name, (fr, st) in frames.items():
            layer = "gemeinden_index" if name == "gemeinden" else f"region_{slugify(name)}"
            if isinstance(fr, gpd.GeoDataFrame):
                write_gpkg(fr, intern / "ergebnisse.gpkg", layer=layer, status=st)
            sheets[name[:31]] = pd.DataFrame(fr.drop(columns="geometry", errors="ignore"))
            status[name[:31]] = st
        p = intern / "regionen.xlsx"
        write_excel(
            sheets,
            p,
            labels=labels_for(state),
            status=status,
            title=f"Regionen {state.config['projekt']['name']} {state.year}",
        )
        files.append(
            (
                p,
                "Regionen und Ämter: hochgerechnete Werte, Gesamtindex und Klasse je Region",
                "region sets: rolled-up values, overall index and class per region",
            )
        )
    if state.hze is not None:
        p = intern / "hze.xlsx"
        write_excel(
            {"Hilfen zur Erziehung": state.hze.figures},
            p,
            title=f"Hilfen zur Erziehung {state.config['projekt']['name']} (intern, alle Fallzahlen)",
        )
        files.append(
            (
                p,
                "Hilfen zur Erziehung: Fälle, Quoten, Dauer, Kosten je Jahr, Ebene und Hilfeart (intern)",
                "educational support: cases, rates, duration, costs per year, level and type (internal)",
            )
        )
    return files
