"""Region sets (LEADER region, Mittelbereich …) and the roll-up of counts to them.

Functions take the open :class:`~sozialraum.atlas.Atlas` as first argument; the
``Atlas`` class offers them as its methods.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping

import pandas as pd

from sozialraum._i18n import t
from sozialraum.errors import InputError, SozialraumWarning, format_ids

_MSG = {
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
}


def add_region_set(
    atlas,
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
            t(_MSG, "region_cols", atlas.lang, name=name, need=need, have=list(df.columns))
        )
    df["member"] = df["member"].astype(str)
    df["region"] = df["region"].astype(str)
    dup = df.loc[df["member"].duplicated(), "member"].unique().tolist()
    if dup:
        raise InputError(t(_MSG, "region_dup", atlas.lang, name=name, ids=format_ids(dup)), ids=dup)
    if "region_name" not in df.columns:
        df["region_name"] = df["region"].map(dict(region_names or {}))
    b = atlas.backend
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


def region_sets(atlas) -> pd.DataFrame:
    """All region sets (``set_name, level, member, region, region_name``)."""
    return atlas.backend.frame(
        "SELECT set_name, level, member, region, region_name FROM atlas_region_sets ORDER BY set_name, region, member"
    )


def rollup_regions(atlas, name: str, year: int, *, version: str | None = None):
    """Sum the counts of a year per region of a set and recompute the rates.

    Uses :func:`sozialraum.join.rollup` (status rules: ``teilsumme_geheim`` …).
    Returns its :class:`~sozialraum.join.RollupResult` (index = region key, with
    ``region_name`` and dissolved geometries).
    """
    from sozialraum.join import rollup

    rs = atlas.region_sets()
    rs = rs[rs["set_name"] == name]
    if rs.empty:
        have = sorted(set(atlas.region_sets()["set_name"]))
        raise InputError(
            t(_MSG, "no_region_set", atlas.lang, name=name, have=", ".join(have) or "—")
        )
    sel = atlas.values(year, version=version)
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
                atlas.lang,
                name=name,
                version=sel.version,
                ids=format_ids(unknown),
            ),
            SozialraumWarning,
            stacklevel=2,
        )
    inside = region.notna()
    frame = sel.frame.loc[inside, [*sel.columns, "geometry"]]
    cat = atlas.catalogue()
    res = rollup(
        frame,
        by=region[inside],
        status=sel.status.loc[inside],
        catalogue=cat,
        lang=atlas.lang,
    )
    names = dict(zip(rs["region"], rs["region_name"], strict=True))
    res.frame.insert(0, "region_name", [names.get(k) for k in res.frame.index])
    res.frame.index.name = "region"
    return res
