"""The indicator catalogue stored in the atlas.

Functions take the open :class:`~sozialraum.atlas.Atlas` as first argument; the
``Atlas`` class offers them as its methods.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from sozialraum.atlas._common import (
    _json,
)


def set_catalogue(atlas, catalogue) -> None:
    """Store the indicator catalogue (a :class:`~sozialraum.io.Catalogue` or a path)."""
    from sozialraum.io import read_catalogue

    if isinstance(catalogue, (str, Path)):
        catalogue = read_catalogue(catalogue, lang=atlas.lang)
    b = atlas.backend
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
        atlas._set_meta(
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
    atlas._cache.pop("catalogue", None)


def catalogue(atlas):
    """The stored :class:`~sozialraum.io.Catalogue` (``None`` if none was stored)."""
    if "catalogue" in atlas._cache:
        return atlas._cache["catalogue"]
    from sozialraum.io import Catalogue

    meta = atlas._meta("catalogue")
    if meta is None:
        return None
    meta = json.loads(meta)
    df = atlas.backend.frame("SELECT kind, id, data FROM atlas_catalogue ORDER BY kind, position")
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
        f = f.astype({c: object for c in f.columns if f[c].dtype != float})
        if "dimension" in f.columns:  # no dimension: None, as the catalogue reader gives it
            f["dimension"] = f["dimension"].where(f["dimension"].notna(), None)
        frames[kind] = f
    cat = Catalogue(
        meta=meta["meta"],
        variables=frames["variable"],
        indicators=frames["indicator"],
        path=Path(meta["path"]) if meta.get("path") else None,
    )
    atlas._cache["catalogue"] = cat
    return cat
