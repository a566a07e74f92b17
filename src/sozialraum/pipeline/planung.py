"""The run's planning-cycle step: recommendations, priority areas, their outputs.

* ``[planung] empfehlungen`` — the planners' recommendations and target agreements
  (filled Excel template or Markdown) are read and checked against the run's areas
  and municipalities, stored as a new revision in the atlas (where ``[atlas]`` is
  set) and shown in the profiles, the report and each municipality's package
  (``empfehlungen.html``, its own texts only).
* ``[prioritaet]`` — the Förderkulisse (:mod:`sozialraum.planning.priority`): columns
  ``prio_*`` per area (GeoPackage, Excel, web map layer), a sheet with the
  sensitivity, a report chapter.

The run also writes ``intern/empfehlungen_vorlage.xlsx``: the template for the next
round, with this year's figures (as the public may see them) and the texts so far.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from sozialraum.planning.priority import PriorityResult, PriorityRules, select_priority_areas
from sozialraum.planning.recommendations import Recommendations, read_recommendations

__all__ = [
    "compute_planning",
    "priority_rules",
    "priority_frame",
    "with_priority",
    "unit_keys",
    "unit_labels",
    "planning_files",
    "package_planning",
    "priority_layers",
    "PUBLIC_PRIORITY_COLUMNS",
]

#: The priority columns every release level shows (membership and a reason without numbers).
PUBLIC_PRIORITY_COLUMNS = ("prio_kulisse", "prio_pruefen", "prio_hinweis")


def unit_keys(state) -> dict[str, list[str]]:
    """``{unit: keys}`` that may carry recommendations (areas, municipalities)."""
    out = {"sozialraum": [str(k) for k in state.areas.index]}
    if state.gemeinden is not None:
        out["gemeinde"] = [str(k) for k in state.gemeinden.index]
    from sozialraum.pipeline.steps_regions import region_units

    out.update(region_units(state.config, state.lang))  # region sets by their name
    return out


def unit_labels(state) -> dict[str, str]:
    """The words of the ``Ebene`` column (the territory's own level words)."""
    from sozialraum.pipeline.config import territory_of

    terr = territory_of(state.config, state.lang)
    en = state.lang == "en"
    return {
        "sozialraum": terr.bottom.english if en else terr.bottom.singular,
        "gemeinde": terr.middle.english if en else terr.middle.singular,
    }


def priority_rules(section: dict, catalogue=None, lang: str = "de") -> PriorityRules:
    """:class:`PriorityRules` of a ``[prioritaet]`` section."""
    col = section.get("defizit")
    label = col or ""
    if col and catalogue is not None and col in catalogue.indicators.index:
        label = catalogue.labels(lang).get(col, col)
    return PriorityRules(
        status_classes=tuple(section.get("statusklassen") or ()),
        deficit_column=col,
        deficit_threshold=section.get("defizit_schwelle"),
        deficit_above=section.get("defizit_richtung", "hoch") == "hoch",
        combine=section.get("verknuepfung", "oder"),
        min_certainty=section.get("mindest_sicherheit"),
        min_population=float(section.get("mindest_einwohner") or 0),
        population_column=section.get("bevoelkerung") or "ew_ges",
        budget=section.get("budget"),
        deficit_step=section.get("schritt_defizit"),
        population_step=float(section.get("schritt_einwohner") or 100),
        deficit_label=label,
    )


def priority_frame(state) -> pd.DataFrame:
    """The report year's areas with counts, rates and monitor columns (the rules' input)."""
    y = state.year
    frame = pd.DataFrame(state.areas.drop(columns="geometry", errors="ignore"))
    for part in (state.counts.get(y), state.rates[y].rates if y in state.rates else None):
        if part is not None:
            frame = frame.join(part[[c for c in part.columns if c not in frame.columns]])
    if state.monitor is not None:
        mon = state.monitor.frame
        frame = frame.join(mon[[c for c in mon.columns if c not in frame.columns]])
    return frame


def _read_recommendations(state, path) -> Recommendations:
    recs = read_recommendations(path, unit_keys(state), labels=unit_labels(state), lang=state.lang)
    a = state.config.get("atlas")
    target = (state.atlas or {}).get("target")
    if a and target:
        from sozialraum.atlas import Atlas

        with Atlas.open(target, lang=state.lang) as atlas:
            state.planung["revision"] = atlas.add_recommendations(recs)
    return recs


def compute_planning(state):
    """Read the recommendations and select the priority areas (see the module docstring)."""
    p = state.config.get("planung") or {}
    if p.get("empfehlungen"):
        state.planung["empfehlungen"] = _read_recommendations(state, p["empfehlungen"])
    section = state.config.get("prioritaet")
    if section:
        rules = priority_rules(section, state.catalogue, state.lang)
        state.planung["prioritaet"] = select_priority_areas(
            priority_frame(state), rules, lang=state.lang
        )
    return state


_SHORT = {
    "in": ("in der Förderkulisse", "in the priority areas"),
    "check": (
        "Bedarf nach der Regel, aber unter der Mindestgröße: Prüffall",
        "need by the rule, but below the minimum size: to be reviewed",
    ),
    "out": ("nicht in der Förderkulisse", "not a priority area"),
}


def _short_reasons(res: PriorityResult, lang: str) -> pd.Series:
    """A reason without numbers (for every level): in, to be reviewed, or out."""
    f = res.frame
    txt = _SHORT
    i = 0 if lang == "de" else 1
    return pd.Series(
        [
            txt["in"][i] if k else txt["check"][i] if c else txt["out"][i]
            for k, c in zip(f["prio_kulisse"], f["prio_pruefen"], strict=True)
        ],
        index=f.index,
        dtype=object,
    )


def with_priority(state, frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` (areas) with the ``prio_*`` columns of the run (unchanged without)."""
    res = (state.planung or {}).get("prioritaet")
    if res is None:
        return frame
    cols = res.frame.copy()
    cols["prio_kulisse"] = cols["prio_kulisse"].astype(int)
    cols["prio_pruefen"] = cols["prio_pruefen"].astype(int)
    cols["prio_hinweis"] = _short_reasons(res, state.lang)
    cols = cols[[c for c in cols.columns if c not in frame.columns]]
    return frame.join(cols.reindex(frame.index))


#: Map colours of the three Förderkulisse categories (in, to be reviewed, out).
_LAYER_COLORS = ("#b2182b", "#f4a582", "#e0e0e0")


def priority_layers(state, frame) -> list:
    """The web map layer "Förderkulisse" (from ``prio_hinweis``; public at every level)."""
    from sozialraum.webmap import CategoryLayer

    if "prio_hinweis" not in frame.columns or (state.planung or {}).get("prioritaet") is None:
        return []
    cats = set(frame["prio_hinweis"].dropna().astype(str))
    colors = dict(zip(_order(state.lang), _LAYER_COLORS, strict=True))
    return [
        CategoryLayer(
            "prio_hinweis",
            title="Förderkulisse" if state.lang == "de" else "priority areas",
            colors=colors,
            categories=tuple(c for c in _order(state.lang) if c in cats),
            source=state.config["projekt"]["quelle"] or state.config["projekt"]["name"],
            year=state.year,
        )
    ]


def _order(lang: str) -> tuple[str, str, str]:
    i = 0 if lang == "de" else 1
    return tuple(_SHORT[k][i] for k in ("in", "check", "out"))


def planning_files(state, intern: Path, areas: tuple) -> list:
    """Internal files: Förderkulisse (Excel) and the recommendations template.

    ``areas`` is the run's ``(area frame, status)`` (:func:`pipeline.results.area_results`).
    """
    from sozialraum.io import write_excel

    files = []
    res = (state.planung or {}).get("prioritaet")
    if res is not None:
        names = state.areas[state.config["gebiete"]["name"]]
        main = res.frame.copy()
        main.insert(0, "name", names.reindex(main.index))
        sens = res.sensitivity.copy()
        for c in ("neu", "heraus"):
            sens[c] = [", ".join(f"{names.get(k, k)} ({k})" for k in v) for v in sens[c]]
        p = write_excel(
            {"Förderkulisse": main, "Empfindlichkeit": sens}, intern / "foerderkulisse.xlsx"
        )
        files.append(
            (
                p,
                "Förderkulisse: Auswahl, Verteilschlüssel, Gründe und Empfindlichkeit der Regel",
                "priority areas: selection, allocation key, reasons and sensitivity of the rule",
            )
        )
    if state.gemeinden is not None:
        files.append(_template(state, intern, *areas))
    return files


def _template(state, intern: Path, sr, st):
    from sozialraum.planning.recommendations import write_template

    gname = state.config["gebiete"]["name"]
    figures = [
        c for c in ("ew_ges", "kinderarmut", "sgb2_quote", "status_klasse") if c in sr.columns
    ]
    gem = state.rollup.get("gemeinde") if state.rollup else None
    tables = {}
    if gem is not None:
        g = gem.frame.copy()
        g["name"] = state.gemeinden[state.config["gebiete"]["gemeinden_name"]].reindex(g.index)
        tables["gemeinde"] = (g, gem.status)
    tables["sozialraum"] = (pd.DataFrame(sr).rename(columns={gname: "name"}), st)
    for name, res in (state.regions or {}).items():  # a row per region: names, no figures
        if res.set is not None:
            keys = [str(r) for r in res.set.regions]
            tables[name] = (
                pd.DataFrame({"name": [res.set.region_name(k) for k in keys]}, index=keys),
                None,
            )
    labels = state.catalogue.labels(state.lang) if state.catalogue is not None else {}
    labels = {c: labels.get(c, c) for c in figures}
    labels["status_klasse"] = "Statusklasse" if state.lang == "de" else "status class"
    p = write_template(
        intern / "empfehlungen_vorlage.xlsx",
        tables,
        figures=figures,
        level="oeffentlich",
        labels=labels,
        unit_labels={
            **unit_labels(state),
            **{k: k for k in tables if k not in ("gemeinde", "sozialraum")},
        },
        existing=(state.planung or {}).get("empfehlungen"),
        lang=state.lang,
    )
    return (
        p,
        "Vorlage für Handlungsempfehlungen und Zielvereinbarungen (Excel, zum Ausfüllen)",
        "template for recommendations and target agreements (Excel, to fill in)",
    )


def package_planning(state, pkg: Path, release) -> list:
    """A municipality's own recommendations in its package (``empfehlungen.html``)."""
    from sozialraum.planning.recommendations import render_html

    recs = (state.planung or {}).get("empfehlungen")
    if recs is None or release.ags is None:
        return []
    gcol = state.config["gebiete"]["gemeinde_spalte"]
    own = [str(k) for k in state.areas.index[state.areas[gcol].astype(str) == str(release.ags)]]
    from sozialraum.pipeline.steps_regions import regions_of_municipality

    regions = regions_of_municipality(state, str(release.ags))  # its Amt, LEADER region …
    mine = recs.only(
        {
            "gemeinde": [str(release.ags)],
            "sozialraum": own,
            **{name: list(keys) for name, keys in regions.items()},
        }
    )
    if not len(mine):
        return []
    names = {"sozialraum": state.areas[state.config["gebiete"]["name"]].astype(str).to_dict()}
    for name in regions:
        names[name] = dict(state.regions[name].set.names)
    if state.gemeinden is not None:
        names["gemeinde"] = (
            state.gemeinden[state.config["gebiete"]["gemeinden_name"]].astype(str).to_dict()
        )
    title = (
        f"Handlungsempfehlungen – {names.get('gemeinde', {}).get(str(release.ags), release.ags)}"
        if state.lang == "de"
        else f"Recommendations – {names.get('gemeinde', {}).get(str(release.ags), release.ags)}"
    )
    p = pkg / "empfehlungen.html"
    labels = {**unit_labels(state), **{name: f"{name}:" for name in regions}}
    p.write_text(render_html(mine, names, labels, title, state.lang), encoding="utf-8")
    return [
        (
            p,
            "Handlungsempfehlungen und Zielvereinbarungen dieser Gemeinde (HTML)",
            "recommendations and target agreements of this municipality (HTML)",
        )
    ]
