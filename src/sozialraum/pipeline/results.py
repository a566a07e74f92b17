"""The run's results per planning area: one frame every output is written from.

:func:`area_results` joins counts, rates, the monitor, certainty, LISA/Gi*, access,
the projection, Kita, care and Förderkulisse columns of a run state. The internal
tables, the release packages (through the privacy step), the website and the
release check all read this one frame.
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd

from sozialraum.core.text import slugify
from sozialraum.pipeline.common import without_unrated_index
from sozialraum.pipeline.planung import with_priority

__all__ = ["area_results"]


def area_results(state) -> tuple[gpd.GeoDataFrame, pd.DataFrame]:
    """One GeoDataFrame per planning area with counts, rates, monitor and LISA columns."""
    y = state.year
    counts = state.counts[y]
    new = [
        c for c in state.rates[y].rates.columns if c not in counts.columns
    ]  # pass-through indicators
    frame = state.areas.join(counts).join(state.rates[y].rates[new])
    status = state.status[y].join(state.rates[y].status[new].astype("string"))
    if state.monitor is not None:
        mon = state.monitor.frame.drop(
            columns=[c for c in state.monitor.frame.columns if c in frame.columns]
        )
        mon = without_unrated_index(mon)
        frame = frame.join(mon)
    cert = getattr(state, "certainty", None)
    if cert is not None:
        frame = frame.join(cert.frame.drop(columns=[c for c in cert.frame if c in frame]))
    for col, res in state.lisa.items():
        keep = [c for c in res.frame.columns if c.startswith(res.prefix)]
        sub = res.frame[keep].rename(
            columns=lambda c, col=col: f"{c}_{col}" if len(state.lisa) > 1 else c
        )
        frame = frame.join(sub)
    for col, res in state.hotspots.items():
        prefix = res.params.get("prefix", "gi_")
        keep = [c for c in res.frame.columns if c.startswith(prefix)]
        sub = res.frame[keep].rename(
            columns=lambda c, col=col: f"{c}_{col}" if len(state.hotspots) > 1 else c
        )
        frame = frame.join(sub)
    # access per area: the main measure of each analysis (internal and for the municipality concerned)
    for name, res in state.access.items():
        per = res.get("areas")
        if per is None:
            continue
        for col in (
            "versorgung",
            "distance_m",
            "travel_time_min",
            "distance_1",
            "bb_defizit",
            "bb_deckungsgrad",
        ):
            if col in per.columns:
                frame[f"zugang_{slugify(name)}_{col}"] = pd.to_numeric(
                    per[col], errors="coerce"
                ).reindex(frame.index)
    frame, status = _with_projection(state, frame, status)
    from sozialraum.pipeline.steps_kita import kita_area_columns

    kita = kita_area_columns(state)  # Kita planning: one deficit per area and age group
    if kita is not None:
        frame = frame.join(kita.reindex(frame.index.astype(str)).set_axis(frame.index))
    frame = _with_care(state, frame)  # [pflege]: people in need and deficits
    frame = _with_indicator_certainty(state, frame, status)  # <indicator>_sicherheit
    frame = with_priority(state, frame)  # Förderkulisse: prio_* columns
    return gpd.GeoDataFrame(frame, geometry="geometry", crs=state.areas.crs), status


def _with_indicator_certainty(state, frame, status):
    """Class certainty of the classified indicators (:mod:`.certainty_indicators`)."""
    from sozialraum.pipeline.certainty_indicators import indicator_certainty_frame

    cols = indicator_certainty_frame(state, frame, status)
    if cols is None:
        return frame
    return frame.join(cols.drop(columns=[c for c in cols if c in frame]))


def _with_projection(state, frame, status):
    """The projection's columns per area (:mod:`sozialraum.demography.products`)."""
    figures = (state.demography or {}).get("figures")
    if figures is None:
        return frame, status
    return figures.join_areas(frame, status)


def _with_care(state, frame):
    """People in need of care and deficits per area (``[pflege]``), the one copy of them."""
    from sozialraum.pipeline.steps_care import care_columns

    cols = care_columns(state)
    if cols is None:
        return frame
    return frame.join(
        cols.set_axis(cols.index.astype(str)).reindex(frame.index.astype(str)).set_axis(frame.index)
    )
