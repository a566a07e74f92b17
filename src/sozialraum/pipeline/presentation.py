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

import shutil
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
                Indicator(
                    col,
                    title=titles[col][0 if de else 1],
                    unit="z-Wert" if de else "z-score",
                    year=year,
                    source=src,
                    scheme=scheme,
                    k=k,
                    decimals=2,
                )
            )
    if level != "oeffentlich":
        for col in frame.columns:
            if (
                col.startswith("zugang_")
                and frame[col].notna().any()
                and frame[col].dtype.kind == "f"
            ):
                specs.append(
                    Indicator(
                        col,
                        title=_access_title(state, col),
                        unit=_access_unit(col),
                        year=year,
                        source=src,
                        scheme=scheme,
                        k=k,
                        decimals=1,
                    )
                )
        cat = state.catalogue.indicators
        for iid, row in cat.iterrows():
            if iid in frame.columns and frame[iid].notna().any():
                title = (
                    row["label"]
                    if de or not isinstance(row.get("label_en"), str)
                    else row["label_en"]
                )
                specs.append(
                    Indicator(
                        iid,
                        title=title,
                        unit=row.get("unit") or "",
                        year=year,
                        source=src,
                        scheme=scheme,
                        k=k,
                        decimals=1,
                    )
                )
    return specs


def write_webmap(
    state,
    frame,
    status,
    path: Path,
    *,
    level: str = "intern",
    boundaries=None,
    title: str | None = None,
) -> Path:
    """One offline web map of ``frame`` (an area result, already filtered for ``level``)."""
    from sozialraum.webmap import CategoryLayer, gi_layer, lisa_layer, make_map, save_map

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
            lay = lisa_layer(
                cat,
                color if color in frame.columns else None,
                title=f"LISA-Cluster: {_title(state, col)}"
                if de
                else f"LISA clusters: {_title(state, col)}",
            )
            if i == 0:
                kwargs["lisa"] = lay
            else:
                layers.append(lay)
    for i, col in enumerate(state.hotspots):
        cat, color = f"gi_cat_{col}", f"gi_color_{col}"
        if len(state.hotspots) == 1:
            cat, color = "gi_cat", "gi_color"
        if cat in frame.columns:
            lay = gi_layer(
                cat,
                color if color in frame.columns else None,
                title=f"Hot-Spots (Gi*): {_title(state, col)}",
            )
            if i == 0:
                kwargs["gi"] = lay
            else:
                layers.append(lay)
    # the MSS status and dynamic classes (public: classes only), colours from need (red) to none (blue)
    status_colors = {
        "hoch": "#2c7bb6",
        "mittel": "#ffffbf",
        "niedrig": "#fdae61",
        "sehr niedrig": "#d7191c",
        "nicht bewertet": "#bdbdbd",
    }
    dyn_colors = {
        "positiv": "#1a9641",
        "stabil": "#ffffbf",
        "negativ": "#d7191c",
        "nicht bewertet": "#bdbdbd",
    }
    src = state.config["projekt"]["quelle"] or state.config["projekt"]["name"]
    for col, colors, title_de, title_en in (
        ("status_klasse", status_colors, "Statusklasse (soziale Lage)", "status class"),
        ("dynamik_klasse", dyn_colors, "Dynamikklasse (Entwicklung)", "dynamic class"),
    ):
        if col in frame.columns and frame[col].notna().any():
            present = [c for c in colors if c in set(frame[col].dropna().astype(str))]
            layers.insert(
                0,
                CategoryLayer(
                    col,
                    title=title_de if de else title_en,
                    colors=colors,
                    categories=tuple(present),
                    source=src,
                    year=state.year,
                ),
            )
    kwargs["category_layers"] = layers
    bounds = boundaries if boundaries is not None else state.gemeinden
    label = (
        g["gemeinden_name"]
        if bounds is not None and g["gemeinden_name"] in bounds.columns
        else None
    )
    m = make_map(
        frame,
        specs,
        name_column=g["name"],
        status=status if status is not None and len(status.columns) else None,
        facilities=state.facilities,
        facility_category=state.config["einrichtungen"]["kategorie_spalte"]
        if state.config.get("einrichtungen")
        else "kategorie",
        facility_capacity=state.config["einrichtungen"]["kapazitaet_spalte"]
        if state.config.get("einrichtungen")
        else None,
        capacity_unit="Plätze" if state.lang == "de" else "places",
        boundaries=bounds,
        boundary_label=label,
        offline=True,
        title=title or f"{state.config['projekt']['name']} {state.year}",
        lang=state.lang,
        **kwargs,
    )
    return save_map(m, path)


def _access_title(state, col: str) -> str:
    """``zugang_<analysis>_<measure>`` → a German title."""
    for name in state.access:
        from sozialraum.core.text import slugify

        prefix = f"zugang_{slugify(name)}_"
        if col.startswith(prefix):
            what = col[len(prefix) :]
            label = {
                "versorgung": "Plätze je 100 (2SFCA)",
                "distance_m": "Weg zur nächsten Einrichtung",
                "distance_1": "Luftlinie zur nächsten Einrichtung",
                "travel_time_min": "Fußweg in Minuten",
                "bb_defizit": "fehlende Plätze",
                "bb_deckungsgrad": "Deckungsgrad",
            }.get(what, what)
            return f"{name}: {label}"
    return col


def _access_unit(col: str) -> str:
    if col.endswith(("distance_m", "distance_1")):
        return "m"
    if col.endswith("travel_time_min"):
        return "min"
    if col.endswith("bb_deckungsgrad"):
        return "%"
    return ""


def _title(state, col: str) -> str:
    names = {
        "idx_gesamt": ("Gesamtindex", "overall index"),
        "status_index": ("Statusindex", "status index"),
    }
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
    from sozialraum.privacy import (
        ReleaseData,
        ReleasePolicy,
        check_release,
        package_frames,
        package_name,
        write_packages,
    )

    files: Files = []
    aus = state.config["ausgaben"]
    g = state.config["gebiete"]
    L = state.lang
    if aus["webkarte"]:
        p = write_webmap(state, sr, sr_status, folder / "intern" / "webkarte.html", level="intern")
        files.append(
            (
                p,
                "Interaktive Karte mit allen Werten (offline, eine Datei)",
                "interactive map with all values (offline, one file)",
            )
        )

    intern_docs: list[Path] = []
    if aus["steckbriefe"] or aus["sozialbericht"]:
        from sozialraum.report import report_data_from_state, write_sozialbericht, write_steckbriefe

        rdata = report_data_from_state(state, level="intern")
        if aus["steckbriefe"]:
            intern_docs = write_steckbriefe(
                rdata,
                folder / "intern" / "steckbriefe",
                pdf=aus["pdf"],
                lang=L,
                progress=state.progress(
                    "Steckbriefe (intern)" if L == "de" else "profiles (internal)"
                ),
            )
            files += [
                (p, _doc_description(p, "de"), _doc_description(p, "en")) for p in intern_docs
            ]
        if aus["sozialbericht"]:
            for p in write_sozialbericht(rdata, folder / "intern", pdf=aus["pdf"], lang=L):
                files.append(
                    (
                        p,
                        "Sozialbericht (intern, alle Werte)",
                        "social report (internal, all values)",
                    )
                )

    levels = [lv for lv in aus["freigabe"] if lv != "intern"]
    if not levels:
        return files
    from sozialraum.core.text import slugify
    from sozialraum.pipeline.outputs import labels_for

    data = ReleaseData.from_rollup(
        sr,
        sr_status,
        state.rollup,
        state.catalogue,
        name=slugify(state.config["projekt"]["name"]),
        area_ags_col=g["gemeinde_spalte"],
    )
    policy = ReleasePolicy(threshold=aus["mindestfallzahl"] - 1)
    files += write_packages(
        data,
        folder,
        levels=levels,
        policy=policy,
        labels=labels_for(state),
        title=f"{state.config['projekt']['name']} {state.year}",
        lang=L,
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
            title = (
                f"{name} {state.year}"
                if ags is None
                else f"{name} {state.year} – {_gemeinde_name(state, ags)}"
            )
            p = write_webmap(state, gdf, areas_s, pkg / "webkarte.html", level=level, title=title)
            files.append(
                (
                    p,
                    "Interaktive Karte dieses Pakets (offline)",
                    "interactive map of this package (offline)",
                )
            )
        if level == "oeffentlich" and (aus["steckbriefe"] or aus["sozialbericht"]):
            from sozialraum.report import write_sozialbericht, write_steckbriefe

            pdata = _public_report_data(state, frames)
            if aus["sozialbericht"]:
                for p in write_sozialbericht(pdata, pkg, pdf=aus["pdf"], lang=L):
                    files.append(
                        (
                            p,
                            "Sozialbericht (öffentlich: Indizes und Klassen)",
                            "social report (public: indices and classes)",
                        )
                    )
            if aus["steckbriefe"]:
                for p in write_steckbriefe(
                    pdata,
                    pkg / "steckbriefe",
                    municipalities=True,
                    pdf=aus["pdf"],
                    lang=L,
                    progress=state.progress(
                        "Steckbriefe (öffentlich)" if L == "de" else "profiles (public)"
                    ),
                ):
                    files.append(
                        (
                            p,
                            _doc_description(p, "de") + " (öffentlich)",
                            _doc_description(p, "en") + " (public)",
                        )
                    )
        if level == "kommunal" and intern_docs:
            # the municipality's own profiles: its areas and itself (values of its own areas only)
            own_keys = set(sr.index[sr[g["gemeinde_spalte"]].astype(str) == ags])
            target = pkg / "steckbriefe"
            target.mkdir(parents=True, exist_ok=True)
            for p in intern_docs:
                key = _doc_key(p)
                if key in own_keys or key == ags:
                    dst = target / p.name
                    shutil.copyfile(p, dst)
                    files.append((dst, _doc_description(dst, "de"), _doc_description(dst, "en")))
        report = check_release(pkg, data, level=level, ags=ags, policy=policy)
        checks.append((pkg.name, report))
        if not report.ok:
            raise SozialraumError(
                (
                    f"Freigabeprüfung für {pkg.name} fehlgeschlagen; nichts wird veröffentlicht:\n"
                    if L == "de"
                    else f"release check for {pkg.name} failed; nothing is published:\n"
                )
                + report.to_text(L)
            )
    p = folder / "pruefbericht.txt"
    lines = [
        (
            "Freigabeprüfung: jedes Paket wurde mit den internen Daten verglichen."
            if L == "de"
            else "Release check: every package was compared with the internal data."
        ),
        "",
    ]
    for name, rep in checks:
        lines.append(
            f"{name}: " + ("in Ordnung" if L == "de" else "fine") if rep.ok else rep.to_text(L)
        )
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    files.append(
        (
            p,
            "Prüfbericht: kein Paket zeigt mehr als seine Freigabestufe",
            "check report: no package shows more than its level",
        )
    )
    return files


def _doc_key(path: Path) -> str | None:
    """Area or municipality key of a Steckbrief file (``steckbrief[_gemeinde]_<key>_<name>``)."""
    stem = path.stem
    for prefix in ("steckbrief_gemeinde_", "steckbrief_"):
        if stem.startswith(prefix):
            return stem[len(prefix) :].split("_", 1)[0]
    return None


def _doc_description(path: Path, lang: str) -> str:
    kind = "PDF" if path.suffix == ".pdf" else "HTML"
    stem = path.stem
    if stem.startswith("steckbrief_gemeinde_"):
        return (
            f"Steckbrief der Gemeinde ({kind})"
            if lang == "de"
            else f"municipality profile ({kind})"
        )
    if stem.startswith("steckbrief_"):
        return (
            f"Steckbrief des Sozialraums ({kind})"
            if lang == "de"
            else f"planning-area profile ({kind})"
        )
    return (
        f"Steckbriefe, alle in einer Datei ({kind})"
        if lang == "de"
        else f"all profiles in one file ({kind})"
    )


def _public_report_data(state, frames):
    """Report data for the public: only the columns and cells of the public package."""
    import dataclasses

    from sozialraum.report import report_data_from_state

    data = report_data_from_state(state, level="oeffentlich")
    af, ast = frames["areas"]
    keep = [
        c
        for c in data.areas.columns
        if c in af.columns or c == "geometry" or c.startswith(("lisa_", "gi_"))
    ]
    areas = data.areas[keep].copy()
    common = [c for c in keep if c in af.columns and c != "geometry"]
    areas[common] = pd.DataFrame(af).reindex(areas.index)[common]
    status = ast.reindex(index=areas.index) if ast is not None else None
    gem_f, gem_s = frames["gemeinden"]
    kr_f, kr_s = frames["kreis"]
    if data.gemeinden is not None and gem_f is not None:  # keep the names
        names = [
            c
            for c in data.gemeinden.columns
            if c not in gem_f.columns and data.gemeinden[c].dtype == object
        ]
        gem_f = gem_f.join(data.gemeinden[names])
    return dataclasses.replace(
        data,
        areas=areas,
        status=status,
        previous=None,
        previous_status=None,
        gemeinden=gem_f,
        gemeinden_status=gem_s,
        gemeinden_previous=None,
        kreis=kr_f,
        kreis_status=kr_s,
        population=None,
        access=None,
    )


def _gemeinde_name(state, ags: str) -> str:
    gem = state.gemeinden
    col = state.config["gebiete"]["gemeinden_name"]
    if gem is not None and col in gem.columns and ags in gem.index:
        return str(gem.loc[ags, col])
    return ags
