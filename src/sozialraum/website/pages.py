"""The pages of the website: start, topics, areas, compare, search, data.

Each ``*_page`` function collects the values one page shows and renders its
template; :func:`data_js` writes the values of every year once for the page
scripts (search, compare, time series), keyed by area like the tables, so the
release checker compares them area by area.
"""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd

from sozialraum.core.numbers import format_number
from sozialraum.website.context import _fmt, _num, _safe, _Site, sort_key
from sozialraum.website.maps import class_label, histogram_svg
from sozialraum.website.model import Variable
from sozialraum.website.texts import tr

__all__ = ["data_js", "locator_base", "write_pages"]


def _value(v):
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return None
    if isinstance(v, (bool, np.bool_)):
        return bool(v)
    if isinstance(v, (int, float, np.integer, np.floating)):
        return round(float(v), 3)
    return str(v)


def _records(fr: pd.DataFrame, cols: list) -> list[dict]:
    """One record per area: its key and its released values of ``cols``."""
    if not (fr.index.is_unique and fr.columns.is_unique):
        return [
            {"key": str(k)} | {c: val for c in cols if (val := _value(fr.at[k, c])) is not None}
            for k in fr.index
        ]
    recs = [{"key": str(k)} for k in fr.index]
    for c in cols:  # column by column: the same values as fr.at[k, c], read once
        for rec, v in zip(recs, fr[c].tolist(), strict=True):
            val = _value(v)
            if val is not None:
                rec[c] = val
    return recs


def data_js(site: _Site) -> str:
    """``window.SOZ``: names, variables and the released values of every year."""
    m = site.m
    levels = {}
    for lvl in ("areas", "gemeinden", "kreis"):
        per_year = {}
        vids = [v.id for v in m.variables if v.level == lvl or lvl == "kreis"]
        for y in m.years:
            fr = m.frames[y][lvl]
            cols = [c for c in vids if c in fr.columns]
            per_year[str(y)] = _records(fr, cols)
        levels[lvl] = per_year
    data = {
        "years": list(m.years),
        "year": m.year,
        "midcol": m.area_ags_col,  # the areas' column of the middle unit (a public key)
        "areas": [
            {
                "key": k,
                "name": site.names.get(k, k),
                m.area_ags_col: site.area_mid.get(k, ""),
                "page": site.page(k),
            }
            for k in site.geo.keys
        ],
        "mids": [{"key": k, "name": n} for k, n in site.mid_names.items()],
        "vars": [
            {
                "id": v.id,
                "kind": v.kind,
                "level": v.level,
                "unit": v.unit,
                "title": dict(v.title),
                "page": f"thema-{v.slug}.html",
            }
            for v in m.variables
        ],
        "values": levels,
    }
    return "window.SOZ = " + json.dumps(data, ensure_ascii=False, separators=(",", ":")) + ";\n"


def locator_base(site: _Site) -> str:
    """The grey base map of every area page's locator (one shared file)."""
    g = site.loc_geo
    paths = "".join(f'<path d="{d}"/>' for d in g.paths.values() if d)
    lines = "".join(f'<path d="{d}"/>' for d in g.outline.values() if d)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="-2 -2 {g.width + 4} {g.height + 4}">'
        f'<g fill="#e4e4e4" stroke="#fff" stroke-width="0.6">{paths}</g>'
        f'<g fill="none" stroke="#555" stroke-width="1">{lines}</g></svg>'
    )


def _status_var(site: _Site) -> Variable | None:
    for vid in ("status_klasse", "idx_gesamt_klasse", "status_index", "idx_gesamt"):
        if any(v.id == vid for v in site.m.variables):
            return site.m.variable(vid)
    return site.m.variables[0] if site.m.variables else None


def _key_figures(site: _Site, lang: str) -> list[tuple[str, str]]:
    m, terr = site.m, site.o.territory
    out = [
        (terr.bottom.title(lang, plural=True), format_number(len(site.geo.keys), 0, lang)),
        (terr.middle.title(lang, plural=True), format_number(len(site.mid_names), 0, lang)),
    ]
    top = m.frames[m.year]["kreis"]
    if "ew_ges" in top.columns and len(top) and _num(top["ew_ges"].iloc[0]) is not None:
        out.insert(0, (tr("population", lang), format_number(top["ew_ges"].iloc[0], 0, lang)))
    for v in m.variables:
        if v.kind == "indicator" and len(out) < 7:
            val = m.top_value(v)
            if val is not None:
                unit = f" {v.unit}" if v.unit else ""
                out.append((site.title(v, lang), _fmt(val, 1, lang) + unit))
    return out


def _changes(site: _Site, lang: str) -> tuple[int | None, list[dict]]:
    m = site.m
    earlier = [y for y in m.years if y < m.year]
    if not earlier or "status_klasse" not in m.frames[m.year]["areas"].columns:
        return (earlier[-1] if earlier else None), []
    prev = earlier[-1]
    now = m.frames[m.year]["areas"]["status_klasse"]
    before = m.frames[prev]["areas"].get("status_klasse")
    if before is None:
        return prev, []
    out = []
    for k, v in now.items():
        b = before.get(k)
        if v is not None and b is not None and str(v) != str(b) and pd.notna(v) and pd.notna(b):
            out.append(
                {
                    "name": site.names.get(k, k),
                    "link": site.page(k),
                    "before": class_label(b, lang),
                    "now": class_label(v, lang),
                }
            )
    return prev, sorted(out, key=lambda r: sort_key(r["name"]))


def start_page(site: _Site, lang: str) -> None:
    var = _status_var(site)
    mp = site.var_map(var, lang, "m0") if var else {"svg": "", "legend": []}
    leg = mp.get("legend_obj")
    prev, changed = _changes(site, lang)
    site.render(
        "start.html",
        lang,
        "index.html",
        var=var,
        var_title=site.title(var, lang) if var else "",
        map=mp,
        rows=site.table_rows(var, lang, leg) if var else [],
        figures=_key_figures(site, lang),
        prev=prev,
        changed=changed,
        var_page=f"thema-{var.slug}.html" if var else "",
    )


def _series_table(site: _Site, var: Variable, lang: str) -> tuple[list, list]:
    """Rows of the time series table: the district, then each unit of the middle level."""
    m = site.m
    header = [str(y) for y in m.years]
    rows = []
    if var.kind == "class":
        cats = []
        for y in m.years:
            s = m.frames[y]["areas"].get(var.id)
            if s is not None:
                cats += [str(c) for c in s.dropna().unique() if str(c) not in cats]
        for c in cats:
            vals = []
            for y in m.years:
                s = m.frames[y]["areas"].get(var.id)
                vals.append(
                    format_number(int((s.astype(str) == c).sum()), 0, lang)
                    if s is not None
                    else "–"
                )
            rows.append((class_label(c, lang), vals))
        return header, rows
    if var.level == "gemeinden" or var.kind == "indicator":
        top = [_fmt(m.top_value(var, y), 1, lang) for y in m.years]
        rows.append((site.o.territory.whole(lang), top))
    if var.level == "gemeinden":
        for k, n in site.mid_names.items():
            vals = [_fmt(_cell(site, y, var.id, k, "gemeinden"), 1, lang) for y in m.years]
            rows.append((f"{n} ({k})", vals))
    return header, rows


def variable_page(site: _Site, var: Variable, lang: str, i: int) -> None:
    mp = site.var_map(var, lang, f"m{i}")
    leg = mp.get("legend_obj")
    title = site.title(var, lang)
    hist, hist_rows = ("", [])
    if var.kind != "class":
        hist, hist_rows = histogram_svg(
            site.m.values(var), f"{tr('distribution', lang)}: {title}", lang
        )
    header, series = _series_table(site, var, lang)
    direction = ""
    if var.kind == "index":
        direction = tr("dir_index", lang)
    elif var.direction in ("need", "resource"):
        direction = tr(f"dir_{var.direction}", lang)
    unit_level = site.o.territory.bottom if var.level == "areas" else site.o.territory.middle
    site.render(
        "variable.html",
        lang,
        f"thema-{var.slug}.html",
        var=var,
        title=title,
        map=mp,
        rows=site.table_rows(var, lang, leg),
        unit_word=unit_level.title(lang),
        hist=hist,
        hist_rows=hist_rows,
        series_header=header,
        series=series,
        direction=direction,
        definition=(var.definition or {}).get(lang, ""),
        legend_counts=[(it["label"], it["n"]) for it in mp.get("legend", [])],
    )


def _comparable(site: _Site, key: str) -> list[str]:
    if "comparable" not in site.memo:
        fr = site.m.frames[site.m.year]["areas"]
        col = next((c for c in ("status_index", "idx_gesamt") if c in fr.columns), None)
        site.memo["comparable"] = None if col is None else pd.to_numeric(fr[col], errors="coerce")
    s = site.memo["comparable"]
    if s is None:
        return []
    if pd.isna(s.get(key)):
        return []
    d = (s - s[key]).abs().drop(index=key).dropna().sort_values()
    return [str(k) for k in d.index[:5]]


def _cell(site: _Site, year: int, vid: str, key: str, level: str = "areas"):
    """``frames[year][level].at[key, vid]`` (None where missing), columns read once per site."""
    memo = site.memo.setdefault(("cells", level), {})
    if year not in memo:
        fr = site.m.frames[year][level]
        if not (fr.index.is_unique and fr.columns.is_unique):
            memo[year] = fr  # repeated labels: ask the frame itself, as before
        else:
            pos = {k: i for i, k in enumerate(fr.index)}
            memo[year] = (pos, {c: fr[c].array for c in fr.columns})
    found = memo[year]
    if isinstance(found, pd.DataFrame):
        return found.at[key, vid] if vid in found.columns and key in found.index else None
    pos, cols = found
    if vid not in cols or key not in pos:
        return None
    return cols[vid][pos[key]]


def area_page(site: _Site, key: str, lang: str) -> None:
    m = site.m
    name = site.names.get(key, key)
    rows_cls, rows_val = [], []
    for v in m.variables:
        if v.level != "areas":
            continue
        vals = [_fmt(_cell(site, y, v.id, key), 1, lang) for y in m.years]
        row = {"title": site.title(v, lang), "link": f"thema-{v.slug}.html", "vals": vals}
        (rows_cls if v.kind == "class" else rows_val).append(row)
    g = site.loc_geo
    mid_key = site.area_mid.get(key, "")
    mid_name = site.mid_names.get(mid_key, mid_key)
    link = lambda k: {"key": k, "name": site.names.get(k, k), "link": site.page(k)}  # noqa: E731
    site.render(
        "area.html",
        lang,
        f"gebiet-{_safe(key)}.html",
        key=key,
        name=name,
        mid_name=mid_name,
        mid_label=site.o.territory.middle.named(mid_name, lang) if mid_name else "",
        loc_w=g.width,
        loc_h=g.height,
        loc_path=g.paths.get(key, ""),
        loc_label=tr("locator", lang, name=name, whole=_in_whole(site, lang)),
        years=[str(y) for y in m.years],
        classes=rows_cls,
        values=rows_val,
        comparable=[link(k) for k in _comparable(site, key)],
        neighbours=sorted(
            (link(k) for k in site.neigh.get(key, [])), key=lambda r: sort_key(r["name"])
        ),
    )


def _in_whole(site: _Site, lang: str) -> str:
    """``im Landkreis Musterland`` / ``in Musterstadt``."""
    terr = site.o.territory
    if terr.name:
        return terr.top.in_named(terr.name, lang) if lang == "de" else f"in {terr.name}"
    return "im Gebiet" if lang == "de" else "in the area"


def write_pages(site: _Site, lang: str) -> None:
    """Every page of the site in ``lang``."""
    start_page(site, lang)
    for i, var in enumerate(site.m.variables, start=1):
        variable_page(site, var, lang, i)
    for key in site.page_keys:
        area_page(site, key, lang)
    areas = sorted(((k, site.names.get(k, k)) for k in site.geo.keys), key=lambda r: sort_key(r[1]))
    site.render("compare.html", lang, "vergleich.html", areas=areas)
    site.render("search.html", lang, "suche.html")
    dl = site.out / "downloads"
    files = sorted(p for p in dl.iterdir() if p.is_file()) if dl.is_dir() else []
    sizes = [(p.name, f"{format_number(p.stat().st_size / 1024, 0, lang)} KB") for p in files]
    site.render("downloads.html", lang, "daten.html", files=sizes)
