"""Profiles printed together and cut apart: each PDF holds its own pages, as a print of its
own file would; files that do not share head and tail are printed one by one."""

from __future__ import annotations

import io

import pytest

from sozialraum.core.prints import print_sources
from sozialraum.report.pdf import _split_document, html_to_pdf_batch


def _browser():
    from sozialraum.report.pdf import find_chromium

    try:
        find_chromium()
    except Exception:  # noqa: BLE001 - no browser on this machine
        pytest.skip("no Chromium to print with")


HEAD = (
    "<html><head><meta charset='utf-8'><title>{title}</title>"
    "<style>@page {{ size: A4; }} .doc {{ page-break-after: always; }}"
    " .doc:last-child {{ page-break-after: auto; }}</style></head><body>\n"
)
TAIL = "\n</body></html>"


def _profile(title: str, paras: int) -> str:
    body = "".join(f"<p>{title} Absatz {i}</p>" for i in range(paras))
    return f"<section class='doc'><h1>{title}</h1>{body}</section>"


def _text(pdf) -> str:
    from pypdf import PdfReader

    return "\n".join(p.extract_text() or "" for p in PdfReader(str(pdf)).pages)


def _pages(pdf) -> int:
    from pypdf import PdfReader

    return len(PdfReader(str(pdf)).pages)


def test_profiles_printed_together_are_cut_into_their_own_pages(tmp_path):
    _browser()
    # one short profile, one of three pages, one short again
    specs = [("Steckbrief Altstadt", 3), ("Steckbrief Neustadt", 120), ("Steckbrief Hafen", 2)]
    files = _profiles(tmp_path, specs)
    pdfs = html_to_pdf_batch(files, sections=True, workers=1)
    alone = tmp_path / "einzeln"
    alone.mkdir()
    single = html_to_pdf_batch(files, alone, workers=1)  # each file printed on its own
    for (title, _n), pdf, ref in zip(specs, pdfs, single, strict=True):
        text = _text(pdf)
        assert title in text
        assert all(other not in text for other, _ in specs if other != title)
        assert _pages(pdf) == _pages(ref)
        src = print_sources(pdf)
        assert src is not None and src[0][0] == str(files[specs.index((title, _n))].resolve())
    assert _pages(pdfs[1]) >= 3
    from pypdf import PdfReader

    assert PdfReader(str(pdfs[0])).metadata.title == "Steckbrief Altstadt"


def test_marks_show_nothing_whatever_the_template_says_of_links(tmp_path):
    """A template's own link style (text after links, borders, room) does not reach the marks."""
    _browser()
    from pypdf import PdfReader

    loud = "a::after {{ content: ' LINK'; }} a {{ display: block; height: 300mm; border: 5mm solid red; }}"
    head = HEAD.replace("</style>", loud + "</style>")
    specs = [("Steckbrief Altstadt", 3), ("Steckbrief Neustadt", 2)]
    files = _profiles(tmp_path, specs, head)
    pdfs = html_to_pdf_batch(files, sections=True, workers=1)
    alone = tmp_path / "einzeln"
    alone.mkdir()
    single = html_to_pdf_batch(files, alone, workers=1)
    for pdf, ref in zip(pdfs, single, strict=True):
        assert print_sources(pdf) is not None  # cut from the joint print
        assert "LINK" not in _text(pdf) and _text(pdf) == _text(ref)
        assert _pages(pdf) == _pages(ref) == 1
        assert all("/Annots" not in page for page in PdfReader(str(pdf)).pages)


def test_files_with_another_head_are_printed_one_by_one(tmp_path):
    _browser()
    a, b = tmp_path / "a.html", tmp_path / "b.html"
    a.write_text(HEAD.format(title="A") + _profile("Teil A", 2) + TAIL, encoding="utf-8")
    other = HEAD.replace("A4", "A5").format(title="B")
    b.write_text(other + _profile("Teil B", 2) + TAIL, encoding="utf-8")
    pdfs = html_to_pdf_batch([a, b], sections=True, workers=1)
    assert "Teil A" in _text(pdfs[0]) and "Teil B" in _text(pdfs[1])
    assert "Teil B" not in _text(pdfs[0])


def test_document_parts_only_for_one_section_with_one_heading():
    page = HEAD.format(title="T") + _profile("Profil", 1) + TAIL
    head, body, tail, title = _split_document(page)
    assert head + body + tail == page and title == "Profil"
    two = page.replace("</section>", "<h1>Noch eins</h1></section>")
    assert _split_document(two) is None
    assert _split_document("<html><body><p>kein Abschnitt</p></body></html>") is None
    counted = page.replace("@page {", "@page { @bottom-center { content: counter(page) } ")
    assert _split_document(counted) is None


def _profiles(folder, specs, head: str = HEAD):
    files = []
    for title, n in specs:
        f = folder / f"{title.split()[-1]}.html"
        f.write_text(head.format(title=title) + _profile(title, n) + TAIL, encoding="utf-8")
        files.append(f)
    return files


def test_joined_file_is_made_from_the_joint_prints_and_recorded_as_all_files(tmp_path, monkeypatch):
    _browser()
    from pypdf import PdfReader

    from sozialraum.report import pdf as pdfmod
    from sozialraum.report.pdf import merge_pdfs

    specs = [("Steckbrief Altstadt", 3), ("Steckbrief Neustadt", 120), ("Steckbrief Hafen", 2)]
    files = _profiles(tmp_path, specs)
    alle = tmp_path / "alle.pdf"

    def no_merge(*a, **kw):
        raise AssertionError("the single PDFs are read again")

    with monkeypatch.context() as m:
        m.setattr(pdfmod, "merge_pdfs", no_merge)
        pdfs = html_to_pdf_batch(files, sections=True, workers=2, joined=(alle, "Alle Steckbriefe"))
    assert alle not in pdfs and alle.is_file()
    # the same pages and text as the single PDFs joined one after the other
    ref = merge_pdfs(pdfs, tmp_path / "verbunden.pdf")
    assert _pages(alle) == _pages(ref) == sum(_pages(p) for p in pdfs)
    assert [p.extract_text() for p in PdfReader(str(alle)).pages] == [
        p.extract_text() for p in PdfReader(str(ref)).pages
    ]
    assert PdfReader(str(alle)).metadata.title == "Alle Steckbriefe"
    # recorded as the print of every file, in order (the release check reads their HTML)
    src = print_sources(alle)
    assert src is not None and [p for p, _ in src] == [str(f.resolve()) for f in files]
    alle.write_bytes(alle.read_bytes() + b"\n% changed")
    assert print_sources(alle) is None


def test_joined_file_of_files_printed_one_by_one_is_merged(tmp_path):
    _browser()
    a, b = tmp_path / "a.html", tmp_path / "b.html"
    a.write_text(HEAD.format(title="A") + _profile("Teil A", 2) + TAIL, encoding="utf-8")
    other = HEAD.replace("A4", "A5").format(title="B")
    b.write_text(other + _profile("Teil B", 2) + TAIL, encoding="utf-8")
    alle = tmp_path / "alle.pdf"
    pdfs = html_to_pdf_batch([a, b], sections=True, workers=1, joined=(alle, None))
    text = _text(alle)
    assert text.index("Teil A") < text.index("Teil B")
    assert _pages(alle) == sum(_pages(p) for p in pdfs)
    src = print_sources(alle)
    assert src is not None and [p for p, _ in src] == [str(a.resolve()), str(b.resolve())]


def test_a_print_request_is_plain_data():
    import pickle
    from pathlib import Path

    from sozialraum.report.pdf import PrintJob

    job = PrintJob(
        (Path("/tmp/a.html"),),
        (Path("/tmp/a.pdf"),),
        sections=True,
        joined=(Path("/tmp/alle.pdf"), "Alle"),
    )
    assert pickle.loads(pickle.dumps(job)) == job


def _marked_pdf(path, form: str):
    """Five blank pages; marks 0, 1, 2 on pages 1, 3, 4, each with its self-link there.

    ``form``: "catalog" (``/Dests`` in the catalog, as the browser writes them),
    "tree" (a ``/Names`` tree, as pypdf writes them), "late" (mark 2 on page 1 as well
    as 1: not after the one before), "missing" (mark 2 not there), "nolink" (mark 1's
    link annotation not on its page).
    """
    from pypdf import PdfWriter
    from pypdf.generic import (
        ArrayObject,
        DictionaryObject,
        FloatObject,
        NameObject,
        NumberObject,
    )

    from sozialraum.report.pdf import _MARK

    w = PdfWriter()
    for _ in range(5):
        w.add_blank_page(200, 200)
    pages = {0: 0, 1: 2, 2: 3} if form != "late" else {0: 0, 1: 2, 2: 2}
    if form == "missing":
        del pages[2]
    dests = DictionaryObject()
    for k, p in pages.items():
        target = ArrayObject([w.pages[p].indirect_reference, NameObject("/XYZ")])
        target += [FloatObject(0), FloatObject(200), NumberObject(0)]
        if form == "tree":
            w.add_named_destination_array(f"{_MARK}{k}", target)
        else:
            dests[NameObject(f"/{_MARK}{k}")] = target
        if form == "nolink" and k == 1:
            continue
        link = DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Annot"),
                NameObject("/Subtype"): NameObject("/Link"),
                NameObject("/Rect"): ArrayObject([NumberObject(x) for x in (0, 0, 1, 1)]),
                NameObject("/Dest"): NameObject(f"/{_MARK}{k}"),
            }
        )
        other = DictionaryObject({NameObject("/Subtype"): NameObject("/Link")})
        w.pages[p][NameObject("/Annots")] = ArrayObject(
            [w._add_object(link)] + ([w._add_object(other)] if k == 1 else [])
        )
    if form != "tree":
        w._root_object[NameObject("/Dests")] = w._add_object(dests)
    with open(path, "wb") as f:
        w.write(f)
    return path


@pytest.mark.parametrize("form", ["catalog", "tree", "late", "missing", "nolink"])
def test_joint_print_is_cut_at_its_marks_and_the_marks_links_are_taken_out(tmp_path, form):
    from pypdf import PdfReader

    from sozialraum.report.pdf import _cut_pages

    reader = PdfReader(str(_marked_pdf(tmp_path / "m.pdf", form)))
    pieces = _cut_pages(reader, ["A", "B", None])
    if form in ("late", "missing", "nolink"):
        assert pieces is None  # left to be printed file by file
        return
    cut = [PdfReader(io.BytesIO(b)) for b in pieces]
    assert [len(r.pages) for r in cut] == [2, 1, 2]
    assert [r.metadata.title for r in cut[:2]] == ["A", "B"]
    # only the marks' own links go; another link on a mark's page stays
    annots = [[a.get_object() for a in p.get("/Annots", [])] for r in cut for p in r.pages]
    assert [len(a) for a in annots] == [0, 0, 1, 0, 0]
    assert "/Dest" not in annots[2][0]


def test_several_print_jobs_together_give_what_each_gives_alone(tmp_path):
    """The background printer prints waiting jobs together (the tabs stay busy)."""
    _browser()
    from sozialraum.report.pdf import PdfPrinter, PrintJob, run_print_job, run_print_jobs

    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir(), b.mkdir()
    fa = _profiles(a, [("Steckbrief Altstadt", 3), ("Steckbrief Neustadt", 120)])
    fb = _profiles(b, [("Steckbrief Hafen", 2), ("Steckbrief Heide", 4), ("Steckbrief Au", 1)])
    jobs = [
        PrintJob(
            tuple(fa),
            tuple(f.with_suffix(".pdf") for f in fa),
            sections=True,
            joined=(a / "alle.pdf", "A"),
        ),
        PrintJob(tuple(fb), tuple(f.with_suffix(".pdf") for f in fb), sections=True),
    ]
    with PdfPrinter(workers=2) as printer:
        together = run_print_jobs(printer, jobs)
        texts = {p: _text(p) for outs in together for p in outs}
        joined = _text(a / "alle.pdf")
        for job in jobs:
            run_print_job(printer, job)  # again, one job at a time
    assert [len(o) for o in together] == [2, 3]
    for outs in together:
        for p in outs:
            assert _text(p) == texts[p] and print_sources(p) is not None
    assert _text(a / "alle.pdf") == joined
    assert joined.index("Altstadt") < joined.index("Neustadt")
    assert print_sources(a / "alle.pdf") is not None


def test_waiting_jobs_are_printed_in_one_batch(tmp_path, monkeypatch):
    _browser()
    import threading

    from sozialraum.report import pdf as pdfmod

    batches = []
    real = pdfmod.run_print_jobs

    def spy(printer, jobs, on_job_done=None):
        batches.append(len(jobs))
        return real(printer, jobs, on_job_done)

    monkeypatch.setattr(pdfmod, "run_print_jobs", spy)
    release = threading.Event()
    folders = [tmp_path / f"p{i}" for i in range(4)]
    with pdfmod.printing_session(background=True, workers=2):
        for i, d in enumerate(folders):
            d.mkdir()
            files = _profiles(d, [(f"Steckbrief X{i}", 2)])
            # the first job holds the printing thread until the others wait in its queue
            then = (lambda: release.wait(30)) if i == 0 else None
            pdfmod.html_to_pdf_batch(files, sections=True, then=then)
        release.set()
        pdfmod.finish_printing()
    assert sum(batches) == 4 and max(batches) >= 2  # the waiting jobs went together
    assert all((d / f"X{i}.pdf").is_file() for i, d in enumerate(folders))


def test_each_job_is_done_as_soon_as_its_own_pdfs_exist(tmp_path):
    """A package is checked once its own PDFs exist, not when the whole batch is printed."""
    _browser()
    from pypdf import PdfReader

    from sozialraum.report.pdf import PdfPrinter, PrintJob, run_print_jobs

    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir(), b.mkdir()
    fa = _profiles(a, [("Steckbrief Altstadt", 2)])
    fb = _profiles(b, [("Steckbrief Hafen", 200), ("Steckbrief Heide", 4)])
    report = tmp_path / "bericht.html"
    report.write_text(
        HEAD.format(title="Bericht") + "<h1>Bericht</h1><h2>Teil</h2><p>x</p>" + TAIL,
        encoding="utf-8",
    )
    jobs = [
        PrintJob(tuple(fa), tuple(f.with_suffix(".pdf") for f in fa), sections=True),
        PrintJob((report,), (report.with_suffix(".pdf"),)),  # another document
        PrintJob(tuple(fb), tuple(f.with_suffix(".pdf") for f in fb), sections=True),
    ]
    seen = []

    def done(k: int) -> None:
        seen.append((k, all(p.is_file() for p in jobs[k].outs)))

    with PdfPrinter(workers=2) as printer:
        run_print_jobs(printer, jobs, on_job_done=done)
    assert sorted(k for k, _ in seen) == [0, 1, 2] and all(ok for _, ok in seen)
    assert seen[-1][0] == 2  # the long profile last
    assert not PdfReader(str(report.with_suffix(".pdf"))).outline  # as printed on its own


def test_a_warm_session_starts_its_browser_before_the_first_document(tmp_path):
    """``warm=True``: the browser and its tabs are up while the caller still writes; the
    prints are those of a session started at the first document."""
    import time

    from sozialraum.report.pdf import finish_printing, printing_session

    _browser()
    f = tmp_path / "a.html"
    f.write_text(HEAD.format(title="A") + _profile("Steckbrief Altstadt", 3) + TAIL, "utf-8")
    for d in ("warm", "cold"):
        (tmp_path / d).mkdir()
    with printing_session(background=True, warm=True, workers=2) as printer:
        deadline = time.monotonic() + 60
        while len(printer._tabs) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(printer._tabs) == 2  # started with no document asked for
        (pdf,) = html_to_pdf_batch([f], tmp_path / "warm")
        finish_printing()
    (ref,) = html_to_pdf_batch([f], tmp_path / "cold", workers=1)
    assert _text(pdf) == _text(ref) and "Altstadt Absatz 2" in _text(pdf)


def test_a_warm_start_that_fails_is_reported_by_the_first_print(tmp_path, monkeypatch):
    """Without a browser the warm start says nothing; the first print reports the missing
    browser exactly as it does in a session that starts at the first document."""
    from sozialraum.report.pdf import ChromiumError, finish_printing, printing_session

    monkeypatch.setenv("SOZIALRAUM_CHROMIUM", str(tmp_path / "kein-browser"))
    f = tmp_path / "a.html"
    f.write_text(HEAD.format(title="A") + _profile("A", 1) + TAIL, "utf-8")
    said = []
    for warm in (False, True):
        (tmp_path / str(warm)).mkdir()
        with pytest.raises(ChromiumError) as err:
            with printing_session(background=True, warm=warm) as printer:
                html_to_pdf_batch([f], tmp_path / str(warm))
                finish_printing()
        assert printer._cdp is None
        said.append(str(err.value))
    assert said[0] == said[1] and "Chromium" in said[0]


def _chart(seed: int, size=(60, 40)) -> str:
    """An ``<img>`` of a chart-like PNG (flat colour bands) of :func:`encode_png`."""
    import base64

    import numpy as np

    from sozialraum.report.png import encode_png

    rng = np.random.default_rng(seed)
    w, h = size
    bands = rng.integers(0, 256, size=(h // 4 + 1, 1, 3), dtype=np.uint8)
    px = np.repeat(np.repeat(bands, 4, axis=0)[:h], w, axis=1)
    uri = base64.b64encode(encode_png(np.ascontiguousarray(px))).decode()
    return f"<img style='width:{w * 2}px' src='data:image/png;base64,{uri}'>"


def _render(pdf, folder, name) -> list:
    import subprocess

    import numpy as np
    from PIL import Image

    subprocess.run(["pdftoppm", "-r", "60", "-png", str(pdf), str(folder / name)], check=True)
    return [np.asarray(Image.open(p)) for p in sorted(folder.glob(f"{name}*.png"))]


def _image_filters(pdf) -> list:
    from pypdf import PdfReader

    out = []
    for page in PdfReader(str(pdf)).pages:
        for ref in (page["/Resources"].get("/XObject") or {}).values():
            obj = ref.get_object()
            parms = obj.get("/DecodeParms") or {}
            out.append((str(obj.get("/Filter")), parms.get("/Predictor")))
    return out


def _chart_profiles(folder, hide: bool = False):
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGBA", (30, 20), (200, 30, 30, 120)).save(buf, "PNG")  # translucent: the browser's
    import base64

    own = f"<img src='data:image/png;base64,{base64.b64encode(buf.getvalue()).decode()}'>"
    files = []
    for k, title in enumerate(["Steckbrief Altstadt", "Steckbrief Neustadt", "Steckbrief Hafen"]):
        hidden = "<div style='display:none'>" + _chart(99) + "</div>" if hide and k == 1 else ""
        body = f"<p>{title}</p>{_chart(k)}{_chart(10 + k, (80, 24))}{own}{hidden}"
        f = folder / f"{title.split()[-1]}.html"
        f.write_text(
            HEAD.format(title=title)
            + f"<section class='doc'><h1>{title}</h1>{body}</section>"
            + TAIL,
            encoding="utf-8",
        )
        files.append(f)
    return files


def _browser_prints_charts(monkeypatch, files, folder):
    """The joint prints of ``files`` as the browser makes them, charts and all (no stand-ins)."""
    from sozialraum.report.print_images import StandIns

    folder.mkdir()
    with monkeypatch.context() as m:
        m.setattr(StandIns, "swap", lambda self, html: (html, set()))
        return html_to_pdf_batch(files, folder, sections=True, workers=1)


def _same_pages(a, b, folder, name) -> bool:
    got, want = _render(a, folder, f"{name}a"), _render(b, folder, f"{name}b")
    return len(got) == len(want) and all((x == y).all() for x, y in zip(got, want, strict=True))


def test_charts_of_a_joint_print_look_as_the_browser_prints_them(tmp_path, monkeypatch):
    """The charts are printed as stand-ins and get their PNG data afterwards: the pages are
    pixel for pixel those of the browser's own print, and the charts' PDF images are their
    PNG data; the translucent image is left to the browser."""
    _browser()
    files = _chart_profiles(tmp_path)
    pdfs = html_to_pdf_batch(files, sections=True, workers=1)
    ref = _browser_prints_charts(monkeypatch, files, tmp_path / "browser")
    for k, (pdf, own) in enumerate(zip(pdfs, ref, strict=True)):
        assert print_sources(pdf) is not None  # cut from the joint print
        assert _same_pages(pdf, own, tmp_path, f"p{k}")
        filters = _image_filters(pdf)
        assert filters.count(("/FlateDecode", 15)) == 2  # the two charts: their PNG data
        assert ("/FlateDecode", 15) not in _image_filters(own)
        assert all(f != "/DCTDecode" for f, _p in filters)  # no stand-in left
        assert b"sozialraum-bild" not in pdf.read_bytes()
        assert _text(pdf) == _text(own)


def test_a_chart_not_painted_leaves_its_print_to_each_file(tmp_path, monkeypatch):
    """A hidden chart's stand-in is not in the print: those files are printed one by one."""
    _browser()
    files = _chart_profiles(tmp_path, hide=True)
    pdfs = html_to_pdf_batch(files, sections=True, workers=1)
    alone = tmp_path / "einzeln"
    alone.mkdir()
    single = html_to_pdf_batch(files, alone, workers=1)
    for k, (pdf, ref) in enumerate(zip(pdfs, single, strict=True)):
        assert print_sources(pdf) is None or print_sources(pdf)[0][0] == str(files[k].resolve())
        assert _same_pages(pdf, ref, tmp_path, f"p{k}")  # each printed on its own
        assert b"sozialraum-bild" not in pdf.read_bytes()
        assert ("/FlateDecode", 15) not in _image_filters(pdf)
