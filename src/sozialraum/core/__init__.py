"""Concepts every package shares, each written once.

``status``
    Status codes of cells (``geheim``, ``nenner_klein`` …), which of them hide a
    value, their texts, and the release levels.
``spreadsheet``
    Neutralising text for Excel and CSV (formula injection).
``classify``
    The one classification engine (schemes over mapclassify, classes closed
    above, areas not rated and missing values outside the breaks).
``palettes``
    Codes, labels and colours of LISA and Gi* categories and the class ramps.

Other shared concepts live in their own module here as they are unified
(classification, aggregation rules, CRS choice, palettes, number formats);
``docs/development.md`` keeps the map of which module owns which concept.
Nothing in ``core`` imports another ``sozialraum`` package except ``_i18n`` and
``errors``.
"""
