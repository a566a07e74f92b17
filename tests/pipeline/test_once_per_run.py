"""``once_per_run``: a result the run's writers share is made once per run and key."""

from __future__ import annotations

from types import SimpleNamespace

from sozialraum.pipeline.common import once_per_run


def _maker():
    made = []

    def make():
        made.append(1)
        return [len(made)]

    return made, make


def test_made_once_per_key_and_owner():
    state = SimpleNamespace(history={})
    made, make = _maker()
    a, b = object(), object()
    first = once_per_run(state, ("x", 1), make, owner=a)
    assert once_per_run(state, ("x", 1), make, owner=a) is first
    assert len(made) == 1
    assert once_per_run(state, ("x", 2), make, owner=a) == [2]  # another key
    # another object under the same key (e.g. a new release of the same package): made anew
    assert once_per_run(state, ("x", 1), make, owner=b) == [3]
    assert once_per_run(state, ("x", 1), make, owner=b) == [3]
    assert len(made) == 3


def test_without_a_run_state_it_simply_computes():
    made, make = _maker()
    assert once_per_run(object(), "k", make) == [1]
    assert once_per_run(object(), "k", make) == [2]
