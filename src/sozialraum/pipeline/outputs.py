"""Writing a run's outputs: result tables, GeoPackage, join report (and, where
configured, web maps, profiles, the report and the release packages).

Every function returns the files it wrote as ``(path, German description,
English description)`` so that the summary and the manifest list them.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from sozialraum._i18n import t
from sozialraum.core.text import slugify
from sozialraum.pipeline.common import Files, labels_for
from sozialraum.pipeline.config import territory_of
from sozialraum.pipeline.planung import planning_files
from sozialraum.pipeline.results import area_results
from sozialraum.pipeline.timing import timed

__all__ = ["write_outputs", "area_results", "labels_for"]

_MSG = {
    "gpkg": {
        "de": "GeoPackage mit allen Ergebnissen je {a}, {g} und {k} (für QGIS)",
        "en": "GeoPackage with all results per {a}, {g} and {k} (for QGIS)",
    },
    "xlsx": {
        "de": "Excel-Tabellen mit deutschen Spaltenköpfen",
        "en": "Excel tables with German headers",
    },
    "join": {
        "de": "Verknüpfungsbericht: was passte und was nicht",
        "en": "join report: what matched and what did not",
    },
}


def write_outputs(state, folder: Path) -> Files:
    """Write the internal result files (and the presentation outputs that exist).

    Each output step is timed on ``state.timer`` (see :mod:`sozialraum.pipeline.timing`).
    """
    intern = folder / "intern"
    intern.mkdir(parents=True, exist_ok=True)
    with timed(state, "tabellen"):
        files, sr, sr_status, sheets, status = _write_tables(state, intern)
    if state.config["ausgaben"].get("excel", True):
        with timed(state, "excel"):
            files += _write_excel(state, intern, sheets, status)
    with timed(state, "extras"):
        files += _write_extras(state, intern)

    from sozialraum.pipeline import presentation

    files += presentation.write_presentation(state, folder, sr, sr_status)
    return files


def _write_tables(state, intern: Path):
    """Join report and GeoPackage; returns the files and the frames the other steps need."""
    from sozialraum.io import write_gpkg

    L = state.lang
    files: Files = []
    reports = [r for y in sorted(state.joined) for r in state.joined[y].report]
    p = intern / "verknuepfungsbericht.txt"
    p.write_text("\n\n".join(r.to_text(L) for r in reports) + "\n", encoding="utf-8")
    files.append((p, t(_MSG, "join", "de"), t(_MSG, "join", "en")))

    sr, sr_status = area_results(state)
    gem = state.rollup["gemeinde"].frame
    if state.gemeinden is not None:
        name_col = state.config["gebiete"]["gemeinden_name"]
        if name_col in state.gemeinden.columns and name_col not in gem.columns:
            gem = gem.join(state.gemeinden[[name_col]])
    kreis = state.rollup["kreis"].frame
    gpkg = intern / "ergebnisse.gpkg"
    write_gpkg(sr, gpkg, layer="sozialraeume", status=sr_status, append_layer=False)
    write_gpkg(gem, gpkg, layer="gemeinden", status=state.rollup["gemeinde"].status)
    write_gpkg(kreis, gpkg, layer="kreis", status=state.rollup["kreis"].status)
    if state.facilities is not None:
        write_gpkg(state.facilities, gpkg, layer="einrichtungen")
    for name, res in state.access.items():
        if "areas" in res:
            write_gpkg(res["areas"], gpkg, layer=f"erreichbarkeit_{slugify(name)}")
    terr = territory_of(state.config, L)
    words = {
        lg: {"a": terr.bottom.word(lg), "g": terr.middle.word(lg), "k": terr.top.word(lg)}
        for lg in ("de", "en")
    }
    files.append((gpkg, t(_MSG, "gpkg", "de", **words["de"]), t(_MSG, "gpkg", "en", **words["en"])))

    sheet = territory_of(state.config, L).table_names(L)  # "Planungsräume", "Bezirke", "Stadt"
    sheets = {
        sheet["areas"]: pd.DataFrame(sr.drop(columns="geometry")),
        sheet["gemeinden"]: pd.DataFrame(gem.drop(columns="geometry", errors="ignore")),
        sheet["kreis"]: pd.DataFrame(kreis.drop(columns="geometry", errors="ignore")),
    }
    status = {
        sheet["areas"]: sr_status,
        sheet["gemeinden"]: state.rollup["gemeinde"].status,
        sheet["kreis"]: state.rollup["kreis"].status,
    }
    for name, res in state.access.items():
        if "areas" in res:
            sheets[name[:31]] = pd.DataFrame(res["areas"].drop(columns="geometry", errors="ignore"))
    return files, sr, sr_status, sheets, status


def _write_excel(state, intern: Path, sheets, status) -> Files:
    """``ergebnisse.xlsx``: the result tables with German headers (``[ausgaben] excel``)."""
    from sozialraum.io import write_excel

    xlsx = intern / "ergebnisse.xlsx"
    labels = labels_for(state)
    figures = (state.demography or {}).get("figures")
    if figures is not None:  # the projection's columns: the one table of headers
        labels.update(figures.labels("de"))
    write_excel(
        sheets,
        xlsx,
        labels=labels,
        status=status,
        title=f"{state.config['projekt']['name']} {state.year}",
    )
    return [(xlsx, t(_MSG, "xlsx", "de"), t(_MSG, "xlsx", "en"))]


def _write_extras(state, intern: Path) -> Files:
    """Demography, measure effects, distance surfaces and the atlas (where computed)."""
    files: Files = []
    for write in (
        _demography_files,
        _atlas_files,
        _lisa_figures,
        _whatif_file,
        _raster_check_file,
        _distance_surfaces,
        _kita_files,
        _planning_files,
        _region_files,
    ):
        files += write(state, intern)
    return files


def _kita_files(state, intern: Path) -> Files:
    from sozialraum.pipeline.steps_kita import kita_files

    return kita_files(state, intern)


def _planning_files(state, intern: Path) -> Files:
    """Förderkulisse and the recommendations template (:mod:`sozialraum.pipeline.planung`)."""
    return planning_files(state, intern, area_results(state))


def _region_files(state, intern: Path) -> Files:
    """Region sets, the municipalities' index and the HzE figures (:mod:`.outputs_regions`)."""
    from sozialraum.pipeline.outputs_regions import region_files

    return region_files(state, intern)


def _demography_files(state, intern: Path) -> Files:
    """Demography: age groups, ratios, projection (Excel) and the projection layer."""
    from sozialraum.io import write_excel, write_gpkg

    files: Files = []
    d = state.demography
    if d:
        sheets, labels = demography_sheets(state)
        p = intern / "demografie.xlsx"
        write_excel(sheets, p, labels=labels, title=f"Demografie {state.config['projekt']['name']}")
        files.append(
            (
                p,
                f"Demografie: Altersgruppen, Kennzahlen, Vorausberechnung bis {d['end_year']}",
                f"demography: age groups, ratios, projection to {d['end_year']}",
            )
        )
        layer = state.areas[["geometry"]].join(d["forecast"].area_layer())
        write_gpkg(layer, intern / "ergebnisse.gpkg", layer=f"vorausberechnung_{d['end_year']}")
    return files


def demography_sheets(state) -> tuple[dict[str, pd.DataFrame], dict[str, str]]:
    """The sheets of ``demografie.xlsx`` and their German headers.

    The projection's own sheets come from
    :meth:`~sozialraum.demography.forecast.Forecast.workbook` (the same workbook as
    ``sozialraum demografie`` and the QGIS tool): indexed by the real area key (headed
    with the level's key word), named areas with their name, headers from the
    catalogue, the age groups and the projection's one table of labels. The run adds
    Bestand–Bedarf today and in the end year per facility type (its access model).
    """
    from sozialraum.access import LABELS as ACCESS_LABELS
    from sozialraum.demography.forecast import keyed_sheet

    d = state.demography
    terr = territory_of(state.config, state.lang)
    name_col = state.config["gebiete"]["name"]
    names = state.areas[name_col] if name_col in state.areas.columns else None
    sheets, labels = d["forecast"].workbook(
        names=names,
        key_word=terr.bottom.compound("schlüssel", "de"),
        name_word=terr.bottom.title("de"),
        labels=labels_for(state),
    )
    for kind, comp in (d.get("supply") or {}).items():  # Bestand–Bedarf: the run's model
        sheets[f"{kind} heute und {d['end_year']}"[:31]] = keyed_sheet(comp, names)
        for col in comp.columns:
            base, _, year = str(col).rpartition("_")
            if year.isdigit() and base in ACCESS_LABELS:
                labels.setdefault(col, f"{ACCESS_LABELS[base]['de']} {year}")
            elif col in ACCESS_LABELS:
                labels.setdefault(col, ACCESS_LABELS[col]["de"])
        labels.setdefault("veraenderung_zielgruppe", "Veränderung der Zielgruppe (Personen)")
    return sheets, labels


def _atlas_files(state, intern: Path) -> Files:
    """Measure effects (Excel) and the atlas file itself (where computed)."""
    from sozialraum.io import write_excel

    files: Files = []
    if state.atlas and state.atlas.get("effects"):
        sheets = {}
        for mid, eff in state.atlas["effects"].items():
            sheets[mid[:31]] = eff.frame.reset_index()
        p = intern / "massnahmen_wirkung.xlsx"
        note = next(iter(state.atlas["effects"].values())).note
        write_excel(sheets, p, title=note[:200])
        files.append(
            (
                p,
                "Maßnahmen: Veränderung der Zielindikatoren gegenüber Vergleichsgebieten (beschreibend, nicht kausal)",
                "measures: change of target indicators against comparison areas (descriptive, not causal)",
            )
        )
    if state.atlas and not str(state.atlas.get("target", "")).startswith("postgres"):
        files.append(
            (
                Path(state.atlas["target"]),
                "Sozialstrukturatlas (Datenbank, GeoPackage): Gebietsversionen, Werte aller Jahre, Maßnahmen",
                "atlas database (GeoPackage): area versions, values of all years, measures",
            )
        )
    return files


def _lisa_figures(state, intern: Path) -> Files:
    """Moran scatter plot and LISA cluster map per analysed column (PNG)."""
    files: Files = []
    if state.lisa:
        from sozialraum.spatial import cluster_map, moran_scatterplot

        labels = labels_for(state)
        for col, res in state.lisa.items():
            slug = slugify(col)
            name = _feature_label(state, col, labels)  # the catalogue's label, not the column
            p = intern / "abbildungen" / f"moran_streudiagramm_{slug}.png"
            _close(moran_scatterplot(res, p, lang=state.lang, label=name))
            files.append(
                (p, f"Moran-Streudiagramm ({name}, PNG)", f"Moran scatter plot ({name}, PNG)")
            )
            p = intern / "abbildungen" / f"lisa_clusterkarte_{slug}.png"
            _close(cluster_map(res, p, lang=state.lang, label=name))
            files.append((p, f"LISA-Clusterkarte ({name}, PNG)", f"LISA cluster map ({name}, PNG)"))
    return files


def _feature_label(state, col: str, labels: dict[str, str]) -> str:
    """A readable name of an analysed column: the catalogue's label (English where given)."""
    cat = state.catalogue.indicators
    if state.lang == "en" and col in cat.index and isinstance(cat.at[col, "label_en"], str):
        return cat.at[col, "label_en"]
    if col in cat.index:
        return str(cat.at[col, "label"])
    return labels.get(col, col)


def _whatif_file(state, intern: Path) -> Files:
    """What-if comparison of planned facilities, before and after (Excel)."""
    from sozialraum.io import write_excel

    files: Files = []
    whatif = {n: a["was_waere_wenn"] for n, a in state.access.items() if "was_waere_wenn" in a}
    if whatif:
        sheets = {
            n[:31]: pd.DataFrame(w.areas if len(w.areas) else w.frame).reset_index()
            for n, w in whatif.items()
        }
        p = intern / "erreichbarkeit_was_waere_wenn.xlsx"
        write_excel(sheets, p, title="Was wäre, wenn: Versorgung vorher und nachher je Sozialraum")
        files.append(
            (
                p,
                "Was wäre, wenn: Versorgung mit den geplanten Einrichtungen, vorher und nachher",
                "what if: supply with the planned facilities, before and after",
            )
        )
    return files


def _raster_check_file(state, intern: Path) -> Files:
    """Population per area from the raster against the table (Excel)."""
    from sozialraum.io import write_excel

    files: Files = []
    if state.raster.get("check") is not None:
        p = intern / "raster_abgleich.xlsx"
        chk = state.raster["check"].copy()
        if "tabelle" in chk.columns:
            chk["differenz"] = chk["raster"] - chk["tabelle"]
        write_excel(
            {"Raster-Abgleich": chk.reset_index()},
            p,
            title="Einwohner je Sozialraum aus dem 100-m-Raster und aus der Tabelle",
        )
        files.append(
            (
                p,
                "Einwohner je Sozialraum aus dem Bevölkerungsraster, verglichen mit der Tabelle",
                "population per area from the raster, compared with the table",
            )
        )
    return files


def _distance_surfaces(state, intern: Path) -> Files:
    """Straight-line distance rasters to the nearest facility per category (GeoTIFF)."""
    files: Files = []
    if state.facilities is not None and state.config.get("erreichbarkeit"):
        from sozialraum.raster import distance_surface

        ef = state.config["einrichtungen"]
        bounds = state.areas
        for a in state.config["erreichbarkeit"]:
            fac = state.facilities[state.facilities[ef["kategorie_spalte"]] == a["kategorie"]]
            if fac.empty:
                continue
            p = intern / f"entfernung_{slugify(a['kategorie'])}.tif"
            distance_surface(fac, p, bounds=bounds, resolution=100.0, lang=state.lang)
            files.append(
                (
                    p,
                    f"Rasterkarte: Luftlinie zur nächsten Einrichtung ({a['kategorie']}), 100 m, für QGIS",
                    f"raster: straight-line distance to the nearest facility ({a['kategorie']}), 100 m, for QGIS",
                )
            )
    return files


def _close(fig) -> None:
    """Free a matplotlib figure (the plots are created without pyplot)."""
    try:
        import matplotlib.pyplot as plt

        plt.close(fig)
    except Exception:  # noqa: BLE001 - figures made without pyplot need no closing
        pass
