"""Steckbriefe and release packages through processing.run equal the library's on the same data."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from qgis_helpers import EX


@pytest.fixture(scope="module")
def monitor_layer(run, joined, outdir):
    path, _ = joined
    res = run(
        "raten_index",
        {
            "INPUT": str(path),
            "KEY": "sr_id",
            "CATALOGUE": str(EX / "katalog.toml"),
            "OUTPUT": str(outdir / "monitor_for_outputs.gpkg"),
        },
    )
    return res["OUTPUT"]


@pytest.fixture(scope="module")
def lib_state(lib_joined):
    """The same monitor frame built with the library (counts + rates + monitor columns, status)."""
    from sozialraum.monitor import run_monitor

    j, cat = lib_joined
    counts = j.frame[[v for v in cat.variables.index if v in j.frame.columns]]
    from sozialraum.pipeline.run import without_unrated_index

    m = run_monitor(counts, cat, status=j.status.reindex(columns=counts.columns))
    # areas not rated keep their class but no index (as in the yearly run)
    mon = without_unrated_index(m.frame)
    frame = j.frame.join(m.rates.rates, rsuffix="_rate").join(mon, rsuffix="_monitor")
    status = j.status.join(m.rates.status)
    return frame, status, cat, counts


def _strip_volatile(html: str) -> str:
    return re.sub(
        r"(id|href|xlink:href|clip-path|url\()=?\"?#?[A-Za-z_]*[0-9a-f]{8,}[^\"\s)]*", "", html
    )


def test_steckbriefe_equal_library(run, monitor_layer, lib_state, tmp_path):
    from sozialraum.report import ReportData, write_steckbriefe

    res = run(
        "steckbriefe",
        {
            "INPUT": monitor_layer,
            "KEY": "sr_id",
            "NAME": "sr_name",
            "CATALOGUE": str(EX / "katalog.toml"),
            "TITLE": "Steckbrief",
            "YEAR": 2024,
            "PDF": False,
            "COMBINED": False,
            "OUTPUT": str(tmp_path / "plugin"),
        },
    )
    frame, status, cat, _ = lib_state
    data = ReportData(
        areas=frame,
        catalogue=cat,
        status=status,
        title="Steckbrief",
        year=2024,
        level="intern",
        name_col="sr_name",
    )
    keys = ["07999001012", "07999010006"]  # Bahnhofsviertel; a hamlet that is "nicht bewertet"
    ref = write_steckbriefe(
        data, tmp_path / "lib", areas=keys, municipalities=False, pdf=False, combined=False
    )
    got = sorted(Path(p).name for p in res["FILES"].splitlines())
    assert res["N_FILES"] == len(got) == 80
    assert {p.name for p in ref} <= set(got) and all(n.startswith("steckbrief_0") for n in got)
    for name in (p.name for p in ref):
        a = (tmp_path / "plugin" / name).read_text(encoding="utf-8")
        b = (tmp_path / "lib" / name).read_text(encoding="utf-8")
        assert _strip_volatile(a) == _strip_volatile(b)


def test_steckbriefe_speak_the_city_words(run, monitor_layer, lib_state, tmp_path):
    """The profile tool says "Planungsraum"/"Bezirk" when the fields give a city's levels."""
    from sozialraum.core.territory import Territory
    from sozialraum.report import ReportData, write_steckbriefe

    run(
        "steckbriefe",
        {
            "INPUT": monitor_layer,
            "KEY": "sr_id",
            "NAME": "sr_name",
            "CATALOGUE": str(EX / "katalog.toml"),
            "TITLE": "Steckbrief",
            "STUFEN": "Stadt, Bezirk, Planungsraum",
            "GEBIET": "Musterstadt",
            "PDF": False,
            "COMBINED": False,
            "OUTPUT": str(tmp_path / "plugin"),
        },
    )
    frame, status, cat, _ = lib_state
    terr = Territory.from_settings(
        {"stufen": ["Stadt", "Bezirk", "Planungsraum"], "name": "Musterstadt"}, "", "de"
    )
    data = ReportData(
        areas=frame,
        catalogue=cat,
        status=status,
        title="Steckbrief",
        level="intern",
        name_col="sr_name",
        territory=terr,
    )
    ref = write_steckbriefe(
        data,
        tmp_path / "lib",
        areas=["07999001012"],
        municipalities=False,
        pdf=False,
        combined=False,
    )
    a = (tmp_path / "plugin" / ref[0].name).read_text(encoding="utf-8")
    assert _strip_volatile(a) == _strip_volatile(ref[0].read_text(encoding="utf-8"))
    assert (
        "Planungsraum" in a and "Sozialraum" not in a.split("<body", 1)[1].split("data-methode")[0]
    )


def test_release_packages_equal_library(run, monitor_layer, lib_state, tmp_path):
    from sozialraum.join import rollup_hierarchy
    from sozialraum.privacy import ReleaseData, ReleasePolicy, write_packages

    res = run(
        "veroeffentlichung",
        {
            "INPUT": monitor_layer,
            "KEY": "sr_id",
            "CATALOGUE": str(EX / "katalog.toml"),
            "AGS": "ags",
            "LEVELS": [0, 2],
            "FORMATS": [2],
            "NAME": "musterland",
            "OUTPUT": str(tmp_path / "plugin"),
        },
    )
    frame, status, cat, counts = lib_state
    values = frame
    lv = rollup_hierarchy(
        values,
        {"gemeinde": "ags", "kreis": None},
        columns=list(counts.columns),
        status=status,
        catalogue=cat.indicators,
    )
    data = ReleaseData.from_rollup(values, status, lv, cat, name="musterland", area_ags_col="ags")
    ref = write_packages(
        data,
        tmp_path / "lib",
        levels=("oeffentlich", "intern"),
        formats=("csv",),
        policy=ReleasePolicy(),
    )
    rel = sorted(p.relative_to(tmp_path / "lib").as_posix() for p, _, _ in ref)
    got = sorted(
        Path(ln.split(" — ")[0]).relative_to(tmp_path / "plugin").as_posix()
        for ln in res["FILES"].splitlines()
    )
    assert got == rel and any(r.startswith("oeffentlich/") for r in rel)
    for r in rel:
        assert (tmp_path / "plugin" / r).read_bytes() == (tmp_path / "lib" / r).read_bytes(), r
    assert "[oeffentlich]" in res["CHECK"] and "[intern]" in res["CHECK"]
