"""Integer rounding that preserves totals (largest-remainder / Hamilton method)."""

from __future__ import annotations

import numpy as np

__all__ = ["largest_remainder", "round_nested"]


def largest_remainder(values: np.ndarray, totals: np.ndarray | None = None) -> np.ndarray:
    """Round each row of ``values`` to integers whose row sum equals ``totals``.

    Each cell gets its floor; the ``total - sum(floors)`` missing units go to the
    cells with the largest fractional parts (ties: the earlier column). Fully
    vectorised over rows.

    Parameters
    ----------
    values
        Non-negative array of shape ``(rows, cells)`` (tiny negative float noise is clipped to 0).
    totals
        Integer target per row; default ``round(row sum)`` (half to even).

    Returns
    -------
    numpy.ndarray
        int64 array, same shape; ``|result - values| < 1`` cell-wise and
        ``result.sum(axis=1) == totals`` exactly whenever
        ``floor(sum) <= total <= sum(ceil)`` (always true for the default).
    """
    x = np.clip(np.asarray(values, dtype=float), 0.0, None)
    if x.ndim != 2:
        raise ValueError("values must be 2-dimensional (rows, cells)")
    fl = np.floor(x)
    rem = x - fl
    if totals is None:
        totals = np.round(x.sum(axis=1))
    totals = np.asarray(totals, dtype=np.int64)
    need = totals - fl.sum(axis=1).astype(np.int64)
    order = np.argsort(-rem, axis=1, kind="stable")
    ranks = np.empty_like(order)
    rows = np.arange(x.shape[0])[:, None]
    ranks[rows, order] = np.arange(x.shape[1])[None, :]
    add = ranks < need[:, None]
    return fl.astype(np.int64) + add.astype(np.int64)


def round_nested(values: np.ndarray) -> np.ndarray:
    """Round a ``(..., areas, cells)`` array so that area totals and the grand total are kept.

    First the area totals of each leading slice (e.g. scenario × year) are rounded
    with :func:`largest_remainder` so that they add up to the rounded grand total,
    then each area's cells are rounded to its integer total.
    """
    x = np.clip(np.asarray(values, dtype=float), 0.0, None)
    lead = x.shape[:-2]
    na, nc = x.shape[-2:]
    flat = x.reshape(-1, na, nc)
    area_tot = flat.sum(axis=2)  # (L, areas)
    grand = np.round(flat.sum(axis=(1, 2)))  # the grand total as summed over all cells
    area_int = largest_remainder(area_tot, grand)
    cells = largest_remainder(flat.reshape(-1, nc), area_int.reshape(-1))
    return cells.reshape(*lead, na, nc)
