"""Number options of the command line are read like every typed number (core.numbers)."""

from __future__ import annotations

import argparse

import pytest

from sozialraum.cli.steps import add_parsers


def _parser():
    p = argparse.ArgumentParser(prog="sozialraum")
    add_parsers(p.add_subparsers(dest="cmd"), "de")
    return p


ACCESS = ["access", "a.gpkg", "--schluessel", "sr_id", "--einrichtungen", "e.gpkg"]


def test_regression_radius_with_thousands_point_is_not_three_metres():
    args = _parser().parse_args([*ACCESS, "--zielgruppe", "ew", "--out", "x", "--radius", "3.000"])
    assert args.radius == 3000.0


def test_german_decimal_comma_and_plain_numbers():
    p = _parser()
    assert (
        p.parse_args(
            ["lisa", "a.gpkg", "--schluessel", "k", "--spalte", "c", "--out", "o", "--alpha", "0,1"]
        ).alpha
        == 0.1
    )
    assert (
        p.parse_args(
            [
                "index",
                "a.gpkg",
                "--schluessel",
                "k",
                "--katalog",
                "k.toml",
                "--out",
                "o",
                "--min-nenner",
                "250",
            ]
        ).min_nenner
        == 250.0
    )


def test_not_a_number_is_a_german_message(capsys):
    with pytest.raises(SystemExit):
        _parser().parse_args([*ACCESS, "--zielgruppe", "ew", "--out", "x", "--radius", "3 km"])
    err = capsys.readouterr().err
    assert "'3 km' ist keine Zahl" in err, err
