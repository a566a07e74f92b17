"""The Sozialbericht: one document for the whole district.

:func:`bericht_context` collects summary, maps, ranking, area types, change,
access, the methods annex and the list of areas not rated;
:func:`write_sozialbericht` renders ``sozialbericht.html.j2`` to HTML and PDF.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from sozialraum._i18n import get_lang, t
from sozialraum.core.numbers import format_number
from sozialraum.core.status import is_secret
from sozialraum.monitor.certainty import certainty_text
from sozialraum.report import charts
from sozialraum.report.data import ReportData
from sozialraum.report.kapitel import report_chapters
from sozialraum.report.steckbrief import (
    _access,
    _cell,
    _direction,
    _isnan,
    _label,
    _unit,
    _visible,
    safe_filename,
)
from sozialraum.report.text import count_phrase, format_value, not_rated_sentence

__all__ = ["bericht_context", "write_sozialbericht"]

_MSG = {
    "certainty": {
        "de": "Die Klassen beruhen auf kleinen Zahlen: wo wenige Menschen wohnen, "
        "verschiebt schon der Umzug weniger Familien eine Quote. Für jede Klasse "
        "wurde deshalb berechnet, wie sicher sie ist (Klassensicherheit, {n} Zufallsziehungen "
        "aus den Fallzahlen; Methode im Methodenanhang). {unsure} von {rated} bewerteten "
        "Gebieten haben eine Statusklasse, die zu weniger als {below} % sicher ist; sie stehen "
        "in der Tabelle. Die Rangliste nennt zu jedem Rang den Bereich, in dem der Rang mit "
        "{level} % Wahrscheinlichkeit liegt.",
        "en": "The classes rest on small numbers: where few people live, a few families moving "
        "shift a rate. For every class its certainty was computed ({n} random draws from the "
        "counts; method in the annex). {unsure} of {rated} rated areas have a status class "
        "less than {below} % certain; they are listed in the table. The ranking gives for "
        "every rank the range it lies in with {level} % probability.",
    },
    "summary_rated": {
        "de": "{n} {verb} im Sozialraummonitor bewertet.",
        "en": "{n} {verb} rated by the monitor.",
    },
    "summary_status": {
        "de": "Statusklassen: {parts}.",
        "en": "Status classes: {parts}.",
    },
    "summary_dyn": {"de": "Dynamikklassen: {parts}.", "en": "Dynamic classes: {parts}."},
    "summary_top": {
        "de": "Den höchsten Gesamtindex (größten Handlungsbedarf) haben {names}.",
        "en": "The highest overall index (greatest need) is found in {names}.",
    },
    "map_dim": {"de": "Dimension {dim}: Index (z-Wert)", "en": "Dimension {dim}: index (z-score)"},
    "map_dim_public": {"de": "Dimension {dim}: Klasse", "en": "Dimension {dim}: class"},
    "map_status": {"de": "Statusindex: Klassen", "en": "Status index: classes"},
    "map_dyn": {"de": "Dynamikindex: Klassen", "en": "Dynamic index: classes"},
    "map_gesamt": {"de": "Gesamtindex: Klassen", "en": "Overall index: classes"},
    "change_up": {"de": "mehr Bedarf", "en": "more need"},
    "change_down": {"de": "weniger Bedarf", "en": "less need"},
    "no_access": {
        "de": "Für diesen Bericht wurden keine Erreichbarkeitsdaten übergeben.",
        "en": "No access data were given for this report.",
    },
    "all_rated": {"de": "Alle Gebiete sind bewertet.", "en": "All areas are rated."},
    "and": {"de": "und", "en": "and"},
}

#: Values of the monitor's and the spatial statistics' parameters, in words (German, English).
_PARAM_WORDS = {
    "rated": (
        "die bewerteten Gebiete (Einwohner ab dem Mindest-Nenner)",
        "the rated areas (population at least the minimum denominator)",
    ),
    "reliable": (
        "je Indikator die Gebiete mit verlässlichem Wert",
        "per indicator the areas with a reliable value",
    ),
    "unweighted mean of the dimension indices": (
        "ungewichtetes Mittel der Dimensionsindizes",
        "unweighted mean of the dimension indices",
    ),
    "z": ("z-Standardisierung (Mittelwert 0, Standardabweichung 1)", "z-score (mean 0, SD 1)"),
    "minmax": ("Min-Max-Skalierung (0 bis 1)", "min-max scaling (0 to 1)"),
    "rank": ("Rangskalierung", "rank scaling"),
    "mean": ("Mittelwert", "mean"),
    "weighted": ("gewichtetes Mittel", "weighted mean"),
    "pca": ("Hauptkomponente", "principal component"),
    "quantiles": ("Quantile", "quantiles"),
    "equal_interval": ("gleiche Intervalle", "equal intervals"),
    "natural_breaks": ("natürliche Brüche", "natural breaks"),
    "fisher_jenks": ("Fisher-Jenks", "Fisher–Jenks"),
    "std_mean": ("Standardabweichungen um den Mittelwert", "standard deviations around the mean"),
    "kmeans": ("k-Means", "k-means"),
    "ward": ("Ward (räumlich zusammenhängend)", "Ward (spatially contiguous)"),
    "queen": ("Queen (gemeinsamer Punkt)", "queen (shared point)"),
    "rook": ("Rook (gemeinsame Kante)", "rook (shared edge)"),
    "knn": ("k nächste Nachbarn", "k nearest neighbours"),
    "none": ("keine", "none"),
    "fdr": ("FDR (Benjamini-Hochberg)", "FDR (Benjamini–Hochberg)"),
    "bonferroni": ("Bonferroni", "Bonferroni"),
    "two-sided": ("zweiseitig", "two-sided"),
    "greater": ("einseitig (größer)", "one-sided (greater)"),
    "lesser": ("einseitig (kleiner)", "one-sided (lesser)"),
    "permutation": ("Permutationstest", "permutation test"),
    "analytical": ("analytisch (Normalverteilung)", "analytical (normal distribution)"),
    "binary incl. self (w_ii = 1)": (
        "binär, einschließlich des Gebiets selbst (w_ii = 1)",
        "binary incl. self (w_ii = 1)",
    ),
    "p = min(1, 2*(min(#sim>=obs, #sim<=obs)+1)/(permutations+1))": (
        "p = min(1, 2·(min(#Sim ≥ Beob., #Sim ≤ Beob.) + 1) / (Permutationen + 1))",
        "p = min(1, 2·(min(#sim ≥ obs, #sim ≤ obs) + 1) / (permutations + 1))",
    ),
}

#: Parameters of LisaResult/GiResult shown in the methods annex (German, English label).
_SPATIAL_LABELS = {
    "weights": ("Nachbarschaftsgewichte", "weights"),
    "weights_form": ("Gewichtsform", "weights form"),
    "permutations": ("Permutationen", "permutations"),
    "alpha": ("Signifikanzniveau α", "significance level α"),
    "correction": ("Korrektur für multiples Testen", "multiple-testing correction"),
    "alternative": ("Test", "test"),
    "inference": ("Inferenz", "inference"),
    "levels": ("Konfidenzstufen", "confidence levels"),
    "p_value_rule": ("p-Wert-Regel", "p-value rule"),
    "seed": ("Zufallsstartwert (seed)", "seed"),
    "n_used": ("Gebiete in der Berechnung", "areas used"),
    "island_ids": ("Gebiete ohne Nachbarn", "areas without neighbours"),
    "moran_I": ("Globales Moran's I", "global Moran's I"),
}

_STATUS_ORDER = ["hoch", "mittel", "niedrig", "sehr niedrig", "high", "medium", "low", "very low"]
_DYN_ORDER = ["positiv", "stabil", "negativ", "positive", "stable", "negative"]


def _join_names(names, L):
    names = list(names)
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + f" {t(_MSG, 'and', L)} " + names[-1]


def _class_counts(series: pd.Series, order, L) -> str:
    vc = series.dropna().astype(str).value_counts()
    keys = [k for k in order if k in vc.index] + [k for k in vc.index if k not in order]
    return "; ".join(
        f"„{k}“ {count_phrase(int(vc[k]), 'Gebiet', L)}"
        if L == "de"
        else f"“{k}” {count_phrase(int(vc[k]), 'Gebiet', L)}"
        for k in keys
    )


def _fmt_param(v, L) -> str:
    if isinstance(v, str) and v in _PARAM_WORDS:
        return _PARAM_WORDS[v][0 if L == "de" else 1]
    if isinstance(v, float):
        return format_number(v, 3 if abs(v) < 1 else 2, L)
    if isinstance(v, (list, tuple)):
        return ", ".join(_fmt_param(x, L) for x in v) if v else "–"
    if isinstance(v, bool):
        return ("ja" if v else "nein") if L == "de" else ("yes" if v else "no")
    if v is None:
        return "–"
    return str(v)


def _column_label(data: ReportData, col: str, L: str) -> str:
    """The catalogue's label of a column (or the index's name), never the raw column name."""
    if col in data.catalogue.indicators.index:
        return _label(data, col, L)
    return _INDEX_NAMES.get(col, (col, col))[0 if L == "de" else 1]


_INDEX_NAMES = {
    "idx_gesamt": ("Gesamtindex", "overall index"),
    "status_index": ("Statusindex", "status index"),
    "dynamik_index": ("Dynamikindex", "dynamic index"),
}


def _methods(data: ReportData, L: str) -> dict:
    mp = data.monitor_params or {}
    rows = []
    de = L == "de"

    def add(k_de, k_en, v):
        rows.append({"label": k_de if de else k_en, "value": _fmt_param(v, L)})

    add(
        "Mindest-Nenner (Einwohner) für Bewertung",
        "minimum denominator for rating",
        mp.get("min_denominator"),
    )
    std = mp.get("standardization") or {}
    add("Standardisierung", "standardisation", std.get("method"))
    add("Referenzmenge für Mittelwert/SD", "reference for mean/SD", mp.get("reference"))
    add("Umgepolte Indikatoren (Ressourcen)", "flipped indicators (resources)", std.get("flipped"))
    idx = mp.get("index") or {}
    add("Indexbildung", "index method", idx.get("method"))
    add("Gesamtindex", "overall index", idx.get("overall"))
    add(
        "Mindestanteil gültiger Indikatoren",
        "minimum share of valid indicators",
        idx.get("min_share"),
    )
    add("Schwellen Statusklassen (z)", "status class thresholds (z)", mp.get("status_thresholds"))
    add(
        "Schwellen Dynamikklassen (z)", "dynamic class thresholds (z)", mp.get("dynamic_thresholds")
    )
    cl = mp.get("classification") or {}
    add(
        "Klassifikation Gesamtindex",
        "classification of the overall index",
        f"{_fmt_param(cl.get('scheme', '–'), L)}, k = {cl.get('k', '–')}",
    )
    add("Klassengrenzen", "class ranges", cl.get("ranges"))
    ty = mp.get("typology") or {}
    if ty:
        add(
            "Typisierung",
            "typology",
            f"{_fmt_param(ty.get('method', '–'), L)}, k = {ty.get('k', '–')}, "
            f"{'Startwert' if de else 'seed'} = {ty.get('seed', '–')}",
        )
    add("Jahre (Basis, aktuell)", "years (base, current)", mp.get("years"))
    spatial = []
    for col, p in (data.lisa_params or {}).items():
        kind = "Gi*" if str(col).startswith("gi:") else "LISA"
        name = _column_label(data, str(col)[3:] if kind == "Gi*" else str(col), L)
        items = []
        for k in _SPATIAL_LABELS:
            if k in p:
                items.append(
                    {"label": _SPATIAL_LABELS[k][0 if de else 1], "value": _fmt_param(p[k], L)}
                )
        spatial.append({"kind": kind, "column": name, "items": items})
    cat = data.catalogue.indicators
    inds = []
    for ind in cat.index:
        r = cat.loc[ind]
        inds.append(
            {
                "id": ind,
                "label": _label(data, ind, L),
                "unit": r.get("unit") or "",
                "formula": f"{r.get('numerator')} / {r.get('denominator')} × {format_number(r.get('per'), 0, L)}"
                if isinstance(r.get("denominator"), str)
                else str(r.get("numerator")),
                "direction": (
                    {"need": "Bedarf", "resource": "Ressource"}
                    if de
                    else {"need": "need", "resource": "resource"}
                ).get(r.get("direction"), "–"),
                "dimension": r.get("dimension") or "–",
                "source": r.get("source") or "–",
            }
        )
    sources = sorted(
        {str(s) for s in cat.get("source", pd.Series(dtype=object)).dropna() if str(s)}
    )
    return {"params": rows, "spatial": spatial, "indicators": inds, "sources": sources}


def _district_population(data: ReportData) -> float:
    """Population of the district: the (released) Kreis total, else the sum over the areas."""
    pc = data.population_col
    if data.kreis is not None and pc in data.kreis.columns and len(data.kreis):
        key = data.kreis.index[0]
        code = data.cell_status(key, pc, "kreis")
        if data.level != "intern" and is_secret(code):
            return np.nan
        return data.kreis[pc].iloc[0]
    if pc in data.areas.columns:
        return _visible(data.areas[pc], data.status, pc, data.level).sum(min_count=1)
    return np.nan


def _summary(data: ReportData, rated: pd.Series, L: str) -> list[str]:
    """Sentences of the summary: population, rated areas, class counts, highest index."""
    a = data.areas
    terr = data.territory
    if not terr.name and data.kreis is not None and "name" in getattr(data.kreis, "columns", []):
        terr = dataclasses.replace(terr, name=str(data.kreis["name"].iloc[0]))
    n_gem = (
        len(data.gemeinden)
        if data.gemeinden is not None
        else (a[data.gemeinde_col].nunique() if data.gemeinde_col in a.columns else 0)
    )
    out = [
        terr.population_sentence(
            count_phrase(_district_population(data), "Einwohner", L), len(a), n_gem, L
        )
    ]
    n_rated = int(rated.sum())
    verb = ("ist" if n_rated == 1 else "sind") if L == "de" else ("is" if n_rated == 1 else "are")
    out.append(t(_MSG, "summary_rated", L, n=count_phrase(n_rated, "Gebiet", L), verb=verb))
    if (~rated).any():
        out.append(not_rated_sentence(int((~rated).sum()), _threshold(data), L))
    for col, order, key in (
        ("status_klasse", _STATUS_ORDER, "summary_status"),
        ("dynamik_klasse", _DYN_ORDER, "summary_dyn"),
    ):
        if col in a.columns:
            out.append(t(_MSG, key, L, parts=_class_counts(a.loc[rated, col], order, L)))
    if "idx_gesamt" in a.columns:
        idx = pd.to_numeric(a.loc[rated, "idx_gesamt"], errors="coerce").dropna()
        top = idx.sort_values(ascending=False).index[:3]
        if len(top):
            out.append(t(_MSG, "summary_top", L, names=_join_names([data.name(k) for k in top], L)))
    return out


def _threshold(data: ReportData) -> float:
    return (data.monitor_params or {}).get("min_denominator", 300) or 300


def _overview(data: ReportData, settings: Mapping, L: str) -> list[dict]:
    """Indicators at a glance: district value and range over the areas (or municipalities).

    The range is taken over the areas where the level shows area values, else over the
    municipalities (public report: values at Gemeinde level only).
    """
    rows = []
    for ind in settings.get("indikatoren") or data.indicator_ids:
        unit = _unit(data, ind)
        dist, dcode = data.district_value(ind)
        vis, noun = pd.Series(dtype=float), "Gebiet"
        if ind in data.areas.columns:
            vis = _visible(data.areas[ind], data.status, ind, data.level)
        if not vis.notna().any() and data.gemeinden is not None and ind in data.gemeinden:
            vis = _visible(data.gemeinden[ind], data.gemeinden_status, ind, data.level)
            noun = "middle"
        has = vis.notna().any()
        rows.append(
            {
                "label": _label(data, ind, L),
                "district": _cell(dist, dcode, data.level, unit, 1, L)[0],
                "min": format_value(vis.min(), unit, 1, L) if has else "–",
                "max": format_value(vis.max(), unit, 1, L) if has else "–",
                "n": data.territory.middle.count(int(vis.notna().sum()), L)
                if noun == "middle"
                else count_phrase(int(vis.notna().sum()), noun, L),
            }
        )
    return rows


_GESAMT_ORDER = [
    "sehr niedrig",
    "niedrig",
    "mittel",
    "hoch",
    "sehr hoch",
    "very low",
    "low",
    "medium",
    "high",
    "very high",
]
_FIVE = ["#2c7bb6", "#abd9e9", "#ffffbf", "#fdae61", "#d7191c"]


def _class_maps(data: ReportData, rated: pd.Series, fmt: str, L: str) -> list[dict]:
    """Maps of the status, dynamic and overall-index classes (areas not rated blank)."""
    a, maps = data.areas, []
    gem = data.gemeinden if hasattr(data.gemeinden, "geometry") else None
    specs = [
        ("status_klasse", charts.STATUS_COLORS, _STATUS_ORDER, "map_status"),
        ("dynamik_klasse", charts.DYNAMIK_COLORS, _DYN_ORDER, "map_dyn"),
        (
            "idx_gesamt_klasse",
            dict(zip(_GESAMT_ORDER, _FIVE * 2, strict=True)),
            _GESAMT_ORDER,
            "map_gesamt",
        ),
    ]
    for col, colors, order, key in specs:
        if col not in a.columns:
            continue
        sub = a.copy()
        sub[col] = sub[col].where(rated)
        fig = charts.categorical_map(
            sub, col, colors, title=t(_MSG, key, L), order=order, gemeinden=gem, lang=L
        )
        maps.append({"title": t(_MSG, key, L), "img": charts.to_data_uri(fig, fmt, tight=True)})
    return maps


def _dimension_maps(data: ReportData, rated: pd.Series, fmt: str, L: str) -> list[dict]:
    """One map per dimension index: values internally, quintile classes outside ``intern``."""
    from sozialraum.monitor import classify

    a, maps = data.areas, []
    public = data.level == "oeffentlich"
    gem = data.gemeinden if hasattr(data.gemeinden, "geometry") else None
    dims = (data.monitor_params.get("index") or {}).get("dimensions") or {}
    for d, lab in dims.items():
        col = f"idx_{d}"
        if col not in a.columns:
            continue
        sub = a.copy()
        sub[col] = pd.to_numeric(sub[col], errors="coerce").where(rated)
        title = t(_MSG, "map_dim_public" if public else "map_dim", L, dim=lab)
        if not public:
            fig = charts.choropleth(sub, col, title=title, decimals=1, gemeinden=gem, lang=L)
        elif sub[col].notna().sum() >= 5:
            cl = classify(sub[col], "quantiles", k=5, verbal=True, lang=L)
            sub[col + "_k"] = cl.labels.astype(object).where(sub[col].notna())
            order = list(cl.legend)
            pal = dict(zip(order[:5], _FIVE, strict=False))
            fig = charts.categorical_map(
                sub, col + "_k", pal, title=title, order=order, gemeinden=gem, lang=L
            )
        else:
            continue
        maps.append({"title": title, "img": charts.to_data_uri(fig, fmt, tight=True)})
    return maps


def _class_of(a: pd.DataFrame, k, col: str, ok: bool, nb: str) -> str:
    if not ok or col not in a.columns or _isnan(a.at[k, col]):
        return nb
    return str(a.at[k, col])


def _ranking(data: ReportData, rated: pd.Series, L: str) -> list[dict]:
    """Areas by overall index (descending), among the index values the level shows."""
    a, pc = data.areas, data.population_col
    if "idx_gesamt" not in a.columns:
        return []
    nb = "nicht bewertet" if L == "de" else "not rated"
    dec = 2 if data.level == "intern" else 1
    order = (
        pd.to_numeric(a["idx_gesamt"], errors="coerce")
        .where(rated)
        .sort_values(ascending=False, na_position="last")
    )
    out, r = [], 0
    for k, v in order.items():
        ok = not _isnan(v)
        r += 1 if ok else 0
        is_rated = bool(rated.get(k, True))
        out.append(
            {
                "rank": str(r) if ok else "–",
                "key": k,
                "name": data.name(k),
                "gemeinde": data.gemeinde_name(str(a.at[k, data.gemeinde_col]))
                if data.gemeinde_col in a.columns
                else "",
                "ew": _cell(a.at[k, pc], data.cell_status(k, pc), data.level, "", 0, L)[0]
                if pc in a.columns
                else "–",
                "idx": format_number(v, dec, L) if ok else (nb if not is_rated else "–"),
                "klasse": _class_of(a, k, "idx_gesamt_klasse", is_rated, nb),
                "status": _class_of(a, k, "status_klasse", is_rated, nb),
                "dynamik": _class_of(a, k, "dynamik_klasse", is_rated, nb),
                "bereich": _rank_range(a, k) if ok else "",
            }
        )
    return out


def _rank_range(a: pd.DataFrame, k) -> str:
    """``"2–9"``: the rank interval of the certainty columns (absent: empty)."""
    if not {"rang_lo", "rang_hi"} <= set(a.columns):
        return ""
    lo, hi = a.at[k, "rang_lo"], a.at[k, "rang_hi"]
    return "" if pd.isna(lo) or pd.isna(hi) else f"{int(lo)}–{int(hi)}"


def _certainty(data: ReportData, rated: pd.Series, settings: Mapping, L: str) -> dict:
    """Paragraph and table of the areas whose status class is unsure (certainty columns)."""
    a = data.areas
    if "status_sicherheit" not in a.columns:
        return {}
    below = float(settings.get("sicher_ab", 0.8))
    p = pd.to_numeric(a["status_sicherheit"], errors="coerce").where(rated)
    unsure = p[p < below].sort_values()
    rows = []
    for k, v in unsure.items():
        cls = str(a.at[k, "status_klasse"])
        others = {
            c[len("status_p_") :].replace("_", " "): pd.to_numeric(a.at[k, c], errors="coerce")
            for c in a.columns
            if c.startswith("status_p_")
        }
        others.pop(cls, None)
        alt = max(others, key=lambda c: others[c]) if others else ""
        g = a.at[k, "dynamik_gesichert"] if "dynamik_gesichert" in a.columns else None
        rows.append(
            {
                "name": data.name(k),
                "klasse": cls,
                "sicherheit": certainty_text(v, L),
                "alternative": f"{alt} ({format_number(100 * others.get(alt, 0.0), 0, L)} %)"
                if alt
                else "–",
                "dynamik": "–"
                if g is None or pd.isna(g)
                else (
                    ("gesichert" if g else "nicht gesichert")
                    if L == "de"
                    else ("assured" if g else "not assured")
                ),
            }
        )
    n = dict(getattr(data, "certainty_params", None) or {}).get("replicates", 1000)
    text = t(
        _MSG,
        "certainty",
        L,
        n=format_number(n, 0, L),
        unsure=len(rows),
        rated=int(p.notna().sum()),
        below=format_number(100 * below, 0, L),
        level=90,
    )
    return {"text": text, "rows": rows}


def _types(data: ReportData, rated: pd.Series, L: str) -> list[dict]:
    """Area types with their areas."""
    a = data.areas
    if "typ_beschreibung" not in a.columns:
        return []
    ty = a["typ_beschreibung"].where(rated).dropna()
    types = [
        {
            "beschreibung": str(desc),
            "n": count_phrase(len(keys), "Gebiet", L),
            "gebiete": ", ".join(sorted(data.name(k) for k in keys)),
        }
        for desc, keys in ty.groupby(ty).groups.items()
    ]
    return sorted(types, key=lambda x: x["beschreibung"])


def _changes(data: ReportData, settings: Mapping, L: str) -> list[dict]:
    """Change of each indicator since the previous year, over the areas with both values."""
    a, out = data.areas, []
    if data.previous is None:
        return out
    for ind in settings.get("indikatoren") or data.indicator_ids:
        if ind not in data.previous.columns or ind not in a.columns:
            continue
        cur = _visible(a[ind], data.status, ind, data.level)
        prev = _visible(data.previous[ind].reindex(a.index), data.previous_status, ind, data.level)
        d = (cur - prev).dropna()
        unit = _unit(data, ind)
        need = _direction(data, ind) == "need"
        worse = (d > 0.05) if need else (d < -0.05)
        better = (d < -0.05) if need else (d > 0.05)
        pp = " Pp." if unit == "%" and L == "de" else " pp" if unit == "%" else ""
        out.append(
            {
                "label": _label(data, ind, L),
                "mean": format_number(d.mean(), 1, L, sign=True) + pp if len(d) else "–",
                "worse": format_number(int(worse.sum()), 0, L),
                "better": format_number(int(better.sum()), 0, L),
                "n": format_number(len(d), 0, L),
            }
        )
    return out


def _class_changes(data: ReportData, rated: pd.Series, L: str) -> dict:
    """Status classes this year and the previous year: counts per class and moves.

    Classes are public at every level, so this part is in every report.
    """
    prev = data.previous_classes
    col = "status_klasse"
    if prev is None or col not in prev.columns or col not in data.areas.columns:
        return {"rows": [], "worse": "", "better": "", "same": ""}
    cur = data.areas[col].where(rated)
    before = prev[col].reindex(data.areas.index)
    order = [c for c in _STATUS_ORDER if c in set(cur.dropna()) | set(before.dropna())]
    rows = [
        {
            "klasse": c,
            "prev": format_number(int((before == c).sum()), 0, L),
            "cur": format_number(int((cur == c).sum()), 0, L),
        }
        for c in order
    ]
    rank = {c: i % 4 for i, c in enumerate(_STATUS_ORDER)}  # 0 = high status … 3 = very low
    both = cur.notna() & before.notna() & cur.isin(rank) & before.isin(rank)
    step = cur[both].map(rank) - before[both].map(rank)
    return {
        "rows": rows,
        "worse": count_phrase(int((step > 0).sum()), "Gebiet", L),
        "better": count_phrase(int((step < 0).sum()), "Gebiet", L),
        "same": count_phrase(int((step == 0).sum()), "Gebiet", L),
    }


def _access_table(data: ReportData, L: str) -> tuple[list[dict], list[str]]:
    """Rows and column labels of the access section."""
    rows = []
    if data.access is not None and len(data.access):
        for k in data.access.index:
            if k in data.areas.index:
                rows.append({"name": data.name(k), "values": _access(data, k, L)})
    cols = [r["label"] for r in rows[0]["values"]] if rows else []
    return rows, cols


def _split_columns(rows: list[dict], cols: list[str], per_table: int) -> list[dict]:
    """A wide table as several narrower ones (the name column repeated), so none is cut at
    the page's right edge: at most ``per_table`` value columns each."""
    per_table = max(1, int(per_table or 4))
    out = []
    for i in range(0, len(cols), per_table):
        out.append(
            {
                "cols": cols[i : i + per_table],
                "rows": [
                    {"name": r["name"], "values": r["values"][i : i + per_table]} for r in rows
                ],
            }
        )
    return out


def _not_rated(data: ReportData, rated: pd.Series, L: str) -> list[dict]:
    """Areas not rated, with population and reason."""
    a, pc = data.areas, data.population_col
    out = []
    for k in a.index[~rated.to_numpy()]:
        out.append(
            {
                "key": k,
                "name": data.name(k),
                "gemeinde": data.gemeinde_name(str(a.at[k, data.gemeinde_col]))
                if data.gemeinde_col in a.columns
                else "",
                "ew": _cell(a.at[k, pc], data.cell_status(k, pc), data.level, "", 0, L)[0]
                if pc in a.columns
                else "–",
                "grund": str(a.at[k, "grund"])
                if "grund" in a.columns and isinstance(a.at[k, "grund"], str)
                else "–",
            }
        )
    return out


def bericht_context(
    data: ReportData,
    *,
    settings: Mapping | None = None,
    lang: str | None = "de",
    charts_on: bool = True,
) -> dict:
    """Template context of the Sozialbericht (each part from its own step)."""
    L = get_lang(lang)
    settings = settings or {}
    a = data.areas
    fmt = settings.get("bildformat", "png")
    rated = (
        a["bewertet"].astype(bool) if "bewertet" in a.columns else pd.Series(True, index=a.index)
    )
    maps = []
    if charts_on:
        maps = _class_maps(data, rated, fmt, L) + _dimension_maps(data, rated, fmt, L)
    access_rows, access_cols = _access_table(data, L)
    access_tables = _split_columns(access_rows, access_cols, settings.get("max_spalten", 4))
    return {
        "title": data.title,
        "year": data.year,
        "previous_year": data.previous_year,
        "date": data.date,
        "source": data.source,
        "summary": _summary(data, rated, L),
        "overview": _overview(data, settings, L),
        "maps": maps,
        "ranking": _ranking(data, rated, L),
        "rank_ranges": {"rang_lo", "rang_hi"} <= set(a.columns),
        "certainty": _certainty(data, rated, settings, L),
        "show_index": data.level != "oeffentlich",
        "types": _types(data, rated, L),
        "changes": _changes(data, settings, L),
        "class_changes": _class_changes(data, rated, L),
        "access_rows": access_rows,
        "access_cols": access_cols,
        "access_tables": access_tables,
        "no_access": t(_MSG, "no_access", L),
        "chapters": report_chapters(data, settings, L),
        "methods": _methods(data, L),
        "not_rated": _not_rated(data, rated, L),
        "not_rated_none": t(_MSG, "all_rated", L),
        "level": data.level,
        "threshold": format_number(_threshold(data), 0, L),
        "top_word": data.territory.top.title(L),
        "middle_word": data.territory.middle.title(L),
        "bottom_word": data.territory.bottom.title(L),
    }


def write_sozialbericht(
    data: ReportData,
    out_dir: str | Path,
    *,
    pdf: bool = True,
    template_dir: str | Path | None = None,
    settings: Mapping | None = None,
    lang: str | None = "de",
    filename: str | None = None,
    timeout: float = 180.0,
) -> list[Path]:
    """Write the Sozialbericht as one HTML file (images embedded) and, optionally, a PDF.

    Returns
    -------
    list of Path
        ``[html]`` or ``[html, pdf]``.
    """
    from sozialraum.report.pdf import html_to_pdf_batch
    from sozialraum.report.render import make_environment, resolve_settings

    L = get_lang(lang)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    st = resolve_settings(settings, template_dir)
    env = make_environment(template_dir, L)
    ctx = bericht_context(data, settings=st, lang=L)
    name = filename or (f"sozialbericht_{data.year}" if data.year else "sozialbericht")
    p = out / f"{safe_filename(name)}.html"
    p.write_text(
        env.get_template("sozialbericht.html.j2").render(
            b=ctx, settings=st, title=data.title, lang=L, level=data.level
        ),
        encoding="utf-8",
    )
    files = [p]
    if pdf:
        files += html_to_pdf_batch([p], timeout=timeout, lang=L)
    return files
