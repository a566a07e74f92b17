"""Result records of the atlas: what an import did, a selection of values, monitor inputs."""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import pandas as pd

__all__ = ["AtlasSelection", "ImportResult", "MonitorInputs"]


@dataclass(frozen=True)
class ImportResult:
    """What an import did.

    Attributes
    ----------
    batch
        Id of the batch holding the file's values (the existing one for a no-op).
    created
        ``False`` when the same file (same checksum and options) was already imported.
    n_values
        Number of values in the batch.
    replaced
        Batches replaced by this one (a corrected file).
    checksum
        SHA-256 of the file.
    years, versions
        Years and area versions of the values.
    areas_without_data
        Areas of the version(s) that the file has no row for (in at least one of its years).
    """

    batch: int
    created: bool
    n_values: int
    replaced: tuple[int, ...] = ()
    checksum: str = ""
    years: tuple[int, ...] = ()
    versions: tuple[str, ...] = ()
    areas_without_data: tuple[str, ...] = ()


@dataclass(frozen=True)
class AtlasSelection:
    """Values of one year for one area version.

    Attributes
    ----------
    frame
        GeoDataFrame: one row per area of ``version`` (index = area key), ``name``,
        ``parent``, the value columns and the geometry.
    status
        Status codes of the value columns (``<NA>`` = plain number, ``keine_daten`` =
        no value stored for that area).
    version, year
        The area version and the year.
    carried_from
        The version the values were stored for, when they were carried over a
        crosswalk (else ``None``).
    """

    frame: gpd.GeoDataFrame
    status: pd.DataFrame
    version: str
    year: int
    carried_from: str | None = None

    @property
    def columns(self) -> list[str]:
        return list(self.status.columns)


@dataclass(frozen=True)
class MonitorInputs:
    """Inputs of :func:`sozialraum.monitor.run_monitor` read from the atlas.

    ``counts``/``status`` are frames for a single year, or mappings ``{year: frame}``
    when several years were asked for: pass them on as
    ``run_monitor(inputs.counts, inputs.catalogue, status=inputs.status)``.
    """

    counts: pd.DataFrame | dict
    status: pd.DataFrame | dict
    catalogue: object
    areas: gpd.GeoDataFrame
    version: str
    years: tuple[int, ...] = ()
