"""Step times of a run (lauf.log, summary) and the switches that leave output steps out."""

from __future__ import annotations

import dataclasses
import time

import pytest

from sozialraum.core.doors import using_door
from sozialraum.errors import ConfigError
from sozialraum.pipeline.switches import SWITCHES, apply_switches, parse_switches
from sozialraum.pipeline.timing import RunTimer, timed


def test_timer_times_nested_steps_and_counts_only_the_outer_ones():
    lines = []
    timer = RunTimer(lang="de", log=lines.append)
    with timer.step("steckbriefe", level="intern"):
        time.sleep(0.02)
        timer.add("pdf", 0.5, level="intern")
    with timer.step("webkarte", level="oeffentlich"):
        pass
    outer = [s for s in timer.steps if s.depth == 0]
    assert [s.label for s in outer] == ["Steckbriefe intern", "Webkarte öffentlich"]
    assert timer.steps[1].depth == 1 and timer.steps[1].label == "PDF-Druck intern"
    assert timer.total == pytest.approx(sum(s.seconds for s in outer))  # pdf not counted twice
    assert timer.steps[0].seconds >= 0.02
    assert any("PDF-Druck intern: 0.5 s" in x for x in lines)  # one log line per step


def test_timer_table_merges_the_packages_of_all_municipalities():
    timer = RunTimer(lang="de")
    for _ in range(3):
        timer.add("pruefung", 1.0, level="kommunal")
    timer.add("audit", 2.0)
    timer.skip("pdf", "--ohne pdf")
    table = timer.table()
    assert "Freigabeprüfung kommunal (× 3)" in table and "3.0" in table
    assert "Summe" in table and "5.0" in table
    assert "Ausgelassen:" in table and "(--ohne pdf)" in table
    en = timer.table("en")
    assert "total" in en and "Skipped:" in en


def test_timed_is_a_no_op_without_a_timer():
    class State:
        timer = None

    with timed(State(), "excel"):
        pass


@dataclasses.dataclass(frozen=True)
class _Cfg:
    sections: dict

    def __getitem__(self, k):
        return self.sections[k]


def _cfg(**aus):
    base = {
        "excel": True,
        "webkarte": True,
        "steckbriefe": True,
        "sozialbericht": True,
        "pdf": True,
        "freigabe": ["oeffentlich", "kommunal", "intern"],
    }
    return _Cfg({"ausgaben": {**base, **aus}})


def test_ohne_turns_steps_off_and_says_why_without_changing_the_callers_config():
    cfg = _cfg()
    new, skipped = apply_switches(cfg, ["pdf", "karten"])
    assert new["ausgaben"]["pdf"] is False and new["ausgaben"]["webkarte"] is False
    assert new["ausgaben"]["steckbriefe"] is True
    assert cfg["ausgaben"]["pdf"] is True  # the caller's config is untouched
    assert {s.step for s in skipped} == {"pdf", "webkarte"}
    assert all("skip=" in s.why for s in skipped)  # the Python door's word
    with using_door("cli"):
        _, skipped = apply_switches(cfg, ["pdf"])
    assert skipped[0].why == "--ohne pdf"


def test_nur_keeps_only_the_named_steps_and_pakete_means_the_release_packages():
    new, skipped = apply_switches(_cfg(), only=["webkarte"])
    aus = new["ausgaben"]
    assert aus["webkarte"] is True
    assert not any(aus[k] for k in ("excel", "steckbriefe", "sozialbericht", "pdf"))
    assert aus["freigabe"] == ["intern"]
    assert {s.step for s in skipped} == set(SWITCHES) - {"webkarte"}


def test_steps_off_in_the_config_are_listed_as_skipped_by_the_config():
    _, skipped = apply_switches(_cfg(pdf=False, freigabe=["intern"]))
    why = {s.step: s.why for s in skipped}
    assert why == {"pdf": "[ausgaben] pdf = false", "pakete": "[ausgaben] freigabe = false"}


def test_comma_lists_and_aliases():
    assert parse_switches(["pdf,Karten", "bericht", "pdf"]) == ["pdf", "webkarte", "sozialbericht"]


def test_unknown_step_is_a_german_error_naming_the_switch_of_the_door():
    with using_door("cli"), pytest.raises(ConfigError) as e:
        parse_switches(["pdfs", "landkarte"])
    assert "--ohne: 'landkarte' ist kein Ausgabeschritt" in str(e.value)
    assert "webkarte" in str(e.value)
    with pytest.raises(ConfigError, match="is not an output step"):
        parse_switches(["x"], which="only", lang="en")


def test_cli_run_accepts_ohne_and_nur(monkeypatch, tmp_path):
    import sys

    from sozialraum import cli

    seen = {}

    def fake_run(cfg, out, **kw):
        seen.update(kw)
        raise SystemExit(0)

    monkeypatch.setattr(sys.modules["sozialraum.pipeline.run"], "run", fake_run)
    monkeypatch.setattr(sys.modules["sozialraum.pipeline.config"], "load_config", lambda *a, **k: 0)
    with pytest.raises(SystemExit):
        cli.main(["run", "x.toml", "--ohne", "pdf", "--ohne", "webkarte", "--nur", "steckbriefe"])
    assert seen["skip"] == ["pdf", "webkarte"] and seen["only"] == ["steckbriefe"]
