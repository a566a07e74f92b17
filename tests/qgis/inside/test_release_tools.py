"""QGIS tools with a release level go through the library's privacy step (the checked Release)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from qgis_helpers import EX

BIRTH_AREA = "07999009001"  # 1 birth in 2024: its birth rate must never be public


@pytest.fixture(scope="module")
def monitor_layer(run, joined, outdir):
    path, _ = joined
    res = run(
        "raten_index",
        {
            "INPUT": str(path),
            "KEY": "sr_id",
            "CATALOGUE": str(EX / "katalog.toml"),
            "OUTPUT": str(outdir / "monitor_for_release_tools.gpkg"),
        },
    )
    return res["OUTPUT"]


def _profiles(run, layer, folder, level, **extra):
    params = {
        "INPUT": layer,
        "KEY": "sr_id",
        "NAME": "sr_name",
        "CATALOGUE": str(EX / "katalog.toml"),
        "AGS": "ags",
        "LEVEL": level,
        "PDF": False,
        "COMBINED": False,
        "OUTPUT": str(folder),
        **extra,
    }
    res = run("steckbriefe", params)
    return {Path(p).name: Path(p).read_text(encoding="utf-8") for p in res["FILES"].splitlines()}


def test_regression_public_steckbrief_tool_prints_no_birth_rate_of_one_birth(
    run, monitor_layer, tmp_path
):
    intern = _profiles(run, monitor_layer, tmp_path / "intern", 0)
    page = next(t for n, t in intern.items() if n.startswith(f"steckbrief_{BIRTH_AREA}_"))
    m = re.search(r"<td>Geburtenrate</td>\s*<td[^>]*>([^<]+)</td>", page)
    assert m and "‰" in m.group(1)  # the internal profile shows the rate ...
    public = _profiles(run, monitor_layer, tmp_path / "public", 2)
    page = next(t for n, t in public.items() if n.startswith(f"steckbrief_{BIRTH_AREA}_"))
    assert m.group(1) not in page.replace("\u00a0", " ")  # ... the public one does not
    assert len(public) == 80


def test_municipal_steckbrief_tool_writes_own_areas_only(run, monitor_layer, tmp_path):
    files = _profiles(run, monitor_layer, tmp_path / "k", 1, GEMEINDE="07999009")
    assert files and all(n.startswith("steckbrief_07999009") for n in files)
