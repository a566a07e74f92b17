"""PDF printing on Windows, macOS and Linux: browser discovery, command building, paths.

The pure logic is tested on fake directory layouts built in ``tmp_path`` (one per
platform); the two DevTools connections (pipe and WebSocket port) and the parallel
tabs are tested with the real browser where one is installed.
"""

from __future__ import annotations

import inspect
import os
import shutil
import subprocess
from pathlib import Path, PurePosixPath, PureWindowsPath

import pytest

from sozialraum.report import pdf as pdfmod
from sozialraum.report.pdf import (
    ChromiumError,
    PdfPrinter,
    browser_candidates,
    browser_command,
    default_transport,
    default_workers,
    file_url,
    find_chromium,
    html_to_pdf,
    html_to_pdf_batch,
    merge_pdfs,
    printing_session,
)


def _exe(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"")
    path.chmod(0o755)
    return path


# --------------------------------------------------------------------------- layouts

WINDOWS_LAYOUTS = [
    # (env var holding the folder, folder name, parts below it)
    ("ProgramFiles", "Program Files", ("Google", "Chrome", "Application", "chrome.exe")),
    (
        "ProgramFiles(x86)",
        "Program Files (x86)",
        ("Microsoft", "Edge", "Application", "msedge.exe"),
    ),
    (
        "LocalAppData",
        "Users/Jürgen Müller/AppData/Local",
        ("Google", "Chrome", "Application", "chrome.exe"),
    ),
    ("LOCALAPPDATA", "Users/Zoë/AppData/Local", ("Chromium", "Application", "chrome.exe")),
]


@pytest.mark.parametrize(("var", "folder", "parts"), WINDOWS_LAYOUTS)
def test_windows_browser_found_at_its_install_path(tmp_path, var, folder, parts):
    base = tmp_path / folder
    exe = _exe(base.joinpath(*parts))
    env = {var: str(base), "PATH": ""}
    assert find_chromium(platform="win32", environ=env) == str(exe)


def test_windows_prefers_chrome_over_edge_and_program_files_first(tmp_path):
    pf, pf86 = tmp_path / "Program Files", tmp_path / "Program Files (x86)"
    edge = _exe(pf86 / "Microsoft" / "Edge" / "Application" / "msedge.exe")
    env = {"ProgramFiles": str(pf), "ProgramFiles(x86)": str(pf86)}
    assert find_chromium(platform="win32", environ=env) == str(edge)  # only Edge: Edge
    chrome = _exe(pf / "Google" / "Chrome" / "Application" / "chrome.exe")
    assert find_chromium(platform="win32", environ=env) == str(chrome)
    cands = browser_candidates("win32", env)
    assert cands.index(chrome) < cands.index(edge)


def test_windows_path_entries_are_semicolon_separated(tmp_path):
    d = tmp_path / "Portable Chrome"
    exe = _exe(d / "chrome.exe")
    env = {"PATH": f"C:\\nicht-da;{d}"}
    assert find_chromium(platform="win32", environ=env) == str(exe)


MAC_LAYOUTS = [
    ("root", ("Google Chrome.app", "Contents", "MacOS", "Google Chrome")),
    ("root", ("Microsoft Edge.app", "Contents", "MacOS", "Microsoft Edge")),
    ("home", ("Chromium.app", "Contents", "MacOS", "Chromium")),
]


@pytest.mark.parametrize(("where", "parts"), MAC_LAYOUTS)
def test_macos_browser_found_in_applications(tmp_path, where, parts):
    root, home = tmp_path / "root", tmp_path / "Users" / "Anna Groß"
    base = (root if where == "root" else home) / "Applications"
    exe = _exe(base.joinpath(*parts))
    found = find_chromium(platform="darwin", environ={"PATH": ""}, home=home, root=root)
    assert found == str(exe)


@pytest.mark.parametrize(
    "name", ["chromium", "chromium-browser", "google-chrome", "microsoft-edge-stable"]
)
def test_linux_browser_found_on_path(tmp_path, name):
    other = tmp_path / "leer"
    other.mkdir()
    exe = _exe(tmp_path / "bin mit Leerzeichen" / name)
    env = {"PATH": f"{other}:{exe.parent}"}
    assert find_chromium(platform="linux", environ=env) == str(exe)


def test_linux_file_that_is_not_executable_is_skipped(tmp_path):
    (tmp_path / "chromium").write_bytes(b"")  # not executable
    with pytest.raises(ChromiumError, match="apt-get install -y chromium"):
        find_chromium(platform="linux", environ={"PATH": str(tmp_path)})


@pytest.mark.parametrize("platform", ["win32", "darwin", "linux"])
def test_no_browser_gives_the_install_hint_in_german_and_english(tmp_path, platform):
    env = {"PATH": str(tmp_path), "ProgramFiles": str(tmp_path)}
    kw = {"home": tmp_path, "root": tmp_path}
    with pytest.raises(ChromiumError, match="Google Chrome oder Microsoft Edge"):
        find_chromium(platform=platform, environ=env, **kw)
    with pytest.raises(ChromiumError, match="Google Chrome or Microsoft Edge"):
        find_chromium("en", platform=platform, environ=env, **kw)


def test_environment_variable_wins(tmp_path):
    mine = _exe(tmp_path / "Mein Browser" / "chrome.exe")
    _exe(tmp_path / "Program Files" / "Google" / "Chrome" / "Application" / "chrome.exe")
    env = {"SOZIALRAUM_CHROMIUM": str(mine), "ProgramFiles": str(tmp_path / "Program Files")}
    assert find_chromium(platform="win32", environ=env) == str(mine)


# --------------------------------------------------------------------------- commands, paths


@pytest.mark.parametrize(
    ("exe", "profile"),
    [
        (
            PureWindowsPath(r"C:\Program Files (x86)\Microsoft\Edge\Application\msedge.exe"),
            PureWindowsPath(r"C:\Users\Jürgen Müller\AppData\Local\Temp\sozialraum-chromium-x"),
        ),
        (
            PurePosixPath("/Applications/Google Chrome.app/Contents/MacOS/Google Chrome"),
            PurePosixPath("/var/folders/ab/T/sozialraum chromium"),
        ),
        (PurePosixPath("/usr/bin/chromium"), PurePosixPath("/tmp/sozialraum-chromium-ä")),
    ],
)
@pytest.mark.parametrize("transport", ["pipe", "port"])
def test_browser_command_keeps_each_path_one_argument(exe, profile, transport):
    cmd = browser_command(exe, profile, transport=transport)
    assert cmd[0] == str(exe)  # spaces and umlauts stay inside one argument, no quoting
    assert f"--user-data-dir={profile}" in cmd
    assert "--headless" in cmd and cmd[-1] == "about:blank"
    if transport == "pipe":
        assert "--remote-debugging-pipe" in cmd
    else:
        assert "--remote-debugging-port=0" in cmd and "--remote-debugging-pipe" not in cmd


def test_print_command_names_the_pdf_and_the_page():
    pdf = PureWindowsPath(r"D:\Sozialplanung\Bericht 2024\Steckbrief Höhenweg.pdf")
    url = file_url(PureWindowsPath(r"D:\Sozialplanung\Bericht 2024\Steckbrief Höhenweg.html"))
    cmd = browser_command("msedge.exe", "prof", transport="print", pdf=pdf, url=url)
    assert f"--print-to-pdf={pdf}" in cmd and cmd[-1] == url
    with pytest.raises(ValueError):
        browser_command("x", "y", transport="tauben")


@pytest.mark.parametrize(
    ("path", "url"),
    [
        (
            PureWindowsPath(r"C:\Users\Jürgen Müller\Steckbrief Straße.html"),
            "file:///C:/Users/J%C3%BCrgen%20M%C3%BCller/Steckbrief%20Stra%C3%9Fe.html",
        ),
        (
            PureWindowsPath(r"\\server\freigabe\Bericht 2024.html"),
            "file://server/freigabe/Bericht%202024.html",
        ),
        (
            PurePosixPath("/Users/Anna Groß/Steckbrief.html"),
            "file:///Users/Anna%20Gro%C3%9F/Steckbrief.html",
        ),
    ],
)
def test_file_url_encodes_spaces_umlauts_and_drive_letters(path, url):
    assert file_url(path) == url


def test_transport_and_workers_per_platform():
    assert default_transport("win32") == "port"
    assert default_transport("linux") == default_transport("darwin") == "pipe"
    n = default_workers()
    assert 1 <= n <= max(1, os.cpu_count() or 1)


def test_port_transport_uses_no_posix_only_calls():
    """Windows: the WebSocket transport must not hand fds to the child nor select on pipes."""
    src = inspect.getsource(pdfmod._PortTransport)
    assert "pass_fds" not in src and "select" not in src and "os.pipe" not in src
    assert "select" not in inspect.getsource(pdfmod._Cdp)
    assert not hasattr(pdfmod, "select")  # the module does not import select at all


# --------------------------------------------------------------------------- real browser


@pytest.fixture(scope="module")
def browser():
    try:
        return find_chromium()
    except ChromiumError as e:
        pytest.skip(str(e))


def _text(pdf: Path) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils fehlt (pdftotext)")
    out = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True, check=True
    )
    return " ".join(out.stdout.split())


def _pages(tmp_path: Path, n: int) -> list[Path]:
    d = tmp_path / "Bericht mit Lücken"
    d.mkdir()
    files = []
    for i in range(n):
        f = d / f"Steckbrief Nr {i} Müllerstraße.html"
        f.write_text(
            f"<html><head><title>Nr {i}</title></head><body><h1>Gebiet {i}</h1>"
            f"<p>Die SGB-II-Quote liegt mit {i},5 % über dem Kreisdurchschnitt.</p></body></html>",
            encoding="utf-8",
        )
        files.append(f)
    return files


@pytest.mark.parametrize("transport", ["pipe", "port"])
def test_both_connections_print_every_page_in_parallel_tabs(browser, tmp_path, transport):
    """The WebSocket connection is Windows' way; it is tested here on the real browser too."""
    import warnings

    from sozialraum.errors import SozialraumWarning

    files = _pages(tmp_path, 5)
    outs = [f.with_suffix(".pdf") for f in files]
    with warnings.catch_warnings():
        warnings.simplefilter("error", SozialraumWarning)  # no silent fallback
        with PdfPrinter(workers=3, transport=transport) as printer:
            done = printer.print_files(files, outs)
            assert len(printer._tabs) == 3
    assert done == outs
    for i, o in enumerate(outs):
        assert f"Die SGB-II-Quote liegt mit {i},5 % über" in _text(o)  # each page its own file


def test_one_browser_for_all_batches_of_a_session(browser, tmp_path, monkeypatch):
    files = _pages(tmp_path, 4)
    starts = []
    real = pdfmod._Cdp.__init__

    def counting(self, *a, **kw):
        starts.append(1)
        real(self, *a, **kw)

    monkeypatch.setattr(pdfmod._Cdp, "__init__", counting)
    with printing_session(workers=2):
        html_to_pdf_batch(files[:2])
        html_to_pdf_batch(files[2:])
    assert len(starts) == 1
    assert all(f.with_suffix(".pdf").is_file() for f in files)


def test_batch_equals_single_process_print(browser, tmp_path):
    (f,) = _pages(tmp_path, 1)
    (batch,) = html_to_pdf_batch([f], workers=2)
    single = html_to_pdf(f, tmp_path / "einzeln.pdf")
    assert _text(batch) == _text(single)


def test_merged_pdf_has_all_pages_in_order_and_the_title(browser, tmp_path):
    from pypdf import PdfReader

    files = _pages(tmp_path, 3)
    pdfs = html_to_pdf_batch(files)
    out = merge_pdfs(pdfs, tmp_path / "alle.pdf", title="Landkreis – Steckbriefe")
    reader = PdfReader(str(out))
    assert len(reader.pages) == sum(len(PdfReader(str(p)).pages) for p in pdfs)
    text = _text(out)
    assert text.index("Gebiet 0") < text.index("Gebiet 1") < text.index("Gebiet 2")
    assert reader.metadata["/Title"] == "Landkreis – Steckbriefe"
