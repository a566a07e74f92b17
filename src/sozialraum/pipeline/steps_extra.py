"""Optional computation steps of a run: access, raster, demography."""

from __future__ import annotations

from collections.abc import Callable

__all__ = ["STEPS"]

STEPS: list[tuple[str, Callable]] = []
