"""The Musterland run: offers by theme and measures on every map, offers in the report and the
packages, HzE in the municipal profiles with no hidden cell, and every package checked."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[2]
EX = ROOT / "examples" / "musterland"
_RUN, _NEW, _END = 1, 3, 4  # columns of the section table: unit, running, rate, new, ended


def _map_cfg(html: str) -> dict:
    start = html.rindex("SozialraumMap(map_")
    obj, _ = json.JSONDecoder().raw_decode(html[html.index("{", start) :])
    return obj


def _hidden_cells(threshold: int = 2):
    """The chapter's protected cells, computed from the case rows (independent of the run)."""
    from sozialraum.io import read_areas
    from sozialraum.monitor.hze import hze_figures, read_hze_cases
    from sozialraum.report.kapitel.hze import hze_hidden

    areas = read_areas(
        ROOT / "data" / "boundaries" / "musterland.gpkg", layer="sozialraeume", key="sr_id"
    )
    cases = read_hze_cases(EX / "hze_faelle.csv", areas=areas.index)
    res = hze_figures(cases, gemeinde_of=areas["ags"], all_areas=areas.index)
    year = max(res.years)
    fig = res.at("gemeinde", year)
    fig = fig[fig["art"] == "gesamt"].set_index("schluessel")
    return hze_hidden(res, year, threshold), fig


def _hze_row(text: str, name: str) -> list[str] | None:
    if "Hilfen nach dem SGB VIII" not in text:
        return None
    sec = text[text.index("Hilfen nach dem SGB VIII") :]
    sec = sec[: sec.index("</table>")]
    cells = re.findall(r"<t[dh][^>]*>\s*([^<]*?)\s*</t[dh]>", sec)
    i = cells.index(f"Gemeinde {name}")
    return cells[i : i + 5]


def check_municipal_hze(out: Path) -> int:
    """Every municipal profile outside intern shows the HzE cells as the chapter protects them."""
    from sozialraum.io import read_areas

    hidden, fig = _hidden_cells()
    gem = read_areas(ROOT / "data" / "boundaries" / "musterland.gpkg", layer="gemeinden", key="ags")
    gname = gem["gemeinde"].astype(str).to_dict()
    pages = {}
    for p in (out / "oeffentlich" / "steckbriefe").glob("steckbrief_gemeinde_*.html"):
        pages[p] = p.read_text(encoding="utf-8")
    for p in out.glob("kommunal-*/steckbriefe/steckbrief_gemeinde_*.html"):
        pages[p] = p.read_text(encoding="utf-8")
    assert len(pages) == 20  # ten public, ten in the municipal packages
    n_secret = 0
    for p, html in pages.items():
        key = next(
            k for k in fig.index if f"<td>Gemeinde {gname[k]}</td>" in html.replace("\n", "")
        )
        row = _hze_row(html, gname[key])
        assert row is not None, p
        for col, m in ((_RUN, "laufend"), (_NEW, "neu"), (_END, "beendet")):
            if hidden[("g", key, m)]:
                assert row[col] == "•", (p.name, m, row)
                n_secret += 1
            else:
                assert row[col] == str(int(fig.at[key, m])), (p.name, m, row)
    # area profiles outside intern: no HzE section
    for p in [*out.glob("oeffentlich/steckbriefe/steckbrief_0*.html")] + [
        *out.glob("kommunal-*/steckbriefe/steckbrief_0*.html")
    ]:
        assert "Hilfen nach dem SGB VIII" not in p.read_text(encoding="utf-8"), p
    return n_secret


def check_offers_and_measures(out: Path) -> None:
    """Offers by theme and measures on the maps, in the report and in the packages."""
    for pkg in ("intern", "oeffentlich", "kommunal-07999003"):
        cfg = _map_cfg((out / pkg / "webkarte.html").read_text(encoding="utf-8"))
        titles = [c["title"] for c in cfg["offers"]["cats"]]
        assert titles[:4] == [
            "Angebote: Gesundheit",
            "Angebote: Bildung & Freizeit",
            "Angebote: Leben & Wohnen",
            "Angebote: Förderung, Beratung & Hilfe",
        ], pkg
        assert len(cfg["offers"]["points"]) == 103
        assert "Maßnahmen" in [lay["title"] for lay in cfg["layers"]], pkg
    for level in ("intern", "oeffentlich"):
        html = (out / level / "sozialbericht_2024.html").read_text(encoding="utf-8")
        assert "Angebote</h2>" in html, level
    pub = pd.read_csv(
        out / "oeffentlich" / "angebote.csv", sep=";", encoding="utf-8-sig", dtype={"sr_id": str}
    )
    assert len(pub) == 80 and pub["Angebote insgesamt"].sum() == 103
    own = pd.read_csv(
        out / "kommunal-07999003" / "angebote.csv",
        sep=";",
        encoding="utf-8-sig",
        dtype={"sr_id": str},
    )
    assert len(own) and own["sr_id"].str.startswith("07999003").all()


def check_all_packages_passed(out: Path) -> None:
    rep = (out / "pruefbericht.txt").read_text(encoding="utf-8")
    heads = re.findall(r"^((?:oeffentlich|kommunal-\d+)(?:/webseite)?)(: in Ordnung)?$", rep, re.M)
    assert heads and all(ok for _, ok in heads), [h for h, ok in heads if not ok]


def test_run_shows_offers_measures_and_municipal_hze(demo_run):
    out = demo_run.out_dir
    check_offers_and_measures(out)
    assert check_municipal_hze(out) > 0  # Musterland has hidden municipal cells
    check_all_packages_passed(out)
