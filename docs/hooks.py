"""MkDocs hooks (``hooks:`` in mkdocs.yml).

* ``konfiguration.md``: the marker ``<!-- KONFIG-REFERENZ -->`` is replaced by the
  tables generated from ``sozialraum.pipeline.config.SCHEMA`` (docs/gen_config_ref.py).
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

_spec = importlib.util.spec_from_file_location(
    "sozialraum_docs_gen_config_ref", Path(__file__).with_name("gen_config_ref.py")
)
gen_config_ref = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(gen_config_ref)


def on_page_markdown(markdown, page, config, files):  # noqa: ARG001 (MkDocs hook signature)
    if page.file.src_uri == "konfiguration.md":
        return gen_config_ref.fill(markdown)
    return markdown
