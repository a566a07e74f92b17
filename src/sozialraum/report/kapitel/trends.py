"""Chapter "Entwicklung über mehrere Jahre" and the Steckbrief section with multi-year lines.

The run holds the rates of every year it read (``state.rates``);
:func:`sozialraum.report.data.trend_series` puts them, with the municipalities' and the district's roll-ups of each year, into
``data.planning["trends"]``. Per indicator the chapter shows the series of the
district and of every municipality and the linear trend (least-squares slope per
year, :func:`sozialraum.monitor.trend`, over at least 3 years) with its direction.

Only values the document's release level may show appear, in every year:

* outside ``intern`` an earlier year's values come from that year's checked release
  of the same package (made by the run with the privacy step of that year: primary
  and secondary suppression), and a value is hidden where its status code there is
  secret (:func:`sozialraum.core.status.hidden_mask`); in the report year the
  status of the checked release is used (it includes the secondary suppression);
* a series of a frame (areas, municipalities, district) appears only where the
  release of this level shows that indicator for that frame in the report year;
* the slope is computed from the shown values only.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from sozialraum.core.numbers import format_number
from sozialraum.core.status import hidden_mask
from sozialraum.report.cells import label, unit
from sozialraum.report.chapters import Chapter, Figure, Table
from sozialraum.report.memo import memoized

__all__ = ["visible_series", "trends_chapter", "trends_section"]

_KINDS = ("areas", "gemeinden", "kreis")

#: Indicators drawn in a profile's multi-year lines (the first of the catalogue by default).
PROFILE_INDICATORS = 6


def _current(data, kind: str):
    fr = {"areas": data.areas, "gemeinden": data.gemeinden, "kreis": data.kreis}[kind]
    st = {"areas": data.status, "gemeinden": data.gemeinden_status, "kreis": data.kreis_status}[
        kind
    ]
    return fr, st


def _year_values(data, tr: Mapping, kind: str, ind: str, y: int) -> pd.Series | None:
    """Values of ``ind`` in year ``y`` that ``data.level`` may show (``None``: not shown).

    Outside ``intern`` an earlier year comes only from that year's checked release of
    the same package (``planning["trends_releases"]``, made by the run): its primary and
    secondary suppression hold for that year as they do for the report year. Without
    such releases only the report year is shown.
    """
    if data.level == "intern" or y == data.year:
        fr, st = tr[kind].get(y), tr[f"{kind}_status"].get(y)
    else:
        rel = (data.planning.get("trends_releases") or {}).get(y)
        if rel is None:
            return None
        fr, st = rel.frame(kind), rel.status(kind)
    if fr is None or ind not in fr.columns:
        return None
    v = pd.to_numeric(fr[ind], errors="coerce").astype(float)
    v.index = v.index.astype(str)
    if data.level != "intern" and st is not None and ind in st.columns:
        s = st[ind]
        s.index = s.index.astype(str)
        v = v.mask(hidden_mask(s.reindex(v.index), data.level).to_numpy(dtype=bool))
    return v


def visible_series(data, kind: str, ind: str) -> pd.DataFrame | None:
    """Values of ``ind`` per unit (rows) and year (columns) that ``data.level`` may show.

    ``None`` where this level does not show the indicator for ``kind`` at all.
    Computed once per level while its profiles are written
    (:func:`sozialraum.report.memo.level_memo`); the frame is read-only.
    """
    return memoized(data, ("trends.visible_series", kind, ind), lambda: _visible(data, kind, ind))


def _visible(data, kind: str, ind: str) -> pd.DataFrame | None:
    tr = (data.planning or {}).get("trends")
    if not tr or not tr[kind]:
        return None
    cur, cur_status = _current(data, kind)
    if cur is None or ind not in getattr(cur, "columns", []):
        return None  # the release of this level does not show it
    cols = {}
    for y in tr["years"]:
        v = _year_values(data, tr, kind, ind, y)
        if v is not None:
            cols[y] = v
    if not cols:
        return None
    out = pd.DataFrame(cols)
    keys = [str(k) for k in cur.index]
    out = out.reindex(keys)
    if data.year in out.columns:  # the report year: exactly the release's value and status
        now = pd.to_numeric(cur[ind], errors="coerce").astype(float).set_axis(keys)
        if data.level != "intern" and cur_status is not None and ind in cur_status.columns:
            s = cur_status[ind].set_axis(keys)
            now = now.mask(hidden_mask(s, data.level).to_numpy(dtype=bool))
        out[data.year] = now
    return out


def _slopes(series: pd.DataFrame, lang: str) -> tuple[pd.Series, pd.Series]:
    from sozialraum.monitor import trend

    if series.shape[1] < 3:
        nan = pd.Series(np.nan, index=series.index)
        return nan, pd.Series("–", index=series.index)
    panel = series.stack(future_stack=True).rename("v").to_frame()
    panel.index = panel.index.set_names(["key", "year"])
    slope, direction = trend(panel, lang=lang)
    return slope["v"].reindex(series.index), direction["v"].reindex(series.index)


def _indicator_table(data, ind: str, lang: str) -> Table | None:
    de = lang != "en"
    u = unit(data, ind)
    # the slope's number only internally: outside, a derived number beside a municipality could
    # equal a value withheld there, and the direction says what a reader needs
    internal = data.level == "intern"
    rows = []
    years: list = []
    for kind in ("kreis", "gemeinden"):
        s = visible_series(data, kind, ind)
        if s is None:
            continue
        years = list(s.columns)
        slope, direction = _slopes(s, lang)
        for key in s.index:
            # the key beside the name ties the row to the municipality, not to an area of
            # the same name (the release check reads each row with the unit it names)
            name = (
                data.territory.top.singular
                if kind == "kreis"
                else f"{data.gemeinde_name(str(key))} ({key})"
            )
            vals = [format_number(v, 1, lang) if np.isfinite(v) else "–" for v in s.loc[key]]
            sl = slope.get(key, np.nan)
            slope_cell = (
                (format_number(sl, 2, lang) if np.isfinite(sl) else "–",) if internal else ()
            )
            rows.append((name, *vals, *slope_cell, str(direction.get(key, "–"))))
    if not rows:
        return None
    per = " (Pp.)" if u == "%" else (f" ({u})" if u else "")
    slope_head = (("Trend je Jahr" if de else "trend per year") + per,) if internal else ()
    return Table(
        columns=("", *map(str, years), *slope_head, "Richtung" if de else "direction"),
        rows=tuple(rows),
        caption=label(data, ind, lang),
        numeric=(False, *([True] * (len(years) + len(slope_head))), False),
    )


def trends_chapter(data, settings: Mapping, lang: str) -> Chapter | None:
    """The Sozialbericht chapter "Entwicklung über mehrere Jahre" (``None`` with < 2 years)."""
    tr = (data.planning or {}).get("trends")
    if not tr:
        return None
    de = lang != "en"
    inds = settings.get("indikatoren") or data.indicator_ids
    tables = [t for t in (_indicator_table(data, i, lang) for i in inds) if t is not None]
    if not tables:
        return None
    y0, y1 = tr["years"][0], tr["years"][-1]
    text = (
        f"Die Indikatoren von {y0} bis {y1} für {data.territory.top.singular} und "
        f"{data.territory.middle.plural}. Der Trend ist die Steigung der Ausgleichsgeraden "
        "(kleinste Quadrate) je Jahr über mindestens drei Jahre; er beschreibt die Richtung, "
        "nicht ihre Ursache. Geheim gehaltene Werte bleiben in jedem Jahr geheim (–)."
        if de
        else f"The indicators from {y0} to {y1} for the {data.territory.top.english} and its "
        f"{data.territory.middle.english_plural}. The "
        "trend is the least-squares slope per year over at least three years; it describes "
        "the direction, not its cause. Suppressed values stay suppressed in every year (–)."
    )
    return Chapter(
        key="trends",
        title="Entwicklung über mehrere Jahre" if de else "Development over several years",
        paragraphs=(text,),
        tables=tuple(tables),
    )


def _panels(data, unit_: str, key: str, inds: list[str]) -> list:
    kind = "areas" if unit_ == "sozialraum" else "gemeinden"
    panels = []
    for ind in inds:
        own = visible_series(data, kind, ind)
        dist = visible_series(data, "kreis", ind)
        own_v = own.loc[str(key)] if own is not None and str(key) in own.index else None
        dist_v = dist.iloc[0] if dist is not None and len(dist) else None
        if own_v is not None and own_v.notna().sum() >= 2:
            panels.append((ind, own_v, dist_v))
    return panels


#: Figures of the small multiples kept per process, by (rows, columns, titles): the profiles
#: of a level draw the same panels with other lines, and making the axes is a third of a chart.
_LINE_FIGURES: dict[tuple, tuple] = {}


def _new_line_figure(nrow: int, ncol: int, labels: list[str]) -> tuple:
    """A figure of ``nrow`` × ``ncol`` small multiples with these titles."""
    from sozialraum.report.charts import new_figure

    fig = new_figure((2.3 * ncol, 1.6 * nrow))
    axes = fig.subplots(nrow, ncol, squeeze=False)
    for ax in axes.ravel()[len(labels) :]:
        ax.set_visible(False)
    for ax, title in zip(axes.ravel(), labels, strict=False):
        # the title at a fixed height (nothing is drawn above the axes: no offset text on
        # the y axis, whose ticks show the values themselves), not searched for per draw
        ax.set_title(title, fontsize=7, y=1.0)
        ax.ticklabel_format(axis="y", useOffset=False)
        ax.tick_params(labelsize=6)
        for s in ("top", "right"):
            ax.spines[s].set_visible(False)
    return fig, axes


def _line_axes(nrow: int, ncol: int, labels: list[str]):
    """The figure and axes of the small multiples with these titles (made once per process)."""
    from sozialraum.report.charts import kept

    key = (nrow, ncol, tuple(labels))
    return kept(_LINE_FIGURES, key, lambda: _new_line_figure(nrow, ncol, labels))


def _draw_lines(panels: list, labels: list[str]):
    """Small multiples of ``panels``; the PNG is byte for byte that of a new figure.

    The lines of the previous chart are removed, the limits recomputed from the new
    data and the layout computed from the default margins again, so a chart does
    not depend on the charts drawn before it. The tight layout measures only the
    y axes per chart (:func:`sozialraum.report.charts.tight_grid`).
    """
    from sozialraum.report.charts import default_margins, tight_grid

    n = len(panels)
    ncol = min(3, n)
    nrow = int(np.ceil(n / ncol))
    fig, axes = _line_axes(nrow, ncol, labels[:n])
    for ax, (_lab, own_v, dist_v) in zip(axes.ravel(), panels, strict=False):
        for line in list(ax.lines):
            line.remove()
        ax.plot(own_v.index, own_v.to_numpy(), marker="o", ms=3, color="#1f4e79", lw=1.4)
        if dist_v is not None:
            ax.plot(dist_v.index, dist_v.to_numpy(), ls="--", color="#888888", lw=1)
        ax.set_xticks(list(own_v.index))
        ax.relim()
        ax.autoscale_view()
    default_margins(fig)
    tight_grid(fig, ("trends", nrow, ncol, tuple(labels[:n])))
    return fig


def _lines_figure(data, unit_: str, key: str, inds: list[str], lang: str) -> Figure | None:
    """Small multiples: the unit's shown values per year (solid) and the district's (dashed)."""
    from sozialraum.report.charts import cached_uri

    panels = _panels(data, unit_, key, inds)
    if not panels:
        return None
    labels = [label(data, ind, lang) for ind, _own, _dist in panels]
    digest = tuple(
        (
            lab,
            tuple(own.items()),
            tuple(dist.items()) if dist is not None else (),
        )
        for lab, own, dist in panels
    )
    uri = cached_uri(("trends", tuple(labels), digest), lambda: _draw_lines(panels, labels))
    avg = data.territory.average(lang)
    alt = (
        f"Entwicklung je Jahr (durchgezogen) und {avg} (gestrichelt)"
        if lang != "en"
        else f"development per year (solid) and {avg} (dashed)"
    )
    return Figure(uri=uri or "", alt=alt, caption=alt)


def trends_section(data, unit_: str, key: str, settings: Mapping, lang: str) -> Chapter | None:
    """Steckbrief section: a small multi-year line per key indicator (shown values only)."""
    if not (data.planning or {}).get("trends"):
        return None
    inds = list(settings.get("text_indikatoren") or data.indicator_ids)[:PROFILE_INDICATORS]
    fig = _lines_figure(data, unit_, key, inds, lang)
    if fig is None:
        return None
    de = lang != "en"
    return Chapter(
        key="trends",
        title="Entwicklung über mehrere Jahre" if de else "Development over several years",
        figures=(fig,),
    )
