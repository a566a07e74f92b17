"""PDF output: renders (pdftoppm), and its text (pdftotext) carries the library's figures.

Skips with the reason when Chromium or poppler-utils (pdftotext/pdftoppm) are absent.
"""

from __future__ import annotations

import subprocess

import pytest

from sozialraum.core.numbers import format_number
from sozialraum.report import (
    ChromiumError,
    find_chromium,
    html_to_pdf,
    write_sozialbericht,
    write_steckbriefe,
)

KEY = "07999001001"  # Altstadt


def _text(pdf) -> str:
    out = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True, check=True
    )
    return out.stdout


def _flat(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def data(musterland_results, population, make_data):
    return make_data(musterland_results, population=population)


@pytest.fixture(scope="module")
def steckbriefe(data, have_pdf_tools, musterland_results, tmp_path_factory):
    mon = musterland_results["monitor"].frame
    small = mon.index[~mon["bewertet"]][0]
    out = tmp_path_factory.mktemp("steckbriefe")
    files = write_steckbriefe(
        data, out, areas=[KEY, small], municipalities=True, pdf=True, combined=True
    )
    return {p.name: p for p in files}, small


def test_steckbrief_pdf_renders_and_has_figures(steckbriefe, musterland_results, tmp_path):
    files, _ = steckbriefe
    pdf = files["steckbrief_07999001001_Altstadt.pdf"]
    png = tmp_path / "seite"
    subprocess.run(
        ["pdftoppm", "-r", "40", "-png", "-f", "1", "-l", "1", str(pdf), str(png)], check=True
    )
    from PIL import Image

    page = next(tmp_path.glob("seite*.png"))
    im = Image.open(page).convert("L")
    assert im.size[0] > 250 and im.getextrema()[0] < 100  # a real page with dark ink
    m = musterland_results
    rates, kreis = m["rates"][2024].rates, m["rollup"]["kreis"].frame
    text = _flat(_text(pdf))
    assert "Steckbrief Sozialraum Altstadt" in text
    assert (
        f"Im Sozialraum Altstadt leben {format_number(m['counts'][2024].at[KEY, 'ew_ges'], 0)} Menschen."
        in text
    )
    for ind in ("sgb2_quote", "alo_quote", "wahlbeteiligung", "anteil_80plus"):
        assert format_number(rates.at[KEY, ind], 1) + " %" in text, ind
        assert format_number(kreis[ind].iloc[0], 1) + " %" in text, ind
    sgb, dist = (
        format_number(rates.at[KEY, "sgb2_quote"], 1),
        format_number(kreis["sgb2_quote"].iloc[0], 1),
    )
    assert (
        f"Die SGB-II-Quote liegt mit {sgb} % deutlich über dem Kreisdurchschnitt von {dist} %."
        in text
    )
    assert m["monitor"].frame.at[KEY, "status_klasse"] in text
    assert "Quelle: Statistisches Landesamt" in text and "Stand: 31.12.2024" in text


def test_not_rated_and_gemeinde_pdf(steckbriefe):
    files, small = steckbriefe
    pdf = next(
        p for n, p in files.items() if n.startswith(f"steckbrief_{small}") and n.endswith(".pdf")
    )
    assert "nicht bewertet" in _flat(_text(pdf))
    gem = files["steckbrief_gemeinde_Musterstadt.pdf"]  # the middle level's name, not its key
    text = _flat(_text(gem))
    assert "Steckbrief Gemeinde Musterstadt" in text and "Altstadt" in text


def test_combined_pdf_holds_every_profile(steckbriefe):
    files, small = steckbriefe
    pages = _text(files["steckbriefe_alle.pdf"]).split("\f")
    singles = [p for n, p in files.items() if n.endswith(".pdf") and n != "steckbriefe_alle.pdf"]
    assert len(singles) >= 3
    n_single = sum(len(_text(p).split("\f")) - 1 for p in singles)
    assert len(pages) - 1 == n_single  # each profile starts on a new page
    text = _flat(_text(files["steckbriefe_alle.pdf"]))
    assert text.count("Steckbrief Sozialraum") == 2 and text.count("Steckbrief Gemeinde") >= 1


def test_single_process_pdf_matches_batch(steckbriefe, tmp_path):
    files, _ = steckbriefe
    html = files["steckbrief_07999001001_Altstadt.html"]
    pdf = html_to_pdf(html, tmp_path / "einzeln.pdf")
    assert _flat(_text(pdf)) == _flat(_text(files["steckbrief_07999001001_Altstadt.pdf"]))


def test_sozialbericht_pdf(data, have_pdf_tools, musterland_results, tmp_path):
    html, pdf = write_sozialbericht(data, tmp_path, pdf=True)
    assert html.suffix == ".html" and pdf.suffix == ".pdf"
    raw = _text(pdf)
    text = _flat(raw)
    n_pages = raw.count("\f")
    assert (
        n_pages >= 4 and f"Seite 1 / {n_pages}" in text and f"Seite {n_pages} / {n_pages}" in text
    )
    mon = musterland_results["monitor"].frame
    for key in mon.index[~mon["bewertet"]]:
        assert key in text  # list of areas not rated
    assert "9 Gebiete sind nicht bewertet" in text
    top = mon.loc[mon["bewertet"], "idx_gesamt"].idxmax()
    assert format_number(mon.at[top, "idx_gesamt"], 2) in text
    kreis = musterland_results["rollup"]["kreis"].frame
    assert format_number(kreis["sgb2_quote"].iloc[0], 1) + " %" in text
    for words in (
        "Methodenanhang",
        "Rangliste",
        "Gebietstypen",
        "Veränderung seit dem Vorjahr",
        "Permutationen 999",
    ):
        assert words in text


def test_missing_chromium_message(monkeypatch, tmp_path):
    monkeypatch.setenv("SOZIALRAUM_CHROMIUM", str(tmp_path / "gibt-es-nicht"))
    with pytest.raises(ChromiumError, match="apt-get install -y chromium"):
        find_chromium()
    (tmp_path / "a.html").write_text("<p>x</p>", encoding="utf-8")
    with pytest.raises(ChromiumError, match="Chromium"):
        html_to_pdf(tmp_path / "a.html")


def test_batch_with_high_file_descriptors(have_pdf_tools, tmp_path):
    """The DevTools pipe must work whatever fd numbers the pipe gets (no silent fallback)."""
    import os
    import warnings

    from sozialraum.errors import SozialraumWarning
    from sozialraum.report import html_to_pdf_batch

    html = tmp_path / "a.html"
    html.write_text(
        "<p>Die SGB-II-Quote liegt mit 14,2 % über dem Kreisdurchschnitt.</p>", encoding="utf-8"
    )
    held = [os.open(os.devnull, os.O_RDONLY) for _ in range(12)]  # push the pipe's fds above 9
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", SozialraumWarning)
            (pdf,) = html_to_pdf_batch([html])
    finally:
        for fd in held:
            os.close(fd)
    assert "14,2 %" in _text(pdf)
