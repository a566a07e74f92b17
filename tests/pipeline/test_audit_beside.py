"""The suppression audit runs on a forked copy beside the release check: same result as
computed here, here where no copy may be forked, and no copy left when the check fails."""

from __future__ import annotations

import os
from types import SimpleNamespace

import pytest

from sozialraum.pipeline import presentation
from sozialraum.pipeline.timing import RunTimer


def _state():
    return SimpleNamespace(timer=RunTimer(lang="de"))


def test_the_audit_comes_from_the_copy_and_equals_the_audit_made_here():
    here = os.getpid()
    state = _state()
    got = presentation._audit_beside(state, lambda: ("audit", os.getpid()), lambda: ["checks"])
    assert got.checks == ["checks"]
    assert got.result[0] == "audit" and got.result[1] != here  # computed by the copy
    assert "Geheimhaltungsprüfung aller Pakete (daneben" in state.timer.table()


def test_without_fork_the_audit_is_made_here(monkeypatch):
    import sozialraum.core.ahead as ahead

    monkeypatch.setattr(ahead, "can_fork", lambda: False)
    here = os.getpid()
    got = presentation._audit_beside(_state(), lambda: ("audit", os.getpid()), lambda: [])
    assert got.result == ("audit", here)


def test_a_failing_check_ends_the_copy(monkeypatch):
    import sozialraum.core.ahead as ahead

    started = []
    real = ahead.start_ahead

    def keep(produce):
        copy = real(produce)
        started.append(copy)
        return copy

    monkeypatch.setattr(ahead, "start_ahead", keep)

    def check():
        raise RuntimeError("Freigabeprüfung fehlgeschlagen")

    with pytest.raises(RuntimeError, match="fehlgeschlagen"):
        presentation._audit_beside(_state(), lambda: "audit", check)
    (copy,) = started
    assert not copy._proc.is_alive()
