"""Export of an atlas selection as GeoPackage or Excel.

Functions take the open :class:`~sozialraum.atlas.Atlas` as first argument; the
``Atlas`` class offers them as its methods.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import geopandas as gpd
import pandas as pd

from sozialraum._i18n import t
from sozialraum.atlas._common import (
    _unknown_ids_error,
)
from sozialraum.errors import InputError

_MSG = {
    "export_fmt": {
        "de": "{file}: Exportformat unbekannt; erwartet .gpkg oder .xlsx.",
        "en": "{file}: unknown export format; expected .gpkg or .xlsx.",
    },
}


def export(
    atlas,
    path: str | Path,
    *,
    years: Sequence[int] | None = None,
    columns: Sequence[str] | None = None,
    areas: Sequence[str] | None = None,
    version: str | None = None,
    indicators: bool = True,
    release=None,
) -> Path:
    """Write a selection (areas × indicators × years) as GeoPackage or Excel.

    One layer (``werte_<year>``) or sheet (``<year>``) per year, with the counts and
    (``indicators=True``) the catalogue's indicators; ``columns`` restricts to those
    variable/indicator ids. Cells without a number show their status (Excel: the
    statistical symbol; GeoPackage: ``<column>_status``). Written with
    :func:`sozialraum.io.write_gpkg` / :func:`sozialraum.io.write_excel`.

    ``release`` applies a release level before writing: a callable
    ``(frame, status) -> (frame, status)``, e.g. ``lambda f, s:
    sozialraum.privacy.release_frame(f, s, "kommunal", ags="07999001",
    area_ags_col="parent")`` (the municipality key is in ``parent``).
    """
    from sozialraum.io import write_excel, write_gpkg

    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".gpkg", ".xlsx"):
        raise InputError(t(_MSG, "export_fmt", atlas.lang, file=path), file=str(path))
    years = list(years) if years is not None else atlas.years()
    cat = atlas.catalogue()
    frames, stats = {}, {}
    for y in years:
        sel = atlas.values(y, version=version, areas=areas)
        frame, st = sel.frame, sel.status
        ind_ids = list(cat.indicators.index) if cat is not None else []
        if columns is not None:
            ind_ids = [c for c in columns if c in ind_ids]
        if indicators and ind_ids:
            ind = atlas.indicators(y, version=version, areas=areas, indicators=ind_ids)
            new = [c for c in ind.columns if c not in frame.columns]
            frame = frame.join(ind.frame[new])
            st = st.join(ind.status[new])
        if columns is not None:
            keep = [c for c in columns if c in st.columns]
            unknown = [c for c in columns if c not in st.columns]
            if unknown:
                raise _unknown_ids_error(atlas.lang, "columns", unknown, list(st.columns[:5]))
            frame = frame[["name", "parent", *keep, "geometry"]]
            st = st[keep]
        if release is not None:
            frame, st = release(frame, st)
            if st is None:
                st = pd.DataFrame(index=frame.index)
        frames[y] = gpd.GeoDataFrame(frame, geometry="geometry", crs=sel.frame.crs)
        stats[y] = st
    if suffix == ".gpkg":
        if path.exists():
            path.unlink()
        for y in years:
            write_gpkg(frames[y], path, f"werte_{y}", status=stats[y])
    else:
        labels = cat.labels(atlas.lang) if cat is not None else None
        write_excel(
            {str(y): pd.DataFrame(frames[y].drop(columns="geometry")) for y in years},
            path,
            labels=labels,
            status={str(y): stats[y] for y in years},
        )
    return path
