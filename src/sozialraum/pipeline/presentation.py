"""Presentation outputs of a run: web maps, Steckbriefe, Sozialbericht, release packages."""

from __future__ import annotations

from pathlib import Path

__all__ = ["write_presentation"]


def write_presentation(state, folder: Path, sr, sr_status) -> list[tuple[Path, str, str]]:
    """Write maps, profiles, the report and the packages (as far as configured)."""
    return []
