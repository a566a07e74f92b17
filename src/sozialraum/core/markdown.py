"""Planner-written text (Markdown) rendered safely: a small subset, everything else escaped.

Recommendations and target agreements are written by planners, often in Excel,
and printed in reports, profiles and release packages. Only a small, safe subset
of Markdown is understood:

* paragraphs (separated by an empty line; a single line break stays a space),
* bullet lists (lines starting with ``-``, ``*`` or ``•``) and numbered lists
  (``1.`` / ``1)``),
* ``**bold**`` / ``__bold__`` and ``*italic*`` / ``_italic_``.

Every other character is escaped: HTML tags, links, images, headings, code and
entities appear as the text that was typed, never as markup. A leading ``'``
(written by :func:`sozialraum.core.spreadsheet.neutralise` before ``=``, ``+``, ``-``,
``@``) is how a spreadsheet stores such text; it is removed before rendering
(:func:`sozialraum.core.spreadsheet.restore`).

:func:`to_html` returns :class:`markupsafe.Markup`, which the report templates print
as it is; plain strings are always escaped there.
"""

from __future__ import annotations

import re

from markupsafe import Markup, escape

from sozialraum.core.spreadsheet import restore

__all__ = ["to_html", "to_plain", "blocks"]

_BULLET = re.compile(r"^\s*[-*•]\s+(.*)$")
_NUMBER = re.compile(r"^\s*\d{1,3}[.)]\s+(.*)$")
_BOLD = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_ITALIC = re.compile(r"(?<![\w*])([*_])(?=\S)(.+?)(?<=\S)\1(?![\w*])")


def blocks(text: str | None) -> list[tuple[str, list[str]]]:
    """The blocks of ``text``: ``("p", [line])``, ``("ul", items)`` or ``("ol", items)``."""
    if text is None:
        return []
    text = str(restore(str(text))).replace("\r\n", "\n").replace("\r", "\n")
    out: list[tuple[str, list[str]]] = []
    para: list[str] = []

    def flush() -> None:
        if para:
            out.append(("p", [" ".join(s.strip() for s in para)]))
            para.clear()

    for line in text.split("\n"):
        if not line.strip():
            flush()
            continue
        m_b, m_n = _BULLET.match(line), _NUMBER.match(line)
        kind = "ul" if m_b else "ol" if m_n else None
        if kind is None:
            if out and out[-1][0] in ("ul", "ol") and not para and line[:1].isspace():
                out[-1][1][-1] += " " + line.strip()  # continuation of a list item
            else:
                para.append(line)
            continue
        flush()
        item = (m_b or m_n).group(1).strip()
        if out and out[-1][0] == kind:
            out[-1][1].append(item)
        else:
            out.append((kind, [item]))
    flush()
    return out


def _inline(text: str) -> str:
    """Escape ``text``, then turn bold/italic marks into ``<strong>``/``<em>``."""
    s = str(escape(text))
    s = _BOLD.sub(lambda m: f"<strong>{m.group(2)}</strong>", s)
    s = _ITALIC.sub(lambda m: f"<em>{m.group(2)}</em>", s)
    return s


def to_html(text: str | None) -> Markup:
    """Safe HTML of planner text (see the module docstring for the subset).

    Example
    -------
    >>> str(to_html("**Kita** <script>x</script>\\n\\n- eins\\n- zwei"))
    '<p><strong>Kita</strong> &lt;script&gt;x&lt;/script&gt;</p>\\n<ul><li>eins</li><li>zwei</li></ul>'
    """
    parts = []
    for kind, items in blocks(text):
        if kind == "p":
            parts.append(f"<p>{_inline(items[0])}</p>")
        else:
            lis = "".join(f"<li>{_inline(i)}</li>" for i in items)
            parts.append(f"<{kind}>{lis}</{kind}>")
    return Markup("\n".join(parts))


def _strip_marks(text: str) -> str:
    text = _BOLD.sub(lambda m: m.group(2), text)
    return _ITALIC.sub(lambda m: m.group(2), text)


def to_plain(text: str | None) -> str:
    """Plain text of planner text: marks removed, list items as ``• item`` lines."""
    lines = []
    for kind, items in blocks(text):
        if kind == "p":
            lines.append(_strip_marks(items[0]))
        else:
            for n, i in enumerate(items, 1):
                lines.append(("• " if kind == "ul" else f"{n}. ") + _strip_marks(i))
        lines.append("")
    return "\n".join(lines).strip()
