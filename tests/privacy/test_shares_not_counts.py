"""A share delivered as such ("5,1 %", MSS style) is never treated as a small count.

Regression: a city whose offices send shares and population only got no public package:
its indicators named the share variable as their own numerator, so the suppression took
"1,4 %" for a count of 1, and the audit then failed on every Bezirk.
"""

from __future__ import annotations

import pandas as pd

from sozialraum.io.catalogue import Catalogue
from sozialraum.privacy.suppression import count_columns, rate_columns, share_variables


def _catalogue() -> Catalogue:
    var = pd.DataFrame(
        {"label": ["Arbeitslose in %", "Einwohner", "Arbeitslose"], "unit": ["%", "", "Personen"]},
        index=pd.Index(["alq_anteil", "ew", "alo"], name="id"),
    )
    ind = pd.DataFrame(
        {
            "label": ["Arbeitslosigkeit", "Arbeitslosenquote"],
            "unit": ["%", "%"],
            "numerator": ["alq_anteil", "alo"],
            "denominator": [None, "ew"],
            "per": [1.0, 100.0],
        },
        index=pd.Index(["alq_anteil", "alq"], name="id"),
    )
    return Catalogue(meta={}, variables=var, indicators=ind)


def test_share_variables_are_known_by_unit():
    assert share_variables(_catalogue()) == {"alq_anteil"}


def test_a_share_named_as_numerator_is_no_count():
    frame = pd.DataFrame(
        {"alq_anteil": [1.4, 5.2], "ew": [900, 1200], "alo": [12, 2], "alq": [1.3, 0.2]}
    )
    cols = count_columns(frame, _catalogue())
    assert "alq_anteil" not in cols
    assert set(cols) == {"ew", "alo"}
    rates = rate_columns(frame, _catalogue())
    assert rates["alq_anteil"] == (None, None)
    assert rates["alq"] == ("alo", "ew")
