"""Level-wide results computed once while the profiles of a level are written.

A Steckbrief section often needs a table over the whole level (the values of an
indicator for every area and year, say) and reads one row of it. Built per
profile that is quadratic in the number of areas. Inside :func:`level_memo`
(:func:`~sozialraum.report.write_steckbriefe` opens one) :func:`memoized` keeps
each such table for the block; outside it simply computes.

The cache holds a reference to the object the result was computed from and
checks it by identity, so a result is never handed to another ``ReportData``.
Results must be treated as read-only by the caller.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Hashable, Iterator
from contextvars import ContextVar
from typing import Any, TypeVar

__all__ = ["level_memo", "memoized"]

T = TypeVar("T")

_MEMO: ContextVar[dict | None] = ContextVar("sozialraum_level_memo", default=None)


@contextlib.contextmanager
def level_memo() -> Iterator[dict]:
    """Inside the block :func:`memoized` computes each result once (nested blocks share it)."""
    if _MEMO.get() is not None:
        yield _MEMO.get()
        return
    cache: dict = {}
    token = _MEMO.set(cache)
    try:
        yield cache
    finally:
        _MEMO.reset(token)


def memoized(owner: Any, key: Hashable, make: Callable[[], T]) -> T:
    """``make()`` once per ``(owner, key)`` inside :func:`level_memo`; else ``make()`` each time."""
    cache = _MEMO.get()
    if cache is None:
        return make()
    full = (id(owner), key)
    hit = cache.get(full)
    if hit is not None and hit[0] is owner:
        return hit[1]
    value = make()
    cache[full] = (owner, value)
    return value
