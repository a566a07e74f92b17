"""Chapter "Grundschulen" of the Sozialbericht and the school section of the Steckbriefe.

From ``data.planning["schulen"]``: school-entry cohorts per Schulbezirk (or per
catchment of the nearest Grundschule) today and projected, and the distance of
each area to its nearest Grundschule from the run's access analysis, summarised
per Schulbezirk (child-weighted mean, largest). Outside ``intern`` a cohort below
the release threshold is not printed.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from sozialraum.core.numbers import format_number
from sozialraum.report.chapters import Chapter, Table
from sozialraum.report.text import cell_text

__all__ = ["schools_chapter", "schools_section"]

#: Cohorts below this are not printed outside ``intern`` (the packages' primary threshold + 1).
SMALL = 3

_W = {
    "title": {"de": "Grundschulen", "en": "Primary schools"},
    "intro_bezirke": {
        "de": "Einschulungsjahrgänge (Kinder im Alter von {age} Jahren am 31.12.) je Schulbezirk; "
        "ein {unit} zählt zu dem Schulbezirk, in dem sein Mittelpunkt liegt. Künftige Jahre aus "
        "der Vorausberechnung (Szenario „{scen}“).",
        "en": "School-entry cohorts (children aged {age} on 31 Dec) per school district; an area "
        "belongs to the district containing its centre. Later years from the projection "
        "(scenario '{scen}').",
    },
    "intro_naechste": {
        "de": "Einschulungsjahrgänge (Kinder im Alter von {age} Jahren am 31.12.) je Einzugsbereich "
        "der nächstgelegenen Grundschule (Luftlinie vom Mittelpunkt des Gebiets). Künftige Jahre "
        "aus der Vorausberechnung (Szenario „{scen}“).",
        "en": "School-entry cohorts (children aged {age} on 31 Dec) per catchment of the nearest "
        "primary school. Later years from the projection (scenario '{scen}').",
    },
    "distance": {
        "de": "Weg zur nächsten Grundschule aus der Auswertung „{name}“: Mittel je Schulbezirk "
        "gewichtet mit den Kindern von 6 bis 9 Jahren, dazu der weiteste Weg eines Gebiets.",
        "en": "Distance to the nearest primary school from the analysis '{name}': mean per "
        "district weighted by children aged 6 to 9, and the longest distance of an area.",
    },
    "caption": {
        "de": "Einschulungsjahrgänge und Schulwege je Schulbezirk",
        "en": "School-entry cohorts and distances per school district",
    },
    "district": {"de": "Schulbezirk", "en": "School district"},
    "areas": {"de": "Gebiete", "en": "areas"},
    "entry": {"de": "Einschulung", "en": "school entry"},
    "change": {"de": "Veränderung", "en": "change"},
    "mean": {"de": "Weg Mittel (m)", "en": "mean distance (m)"},
    "max": {"de": "Weg max. (m)", "en": "max. distance (m)"},
    "sum": {"de": "Summe", "en": "Total"},
    "sec_intro": {
        "de": "Schulbezirk: {name}. Weg zur nächsten Grundschule: {dist}.",
        "en": "School district: {name}. Distance to the nearest primary school: {dist}.",
    },
}


def _w(key: str, lang: str, **kw) -> str:
    text = _W[key]["de" if lang != "en" else "en"]
    return text.format(**kw) if kw else text


def _count(x, level: str, lang: str) -> str:
    if level != "intern" and x is not None and not pd.isna(x) and 0 < float(x) < SMALL:
        return cell_text("geheim_primaer", lang)
    return format_number(x, 0, lang)


def _distances(data, entry, dist: pd.Series | None) -> pd.DataFrame | None:
    if dist is None:
        return None
    per = entry.areas.join(dist.rename("weg"))
    w = (
        pd.to_numeric(data.areas["ew_6_9"], errors="coerce").set_axis(data.areas.index.astype(str))
        if "ew_6_9" in data.areas.columns
        else pd.Series(1.0, index=per.index)
    )
    per["w"] = w.reindex(per.index).fillna(0.0)
    per["wx"] = per["w"] * per["weg"]
    g = per.groupby("bezirk")
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = g["wx"].sum() / g["w"].sum().replace(0, np.nan)
    return pd.DataFrame({"mittel": mean, "max": g["weg"].max()})


def schools_chapter(data, settings: Mapping, lang: str) -> Chapter | None:
    """The chapter "Grundschulen" (``None`` without ``[schulen]`` in this run)."""
    p = (data.planning or {}).get("schulen")
    if not p:
        return None
    e = p["entry"]
    d = e.districts
    dist = _distances(data, e, p.get("distance"))
    years = list(e.years)
    cols = [_w("district", lang), _w("areas", lang)]
    cols += [f"{_w('entry', lang)} {y}" for y in years]
    if len(years) > 1:
        cols.append(f"{_w('change', lang)} {years[0]}–{years[-1]}")
    if dist is not None:
        cols += [_w("mean", lang), _w("max", lang)]
    rows = []
    for bid, r in d.iterrows():
        row = [str(r["name"]), format_number(r["gebiete"], 0, lang)]
        row += [_count(r[f"einschulung_{y}"], data.level, lang) for y in years]
        if len(years) > 1:
            ch = r.get("veraenderung_proz")
            row.append(f"{format_number(ch, 1, lang, sign=True)} %")
        if dist is not None:
            row += [format_number(dist.at[bid, c], 0, lang) for c in ("mittel", "max")]
        rows.append(tuple(row))
    total = [_w("sum", lang), format_number(d["gebiete"].sum(), 0, lang)]
    total += [format_number(d[f"einschulung_{y}"].sum(), 0, lang) for y in years]
    total += [""] * (len(cols) - len(total))
    rows.append(tuple(total))
    intro = "intro_bezirke" if e.source == "schulbezirke" else "intro_naechste"
    unit = data.territory.bottom.singular
    paras = [_w(intro, lang, age=e.age, unit=unit, scen=e.scenario or "–")]
    if dist is not None:
        paras.append(_w("distance", lang, name=p.get("access") or ""))
    return Chapter(
        key="schulen",
        title=_w("title", lang),
        paragraphs=tuple(paras),
        tables=(
            Table(
                columns=tuple(cols),
                rows=tuple(rows),
                caption=_w("caption", lang),
                numeric=(False, *([True] * (len(cols) - 1))),
            ),
        ),
    )


def schools_section(data, unit: str, key: str, settings: Mapping, lang: str) -> Chapter | None:
    """The school section of an area's Steckbrief: its Schulbezirk, distance and cohorts."""
    p = (data.planning or {}).get("schulen")
    if not p or unit != "sozialraum":
        return None
    e = p["entry"]
    if str(key) not in e.areas.index:
        return None
    bid = e.areas.at[str(key), "bezirk"]
    r = e.districts.loc[bid]
    dist = p.get("distance")
    dtext = (
        f"{format_number(dist.get(str(key)), 0, lang)} m"
        if dist is not None and str(key) in dist.index
        else "–"
    )
    years = list(e.years)
    table = Table(
        columns=tuple(f"{_w('entry', lang)} {y}" for y in years),
        rows=(tuple(_count(r[f"einschulung_{y}"], data.level, lang) for y in years),),
        caption=str(r["name"]),
        numeric=tuple(True for _ in years),
    )
    return Chapter(
        key="schulen",
        title=_w("title", lang),
        paragraphs=(_w("sec_intro", lang, name=r["name"], dist=dtext),),
        tables=(table,),
    )
