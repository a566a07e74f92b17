"""The command line prints each distinct warning once."""

from __future__ import annotations

import warnings

from sozialraum.cli import _show_warning
from sozialraum.errors import SozialraumWarning


def test_a_repeated_warning_is_printed_once(capsys):
    show = _show_warning("de")
    with warnings.catch_warnings():
        warnings.simplefilter("always")
        warnings.showwarning = show
        for _ in range(3):
            warnings.warn("Gebiet '01' ohne Nachbarn", SozialraumWarning, stacklevel=1)
        warnings.warn("Gebiet '02' ohne Nachbarn", SozialraumWarning, stacklevel=1)
    err = capsys.readouterr().err.splitlines()
    assert err == ["Hinweis: Gebiet '01' ohne Nachbarn", "Hinweis: Gebiet '02' ohne Nachbarn"]
