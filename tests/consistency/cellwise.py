"""Cell-by-cell comparison of the layers that the doors write.

Used by the consistency suite outside QGIS (``tests/consistency``) and inside QGIS
(``tests/qgis/inside/test_consistency_qgis.py``), so that both compare by the
same rule: keys as text, floats with a tight tolerance, everything else exactly
(categories, labels, colours, status codes); a missing value equals only a
missing value.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd

RTOL = 1e-9
ATOL = 1e-9


def read_layer(path: str | Path, key: str = "sr_id", layer: str | None = None) -> pd.DataFrame:
    """A written GeoPackage layer as a plain frame indexed by the key as text (no geometry)."""
    import pyogrio

    if layer is None:
        names = [str(n) for n, _ in pyogrio.list_layers(path) if n != "layer_styles"]
        assert len(names) == 1, f"{path}: several layers {names}, name one"
        layer = names[0]
    frame = pyogrio.read_dataframe(path, layer=layer, read_geometry=False)
    assert key in frame.columns, f"{path}|{layer}: no key column {key!r} ({list(frame.columns)})"
    frame.index = pd.Index(frame.pop(key).astype(str), name=key)
    return frame


def _is_float_like(s: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(s.dtype) and not pd.api.types.is_bool_dtype(s.dtype)


def _texts(s: pd.Series) -> list:
    """Values as comparable texts; every kind of missing → None; 3.0 and 3 alike."""
    out = []
    for v in s.astype(object).tolist():
        if v is None or v is pd.NA or (isinstance(v, float) and np.isnan(v)):
            out.append(None)
        elif isinstance(v, (bool, np.bool_)):
            out.append(str(bool(v)))
        elif isinstance(v, (int, np.integer)) or (isinstance(v, float) and float(v).is_integer()):
            out.append(str(int(v)))
        else:
            out.append(str(v))
    return out


def differences(
    a: pd.DataFrame,
    b: pd.DataFrame,
    columns: Iterable[str] | dict[str, str] | None = None,
    *,
    rtol: float = RTOL,
    atol: float = ATOL,
) -> list[str]:
    """The cells in which ``a`` and ``b`` differ, as readable lines (empty: identical).

    ``columns``: the columns to compare (default: all columns both have), or a
    mapping ``{column in a: column in b}`` where the doors name a column differently.
    Rows are matched by the index (keys compared as text); a key in only one side
    is a difference.
    """
    a = a.set_axis(a.index.astype(str))
    b = b.set_axis(b.index.astype(str))
    lines = []
    only_a, only_b = sorted(set(a.index) - set(b.index)), sorted(set(b.index) - set(a.index))
    if only_a or only_b:
        lines.append(f"keys only left {only_a[:5]}, only right {only_b[:5]}")
    keys = [k for k in a.index if k in set(b.index)]
    if columns is None:
        pairs = {c: c for c in a.columns if c in b.columns and c != "geometry"}
    elif isinstance(columns, dict):
        pairs = dict(columns)
    else:
        pairs = {c: c for c in columns}
    for ca, cb in pairs.items():
        if ca not in a.columns or cb not in b.columns:
            lines.append(f"column {ca!r}/{cb!r} missing on one side")
            continue
        x, y = a.loc[keys, ca], b.loc[keys, cb]
        if _is_float_like(x) and _is_float_like(y):
            xv, yv = x.to_numpy(float), y.to_numpy(float)
            same = np.isclose(xv, yv, rtol=rtol, atol=atol) | (np.isnan(xv) & np.isnan(yv))
            bad = [(k, xv[i], yv[i]) for i, k in enumerate(keys) if not same[i]]
        else:
            tx, ty = _texts(x), _texts(y)
            bad = [(k, tx[i], ty[i]) for i, k in enumerate(keys) if tx[i] != ty[i]]
        if bad:
            shown = ", ".join(f"{k}: {u!r} ≠ {v!r}" for k, u, v in bad[:4])
            lines.append(f"{ca}: {len(bad)} cells differ ({shown})")
    return lines


def assert_same(a, b, columns=None, *, what: str = "", rtol: float = RTOL, atol: float = ATOL):
    """Fail with every differing column (first cells named) when ``a`` and ``b`` differ."""
    lines = differences(a, b, columns, rtol=rtol, atol=atol)
    assert not lines, f"{what}: doors differ\n  " + "\n  ".join(lines)
