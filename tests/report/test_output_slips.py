"""Output slips seen on a large city, each pinned by a regression test.

* two different supply numbers shared one name ("Kita-Versorgung: Plätze je 100");
* the access table was cut at the PDF's right edge;
* page 2 of a profile held only the footnote;
* raw column names in titles ("LISA-Clusterkarte: status_index");
* the Methodenanhang showed English values ("rated", "unweighted mean …").
"""

from __future__ import annotations

import re
import subprocess

import numpy as np
import pandas as pd
import pytest

from sozialraum.report import bericht_context, write_sozialbericht, write_steckbriefe
from sozialraum.report.text import supply_label

KEY = "07999001001"


@pytest.fixture(scope="module")
def data(musterland_results, make_data):
    return make_data(musterland_results)


def test_supply_numbers_named_apart():
    inside = supply_label("Kita-Versorgung", "standort", "nach Standort")
    reach = supply_label("Kita-Versorgung", "2sfca", "2SFCA 2.000 m")
    assert inside != reach
    assert "im Gebiet" in inside and "Einzugsbereich" not in inside
    assert "erreichbare" in reach and "Einzugsbereich" in reach and "2SFCA" in reach
    assert "reachable" in supply_label("Kita", "e2sfca", lang="en")


def test_methods_annex_has_no_english_values(data):
    b = bericht_context(data, charts_on=False)
    values = [p["value"] for p in b["methods"]["params"]]
    values += [i["value"] for s in b["methods"]["spatial"] for i in s["items"]]
    text = " | ".join(values)
    for english in ("rated", "unweighted mean", "two-sided", "quantiles", "kmeans", "binary"):
        assert english not in text, english
    assert "ungewichtetes Mittel der Dimensionsindizes" in text
    assert "die bewerteten Gebiete" in text
    en = bericht_context(data, charts_on=False, lang="en")
    en_text = " | ".join(p["value"] for p in en["methods"]["params"])
    assert "unweighted mean of the dimension indices" in en_text


def test_spatial_headings_name_the_label_not_the_column(data):
    b = bericht_context(data, charts_on=False)
    assert [s["column"] for s in b["methods"]["spatial"]] == ["Gesamtindex"]


def test_lisa_cluster_map_title_uses_label(musterland_results):
    import matplotlib.pyplot as plt

    from sozialraum.spatial import build_weights, cluster_map, local_moran, moran_scatterplot

    m = musterland_results
    frame = m["areas"][["geometry"]].join(m["monitor"].frame)
    w = build_weights(m["areas"], "queen", islands="exclude")
    res = local_moran(frame, "idx_gesamt", w, permutations=99, seed=1)
    fig = cluster_map(res, lang="de", label="Gesamtindex")
    titles = [ax.get_title() for ax in fig.axes]
    assert "LISA-Clusterkarte: Gesamtindex" in titles
    assert not any("idx_gesamt" in t for t in titles)
    plt.close(fig)
    fig = moran_scatterplot(res, lang="de", label="Gesamtindex")
    assert "idx_gesamt" not in fig.axes[0].get_title()
    assert "Gesamtindex" in fig.axes[0].get_title()
    plt.close(fig)


def _wide_access(data):
    """Nine access columns with long labels (like a city with several analyses)."""
    import dataclasses

    cols = {
        f"a{i}": f"Angebot{i}-Versorgung: erreichbare Plätze je 100 der Zielgruppe"
        for i in range(9)
    }
    rng = np.random.default_rng(3)
    acc = pd.DataFrame(
        {c: rng.uniform(10, 99, len(data.areas)).round(1) for c in cols}, index=data.areas.index
    )
    meta = {c: {"label": lab, "unit": "", "decimals": 1} for c, lab in cols.items()}
    return dataclasses.replace(data, access=acc, access_meta=meta), cols


def test_access_table_split_into_narrow_tables(data):
    wide, cols = _wide_access(data)
    b = bericht_context(wide, charts_on=False)
    assert [len(tb["cols"]) for tb in b["access_tables"]] == [4, 4, 1]
    assert sum((tb["cols"] for tb in b["access_tables"]), []) == list(cols.values())


def _pdf_words(pdf) -> tuple[float, list[tuple[float, str]]]:
    """Page width and (xMax, word) of every word (pdftotext -bbox)."""
    out = subprocess.run(
        ["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    width = float(re.search(r'<page width="([\d.]+)"', out).group(1))
    words = [
        (float(m.group(1)), m.group(2))
        for m in re.finditer(
            r'<word xMin="[\d.]+" yMin="[\d.]+" xMax="([\d.]+)"[^>]*>([^<]*)<', out
        )
    ]
    return width, words


def test_access_table_not_cut_at_pdf_edge(data, have_pdf_tools, tmp_path):
    wide, cols = _wide_access(data)
    (html, pdf) = write_sozialbericht(wide, tmp_path, pdf=True)
    width, words = _pdf_words(pdf)
    assert max(x for x, _ in words) <= width  # nothing beyond the right edge
    text = " ".join(w for _, w in words)
    for i in range(9):
        assert f"Angebot{i}-" in text  # every column's head is printed
    name = wide.name(KEY)
    assert text.count(name) >= 3  # the name column is repeated in each part


def _page_images(pdf) -> dict[int, int]:
    """Number of images per page (pdfimages -list)."""
    out = subprocess.run(
        ["pdfimages", "-list", str(pdf)], capture_output=True, text=True, check=True
    ).stdout
    pages: dict[int, int] = {}
    for line in out.splitlines()[2:]:
        parts = line.split()
        if parts and parts[0].isdigit():
            pages[int(parts[0])] = pages.get(int(parts[0]), 0) + 1
    return pages


def _footer_words(html_path) -> set[str]:
    """Words of a profile's footnote (source line, method note) in its HTML."""
    import html as _html

    text = html_path.read_text(encoding="utf-8")
    foot = " ".join(re.findall(r'<footer class="fuss">(.*?)</footer>', text, flags=re.S))
    return set(_html.unescape(re.sub(r"<[^>]+>", " ", foot)).split())


@pytest.mark.parametrize("n_indicators", [3, None])
def test_profile_has_no_page_with_only_the_footnote(data, have_pdf_tools, tmp_path, n_indicators):
    """Regression: page 2 of a profile held only the footnote (source line, method note).

    With three indicators the old layout left everything but the end of the method
    note on page 1; the closing block (charts, tables, footnote) now moves as one.
    """
    ids = list(data.indicator_ids)[:n_indicators] if n_indicators else None
    files = write_steckbriefe(
        data,
        tmp_path,
        areas=[KEY],
        municipalities=True,
        combined=False,
        settings={"indikatoren": ids} if ids else None,
    )
    for pdf in [p for p in files if p.suffix == ".pdf"]:
        foot = _footer_words(pdf.with_suffix(".html"))
        out = subprocess.run(
            ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
        ).stdout
        images = _page_images(pdf)
        for no, page in enumerate(out.split("\f")[1:], start=2):
            words = set(page.split())
            if not words:
                continue
            only_note = words <= foot and images.get(no, 0) == 0
            assert not only_note, (pdf.name, no, page[:300])
