"""Generate the tables of the configuration reference from ``SCHEMA``.

``docs/hooks.py`` calls :func:`render` while MkDocs builds and puts the result
where ``docs/konfiguration.md`` has the marker ``<!-- KONFIG-REFERENZ -->``, so the
reference can never drift from the validator in
``sozialraum.pipeline.config``. Run it directly to print the tables::

    python docs/gen_config_ref.py
"""

from __future__ import annotations

MARKER = "<!-- KONFIG-REFERENZ -->"

_TYPES = {
    "str": "Text",
    "int": "ganze Zahl",
    "float": "Zahl",
    "bool": "`true`/`false`",
    "path": "Pfad (muss existieren)",
    "pattern": "Pfad mit `{jahr}`",
    "ints": "Liste ganzer Zahlen",
    "strs": "Liste von Texten",
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


def fill(markdown: str) -> str:
    """Replace :data:`MARKER` in ``markdown`` by :func:`render` (unchanged without marker)."""
    if MARKER not in markdown:
        return markdown
    return markdown.replace(MARKER, render())


if __name__ == "__main__":
    print(render())
