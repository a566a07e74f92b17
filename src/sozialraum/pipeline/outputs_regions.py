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
import numpy as np
import pandas as pd

from sozialraum.core.text import slugify
from sozialraum.pipeline.common import Files, labels_for, once_per_run, run_monitor_params

__all__ = [
    "region_files",
    "region_frames",
    "release_region_frames",
    "region_layer_name",
    "package_region_layers",
]


def region_layer_name(name: str) -> str:
    """The GeoPackage layer of a region set (``region_<set>``; ``gemeinden_index``)."""
    return (
        "gemeinden_index" if name in ("gemeinden", "__gemeinden__") else f"region_{slugify(name)}"
    )


def region_frames(state) -> dict[str, tuple[pd.DataFrame, pd.DataFrame]]:
    """Per region set (and ``gemeinden``): the rolled-up frame with index columns, and status."""
    out = {}
    for name, res in (state.regions or {}).items():
        fr = res.rollup.frame
        if res.index is not None:
            fr = fr.join(res.index.frame)
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
            layer = region_layer_name(name)
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
    """``regionen.csv`` of a release package and a layer per region set in its GeoPackage.

    The CSV lists every region set with its members, the overall index (``kommunal``)
    and the class as the package's region layers show them (:func:`release_region_frames`: the
    index rounded like every index outside ``intern`` and withheld where one of its
    rates is withheld; the class public at every level).
    """
    from sozialraum.privacy.package import write_csv

    if release.level == "intern" or not any(
        v.set is not None for v in (state.regions or {}).values()
    ):
        return []
    frames = release_region_frames(state, release)
    package_region_layers(state, pkg, release, frames)
    rows = []
    for name, (fr, _st) in frames.items():
        for region in fr.index:
            v = fr.at[region, "idx_gesamt"] if "idx_gesamt" in fr.columns else None
            cls = fr.at[region, "idx_gesamt_klasse"] if "idx_gesamt_klasse" in fr.columns else None
            row = {
                "Regionszuordnung": name,
                "Region": fr.at[region, "region_name"],
                "Mitglieder": fr.at[region, "mitglieder"],
            }
            if "idx_gesamt" in fr.columns:  # not in the public package (the class only)
                row["Gesamtindex"] = float(v) if pd.notna(v) else None
            row["Klasse"] = cls if isinstance(cls, str) else ""
            rows.append(row)
    frame = pd.DataFrame(rows).set_index("Regionszuordnung")
    p = write_csv(frame, pkg / "regionen.csv")
    return [
        (
            p,
            "Regionen (Ämter, LEADER-Regionen): Mitglieder, Gesamtindex und Klasse",
            "region sets: members, overall index and class",
        )
    ]


# --------------------------------------------------------------------------- release packages


def _member_names(state, rs) -> dict[str, str]:
    """Region key → the names of its members (municipalities or planning areas)."""
    if rs.level == "gemeinde":
        names = (state.topics.get("regionen") or {}).get("names") or {}
    else:
        col = state.config["gebiete"]["name"]
        names = state.areas[col].astype(str).to_dict() if col in state.areas.columns else {}
    out: dict[str, list[str]] = {}
    for m, r in rs.members.items():
        out.setdefault(str(r), []).append(str(names.get(m, m)))
    return {r: ", ".join(v) for r, v in out.items()}


def _rolled_columns(fr: pd.DataFrame, internal: pd.DataFrame, catalogue):
    """Count columns to sum and the indicators to recompute from them (those fully present)."""
    ind = catalogue.indicators
    cols = [
        c
        for c in fr.columns
        if c in internal.columns
        and c not in ind.index
        and c not in ("geometry", "n_gebiete")
        and pd.api.types.is_numeric_dtype(fr[c])
        and not pd.api.types.is_bool_dtype(fr[c])
    ]
    parts = ("numerator", "denominator")
    ok = [
        i
        for i, row in ind.iterrows()
        if i in fr.columns
        and all(not isinstance(row.get(p), str) or row.get(p) in cols for p in parts)
    ]
    return cols, ind.loc[ok]


def _withhold_secret(out: pd.DataFrame, st: pd.DataFrame) -> None:
    """Blank every region cell whose roll-up status is secret (a sum with a withheld part)."""
    from sozialraum.core.status import secret_mask

    have = [c for c in st.columns if c in out.columns]
    secret = secret_mask(st[have]).to_numpy(dtype=bool) if have else None
    for j, c in enumerate(have):
        sec = secret[:, j]
        if sec.any():
            vals = pd.to_numeric(out[c], errors="coerce").astype(float).to_numpy().copy()
            vals[sec] = np.nan
            out[c] = vals


def _small_inputs(res, ins, threshold: int, catalogue, memo: dict | None = None) -> np.ndarray:
    """Regions where an input rate of an index rests on a small or secret count (internal).

    A region's sum over a member that is secret at source is the sum of the known parts
    (``teilsumme_geheim``): it tells nothing about the secret part, so it does not
    withhold the index (the monitor's index of the region uses it too). ``memo`` keeps
    the per-column masks between the indices of one region set.
    """
    from sozialraum.core.status import secret_mask
    from sozialraum.privacy import rate_columns

    fr, st = res.rollup.frame, res.rollup.status
    memo = {} if memo is None else memo
    if "parts" not in memo:
        memo["parts"] = rate_columns(fr, catalogue)
        have = [c for c in st.columns if c in fr.columns]
        code = st[have].reindex(fr.index).astype("string")
        secret = secret_mask(code).to_numpy(dtype=bool)
        partial = code.to_numpy(dtype=object, na_value=None) == "teilsumme_geheim"
        memo["secret"] = dict(zip(have, (secret & ~partial).T, strict=True))
    parts = memo["parts"]
    hide = np.zeros(len(fr), dtype=bool)
    for i in ins:
        for c in (i, *parts.get(i, (None, None))):
            if c is None or c not in fr.columns:
                continue
            if c != i:
                v = pd.to_numeric(fr[c], errors="coerce").abs().to_numpy(dtype=float)
                hide |= (v >= 1) & (v <= threshold)
            if c in memo["secret"]:  # a partial sum (known parts only) gives no secret part away
                hide |= memo["secret"][c]
    return hide


def _region_index(state, res, out, st, release) -> None:
    """Index and class of the regions as this release may show them (in place).

    The areas' derived-value rule of :func:`sozialraum.privacy.make_release`, applied
    to the region itself: an index is withheld where one of its rates rests on a count
    of the region that would be suppressed (1 … threshold, or secret at source), and
    a dimension index with fewer than ``mindest_indikatoren`` indicators everywhere;
    the rest is rounded to ``[freigabe] index_nachkommastellen`` (a coarse composite of
    many rates, as the areas' indices). The public package shows the class only (as
    the municipalities' index, which it does not show either); the class is public at
    every level.
    """
    from sozialraum.privacy import index_inputs

    if res.index is None:
        return
    idx = res.index.frame.reindex(out.index)
    params = run_monitor_params(state)
    inputs = index_inputs(release.catalogue, params)
    pol = release.policy
    memo: dict = {}
    for col in idx.columns:
        if col.endswith("_klasse"):
            out[col] = idx[col].astype(object).where(idx[col].notna(), None)
            continue
        if release.level == "oeffentlich":  # as for the municipalities: the class only
            continue
        ins = inputs.get(col) or ()
        if not ins or len(ins) < pol.min_indicators:
            hide = np.ones(len(out), dtype=bool)
        else:
            small = _small_inputs(res, ins, pol.threshold, state.catalogue, memo)
            hide = pd.Series(small, index=res.rollup.frame.index).reindex(out.index).to_numpy()
        vals = pd.to_numeric(idx[col], errors="coerce").astype(float).round(pol.index_decimals)
        out[col] = vals.mask(hide).to_numpy()
        st[col] = pd.Series(pd.NA, index=st.index, dtype="string").mask(
            hide & vals.notna().to_numpy(), "geheim"
        )


def _release_region(state, name: str, res, release):
    """One region set rolled up from the released values of its members (see below)."""
    from sozialraum.join.rollup import rollup
    from sozialraum.privacy.levels import public_status

    rs = res.set
    internal = res.rollup.frame
    kind = "gemeinden" if rs.level == "gemeinde" else "areas"
    fr, fst = release.frame(kind), release.status(kind)
    fr.index = fr.index.astype(str)
    if fst is not None:
        fst.index = fst.index.astype(str)
    cols, ind = _rolled_columns(fr, internal, state.catalogue)
    keys = pd.Series(fr.index.map(rs.members), index=fr.index)
    rolled = rollup(
        pd.DataFrame(fr[cols]),
        by=keys,
        columns=cols,
        status=None if fst is None else fst.reindex(columns=cols),
        catalogue=ind,
        geometry=False,
        lang=state.lang,
        level=rs.name,
    )
    out = rolled.frame.drop(columns="n_gebiete").reindex(internal.index)
    st = rolled.status.reindex(index=out.index, columns=out.columns).astype("string")
    _withhold_secret(out, st)
    st = public_status(st)
    out = out[[c for c in out.columns if c in fr.columns]]  # only what the members show
    st = st[out.columns]
    _region_index(state, res, out, st, release)
    members = _member_names(state, rs)
    head = pd.DataFrame(
        {
            "region_name": [rs.region_name(k) for k in out.index],
            "mitglieder": [members.get(str(k), "") for k in out.index],
            "n_gebiete": internal["n_gebiete"].reindex(out.index).to_numpy(),
        },
        index=out.index,
    )
    frame = gpd.GeoDataFrame(
        head.join(out), geometry=internal.geometry.reindex(out.index), crs=internal.crs
    )
    frame.index.name = "region"
    st.index.name = "region"
    return frame, st


def release_region_frames(state, release) -> dict[str, tuple[gpd.GeoDataFrame, pd.DataFrame]]:
    """Per region set: the regions as one checked release may show them.

    A region's counts are the sums of its members' values *as this release shows
    them* (municipalities for a set of municipalities, planning areas for a set of
    areas), with the one roll-up rule (rates recomputed from the summed counts). A
    sum with a member that this release withholds is withheld too (``geheim``). So
    every published region value is a sum of values published beside it in the same
    package: a region adds no equation an attacker could use against its members
    (the differencing attack region − members finds nothing new), and a package
    never shows a region value that another package's reader could not compute from
    that package alone. Index and class: :func:`_region_index`. Columns: what the
    members' layer of the release shows.

    Computed once per release and run (kept in ``state.history``; the package's region
    layers, its ``regionen.csv`` and its reports share it); each call gets copies.
    """
    outs = {k: v for k, v in (state.regions or {}).items() if v.set is not None}
    if release.level == "intern":
        return {k: v for k, v in region_frames(state).items() if k != "gemeinden"}
    kept = once_per_run(  # the package's reports and its region file share them
        state,
        ("regionen", release.level, release.ags),
        lambda: {name: _release_region(state, name, res, release) for name, res in outs.items()},
        owner=release,
    )
    return {name: (fr.copy(), st.copy()) for name, (fr, st) in kept.items()}


def package_region_layers(state, pkg: Path, release, frames=None) -> Files:
    """Write a layer ``region_<set>`` per region set into the package's GeoPackage."""
    from sozialraum.io import write_gpkg

    frames = release_region_frames(state, release) if frames is None else frames
    path = pkg / f"{release.name}_{release.package}.gpkg"
    if not frames or not path.exists():
        return []
    for name, (fr, st) in frames.items():
        write_gpkg(fr, path, layer=region_layer_name(name), status=st)
    return []  # the GeoPackage itself is already listed by the package


def _class_colors(state) -> dict[str, str]:
    """Class label → colour of the regions' overall index classes (the need ramp)."""
    from sozialraum.core.classify import classify
    from sozialraum.core.palettes import class_colors

    bins = ((run_monitor_params(state) or {}).get("classification") or {}).get("bins")
    if bins is None or len(bins) < 2:
        return {}
    breaks = [float(b) for b in list(bins)[1:-1]]
    mids = [(a + b) / 2 for a, b in zip(breaks, breaks[1:], strict=False)]
    probe = pd.Series([breaks[0] - 1.0, *mids, breaks[-1] + 1.0], dtype=float)  # one per class
    labels = classify(probe, breaks=breaks, verbal=True, lang=state.lang).labels
    order = list(dict.fromkeys(str(v) for v in labels))
    return dict(zip(order, class_colors(len(order), "need"), strict=False))


def region_overlays(state) -> list:
    """The web map layers of the region sets (:class:`~sozialraum.webmap.RegionOverlay`).

    One switchable layer per set: the regions' borders dissolved from their member
    areas, filled in the colour of the region's class, with a tooltip naming the
    region, its class and its members. Names and classes only (public at every level).
    """
    from sozialraum.webmap import RegionOverlay

    colors = _class_colors(state)
    out = []
    de = state.lang != "en"
    for name, res in (state.regions or {}).items():
        rs = res.set
        if rs is None:
            continue
        internal = res.rollup.frame
        members = _member_names(state, rs)
        idx = res.index.frame if res.index is not None else pd.DataFrame(index=internal.index)
        cls = idx["idx_gesamt_klasse"] if "idx_gesamt_klasse" in idx.columns else None
        frame = gpd.GeoDataFrame(
            {
                "name": [rs.region_name(k) for k in internal.index],
                "members": [members.get(str(k), "") for k in internal.index],
                "cls": [
                    (cls.get(k) if cls is not None and isinstance(cls.get(k), str) else "")
                    for k in internal.index
                ],
            },
            geometry=internal.geometry.to_numpy(),
            crs=internal.crs,
            index=internal.index,
        )
        title = f"{name}: Grenzen und Klasse" if de else f"{name}: borders and class"
        out.append(RegionOverlay(title=title, frame=frame, colors=colors))
    return out
