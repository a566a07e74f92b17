"""Steckbriefe (area profiles) and the Sozialbericht, in HTML and PDF.

The pipeline fills a :class:`ReportInputs`; :func:`report_data` (internal) or
:func:`report_data_from_release` (public, municipal: from a checked
:class:`~sozialraum.privacy.Release`) make a :class:`ReportData`; then :func:`write_steckbriefe` and
:func:`write_sozialbericht`. Texts are generated in German (``lang="en"`` for
English) by :mod:`~sozialraum.report.text`; charts by
:mod:`~sozialraum.report.charts` (matplotlib); HTML by Jinja2 templates that a
district can override (:mod:`~sozialraum.report.render`); PDF by headless
Chromium (:mod:`~sozialraum.report.pdf`). See ``docs/report.md``.
"""

from sozialraum.report.bericht import bericht_context, write_sozialbericht
from sozialraum.report.data import (
    ReportData,
    ReportInputs,
    report_data,
    report_data_from_release,
    report_data_from_state,
)
from sozialraum.report.pdf import ChromiumError, find_chromium, html_to_pdf, html_to_pdf_batch
from sozialraum.report.render import DEFAULT_SETTINGS, make_environment, render, resolve_settings
from sozialraum.report.steckbrief import (
    area_context,
    gemeinde_context,
    indicator_rows,
    write_steckbriefe,
)
from sozialraum.report.text import (
    compare,
    count_phrase,
    format_value,
    indicator_sentence,
    not_rated_sentence,
    population_sentence,
)

__all__ = [
    "DEFAULT_SETTINGS",
    "ChromiumError",
    "ReportData",
    "ReportInputs",
    "area_context",
    "bericht_context",
    "compare",
    "count_phrase",
    "find_chromium",
    "format_value",
    "gemeinde_context",
    "html_to_pdf",
    "html_to_pdf_batch",
    "indicator_rows",
    "indicator_sentence",
    "make_environment",
    "not_rated_sentence",
    "population_sentence",
    "render",
    "report_data",
    "report_data_from_release",
    "report_data_from_state",
    "resolve_settings",
    "write_sozialbericht",
    "write_steckbriefe",
]
