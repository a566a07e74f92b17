"""One deficit per area and age group in every product of the Musterland run.

The missing Kita places of one area and one age group, today and in 2035, must be the
same number in the GeoPackage, the Excel tables, ``kita_schulen.xlsx``, the
Sozialbericht, the Steckbrief, the web map and the municipality's package (printed as
whole places wherever a planner reads them). The municipality's figure in the report
is the one of ``kita_schulen.xlsx``.
"""

from __future__ import annotations

import html as _html
import re
from pathlib import Path

import openpyxl
import pandas as pd
import pyogrio
import pytest

from sozialraum.core.numbers import format_number


def _text(path: Path) -> str:
    """An HTML file as plain text: cells separated by ``|``."""
    s = re.sub(r"<[^>]+>", " | ", path.read_text(encoding="utf-8"))
    return re.sub(r"\s+", " ", _html.unescape(s))


@pytest.fixture(scope="module")
def out(demo_run) -> Path:
    return demo_run.out_dir


@pytest.fixture(scope="module")
def top(out):
    """The area with the most missing Kindergarten places today, from the internal GeoPackage."""
    g = pyogrio.read_dataframe(out / "intern" / "ergebnisse.gpkg", layer="sozialraeume")
    row = g.loc[g["kita_kindergarten_defizit"].idxmax()]
    assert row["kita_kindergarten_defizit"] > 10  # Musterland has a shortage to show
    return row


def _whole(x) -> str:
    return format_number(x, 0, "de")


def test_excel_tables_hold_the_same_numbers(out, top):
    wb = openpyxl.load_workbook(out / "intern" / "ergebnisse.xlsx", read_only=True)
    rows = list(wb["Sozialräume"].iter_rows(values_only=True))
    head = next(r for r in rows if r and "Kita Ü3 (3–5): fehlende Plätze 2024" in r)
    col = head.index("Kita Ü3 (3–5): fehlende Plätze 2024")
    col35 = head.index("Kita Ü3 (3–5): fehlende Plätze 2035 (mittel)")
    mine = next(r for r in rows if top["sr_id"] in r)
    assert mine[col] == pytest.approx(top["kita_kindergarten_defizit"])
    assert mine[col35] == pytest.approx(top["kita_kindergarten_defizit_2035_mittel"])
    long = pd.read_excel(
        out / "intern" / "kita_schulen.xlsx",
        sheet_name="Gebiete",
        header=2,
        dtype={"Schlüssel": str},
    )
    sel = long[
        (long["Altersgruppe"] == "kindergarten")
        & (long["Jahr"] == 2035)
        & (long["Szenario"] == "mittel")
        & (long["Schlüssel"] == top["sr_id"])
    ]
    assert sel["fehlende Plätze"].iloc[0] == pytest.approx(
        top["kita_kindergarten_defizit_2035_mittel"]
    )


def test_report_profile_and_map_show_the_same_whole_places(out, top):
    now, later = (
        _whole(top["kita_kindergarten_defizit"]),
        _whole(top["kita_kindergarten_defizit_2035_mittel"]),
    )
    # the Sozialbericht: the area leads the table of the most missing places
    rep = _text(out / "intern" / "sozialbericht_2024.html")
    part = rep[rep.index("Sozialräume mit den meisten fehlenden Plätzen heute") :]
    cells = [c.strip() for c in part.split("|") if c.strip()]
    i = cells.index(top["sr_name"])
    krippe = _whole(top["kita_krippe_defizit"])
    assert cells[i + 1 : i + 3] == [krippe, now]
    # the area's Steckbrief: its Kita section, row Ü3
    prof = next((out / "intern" / "steckbriefe").glob(f"steckbrief_{top['sr_id']}_*.html"))
    txt = _text(prof)
    sec = txt[txt.index("Kita-Planung") :]
    cells = [c.strip() for c in sec.split("|") if c.strip()]
    i = cells.index("Ü3 (3–5)")
    assert cells[i + 4] == now and cells[i + 6] == later
    # the web map: the layer and the area's value
    m = (out / "intern" / "webkarte.html").read_text(encoding="utf-8")
    assert '"title":"Kita Ü3 (3–5): fehlende Plätze 2024","field":"kita_kindergarten_defizit"' in m
    start = m.index(f'"properties":{{"sr_name":"{top["sr_name"]}"')
    val = re.search(r'"kita_kindergarten_defizit":"([^"]+)"', m[start:]).group(1)
    assert val == f"{now} Plätze"


def test_municipal_package_shows_the_same_numbers(out, top):
    pkg = out / f"kommunal-{top['ags']}"
    g = pyogrio.read_dataframe(next(pkg.glob("*.gpkg")), layer="sozialraeume")
    own = g.loc[g["sr_id"] == top["sr_id"]].iloc[0]
    assert own["kita_kindergarten_defizit"] == pytest.approx(top["kita_kindergarten_defizit"])
    prof = next((pkg / "steckbriefe").glob(f"steckbrief_{top['sr_id']}_*.html"))
    txt = _text(prof)
    cells = [c.strip() for c in txt[txt.index("Kita-Planung") :].split("|") if c.strip()]
    i = cells.index("Ü3 (3–5)")
    assert cells[i + 4] == _whole(top["kita_kindergarten_defizit"])
    m = (pkg / "webkarte.html").read_text(encoding="utf-8")
    start = m.index(f'"properties":{{"sr_name":"{top["sr_name"]}"')
    val = re.search(r'"kita_kindergarten_defizit":"([^"]+)"', m[start:]).group(1)
    assert val == f"{_whole(top['kita_kindergarten_defizit'])} Plätze"


def test_municipality_in_report_and_profile_is_the_balance_of_the_table(out, top):
    gem = pd.read_excel(
        out / "intern" / "kita_schulen.xlsx",
        sheet_name="Gemeinden",
        header=2,
        dtype={"Schlüssel": str},
    )
    sel = gem[
        (gem["Altersgruppe"] == "kindergarten")
        & (gem["Jahr"] == 2024)
        & (gem["Schlüssel"] == top["ags"])
    ].iloc[0]
    assert sel["fehlende Plätze"] == pytest.approx(max(sel["Bedarf"] - sel["Plätze"], 0.0))
    rep = _text(out / "intern" / "sozialbericht_2024.html")
    part = rep[rep.index("Fehlende Plätze je Gemeinde und Altersgruppe") :]
    cells = [c.strip() for c in part.split("|") if c.strip()]
    head = cells[: cells.index("Hort (6–9) 2035") + 1]
    i = cells.index(top["gemeinde"], len(head))
    offset = head.index("Ü3 (3–5) 2024") - head.index("Gemeinde")
    assert cells[i + offset] == _whole(sel["fehlende Plätze"])
    from sozialraum.core.text import slugify

    want = f"steckbrief_gemeinde_{slugify(top['gemeinde'])}"
    profiles = (out / "intern" / "steckbriefe").glob("steckbrief_gemeinde_*.html")
    prof = next(p for p in profiles if p.stem.lower() == want)
    txt = _text(prof)
    cells = [c.strip() for c in txt[txt.index("Kita-Planung") :].split("|") if c.strip()]
    i = cells.index("Ü3 (3–5)")
    assert cells[i + 4] == _whole(sel["fehlende Plätze"])


def test_schools_chapter_and_public_report(out):
    rep = _text(out / "intern" / "sozialbericht_2024.html")
    assert "Grundschulen" in rep and "Einschulung 2035" in rep
    pub = _text(out / "oeffentlich" / "sozialbericht_2024.html")
    assert "Kita-Planung" in pub and "Fehlende Plätze je Gemeinde" in pub
    assert "Sozialräume mit den meisten fehlenden Plätzen" not in pub  # area values are not public


def _html_files(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.html")) + sorted((folder / "steckbriefe").glob("*.html"))


def test_no_second_kita_or_care_deficit_in_any_product(out):
    """Regression: a second number of missing places beside [kita] and [pflege].

    The access analyses "Kita-Versorgung" (70 places per 100 children under 6, 2SFCA) and
    "Pflege" (15 per 100 aged 80+, E2SFCA) had targets of their own: every product showed
    "Kita-Versorgung: fehlende Plätze (2SFCA 3.000 m)" beside the missing places per age
    group of [kita] (and "Pflege: fehlende Plätze (E2SFCA 10.000 m)" beside those per form
    of care of [pflege]). Now the only deficit columns are those of [kita] and [pflege].
    """
    packages = [out / "intern", out / "oeffentlich", *sorted(out.glob("kommunal-*"))]
    assert len(packages) == 12
    seen_kita = 0
    for pkg in packages:
        for gpkg in pkg.glob("*.gpkg"):
            for layer, _ in pyogrio.list_layers(gpkg):
                cols = pyogrio.read_info(gpkg, layer=layer)["fields"]
                deficits = [c for c in cols if "defizit" in c and not c.endswith("_status")]
                assert all(c.startswith(("kita_", "pflege_defizit_")) for c in deficits), (
                    gpkg.name,
                    layer,
                    [c for c in deficits if not c.startswith(("kita_", "pflege_defizit_"))],
                )
                seen_kita += sum(c.startswith("kita_") for c in deficits)
        for xlsx in pkg.glob("*.xlsx"):
            wb = openpyxl.load_workbook(xlsx, read_only=True)
            for ws in wb.worksheets:
                for row in ws.iter_rows(values_only=True, max_row=6):
                    bad = [
                        h
                        for h in row
                        if isinstance(h, str)
                        and ("fehlende Plätze (" in h or h.startswith("Bestand–Bedarf: Fehlende"))
                    ]
                    assert not bad, (xlsx.name, ws.title, bad)
        for page in _html_files(pkg):
            txt = page.read_text(encoding="utf-8")
            assert "fehlende Plätze (" not in txt, page.relative_to(out)
    assert seen_kita > 0  # the test reads the [kita] columns it keeps
    demo = openpyxl.load_workbook(out / "intern" / "demografie.xlsx", read_only=True)
    assert not [s for s in demo.sheetnames if " heute und " in s]  # no second future deficit


def test_municipal_deficits_are_one_number_in_tables_and_packages(out):
    """The municipality's missing places (its own balance) in the GeoPackage and every package.

    The same numbers as the sheet "Gemeinden" of ``kita_schulen.xlsx`` (which the report's
    table and the municipal profiles show), per age group, year and scenario.
    """
    from sozialraum.demography.kita import kita_column

    gem = pd.read_excel(
        out / "intern" / "kita_schulen.xlsx",
        sheet_name="Gemeinden",
        header=2,
        dtype={"Schlüssel": str},
    )
    base = int(gem["Jahr"].min())
    ref = {}
    for _, r in gem.iterrows():
        scen = r["Szenario"] if isinstance(r["Szenario"], str) and r["Szenario"] else None
        year = None if int(r["Jahr"]) == base and scen is None else int(r["Jahr"])
        ref[(kita_column(r["Altersgruppe"], "defizit", year, scen), r["Schlüssel"])] = r[
            "fehlende Plätze"
        ]
    assert max(ref.values()) > 5  # Musterland has municipalities short of places
    packages = [out / "intern", out / "oeffentlich", *sorted(out.glob("kommunal-*"))]
    for pkg in packages:
        gpkg = next(p for p in pkg.glob("*.gpkg") if "ergebnisse" in p.name or pkg.name in p.name)
        g = pyogrio.read_dataframe(gpkg, layer="gemeinden", read_geometry=False)
        g = g.set_index(g["ags"].astype(str))
        shown = 0
        for (col, ags), want in ref.items():
            assert col in g.columns, (pkg.name, col)
            got = g.loc[ags, col]
            if pkg.name == "intern":
                assert got == pytest.approx(want), (col, ags)
            elif pd.notna(got):
                assert got == pytest.approx(want), (pkg.name, col, ags)
                shown += 1
        assert shown > 0 or pkg.name == "intern", pkg.name


def test_kita_reachability_stays_in_report_and_profile_without_a_deficit(out):
    """Regression: without its own target the catchment analysis vanished from the report.

    The Kita analysis of ``[[erreichbarkeit]]`` (2SFCA 3.000 m, the catchment of [kita])
    shows the places reachable per 100 children in the report's access section and the
    area's profile, by the same supply–need model, and no missing places of its own.
    """
    head = (
        "Kita-Versorgung: erreichbare Plätze je 100 der Zielgruppe (Einzugsbereich) – 2SFCA 3.000 m"
    )
    rep = _text(out / "intern" / "sozialbericht_2024.html")
    sec = rep[rep.index("Kita und Schule: Erreichbarkeit") :]
    sec = sec[: sec.index("Demografie")]
    cells = [c.strip() for c in sec.split("|") if c.strip()]
    assert head in cells and "fehlende" not in sec
    i = cells.index("Tannenbrück")
    assert cells[i + 1] == "12,7"  # 2SFCA: the places of the neighbouring Kitas count
    prof = next((out / "intern" / "steckbriefe").glob("steckbrief_07999001002_*.html"))
    txt = _text(prof)
    assert head in txt and "12,7" in txt
