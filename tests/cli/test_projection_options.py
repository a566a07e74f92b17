"""``sozialraum demografie`` and ``sozialraum kita`` read the projection with one set of options."""

from __future__ import annotations

import argparse

import pytest

from sozialraum.cli import build_parser
from sozialraum.cli.projection import projection_config

PROJECTION = (
    "--raten",
    "--raten-gueltig-bis",
    "--geburtenziffer",
    "--wanderung",
    "--szenarien",
    "--szenario-wanderung",
    "--eckwerte",
    "--horizont",
)


def _options(lang: str, command: str) -> dict[str, argparse.Action]:
    parser = build_parser(lang)
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return {o: a for a in sub.choices[command]._actions for o in a.option_strings}


@pytest.mark.parametrize("lang", ["de", "en"])
def test_both_commands_offer_the_same_projection_options(lang):
    demo, kita = _options(lang, "demografie"), _options(lang, "kita")
    for opt in PROJECTION:
        assert opt in demo and opt in kita, opt
        if opt != "--horizont":  # each command says what its horizon defaults to
            assert demo[opt].help == kita[opt].help, opt
            assert demo[opt].default == kita[opt].default, opt
            assert demo[opt].choices == kita[opt].choices, opt
    assert demo["--horizont"].default == 10 and kita["--horizont"].default is None


def test_options_become_the_keys_of_the_demografie_section():
    args = argparse.Namespace(
        horizont=0,
        raten="r.csv",
        raten_gueltig_bis=None,
        szenarien=["a", "b"],
        szenario_wanderung=[-1.0, 1.0],
        eckwerte="",
        wanderung="keine",
        geburtenziffer=1.4,
        hauptszenario="a",
    )
    assert projection_config(args) == {
        "horizont": 0,  # kept: the reader refuses it with the option's name
        "raten": "r.csv",
        "szenarien": ["a", "b"],
        "szenario_wanderung": [-1.0, 1.0],
        "wanderung": "keine",
        "geburtenziffer": 1.4,
        "hauptszenario": "a",
    }
