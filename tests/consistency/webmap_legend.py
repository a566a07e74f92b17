"""What a written web map shows per area: class label and colour of one layer.

The map's data is the JSON object handed to ``SozialraumMap(map, {...})`` in the
HTML: ``layers`` (title, field, labels, colours) and ``areas`` (features whose
property ``_c`` lists each area's class number per layer).
"""

from __future__ import annotations

import json
import re

import pandas as pd


def map_config(html: str) -> dict:
    """The map's configuration object (layers, legends, areas …)."""
    m = re.search(r"SozialraumMap\(\w+,", html)
    assert m, "no SozialraumMap(...) call in the HTML"
    cfg, _ = json.JSONDecoder().raw_decode(html, m.end())
    return cfg


def map_classes(html: str, field: str) -> pd.DataFrame:
    """Per area (index: the map's name key): ``klasse`` (number), ``label`` and ``farbe``.

    Areas without a class get ``label``/``farbe`` of the missing value.
    """
    cfg = map_config(html)
    # a map without values names no field, only the title (the column when no label is given)
    layers = [i for i, lay in enumerate(cfg["layers"]) if field in (lay.get("field"), lay["title"])]
    assert layers, f"the map has no layer of {field!r}"
    i = layers[0]
    lay = cfg["layers"][i]
    rows = {}
    for feat in cfg["areas"]["features"]:
        props = feat["properties"]
        c = props["_c"][i]
        ok = c is not None and 0 <= c < len(lay["labels"])
        rows[str(props[cfg["nameKey"]])] = {
            "klasse": c if ok else None,
            "label": lay["labels"][c] if ok else "kein Wert",
            "farbe": lay["colors"][c] if ok else lay["missingColor"],
        }
    return pd.DataFrame.from_dict(rows, orient="index")
