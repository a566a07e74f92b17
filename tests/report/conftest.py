"""Fixtures of the report tests: the real Musterland results, built from the library rooms.

The data are read and computed exactly as the pipeline does (io → join → monitor
→ spatial), without going through the pipeline package (the report room must not
depend on it).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[2]
EX = ROOT / "examples" / "musterland"
GPKG = ROOT / "data" / "boundaries" / "musterland.gpkg"


def build_musterland(years=(2023, 2024), lisa: bool = True):
    """Everything a ReportData needs, from the shipped example files."""
    from sozialraum.io import read_areas, read_catalogue, read_table
    from sozialraum.join import join_tables, rollup_hierarchy
    from sozialraum.monitor import compute_rates, run_monitor

    areas = read_areas(GPKG, layer="sozialraeume", key="sr_id", name="sr_name")
    gem = read_areas(GPKG, layer="gemeinden", key="ags")
    kreis = read_areas(GPKG, layer="kreis", key="ags")
    cat = read_catalogue(EX / "katalog.toml")
    counts, status, rates = {}, {}, {}
    for y in years:
        tabs = [
            read_table(EX / f"indikatoren_{y}.xlsx", sheet="Daten", key=None, columns=cat, year=y),
            read_table(EX / f"jobcenter_{y}.csv", key=None, columns=cat, year=y),
            read_table(EX / f"wanderung_junge_{y}.csv", key=None, columns=cat, year=y),
        ]
        res = join_tables(areas, tabs, area_names="sr_name")
        cols = [c for c in res.frame.columns if c not in areas.columns]
        counts[y] = pd.DataFrame(res.frame[cols])
        status[y] = res.status[cols]
        rates[y] = compute_rates(counts[y], cat.indicators, status=status[y], min_denominator=300)
    y = years[-1]
    mon = run_monitor(counts, cat, status=status, min_denominator=300, seed=1)
    frame = gpd.GeoDataFrame(
        areas[["ags", "geometry"]].join(counts[y]), geometry="geometry", crs=areas.crs
    )
    roll = rollup_hierarchy(
        frame, {"gemeinde": "ags", "kreis": None}, status=status[y], catalogue=cat.indicators
    )
    out = {
        "areas": areas,
        "gemeinden": gem,
        "kreis": kreis,
        "catalogue": cat,
        "counts": counts,
        "status": status,
        "rates": rates,
        "monitor": mon,
        "rollup": roll,
        "year": y,
        "previous_year": years[0],
    }
    if lisa:
        from sozialraum.spatial import build_weights, local_moran

        data = areas[["geometry"]].join(mon.frame)
        w = build_weights(areas, "queen", islands="exclude")
        out["lisa"] = {"idx_gesamt": local_moran(data, "idx_gesamt", w, permutations=99, seed=1)}
    return out


def make_report_data(m, *, level="intern", **kw):
    from sozialraum.report import ReportData

    y, py = m["year"], m["previous_year"]
    a = m["areas"].join(m["counts"][y]).join(m["rates"][y].rates)
    mon = m["monitor"].frame
    a = a.join(mon[[c for c in mon.columns if c not in a.columns]])
    if "lisa" in m:
        f = m["lisa"]["idx_gesamt"].frame
        a = a.join(f[["lisa_cat", "lisa_color"]])
    a = gpd.GeoDataFrame(a, geometry="geometry", crs=m["areas"].crs)
    status = pd.concat([m["status"][y], m["rates"][y].status], axis=1)
    gem = m["rollup"]["gemeinde"].frame.join(m["gemeinden"][["gemeinde"]])
    args = dict(
        areas=a,
        catalogue=m["catalogue"],
        status=status,
        previous=m["rates"][py].rates.join(m["counts"][py][["ew_ges"]]),
        previous_status=m["rates"][py].status,
        gemeinden=gem,
        gemeinden_status=m["rollup"]["gemeinde"].status,
        kreis=m["rollup"]["kreis"].frame.assign(name="Landkreis Musterland"),
        kreis_status=m["rollup"]["kreis"].status,
        monitor_params=m["monitor"].params,
        lisa_params={k: v.params for k, v in m.get("lisa", {}).items()}
        or {"idx_gesamt": LISA_PARAMS},
        title="Sozialbericht Landkreis Musterland",
        year=y,
        previous_year=py,
        source="Statistisches Landesamt, Jobcenter Musterland (fiktive Beispieldaten)",
        date="31.12.2024",
        level=level,
    )
    args.update(kw)
    return ReportData(**args)


def make_inputs(m, **kw):
    """The same material as :func:`make_report_data`, as explicit :class:`ReportInputs`."""
    import dataclasses

    from sozialraum.report import ReportInputs

    d = make_report_data(m, **kw)
    fields = {f.name for f in dataclasses.fields(ReportInputs)}
    return ReportInputs(**{f: getattr(d, f) for f in fields})


def make_release_data(inputs, status=None):
    """ReleaseData of the internal results in ``inputs`` (optionally another area status)."""
    from sozialraum.privacy import ReleaseData

    return ReleaseData(
        inputs.areas,
        inputs.status if status is None else status,
        inputs.gemeinden,
        inputs.gemeinden_status,
        inputs.kreis,
        inputs.kreis_status,
        inputs.catalogue,
        name="musterland",
    )


#: LISA parameters as ``LisaResult.params`` holds them (the report only formats this dict;
#: computing a real LISA here would cost ~14 s of numba compilation per test session).
LISA_PARAMS = {
    "alpha": 0.05,
    "correction": "fdr",
    "alternative": "two-sided",
    "n": 80,
    "n_used": 79,
    "island_ids": ("07999002010",),
    "weights": "queen",
    "permutations": 999,
    "seed": 20241231,
    "p_value_rule": "p = min(1, 2*(min(#sim>=obs, #sim<=obs)+1)/(permutations+1))",
    "moran_I": 0.5579641463022116,
}


@pytest.fixture(scope="session")
def musterland_results():
    return build_musterland(lisa=False)


@pytest.fixture(scope="session")
def population():
    from sozialraum.demography import read_population

    return read_population(EX / "bevoelkerung_alter_2024.csv")


@pytest.fixture(scope="session")
def have_pdf_tools():
    missing = [p for p in ("pdftotext", "pdftoppm") if shutil.which(p) is None]
    if missing:
        pytest.skip(f"poppler-utils fehlt ({', '.join(missing)}): apt-get install -y poppler-utils")
    from sozialraum.report import ChromiumError, find_chromium

    try:
        find_chromium()
    except ChromiumError as e:
        pytest.skip(str(e))


@pytest.fixture(scope="session")
def inputs(musterland_results):
    """Report inputs of Musterland (intern material) with last year's status classes."""
    import dataclasses

    from sozialraum.monitor import run_monitor

    m = musterland_results
    py = m["previous_year"]
    prev = run_monitor(
        {py: m["counts"][py]},
        m["catalogue"],
        status={py: m["status"][py]},
        min_denominator=300,
        seed=1,
    )
    classes = prev.frame[["status_klasse"]]
    return dataclasses.replace(make_inputs(m), previous_classes=classes)


@pytest.fixture(scope="session")
def make_rdata():
    """The factory :func:`make_release_data` (``make_rdata(inputs, status=None)``)."""
    return make_release_data


@pytest.fixture(scope="session")
def make_data():
    """The factory :func:`make_report_data` (``make_data(results, level=..., **overrides)``)."""
    return make_report_data
