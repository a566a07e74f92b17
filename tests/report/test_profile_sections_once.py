"""Profile sections: what a whole level shares is built once per level, the sections stay the same.

Regression tests for sections that redid level-wide work in every Steckbrief: the
HzE protection of the chapter (one LP per profile), the offers split by area (a
filter over all offers per profile) and the regions' recommendation texts (all
regions converted per profile).
"""

from __future__ import annotations

import dataclasses

import pytest

from sozialraum.report.kapitel import hze_profil, profile_sections, regionen
from sozialraum.report.memo import level_memo

from .conftest import make_report_data
from .test_kapitel_regionen_hze import planning  # noqa: F401  (the Musterland topics)


def _at_level(m, plan, level):
    data = make_report_data(m, planning=plan)
    object.__setattr__(data, "level", level)  # the section builders read only data.level here
    return data


def _units(data):
    return [("sozialraum", str(k)) for k in data.areas.index] + [
        ("gemeinde", str(g)) for g in data.gemeinden.index
    ]


@pytest.mark.parametrize("level", ["intern", "kommunal"])
def test_sections_in_a_level_memo_equal_those_built_alone(musterland_results, planning, level):  # noqa: F811
    data = _at_level(musterland_results, planning, level)
    alone = {u: profile_sections(data, *u, {}, "de") for u in _units(data)}
    with level_memo():
        shared = {u: profile_sections(data, *u, {}, "de") for u in _units(data)}
    assert shared == alone
    assert any(s.key == "angebote" for secs in shared.values() for s in secs)
    assert any(s.key == "hze" and s.notes for secs in shared.values() for s in secs) == (
        level != "intern"
    )


def _count(monkeypatch, module, name):
    calls = []
    real = getattr(module, name)

    def counting(*args, **kw):
        calls.append(1)
        return real(*args, **kw)

    monkeypatch.setattr(module, name, counting)
    return calls


def test_hze_protection_once_per_level(musterland_results, planning, monkeypatch):  # noqa: F811
    """Regression: every municipal profile solved the chapter's protection again."""
    data = _at_level(musterland_results, planning, "kommunal")
    calls = _count(monkeypatch, hze_profil, "hze_hidden")
    gems = list(map(str, data.gemeinden.index))
    for g in gems:  # outside a level: each profile computes (the count can tell)
        hze_profil.hze_section(data, "gemeinde", g, {}, "de")
    assert len(calls) == len(gems) > 1
    calls.clear()
    with level_memo():
        for g in gems:
            hze_profil.hze_section(data, "gemeinde", g, {}, "de")
    assert len(calls) == 1


def test_offers_split_once_per_level_and_unit(musterland_results, planning, monkeypatch):  # noqa: F811
    """Regression: every profile filtered the whole offer register for its own area."""
    data = _at_level(musterland_results, planning, "intern")
    calls = _count(monkeypatch, regionen, "_offers_by_unit")
    with level_memo():
        for u in _units(data):
            regionen.offers_section(data, *u, {}, "de")
    assert len(calls) == 2  # areas, municipalities


def test_region_recommendations_once_per_level(musterland_results, planning, monkeypatch):  # noqa: F811
    """Regression: every profile converted the texts of all regions of a set."""
    data = _at_level(musterland_results, planning, "intern")
    calls = _count(monkeypatch, regionen, "_region_recommendations")
    with level_memo():
        for u in _units(data):
            regionen.regions_section(data, *u, {}, "de")
    n_sets = len(planning["regionen"]["outcomes"])
    assert 0 < len(calls) <= n_sets
    assert dataclasses.is_dataclass(regionen.regions_section(data, *_units(data)[0], {}, "de"))
