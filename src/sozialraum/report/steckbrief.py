"""Steckbriefe: a two-minute profile per planning area and per municipality.

:func:`area_context` / :func:`gemeinde_context` turn a :class:`ReportData` into a
plain dict for the template ``steckbrief.html.j2``; :func:`write_steckbriefe`
writes HTML (and PDF) files for all or some areas.

Rules (also in ``docs/report.md``):

* **District average** — the rolled-up district rate (``ReportData.kreis``), else
  the unweighted mean of the areas.
* **Rank** — among the units of the same level with a value (secret cells
  excluded), 1 = most need: descending for ``direction = "need"``, ascending for
  ``"resource"``; ties share the best rank (``method="min"``).
* **Change** — value minus previous-year value (percentage points for %); the
  arrow is ↑/↓ when the change is at least half the last printed digit, else →;
  red when it means more need (need ↑, resource ↓), green when less.
* **Release level** — outside ``"intern"`` a cell whose status is secret reads
  "geheim" even if a number is present; at ``"oeffentlich"`` index values and
  z-scores are not printed (classes only) and the dimension profile is omitted.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from sozialraum._i18n import get_lang, t
from sozialraum.core.numbers import format_number
from sozialraum.core.status import is_secret
from sozialraum.core.territory import Level, Territory
from sozialraum.core.text import slugify
from sozialraum.monitor.certainty import certainty_text
from sozialraum.report import charts
from sozialraum.report.cells import cell as _cell
from sozialraum.report.cells import direction as _direction
from sozialraum.report.cells import isnan as _isnan
from sozialraum.report.cells import label as _label
from sozialraum.report.cells import rank as _rank
from sozialraum.report.cells import unit as _unit
from sozialraum.report.cells import visible as _visible
from sozialraum.report.data import ReportData
from sozialraum.report.kapitel import (
    finish_profile_sections,
    list_profile_sections,
    profile_sections,
)
from sozialraum.report.memo import level_memo
from sozialraum.report.text import (
    cell_text,
    compare,
    format_value,
    indicator_sentence,
    population_sentence,
)

__all__ = [
    "area_context",
    "gemeinde_context",
    "indicator_rows",
    "profile_chart_jobs",
    "profile_stems",
    "safe_filename",
    "write_steckbriefe",
]

_MSG = {
    "title": {"de": "Steckbrief {kind} {name}", "en": "Profile: {kind} {name}"},
    "pop": {"de": "Einwohner", "en": "Inhabitants"},
    "pop_change": {"de": "Veränderung zum Vorjahr", "en": "Change since previous year"},
    "u18": {"de": "Anteil unter 18 Jahren", "en": "Share under 18"},
    "o65": {"de": "Anteil ab 65 Jahren", "en": "Share aged 65 and over"},
    "o80": {"de": "Anteil ab 80 Jahren", "en": "Share aged 80 and over"},
    "classes": {
        "de": "{subj} gehört zur Statusklasse „{status}“ und zur Dynamikklasse „{dyn}“.",
        "en": "{subj} is in status class “{status}” and dynamic class “{dyn}”.",
    },
    "unsure_status": {
        "de": "Die Statusklasse „{cls}“ ist unsicher: {sure}. Bei so kleinen Fallzahlen "
        "ist auch eine Nachbarklasse möglich (wahrscheinlichste andere: „{alt}“, {p} %).",
        "en": "The status class “{cls}” is uncertain: {sure}. With counts this small a "
        "neighbouring class is possible too (most likely other: “{alt}”, {p} %).",
    },
    "unsure_short": {
        "de": "Die Statusklasse „{cls}“ ist unsicher: {sure}. Bei so kleinen Fallzahlen "
        "ist auch eine Nachbarklasse möglich.",
        "en": "The status class “{cls}” is uncertain: {sure}. With counts this small a "
        "neighbouring class is possible too.",
    },
    "change_unsure": {
        "de": "Die Dynamikklasse „{cls}“ ist nicht gesichert: die Veränderung ist nicht "
        "größer als das Zufallsrauschen der kleinen Zahlen.",
        "en": "The dynamic class “{cls}” is not assured: the change is not larger than the "
        "random noise of the small counts.",
    },
    "not_rated": {
        "de": "{subj} wird im Monitor nicht bewertet ({why}).",
        "en": "{subj} is not rated by the monitor ({why}).",
    },
    "source": {"de": "Quelle: {src}. Stand: {date}.", "en": "Source: {src}. As of: {date}."},
    "method": {
        "de": "Methodenhinweis: {avg} = {whole} (Summe der Zähler durch Summe "
        "der Nenner). Rang 1 = höchster Bedarf unter {n_units} {units} mit Wert. Veränderung = Wert minus Vorjahreswert "
        "(bei Prozentwerten in Prozentpunkten). Pfeil rot = mehr Bedarf, grün = weniger Bedarf. „etwa im "
        "Durchschnitt“ heißt: Abstand höchstens {near} Standardabweichungen, „deutlich“: mehr als {far}. "
        "„geheim“: aus Datenschutzgründen nicht ausgewiesen; „–“: kein Wert; „zu wenige Fälle“: Bezugsgröße zu klein; "
        "* unsichere Zahl (kleine Bezugsgröße).",
        "en": "Method note: {avg} = {whole} (sum of numerators over sum of "
        "denominators). Rank 1 = most need among {n_units} {units} with a value. Change = value minus previous "
        "year (percentage points for percentages). Red arrow = more need, green = less need. “about the average” "
        "means a distance of at most {near} standard deviations, “well” more than {far}. “secret”: not shown for "
        "data protection; “–”: no value; “too few cases”: base too small; * uncertain (small base).",
    },
    "lisa": {"de": "Lokale Clusteranalyse (LISA)", "en": "Local clusters (LISA)"},
    "gi": {"de": "Hot-Spot-Analyse (Gi*)", "en": "Hot spots (Gi*)"},
    "access_grundschule_m": {"de": "Nächste Grundschule", "en": "Nearest primary school"},
    "access_hausarzt_m": {"de": "Nächste Hausarztpraxis", "en": "Nearest GP"},
    "access_kita_plaetze_je_100": {
        "de": "Kita-Plätze je 100 Kinder",
        "en": "Day-care places per 100 children",
    },
    "access_kita_defizit": {"de": "Fehlende Kita-Plätze", "en": "Missing day-care places"},
    "pyramid_title": {
        "de": "Altersaufbau {year} (Anteil in %)",
        "en": "Age structure {year} (share in %)",
    },
}

_ACCESS_UNITS = {
    "grundschule_m": "m",
    "hausarzt_m": "m",
    "kita_plaetze_je_100": "",
    "kita_defizit": "",
}
_ACCESS_DEC = {"grundschule_m": 0, "hausarzt_m": 0, "kita_plaetze_je_100": 1, "kita_defizit": 0}


def safe_filename(text: str) -> str:
    """ASCII file name part from a name (``"Mühlwitz/Ost"`` → ``"Muehlwitz_Ost"``)."""
    return slugify(text, keep_case=True, keep="._-", max_length=60, fallback="gebiet")


def _sd(data: ReportData, ind: str, values: pd.Series) -> float:
    try:
        sc = data.monitor_params["standardization"]["scale"]
        v = float(sc[ind])
        if np.isfinite(v) and v > 0:
            return v
    except (KeyError, TypeError, ValueError, IndexError):
        pass
    v = pd.to_numeric(values, errors="coerce").dropna()
    return float(v.std(ddof=0)) if len(v) > 1 else float("nan")


def _change(cur, prev, unit: str, direction: str, decimals: int, lang: str) -> dict:
    if _isnan(cur) or _isnan(prev):
        return {"text": "–", "arrow": "", "cls": "neutral"}
    d = float(cur) - float(prev)
    half = 0.5 * 10 ** (-decimals)
    if abs(d) < half:
        arrow, cls = "→", "neutral"
    else:
        up = d > 0
        arrow = "↑" if up else "↓"
        worse = up if direction == "need" else not up
        cls = "bad" if worse else "good"
    u = {"%": " Pp." if lang == "de" else " pp"}.get(unit, "")
    return {"text": format_number(d, decimals, lang, sign=True) + u, "arrow": arrow, "cls": cls}


def _indicator_stats(data: ReportData, ind: str, unit_level: str, L: str) -> dict:
    """What every row of indicator ``ind`` shares: ranks, count, spread, district value, texts.

    Computed once per indicator and level (:func:`write_steckbriefe` passes a
    ``stats`` dict), not once per profile.
    """
    frame = data.areas if unit_level == "areas" else data.gemeinden
    status = data.status if unit_level == "areas" else data.gemeinden_status
    unit, direction = _unit(data, ind), _direction(data, ind)
    vis = _visible(frame[ind], status, ind, data.level)
    dist, dcode = data.district_value(ind)
    genus = None
    if "genus" in data.catalogue.indicators.columns:
        g = data.catalogue.indicators.at[ind, "genus"]
        genus = g if isinstance(g, str) else None
    return {
        "unit": unit,
        "direction": direction,
        "label": _label(data, ind, L),
        "dimension": data.catalogue.indicators.at[ind, "dimension"],
        "ranks": _rank(vis, direction),
        "n": int(vis.notna().sum()),
        "dist": dist,
        "dtext": _cell(dist, dcode, data.level, unit, 1, L)[0],
        "sd": _sd(data, ind, data.areas[ind]) if ind in data.areas.columns else float("nan"),
        "genus": genus,
    }


def indicator_rows(
    data: ReportData,
    key: str,
    *,
    unit_level: str = "areas",
    settings: Mapping | None = None,
    lang: str | None = "de",
    stats: dict | None = None,
) -> list[dict]:
    """Table rows (one per indicator) for an area (``unit_level="areas"``) or municipality (``"gemeinden"``).

    ``stats`` (a dict kept across the calls for one ``data``) holds what all rows of
    an indicator share, so that a whole level costs one ranking per indicator.
    """
    L = get_lang(lang)
    settings = settings or {}
    stats = {} if stats is None else stats
    frame = data.areas if unit_level == "areas" else data.gemeinden
    prev = data.previous if unit_level == "areas" else data.gemeinden_previous
    prev_status = data.previous_status if unit_level == "areas" else None
    ids = settings.get("indikatoren") or data.indicator_ids
    rows = []
    for ind in ids:
        if ind not in data.catalogue.indicators.index or ind not in frame.columns:
            continue
        st = stats.get((unit_level, ind, L))
        if st is None:
            st = stats[(unit_level, ind, L)] = _indicator_stats(data, ind, unit_level, L)
        unit, direction, dec = st["unit"], st["direction"], 1
        code = data.cell_status(key, ind, unit_level)
        value = frame.at[key, ind]
        text, has = _cell(value, code, data.level, unit, dec, L)
        dist, dtext = st["dist"], st["dtext"]
        ranks, n = st["ranks"], st["n"]
        rank = ranks.get(key, np.nan) if has else np.nan
        rank_text = f"{int(rank)} / {n}" if not _isnan(rank) else "–"
        pv = np.nan
        if prev is not None and ind in prev.columns and key in prev.index:
            pv = prev.at[key, ind]
            pcode = None
            if prev_status is not None and ind in prev_status.columns and key in prev_status.index:
                pcode = prev_status.at[key, ind]
                pcode = None if _isnan(pcode) else str(pcode)
            if is_secret(pcode) and data.level != "intern":
                pv = np.nan
        ch = _change(value if has else np.nan, pv, unit, direction, dec, L)
        sd = st["sd"]
        cat = (
            compare(value, dist, sd, near=settings.get("nah", 0.25), far=settings.get("fern", 1.0))
            if has
            else None
        )
        genus = (settings.get("genus") or {}).get(ind)
        if genus is None:
            genus = st["genus"]
        sentence = indicator_sentence(
            st["label"],
            value if has else np.nan,
            dist,
            unit=unit,
            sd=sd,
            status=("geheim" if (is_secret(code) and data.level != "intern") else code),
            decimals=dec,
            genus_code=genus,
            reference=data.territory.average(L),
            near=settings.get("nah", 0.25),
            far=settings.get("fern", 1.0),
            lang=L,
        )
        z = (
            (float(value) - float(dist)) / sd
            if has and not _isnan(dist) and sd and np.isfinite(sd)
            else np.nan
        )
        rows.append(
            {
                "id": ind,
                "label": st["label"],
                "unit": unit,
                "dimension": st["dimension"],
                "value": text,
                "has_value": has,
                "raw": float(value) if has else None,
                "district": dtext,
                "rank": rank_text,
                "change": ch["text"],
                "arrow": ch["arrow"],
                "arrow_cls": ch["cls"],
                "compare": cat,
                "sentence": sentence,
                "z": z,
                "status": code,
            }
        )
    return rows


def _count(data: ReportData, frame, key, col: str, which: str = "areas") -> float:
    """A count that may be printed: NaN if missing or secret (outside the internal level)."""
    if frame is None or col not in frame.columns or key not in frame.index:
        return np.nan
    v = frame.at[key, col]
    if data.level != "intern" and which and is_secret(data.cell_status(key, col, which)):
        return np.nan
    return np.nan if _isnan(v) else float(v)


def _facts(data: ReportData, frame, key, L, prev_frame=None, which: str = "areas") -> list[dict]:
    facts = []
    pc = data.population_col
    if pc in frame.columns:
        a = _count(data, frame, key, pc, which)
        facts.append(
            {
                "label": t(_MSG, "pop", L),
                "value": format_number(a, 0, L)
                if not _isnan(a)
                else cell_text(data.cell_status(key, pc, which), L),
            }
        )
        b = _count(data, prev_frame, key, pc, "previous" if which == "areas" else None)
        if not _isnan(a) and not _isnan(b) and b > 0:
            rel = (a - b) / b * 100
            facts.append(
                {
                    "label": t(_MSG, "pop_change", L),
                    "value": f"{format_number(a - b, 0, L, sign=True)} ({format_value(rel, '%', 1, L, sign=True)})",
                }
            )
    for col, num in (("u18", "ew_0_17"), ("o65", "ew_65plus"), ("o80", "ew_80plus")):
        a, b = _count(data, frame, key, num, which), _count(data, frame, key, pc, which)
        if not _isnan(a) and not _isnan(b) and b > 0:
            facts.append({"label": t(_MSG, col, L), "value": format_value(a / b * 100, "%", 1, L)})
    return facts


def _spatial(data: ReportData, key: str, L: str) -> list[dict]:
    out = []
    a = data.areas
    for col in a.columns:
        if col.endswith("lisa_cat") or col.endswith("gi_cat"):
            base = col[: -len("lisa_cat")] if col.endswith("lisa_cat") else col[: -len("gi_cat")]
            base = base.rstrip("_")
            var = base or "idx_gesamt"
            what = t(_MSG, "lisa" if col.endswith("lisa_cat") else "gi", L)
            if var in data.catalogue.indicators.index:
                vl = _label(data, var, L)
            else:
                vl = {"idx_gesamt": "Gesamtindex" if L == "de" else "overall index"}.get(var, var)
            v = a.at[key, col]
            color_col = col.replace("_cat", "_color")
            out.append(
                {
                    "what": what,
                    "variable": vl,
                    "value": "–" if _isnan(v) else str(v),
                    "color": a.at[key, color_col]
                    if color_col in a.columns and not _isnan(a.at[key, color_col])
                    else "#ffffff",
                }
            )
    return out


def _access(data: ReportData, key: str, L: str) -> list[dict]:
    acc = data.access
    if acc is None or key not in acc.index:
        return []
    rows = []
    for col in acc.columns:
        v = acc.at[key, col]
        meta = (data.access_meta or {}).get(col) or {}
        lab = meta.get("label") or (
            t(_MSG, f"access_{col}", L) if f"access_{col}" in _MSG else str(col)
        )
        dec = int(meta.get("decimals", _ACCESS_DEC.get(col, 1)))
        unit = meta.get("unit", _ACCESS_UNITS.get(col, ""))
        if isinstance(v, str):
            txt = v
        else:
            txt = format_value(v, unit, dec, L)
            if col.endswith("_m") and not _isnan(v) and float(v) >= 1000:
                txt = format_value(float(v) / 1000, "km", 1, L)
        rows.append({"label": lab, "value": txt})
    return rows


def _pyramid_allowed(data: ReportData, settings: Mapping) -> bool:
    """Pyramids show single years of age (small numbers): not in public output unless asked for."""
    if not settings.get("pyramide", True):
        return False
    return data.level != "oeffentlich" or bool(settings.get("pyramide_oeffentlich", False))


def _text_rows(rows: list[dict], settings: Mapping, *, with_missing: bool) -> list[dict]:
    """Rows told as sentences: ``settings["text_indikatoren"]`` or the four largest ``|z|``.

    ``with_missing`` adds up to two rows whose value is secret or missing.
    """
    chosen = settings.get("text_indikatoren")
    if chosen:
        return [r for r in rows if r["id"] in chosen]
    out = sorted([r for r in rows if not _isnan(r["z"])], key=lambda r: -abs(r["z"]))[:4]
    if with_missing:
        out += [r for r in rows if is_secret(r["status"]) or (r["status"] and not r["has_value"])][
            :2
        ]
    return out


def _footer(data: ReportData, settings: Mapping, L: str, n_units: int, level: Level) -> dict:
    """Context entries shared by area and municipality Steckbriefe (year, source, method note)."""
    return {
        "level": data.level,
        "year": data.year,
        "previous_year": data.previous_year,
        "source_line": t(_MSG, "source", L, src=data.source or "–", date=data.date),
        "method_note": t(
            _MSG,
            "method",
            L,
            avg=data.territory.average(L),
            whole=data.territory.rate_of_whole(L),
            n_units=format_number(n_units, 0, L),
            units=level.dative_plural if L == "de" else level.english_plural,
            near=format_number(settings.get("nah", 0.25), 2, L),
            far=format_number(settings.get("fern", 1.0), 1, L),
        ),
    }


def _words(terr: Territory, L: str) -> dict:
    """The territory's words the profile template needs (column heads, headings)."""
    return {
        "middle_word": terr.middle.title(L),
        "bottom_word": terr.bottom.title(L),
        "average_word": terr.top.title(L),
        "members_heading": terr.members_heading(L),
    }


def profile_stems(contexts: Sequence[Mapping], territory: Territory) -> dict[tuple, str]:
    """File name (without suffix) of each profile, by ``(unit, key)``.

    A planning area: ``steckbrief_<key>_<name>``. A unit of the roll-up level:
    ``steckbrief_<level word>_<name>`` (``steckbrief_bezirk_Neukoelln``) from its
    configured name column; the key is added where two names would give the same file
    or the unit has no name (``steckbrief_bezirk_08``).
    """
    mid = [c for c in contexts if c["unit"] == "gemeinde"]
    slugs = [safe_filename(c["name"]) for c in mid]
    out = {}
    for c, sl in zip(mid, slugs, strict=True):
        if str(c["name"]) == str(c["key"]):  # no name: the key
            tail = safe_filename(str(c["key"]))
        elif slugs.count(sl) > 1:  # two units of the same name: the key tells them apart
            tail = safe_filename(f"{c['key']}_{c['name']}")
        else:
            tail = sl
        out[("gemeinde", c["key"])] = f"steckbrief_{territory.middle.slug}_{tail}"
    for c in contexts:
        if c["unit"] != "gemeinde":
            out[(c["unit"], c["key"])] = f"steckbrief_{c['key']}_{safe_filename(c['name'])}"
    return out


def _area_classes(data: ReportData, key: str, rated: bool, L: str) -> list[dict]:
    """Classes, type and (outside the public level) the overall index of one area."""
    a = data.areas
    classes = []
    nb = "nicht bewertet" if L == "de" else "not rated"
    for col, lab_de, lab_en in (
        ("status_klasse", "Statusklasse", "Status class"),
        ("dynamik_klasse", "Dynamikklasse", "Dynamic class"),
        ("mss_gruppe", "Status / Dynamik", "Status / dynamic"),
        ("idx_gesamt_klasse", "Gesamtindex (Klasse)", "Overall index (class)"),
        ("typ_beschreibung", "Gebietstyp", "Area type"),
    ):
        if col in a.columns:
            v = a.at[key, col]
            classes.append(
                {
                    "label": lab_de if L == "de" else lab_en,
                    "value": nb if (_isnan(v) or v == "" or not rated) else str(v),
                }
            )
    if data.level != "oeffentlich" and "idx_gesamt" in a.columns:
        v = a.at[key, "idx_gesamt"]
        text = format_number(v, 2 if data.level == "intern" else 1, L) if not _isnan(v) else "–"
        classes.append(
            {
                "label": "Gesamtindex (z-Wert)" if L == "de" else "Overall index (z)",
                "value": text if rated else nb,
            }
        )
    return classes


def certainty_sentences(a: pd.DataFrame, key, L: str, below: float = 0.8) -> list[str]:
    """Sentences when the area's status class is unsure or its dynamic change not assured.

    Reads the columns of :class:`sozialraum.monitor.CertaintyResult` (absent: no sentence).
    """
    out = []
    if "status_sicherheit" in a.columns and "status_klasse" in a.columns:
        p = pd.to_numeric(pd.Series([a.at[key, "status_sicherheit"]]), errors="coerce")[0]
        if np.isfinite(p) and p < below:
            cls = str(a.at[key, "status_klasse"])
            probs = {
                c[len("status_p_") :]: a.at[key, c]
                for c in a.columns
                if c.startswith("status_p_") and c != f"status_p_{slugify(cls)}"
            }
            alt = max(probs, key=lambda c: probs[c]) if probs else ""
            if not alt:  # the probabilities of the other classes are internal
                out.append(t(_MSG, "unsure_short", L, cls=cls, sure=certainty_text(p, L)))
                return out + _change_sentences(a, key, L)
            out.append(
                t(
                    _MSG,
                    "unsure_status",
                    L,
                    cls=cls,
                    sure=certainty_text(p, L),
                    alt=alt.replace("_", " "),
                    p=format_number(100 * float(probs.get(alt, 0.0)), 0, L),
                )
            )
    return out + _change_sentences(a, key, L)


def _change_sentences(a: pd.DataFrame, key, L: str) -> list[str]:
    """The sentence "Die Dynamikklasse … ist nicht gesichert" where a change is within the noise."""
    out = []
    if "dynamik_gesichert" in a.columns and "dynamik_klasse" in a.columns:
        g = a.at[key, "dynamik_gesichert"]
        cls = a.at[key, "dynamik_klasse"]
        if (
            g is not None
            and not pd.isna(g)
            and not bool(g)
            and cls in ("positiv", "negativ", "positive", "negative")
        ):
            out.append(t(_MSG, "change_unsure", L, cls=cls))
    return out


def _area_images(data: ReportData, key: str, rated: bool, settings: Mapping, L: str) -> dict:
    """Location map, dimension profile (not public) and population pyramid (where allowed)."""
    a = data.areas
    fmt = settings.get("bildformat", "png")
    images = {"karte": _location_uri(data, key, fmt, L)}
    dims = (data.monitor_params.get("index") or {}).get("dimensions") or {}
    if data.level != "oeffentlich" and dims and rated:
        # at the precision a release shows indices: one drawing for all levels that show them
        dec = data.index_decimals
        prof = {
            lab: float(np.round(float(a.at[key, f"idx_{d}"]), dec))
            if f"idx_{d}" in a.columns and not _isnan(a.at[key, f"idx_{d}"])
            else np.nan
            for d, lab in dims.items()
        }
        images["profil"] = charts.cached_uri(
            ("profil", tuple(map(repr, prof.items())), L, repr(data.territory)),
            lambda: charts.profile_chart(prof, lang=L, territory=data.territory),
            fmt,
        )
    if _pyramid_allowed(data, settings) and data.population is not None and data.year is not None:
        uri = _pyramid_uri(data, key, fmt, L)
        if uri is not None:
            images["pyramide"] = uri
    return images


def _rated(a, key: str) -> bool:
    """Whether the monitor rates area ``key`` (``bewertet``; rated when the column is absent)."""
    return (
        bool(a.at[key, "bewertet"])
        if "bewertet" in a.columns and not _isnan(a.at[key, "bewertet"])
        else True
    )


def _gemeinde_images(data: ReportData, gkey: str, members, settings: Mapping, L: str) -> dict:
    """Location map and (where allowed) population pyramid of a municipality."""
    g = data.gemeinden
    images = {}
    fmt = settings.get("bildformat", "png")
    if hasattr(g, "geometry") and "geometry" in getattr(g, "columns", []):
        images["karte"] = _location_uri(data, gkey, fmt, L)
    if (
        _pyramid_allowed(data, settings)
        and data.population is not None
        and data.year is not None
        and len(members)
    ):
        uri = _pyramid_uri(data, list(map(str, members.index)), fmt, L)
        if uri is not None:
            images["pyramide"] = uri
    return images


def _members(data: ReportData, gkey: str):
    a = data.areas
    return (
        a[a[data.gemeinde_col].astype(str) == str(gkey)]
        if data.gemeinde_col in a.columns
        else a.iloc[:0]
    )


def _draw_charts_ahead(data: ReportData, keys, gkeys, settings: Mapping, L: str) -> dict:
    """Draw the charts of all profiles of a level at once, on several processes where possible.

    The topic sections (multi-year lines, projection, ...) are built here, once per
    profile, listing their charts; returns them by ``(unit, key)`` for
    :func:`~sozialraum.report.kapitel.finish_profile_sections`, which adds the
    images drawn here.
    """
    listed, jobs = _list_charts(data, keys, gkeys, settings, L)
    charts.draw_many(jobs)
    return listed


def _list_charts(data: ReportData, keys, gkeys, settings: Mapping, L: str) -> tuple[dict, list]:
    """The topic sections of every profile and the charts they need (drawn: none)."""
    listed: dict = {}
    with charts.collecting() as jobs:
        for k in keys:
            _area_images(data, k, _rated(data.areas, k), settings, L)
            listed[("sozialraum", k)] = list_profile_sections(
                data, "sozialraum", k, settings, L, jobs
            )
        for g in gkeys:
            _gemeinde_images(data, g, _members(data, g), settings, L)
            listed[("gemeinde", g)] = list_profile_sections(data, "gemeinde", g, settings, L, jobs)
    return listed, jobs


def _sections(data: ReportData, unit: str, key: str, settings: Mapping, L: str, listed) -> list:
    """The topic sections of a profile: those built ahead with their images, else built now."""
    if listed is None:
        return profile_sections(data, unit, key, settings, L)
    return finish_profile_sections(listed, data, unit, key, settings, L)


def _location_uri(data: ReportData, key: str, fmt: str, L: str) -> str | None:
    """Location map of an area or municipality, drawn once for all levels with the same geometry."""
    a, g = data.areas, data.gemeinden
    name_col = data.gemeinde_name_col
    ident = (
        "karte",
        charts.frame_digest(a, [data.gemeinde_col, "geometry"]),
        charts.frame_digest(g, [name_col, "geometry"]) if g is not None else "-",
        data.gemeinde_col,
        name_col,
        repr(data.territory),
        str(key),
        L,
    )
    return charts.cached_uri(
        ident,
        lambda: charts.location_map(
            a,
            key,
            gemeinde_col=data.gemeinde_col,
            gemeinden=g,
            lang=L,
            territory=data.territory,
            gemeinde_name_col=name_col,
        ),
        fmt,
    )


def _pyramid_uri(data: ReportData, keys, fmt: str, L: str) -> str | None:
    """Population pyramid of an area (or the areas of a municipality), drawn once per data."""
    ident = (
        "pyramide",
        charts.frame_digest(data.population),
        tuple(keys) if isinstance(keys, list) else str(keys),
        data.year,
        L,
    )
    return charts.cached_uri(
        ident, lambda: charts.pyramid(data.population, keys, data.year, lang=L), fmt
    )


def area_context(
    data: ReportData,
    key: str,
    *,
    settings: Mapping | None = None,
    lang: str | None = "de",
    charts_on: bool = True,
    stats: dict | None = None,
    sections: list | None = None,
) -> dict:
    """Template context of the Steckbrief of planning area ``key``.

    ``stats``: a dict shared by the calls for one ``data`` (see :func:`indicator_rows`);
    ``sections``: its topic sections as listed while the charts were drawn ahead.
    """
    L = get_lang(lang)
    settings = settings or {}
    stats = {} if stats is None else stats
    a = data.areas
    terr = data.territory
    name = data.name(key)
    gkey = str(a.at[key, data.gemeinde_col]) if data.gemeinde_col in a.columns else None
    rows = indicator_rows(data, key, settings=settings, lang=L, stats=stats)
    text_rows = _text_rows(rows, settings, with_missing=True)
    sentences = [
        population_sentence(
            name, _count(data, a, key, data.population_col), lang=L, level=terr.bottom
        )
    ]
    subj = terr.bottom.the("nom", L)
    subj = subj[:1].upper() + subj[1:]
    rated = _rated(a, key)
    if "status_klasse" in a.columns:
        if rated and not _isnan(a.at[key, "status_klasse"]):
            sentences.append(
                t(
                    _MSG,
                    "classes",
                    L,
                    subj=subj,
                    status=a.at[key, "status_klasse"],
                    dyn=a.at[key, "dynamik_klasse"]
                    if "dynamik_klasse" in a.columns and not _isnan(a.at[key, "dynamik_klasse"])
                    else "–",
                )
            )
        else:
            why = (
                a.at[key, "grund"]
                if "grund" in a.columns
                and isinstance(a.at[key, "grund"], str)
                and a.at[key, "grund"]
                else "–"
            )
            sentences.append(t(_MSG, "not_rated", L, subj=subj, why=why))
    if rated:
        sentences += certainty_sentences(a, key, L, float(settings.get("sicher_ab", 0.8)))
    sentences += [r["sentence"] for r in text_rows]
    classes = _area_classes(data, key, rated, L)
    images = _area_images(data, key, rated, settings, L) if charts_on else {}
    if ("n_units",) not in stats:
        stats[("n_units",)] = (
            int(pd.to_numeric(a[data.population_col], errors="coerce").notna().sum())
            if data.population_col in a.columns
            else len(a)
        )
    n_units = stats[("n_units",)]
    return {
        "unit": "sozialraum",
        "kind": terr.bottom.title(L),
        "title": t(_MSG, "title", L, kind=terr.bottom.title(L), name=name),
        "name": name,
        "key": key,
        "gemeinde": data.gemeinde_name(gkey) if gkey else "",
        **_words(terr, L),
        "facts": _facts(data, a, key, L, data.previous),
        "sentences": sentences,
        "rows": rows,
        "classes": classes,
        "spatial": _spatial(data, key, L),
        "access": _access(data, key, L),
        "images": images,
        "areas_of_gemeinde": [],
        "sections": _sections(data, "sozialraum", key, settings, L, sections),
        **_footer(data, settings, L, n_units, terr.bottom),
    }


def gemeinde_context(
    data: ReportData,
    gkey: str,
    *,
    settings: Mapping | None = None,
    lang: str | None = "de",
    charts_on: bool = True,
    stats: dict | None = None,
    sections: list | None = None,
) -> dict:
    """Template context of the Steckbrief of municipality ``gkey`` (needs ``data.gemeinden``).

    ``sections``: its topic sections as listed while the charts were drawn ahead.
    """
    L = get_lang(lang)
    settings = settings or {}
    terr = data.territory
    g = data.gemeinden
    name = data.gemeinde_name(gkey)
    rows = indicator_rows(
        data, gkey, unit_level="gemeinden", settings=settings, lang=L, stats=stats
    )
    text_rows = _text_rows(rows, settings, with_missing=False)
    sentences = [
        population_sentence(
            name,
            _count(data, g, gkey, data.population_col, "gemeinden"),
            lang=L,
            level=terr.middle,
        )
    ]
    sentences += [r["sentence"] for r in text_rows]
    members = _members(data, gkey)
    nb = "nicht bewertet" if L == "de" else "not rated"
    area_rows = []
    for k in members.index:
        rated = bool(members.at[k, "bewertet"]) if "bewertet" in members.columns else True

        def cls(c, k=k, rated=rated):
            v = members.at[k, c] if c in members.columns else np.nan
            return nb if (not rated or _isnan(v) or v == "") else str(v)

        area_rows.append(
            {
                "key": k,
                "name": data.name(k),
                "status": cls("status_klasse"),
                "dynamik": cls("dynamik_klasse"),
                "typ": (f"Typ {cls('typ')}" if L == "de" else f"type {cls('typ')}")
                if cls("typ") != nb
                else nb,
                "ew": format_number(_count(data, members, k, data.population_col), 0, L)
                if not _isnan(_count(data, members, k, data.population_col))
                else "–",
            }
        )
    images = _gemeinde_images(data, gkey, members, settings, L) if charts_on else {}
    facts = _facts(data, g, gkey, L, data.gemeinden_previous, which="gemeinden")
    facts.append(
        {"label": terr.bottom.title(L, plural=True), "value": format_number(len(members), 0, L)}
    )
    return {
        "unit": "gemeinde",
        "kind": terr.middle.title(L),
        "title": t(_MSG, "title", L, kind=terr.middle.title(L), name=name),
        "name": name,
        "key": gkey,
        "gemeinde": "",
        **_words(terr, L),
        "facts": facts,
        "sentences": sentences,
        "rows": rows,
        "classes": [],
        "spatial": [],
        "access": [],
        "images": images,
        "areas_of_gemeinde": area_rows,
        "sections": _sections(data, "gemeinde", gkey, settings, L, sections),
        **_footer(data, settings, L, len(g), terr.middle),
    }


def write_steckbriefe(
    data: ReportData,
    out_dir: str | Path,
    *,
    areas: Sequence[str] | None = None,
    municipalities: bool | Sequence[str] = True,
    pdf: bool = True,
    combined: bool = True,
    template_dir: str | Path | None = None,
    settings: Mapping | None = None,
    lang: str | None = "de",
    timeout: float = 120.0,
    progress: Callable[[int, int], None] | None = None,
    on_time: Callable[[str, float], None] | None = None,
) -> list[Path]:
    """Write one Steckbrief per planning area (and municipality) as HTML and, optionally, PDF.

    Parameters
    ----------
    data
        The report data.
    out_dir
        Output folder (created); files ``steckbrief_<key>_<name>.html``/``.pdf``.
        (``progress(done, total)`` is called after each document's content is built.)
        and, with ``combined``, ``steckbriefe_alle.html``/``.pdf``.
    areas
        Area keys (default: all); unknown keys raise :class:`InputError`.
    municipalities
        Also write one per municipality (unit of the roll-up level; needs
        ``data.gemeinden``); a list of keys writes only those.
    pdf
        Also print PDFs with headless Chromium (one browser for the whole batch).
    combined
        Also write all Steckbriefe into one document (page break between them).
    template_dir, settings
        District templates and settings (see :mod:`sozialraum.report.render`).

    Returns
    -------
    list of Path
        Every file written (HTML first, then PDF).

    Raises
    ------
    ChromiumError
        ``pdf=True`` but Chromium is missing or failed (the HTML files are written).
    InputError
        Unknown area keys.
    """
    from sozialraum.report.render import make_environment, resolve_settings

    L = get_lang(lang)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    st = resolve_settings(settings, template_dir)
    env = make_environment(template_dir, L)
    tpl = env.get_template("steckbrief.html.j2")
    keys, gkeys = _profile_keys(data, areas, municipalities, L)
    with contextlib.ExitStack() as stack:
        if not charts.sharing():
            stack.enter_context(charts.shared_charts())
        stack.enter_context(level_memo())  # level-wide tables once, not once per profile
        listed = _draw_charts_ahead(data, keys, gkeys, st, L)
        contexts = _contexts(data, keys, gkeys, st, L, progress, listed)
    return _write_documents(
        contexts,
        out,
        tpl,
        data,
        st,
        L,
        pdf=pdf,
        combined=combined,
        timeout=timeout,
        on_time=on_time,
    )


def _profile_keys(data: ReportData, areas, municipalities, L: str) -> tuple[list[str], list[str]]:
    """Keys of the areas and municipalities that get a profile (see :func:`write_steckbriefe`)."""
    from sozialraum.errors import InputError, format_ids

    keys = list(map(str, data.areas.index)) if areas is None else [str(k) for k in areas]
    unknown = [k for k in keys if k not in data.areas.index]
    if unknown:
        raise InputError(
            ("Unbekannte Gebietsschlüssel: " if L == "de" else "unknown area keys: ")
            + format_ids(unknown),
            ids=unknown,
        )
    gkeys: list[str] = []
    if municipalities is not False and data.gemeinden is not None:
        gkeys = list(map(str, data.gemeinden.index))
        if not isinstance(municipalities, bool):
            only = set(map(str, municipalities))
            gkeys = [g for g in gkeys if g in only]
        if areas is not None and data.gemeinde_col in data.areas.columns:
            wanted = set(data.areas.loc[keys, data.gemeinde_col].astype(str))
            gkeys = [g for g in gkeys if g in wanted]
    return keys, gkeys


def profile_chart_jobs(
    data: ReportData,
    *,
    template_dir: str | Path | None = None,
    settings: Mapping | None = None,
    lang: str | None = "de",
) -> list:
    """The charts :func:`write_steckbriefe` would draw for all profiles of ``data``.

    As ``(key, draw)`` pairs of :func:`~sozialraum.report.charts.collecting`, for
    :func:`~sozialraum.report.charts.draw_ahead`: another process may draw them
    before the profiles are written. Call it inside
    :func:`~sozialraum.report.charts.shared_charts`.
    """
    from sozialraum.report.render import resolve_settings

    L = get_lang(lang)
    st = resolve_settings(settings, template_dir)
    keys, gkeys = _profile_keys(data, None, True, L)
    with level_memo():
        return _list_charts(data, keys, gkeys, st, L)[1]


def _contexts(data, keys, gkeys, st, L, progress, listed=None) -> list[dict]:
    """Template contexts of the areas, then the municipalities (statistics once per indicator).

    ``listed``: the topic sections built by :func:`_draw_charts_ahead` (not built again).
    """
    total = len(keys) + len(gkeys)
    listed = listed or {}
    contexts = []
    stats: dict = {}  # per indicator: ranks, spread, district value (once, not per profile)
    for k in keys:
        secs = listed.get(("sozialraum", k))
        contexts.append(area_context(data, k, settings=st, lang=L, stats=stats, sections=secs))
        if progress is not None:
            progress(len(contexts), total)
    for g in gkeys:
        secs = listed.get(("gemeinde", g))
        contexts.append(gemeinde_context(data, g, settings=st, lang=L, stats=stats, sections=secs))
        if progress is not None:
            progress(len(contexts), total)
    return contexts


def _write_documents(
    contexts, out: Path, tpl, data, st, L, *, pdf, combined, timeout, on_time
) -> list[Path]:
    """HTML per profile (and all in one), then their PDFs; the joined PDF from the same prints."""
    from sozialraum.report.pdf import html_to_pdf_batch, printing_in_background

    common = {"settings": st, "title": data.title, "lang": L, "level": data.level}
    html_files = []
    stems = profile_stems(contexts, data.territory)
    combined_title = None
    for ctx in contexts:
        p = out / f"{stems[(ctx['unit'], ctx['key'])]}.html"
        p.write_text(tpl.render(docs=[ctx], **common), encoding="utf-8")
        html_files.append(p)
    singles = list(html_files)
    if combined and contexts:
        p = out / "steckbriefe_alle.html"
        text = tpl.render(docs=contexts, **common)
        p.write_text(text, encoding="utf-8")
        html_files.append(p)
        combined_title = _html_title(text)
    written = list(html_files)
    if pdf:
        t0 = time.perf_counter()
        merged = out / "steckbriefe_alle.pdf"
        written += html_to_pdf_batch(
            singles,
            timeout=timeout,
            lang=L,
            # the pages of all profiles in one file, from the same prints (not printed again)
            joined=(merged, combined_title) if combined_title is not None else None,
            sections=True,  # printed together, each profile's pages cut out
        )
        if combined_title is not None:
            written.append(merged)
        if on_time is not None and not printing_in_background():
            on_time("pdf", time.perf_counter() - t0)
    return written


def _html_title(html: str) -> str | None:
    """The ``<title>`` of an HTML text (the PDF's document title, as the browser sets it)."""
    import html as _html
    import re

    m = re.search(r"<title>(.*?)</title>", html, flags=re.S | re.I)
    return " ".join(_html.unescape(m.group(1)).split()) if m else None
