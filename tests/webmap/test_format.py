"""Number formats, class labels and script-safe JSON (checked against hand-written strings)."""

from __future__ import annotations

import json

from sozialraum.core.classify import range_labels
from sozialraum.webmap._format import esc, fmt_number, js_json


def test_german_and_english_numbers():
    assert fmt_number(1234.5, 1) == "1.234,5"
    assert fmt_number(1234.5, 1, "en") == "1,234.5"
    assert fmt_number(0.04, 1) == "0,0"
    assert fmt_number(-0.04, 1) == "0,0"  # no "-0,0"
    assert fmt_number(-1234567.891, 2) == "-1.234.567,89"
    assert fmt_number(float("nan"), 1) == ""
    assert fmt_number(None) == ""
    assert fmt_number(7, 0) == "7"


def test_class_labels_german():
    # classes are closed above: up to b0, (b0, b1], ...; an open last class says "über"
    assert range_labels([5.5, 10.0], 1) == ["bis 5,5", "über 5,5 bis 10,0"]
    assert range_labels([1500.0, 2500.25], 2, "en") == [
        "up to 1,500.00",
        "over 1,500.00 to 2,500.25",
    ]
    assert range_labels([5.0, float("inf")], 1) == ["bis 5,0", "über 5,0"]


def test_esc_and_js_json_are_script_safe():
    assert esc("<script>alert(1)</script>") == "&lt;script&gt;alert(1)&lt;/script&gt;"
    assert esc("Müller & Söhne") == "Müller &amp; Söhne"
    assert esc("a\"b'c") == "a&quot;b&#x27;c"
    obj = {"n": "</script><script>alert(1)</script> & \u2028"}
    s = js_json(obj)
    assert "<" not in s and ">" not in s and "&" not in s and "\u2028" not in s
    assert json.loads(s) == obj  # still valid JSON with the same content
