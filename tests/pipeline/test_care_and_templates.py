"""[pflege] and [bericht] in the run: config errors, and one deficit per area and form everywhere."""

from __future__ import annotations

import re
from types import SimpleNamespace

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

from sozialraum.core.numbers import format_number
from sozialraum.errors import ConfigError
from sozialraum.pipeline.config import load_config


def test_musterland_sets_care_and_templates(musterland):
    cfg = load_config(musterland["examples"] / "monitor.toml")
    assert cfg["pflege"]["jahre"] == [2030, 2035]
    assert cfg["bericht"]["vorlagen"].is_dir()


def test_unknown_chapter_key_names_the_key_and_suggests(musterland_config, tmp_path):
    p = musterland_config(tmp_path, ('titel = "', 'kapitel = ["pflege", "trend"]\ntitel = "'))
    with pytest.raises(
        ConfigError, match=r"kapitel \(in \[bericht\]\).*'trend'.*Meinten Sie 'trends'"
    ):
        load_config(p)


def test_missing_template_folder_names_the_key(musterland_config, tmp_path):
    p = musterland_config(tmp_path, ('vorlagen = "', 'vorlagen = "gibt_es_nicht/'))
    with pytest.raises(ConfigError, match=r"\[bericht\] vorlagen.*gibt_es_nicht"):
        load_config(p)


def test_care_without_demography_is_refused(musterland):
    from sozialraum.pipeline.steps_care import compute_care

    cfg = load_config(musterland["examples"] / "monitor.toml")
    state = SimpleNamespace(config=cfg, demography={}, lang="de")
    with pytest.raises(ConfigError, match=r"\[pflege\] braucht einen Abschnitt \[demografie\]"):
        compute_care(state)


def test_care_year_beyond_the_projection_names_the_key(musterland_config, tmp_path):
    from sozialraum.demography import project, read_population
    from sozialraum.demography.care import care_plan, read_care_prevalence

    ex = tmp_path
    p = musterland_config(ex)
    cfg = load_config(p)
    pop = read_population(
        sorted(cfg.files(cfg["demografie"]["dateien"], cfg["demografie"]["jahre"]).values()),
        key="sr_id",
    )
    areas = pd.DataFrame(index=sorted(set(pop["key"])))
    with pytest.raises(ConfigError, match=r"2040.*2024–2030.*jahre \(in \[pflege\]\)"):
        from sozialraum.core.doors import using_door

        with using_door("config"):
            care_plan(
                pop,
                project(pop, horizon=6),
                read_care_prevalence(cfg["pflege"]["praevalenz"]),
                areas,
                years=[2030, 2040],
            )


# ------------------------------------------------------------------ the run's products


def _gpkg_areas(path: pd.DataFrame) -> pd.DataFrame:
    import pyogrio

    layers = [name for name, _ in pyogrio.list_layers(path)]
    lay = next(x for x in layers if "sozialr" in x.lower() or x in ("areas", "ergebnisse"))
    g = gpd.read_file(path, layer=lay)
    key = next(c for c in ("sr_id", "key", "schluessel") if c in g.columns)
    return g.set_index(g[key].astype(str))


def test_one_deficit_per_area_and_form_in_every_product(demo_run):
    state = demo_run.state
    out = demo_run.out_dir
    care = state.care
    last = max(care["need"])
    sn = care["supply"][last]["stationaer"]
    ref = sn.frame["defizit"]
    assert (ref > 0.5).sum() >= 3  # not vacuous: some areas miss places in 2035
    col = f"pflege_defizit_stationaer_{last}"
    # internal GeoPackage and the columns of the report
    gp = _gpkg_areas(out / "intern" / "ergebnisse.gpkg")
    np.testing.assert_allclose(gp[col].reindex(ref.index).to_numpy(float), ref.to_numpy(float))
    # the internal Sozialbericht's table: the area with the largest deficit, same number
    html = (out / "intern" / f"sozialbericht_{state.year}.html").read_text(encoding="utf-8")
    assert "Pflege</h2>" in html and "Entwicklung über mehrere Jahre" in html
    assert "Dezernat Soziales" in html  # the district's own header ([bericht] vorlagen)
    defs = pd.DataFrame({f: care["supply"][last][f].frame["defizit"] for f in care["supply"][last]})
    top = defs.sum(axis=1).idxmax()
    name = state.areas.loc[top, state.config["gebiete"]["name"]]
    chapter = html[html.index('id="kap-pflege"') :]
    chapter = chapter[chapter.index("Gebiete mit den meisten fehlenden Pflegeplätzen") :]
    row = re.search(re.escape(name) + r"</td>(.*?)</tr>", chapter, re.S).group(1)
    assert format_number(ref[top], 0, "de") in row
    # the area's profile shows the same deficit
    prof = next((out / "intern" / "steckbriefe").glob(f"steckbrief_{top}_*.html"))
    assert format_number(ref[top], 0, "de") in prof.read_text(encoding="utf-8")
    # the web map has the care layers
    assert "fehlende Plätze vollstationäre Pflege" in (out / "intern" / "webkarte.html").read_text(
        encoding="utf-8"
    )
    # the municipal package of the top area's municipality: same number (places are no counts)
    ags = str(state.areas.loc[top, state.config["gebiete"]["gemeinde_spalte"]])
    pkg = next(p for p in out.iterdir() if p.name.startswith("kommunal") and ags in p.name)
    g = _gpkg_areas(next(pkg.glob("*.gpkg")))
    assert g.loc[top, col] == pytest.approx(ref[top])


def test_people_in_need_pass_the_privacy_step(demo_run):
    from sozialraum.privacy.suppression import count_columns, suppress_primary

    state = demo_run.state
    out = demo_run.out_dir
    cols = [c for c in state.care["columns"].columns if c.startswith("pflegebeduerftige_")]
    assert len(cols) == 3
    # the run's catalogue names them as counts: the privacy step treats them as such
    frame = state.care["columns"].copy()
    assert set(cols) <= set(count_columns(frame, state.catalogue))
    assert not any(c.startswith("pflege_defizit") for c in count_columns(frame, state.catalogue))
    frame.iloc[0, frame.columns.get_loc(cols[0])] = 1.7  # a small estimate
    _, st = suppress_primary(frame, columns=cols, threshold=3)
    assert str(st.iloc[0][cols[0]]).startswith("geheim")
    # the public package shows no area's people in need
    pub = next(p for p in out.iterdir() if p.name.startswith("oeffentlich"))
    g = _gpkg_areas(next(pub.glob("*.gpkg")))
    assert not any(c in g.columns and pd.to_numeric(g[c]).notna().any() for c in cols)
    # a municipal package shows its own areas' estimates (as every count of its own areas)
    ags = "07999002"
    pkg = next(p for p in out.iterdir() if p.name == f"kommunal-{ags}")
    g = _gpkg_areas(next(pkg.glob("*.gpkg")))
    own = g[g["ags"].astype(str) == ags]
    np.testing.assert_allclose(
        pd.to_numeric(own[cols[0]]).to_numpy(float),
        state.care["columns"][cols[0]].reindex(own.index).to_numpy(float),
    )
