"""The chapters "Pflege" and "Entwicklung über mehrere Jahre" and the district's templates."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from sozialraum.core.territory import Territory
from sozialraum.errors import ConfigError
from sozialraum.pipeline.bericht import report_options
from sozialraum.report import write_sozialbericht
from sozialraum.report.kapitel import pflege, trends

from .conftest import make_report_data

EXAMPLE_TEMPLATES = (
    __import__("pathlib").Path(__file__).parents[2] / "examples" / "musterland" / "vorlagen"
)


def _care_planning(gemeinden=None):
    return {
        "years": [2024, 2030, 2035],
        "base_year": 2024,
        "scenario": "mittel",
        "forms": ["stationaer"],
        "supply_forms": ["stationaer"],
        "form_labels": {"stationaer": "vollstationäre Pflege"},
        "method": "E2SFCA",
        "targets": {"stationaer": 100.0},
        "source": "pflege_praevalenz.csv",
        "district": {
            y: {
                "pflegebeduerftige": v,
                "pflege_stationaer": v / 5,
                "bedarf_stationaer": v / 5,
                "defizit_stationaer": d,
            }
            for y, v, d in ((2024, 5000.0, 12.0), (2030, 5600.0, 40.0), (2035, 6100.0, 88.0))
        },
        "gemeinden": gemeinden,
        "min_count": 3,
    }


def _with_care(data, keys):
    a = data.areas
    for c in (
        "pflegebeduerftige_2024",
        "pflegebeduerftige_2035",
        "pflege_defizit_stationaer_2035",
        "pflegebeduerftige_2030",
        "pflege_defizit_stationaer_2024",
        "pflege_defizit_stationaer_2030",
    ):
        a[c] = 0.0
    a.loc[keys[0], "pflege_defizit_stationaer_2035"] = 17.4
    a.loc[keys[0], "pflegebeduerftige_2035"] = 123.6
    a.loc[keys[1], "pflege_defizit_stationaer_2035"] = 3.0
    return data


def test_care_chapter_shows_district_totals_and_the_areas_deficit(musterland_results):
    data = make_report_data(musterland_results, planning={"pflege": _care_planning()})
    keys = list(data.areas.index)
    _with_care(data, keys)
    ch = pflege.pflege_chapter(data, {}, "de")
    assert ch.key == "pflege" and ch.title == "Pflege"
    district = ch.tables[0]
    assert district.columns == ("", "2024", "2030", "2035")
    assert district.rows[0] == ("Pflegebedürftige insgesamt", "5.000", "5.600", "6.100")
    assert ("fehlende Plätze: vollstationäre Pflege", "12", "40", "88") in district.rows
    areas = ch.tables[-1]
    first = areas.rows[0]
    assert first[0] == data.name(keys[0])  # largest deficit first
    assert first[-1] == "17" and first[2] == "124"
    assert areas.rows[1][0] == data.name(keys[1])
    assert "Schätzung" in ch.paragraphs[0]


def test_care_chapter_absent_without_care_and_section_per_area(musterland_results):
    data = make_report_data(musterland_results)
    assert pflege.pflege_chapter(data, {}, "de") is None
    data = make_report_data(musterland_results, planning={"pflege": _care_planning()})
    keys = list(data.areas.index)
    _with_care(data, keys)
    sec = pflege.pflege_section(data, "sozialraum", keys[0], {}, "de")
    rows = dict((r[0], r[1:]) for r in sec.tables[0].rows)
    assert rows["Pflegebedürftige (geschätzt)"] == ("0", "0", "124")
    assert rows["fehlende Plätze: vollstationäre Pflege"] == ("0", "0", "17")


def test_municipal_totals_only_internal():
    g = pd.DataFrame(
        {
            "pflegebeduerftige_2024": [2.4, 50.0],
            "pflegebeduerftige_2030": [2.0, 60.0],
            "pflegebeduerftige_2035": [2.0, 70.0],
        },
        index=["001", "002"],
    )
    p = _care_planning(gemeinden=g)
    for level in ("intern", "kommunal", "oeffentlich"):
        data = SimpleNamespace(
            planning={"pflege": p},
            level=level,
            gemeinde_name=str,
            territory=Territory.default(),
            areas=pd.DataFrame(index=["x"]),
        )
        t = pflege._gemeinden_table(data, p, True, "de")
        if level == "intern":
            assert t.rows[0][1] == "2" and t.rows[1][3] == "70"
        else:  # a total less the shown areas would reveal a suppressed area
            assert t is None
            assert pflege.pflege_section(data, "gemeinde", "002", {}, "de") is None


def _trend_data(level, status2022="geheim"):
    years = [2022, 2023, 2024]
    areas = {
        y: pd.DataFrame({"q": [10.0 + 2 * i, 5.0]}, index=["A", "B"]) for i, y in enumerate(years)
    }
    st = {
        y: pd.DataFrame({"q": pd.array([None, None], dtype="string")}, index=["A", "B"])
        for y in years
    }
    st[2022].loc["A", "q"] = status2022
    kreis = {y: pd.DataFrame({"q": [7.0 - i]}, index=["K"]) for i, y in enumerate(years)}
    kst = {y: pd.DataFrame({"q": pd.array([None], dtype="string")}, index=["K"]) for y in years}
    planning = {
        "trends": {
            "years": years,
            "areas": areas,
            "areas_status": st,
            "gemeinden": {},
            "gemeinden_status": {},
            "kreis": kreis,
            "kreis_status": kst,
        }
    }
    return SimpleNamespace(
        planning=planning,
        level=level,
        year=2024,
        areas=areas[2024],
        status=st[2024],
        kreis=kreis[2024],
        kreis_status=kst[2024],
        gemeinden=None,
        gemeinden_status=None,
    )


def test_secret_cells_stay_secret_in_every_year():
    s = trends.visible_series(_trend_data("intern"), "areas", "q")
    assert s.loc["A"].tolist() == [10.0, 12.0, 14.0]
    for level in ("kommunal", "oeffentlich"):
        # outside intern an earlier year is shown only from that year's checked release:
        # without one, only the report year (from the level's own release) is shown
        s = trends.visible_series(_trend_data(level), "areas", "q")
        assert list(s.columns) == [2024] and s.at["A", 2024] == 14.0
    # a level whose release does not carry the indicator shows no series at all
    d = _trend_data("oeffentlich")
    d.areas = d.areas.drop(columns="q")
    assert trends.visible_series(d, "areas", "q") is None


def test_trend_slope_by_hand_and_from_shown_values_only():
    s = trends.visible_series(_trend_data("intern"), "kreis", "q")
    slope, direction = trends._slopes(s, "de")
    assert slope["K"] == pytest.approx(-1.0) and direction["K"] == "fallend"
    s = trends.visible_series(_trend_data("intern"), "areas", "q")
    slope, direction = trends._slopes(s, "de")
    # ordinary least squares of (2022, 10), (2023, 12), (2024, 14): slope 2 per year
    assert slope["A"] == pytest.approx(2.0) and direction["A"] == "steigend"
    s = trends.visible_series(_trend_data("kommunal"), "areas", "q")
    slope, _ = trends._slopes(s, "de")
    assert np.isnan(slope["A"])  # one shown year is no trend


def test_trends_chapter_on_musterland(musterland_results):
    m = musterland_results
    data = make_report_data(m)
    years = [data.year - 2, data.year - 1, data.year]
    k = data.kreis.index[0]
    ind = data.indicator_ids[0]
    now = float(data.kreis.at[k, ind])
    # three years rising by 3 a year up to the report year's released value
    kreis = {y: data.kreis[[ind]].assign(**{ind: now - 3.0 * (data.year - y)}) for y in years}
    planning = {
        "trends": {
            "years": years,
            "areas": {},
            "areas_status": {},
            "gemeinden": {},
            "gemeinden_status": {},
            "kreis": kreis,
            "kreis_status": {},
        }
    }
    data = make_report_data(m, planning=planning)
    ch = trends.trends_chapter(data, {}, "de")
    assert ch.key == "trends" and ch.title == "Entwicklung über mehrere Jahre"
    t = ch.tables[0]
    assert t.caption == str(m["catalogue"].indicators.loc[ind, "label"])
    assert t.columns[1:4] == tuple(map(str, years))
    assert t.rows[0][-2] == "3,00" and t.rows[0][-1] == "steigend"


def _options(**bericht):
    cfg = SimpleNamespace(get=lambda s, d=None: bericht if s == "bericht" else d, path=None)
    return report_options(cfg, "de")


def test_template_keys_take_effect_in_the_html(musterland_results, tmp_path):
    data = make_report_data(musterland_results, planning={"pflege": _care_planning()})
    _with_care(data, list(data.areas.index))
    opts = _options(
        vorlagen=EXAMPLE_TEMPLATES,
        farbe_primaer="#123456",
        kapitel=["pflege"],
        fusszeile="Fußzeile des Kreises",
        vorwort="Erster Absatz.\n\nZweiter Absatz.",
    )
    html = write_sozialbericht(data, tmp_path, pdf=False, **opts.kwargs())[0].read_text("utf-8")
    assert "--primaer: #123456" in html  # colour from [bericht] over einstellungen.toml
    assert "data:image/svg+xml;base64," in html  # logo of the template folder
    assert "Dezernat Soziales" in html  # the district's own header
    assert "Fußzeile des Kreises" in html and "<p>Zweiter Absatz.</p>" in html
    assert ">7 Pflege</h2>" in html or "7 Pflege" in html
    opts = _options(kapitel=["trends"])
    html = write_sozialbericht(data, tmp_path, pdf=False, **opts.kwargs())[0].read_text("utf-8")
    assert "Pflegebedürftige insgesamt" not in html


def test_unknown_chapter_key_is_refused_with_a_suggestion():
    with pytest.raises(ConfigError, match=r"Kapitel 'pflge' gibt es nicht.*Meinten Sie 'pflege'\?"):
        _options(kapitel=["pflge"])
    with pytest.raises(ConfigError, match="farbe_primaer"):
        _options(farbe_primaer="blau")


def test_profile_lines_draw_every_shown_series_with_its_label(musterland_results, monkeypatch):
    """Regression: the small multiples were drawn without their series (empty axes)."""
    m = musterland_results
    data = make_report_data(m)
    key = str(data.areas.index[0])
    ind = data.indicator_ids[0]
    years = [data.year - 2, data.year - 1, data.year]
    areas = {y: data.areas[[ind]].assign(**{ind: float(i)}) for i, y in enumerate(years)}
    kreis = {y: data.kreis[[ind]] for y in years}
    planning = {
        "trends": {
            "years": years,
            "areas": areas,
            "areas_status": {},
            "gemeinden": {},
            "gemeinden_status": {},
            "kreis": kreis,
            "kreis_status": {},
        }
    }
    data = make_report_data(m, planning=planning)
    seen = {}
    draw = trends._draw_lines

    def fake(panels, labels):
        seen["panels"], seen["labels"] = panels, labels
        return draw(panels, labels)

    monkeypatch.setattr(trends, "_draw_lines", fake)
    sec = trends.trends_section(data, "sozialraum", key, {"text_indikatoren": [ind]}, "de")
    assert sec.figures[0].uri.startswith("data:image/png;base64,")
    assert seen["labels"] == [str(m["catalogue"].indicators.loc[ind, "label"])]
    own = seen["panels"][0][1]
    assert own[years[0]] == 0.0 and own[years[1]] == 1.0  # the earlier years as given


def test_earlier_years_outside_intern_come_from_that_years_release():
    """An earlier year shows what that year's release shows: its secondary suppression holds."""

    class _YearRelease:  # the two accessors of privacy.Release the chapter reads
        def __init__(self, values, codes):
            self._f = pd.DataFrame({"q": values}, index=["A", "B"])
            self._s = pd.DataFrame({"q": pd.array(codes, dtype="string")}, index=["A", "B"])

        def frame(self, kind):
            return self._f.copy()

        def status(self, kind):
            return self._s.copy()

    d = _trend_data("oeffentlich", status2022=None)
    d.planning["trends_releases"] = {
        2022: _YearRelease([10.0, 5.0], [None, None]),
        2023: _YearRelease([12.0, 5.0], ["geheim_sekundaer", None]),
    }
    s = trends.visible_series(d, "areas", "q")
    assert s.loc["A"].tolist()[0] == 10.0 and np.isnan(s.at["A", 2023]) and s.at["A", 2024] == 14.0
