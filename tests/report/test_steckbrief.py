"""Steckbriefe and Sozialbericht as HTML on the real Musterland results.

References: the rates, roll-ups and monitor classes come straight from the
library (RatesResult, RollupResult, MonitorResult) and are formatted with
``format_number``; ranks are recomputed by sorting by hand.
"""

from __future__ import annotations

import dataclasses
import re
from html import unescape

import numpy as np
import pandas as pd
import pytest

from sozialraum.core.numbers import format_number
from sozialraum.errors import InputError
from sozialraum.report import (
    area_context,
    bericht_context,
    gemeinde_context,
    report_data_from_state,
    write_sozialbericht,
    write_steckbriefe,
)

KEY = "07999001001"  # Altstadt


@pytest.fixture(scope="module")
def data(musterland_results, population, make_data):
    return make_data(musterland_results, population=population)


def _row(html: str, label: str) -> list[str]:
    m = re.search(r"<tr><td>" + re.escape(label) + r"</td>(.*?)</tr>", html, re.S)
    assert m, label
    return [
        unescape(re.sub(r"<[^>]+>", "", c)).strip()
        for c in re.findall(r"<td[^>]*>(.*?)</td>", m.group(1), re.S)
    ]


def test_rows_match_library(data, musterland_results):
    m = musterland_results
    rates = m["rates"][2024].rates
    kreis = m["rollup"]["kreis"].frame
    ctx = area_context(data, KEY, charts_on=False)
    rows = {r["id"]: r for r in ctx["rows"]}
    assert set(rows) == set(m["catalogue"].indicators.index)
    for ind in ("sgb2_quote", "kinderarmut", "wahlbeteiligung"):
        assert rows[ind]["value"].startswith(format_number(rates.at[KEY, ind], 1))
        assert rows[ind]["district"].startswith(format_number(kreis[ind].iloc[0], 1))
    # rank by hand: need indicator → descending, resource (wahlbeteiligung) → ascending
    v = rates["sgb2_quote"].dropna().sort_values(ascending=False)
    assert rows["sgb2_quote"]["rank"] == f"{list(v.index).index(KEY) + 1} / {len(v)}"
    w = rates["wahlbeteiligung"].dropna().sort_values(ascending=True)
    assert rows["wahlbeteiligung"]["rank"] == f"{list(w.index).index(KEY) + 1} / {len(w)}"
    # change against the previous year's library rates, percentage points, arrow colour by direction
    d = rates.at[KEY, "sgb2_quote"] - m["rates"][2023].rates.at[KEY, "sgb2_quote"]
    assert rows["sgb2_quote"]["change"] == format_number(d, 1, sign=True) + " Pp."
    assert rows["sgb2_quote"]["arrow"] == ("↑" if d > 0 else "↓")
    assert rows["sgb2_quote"]["arrow_cls"] == ("bad" if d > 0 else "good")  # need: up = bad
    dw = rates.at[KEY, "wahlbeteiligung"] - m["rates"][2023].rates.at[KEY, "wahlbeteiligung"]
    assert rows["wahlbeteiligung"]["arrow_cls"] == (
        "good" if dw > 0 else "bad"
    )  # resource: up = good
    # classes from the monitor
    mon = m["monitor"].frame
    cls = {c["label"]: c["value"] for c in ctx["classes"]}
    assert cls["Statusklasse"] == mon.at[KEY, "status_klasse"]
    assert cls["Dynamikklasse"] == mon.at[KEY, "dynamik_klasse"]


def test_sentences_in_context(data, musterland_results):
    ctx = area_context(data, KEY, charts_on=False)
    pop = musterland_results["counts"][2024].at[KEY, "ew_ges"]
    assert ctx["sentences"][0] == f"Im Sozialraum Altstadt leben {format_number(pop, 0)} Menschen."
    sgb = next(r for r in ctx["rows"] if r["id"] == "sgb2_quote")
    assert sgb["sentence"].startswith("Die SGB-II-Quote liegt mit ")


def test_html_escapes_names(data, tmp_path):
    a = data.areas.copy()
    a.loc[KEY, "sr_name"] = '<script>alert("x")</script> & Co'
    d = dataclasses.replace(data, areas=a)
    files = write_steckbriefe(
        d, tmp_path, areas=[KEY], municipalities=False, pdf=False, combined=False
    )
    html = files[0].read_text(encoding="utf-8")
    assert "<script>" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; Co" in html
    rep = write_sozialbericht(d, tmp_path, pdf=False)[0].read_text(encoding="utf-8")
    assert "<script>" not in rep and "&lt;script&gt;" in rep


def test_template_override(data, tmp_path):
    tdir = tmp_path / "kreis_vorlagen"
    tdir.mkdir()
    (tdir / "_kopf.html.j2").write_text(
        '<header class="kopf"><div class="org">Landkreis Testhausen – Sozialplanung</div></header>',
        encoding="utf-8",
    )
    (tdir / "einstellungen.toml").write_text(
        'indikatoren = ["sgb2_quote", "kinderarmut"]\n[farben]\nprimaer = "#123456"\n',
        encoding="utf-8",
    )
    out = write_steckbriefe(
        data,
        tmp_path / "out",
        areas=[KEY],
        municipalities=False,
        pdf=False,
        combined=False,
        template_dir=tdir,
    )
    html = out[0].read_text(encoding="utf-8")
    assert "Landkreis Testhausen – Sozialplanung" in html
    assert "--primaer: #123456" in html
    assert "<td>SGB-II-Quote</td>" in html and "<td>Kinderarmut (SGB II unter 15)</td>" in html
    assert "<td>Wahlbeteiligung</td>" not in html  # not selected
    # without the override the built-in header is used
    plain = write_steckbriefe(
        data, tmp_path / "plain", areas=[KEY], municipalities=False, pdf=False, combined=False
    )[0].read_text(encoding="utf-8")
    assert "Testhausen" not in plain and "<td>Wahlbeteiligung</td>" in plain


def test_public_level_shows_no_suppressed_value(inputs, make_rdata, tmp_path):
    """A public profile (through a Release) never prints a secret value, index or z-profile."""
    from sozialraum.privacy import LevelRule, ReleasePolicy, make_release
    from sozialraum.report import report_data_from_release

    a = inputs.areas
    sgb, kin = a.at[KEY, "sgb2_quote"], a.at[KEY, "kinderarmut"]
    st = inputs.status.copy()
    st.loc[KEY, "sgb2_quote"] = "geheim"  # secret at source
    st.loc[KEY, "kinderarmut"] = "geheim_sekundaer"  # number left in place by mistake
    st.loc[KEY, "ew_ges"] = "geheim"  # even the population
    pop = a.at[KEY, "ew_ges"]
    shown = ("sgb2_quote", "kinderarmut", "alo_quote", "ew_ges")
    pol = ReleasePolicy(oeffentlich=LevelRule(sozialraeume=shown))
    rel = make_release(make_rdata(inputs, st), "oeffentlich", policy=pol)
    alo = rel.frame("areas").at[KEY, "alo_quote"]
    assert not np.isnan(alo)
    pub = report_data_from_release(rel, inputs)
    html = write_steckbriefe(
        pub, tmp_path, areas=[KEY], municipalities=False, pdf=False, combined=False
    )[0].read_text(encoding="utf-8")
    html = html.replace("\u00a0", " ")  # sentences join number and unit with a no-break space
    assert _row(html, "SGB-II-Quote")[0] == "geheim"
    assert _row(html, "Kinderarmut (SGB II unter 15)")[0] == "geheim"
    assert _row(html, "Kinderarmut (SGB II unter 15)")[2] == "–"  # no rank for a secret cell
    assert format_number(kin, 1) + " %" not in html and format_number(sgb, 1) + " %" not in html
    text = re.sub(r"data:[^\"]+", "", html)
    assert not re.search(r"\bnan\b", text, re.I), "a missing value was printed as nan"
    # public: classes yes, index values and z-score profile no
    assert format_number(pop, 0) not in html
    assert "Für den Sozialraum Altstadt liegt keine Einwohnerzahl vor." in html
    assert "Gesamtindex (z-Wert)" not in html and 'alt="Dimensionsprofil"' not in html
    assert 'alt="Bevölkerungspyramide"' not in html and 'alt="Lagekarte"' in html
    assert "Statusklasse" in html
    assert _row(html, "Arbeitslosenanteil")[0] == format_number(alo, 1) + " %"  # released value
    # rank among the areas whose value the public may see
    vis = rel.frame("areas")["alo_quote"].dropna()
    assert _row(html, "Arbeitslosenanteil")[2].endswith(f"/ {len(vis)}")


def test_not_rated_area_and_gemeinde(data, musterland_results):
    mon = musterland_results["monitor"].frame
    key = mon.index[~mon["bewertet"]][0]
    ctx = area_context(data, key, charts_on=False)
    assert any("nicht bewertet" in s for s in ctx["sentences"])
    assert {c["value"] for c in ctx["classes"] if c["label"] == "Statusklasse"} == {
        "nicht bewertet"
    }
    g = gemeinde_context(data, "07999001", charts_on=False)
    gem = musterland_results["rollup"]["gemeinde"].frame
    sgb = next(r for r in g["rows"] if r["id"] == "sgb2_quote")
    assert sgb["value"] == format_number(gem.at["07999001", "sgb2_quote"], 1) + " %"
    n_members = int((data.areas["ags"] == "07999001").sum())
    assert len(g["areas_of_gemeinde"]) == n_members
    assert g["sentences"][0].startswith("In der Gemeinde Musterstadt leben ")


def test_bericht_context(data, musterland_results):
    b = bericht_context(data, charts_on=False)
    mon = musterland_results["monitor"].frame
    not_rated = sorted(mon.index[~mon["bewertet"]])
    assert sorted(r["key"] for r in b["not_rated"]) == not_rated
    assert f"{len(not_rated)} Gebiete sind nicht bewertet" in " ".join(b["summary"])
    ranked = mon.loc[mon["bewertet"], "idx_gesamt"].sort_values(ascending=False)
    assert [r["key"] for r in b["ranking"][:5]] == list(ranked.index[:5])
    assert b["ranking"][0]["idx"] == format_number(ranked.iloc[0], 2)
    # the catalogue's / index's name, not the raw column "idx_gesamt"
    lisa = next(s for s in b["methods"]["spatial"] if s["column"] == "Gesamtindex")
    assert {"label": "Permutationen", "value": "999"} in lisa["items"]
    assert {"label": "Signifikanzniveau α", "value": "0,050"} in lisa["items"]
    assert "80 Sozialräumen und 10 Gemeinden" in b["summary"][0]


def test_from_state(musterland_results):
    from types import SimpleNamespace

    m = musterland_results
    # a LisaResult-like object with the columns the report takes over
    lisa = SimpleNamespace(
        frame=pd.DataFrame(
            {"lisa_cat": "nicht signifikant", "lisa_color": "#f0f0f0", "lisa_p": 0.5},
            index=m["areas"].index,
        ),
        params={"alpha": 0.05},
    )
    state = SimpleNamespace(
        lang="de",
        access={},
        year=2024,
        previous_year=2023,
        rates=m["rates"],
        areas=m["areas"],
        counts=m["counts"],
        status=m["status"],
        monitor=m["monitor"],
        lisa={"idx_gesamt": lisa},
        hotspots={},
        rollup=m["rollup"],
        gemeinden=m["gemeinden"],
        catalogue=m["catalogue"],
        config={"projekt": {"name": "Landkreis Musterland", "quelle": "Q"}},
        demography={},
    )
    with pytest.raises(InputError, match="Release"):
        report_data_from_state(state, level="kommunal")
    d = report_data_from_state(state)
    assert (
        d.level == "intern" and d.title == "Sozialbericht Landkreis Musterland" and d.source == "Q"
    )
    assert d.name(KEY) == "Altstadt" and d.gemeinde_name("07999001") == "Musterstadt"
    pd.testing.assert_series_equal(
        d.areas["sgb2_quote"], m["rates"][2024].rates["sgb2_quote"], check_names=False
    )
    assert "lisa_cat" in d.areas.columns and "lisa_p" not in d.areas.columns
    assert d.lisa_params == {"idx_gesamt": {"alpha": 0.05}}
    ctx = area_context(d, KEY, charts_on=False)
    assert ctx["spatial"][0]["value"] == "nicht signifikant"
    # municipality change: rolled-up rates of both years, by hand from the counts
    c24, c23 = m["counts"][2024], m["counts"][2023]
    inm = m["areas"]["ags"] == "07999001"
    r24 = c24.loc[inm, "sgb2_pers"].sum() / c24.loc[inm, "ew_0_64"].sum() * 100
    r23 = c23.loc[inm, "sgb2_pers"].sum() / c23.loc[inm, "ew_0_64"].sum() * 100
    g = gemeinde_context(d, "07999001", charts_on=False)
    sgb = next(r for r in g["rows"] if r["id"] == "sgb2_quote")
    assert sgb["value"] == format_number(r24, 1) + " %"
    assert sgb["change"] == format_number(r24 - r23, 1, sign=True) + " Pp."
    assert any(f["label"] == "Veränderung zum Vorjahr" for f in ctx["facts"])


def test_access_rows(data, musterland_results):
    """Access summary: documented columns and pipeline results (Bestand–Bedarf) in German format."""
    from types import SimpleNamespace

    from sozialraum.report.data import _access_from_state

    idx = data.areas.index
    acc = pd.DataFrame(
        {
            "grundschule_m": 1234.0,
            "hausarzt_m": 640.0,
            "kita_plaetze_je_100": 71.25,
            "kita_defizit": 12.0,
        },
        index=idx,
    )
    ctx = area_context(dataclasses.replace(data, access=acc), KEY, charts_on=False)
    got = {r["label"]: r["value"] for r in ctx["access"]}
    assert got == {
        "Nächste Grundschule": "1,2 km",
        "Nächste Hausarztpraxis": "640 m",
        "Kita-Plätze je 100 Kinder": "71,2",
        "Fehlende Kita-Plätze": "12",
    }
    bb = SimpleNamespace(
        frame=pd.DataFrame({"versorgung_je_100": [88.5], "defizit": [3.0]}, index=[KEY])
    )
    frame, meta = _access_from_state({"Kita-Versorgung": {"bestand_bedarf": bb}}, idx)
    assert frame.loc[KEY].tolist() == [88.5, 3.0] and frame.drop(KEY).isna().all().all()
    ctx = area_context(
        dataclasses.replace(data, access=frame, access_meta=meta), KEY, charts_on=False
    )
    assert {r["label"]: r["value"] for r in ctx["access"]} == {
        "Kita-Versorgung: Plätze im Gebiet je 100 der Zielgruppe": "88,5",  # by location
        "Kita-Versorgung: fehlende Plätze": "3",
    }
