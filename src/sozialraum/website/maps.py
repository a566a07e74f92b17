"""Inline SVG maps and charts of the website (drawn in Python, no script needed).

Every map has a legend in which each class has its colour, its own fill pattern
and its label (never colour alone), a text alternative, and the table beside it
on the page. Area shapes carry ``data-k`` (the key) for the page script, which
opens the area page on click; keyboard users reach the same pages through the
table.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sozialraum.core.classify import classify
from sozialraum.core.numbers import format_number
from sozialraum.core.palettes import (
    DYNAMIC_CLASS_COLORS,
    MISSING_COLOR,
    NOT_RATED_COLOR,
    STATUS_CLASS_COLORS,
    class_colors,
)
from sozialraum.website.geometry import MapGeometry

__all__ = ["Legend", "legend_for", "map_svg", "histogram_svg", "PATTERNS", "class_label"]

#: Fill patterns in class order (the second channel beside colour).
PATTERNS = ("none", "dots", "hatch", "cross", "vert", "grid", "back", "dense", "rings")

#: German class labels → English (the monitor's verbal classes).
_EN = {
    "hoch": "high",
    "sehr hoch": "very high",
    "mittel": "medium",
    "niedrig": "low",
    "sehr niedrig": "very low",
    "nicht bewertet": "not rated",
    "positiv": "positive",
    "stabil": "stable",
    "negativ": "negative",
    "kein Wert": "no value",
    "nicht veröffentlicht": "not published",
}
_ORDER = {
    "status_klasse": ("hoch", "mittel", "niedrig", "sehr niedrig"),
    "dynamik_klasse": ("positiv", "stabil", "negativ"),
    "idx_gesamt_klasse": ("sehr niedrig", "niedrig", "mittel", "hoch", "sehr hoch"),
}
_NO_CLASS = ("nicht bewertet",)


def class_label(value: object, lang: str) -> str:
    """A class value in ``lang`` (classes are stored in German)."""
    s = str(value)
    if lang == "de":
        return s
    return " / ".join(_EN.get(p.strip(), p.strip()) for p in s.split("/"))


@dataclass(frozen=True)
class Legend:
    """Classes of one map: key → class index; labels, colours and counts per class."""

    codes: dict[str, int]
    labels: tuple[str, ...]
    colors: tuple[str, ...]
    counts: tuple[int, ...]


def _categorical(var_id: str, values: pd.Series, lang: str) -> Legend:
    present = [str(v) for v in values.dropna().astype(str).unique()]
    order = [c for c in _ORDER.get(var_id, ()) if c in present]
    order += sorted(c for c in present if c not in order and c not in _NO_CLASS)
    order += [c for c in _NO_CLASS if c in present]
    table = DYNAMIC_CLASS_COLORS if var_id == "dynamik_klasse" else STATUS_CLASS_COLORS
    ramp = class_colors(max(len(order), 1), "diverging")
    colors = []
    for i, c in enumerate(order):
        if c in _NO_CLASS:
            colors.append(NOT_RATED_COLOR)
        elif var_id in ("status_klasse", "dynamik_klasse") and c in table:
            colors.append(table[c])
        elif var_id == "idx_gesamt_klasse":
            colors.append(class_colors(len(order), "need")[i])
        else:
            colors.append(ramp[i])
    codes = {}
    for k, v in values.items():
        codes[str(k)] = order.index(str(v)) if v is not None and str(v) in order else -1
    labels = [class_label(c, lang) for c in order]
    return _with_missing(codes, labels, colors, lang)


def _with_missing(codes, labels, colors, lang) -> Legend:
    n = len(labels)
    counts = [sum(1 for c in codes.values() if c == i) for i in range(n)]
    if any(c == -1 for c in codes.values()):
        labels = [
            *labels,
            "kein Wert / nicht veröffentlicht" if lang == "de" else "no value / not published",
        ]
        colors = [*colors, MISSING_COLOR]
        counts.append(sum(1 for c in codes.values() if c == -1))
        codes = {k: (n if c == -1 else c) for k, c in codes.items()}
    return Legend(codes, tuple(labels), tuple(colors), tuple(counts))


def legend_for(var, values: pd.Series, lang: str, decimals: int = 1) -> Legend:
    """Classes of a variable's values: named classes as they are, numbers in quantiles."""
    if var.kind == "class":
        return _categorical(var.id, values, lang)
    num = pd.to_numeric(values, errors="coerce").astype(float)
    ok = num.dropna()
    k = int(min(5, ok.nunique())) if len(ok) else 0
    if k < 2:
        codes = {str(i): (0 if pd.notna(v) else -1) for i, v in num.items()}
        label = format_number(ok.iloc[0], decimals, lang) if len(ok) else ""
        return _with_missing(
            codes, [label] if len(ok) else [], [class_colors(1)[0]] if len(ok) else [], lang
        )
    cl = classify(num, "quantiles", k, decimals=decimals, lang=lang, k_at_most=True)
    ramp = (
        "diverging"
        if var.kind == "index"
        else ("resource" if var.direction == "resource" else "need")
    )
    n = len(cl.class_labels)
    colors = list(class_colors(n, ramp))
    codes = {
        str(i): (int(c) if int(c) >= 0 else -1) for i, c in zip(num.index, cl.codes, strict=True)
    }
    return _with_missing(codes, list(cl.class_labels), colors, lang)


def _pattern_defs(uid: str, legend: Legend, scale: float = 1.0) -> str:
    out = []
    tf = f' patternTransform="scale({scale:.2f})"' if scale != 1.0 else ""
    for i, color in enumerate(legend.colors):
        kind = PATTERNS[i % len(PATTERNS)] if color != MISSING_COLOR else "back"
        marks = {
            "none": "",
            "dots": '<circle cx="3" cy="3" r="1.1"/>',
            "hatch": '<path d="M0 6L6 0" stroke-width="1"/>',
            "cross": '<path d="M0 6L6 0M0 0L6 6" stroke-width="0.8"/>',
            "vert": '<path d="M3 0V6" stroke-width="1"/>',
            "grid": '<path d="M0 3H6M3 0V6" stroke-width="0.8"/>',
            "back": '<path d="M0 0L6 6" stroke-width="1"/>',
            "dense": '<circle cx="1.5" cy="1.5" r="0.9"/><circle cx="4.5" cy="4.5" r="0.9"/>',
            "rings": '<circle cx="3" cy="3" r="1.6" fill="none" stroke-width="0.7"/>',
        }[kind]
        out.append(
            f'<pattern id="{uid}-p{i}" width="6" height="6" patternUnits="userSpaceOnUse"{tf}>'
            f'<rect width="6" height="6" fill="{color}"/>'
            f'<g fill="#222" stroke="#222" opacity="0.55">{marks}</g></pattern>'
        )
    return "".join(out)


def swatch(uid: str, i: int, legend: Legend) -> str:
    """A small legend swatch with the class's colour and pattern (SVG, decorative)."""
    return (
        f'<svg class="sw" width="22" height="16" aria-hidden="true" focusable="false">'
        f"<defs>{_pattern_defs(uid, Legend({}, legend.labels[i : i + 1], legend.colors[i : i + 1], ()))}"
        f'</defs><rect width="22" height="16" fill="url(#{uid}-p0)" stroke="#333"/></svg>'
    ).replace(f"{uid}-p0", f"{uid}-s{i}")


def map_svg(
    geo: MapGeometry,
    legend: Legend,
    *,
    uid: str,
    label: str,
    titles: Mapping[str, str],
    links: bool = True,
    highlight: Sequence[str] = (),
) -> str:
    """The map: one path per area filled with its class's pattern; outline of the level above."""
    parts = [
        f'<svg class="map" viewBox="-2 -2 {geo.width + 4} {geo.height + 4}" role="img" '
        f'aria-label="{html.escape(label)}" preserveAspectRatio="xMidYMid meet">',
        f'<defs>{_pattern_defs(uid, legend, max(1.0, geo.width / 450))}</defs><g class="areas">',
    ]
    for k in geo.keys:
        d = geo.paths.get(k)
        if not d:
            continue
        i = legend.codes.get(k, len(legend.labels) - 1)
        cls = "area hl" if k in highlight else "area"
        tip = html.escape(titles.get(k, k))
        parts.append(
            f'<path class="{cls}" data-k="{html.escape(k)}" fill="url(#{uid}-p{i})" d="{d}">'
            f"<title>{tip}</title></path>"
        )
    parts.append("</g>")
    if geo.outline:
        parts.append(
            '<g class="outline">'
            + "".join(f'<path d="{d}"/>' for d in geo.outline.values())
            + "</g>"
        )
    parts.append("</svg>")
    return "".join(parts)


def histogram_svg(values: pd.Series, label: str, lang: str, decimals: int = 1) -> tuple[str, list]:
    """Distribution of numeric values: 10 bins as bars; returns (svg, rows of the table)."""
    num = pd.to_numeric(values, errors="coerce").dropna().astype(float)
    if len(num) < 2 or num.min() == num.max():
        return "", []
    counts, edges = np.histogram(num, bins=10)
    w, h, top = 400, 160, max(counts.max(), 1)
    bars, rows = [], []
    for i, c in enumerate(counts):
        bh = round(140 * c / top)
        x = 10 + i * 38
        a, b = format_number(edges[i], decimals, lang), format_number(edges[i + 1], decimals, lang)
        bars.append(f'<rect x="{x}" y="{150 - bh}" width="34" height="{bh}" fill="#4a6fa5"/>')
        rows.append((f"{a} – {b}", int(c)))
    svg = (
        f'<svg class="hist" viewBox="0 0 {w} {h}" role="img" aria-label="{html.escape(label)}">'
        + "".join(bars)
        + '<line x1="8" y1="150" x2="392" y2="150" stroke="#333"/></svg>'
    )
    return svg, rows
