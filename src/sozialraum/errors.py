"""Exception and warning types of sozialraum.

All errors caused by the user's data derive from :class:`InputError` (a
``ValueError``), and carry where the problem is (``file``, ``row``,
``column``, ``ids``) as attributes besides a readable message, so that the
command line, the QGIS plugin and notebooks can all show it well.
"""

from __future__ import annotations

from collections.abc import Sequence


class SozialraumError(Exception):
    """Base class of all sozialraum errors."""


class InputError(SozialraumError, ValueError):
    """Bad input data: the message names the file, row, column or area ids.

    Parameters
    ----------
    message
        Full, readable message (German or English, see :mod:`sozialraum._i18n`).
    file, row, column
        Where the problem is (1-based row numbers as a spreadsheet shows them).
    ids
        The offending area keys, if any.
    """

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        row: int | None = None,
        column: str | None = None,
        ids: Sequence[str] | None = None,
    ) -> None:
        super().__init__(message)
        self.file = file
        self.row = row
        self.column = column
        self.ids = list(ids) if ids is not None else []


class JoinError(InputError):
    """A join found mismatches where ``strict=True`` asked for none, or duplicates."""


class ConfigError(InputError):
    """An invalid configuration or catalogue entry."""


class SozialraumWarning(UserWarning):
    """A data problem that was handled (repaired, restored) and must be seen."""


def format_ids(ids: Sequence[object], limit: int = 10) -> str:
    """Format a list of ids for a message: ``'a', 'b', … (+3 weitere/more)``."""
    ids = list(ids)
    shown = ", ".join(repr(str(i)) for i in ids[:limit])
    if len(ids) > limit:
        shown += f", … (+{len(ids) - limit})"
    return shown
