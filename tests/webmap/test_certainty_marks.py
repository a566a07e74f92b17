"""Unsure classes on the web map: tooltip "Klasse zu 62 % sicher" and a dashed outline."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _webmap_data import make_grid  # noqa: E402
from test_html import _cfg, _props  # noqa: E402

from sozialraum.webmap import CategoryLayer, Indicator, make_map, map_html


def _map(with_certainty: bool = True):
    g = make_grid()
    g["status_klasse"] = np.where(np.arange(len(g)) % 2, "hoch", "mittel")
    g["status_sicherheit"] = np.linspace(0.5, 1.0, len(g))
    g.loc[g.index[4], "status_sicherheit"] = 0.62
    layer = CategoryLayer(
        "status_klasse",
        title="Statusklasse",
        colors={"hoch": "#d7191c", "mittel": "#ffffbf"},
        certainty_column="status_sicherheit" if with_certainty else None,
    )
    return g, map_html(
        make_map(g, [Indicator("alq")], category_layers=[layer], first="status_klasse")
    )


def test_tooltip_note_and_dashed_outline_for_unsure_classes():
    g, html = _map()
    cfg = _cfg(html)
    li = next(i for i, s in enumerate(cfg["layers"]) if s["title"] == "Statusklasse")
    props = _props(html)
    assert props[4][f"_n{li}"] == "Klasse zu 62 % sicher"
    unsure = [bool(p.get(f"_u{li}")) for p in props]
    assert unsure == (g["status_sicherheit"] < 0.8).tolist()
    assert any(unsure) and not all(unsure)
    assert any("gestrichelter Rand" in leg for leg in cfg["legends"])
    assert 'dashArray:u?"5 4"' in html


def test_no_certainty_column_no_marks():
    _, html = _map(with_certainty=False)
    assert not any(k.startswith(("_n", "_u")) for p in _props(html) for k in p)


def test_indicator_layer_marks_unsure_classes_like_the_status_layer():
    g = make_grid()  # area 2 has no value, area 3 a secret one: no class, no note
    g["alq_sicherheit"] = np.linspace(0.3, 1.0, len(g))
    g.loc[g.index[4], "alq_sicherheit"] = 0.62
    ind = Indicator("alq", title="ALQ", certainty_column="alq_sicherheit", unsure_below=0.7)
    html = map_html(make_map(g, [ind]))
    cfg = _cfg(html)
    li = next(i for i, s in enumerate(cfg["layers"]) if s["title"] == "ALQ")
    props = _props(html)
    assert props[4][f"_n{li}"] == "Klasse zu 62 % sicher"
    assert f"_n{li}" not in props[2] and f"_n{li}" not in props[3]
    want = [(p < 0.7) and i not in (2, 3) for i, p in enumerate(g["alq_sicherheit"])]
    assert [bool(p.get(f"_u{li}")) for p in props] == want
    assert "unter 70 % sicher" in cfg["legends"][li]
