"""A PDF the run printed from a checked HTML file is verified by checksums, not read again;
any other PDF (changed after printing, printed from a changed or unchecked HTML file, or
from HTML with scripts or linked resources) is read, and a leak in it is found."""

from __future__ import annotations

import pytest

from sozialraum.core.prints import forget_prints, print_sources, record_join, record_print
from sozialraum.privacy import ReleasePolicy, check_release, check_releases, write_packages
from sozialraum.privacy.checker import _prints_alone


def _chromium():
    from sozialraum.report.pdf import find_chromium

    try:
        find_chromium()
    except Exception:  # noqa: BLE001 - no browser on this machine
        pytest.skip("no Chromium to print with")


def _page(title: str, lines: list[str]) -> str:
    body = "".join(f"<p>{x}</p>" for x in lines)
    return f"<html><head><meta charset='utf-8'></head><body><h1>{title}</h1>{body}</body></html>"


def _leaky(data) -> tuple[str, list[str], list[str]]:
    """A profile page of a foreign area, without and with its withheld SGB-II rate."""
    a = data.areas
    k = a.index[(a["ags"] != "07999001") & (a["sgb2_quote"] > 0.5)][0]
    head = [f"Sozialraum {k} · Gemeinde {a.at[k, 'ags']} · Berichtsjahr 2024", "Statusklasse 3"]
    rate = f"{a.at[k, 'sgb2_quote']:.1f}".replace(".", ",")
    return str(a.at[k, "sr_name"]), head, head + [f"SGB-II-Quote {rate} %"]


def _print(folder, html: str, name: str = "steckbrief"):
    from sozialraum.report.pdf import html_to_pdf_batch

    src = folder / f"{name}.html"
    src.write_text(html, encoding="utf-8")
    return src, html_to_pdf_batch([src])[0]


def test_printed_pdf_of_a_checked_html_is_verified_not_read(ml_data, tmp_path):
    _chromium()
    data, _ = ml_data
    name, clean, _ = _leaky(data)
    html, pdf = _print(tmp_path, _page(f"Steckbrief {name}", clean))
    assert print_sources(pdf) is not None
    read = check_release(tmp_path, data, level="oeffentlich")
    fast = check_release(tmp_path, data, level="oeffentlich", prints=True)
    assert read.ok and fast.ok
    byname = {fc.file: fc for fc in fast.checked}
    assert byname["steckbrief.pdf"].printed_from == "steckbrief.html"
    assert byname["steckbrief.pdf"].values == 0  # not read again
    assert {fc.file: fc.printed_from for fc in read.checked}["steckbrief.pdf"] is None
    assert "steckbrief.pdf: PDF, Druck von steckbrief.html" in fast.to_text("de")


def test_leak_in_a_pdf_replaced_after_printing_is_found(ml_data, tmp_path):
    """The PDF's checksum no longer matches its print record: it is read, the leak found."""
    _chromium()
    data, _ = ml_data
    name, clean, leaky = _leaky(data)
    html, pdf = _print(tmp_path, _page(f"Steckbrief {name}", clean))
    other = tmp_path / "anders"
    other.mkdir()
    _src, leaked = _print(other, _page(f"Steckbrief {name}", leaky))
    pdf.write_bytes(leaked.read_bytes())  # a leaky PDF under the printed one's name
    for p in other.iterdir():
        p.unlink()
    other.rmdir()
    rep = check_release(tmp_path, data, level="oeffentlich", prints=True)
    assert list(rep.findings["file"]) == ["steckbrief.pdf"], rep.to_text()
    assert list(rep.findings["column"]) == ["sgb2_quote"]
    assert {fc.file: fc.printed_from for fc in rep.checked}["steckbrief.pdf"] is None


def test_pdf_of_an_html_changed_after_printing_is_read(ml_data, tmp_path):
    """The HTML was cleaned after a leaky print: the PDF is not its print any more."""
    _chromium()
    data, _ = ml_data
    name, clean, leaky = _leaky(data)
    html, _pdf = _print(tmp_path, _page(f"Steckbrief {name}", leaky))
    html.write_text(_page(f"Steckbrief {name}", clean), encoding="utf-8")
    rep = check_release(tmp_path, data, level="oeffentlich", prints=True)
    assert list(rep.findings["file"]) == ["steckbrief.pdf"], rep.to_text()


def test_pdf_whose_html_is_not_in_the_package_is_read(ml_data, tmp_path):
    _chromium()
    data, _ = ml_data
    name, _clean, leaky = _leaky(data)
    pkg = tmp_path / "paket"
    pkg.mkdir()
    html, pdf = _print(tmp_path, _page(f"Steckbrief {name}", leaky))
    target = pkg / "steckbrief.pdf"
    pdf.replace(target)
    html.unlink()
    rep = check_release(pkg, data, level="oeffentlich", prints=True)
    assert list(rep.findings["file"]) == ["steckbrief.pdf"], rep.to_text()


def test_pdf_of_html_with_a_script_is_read(ml_data, tmp_path):
    """A script could write numbers that are not in the HTML's text: its print is read."""
    _chromium()
    data, _ = ml_data
    name, clean, leaky = _leaky(data)
    script = f"<script>document.body.insertAdjacentHTML('beforeend', '<p>{leaky[-1]}</p>')</script>"
    page = _page(f"Steckbrief {name}", clean).replace("</body>", script + "</body>")
    _print(tmp_path, page)
    rep = check_release(tmp_path, data, level="oeffentlich", prints=True)
    assert {fc.file: fc.printed_from for fc in rep.checked}["steckbrief.pdf"] is None
    assert "steckbrief.pdf" in set(rep.findings["file"]), rep.to_text()


def test_prints_alone_only_for_html_that_shows_its_own_text():
    png = "data:image/png;base64,iVBORw0KGgo="
    assert _prints_alone(f"<html><body><p>1,5</p><img src='{png}' alt='x'></body></html>")
    assert _prints_alone('<style>@page { @bottom-center { content: "Seite " counter(page) } }')
    assert not _prints_alone("<script>document.write(12)</script>")
    assert not _prints_alone("<img src='karte.png'>")
    assert not _prints_alone(
        "<img src='data:image/svg+xml;base64,PHN2Zz48dGV4dD4xMiw1PC90ZXh0Pjwvc3ZnPg=='>"
    )  # text 12,5
    assert not _prints_alone("<link rel='stylesheet' href='a.css'>")
    assert not _prints_alone("<iframe src='data:text/html,1'></iframe>")
    assert not _prints_alone("<style>p::after { content: '12,5 %' }</style>")
    assert not _prints_alone("<div style=\"background: url('x.png')\"></div>")


def test_joined_pdf_is_verified_only_while_every_part_is(tmp_path):
    forget_prints()
    parts = []
    for i in range(2):
        html, pdf = tmp_path / f"{i}.html", tmp_path / f"{i}.pdf"
        html.write_text(f"<p>{i}</p>", encoding="utf-8")
        pdf.write_bytes(b"%%PDF part %d" % i)
        from sozialraum.core.prints import file_sha256

        record_print(html, pdf, file_sha256(html), pdf.read_bytes())
        parts.append(pdf)
    joined = tmp_path / "alle.pdf"
    joined.write_bytes(b"%PDF joined")
    record_join(parts, joined)
    assert [p.split("/")[-1] for p, _ in print_sources(joined)] == ["0.html", "1.html"]
    parts[1].write_bytes(b"%PDF changed")
    record_join(parts, joined)  # a part no longer a print: the join has no record
    assert print_sources(joined) is None
    joined.write_bytes(b"%PDF other")
    assert print_sources(joined) is None


def _three_packages(data, folder):
    """The public package and two municipal ones, written; as ``(folder, level, ags)``."""
    write_packages(data, folder, municipalities=["07999001", "07999002"])
    return [
        (folder / "oeffentlich", "oeffentlich", None),
        (folder / "kommunal-07999001", "kommunal", "07999001"),
        (folder / "kommunal-07999002", "kommunal", "07999002"),
    ]


def test_check_of_several_packages_equals_one_check_each(ml_data, tmp_path):
    data, _ = ml_data
    jobs = _three_packages(data, tmp_path)
    policy = ReleasePolicy()
    batch = check_releases(jobs, data, policy=policy, workers=2)
    one = [check_release(p, data, level=lv, ags=a, policy=policy) for p, lv, a in jobs]
    assert [r.to_text("de") for r in batch] == [r.to_text("de") for r in one]
    assert [r.findings.to_dict("records") for r in batch] == [
        r.findings.to_dict("records") for r in one
    ]


def test_an_embedded_svg_logo_without_digits_still_counts_as_printed_alone():
    """Regression: a district's SVG logo made every profile PDF be read again (and misread)."""
    import base64

    from sozialraum.privacy.checker import _prints_alone

    logo = '<svg xmlns="http://www.w3.org/2000/svg"><title>Landkreis</title><text x="5">Musterland</text></svg>'
    uri = "data:image/svg+xml;base64," + base64.b64encode(logo.encode()).decode()
    assert _prints_alone(f'<img src="{uri}"><p>Text</p>')
    digits = logo.replace("Musterland", "Musterland 2024")
    uri2 = "data:image/svg+xml;base64," + base64.b64encode(digits.encode()).decode()
    assert not _prints_alone(f'<img src="{uri2}">')  # a number in an image is read from the PDF
    assert not _prints_alone('<img src="logo.svg">')  # a linked file may change after the print


def test_packages_are_checked_as_they_become_ready_with_prints_made_after_the_fork(
    ml_data, tmp_path
):
    """``ready(i)`` is called in package order; a print recorded after the check's workers
    were forked is known to the worker that checks it (its records travel with the task)."""
    _chromium()
    from sozialraum.core import processes

    if not processes.can_fork():
        pytest.skip("this system cannot fork")
    data, _ = ml_data
    jobs = _three_packages(data, tmp_path)
    name, clean, _ = _leaky(data)
    called = []

    def ready(i: int) -> None:
        called.append(i)
        if i == 2:  # printed while the first packages are being checked
            _print(jobs[2][0], _page(f"Steckbrief {name}", clean))

    policy = ReleasePolicy()
    batch = check_releases(jobs, data, policy=policy, workers=2, ready=ready, prints=True)
    assert called == [0, 1, 2]
    assert all(r.ok for r in batch)
    byname = {fc.file: fc for fc in batch[2].checked}
    assert byname["steckbrief.pdf"].printed_from == "steckbrief.html"  # verified, not read
    one = check_release(jobs[2][0], data, level="kommunal", ags="07999002", prints=True)
    assert batch[2].to_text("de") == one.to_text("de")


def test_a_copy_forked_while_the_print_records_are_locked_can_read_them(tmp_path):
    """The printing thread may hold the records' lock at a fork: the copy gets a free one."""
    import multiprocessing as mp

    from sozialraum.core import prints, processes

    if not processes.can_fork():
        pytest.skip("this system cannot fork")
    html, pdf = tmp_path / "a.html", tmp_path / "a.pdf"
    html.write_text("<p>x</p>", encoding="utf-8")
    pdf.write_bytes(b"%PDF-1.4 x")
    record_print(html, pdf, prints.file_sha256(html), pdf.read_bytes())
    ctx = mp.get_context("fork")
    with prints._LOCK:  # held as by the printing thread
        proc = ctx.Process(target=lambda: print_sources(pdf))
        proc.start()
    proc.join(20)
    alive = proc.is_alive()
    if alive:
        proc.kill()
    assert not alive and proc.exitcode == 0
    assert prints.prints_under(tmp_path) and not prints.prints_under(tmp_path / "anders")
    forget_prints()
    prints.adopt_prints({str(pdf.resolve()): (prints.file_sha256(pdf), ((str(html), "x"),))})
    assert print_sources(pdf) == ((str(html), "x"),)


def test_raster_pixels_are_left_out_before_reading_and_nothing_else():
    """A profile's charts are nine tenths of its bytes: their base64 pixels are dropped before
    the page is read. What is read stays the same: text, attributes and embedded HTML
    documents (whose numbers are found), and SVG images (which can hold text)."""
    import base64

    from sozialraum.privacy.checker import _html_read, _Read, _without_raster_payloads

    pixels = base64.b64encode(bytes(range(256)) * 400).decode()  # digits, "+", "/" and "="
    inner = base64.b64encode(b"<p>Leistungsbezieher 417</p>").decode()
    svg = "data:image/svg+xml;base64," + base64.b64encode(b"<svg><text>12</text></svg>").decode()
    page = (
        f"<html><body><p>Quote 12,5 %</p><img src='data:image/png;base64,{pixels}' alt='Karte 3'>"
        f"<img src=\"data:image/JPEG;base64,{pixels[:4000]}\"><img src='{svg}'>"
        f"<iframe src='data:text/html;base64,{inner}'></iframe></body></html>"
    )
    short = _without_raster_payloads(page)
    assert pixels[:100] not in short and len(short) < len(page) / 50
    assert "data:image/png;base64,'" in short and 'data:image/JPEG;base64,"' in short
    assert svg in short and inner in short

    def read(text):
        acc = _Read("HTML")
        _html_read(text, "steckbrief.html", acc)
        return [(t.layer, t.lines) for t in acc.texts]

    assert read(short) == read(page)
    assert any("417" in line for _layer, lines in read(short) for line in lines)
    # pixels that happen to spell "/srcset=" looked like a resource; without them they are pixels
    assert not _prints_alone("<img src='data:image/png;base64,AAAA/srcset=AA'>")
    assert _prints_alone(_without_raster_payloads("<img src='data:image/png;base64,AA/srcset=A'>"))


def test_raster_pixels_left_out_exactly_as_the_pattern_does():
    """The fast path (closing quote, one translation) gives what the pattern gives,
    also where a payload is broken by a space, a line break or another character,
    has no closing quote, is empty, or sits in ``url(…)`` or in capitals."""
    import base64
    import re

    from sozialraum.privacy.checker import _without_raster_payloads

    pattern = re.compile(r"(data:image/(?:png|jpeg|gif|webp);base64,)[A-Za-z0-9+/=]+", re.I)
    px = base64.b64encode(bytes(range(256)) * 3).decode()
    cases = [
        f"<img src='data:image/png;base64,{px}' alt='Karte 3'>",
        f'<img src="data:image/webp;base64,{px[:50]} {px[50:]}" alt="7">',
        f"<img src='data:image/png;base64,{px[:40]}\n{px[40:]}'>",
        f"<img src='data:image/gif;base64,{px[:30]}%41{px[30:]}' alt='x'>",
        f"<img src=data:image/png;base64,{px} alt=1>",
        "<img src='data:image/png;base64,'> <img src=\"data:image/png;base64,\">",
        f'<div style="background:url(data:image/jpeg;base64,{px})">12</div>',
        f"<img src='DATA:IMAGE/PNG;BASE64,{px}'><img src='data:image/png;base64,{px}",
        f"data:image/png;base64,{px}' 'data:image/png;base64,{px}",
        "no images at all: 12,5 %",
    ]
    for page in cases:
        assert _without_raster_payloads(page) == pattern.sub(r"\1", page), page[:60]


def test_a_table_offered_twice_at_one_level_is_compared_once_and_found_in_both(
    ml_data, tmp_path, monkeypatch
):
    """A package and its website (same level and municipality) are checked by one process:
    a table equal to one compared before is not compared again, yet its findings (under
    each file's name) and the values it shows count for both, exactly as one check each."""
    import shutil

    import pandas as pd

    import sozialraum.privacy.checker as checker

    data, _ = ml_data
    jobs = _three_packages(data, tmp_path)
    pub = jobs[0][0]
    csv = next(pub.glob("*_sozialraeume.csv"))
    frame = pd.read_csv(csv, sep=";", dtype=str, encoding="utf-8-sig")
    k = data.areas.index[7]
    rate = f"{data.areas.at[k, 'sgb2_quote']:.1f}".replace(".", ",")
    frame = frame.rename(columns={"idx_sozial_klasse": "Größe"})  # a header of no known column
    frame.loc[frame.iloc[:, 0] == k, "Größe"] = rate + " %"  # a withheld rate, planted
    frame.to_csv(csv, sep=";", index=False, encoding="utf-8-sig")
    site = tmp_path / "webseite-oeffentlich"
    (site / "downloads").mkdir(parents=True)
    shutil.copy(csv, site / "downloads" / csv.name)
    batch_jobs = [*jobs, (site, "oeffentlich", None)]
    compared = []
    real = checker._Compare._table
    monkeypatch.setattr(
        checker._Compare, "_table", lambda self, tab: compared.append(tab.file) or real(self, tab)
    )
    policy = ReleasePolicy()
    batch = check_releases(batch_jobs, data, policy=policy, workers=1)
    assert compared.count(csv.name) == 1 and compared.count(f"downloads/{csv.name}") == 0
    monkeypatch.setattr(checker._Compare, "_table", real)
    one = [check_release(p, data, level=lv, ags=a, policy=policy) for p, lv, a in batch_jobs]
    assert [r.to_text("de") for r in batch] == [r.to_text("de") for r in one]
    assert not batch[0].ok and not batch[3].ok
    assert set(batch[3].findings["file"]) == {f"downloads/{csv.name}"}


def test_a_table_compared_before_gives_the_same_shown_cells_and_count(ml_data, tmp_path):
    """The replay of a compared table: the cells it shows exactly (for the sums that could
    be undone) and its count of numbers are those of comparing it."""
    from sozialraum.privacy import checker

    data, _ = ml_data
    jobs = _three_packages(data, tmp_path)
    gpkg = next(jobs[0][0].glob("*.gpkg"))
    read = checker._read_gpkg(gpkg, gpkg.name)
    model = checker._Internal(data, ReleasePolicy(), "oeffentlich", None, None)
    alone, memo = checker._Compare(model), {}
    first, again = checker._Compare(model, memo), checker._Compare(model, memo)
    for tab in read.tables:
        assert alone.table(tab) == first.table(tab) == again.table(tab)
    assert alone.known and again.known == first.known == alone.known
    assert again.values == first.values == alone.values
    assert len(memo) == len(read.tables)
