"""The example analysis of Landkreis Musterland (``sozialraum demo``, ``make demo``).

Runs the whole chain on the shipped example district: read the areas, the
catalogue and the indicator tables of three years as they arrive (Excel and
job-centre CSV), join them, roll them up to municipalities and the district,
and write the results for planners. Later stages (monitor, spatial statistics,
access, rasters) are added as their modules arrive; every output file is listed
in the German summary.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from sozialraum._i18n import get_lang, t
from sozialraum.errors import InputError, SozialraumWarning

__all__ = ["DemoResult", "run_demo", "find_example_data", "load_musterland"]

YEARS = (2022, 2023, 2024)

_MSG = {
    "no_data": {
        "de": "Beispieldaten nicht gefunden (gesucht: {paths}). Bitte im Projektordner ausführen.",
        "en": "example data not found (looked in: {paths}). Run it from the project folder.",
    },
    "step": {"de": "» {what}", "en": "» {what}"},
    "summary_head": {
        "de": "Fertig. Ergebnisse für den Landkreis Musterland in {out}:",
        "en": "Done. Results for the district Musterland in {out}:",
    },
    "facts": {
        "de": "{n_areas} Sozialräume in {n_gem} Gemeinden, {pop} Einwohner ({year}).",
        "en": "{n_areas} planning areas in {n_gem} municipalities, {pop} inhabitants ({year}).",
    },
    "warnings": {
        "de": "{n} Hinweise zu den Daten: siehe {file}.",
        "en": "{n} notes on the data: see {file}.",
    },
}

# (file name, German description, English description)
_FILES = {
    "gpkg": ("musterland_ergebnisse.gpkg", "GeoPackage mit Sozialräumen, Gemeinden und Kreis (für QGIS)", "GeoPackage with areas, municipalities and district (for QGIS)"),
    "xlsx": ("musterland_ergebnisse.xlsx", "Excel-Tabellen mit deutschen Spaltenköpfen", "Excel tables with German headers"),
    "join": ("verknuepfungsbericht.txt", "Verknüpfungsbericht: was passte und was nicht", "Join report: what matched and what did not"),
    "notes": ("hinweise.txt", "Hinweise zu den Eingangsdaten", "Notes on the input data"),
}


@dataclass
class DemoResult:
    """What the demo wrote, for the summary and for tests."""

    out_dir: Path
    files: list[tuple[Path, str, str]] = field(default_factory=list)
    facts: dict = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def add(self, kind: str, path: Path | None = None, de: str | None = None, en: str | None = None) -> Path:
        """Register an output file (``kind`` from the known list, or a custom one)."""
        if kind in _FILES:
            name, de0, en0 = _FILES[kind]
            path = path or self.out_dir / name
            de, en = de or de0, en or en0
        assert path is not None and de is not None
        self.files.append((Path(path), de, en or de))
        return Path(path)

    def summary(self, lang: str | None = None) -> str:
        """A short German (or English) summary naming each output file."""
        L = get_lang(lang)
        lines = [t(_MSG, "summary_head", L, out=self.out_dir)]
        if self.facts:
            lines.append("  " + t(_MSG, "facts", L, **self.facts))
        for path, de, en in self.files:
            rel = path.relative_to(self.out_dir) if path.is_relative_to(self.out_dir) else path
            lines.append(f"  - {rel}: {de if L == 'de' else en}")
        return "\n".join(lines)


def find_example_data(start: Path | None = None) -> Path:
    """The repository root holding ``examples/musterland`` and ``data/boundaries``."""
    candidates = []
    for base in [start or Path.cwd(), Path(__file__).resolve().parents[3]]:
        candidates.append(base)
        if (base / "examples" / "musterland").is_dir() and (base / "data" / "boundaries").is_dir():
            return base
    raise InputError(t(_MSG, "no_data", None, paths=", ".join(str(c) for c in candidates)))


def load_musterland(root: Path, *, lang: str | None = None):
    """Read Musterland's areas, catalogue and tables of all years.

    Returns
    -------
    dict
        ``areas`` (GeoDataFrame), ``gemeinden``, ``kreis``, ``catalogue``, and
        ``years``: year → :class:`~sozialraum.join.JoinResult` of both sources.
    """
    from sozialraum.io import read_areas, read_catalogue, read_table
    from sozialraum.join import join_tables

    gpkg = root / "data" / "boundaries" / "musterland.gpkg"
    ex = root / "examples" / "musterland"
    areas = read_areas(gpkg, layer="sozialraeume", key="sr_id", name="sr_name", lang=lang)
    gemeinden = read_areas(gpkg, layer="gemeinden", key="ags", lang=lang)
    kreis = read_areas(gpkg, layer="kreis", key="ags", lang=lang)
    catalogue = read_catalogue(ex / "katalog.toml", lang=lang)
    years = {}
    for year in YEARS:
        tables = [
            read_table(ex / f"indikatoren_{year}.xlsx", sheet="Daten", columns=catalogue, year=year, lang=lang),
            read_table(ex / f"jobcenter_{year}.csv", columns=catalogue, year=year, lang=lang),
        ]
        years[year] = join_tables(areas, tables, area_names="sr_name", lang=lang)
    return {"areas": areas, "gemeinden": gemeinden, "kreis": kreis, "catalogue": catalogue, "years": years}


def run_demo(
    out: str | Path = "out/demo",
    *,
    root: Path | None = None,
    lang: str | None = None,
    echo: Callable[[str], None] | None = None,
) -> DemoResult:
    """Run the Musterland example and write every output into ``out``.

    Parameters
    ----------
    out
        Output folder (created).
    root
        Repository root with the example data (found automatically).
    lang
        Language of the outputs and messages.
    echo
        Called with a short progress line per step (e.g. ``print``).
    """
    from sozialraum.io import write_excel, write_gpkg
    from sozialraum.join import rollup_hierarchy

    L = get_lang(lang)
    say = echo or (lambda _s: None)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    root = root or find_example_data()
    result = DemoResult(out_dir=out)

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", SozialraumWarning)
        say(t(_MSG, "step", L, what="Daten lesen und verknüpfen" if L == "de" else "reading and joining"))
        data = load_musterland(root, lang=L)
    notes = [str(w.message) for w in caught if issubclass(w.category, SozialraumWarning)]

    areas, catalogue = data["areas"], data["catalogue"]
    latest = max(data["years"])
    joined = data["years"][latest]
    reports = [r for y in sorted(data["years"]) for r in data["years"][y].report]
    result.add("join").write_text("\n\n".join(r.to_text(L) for r in reports) + "\n", encoding="utf-8")

    say(t(_MSG, "step", L, what="Hochrechnen auf Gemeinden und Kreis" if L == "de" else "rolling up"))
    counts = joined.frame
    levels = rollup_hierarchy(
        counts,
        {"gemeinde": "ags", "kreis": None},
        status=joined.status,
        catalogue=catalogue.indicators,
    )
    from sozialraum.monitor import compute_rates

    rates = compute_rates(counts, catalogue.indicators, status=joined.status, lang=L)
    sr = counts.join(rates.rates)
    sr_status = joined.status.join(rates.status.astype("string"))

    gpkg = result.add("gpkg")
    write_gpkg(sr, gpkg, layer="sozialraeume", status=sr_status, append_layer=False)
    gem = levels["gemeinde"].frame
    gem = gem.join(data["gemeinden"][["gemeinde"]]) if "gemeinde" not in gem.columns else gem
    write_gpkg(gem, gpkg, layer="gemeinden", status=levels["gemeinde"].status)
    write_gpkg(levels["kreis"].frame, gpkg, layer="kreis", status=levels["kreis"].status)

    labels = _labels(catalogue)
    write_excel(
        {
            "Sozialräume" if L == "de" else "Areas": sr.drop(columns="geometry"),
            "Gemeinden" if L == "de" else "Municipalities": pd.DataFrame(gem.drop(columns="geometry")),
            "Kreis" if L == "de" else "District": pd.DataFrame(levels["kreis"].frame.drop(columns="geometry")),
        },
        result.add("xlsx"),
        labels=labels,
        status={
            "Sozialräume" if L == "de" else "Areas": sr_status,
            "Gemeinden" if L == "de" else "Municipalities": levels["gemeinde"].status,
            "Kreis" if L == "de" else "District": levels["kreis"].status,
        },
        title=f"Landkreis Musterland {latest}",
    )

    result.notes = notes
    if notes:
        result.add("notes").write_text("\n".join(notes) + "\n", encoding="utf-8")
    pop = counts["ew_ges"].sum() if "ew_ges" in counts else float("nan")
    result.facts = {
        "n_areas": len(areas),
        "n_gem": len(data["gemeinden"]),
        "pop": f"{int(pop):,}".replace(",", "."),
        "year": latest,
    }
    return result


def _labels(catalogue) -> dict[str, str]:
    """Column → German header from the catalogue's variables and indicators."""
    labels = {}
    if hasattr(catalogue, "variables"):
        labels.update(catalogue.variables["label"].to_dict())
    if hasattr(catalogue, "indicators"):
        ind = catalogue.indicators
        for k, row in ind.iterrows():
            unit = f" ({row['unit']})" if isinstance(row.get("unit"), str) and row["unit"] else ""
            labels[k] = f"{row['label']}{unit}"
    labels.update({"sr_name": "Sozialraum", "ags": "AGS", "gemeinde": "Gemeinde", "n_gebiete": "Anzahl Gebiete"})
    return labels

