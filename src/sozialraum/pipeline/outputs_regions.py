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


#: Colours of the regions of a set on the web map (qualitative, colour-blind safe).
REGION_COLORS = ("#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#a6761d")


def map_extras(state, frame):
    """What the web map adds for the planning topics.

    Returns ``(frame, layers, facility_columns)``: a copy of ``frame`` with one column
    ``region_<set>`` (the region's name) per region set, a category layer per set (the
    regions' membership is public at every level; no figures), and the popup rows of
    the facility points (theme and target group of the offer inventory).
    """
    from sozialraum.join.regions import region_of_areas
    from sozialraum.webmap import CategoryLayer

    layers = []
    gcol = state.config["gebiete"]["gemeinde_spalte"]
    for name, res in (state.regions or {}).items():
        rs = res.set
        if rs is None:
            continue
        col = f"region_{slugify(name)}"
        frame = frame.copy()
        keys = region_of_areas(rs, state.areas, gemeinde_col=gcol, lang=state.lang)
        frame[col] = keys.map(rs.region_name).reindex(frame.index.astype(str)).to_numpy()
        cats = tuple(dict.fromkeys(rs.region_name(r) for r in rs.regions))
        layers.append(
            CategoryLayer(
                col,
                title=name,
                colors={c: REGION_COLORS[i % len(REGION_COLORS)] for i, c in enumerate(cats)},
                categories=cats,
                year=state.year,
            )
        )
    fac_cols = {}
    fac = state.facilities
    if fac is not None:
        de = state.lang != "en"
        for c, de_l, en_l in (
            ("thema", "Thema", "theme"),
            ("zielgruppe", "Zielgruppe", "target group"),
        ):
            if c in fac.columns:
                fac_cols[c] = de_l if de else en_l
    return frame, layers, fac_cols


def package_region_file(state, pkg: Path, release) -> Files:
    """``regionen.csv`` of a release package: every region set with its members and class.

    The class of a region is public at every level; the package of a municipality also
    shows the overall index, rounded like every index outside ``intern``
    (``[freigabe] index_nachkommastellen``). No counts and no rates: a region's sum
    would give away a municipality's count that the municipal table hides.
    """
    from sozialraum.privacy.package import write_csv

    outs = {k: v for k, v in (state.regions or {}).items() if v.set is not None}
    if not outs or release.level == "intern":
        return []
    names = (state.topics.get("regionen") or {}).get("names") or {}
    decimals = int(getattr(release.policy, "index_decimals", 1))
    rows = []
    for name, res in outs.items():
        rs = res.set
        idx = res.index.frame if res.index is not None else pd.DataFrame()
        members: dict[str, list[str]] = {}
        for m, r in rs.members.items():
            members.setdefault(r, []).append(str(names.get(m, m)))
        for region in rs.regions:
            row = {
                "Regionszuordnung": name,
                "Region": rs.region_name(region),
                "Mitglieder": ", ".join(members.get(region, [])),
            }
            if release.level == "kommunal" and "idx_gesamt" in idx.columns:
                v = idx["idx_gesamt"].get(region)
                row["Gesamtindex"] = round(float(v), decimals) if pd.notna(v) else None
            cls = (
                idx["idx_gesamt_klasse"].get(region) if "idx_gesamt_klasse" in idx.columns else None
            )
            row["Klasse"] = cls if isinstance(cls, str) else ""
            rows.append(row)
    frame = pd.DataFrame(rows).set_index("Regionszuordnung")
    p = write_csv(frame, pkg / "regionen.csv")
    return [
        (
            p,
            "Regionen (Ämter, LEADER-Regionen): Mitglieder und Klasse",
            "region sets: members and class",
        )
    ]
