"""The last gate before release: the LP attack run on the packages as written.

:func:`audit_packages` reads the GeoPackage of every written package back from
disk (the bytes that will be handed out, not the frames they were made from) and
runs :func:`sozialraum.privacy.audit.audit_suppression` on them: the public package
is what everybody holds, each ``kommunal-<AGS>`` package is what that municipality
holds in addition. The yearly run refuses to publish when a suppressed count can be
narrowed below the protection width by any of these attackers.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd
import pyogrio

from sozialraum.privacy.audit import AuditResult, Protection, audit_suppression
from sozialraum.privacy.package import ReleaseData, package_name
from sozialraum.privacy.suppression import count_columns, protection_for

__all__ = ["audit_packages", "read_package_tables"]

_LAYER = {"areas": "sozialraeume", "gemeinden": "gemeinden", "kreis": "kreis"}


def _key_column(frame: pd.DataFrame, index: pd.Index) -> str | None:
    """The column of a read-back layer that holds the keys of ``index``."""
    if index.name is not None and index.name in frame.columns:
        return str(index.name)
    keys = set(index.astype(str))
    for c in frame.columns:
        if c == "geometry" or c.endswith("_status"):
            continue
        if frame[c].astype(str).isin(keys).mean() > 0.9:
            return str(c)
    return None


def read_package_tables(
    folder: Path, data: ReleaseData, columns: Sequence[str]
) -> tuple[dict[str, pd.DataFrame], dict[str, pd.DataFrame]]:
    """Values and status per level of a package, read back from its GeoPackage.

    Columns the package does not show come back as NaN with no status (unknown
    to the holder); keys are text and follow the internal index.
    """
    gpkgs = sorted(Path(folder).glob("*.gpkg"))
    layers = set(pyogrio.list_layers(gpkgs[0])[:, 0]) if gpkgs else set()
    values: dict[str, pd.DataFrame] = {}
    status: dict[str, pd.DataFrame] = {}
    for kind, (internal, _st) in data.frames().items():
        index = internal.index.astype(str)
        vals = pd.DataFrame(float("nan"), index=index, columns=list(columns))
        stat = pd.DataFrame(pd.NA, index=index, columns=list(columns), dtype="string")
        if _LAYER[kind] in layers:
            fr = pyogrio.read_dataframe(gpkgs[0], layer=_LAYER[kind], read_geometry=False)
            key = _key_column(fr, internal.index)
            if key is None and len(fr) == len(index) == 1:
                fr.index = index
            elif key is not None:
                fr.index = fr[key].astype(str)
            for c in columns:
                if c in fr.columns:
                    vals[c] = pd.to_numeric(fr[c], errors="coerce").reindex(index)
                if f"{c}_status" in fr.columns:
                    stat[c] = fr[f"{c}_status"].astype("string").reindex(index)
        values[kind], status[kind] = vals, stat
    return values, status


def audit_packages(
    folder: str | Path,
    data: ReleaseData,
    packages: Sequence[tuple[str, str | None]],
    *,
    threshold: int,
    protection: Protection | float | None = None,
    lang: str | None = None,
) -> AuditResult:
    """Attack the written packages of a run: the public one plus every municipal one.

    Parameters
    ----------
    folder
        The run's output folder holding ``oeffentlich/`` and ``kommunal-<AGS>/``.
    data
        The internal results the packages were cut from (keys, catalogue, relations).
    packages
        ``(level, ags)`` of the packages written (``("oeffentlich", None)`` …).
    threshold
        Largest count suppressed primarily (for the default protection width).
    protection
        Required interval width (default: the catalogue's ``schutzbreite``, else
        ``threshold + 1``).

    Returns
    -------
    AuditResult
        ``.ok`` is False if any attacker narrows a suppressed count below the width.
    """
    folder = Path(folder)
    cols = count_columns(data.areas, data.catalogue)
    empty = {
        k: pd.DataFrame(float("nan"), index=f.index.astype(str), columns=cols)
        for k, (f, _s) in data.frames().items()
    }
    values, status = empty, None
    if ("oeffentlich", None) in packages:
        values, status = read_package_tables(folder / "oeffentlich", data, cols)
    known, known_status = {}, {}
    for level, ags in packages:
        if level == "kommunal" and ags is not None:
            v, s = read_package_tables(folder / package_name(level, ags), data, cols)
            known[str(ags)], known_status[str(ags)] = v, s
    amap = data.areas[data.area_ags_col].astype(str)
    amap.index = amap.index.astype(str)
    return audit_suppression(
        values,
        status,
        amap,
        columns=cols,
        relations=getattr(data.catalogue, "relations", ()) or (),
        protection=protection_for(protection, data.catalogue, threshold),
        known=known or None,
        known_status=known_status or None,
        include_public=("oeffentlich", None) in packages,
        rates=data.catalogue,
        lang=lang,
    )
