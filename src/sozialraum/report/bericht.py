"""The Sozialbericht: one document for the whole district.

:func:`bericht_context` collects summary, maps, ranking, area types, change,
access, the methods annex and the list of areas not rated;
:func:`write_sozialbericht` renders ``sozialbericht.html.j2`` to HTML and PDF.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from sozialraum._i18n import get_lang, t
from sozialraum.core.numbers import format_number
from sozialraum.report import charts
from sozialraum.report.data import ReportData
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
    "summary_pop": {
        "de": "{name} hat {pop} in {n_sr} und {n_gem}.",
        "en": "{name} has {pop} in {n_sr} and {n_gem}.",
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
    "the_district": {"de": "Der Landkreis", "en": "The district"},
    "and": {"de": "und", "en": "and"},
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
    if isinstance(v, float):
        return format_number(v, 3 if abs(v) < 1 else 2, L)
    if isinstance(v, (list, tuple)):
        return ", ".join(_fmt_param(x, L) for x in v) if v else "–"
    if isinstance(v, bool):
        return ("ja" if v else "nein") if L == "de" else ("yes" if v else "no")
    if v is None:
        return "–"
    return str(v)


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
        f"{cl.get('scheme', '–')}, k = {cl.get('k', '–')}",
    )
    add("Klassengrenzen", "class ranges", cl.get("ranges"))
    ty = mp.get("typology") or {}
    if ty:
        add(
            "Typisierung",
            "typology",
            f"{ty.get('method', '–')}, k = {ty.get('k', '–')}, seed = {ty.get('seed', '–')}",
        )
    add("Jahre (Basis, aktuell)", "years (base, current)", mp.get("years"))
    spatial = []
    for col, p in (data.lisa_params or {}).items():
        kind = "Gi*" if str(col).startswith("gi:") else "LISA"
        name = str(col)[3:] if kind == "Gi*" else str(col)
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


def bericht_context(
    data: ReportData,
    *,
    settings: Mapping | None = None,
    lang: str | None = "de",
    charts_on: bool = True,
) -> dict:
    """Template context of the Sozialbericht."""
    L = get_lang(lang)
    settings = settings or {}
    a = data.areas
    public = data.level == "oeffentlich"
    fmt = settings.get("bildformat", "png")
    n_sr, pc = len(a), data.population_col
    kreis_name = None
    if data.kreis is not None and "name" in getattr(data.kreis, "columns", []):
        kreis_name = str(data.kreis["name"].iloc[0])
    pop = np.nan
    if data.kreis is not None and pc in data.kreis.columns:
        pop = data.kreis[pc].iloc[0]
    elif pc in a.columns:
        pop = pd.to_numeric(a[pc], errors="coerce").sum(min_count=1)
    n_gem = (
        len(data.gemeinden)
        if data.gemeinden is not None
        else (a[data.gemeinde_col].nunique() if data.gemeinde_col in a.columns else 0)
    )
    summary = [
        t(
            _MSG,
            "summary_pop",
            L,
            name=kreis_name or t(_MSG, "the_district", L),
            pop=count_phrase(pop, "Einwohner", L),
            n_sr=count_phrase(n_sr, "Sozialraum", L, dative=True),
            n_gem=count_phrase(n_gem, "Gemeinde", L, dative=True),
        )
    ]
    rated = (
        a["bewertet"].astype(bool) if "bewertet" in a.columns else pd.Series(True, index=a.index)
    )
    n_rated = int(rated.sum())
    summary.append(
        t(
            _MSG,
            "summary_rated",
            L,
            n=count_phrase(n_rated, "Gebiet", L),
            verb=("ist" if n_rated == 1 else "sind")
            if L == "de"
            else ("is" if n_rated == 1 else "are"),
        )
    )
    thr = (data.monitor_params or {}).get("min_denominator", 300) or 300
    if (~rated).any():
        summary.append(not_rated_sentence(int((~rated).sum()), thr, L))
    if "status_klasse" in a.columns:
        summary.append(
            t(
                _MSG,
                "summary_status",
                L,
                parts=_class_counts(a.loc[rated, "status_klasse"], _STATUS_ORDER, L),
            )
        )
    if "dynamik_klasse" in a.columns:
        summary.append(
            t(
                _MSG,
                "summary_dyn",
                L,
                parts=_class_counts(a.loc[rated, "dynamik_klasse"], _DYN_ORDER, L),
            )
        )
    if "idx_gesamt" in a.columns:
        top = (
            pd.to_numeric(a.loc[rated, "idx_gesamt"], errors="coerce")
            .dropna()
            .sort_values(ascending=False)
            .index[:3]
        )
        if len(top):
            summary.append(
                t(_MSG, "summary_top", L, names=_join_names([data.name(k) for k in top], L))
            )

    # district indicator overview
    overview = []
    for ind in settings.get("indikatoren") or data.indicator_ids:
        unit = _unit(data, ind)
        dist, dcode = data.district_value(ind)
        vis = _visible(a[ind], data.status, ind, data.level)
        overview.append(
            {
                "label": _label(data, ind, L),
                "district": _cell(dist, dcode, data.level, unit, 1, L)[0],
                "min": format_value(vis.min(), unit, 1, L) if vis.notna().any() else "–",
                "max": format_value(vis.max(), unit, 1, L) if vis.notna().any() else "–",
                "n": format_number(int(vis.notna().sum()), 0, L),
            }
        )

    # maps
    maps = []
    if charts_on:
        dims = (data.monitor_params.get("index") or {}).get("dimensions") or {}
        for col, colors, order, key in (
            ("status_klasse", charts.STATUS_COLORS, _STATUS_ORDER, "map_status"),
            ("dynamik_klasse", charts.DYNAMIK_COLORS, _DYN_ORDER, "map_dyn"),
        ):
            if col in a.columns:
                sub = a.copy()
                sub[col] = sub[col].where(rated)
                fig = charts.categorical_map(
                    sub,
                    col,
                    colors,
                    title=t(_MSG, key, L),
                    order=order,
                    gemeinden=data.gemeinden if hasattr(data.gemeinden, "geometry") else None,
                    lang=L,
                )
                maps.append(
                    {"title": t(_MSG, key, L), "img": charts.to_data_uri(fig, fmt, tight=True)}
                )
        if "idx_gesamt_klasse" in a.columns:
            order = [
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
            pal = dict(
                zip(order, ["#2c7bb6", "#abd9e9", "#ffffbf", "#fdae61", "#d7191c"] * 2, strict=True)
            )
            sub = a.copy()
            sub["idx_gesamt_klasse"] = sub["idx_gesamt_klasse"].where(rated)
            fig = charts.categorical_map(
                sub,
                "idx_gesamt_klasse",
                pal,
                title=t(_MSG, "map_gesamt", L),
                order=order,
                gemeinden=data.gemeinden if hasattr(data.gemeinden, "geometry") else None,
                lang=L,
            )
            maps.append(
                {"title": t(_MSG, "map_gesamt", L), "img": charts.to_data_uri(fig, fmt, tight=True)}
            )
        for d, lab in dims.items():
            col = f"idx_{d}"
            if col not in a.columns:
                continue
            sub = a.copy()
            sub[col] = pd.to_numeric(sub[col], errors="coerce").where(rated)
            title = t(_MSG, "map_dim_public" if public else "map_dim", L, dim=lab)
            if public:
                from sozialraum.monitor import classify

                vals = sub[col]
                cl = (
                    classify(vals, "quantiles", k=5, verbal=True, lang=L)
                    if vals.notna().sum() >= 5
                    else None
                )
                if cl is not None:
                    sub[col + "_k"] = cl.labels.astype(object).where(vals.notna())
                    order = list(cl.legend)
                    pal = dict(
                        zip(
                            order[:5],
                            ["#2c7bb6", "#abd9e9", "#ffffbf", "#fdae61", "#d7191c"],
                            strict=False,
                        )
                    )
                    fig = charts.categorical_map(
                        sub,
                        col + "_k",
                        pal,
                        title=title,
                        order=order,
                        gemeinden=data.gemeinden if hasattr(data.gemeinden, "geometry") else None,
                        lang=L,
                    )
                else:
                    continue
            else:
                fig = charts.choropleth(
                    sub,
                    col,
                    title=title,
                    decimals=1,
                    gemeinden=data.gemeinden if hasattr(data.gemeinden, "geometry") else None,
                    lang=L,
                )
            maps.append({"title": title, "img": charts.to_data_uri(fig, fmt, tight=True)})

    # ranking
    ranking = []
    nb = "nicht bewertet" if L == "de" else "not rated"
    if "idx_gesamt" in a.columns:
        order = (
            pd.to_numeric(a["idx_gesamt"], errors="coerce")
            .where(rated)
            .sort_values(ascending=False, na_position="last")
        )
        r = 0
        for k, v in order.items():
            ok = not _isnan(v)
            r += 1 if ok else 0
            ranking.append(
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
                    "idx": format_number(v, 2, L) if ok else nb,
                    "klasse": str(a.at[k, "idx_gesamt_klasse"])
                    if ok
                    and "idx_gesamt_klasse" in a.columns
                    and not _isnan(a.at[k, "idx_gesamt_klasse"])
                    else nb,
                    "status": str(a.at[k, "status_klasse"])
                    if ok and "status_klasse" in a.columns and not _isnan(a.at[k, "status_klasse"])
                    else nb,
                    "dynamik": str(a.at[k, "dynamik_klasse"])
                    if ok
                    and "dynamik_klasse" in a.columns
                    and not _isnan(a.at[k, "dynamik_klasse"])
                    else nb,
                }
            )

    # area types
    types = []
    if "typ_beschreibung" in a.columns:
        ty = a["typ_beschreibung"].where(rated)
        for desc, keys in ty.dropna().groupby(ty.dropna()).groups.items():
            types.append(
                {
                    "beschreibung": str(desc),
                    "n": count_phrase(len(keys), "Gebiet", L),
                    "gebiete": ", ".join(sorted(data.name(k) for k in keys)),
                }
            )
        types.sort(key=lambda x: x["beschreibung"])

    # change since previous year
    changes = []
    if data.previous is not None:
        for ind in settings.get("indikatoren") or data.indicator_ids:
            if ind not in data.previous.columns:
                continue
            cur = _visible(a[ind], data.status, ind, data.level)
            prev = _visible(
                data.previous[ind].reindex(a.index), data.previous_status, ind, data.level
            )
            d = (cur - prev).dropna()
            unit = _unit(data, ind)
            worse = (d > 0.05) if _direction(data, ind) == "need" else (d < -0.05)
            better = (d < -0.05) if _direction(data, ind) == "need" else (d > 0.05)
            changes.append(
                {
                    "label": _label(data, ind, L),
                    "mean": format_number(d.mean(), 1, L, sign=True)
                    + (" Pp." if unit == "%" and L == "de" else " pp" if unit == "%" else "")
                    if len(d)
                    else "–",
                    "worse": format_number(int(worse.sum()), 0, L),
                    "better": format_number(int(better.sum()), 0, L),
                    "n": format_number(len(d), 0, L),
                }
            )

    # access
    access_rows = []
    if data.access is not None and len(data.access):
        for k in data.access.index:
            if k in a.index:
                access_rows.append({"name": data.name(k), "values": _access(data, k, L)})
    access_cols = [r["label"] for r in access_rows[0]["values"]] if access_rows else []

    not_rated = []
    for k in a.index[~rated.to_numpy()]:
        not_rated.append(
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
    return {
        "title": data.title,
        "year": data.year,
        "previous_year": data.previous_year,
        "date": data.date,
        "source": data.source,
        "summary": summary,
        "overview": overview,
        "maps": maps,
        "ranking": ranking,
        "show_index": not public,
        "types": types,
        "changes": changes,
        "access_rows": access_rows,
        "access_cols": access_cols,
        "no_access": t(_MSG, "no_access", L),
        "methods": _methods(data, L),
        "not_rated": not_rated,
        "not_rated_none": t(_MSG, "all_rated", L),
        "level": data.level,
        "threshold": format_number(thr, 0, L),
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
