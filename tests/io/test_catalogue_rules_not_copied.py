"""The variables' rules in the indicator table's ``attrs`` are shared, not deep-copied.

pandas deep-copies ``attrs`` into every frame and row derived from a frame; the
indicator table carries the variables' aggregation rules there, and a yearly run
spent seconds copying them (one copy per ``iterrows`` row and ``.loc`` selection).
"""

from __future__ import annotations

import copy
import json
import pickle

import pytest

from sozialraum.core.aggregation import rules_from_frames
from sozialraum.io import read_catalogue
from sozialraum.io.catalogue import FrozenRules


def _catalogue(musterland):
    path = musterland["examples"] / "katalog.toml"
    if not path.exists():
        pytest.skip("examples/musterland/katalog.toml not generated yet")
    return read_catalogue(path)


def test_variable_rules_are_shared_by_rows_and_selections(musterland):
    ind = _catalogue(musterland).indicators
    rules = ind.attrs["variable_rules"]
    assert isinstance(rules, FrozenRules)
    _iid, row = next(ind.iterrows())
    assert row.attrs["variable_rules"] is rules
    assert ind.loc[ind.index[:2]].attrs["variable_rules"] is rules
    assert ind.copy(deep=True).attrs["variable_rules"] is rules


def test_variable_rules_read_like_before(musterland):
    cat = _catalogue(musterland)
    rules = cat.indicators.attrs["variable_rules"]
    plain = json.loads(json.dumps(rules))  # a plain dict of dicts, as stored before
    assert rules == plain
    assert set(plain) == {str(v) for v in cat.variables.index}
    # the roll-up reads the variables' rules from the indicator table alone
    from_attrs, _ = rules_from_frames(None, cat.indicators)
    from_table, _ = rules_from_frames(cat.variables, cat.indicators)
    assert from_attrs == from_table


def test_frozen_rules_are_read_only_and_pickle():
    r = FrozenRules({"ew": FrozenRules({"unit": "Personen", "aggregation": "sum"})})
    for change in (
        lambda: r.__setitem__("x", 1),
        lambda: r.update(x=1),
        lambda: r["ew"].pop("unit"),
        lambda: r.setdefault("x", 1),
        lambda: r.__delitem__("ew"),
    ):
        with pytest.raises(TypeError):
            change()
    assert copy.deepcopy(r) is r and copy.copy(r) is r
    back = pickle.loads(pickle.dumps(r))
    assert back == r and isinstance(back, FrozenRules) and isinstance(back["ew"], FrozenRules)
    assert dict(r["ew"]) == {"unit": "Personen", "aggregation": "sum"}
