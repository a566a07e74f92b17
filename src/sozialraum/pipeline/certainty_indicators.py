"""Class certainty of the run's classified indicators (``<indicator>_sicherheit``).

The classes are those of the internal web map: the same layer specifications
(:func:`sozialraum.pipeline.presentation._indicator_specs`) and the same
classification (:func:`sozialraum.webmap.layers.classify_layer`, suppressed values
left out of the breaks). For each rate with a denominator,
:func:`sozialraum.monitor.certainty_indicators.indicator_certainty` gives the
probability that the area's true rate lies in the class the map shows, with the
breaks as published. Computed only when the run computes certainty
(``[monitor] sicherheit``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["indicator_map_classes", "indicator_certainty_frame"]


def indicator_map_classes(state, frame: pd.DataFrame, status: pd.DataFrame | None, level: str):
    """Catalogue indicator → ``(codes, bins)`` of its layer in the web map of ``level``."""
    from sozialraum.pipeline.presentation import _indicator_specs
    from sozialraum.webmap.layers import classify_layer, hidden_mask, rated_for, status_for

    cat = state.catalogue.indicators
    out = {}
    for spec in _indicator_specs(state, frame, level=level):
        if spec.column not in cat.index or spec.column not in frame.columns:
            continue
        st = status_for(frame, status, spec.column, "_status")
        cl = classify_layer(
            frame[spec.column],
            spec,
            hidden=hidden_mask(st) if st is not None else None,
            lang=state.lang,
            rated=rated_for(frame, spec),
        )
        out[spec.column] = (pd.Series(cl.codes, index=frame.index), cl.bins or ())
    return out


def indicator_certainty_frame(state, frame: pd.DataFrame, status: pd.DataFrame | None):
    """Columns ``<indicator>_sicherheit`` for the internal map's classes (or ``None``).

    ``None`` when the run computes no certainty (no monitor, ``[monitor] sicherheit``
    off) or no indicator of the map has a denominator.
    """
    from sozialraum.monitor.certainty_indicators import indicator_certainty

    if getattr(state, "certainty", None) is None or state.year not in state.rates:
        return None
    classes = indicator_map_classes(state, frame, status, "intern")
    if not classes:
        return None
    rr = state.rates[state.year]
    aligned = {
        ind: (codes.reindex(rr.rates.index).fillna(-1).to_numpy(dtype=int), bins)
        for ind, (codes, bins) in classes.items()
        if np.any(codes.to_numpy() >= 0)
    }
    m = state.config["monitor"]
    res = indicator_certainty(
        state.counts[state.year],
        state.catalogue,
        rr,
        aligned,
        replicates=m["replikate"],
        unsure_below=m["sicher_ab"],
        seed=state.config.seed,
        lang=state.lang,
    )
    if res.frame.columns.empty:
        return None
    return res.frame.reindex(frame.index)
