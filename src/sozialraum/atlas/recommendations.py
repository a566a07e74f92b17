"""Recommendations and target agreements in the atlas, versioned.

Every import of a recommendations file (:func:`sozialraum.planning.read_recommendations`)
is stored as a new *revision* (Fassung) of the whole set, with the file name, its
rows and the time; earlier revisions stay. Re-storing the same texts is a no-op
that returns the existing revision. :func:`recommendations` gives the latest
revision (or any earlier one), so last year's recommendations can be compared with
this year's.
"""

from __future__ import annotations

import hashlib

import pandas as pd

from sozialraum.atlas._common import _now
from sozialraum.planning.recommendations import Recommendations

__all__ = ["add_recommendations", "recommendations", "recommendation_revisions"]


def _checksum(recs: Recommendations) -> str:
    f = recs.frame.sort_values(["ebene", "schluessel", "art"])
    text = "\x1e".join(
        "\x1f".join(map(str, r))
        for r in f[["ebene", "schluessel", "art", "text"]].itertuples(index=False)
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def add_recommendations(atlas, recs: Recommendations) -> int:
    """Store ``recs`` as a new revision; returns its number (the existing one if unchanged)."""
    b = atlas.backend
    checksum = _checksum(recs)
    last = b.scalar("SELECT max(revision) FROM atlas_recommendations")
    if last is not None:
        same = b.scalar(
            "SELECT checksum FROM atlas_recommendations WHERE revision=? LIMIT 1", (int(last),)
        )
        if same == checksum:
            return int(last)
    rev = int(last or 0) + 1
    now = _now()
    rows = [
        (rev, r.ebene, str(r.schluessel), r.art, r.text, recs.source, int(r.zeile), now, checksum)
        for r in recs.frame.itertuples(index=False)
    ]
    if not rows:  # an empty set is a revision too (all texts withdrawn)
        rows = [(rev, "", "", "", "", recs.source, 0, now, checksum)]
    with b.transaction():
        b.executemany(
            "INSERT INTO atlas_recommendations (revision, unit, key, kind, text, source, source_row, "
            "created, checksum) VALUES (?,?,?,?,?,?,?,?,?)",
            rows,
        )
    return rev


def recommendations(atlas, revision: int | None = None) -> Recommendations:
    """The texts of ``revision`` (default: the latest); empty when none was stored."""
    b = atlas.backend
    if revision is None:
        revision = b.scalar("SELECT max(revision) FROM atlas_recommendations")
    if revision is None:
        return Recommendations.empty()
    f = b.frame(
        "SELECT unit AS ebene, key AS schluessel, kind AS art, text, source_row AS zeile, source "
        "FROM atlas_recommendations WHERE revision=? AND unit <> '' ORDER BY source_row, kind",
        (int(revision),),
    )
    source = str(f["source"].iloc[0]) if len(f) else ""
    return Recommendations(f.drop(columns="source").reset_index(drop=True), source)


def recommendation_revisions(atlas) -> pd.DataFrame:
    """One row per revision: ``revision``, ``source``, ``created``, ``n_texts``."""
    return atlas.backend.frame(
        "SELECT revision, min(source) AS source, min(created) AS created, "
        "sum(CASE WHEN unit <> '' THEN 1 ELSE 0 END) AS n_texts FROM atlas_recommendations "
        "GROUP BY revision ORDER BY revision"
    ).set_index("revision")
