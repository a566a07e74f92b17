"""Sozialbericht chapter "Hilfen zur Erziehung" (for the Jugendhilfeausschuss).

Reads ``data.planning["hze"]``: ``{"result": HzeResult, "threshold": int, "names":
{municipality key: name}}`` (filled by the run from ``[hze]``). Tables: the district
by type of help (running, new, ended cases, rate per 1,000 under 21, mean duration,
costs per case), the municipalities (running cases and rate), the district over the
years. Outside ``intern`` every count below the minimum is hidden, and so is every
further count that would give it away by subtraction (types → total, municipalities
→ total, stock and flow between years; :func:`sozialraum.privacy.tables.protect_table`);
rates, costs per case and durations of a hidden count are hidden with it.
"""

from __future__ import annotations

import pandas as pd

from sozialraum.core.numbers import format_number
from sozialraum.monitor.hze import HZE_TYPES
from sozialraum.privacy.tables import protect_table
from sozialraum.report.chapters import Chapter, Table

__all__ = ["hze_chapter", "hze_hidden"]

_M = ("laufend", "neu", "beendet")

_T = {
    "title": ("Hilfen zur Erziehung", "Educational support (HzE)"),
    "intro": (
        "Im Jahr {year} liefen {where} {n} Hilfen nach dem SGB VIII ({rate} je 1.000 "
        "Einwohner unter 21 Jahren); {new} Hilfen begannen, {ended} endeten.",
        "In {year}, {n} help cases under SGB VIII ran {where} ({rate} per 1,000 "
        "inhabitants under 21); {new} began, {ended} ended.",
    ),
    "types": ("Hilfen nach Hilfeart, {year}", "Help by type, {year}"),
    "gem": ("Hilfen je {middle}, {year}", "Help per {middle}, {year}"),
    "trend": ("Entwicklung {first}–{last}", "Trend {first}–{last}"),
    "art": ("Hilfeart", "Type of help"),
    "run": ("laufend", "running"),
    "new": ("begonnen", "new"),
    "end": ("beendet", "ended"),
    "rate": ("je 1.000 unter 21", "per 1,000 under 21"),
    "dur": ("Ø Dauer beendeter Hilfen (Monate)", "mean duration of ended help (months)"),
    "cost": ("Kosten je Fall (€)", "cost per case (€)"),
    "costs": ("Kosten insgesamt (€)", "total costs (€)"),
    "year": ("Jahr", "Year"),
    "all": ("alle Hilfen", "all help"),
    "secret": (
        "Fallzahlen unter {min} und Werte, aus denen sie sich errechnen ließen, sind mit "
        "„•“ gesperrt.",
        "Counts below {min} and values from which they could be computed are shown as '•'.",
    ),
    "source": (
        "Fallzeilen des Jugendamts; laufend = Hilfe im Jahr gewährt; Quote je 1.000 "
        "Einwohner unter 21 Jahren; § 42 (Inobhutnahme) ist eine vorläufige Schutzmaßnahme "
        "und in „alle Hilfen“ enthalten.",
        "Case rows of the youth office; running = help granted in the year; rate per 1,000 "
        "inhabitants under 21; § 42 (taking into care) is a provisional protective measure "
        "and is included in 'all help'.",
    ),
}


def _w(key: str, lang: str, **kw) -> str:
    s = _T[key][1 if lang == "en" else 0]
    return s.format(**kw) if kw else s


def _cells(res, year: int) -> tuple[pd.Series, list[list]]:
    """Every published count with its cell id, and the sum equations between them."""
    f = res.figures
    vals: dict = {}
    eqs: list[list] = []
    k = f[(f["ebene"] == "kreis") & (f["jahr"] == year)].set_index("art")
    g = f[(f["ebene"] == "gemeinde") & (f["jahr"] == year) & (f["art"] == "gesamt")]
    for m in _M:
        for art in k.index:
            vals[("k", art, m)] = k.at[art, m]
        eqs.append([("k", a, m) for a in k.index])  # the types and their total
        for key, v in zip(g["schluessel"], g[m], strict=True):
            vals[("g", key, m)] = v
        eqs.append([*(("g", key, m) for key in g["schluessel"]), ("k", "gesamt", m)])
    tot = f[(f["ebene"] == "kreis") & (f["art"] == "gesamt")].set_index("jahr")
    for y in tot.index:
        for m in _M:
            vals.setdefault(_year_cell(y, year, m), tot.at[y, m])
    ys = sorted(tot.index)
    for a, b in zip(
        ys, ys[1:], strict=False
    ):  # stock and flow: running(b) = running(a) − ended(a) + new(b)
        eqs.append(
            [
                _year_cell(b, year, "laufend"),
                _year_cell(a, year, "laufend"),
                _year_cell(a, year, "beendet"),
                _year_cell(b, year, "neu"),
            ]
        )
    return pd.Series(vals, dtype=float), eqs


def _year_cell(y: int, year: int, m: str):
    return ("k", "gesamt", m) if int(y) == int(year) else ("y", int(y), m)


def hze_hidden(res, year: int, threshold: int) -> pd.Series:
    """Cells of the chapter that a release level other than ``intern`` must hide."""
    vals, eqs = _cells(res, year)
    return protect_table(vals, eqs, threshold=threshold)


def _fmt(v, hidden: bool, decimals: int, lang: str) -> str:
    return "•" if hidden else format_number(v, decimals, lang)


def _type_rows(res, year, hidden, lang):
    k = res.at("kreis", year).set_index("art")
    rows = []
    for art in [*HZE_TYPES, "gesamt"]:
        if art not in k.index:
            continue
        r = k.loc[art]
        h = {m: bool(hidden.get(("k", art, m), False)) for m in _M}
        if art != "gesamt" and r["laufend"] == 0 and not any(h.values()):
            continue
        ht = HZE_TYPES.get(art)
        name = (
            f"{ht.paragraph} {ht.label_en if lang == 'en' else ht.label}" if ht else _w("all", lang)
        )
        rows.append(
            (
                name,
                _fmt(r["laufend"], h["laufend"], 0, lang),
                _fmt(r["neu"], h["neu"], 0, lang),
                _fmt(r["beendet"], h["beendet"], 0, lang),
                _fmt(r["je_1000_u21"], h["laufend"], 1, lang),
                _fmt(r["dauer_mittel"], h["beendet"], 1, lang),
                _fmt(r["kosten_je_fall"], h["laufend"], 0, lang),
            )
        )
    return tuple(rows)


def _gem_rows(res, year, hidden, names, lang):
    f = res.at("gemeinde", year)
    f = f[f["art"] == "gesamt"]
    rows = []
    for r in f.itertuples(index=False):
        h = {m: bool(hidden.get(("g", r.schluessel, m), False)) for m in _M}
        rows.append(
            (
                str(names.get(r.schluessel, r.schluessel)),
                _fmt(r.laufend, h["laufend"], 0, lang),
                _fmt(r.je_1000_u21, h["laufend"], 1, lang),
                _fmt(r.neu, h["neu"], 0, lang),
                _fmt(r.beendet, h["beendet"], 0, lang),
            )
        )
    return tuple(rows)


def _trend_rows(res, year, hidden, lang):
    f = res.figures
    tot = f[(f["ebene"] == "kreis") & (f["art"] == "gesamt")].sort_values("jahr")
    rows = []
    for r in tot.itertuples(index=False):
        h = {m: bool(hidden.get(_year_cell(r.jahr, year, m), False)) for m in _M}
        rows.append(
            (
                str(int(r.jahr)),
                _fmt(r.laufend, h["laufend"], 0, lang),
                _fmt(r.neu, h["neu"], 0, lang),
                _fmt(r.beendet, h["beendet"], 0, lang),
                _fmt(r.je_1000_u21, h["laufend"], 1, lang),
                format_number(r.kosten, 0, lang),
            )
        )
    return tuple(rows)


def hze_chapter(data, settings, lang: str) -> Chapter | None:
    """The HzE chapter of the Sozialbericht (``None`` without ``[hze]``)."""
    p = (data.planning or {}).get("hze")
    if not p:
        return None
    res = p["result"]
    year = int(data.year or max(res.years))
    if year not in res.years:
        year = max(res.years)
    intern = data.level == "intern"
    hidden = pd.Series(dtype=bool) if intern else hze_hidden(res, year, int(p["threshold"]))
    terr = data.territory
    k = res.at("kreis", year).set_index("art").loc["gesamt"]
    hk = {m: bool(hidden.get(("k", "gesamt", m), False)) for m in _M}
    intro = _w(
        "intro",
        lang,
        year=year,
        where=terr.top.in_named(terr.name, lang),
        n=_fmt(k["laufend"], hk["laufend"], 0, lang),
        rate=_fmt(k["je_1000_u21"], hk["laufend"], 1, lang),
        new=_fmt(k["neu"], hk["neu"], 0, lang),
        ended=_fmt(k["beendet"], hk["beendet"], 0, lang),
    )
    middle = terr.middle.singular if lang != "en" else terr.middle.english
    head = (_w("run", lang), _w("new", lang), _w("end", lang))
    tables = (
        Table(
            columns=(_w("art", lang), *head, _w("rate", lang), _w("dur", lang), _w("cost", lang)),
            rows=_type_rows(res, year, hidden, lang),
            caption=_w("types", lang, year=year),
            numeric=(False, True, True, True, True, True, True),
            note=_w("source", lang),
        ),
        Table(
            columns=(terr.middle.title(lang), _w("run", lang), _w("rate", lang), *head[1:]),
            rows=_gem_rows(res, year, hidden, p.get("names") or {}, lang),
            caption=_w("gem", lang, middle=middle, year=year),
            numeric=(False, True, True, True, True),
        ),
        Table(
            columns=(_w("year", lang), *head, _w("rate", lang), _w("costs", lang)),
            rows=_trend_rows(res, year, hidden, lang),
            caption=_w("trend", lang, first=min(res.years), last=max(res.years)),
            numeric=(False, True, True, True, True, True),
        ),
    )
    notes = () if intern else (_w("secret", lang, min=int(p["threshold"]) + 1),)
    return Chapter(
        key="hze", title=_w("title", lang), paragraphs=(intro,), tables=tables, notes=notes
    )
