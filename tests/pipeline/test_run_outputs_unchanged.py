"""The fast yearly run writes the same data as before: checksums of the data outputs.

The release packages' GeoPackages, CSV and Excel files and the internal tables
must hold the same data whether PDFs are printed or not (PDF printing, chart
sharing and background printing touch no data). CSV files are compared byte for
byte (their manifest checksums). GeoPackage and Excel files carry the time they
were written (and the atlas the time of each import), so two runs of the same
code differ in those bytes; they are compared by a checksum of their content:
every layer's columns, values and geometries, every sheet's cells.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pandas as pd

from sozialraum.pipeline import run

DATA = (".gpkg", ".csv", ".xlsx")
#: columns that hold the time of writing, not data (the atlas's versions and imports)
WRITE_TIMES = ("created", "imported_at")


def content_checksum(path: Path) -> str:
    """SHA-256 of a data file's content: CSV bytes, GPKG layers, XLSX cells."""
    import openpyxl
    import pyogrio

    h = hashlib.sha256()
    if path.suffix == ".csv":
        h.update(path.read_bytes())
    elif path.suffix == ".xlsx":
        wb = openpyxl.load_workbook(path, read_only=True)
        for ws in wb.worksheets:
            h.update(ws.title.encode())
            for row in ws.iter_rows(values_only=True):
                h.update(repr(row).encode())
        wb.close()
    else:
        for name, _ in pyogrio.list_layers(path):
            df = pyogrio.read_dataframe(path, layer=name)
            df = df.drop(columns=[c for c in WRITE_TIMES if c in df.columns])
            h.update(name.encode() + repr(list(df.columns)).encode())
            h.update(pd.DataFrame(df.drop(columns="geometry", errors="ignore")).to_csv().encode())
            if "geometry" in df.columns:
                for g in df.geometry.to_wkb():
                    h.update(g or b"")
    return h.hexdigest()


def _data_checksums(out: Path) -> dict[str, str]:
    man = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    return {a["datei"]: a["sha256"] for a in man["ausgaben"] if a["datei"].endswith(DATA)}


def _content(out: Path) -> dict[str, str]:
    return {name: content_checksum(out / name) for name in _data_checksums(out)}


def test_run_without_pdf_writes_the_same_data_and_says_what_it_left_out(
    demo_run, musterland, tmp_path
):
    fast = run(musterland["examples"] / "monitor.toml", tmp_path / "ohne-pdf", skip=["pdf"])
    with_pdf, without = _data_checksums(demo_run.out_dir), _data_checksums(fast.out_dir)
    assert len(with_pdf) >= 60  # internal tables and every package's GPKG, CSV and XLSX
    assert set(without) == set(with_pdf)
    csv = [n for n in with_pdf if n.endswith(".csv")]
    assert len(csv) >= 30 and all(without[n] == with_pdf[n] for n in csv)  # byte for byte
    assert _content(fast.out_dir) == _content(demo_run.out_dir)
    assert not list(fast.out_dir.rglob("*.pdf"))
    assert list(fast.out_dir.rglob("steckbrief_*.html"))  # the profiles themselves are there
    text = fast.summary("de")
    assert "Ausgelassen:" in text and "skip= pdf" in text


def test_every_step_has_its_time_in_the_log_and_the_summary(demo_run):
    log = (demo_run.out_dir / "lauf.log").read_text(encoding="utf-8")
    for step in (
        "Räumliche Statistik",
        "Ergebnistabellen",
        "Excel-Tabellen",
        "Webkarte intern",
        "Steckbriefe intern",
        "Steckbriefe öffentlich",
        "Steckbriefe kommunal (× 10)",
        "Sozialbericht öffentlich",
        "Freigabepaket kommunal (Tabellen) (× 10)",
        "Freigabeprüfung aller Pakete",
        "Geheimhaltungsprüfung aller Pakete",
        "PDF-Druck aller Dokumente",
        "Manifest mit Prüfsummen",
        "Summe",
    ):
        assert step in log, step
    summary = demo_run.summary("de")
    assert "Zeit je Schritt" in summary and "Steckbriefe intern" in summary
    assert "Summe" in summary
