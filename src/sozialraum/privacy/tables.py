"""Small-count protection of a published table of counts with sum relations.

Topic tables outside the area frame (e.g. youth-welfare cases by type of help and
municipality) are published as margins of a hidden grid. :func:`protect_table`
applies the two rules of :mod:`sozialraum.privacy.suppression` to them: primary
suppression of every count from 1 to the minimum (``threshold``), then
complementary suppression over the published sum equations with the one
heuristic :func:`~sozialraum.privacy.suppression.protect_groups`, so that no
hidden count can be recovered by subtraction. An equation that cannot be protected
is hidden as a whole.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from sozialraum.privacy.suppression import protect_groups

__all__ = ["protect_table"]


def protect_table(values: pd.Series, equations: Sequence[Sequence], *, threshold: int) -> pd.Series:
    """Which cells of a table of counts must not be published.

    Parameters
    ----------
    values
        One count per cell (index = any hashable cell id).
    equations
        Published sum relations, each a list of cell ids whose values add up (in any
        signs: one cell of an equation follows from the others), e.g. the types of
        help and their total.
    threshold
        Largest count that is suppressed (``[ausgaben] mindestfallzahl`` − 1 …; the
        run passes its minimum minus one so that counts *below* the minimum are
        hidden).

    Returns
    -------
    pandas.Series
        ``True`` where the cell is hidden (same index as ``values``).
    """
    v = pd.to_numeric(values, errors="coerce").astype(float).to_numpy()
    pos = {k: i for i, k in enumerate(values.index)}
    primary = (np.abs(v) >= 1) & (np.abs(v) <= threshold) & ~np.isnan(v)
    groups = [np.array([pos[c] for c in eq if c in pos], dtype=int) for eq in equations]
    secondary, unprotected = protect_groups(np.nan_to_num(v), primary | np.isnan(v), groups)
    hidden = primary | secondary
    for gi in unprotected:
        hidden[groups[gi]] = True
    return pd.Series(hidden, index=values.index)
