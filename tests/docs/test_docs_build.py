"""The documentation builds with ``mkdocs build --strict`` (no warnings: every page in the
nav, no broken links or anchors, no mkdocstrings problem), and the configuration reference
documents every key of the validator's schema."""

from __future__ import annotations

import importlib.util
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
ROOMS = [
    "io", "join", "monitor", "spatial", "access", "raster",
    "demography", "privacy", "webmap", "report", "atlas", "pipeline",
]  # fmt: skip


def _gen():
    spec = importlib.util.spec_from_file_location("gen_config_ref", DOCS / "gen_config_ref.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _have(*modules: str) -> bool:
    return all(importlib.util.find_spec(m) is not None for m in modules)


def test_config_reference_covers_schema():
    from sozialraum.pipeline.config import REQUIRED, SCHEMA

    gen = _gen()
    text = gen.render()
    page = (DOCS / "konfiguration.md").read_text(encoding="utf-8")
    assert gen.MARKER in page
    # the tables in the page itself (read on GitHub too) are the validator's schema
    assert gen.current(page) == text.strip("\n"), (
        "docs/konfiguration.md: reference out of date; run python docs/gen_config_ref.py --write"
    )
    assert gen.with_tables(page) == page
    assert gen.MARKER not in gen.fill(page) and gen.current(page) in gen.fill(page)
    for section, keys in SCHEMA.items():
        heading = re.search(rf"^### `\[\[?{section}\]\]?`.*$", text, flags=re.M)
        assert heading, f"section [{section}] missing"
        # the rows of this section: up to the next heading
        rest = text[heading.end() :]
        block = rest.split("\n### ", 1)[0]
        for key, (_kind, default, desc) in keys.items():
            row = re.search(rf"^\| `{re.escape(key)}` \|(.*)$", block, flags=re.M)
            assert row, f"[{section}] {key} missing in the reference"
            assert desc.split(" ")[0] in row.group(1)
            assert ("**Pflicht**" in row.group(1)) == (default is REQUIRED)
    # a default is shown as written in TOML
    assert '| `sprache` | eins von `de`, `en` | `"de"` |' in text
    assert '`["idx_gesamt"]`' in text


def test_every_page_in_nav():
    yaml = pytest.importorskip("yaml", reason="pyyaml fehlt: pip install -e '.[docs]'")

    class _Loader(yaml.SafeLoader):
        pass

    # mkdocs.yml uses a !!python/object tag for the slugify function: accept any tag
    _Loader.add_multi_constructor("tag:yaml.org,2002:python/", lambda loader, suffix, node: None)
    cfg = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=_Loader)

    def pages(nav):
        for item in nav:
            if isinstance(item, str):
                yield item
            elif isinstance(item, dict):
                for v in item.values():
                    yield from pages(v) if isinstance(v, list) else [v]

    in_nav = set(pages(cfg["nav"]))
    on_disk = {p.relative_to(DOCS).as_posix() for p in DOCS.rglob("*.md")}
    assert on_disk - in_nav == set()
    assert in_nav - on_disk == set()
    assert {f"api/{r}.md" for r in ROOMS} <= in_nav


@pytest.mark.slow
def test_mkdocs_build_strict(tmp_path: Path):
    if not _have("mkdocs", "mkdocstrings", "mkdocstrings_handlers.python"):
        pytest.skip(
            "mkdocs/mkdocstrings-python nicht installiert: pip install -e '.[docs]' (oder make docs)"
        )
    site = tmp_path / "site"
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    log = proc.stdout + proc.stderr
    assert proc.returncode == 0, log[-4000:]
    assert "WARNING" not in log, log[-4000:]
    # the configuration reference was filled from SCHEMA at build time
    from sozialraum.pipeline.config import SCHEMA

    conf = (site / "konfiguration.html").read_text(encoding="utf-8")
    assert "KONFIG-REFERENZ" not in conf
    for section, keys in SCHEMA.items():
        assert f'id="abschnitt-{section}"' in conf
        for key in keys:
            assert f"<code>{key}</code>" in conf, key
    # every API page documents objects (mkdocstrings rendered the room's members)
    for room in ROOMS:
        html = (site / "api" / f"{room}.html").read_text(encoding="utf-8")
        assert html.count('class="doc doc-heading"') >= 2, room
    # images referenced by the guides were copied
    for img in (
        "musterland_gesamtindex.png",
        "musterland_lisa.png",
        "musterland_kita_2sfca.png",
        "qgis_dialog_verknuepfen.png",
        "qgis_dialog_raten_index.png",
        "qgis_dialog_lisa.png",
        "qgis_karte_index.png",
        "qgis_karte_lisa.png",
    ):
        assert (site / "img" / img).stat().st_size > 10_000
    shutil.rmtree(site)
