"""Generate the tables of the configuration reference from ``SCHEMA``.

The tables stand in ``docs/konfiguration.md`` between the markers
``<!-- KONFIG-REFERENZ -->`` and ``<!-- /KONFIG-REFERENZ -->`` (so the file reads
complete on GitHub too); ``docs/hooks.py`` renders them anew while MkDocs builds (:func:`fill`),
and the docs test fails when the file's copy differs from the validator's schema
in ``sozialraum.pipeline.config``. After changing the schema::

    python docs/gen_config_ref.py --write      # update docs/konfiguration.md
    python docs/gen_config_ref.py              # print the tables
"""

from __future__ import annotations

import sys
from pathlib import Path

MARKER = "<!-- KONFIG-REFERENZ -->"
END = "<!-- /KONFIG-REFERENZ -->"
PAGE = Path(__file__).with_name("konfiguration.md")

_TYPES = {
    "str": "Text",
    "int": "ganze Zahl",
    "float": "Zahl",
    "bool": "`true`/`false`",
    "path": "Pfad (muss existieren)",
    "pattern": "Pfad mit `{jahr}`",
    "ints": "Liste ganzer Zahlen",
    "strs": "Liste von Texten",
    "floats": "Liste von Zahlen",
}


def _type(kind) -> str:
    if isinstance(kind, tuple):
        return "eins von " + ", ".join(f"`{c}`" for c in kind)
    return _TYPES.get(kind, f"`{kind}`")


def _default(value, required_marker) -> str:
    if value is required_marker:
        return "**Pflicht**"
    if value is None:
        return "–"
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    if isinstance(value, str):
        return f'`"{value}"`' if value else '`""`'
    if isinstance(value, list):
        return "`[" + ", ".join(f'"{v}"' if isinstance(v, str) else str(v) for v in value) + "]`"
    return f"`{value}`"


def _cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def render() -> str:
    """Markdown: one table per section of ``SCHEMA``, in the schema's order."""
    from sozialraum.pipeline import config

    schema = config.SCHEMA
    required = config.REQUIRED
    lists = getattr(config, "LIST_SECTIONS", set())
    optional = getattr(config, "OPTIONAL_SECTIONS", set())
    out: list[str] = []
    for section, keys in schema.items():
        header = f"[[{section}]]" if section in lists else f"[{section}]"
        out.append(f"### `{header}` {{#abschnitt-{section}}}")
        out.append("")
        notes = []
        notes.append("Abschnitt darf fehlen." if section in optional else "Abschnitt ist Pflicht.")
        if section in lists:
            notes.append("Darf mehrfach vorkommen (eine Liste von Tabellen `[[...]]`).")
        out.append(" ".join(notes))
        out.append("")
        out.append("| Schlüssel | Typ | Standard | Bedeutung |")
        out.append("| --- | --- | --- | --- |")
        for key, (kind, default, desc) in keys.items():
            out.append(
                f"| `{key}` | {_cell(_type(kind))} | {_cell(_default(default, required))} "
                f"| {_cell(desc)} |"
            )
        out.append("")
    return "\n".join(out)


def current(markdown: str) -> str | None:
    """The tables standing between :data:`MARKER` and :data:`END` (``None`` without both)."""
    if MARKER not in markdown or END not in markdown:
        return None
    return markdown.split(MARKER, 1)[1].split(END, 1)[0].strip("\n")


def _around(markdown: str) -> tuple[str, str]:
    """The page before :data:`MARKER` and after :data:`END` (after the marker without END)."""
    head, rest = markdown.split(MARKER, 1)
    return head, rest.split(END, 1)[1] if END in rest else rest


def with_tables(markdown: str) -> str:
    """The page with the tables between the markers rendered anew (markers kept)."""
    if MARKER not in markdown:
        return markdown
    head, tail = _around(markdown)
    return f"{head}{MARKER}\n\n{render()}\n{END}{tail}"


def fill(markdown: str) -> str:
    """For the site: the tables rendered anew in place of the markers and what stands between
    them (unchanged without the begin marker)."""
    if MARKER not in markdown:
        return markdown
    head, tail = _around(markdown)
    return f"{head}{render()}{tail}"


if __name__ == "__main__":
    if "--write" in sys.argv[1:]:
        PAGE.write_text(with_tables(PAGE.read_text(encoding="utf-8")), encoding="utf-8")
        print(f"geschrieben: {PAGE}")
    else:
        print(render())
