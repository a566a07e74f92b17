"""Small pieces the run's steps and writers share: file lists, German headers, slugs.

Both the result writer (:mod:`sozialraum.pipeline.outputs`) and the presentation
writer (:mod:`sozialraum.pipeline.presentation`) import from here, never from each
other or from :mod:`sozialraum.pipeline.run`, so the pipeline's modules import each
other in one direction only: ``common`` ← ``outputs``/``presentation`` ← ``run``.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from sozialraum.access import LABELS as ACCESS_LABELS
from sozialraum.core.classify import without_not_rated as without_unrated_index
from sozialraum.core.text import slugify
from sozialraum.monitor import MonitorParams, certainty_labels
from sozialraum.monitor.certainty_indicators import indicator_certainty_labels
from sozialraum.privacy import ReleasePolicy

__all__ = [
    "Files",
    "labels_for",
    "monitor_params",
    "monitor_up_to",
    "once_per_run",
    "release_policy",
    "slug",
    "without_unrated_index",
]

# ``without_unrated_index`` is the core rule (:func:`sozialraum.core.classify.without_not_rated`)
# under the name the run's steps use.

Files = list[tuple[Path, str, str]]
"""Files a writer wrote: ``(path, German description, English description)``."""

# German headers of the monitor's columns and the area attributes (tables, Excel, packages)
_HEADERS = {
    "sr_name": "Sozialraum",
    "ags": "AGS",
    "gemeinde": "Gemeinde",
    "n_gebiete": "Anzahl Gebiete",
    "idx_gesamt": "Gesamtindex",
    "idx_gesamt_klasse": "Gesamtindex (Klasse)",
    "status_index": "Statusindex",
    "status_klasse": "Statusklasse",
    "dynamik_index": "Dynamikindex",
    "dynamik_klasse": "Dynamikklasse",
    "mss_gruppe": "Status/Dynamik-Gruppe",
    "typ": "Gebietstyp",
    "typ_beschreibung": "Gebietstyp (Beschreibung)",
    "bewertet": "bewertet",
    "grund": "Grund (nicht bewertet)",
}


#: Titles of the monitor's index columns (maps, summary, report, the QGIS web map tool).
INDEX_TITLES = {
    "idx_gesamt": {"de": "Gesamtindex", "en": "Overall index"},
    "status_index": {"de": "Statusindex", "en": "Status index"},
    "dynamik_index": {"de": "Dynamikindex", "en": "Dynamic index"},
    "idx_pca": {"de": "Index (Hauptkomponente)", "en": "Index (principal component)"},
}


def column_title(state, col: str) -> str:
    """A planner's title of a result column: index titles, else the catalogue's label."""
    if col in INDEX_TITLES:
        return INDEX_TITLES[col]["de" if state.lang == "de" else "en"]
    cat = state.catalogue.indicators
    if col in cat.index:
        return str(cat.loc[col, "label"])
    return col


def labels_for(state) -> dict[str, str]:
    """Column → German header (catalogue labels, monitor and LISA columns)."""
    cat = state.catalogue
    labels: dict[str, str] = {}
    labels.update(cat.variables["label"].dropna().to_dict())
    for k, row in cat.indicators.iterrows():
        unit = f" ({row['unit']})" if isinstance(row.get("unit"), str) and row["unit"] else ""
        labels[k] = f"{row['label']}{unit}"
    labels.update(_HEADERS)
    if getattr(state, "certainty", None) is not None:
        labels.update(certainty_labels(state.certainty, "de"))
        labels.update(indicator_certainty_labels(None, cat, "de"))  # <indicator>_sicherheit
    for k, v in ACCESS_LABELS.items():  # Bestand–Bedarf columns of the access sheets
        if "{" not in k:
            labels.setdefault(f"bb_{k}", f"Bestand–Bedarf: {v['de']}")
    labels.update((getattr(state, "kita", None) or {}).get("labels") or {})  # the Kita step's
    return labels


def slug(name: str) -> str:
    """File-name part of a name (the monitor's slug rule)."""
    return slugify(name)


def run_monitor_params(state):
    """The parameters the run's monitor was computed with (``state.monitor.params``); None without.

    What every release and index of the packages is made with: read here, not each
    writer on its own.
    """
    return state.monitor.params if state.monitor is not None else None


def monitor_params(config, lang: str | None = None) -> MonitorParams:
    """The monitor settings of a run configuration (``[monitor]`` and the seed).

    One place for every step that runs the monitor (the report year, the previous
    year's classes in the report), so that they cannot drift apart.
    """
    m = config["monitor"]
    return MonitorParams(
        min_denominator=m["min_nenner"],
        standardization={"z": "z", "minmax": "minmax", "rang": "rank"}[m["standardisierung"]],
        scheme=m["klassen_schema"],
        k=m["klassen_anzahl"],
        n_types=m["typen_anzahl"],
        seed=config.seed,
        lang=lang,
    )


def once_per_run(state, key, make, *, owner=None):
    """``make()`` once per run and ``key``, kept in ``state.history`` (read-only results).

    With ``owner`` (e.g. the release a result is made from) the kept result is handed
    out only while the same object is asked about: another object computes anew.
    """
    memo = getattr(state, "history", None)
    if memo is None:
        return make()
    hit = memo.get(("_once", key))
    if hit is not None and hit[0] is owner:
        return hit[1]
    value = make()
    memo[("_once", key)] = (owner, value)
    return value


def monitor_up_to(state, year: int):
    """The monitor run on the years up to ``year`` (the last two): classes as they were then.

    Computed once per run and year and shared by the report's previous-year classes
    and the earlier years of the time series and the website (the same call for all).
    """
    import warnings

    from sozialraum.errors import SozialraumWarning
    from sozialraum.monitor import run_monitor

    def make():
        years = [y for y in sorted(state.counts) if y <= year][-2:]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", SozialraumWarning)  # reported for the report year
            return run_monitor(
                {y: state.counts[y] for y in years},
                state.catalogue,
                monitor_params(state.config, state.lang),
                status={y: state.status[y] for y in years},
            )

    return once_per_run(state, ("monitor", year), make)


def release_policy(config):
    """The release policy of a run configuration (``[freigabe]`` and the threshold).

    The yearly run cuts its packages with it and ``sozialraum publish --check`` checks
    them with the same policy. The configured key and name columns of the areas and of
    the middle level (e.g. ``plr_name``, ``bez_id``, ``bez_name`` of a city) are public
    like ``sr_name`` and ``ags``: a web map or profile of a package needs its names.
    """
    policy = ReleasePolicy.from_config(
        config.get("freigabe"), threshold=config["ausgaben"]["mindestfallzahl"] - 1
    )
    g = config["gebiete"]
    names = (g["schluessel"], g["name"], g["gemeinde_spalte"], g["gemeinden_name"])
    extra = tuple(n for n in names if n and n not in policy.extra)
    return dataclasses.replace(policy, extra=(*policy.extra, *extra))


def table_read_options(tab: dict) -> dict:
    """The reader options of one ``[[tabellen]]`` entry, as the run and the check pass them.

    ``blatt``, ``schluessel`` and, where the configuration has them, ``kopfzeile``,
    ``kodierung`` and ``symbole`` → ``sheet``, ``key``, ``header_row``, ``encoding``,
    ``symbols`` of :func:`sozialraum.io.read_table`.
    """
    names = {
        "blatt": "sheet",
        "schluessel": "key",
        "kopfzeile": "header_row",
        "kodierung": "encoding",
        "symbole": "symbols",
    }
    return {arg: tab.get(key) for key, arg in names.items()}
