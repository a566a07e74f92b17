"""Demografie-Monitor: the Sozialbericht chapter and the Steckbrief section.

Chapter "Demografie": age structure, births and migration (incl. the net migration of
18- to 24-year-olds) per municipality from the catalogue indicators; the projection
with its scenarios and the scenario range as uncertainty band (district chart and a
table per municipality).

Section "Demografie" of a Steckbrief (area or municipality): the projection line
base year → end year with the scenario band and the key numbers.

Every projected number is read from the release frames (``data.areas``,
``data.gemeinden``, ``data.kreis``: the columns of
:class:`~sozialraum.demography.products.ProjectionFigures`), so the report shows exactly
what the level's package carries; the yearly series for the charts come from
``data.planning["demografie"]`` and are drawn only where the release shows the unit's
projected population.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from sozialraum._i18n import t
from sozialraum.core.numbers import format_number
from sozialraum.report.cells import cell, label, unit
from sozialraum.report.chapters import Chapter, Figure, Table

__all__ = ["demography_chapter", "demography_section", "STRUCTURE_INDICATORS"]

#: Catalogue indicators of the age structure and the population movements, in table order.
STRUCTURE_INDICATORS = (
    "anteil_0_17",
    "anteil_80plus",
    "geburtenrate",
    "wanderungssaldo",
    "wanderung_18_24",
)

_MSG = {
    "title": {"de": "Demografie", "en": "Demography"},
    "structure": {
        "de": "Altersstruktur, Geburten und Wanderungen {year}",
        "en": "Age structure, births and migration {year}",
    },
    "structure_text": {
        "de": "Die Tabelle zeigt je {unit} die Altersstruktur, die Geburtenrate und die "
        "Wanderungssalden, darunter die Abwanderung junger Menschen (Wanderungssaldo der "
        "18- bis 24-Jährigen je 1.000 Einwohner dieses Alters; negativ = mehr Fort- als Zuzüge).",
        "en": "The table shows the age structure, the birth rate and net migration per {unit}, "
        "including young people moving away (net migration of 18- to 24-year-olds per 1,000 "
        "of that age; negative = more leaving than arriving).",
    },
    "projection": {
        "de": "Bevölkerungsvorausberechnung {base}–{end}",
        "en": "Population projection {base}–{end}",
    },
    "proj_text": {
        "de": "{whole} hat nach der Vorausberechnung ({main}) im Jahr {end} {value} Einwohner "
        "({change} gegenüber {base}). Die Szenarien ergeben eine Spanne von {lo} bis {hi} "
        "Einwohnern; diese Spanne ist als Unsicherheitsband dargestellt.",
        "en": "According to the projection ({main}), {whole} has {value} inhabitants in {end} "
        "({change} compared with {base}). The scenarios span {lo} to {hi} inhabitants; this "
        "range is shown as an uncertainty band.",
    },
    "assumptions": {
        "de": "Annahmen: {scen}. Sterblichkeit: {lt}; Geburten: {fert}.",
        "en": "Assumptions: {scen}. Mortality: {lt}; births: {fert}.",
    },
    "scen_item": {
        "de": "{label} (Wanderung {shift} je 1.000 Einwohner und Jahr)",
        "en": "{label} (migration {shift} per 1,000 inhabitants and year)",
    },
    "control": {
        "de": "Die Vorausberechnung ist Jahr für Jahr an die Eckwerte der "
        "Landesvorausberechnung angepasst: die Summe der Gebiete ergibt in jedem Jahr genau "
        "den Eckwert des Landes.",
        "en": "The projection is raked year by year to the Land's projection: the areas add "
        "up exactly to the Land's total in every year.",
    },
    "estimate": {
        "de": "Vorausberechnete Werte sind Modellschätzungen, keine gezählten Einwohner. "
        "Sehr kleine vorausberechnete Zahlen werden wie kleine Fallzahlen nicht veröffentlicht.",
        "en": "Projected values are model estimates, not counted inhabitants. Very small "
        "projected numbers are withheld like small counts.",
    },
    "fig_title": {
        "de": "Einwohner {base}–{end}: {main} mit Spanne der Szenarien",
        "en": "Population {base}–{end}: {main} with the scenario range",
    },
    "fig_alt": {
        "de": "Liniendiagramm der Einwohnerzahl {name} von {base} ({v0}) bis {end} ({v1}, "
        "Szenario {main}); das Band reicht {end} von {lo} bis {hi}.",
        "en": "Line chart of the population of {name} from {base} ({v0}) to {end} ({v1}, "
        "scenario {main}); in {end} the band spans {lo} to {hi}.",
    },
    "persons": {"de": "Einwohner", "en": "Population"},
    "year": {"de": "Jahr", "en": "Year"},
    "range": {"de": "Spanne der Szenarien", "en": "scenario range"},
    "key_numbers": {"de": "Kennzahlen der Vorausberechnung", "en": "Projection key numbers"},
    "value": {"de": "Wert", "en": "Value"},
}


# ----------------------------------------------------------------------------- helpers


def _figures(data):
    entry = (getattr(data, "planning", None) or {}).get("demografie")
    return entry.get("figures") if isinstance(entry, Mapping) else None


def _value(frame, status, key, col):
    """(value, status code) of one cell; (nan, None) where the frame lacks it."""
    if frame is None or col not in frame.columns or key not in frame.index:
        return np.nan, None
    v = pd.to_numeric(pd.Series([frame.at[key, col]]), errors="coerce").iloc[0]
    code = None
    if status is not None and col in status.columns and key in status.index:
        c = status.at[key, col]
        code = None if c is None or c is pd.NA or (isinstance(c, float) and np.isnan(c)) else c
    return v, code


def _text(data, frame, status, key, col, u, dec, lang) -> str:
    v, code = _value(frame, status, key, col)
    return cell(v, code, data.level, u, dec, lang)[0]


def _visible(data, frame, status, key, col) -> bool:
    v, code = _value(frame, status, key, col)
    return cell(v, code, data.level, "", 0, "de")[1]


def _kreis_label(data, lang) -> str:
    return data.territory.whole(lang)


def _rows(data, lang) -> list[tuple[str, object, object, object]]:
    rows = []
    g = data.gemeinden
    if g is not None:
        for gk in g.index:
            rows.append((data.gemeinde_name(str(gk)), g, data.gemeinden_status, gk))
    k = data.kreis
    if k is not None and len(k):
        rows.append((_kreis_label(data, lang), k, data.kreis_status, k.index[0]))
    return rows


def _signed(x, dec, lang, u="") -> str:
    from sozialraum.report.text import format_value

    return format_value(x, u, dec, lang, sign=True)


# ----------------------------------------------------------------------------- chart


def _draw_projection(ax, series: pd.DataFrame, main: str, labels: Mapping, lang: str) -> None:
    """The scenario band, the main scenario's line and their legend on ``ax``."""
    years = [int(y) for y in series.columns]
    lo, hi = series.min(axis=0).to_numpy(), series.max(axis=0).to_numpy()
    ax.fill_between(years, lo, hi, color="#9ecae1", alpha=0.6, label=t(_MSG, "range", lang))
    ax.plot(years, series.loc[main].to_numpy(), color="#08519c", lw=2, label=labels[main])
    ax.legend(fontsize=7, frameon=False, loc="best")


def _projection_axes(lang: str, title: str):
    """A new figure and axes of the projection chart with everything but the data."""
    from matplotlib.ticker import FuncFormatter

    from sozialraum.report.charts import new_figure

    fig = new_figure((5.6, 2.8))  # not kept by pyplot: nothing to close, no manager
    ax = fig.add_subplot()
    ax.set_xlabel(t(_MSG, "year", lang), fontsize=8)
    ax.set_ylabel(t(_MSG, "persons", lang), fontsize=8)
    ax.yaxis.set_major_formatter(FuncFormatter(lambda x, _p: format_number(x, 0, lang)))
    ax.tick_params(labelsize=7)
    ax.set_title(title, fontsize=9, y=1.0)  # fixed height: nothing is drawn above the axes
    for s in ("top", "right"):
        ax.spines[s].set_visible(False)
    return fig, ax


#: The projection charts' figures kept per process, by language, title and years: the
#: charts of all areas differ only in their data (and so in their y axes).
_PROJECTION_FIGURES: dict[tuple, tuple] = {}


def projection_chart(series: pd.DataFrame, main: str, labels: Mapping, lang: str, title: str):
    """Line of the main scenario with the band of all scenarios (matplotlib figure).

    The figure is kept for the next chart of the same title and years; its previous
    data are removed and the layout measures only the y axis again
    (:func:`~sozialraum.report.charts.tight_grid`), so the PNG is byte for byte that
    of a new figure laid out by ``tight_layout`` (tested).
    """
    from matplotlib.transforms import Bbox

    from sozialraum.report.charts import default_margins, kept, tight_grid

    years = tuple(int(y) for y in series.columns)
    key = ("demografie", lang, title, years)
    fig, ax = kept(_PROJECTION_FIGURES, key, lambda: _projection_axes(lang, title))
    for artist in [*ax.collections, *ax.lines]:
        artist.remove()
    if ax.get_legend() is not None:
        ax.get_legend().remove()
    ax.dataLim.set_points(Bbox.null().get_points())  # as a new axes: limits from the new data
    ax.ignore_existing_data_limits = True
    _draw_projection(ax, series, main, labels, lang)
    default_margins(fig)
    # laid out, with no layout engine left (saving draws it once); the legend is new for
    # each chart and lies inside the axes wherever "best" puts it: its texts are named by
    # the key, so the boxes outside the y axis are measured once per key
    legend = (tuple(labels.items()), main)
    tight_grid(fig, (*key, legend), others_in_key=True)
    return fig


def _chart(figs, series: pd.DataFrame, name: str, lang: str) -> Figure:
    from sozialraum.report.charts import cached_uri

    L = lang
    main_label = figs.scenario_labels[figs.main][L]
    labels = {s: figs.scenario_labels[s][L] for s in figs.scenarios}
    title = t(_MSG, "fig_title", L, base=figs.base_year, end=figs.end_year, main=main_label)
    key = ("demografie", name, L, tuple(map(tuple, series.to_numpy().tolist())))
    uri = cached_uri(key, lambda: projection_chart(series, figs.main, labels, L, title))
    end = series.columns[-1]
    alt = t(
        _MSG,
        "fig_alt",
        L,
        name=name,
        base=figs.base_year,
        end=figs.end_year,
        v0=format_number(series.loc[figs.main].iloc[0], 0, L),
        v1=format_number(series.loc[figs.main, end], 0, L),
        main=main_label,
        lo=format_number(series[end].min(), 0, L),
        hi=format_number(series[end].max(), 0, L),
    )
    return Figure(uri=uri or "", alt=alt, caption=title)


# ----------------------------------------------------------------------------- chapter


def _structure_table(data, lang) -> Table | None:
    inds = [i for i in STRUCTURE_INDICATORS if i in data.catalogue.indicators.index]
    have = set(data.gemeinden.columns if data.gemeinden is not None else ())
    have |= set(data.kreis.columns if data.kreis is not None else ())
    inds = [i for i in inds if i in have]
    if not inds:
        return None
    cols = [data.territory.middle.title(lang), t(_MSG, "persons", lang)]
    cols += [f"{label(data, i, lang)} ({unit(data, i)})" for i in inds]
    rows = []
    for name, fr, st, key in _rows(data, lang):
        row = [name, _text(data, fr, st, key, data.population_col, "", 0, lang)]
        row += [_text(data, fr, st, key, i, "", 1, lang) for i in inds]
        rows.append(tuple(row))
    return Table(
        columns=tuple(cols),
        rows=tuple(rows),
        caption=t(_MSG, "structure", lang, year=data.year or ""),
        numeric=(False,) + (True,) * (len(cols) - 1),
    )


def _projection_table(data, figs, lang) -> Table:
    labels = figs.labels(lang)
    roles = ["ew", *[f"ew:{s}" for s in figs.scenarios if s != figs.main]]
    roles += ["veraenderung", "anteil_65plus", "anteil_80plus"]
    cols = [data.territory.middle.title(lang)] + [labels[figs.columns[r]] for r in roles]
    rows = []
    for name, fr, st, key in _rows(data, lang):
        row = [name]
        for r in roles:
            dec = 0 if r.startswith("ew") else 1
            row.append(_text(data, fr, st, key, figs.columns[r], "", dec, lang))
        rows.append(tuple(row))
    return Table(
        columns=tuple(cols),
        rows=tuple(rows),
        caption=t(_MSG, "projection", lang, base=figs.base_year, end=figs.end_year),
        numeric=(False,) + (True,) * len(roles),
        note=t(_MSG, "estimate", lang),
    )


def _assumptions(data, figs, lang) -> str:
    entry = data.planning["demografie"]
    params = entry.get("params")
    scen = []
    for s in params.scenarios if params is not None else ():
        scen.append(
            t(
                _MSG,
                "scen_item",
                lang,
                label=s.label(lang),
                shift=_signed(s.shift * 1000.0, 1, lang),
            )
        )
    if params is None:
        return ""
    return t(
        _MSG,
        "assumptions",
        lang,
        scen="; ".join(scen),
        lt=params.life_table_source,
        fert=params.fertility_source,
    )


def demography_chapter(data, settings: Mapping, lang: str) -> Chapter | None:
    """The Sozialbericht chapter "Demografie" (None without a projection)."""
    figs = _figures(data)
    if figs is None:
        return None
    L = lang
    sections = []
    struct = _structure_table(data, L)
    if struct is not None:
        sections.append(
            Chapter(
                key="demografie-struktur",
                title=struct.caption,
                paragraphs=(t(_MSG, "structure_text", L, unit=data.territory.middle.word(L)),),
                tables=(struct,),
            )
        )
    paragraphs = []
    figures = []
    k = data.kreis
    kkey = k.index[0] if k is not None and len(k) else None
    col = figs.columns["ew"]
    if kkey is not None and _visible(data, k, data.kreis_status, kkey, col):
        series = figs.unit_series(list(figs.counts.index))
        end = figs.end_year
        whole = _kreis_label(data, L)
        paragraphs.append(
            t(
                _MSG,
                "proj_text",
                L,
                main=figs.scenario_labels[figs.main][L],
                whole=data.territory.subject(L),
                end=end,
                value=format_number(series.loc[figs.main, end], 0, L),
                change=_signed(
                    _value(k, data.kreis_status, kkey, figs.columns["veraenderung"])[0], 1, L, "%"
                ),
                base=figs.base_year,
                lo=format_number(series[end].min(), 0, L),
                hi=format_number(series[end].max(), 0, L),
            )
        )
        figures.append(_chart(figs, series, whole, L))
    if data.planning["demografie"].get("constrained"):
        paragraphs.append(t(_MSG, "control", L))
    text = _assumptions(data, figs, L)
    if text:
        paragraphs.append(text)
    sections.append(
        Chapter(
            key="demografie-vorausberechnung",
            title=t(_MSG, "projection", L, base=figs.base_year, end=figs.end_year),
            paragraphs=tuple(paragraphs),
            tables=(_projection_table(data, figs, L),),
            figures=tuple(figures),
        )
    )
    return Chapter(key="demografie", title=t(_MSG, "title", L), sections=tuple(sections))


# ----------------------------------------------------------------------------- section


def demography_section(data, unit_kind: str, key: str, settings: Mapping, lang: str):
    """The Steckbrief section "Demografie" of an area or a municipality."""
    figs = _figures(data)
    if figs is None:
        return None
    L = lang
    if unit_kind == "gemeinde":
        fr, st, name = data.gemeinden, data.gemeinden_status, data.gemeinde_name(str(key))
        members = data.areas.index[data.areas[data.gemeinde_col].astype(str) == str(key)]
    else:
        fr, st, name = data.areas, data.status, data.name(str(key))
        members = [key]
    if fr is None or key not in fr.index:
        return None
    labels = figs.labels(L)
    rows = []
    roles = ["ew", *[f"ew:{s}" for s in figs.scenarios if s != figs.main]]
    for role in [*roles, "veraenderung", "anteil_65plus", "anteil_80plus"]:
        col = figs.columns[role]
        if col in fr.columns:  # what this level's release carries
            dec = 0 if role.startswith("ew") else 1
            rows.append((labels[col], _text(data, fr, st, key, col, "", dec, L)))
    ind = "wanderung_18_24"
    if ind in fr.columns and ind in data.catalogue.indicators.index:
        lab = f"{label(data, ind, L)} {data.year or ''}".strip()
        rows.append((lab, _text(data, fr, st, key, ind, unit(data, ind), 1, L)))
    if not rows:
        return None
    figures = []
    if _visible(data, fr, st, key, figs.columns["ew"]):
        series = figs.unit_series([str(m) for m in members])
        figures.append(_chart(figs, series, name, L))
    table = Table(
        columns=(t(_MSG, "key_numbers", L), t(_MSG, "value", L)),
        rows=tuple(rows),
        numeric=(False, True),
        note=t(_MSG, "estimate", L),
    )
    return Chapter(
        key="demografie",
        title=t(_MSG, "title", L),
        tables=(table,),
        figures=tuple(figures),
    )
