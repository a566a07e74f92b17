"""Presentation outputs of a run: web maps, Steckbriefe, Sozialbericht, release packages.

The run's computations end in one frame per planning area (:func:`area_results`);
this module turns it into what planners hand out, one folder per release level:

* ``intern/`` — everything (tables, GeoPackage, map with all values, profiles);
* ``oeffentlich/`` — indices and classes only, small counts suppressed;
* ``kommunal-<AGS>/`` — one per municipality: its own areas' values plus
  district-wide aggregates.

What may appear in which package is decided by :mod:`sozialraum.privacy`; this
module only asks it and writes maps and reports from the frames it returns, then
runs the privacy checker on every package.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

__all__ = ["write_presentation", "write_webmap"]

Files = list[tuple[Path, str, str]]

PUBLIC_INDICATORS = ("idx_gesamt", "status_index", "dynamik_index")


def _indicator_specs(state, frame, *, level: str):
    """Map layers: the overall index and the status index for everyone; rates internally."""
    from sozialraum.webmap import Indicator

    src = state.config["projekt"]["quelle"] or state.config["projekt"]["name"]
    year = state.year
    de = state.lang == "de"
    specs = []
    titles = {
        "idx_gesamt": ("Gesamtindex soziale Lage", "Overall social index"),
        "status_index": ("Statusindex", "Status index"),
        "dynamik_index": ("Dynamikindex", "Dynamic index"),
    }
    k = state.config["monitor"]["klassen_anzahl"]
    scheme = state.config["monitor"]["klassen_schema"]
    for col in PUBLIC_INDICATORS:
        if col in frame.columns and frame[col].notna().any():
            specs.append(
                Indicator(col, title=titles[col][0 if de else 1], unit="z-Wert" if de else "z-score",
                          year=year, source=src, scheme=scheme, k=k, decimals=2)
            )
    if level != "oeffentlich":
        cat = state.catalogue.indicators
        for iid, row in cat.iterrows():
            if iid in frame.columns and frame[iid].notna().any():
                title = row["label"] if de or not isinstance(row.get("label_en"), str) else row["label_en"]
                specs.append(Indicator(iid, title=title, unit=row.get("unit") or "", year=year, source=src,
                                       scheme=scheme, k=k, decimals=1))
    return specs


def write_webmap(state, frame, status, path: Path, *, level: str = "intern", boundaries=None,
                 title: str | None = None) -> Path:
    """One offline web map of ``frame`` (an area result, already filtered for ``level``)."""
    from sozialraum.webmap import gi_layer, lisa_layer, make_map, save_map

    g = state.config["gebiete"]
    specs = _indicator_specs(state, frame, level=level)
    kwargs = {}
    layers = []
    de = state.lang == "de"
    for i, col in enumerate(state.lisa):
        cat, color = f"lisa_cat_{col}", f"lisa_color_{col}"
        if len(state.lisa) == 1:
            cat, color = "lisa_cat", "lisa_color"
        if cat in frame.columns:
            lay = lisa_layer(cat, color if color in frame.columns else None,
                             title=f"LISA-Cluster: {_title(state, col)}" if de else f"LISA clusters: {_title(state, col)}")
            if i == 0:
                kwargs["lisa"] = lay
            else:
                layers.append(lay)
    for i, col in enumerate(state.hotspots):
        cat, color = f"gi_cat_{col}", f"gi_color_{col}"
        if len(state.hotspots) == 1:
            cat, color = "gi_cat", "gi_color"
        if cat in frame.columns:
            lay = gi_layer(cat, color if color in frame.columns else None,
                           title=f"Hot-Spots (Gi*): {_title(state, col)}")
            if i == 0:
                kwargs["gi"] = lay
            else:
                layers.append(lay)
    kwargs["category_layers"] = layers
    fac = state.facilities if level != "oeffentlich" or state.facilities is not None else None
    m = make_map(
        frame,
        specs,
        name_column=g["name"],
        status=status if status is not None and len(status.columns) else None,
        facilities=fac,
        facility_category=state.config["einrichtungen"]["kategorie_spalte"] if state.config.get("einrichtungen") else "kategorie",
        facility_capacity=state.config["einrichtungen"]["kapazitaet_spalte"] if state.config.get("einrichtungen") else None,
        capacity_unit="Plätze" if state.lang == "de" else "places",
        boundaries=boundaries if boundaries is not None else state.gemeinden,
        boundary_label=g["gemeinden_name"] if (boundaries if boundaries is not None else state.gemeinden) is not None
        and g["gemeinden_name"] in (boundaries if boundaries is not None else state.gemeinden).columns else None,
        offline=True,
        title=title or f"{state.config['projekt']['name']} {state.year}",
        lang=state.lang,
        **kwargs,
    )
    return save_map(m, path)


def _title(state, col: str) -> str:
    names = {"idx_gesamt": ("Gesamtindex", "overall index"), "status_index": ("Statusindex", "status index")}
    if col in names:
        return names[col][0 if state.lang == "de" else 1]
    cat = state.catalogue.indicators
    if col in cat.index:
        return str(cat.loc[col, "label"])
    return col


def write_presentation(state, folder: Path, sr, sr_status) -> Files:
    """Write maps, profiles, the report and the release packages (as configured).

    Internal outputs go to ``intern/``. For ``oeffentlich`` and ``kommunal`` the
    privacy module writes the tables (suppressed, restricted); maps (and profiles)
    are drawn from exactly the frames of each package; then every package is
    checked, and a package that shows more than its level stops the run.
    """
    from sozialraum.errors import SozialraumError
    from sozialraum.privacy import ReleaseData, ReleasePolicy, check_release, package_frames, package_name, write_packages

    files: Files = []
    aus = state.config["ausgaben"]
    g = state.config["gebiete"]
    L = state.lang
    if aus["webkarte"]:
        p = write_webmap(state, sr, sr_status, folder / "intern" / "webkarte.html", level="intern")
        files.append((p, "Interaktive Karte mit allen Werten (offline, eine Datei)", "interactive map with all values (offline, one file)"))

    levels = [lv for lv in aus["freigabe"] if lv != "intern"]
    if not levels:
        return files
    from sozialraum.monitor import slugify
    from sozialraum.pipeline.outputs import labels_for

    data = ReleaseData.from_rollup(
        sr, sr_status, state.rollup, state.catalogue,
        name=slugify(state.config["projekt"]["name"]), area_ags_col=g["gemeinde_spalte"],
    )
    policy = ReleasePolicy(threshold=aus["mindestfallzahl"] - 1)
    files += write_packages(
        data, folder, levels=levels, policy=policy, labels=labels_for(state),
        title=f"{state.config['projekt']['name']} {state.year}", lang=L,
    )
    packages: list[tuple[str, str | None]] = []
    if "oeffentlich" in levels:
        packages.append(("oeffentlich", None))
    if "kommunal" in levels:
        packages += [("kommunal", str(a)) for a in data.municipalities()]
    checks = []
    for level, ags in packages:
        pkg = folder / package_name(level, ags)
        frames = package_frames(data, level, ags=ags, policy=policy, lang=L)
        areas_f, areas_s = frames["areas"]
        if aus["webkarte"]:
            gdf = areas_f if hasattr(areas_f, "geometry") else sr[["geometry"]].join(areas_f)
            name = state.config["projekt"]["name"]
            title = f"{name} {state.year}" if ags is None else f"{name} {state.year} – {_gemeinde_name(state, ags)}"
            p = write_webmap(state, gdf, areas_s, pkg / "webkarte.html", level=level, title=title)
            files.append((p, "Interaktive Karte dieses Pakets (offline)", "interactive map of this package (offline)"))
        report = check_release(pkg, data, level=level, ags=ags, policy=policy)
        checks.append((pkg.name, report))
        if not report.ok:
            raise SozialraumError(
                (f"Freigabeprüfung für {pkg.name} fehlgeschlagen; nichts wird veröffentlicht:\n" if L == "de"
                 else f"release check for {pkg.name} failed; nothing is published:\n") + report.to_text(L)
            )
    p = folder / "pruefbericht.txt"
    lines = [
        ("Freigabeprüfung: jedes Paket wurde mit den internen Daten verglichen." if L == "de"
         else "Release check: every package was compared with the internal data."),
        "",
    ]
    for name, rep in checks:
        lines.append(f"{name}: " + ("in Ordnung" if L == "de" else "fine") if rep.ok else rep.to_text(L))
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    files.append((p, "Prüfbericht: kein Paket zeigt mehr als seine Freigabestufe", "check report: no package shows more than its level"))
    return files


def _gemeinde_name(state, ags: str) -> str:
    gem = state.gemeinden
    col = state.config["gebiete"]["gemeinden_name"]
    if gem is not None and col in gem.columns and ags in gem.index:
        return str(gem.loc[ags, col])
    return ags
