"""The input of the report room: :class:`ReportInputs` → :class:`ReportData`.

Everything a Steckbrief or the Sozialbericht shows comes from one
:class:`ReportData`; the report room computes nothing statistical itself beyond
district averages, ranks, changes and class counts (documented in
``docs/report.md``).

Two ways in:

* :func:`report_data` — the internal report (``intern``) from the full results;
* :func:`report_data_from_release` — a public or municipal report: its values are
  exactly those of a checked :class:`~sozialraum.privacy.Release`. A
  :class:`ReportData` for a level other than ``intern`` cannot be made without one.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from sozialraum._i18n import t
from sozialraum.core.status import RELEASE_LEVELS, check_level
from sozialraum.core.territory import Territory
from sozialraum.errors import InputError, format_ids
from sozialraum.privacy.levels import ReleasePolicy
from sozialraum.privacy.release import Release
from sozialraum.report.text import supply_label

__all__ = [
    "ReportData",
    "ReportInputs",
    "report_data",
    "report_data_from_release",
    "report_data_from_state",
]

#: Release levels a report can be written for (:data:`sozialraum.core.status.RELEASE_LEVELS`).
LEVELS = RELEASE_LEVELS

_MSG = {
    "level": {
        "de": "Unbekannte Freigabestufe {level!r}; erlaubt sind: oeffentlich, kommunal, intern.",
        "en": "unknown release level {level!r}; allowed: oeffentlich, kommunal, intern.",
    },
    "no_areas": {
        "de": "ReportData.areas ist leer: ohne Gebiete gibt es keine Steckbriefe.",
        "en": "ReportData.areas is empty: no areas, no profiles.",
    },
    "dup": {
        "de": "ReportData.areas: Gebietsschlüssel sind nicht eindeutig: {ids}.",
        "en": "ReportData.areas: area keys are not unique: {ids}.",
    },
    "need_release": {
        "de": "Ein Bericht der Freigabestufe {level!r} entsteht nur aus einem geprüften Release "
        "(privacy.make_release → report_data_from_release); ohne Release nur 'intern'.",
        "en": "a report at level {level!r} is made only from a checked Release "
        "(privacy.make_release → report_data_from_release); without one only 'intern'.",
    },
    "release_level": {
        "de": "Das Release hat die Stufe {have!r}, der Bericht soll {want!r} sein.",
        "en": "the Release is at level {have!r}, the report is to be {want!r}.",
    },
}


@dataclass
class ReportData:
    """Everything a Steckbrief or the Sozialbericht needs (filled by the pipeline).

    Attributes
    ----------
    areas
        GeoDataFrame, one row per planning area, index = area key (str). Columns:
        ``name`` (see ``name_col``), the municipality key (``gemeinde_col``, e.g.
        ``ags``) and name (``gemeinde_name_col``), counts (variable ids, e.g.
        ``ew_ges``), rates (indicator ids of the catalogue), the monitor columns
        ``idx_<dimension>``, ``idx_gesamt``, ``status_klasse``, ``dynamik_klasse``,
        ``mss_gruppe``, ``typ``, ``typ_beschreibung``, ``bewertet``, ``grund``, and,
        if present, LISA/Gi* columns (``lisa_cat``, ``lisa_color`` or prefixed
        ``<col>_lisa_cat``; ``gi_cat`` …). Outside ``intern`` it is replaced by the
        areas frame of ``release``.
    catalogue
        :class:`sozialraum.io.Catalogue` (labels, units, direction, dimension).
    status
        Status codes per cell (same index; columns as in ``areas``; pandas
        ``string``, ``<NA>`` = fine): ``geheim``, ``geheim_primaer``,
        ``geheim_sekundaer``, ``nichts_vorhanden``, ``nenner_klein`` … A value
        is never printed where the code is secret (:func:`sozialraum.core.status.is_secret`)
        unless ``level == "intern"``.
    previous, previous_status
        Rates of the previous year (same index/columns) for change and trend arrows.
    gemeinden, gemeinden_status, gemeinden_previous
        Municipalities (index = municipality key; name column ``gemeinde_name_col``,
        rolled-up counts and rates, geometry).
    kreis, kreis_status
        The district (one row, rolled-up rates): the "Kreisdurchschnitt".
    monitor_params
        ``MonitorResult.params`` (standardisation, index, thresholds, classes).
    lisa_params
        ``{column: LisaResult.params}`` (and optionally Gi* params under
        ``"gi:<column>"``) for the methods annex.
    access
        Optional frame per area key. Recognised columns (others are shown with
        their name): ``grundschule_m``, ``hausarzt_m`` (distance to the nearest
        facility in m), ``kita_plaetze_je_100`` (places per 100 children),
        ``kita_defizit`` (missing places; negative = surplus).
    access_meta
        Optional ``{column: {"label": str, "unit": str, "decimals": int}}`` for
        other access columns (label shown as is, number with unit).
    population
        Optional long age table ``key, year, alter, geschlecht, anzahl`` for pyramids.
    title, year, previous_year, source, date
        Document title, report year, previous year, source line and date ("Stand").
    level
        Release level ``"oeffentlich"``, ``"kommunal"`` or ``"intern"``. At
        ``"oeffentlich"`` index values and z-scores are not shown (classes only)
        and secret cells read "geheim". Any level but ``"intern"`` needs ``release``.
    name_col, gemeinde_col, gemeinde_name_col, population_col
        Column names (default ``name``/``sr_name``, ``ags``, ``gemeinde``, ``ew_ges``).
    indicators
        Indicator ids shown (default: all catalogue indicators present in ``areas``,
        ``gemeinden`` or ``kreis``).
    previous_classes
        Status and dynamic classes of the previous year per area (columns
        ``status_klasse``, ``dynamik_klasse``): classes are public at every level.
    territory
        The district's or city's own level words (:class:`~sozialraum.core.territory.Territory`):
        every text of the report and the profiles says "Bezirk"/"Stadtdurchschnitt" where the
        territory is a city. Default: Landkreis → Gemeinde → Sozialraum.
    release
        The checked :class:`~sozialraum.privacy.Release` a non-internal report is
        made from; its frames replace ``areas``, ``gemeinden`` and ``kreis``.
    """

    areas: Any
    catalogue: Any
    status: pd.DataFrame | None = None
    previous: pd.DataFrame | None = None
    previous_status: pd.DataFrame | None = None
    gemeinden: Any = None
    gemeinden_status: pd.DataFrame | None = None
    gemeinden_previous: pd.DataFrame | None = None
    kreis: Any = None
    kreis_status: pd.DataFrame | None = None
    monitor_params: Mapping = field(default_factory=dict)
    lisa_params: Mapping = field(default_factory=dict)
    access: pd.DataFrame | None = None
    access_meta: Mapping = field(default_factory=dict)
    population: pd.DataFrame | None = None
    title: str = "Sozialbericht"
    year: int | None = None
    previous_year: int | None = None
    source: str = ""
    date: str | None = None
    level: str = "intern"
    name_col: str | None = None
    gemeinde_col: str = "ags"
    gemeinde_name_col: str = "gemeinde"
    population_col: str = "ew_ges"
    indicators: Sequence[str] | None = None
    previous_classes: pd.DataFrame | None = None
    release: Release | None = None
    territory: Territory = field(default_factory=Territory.default)
    planning: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        check_level(self.level)
        if self.level != "intern" or self.release is not None:
            self._take_release()
        if self.areas is None or len(self.areas) == 0:
            raise InputError(t(_MSG, "no_areas", None))
        idx = self.areas.index
        if idx.has_duplicates:
            dups = sorted(set(map(str, idx[idx.duplicated()])))
            raise InputError(t(_MSG, "dup", None, ids=format_ids(dups)), ids=dups)
        if self.name_col is None:
            self.name_col = next(
                (c for c in ("name", "sr_name", "gebiet") if c in self.areas.columns), None
            )
        if self.date is None:
            self.date = _dt.date.today().strftime("%d.%m.%Y")

    def _take_release(self) -> None:
        """Outside ``intern`` every value comes from the release, nothing from elsewhere.

        Areas, municipalities and district are replaced by the release's frames (only
        the text columns and geometry of the given municipalities and district are
        kept: their names and boundaries); values the release does not carry
        (previous year, age structure, access) are dropped.
        """
        rel = self.release
        if not isinstance(rel, Release):
            raise InputError(t(_MSG, "need_release", None, level=self.level))
        if rel.level != self.level:
            raise InputError(t(_MSG, "release_level", None, have=rel.level, want=self.level))
        names = ("name", "sr_name", "gebiet", self.name_col, self.gemeinde_name_col)
        self.areas = _with_labels(rel.frame("areas"), self.areas, only=names)
        self.status = rel.status("areas")
        self.gemeinden = _with_labels(rel.frame("gemeinden"), self.gemeinden)
        self.gemeinden_status = rel.status("gemeinden")
        self.kreis = _with_labels(rel.frame("kreis"), self.kreis)
        self.kreis_status = rel.status("kreis")
        if self.level != "intern":
            self.previous = self.previous_status = self.gemeinden_previous = None
            self.population = None
            self.access = None
            self.access_meta = {}

    # ----------------------------------------------------------- helpers
    @property
    def indicator_ids(self) -> list[str]:
        """The indicators shown, in catalogue order."""
        cat = self.catalogue.indicators
        have = set(self.areas.columns)
        for fr in (self.gemeinden, self.kreis):
            if fr is not None:
                have |= set(fr.columns)
        wanted = cat.index if self.indicators is None else self.indicators
        return [i for i in wanted if i in cat.index and i in have]

    def name(self, key: str) -> str:
        """Display name of an area (the key if there is no name)."""
        if self.name_col and self.name_col in self.areas.columns:
            v = self.areas.at[key, self.name_col]
            if isinstance(v, str) and v:
                return v
        return str(key)

    def gemeinde_name(self, gkey: str) -> str:
        """Display name of a municipality."""
        g = self.gemeinden
        if g is not None and gkey in g.index and self.gemeinde_name_col in g.columns:
            v = g.at[gkey, self.gemeinde_name_col]
            if isinstance(v, str) and v:
                return v
        a = self.areas
        if self.gemeinde_col in a.columns and self.gemeinde_name_col in a.columns:
            sub = a.loc[a[self.gemeinde_col].astype(str) == str(gkey), self.gemeinde_name_col]
            if len(sub) and isinstance(sub.iloc[0], str):
                return sub.iloc[0]
        return str(gkey)

    def cell_status(self, key: str, col: str, which: str = "areas") -> str | None:
        """Status code of one cell (None = fine)."""
        st = {
            "areas": self.status,
            "previous": self.previous_status,
            "gemeinden": self.gemeinden_status,
            "kreis": self.kreis_status,
        }[which]
        if st is None or col not in st.columns or key not in st.index:
            return None
        v = st.at[key, col]
        return None if v is None or v is pd.NA or (isinstance(v, float) and np.isnan(v)) else str(v)

    @property
    def index_decimals(self) -> int:
        """Decimals of index values: those the release policy rounds them to outside ``intern``.

        The level's release carries its policy; ``intern`` has no release and takes
        the run's policy (``planning["freigabe"]``) or the default one. A chart that
        plots indices at this precision is the same for every level that shows them.
        """
        if self.release is not None:
            return int(self.release.policy.index_decimals)
        own = (self.planning or {}).get("freigabe") or {}
        return int(own.get("index_decimals", ReleasePolicy.index_decimals))

    def district_value(self, ind: str) -> tuple[float, str | None]:
        """District average of an indicator and its status code.

        The rolled-up district rate (``kreis``; sum of numerators over sum of
        denominators) where given, else the unweighted mean over the areas.
        """
        k = self.kreis
        if k is not None and ind in getattr(k, "columns", []) and len(k):
            key = k.index[0]
            return float(k[ind].iloc[0]) if pd.notna(k[ind].iloc[0]) else np.nan, self.cell_status(
                key, ind, "kreis"
            )
        if ind not in self.areas.columns:
            return np.nan, None
        vals = pd.to_numeric(self.areas[ind], errors="coerce")
        return (float(vals.mean()) if vals.notna().any() else np.nan), None


def _config_value(state, section: str, key: str | None, default):
    """``state.config[section][key]`` (or the whole section), ``default`` if absent or empty."""
    try:
        v = state.config[section] if key is None else state.config[section][key]
    except (AttributeError, KeyError, TypeError):
        return default
    return v if v else default


def _access_from_state(results: Mapping, index) -> tuple[pd.DataFrame | None, dict]:
    """Per-area access columns from the pipeline's ``state.access`` (name → dict of results).

    Taken: the share of the target group within the radius (``anteil_innerhalb``,
    %), and from Bestand–Bedarf the places per 100 of the target group and the
    missing places. Units that are not certain (mean distances of different
    methods) are left out.
    """
    cols: dict[str, pd.Series] = {}
    meta: dict[str, dict] = {}
    for name, res in results.items():
        if not isinstance(res, Mapping):
            continue
        per_area = res.get("per_area")
        if isinstance(per_area, pd.DataFrame) and "anteil_innerhalb" in per_area.columns:
            c = f"{name}: anteil_innerhalb"
            cols[c] = per_area["anteil_innerhalb"]
            meta[c] = {
                "label": f"{name}: Anteil der Zielgruppe im Einzugsradius",
                "unit": "%",
                "decimals": 1,
            }
        bb = res.get("bestand_bedarf", res.get("versorgung"))  # without a target: the ratio only
        frame = getattr(bb, "frame", None)
        short = bb.method_label(short=True) if hasattr(bb, "method_label") else ""
        how = f" ({short})" if short else ""
        if isinstance(frame, pd.DataFrame):
            if "versorgung_je_100" in frame.columns:
                c = f"{name}: versorgung_je_100"
                cols[c] = frame["versorgung_je_100"]
                meta[c] = {  # inside the area vs. reachable in the catchment: named apart
                    "label": supply_label(name, getattr(bb, "method", None), short),
                    "unit": "",
                    "decimals": 1,
                }
            if "defizit" in frame.columns:
                c = f"{name}: defizit"
                cols[c] = frame["defizit"]
                meta[c] = {"label": f"{name}: fehlende Plätze{how}", "unit": "", "decimals": 0}
    if not cols:
        return None, {}
    out = pd.DataFrame({c: v.set_axis(v.index.astype(str)) for c, v in cols.items()})
    return out.reindex(index), meta


@dataclass(frozen=True)
class ReportInputs:
    """Everything a report is written from, as one explicit object.

    The internal results (all values) plus the report's metadata. An internal report
    uses them directly (:func:`report_data`); a public or municipal report takes its
    values from a :class:`~sozialraum.privacy.Release` and only the names,
    boundaries, parameters and classes from here (:func:`report_data_from_release`).
    Field meanings as in :class:`ReportData`.
    """

    areas: Any
    catalogue: Any
    status: pd.DataFrame | None = None
    previous: pd.DataFrame | None = None
    previous_status: pd.DataFrame | None = None
    gemeinden: Any = None
    gemeinden_status: pd.DataFrame | None = None
    gemeinden_previous: pd.DataFrame | None = None
    kreis: Any = None
    kreis_status: pd.DataFrame | None = None
    monitor_params: Mapping = field(default_factory=dict)
    lisa_params: Mapping = field(default_factory=dict)
    access: pd.DataFrame | None = None
    access_meta: Mapping = field(default_factory=dict)
    population: pd.DataFrame | None = None
    previous_classes: pd.DataFrame | None = None
    title: str = "Sozialbericht"
    year: int | None = None
    previous_year: int | None = None
    source: str = ""
    gemeinde_col: str = "ags"
    gemeinde_name_col: str = "gemeinde"
    population_col: str = "ew_ges"
    territory: Territory = field(default_factory=Territory.default)
    planning: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def from_state(cls, state) -> ReportInputs:
        """From a pipeline run state (its documented attributes, read explicitly)."""
        return _inputs_from_state(state)


def _with_labels(frame, given, *, only: Sequence[str] | None = None):
    """``frame`` plus the text columns (names) and geometry of ``given`` that it lacks.

    ``only`` restricts the columns taken (e.g. the name columns of the areas).
    """
    if frame is None or given is None or not hasattr(given, "columns"):
        return frame
    given = given.set_axis(given.index.astype(str))
    frame = frame.set_axis(frame.index.astype(str))
    extra = [
        c
        for c in given.columns
        if c not in frame.columns
        and (only is None or c in only)
        and (c == "geometry" or not pd.api.types.is_numeric_dtype(given[c]))
    ]
    out = frame.join(given[extra].reindex(frame.index)) if extra else frame
    if "geometry" in out.columns and not hasattr(out, "crs"):
        import geopandas as gpd

        out = gpd.GeoDataFrame(out, geometry="geometry", crs=getattr(given, "crs", None))
    elif "geometry" in extra:
        import geopandas as gpd

        out = gpd.GeoDataFrame(out, geometry="geometry", crs=getattr(given, "crs", None))
    return out


def report_data(inputs: ReportInputs, **kw) -> ReportData:
    """The internal report data (all values) from :class:`ReportInputs`.

    ``kw`` overrides :class:`ReportData` fields (e.g. ``title``, ``indicators``).
    """
    args = {f: getattr(inputs, f) for f in ReportInputs.__dataclass_fields__}
    args.update(kw)
    return ReportData(**args)


def report_data_from_release(release: Release, inputs: ReportInputs, **kw) -> ReportData:
    """Report data of ``release``'s level: its values only, names and classes from ``inputs``.

    Profiles and the Sozialbericht made from it never show more than the release
    (the package's tables). Rankings are computed among the values it shows.
    """
    if not isinstance(release, Release):
        raise InputError(t(_MSG, "need_release", None, level=getattr(release, "level", "?")))
    return report_data(inputs, level=release.level, release=release, **kw)


def report_data_from_state(state, *, level: str = "intern", release: Release | None = None, **kw):
    """Build a :class:`ReportData` from a pipeline ``RunState``.

    Only ``level="intern"`` without ``release``; for any other level pass the
    checked ``release`` of that level (made by :func:`sozialraum.privacy.make_release`).
    """
    check_level(level)
    if level != "intern" and release is None:
        raise InputError(t(_MSG, "need_release", None, level=level))
    inputs = ReportInputs.from_state(state)
    if release is not None:
        return report_data_from_release(release, inputs, **kw)
    return report_data(inputs, level=level, **kw)


def _state_areas(state) -> pd.DataFrame:
    """The report year's areas with counts, rates, monitor and LISA/Gi* category columns."""
    import geopandas as gpd

    year = state.year
    rates = state.rates[year]
    areas = state.areas.copy()
    cnt = state.counts[year]
    areas = areas.join(cnt[[c for c in cnt.columns if c not in areas.columns]])
    areas = areas.join(rates.rates[[c for c in rates.rates.columns if c not in areas.columns]])
    mon = state.monitor.frame
    areas = areas.join(mon[[c for c in mon.columns if c not in areas.columns]])
    cert = getattr(state, "certainty", None)  # monitor.CertaintyResult of the run, if any
    if cert is not None:
        areas = areas.join(cert.frame[[c for c in cert.frame.columns if c not in areas.columns]])
    for results, kinds in (
        (state.lisa, ("lisa_cat", "lisa_color", "lisa_code")),
        (state.hotspots, ("gi_cat", "gi_color", "gi_code")),
    ):
        for col, res in (results or {}).items():
            f = res.frame
            pre = "" if col == "idx_gesamt" else f"{col}_"
            cols = [c for c in kinds if c in f.columns]
            areas = areas.join(f[cols].rename(columns={c: pre + c for c in cols}))
    kita = (getattr(state, "kita", None) or {}).get("result")
    if kita is not None:  # the same columns as the result tables (KitaPlanning.wide)
        wide = kita.wide()
        areas = areas.join(wide.reindex(areas.index.astype(str)).set_axis(areas.index))
    care = (getattr(state, "care", None) or {}).get("columns")  # [pflege]: per-area columns
    if care is not None:
        areas = areas.join(care[[c for c in care.columns if c not in areas.columns]])
    return gpd.GeoDataFrame(areas, geometry="geometry", crs=state.areas.crs)


def _state_previous_gemeinden(state, gcol: str, prev_year):
    if prev_year is None or prev_year not in state.counts or gcol not in state.areas.columns:
        return None
    from sozialraum.join import rollup_hierarchy

    pc = state.counts[prev_year]
    frame = pd.DataFrame(state.areas[[gcol]]).join(pc[[c for c in pc.columns if c != gcol]])
    prev_roll = rollup_hierarchy(
        frame,
        {"gemeinde": gcol},
        status=state.status.get(prev_year),
        catalogue=state.catalogue.indicators,
        lang=state.lang,
    )
    return prev_roll["gemeinde"].frame


def _inputs_from_state(state) -> ReportInputs:
    """Take the report year's results, roll-ups and the previous year's rates from a run state."""
    year, prev_year = state.year, state.previous_year
    areas = _state_areas(state)
    status = pd.concat([state.status[year], state.rates[year].status], axis=1)
    status = status.loc[:, ~status.columns.duplicated()]
    previous = previous_status = None
    if prev_year is not None and prev_year in state.rates:
        previous = state.rates[prev_year].rates
        previous_status = state.rates[prev_year].status
        pc = state.counts.get(prev_year)
        if pc is not None and "ew_ges" in pc.columns and "ew_ges" not in previous.columns:
            previous = previous.join(pc[["ew_ges"]])  # for the population change
    gem = state.rollup.get("gemeinde") if state.rollup else None
    kreis = state.rollup.get("kreis") if state.rollup else None
    gemeinden = None
    if gem is not None:
        gemeinden = gem.frame
        if state.gemeinden is not None:
            gemeinden = _with_labels(gemeinden, state.gemeinden)
    gcol = _config_value(state, "gebiete", "gemeinde_spalte", "ags")
    lisa_params = {c: r.params for c, r in (state.lisa or {}).items()}
    lisa_params.update({f"gi:{c}": r.params for c, r in (state.hotspots or {}).items()})
    proj = _config_value(state, "projekt", None, {})
    access, access_meta = _access_from_state(state.access or {}, areas.index)
    territory = Territory.from_settings(
        _config_value(state, "gliederung", None, None), proj.get("name", ""), state.lang
    )
    figures = (state.demography or {}).get("figures")
    if figures is not None:  # the projection per area, as in the result tables
        areas, status = figures.join_areas(areas, status)
    return ReportInputs(
        areas=areas,
        catalogue=state.catalogue,
        status=status,
        previous=previous,
        previous_status=previous_status,
        gemeinden=gemeinden,
        gemeinden_status=gem.status if gem is not None else None,
        gemeinden_previous=_state_previous_gemeinden(state, gcol, prev_year),
        gemeinde_col=gcol,
        gemeinde_name_col=_config_value(state, "gebiete", "gemeinden_name", "gemeinde"),
        territory=territory,
        kreis=kreis.frame if kreis is not None else None,
        kreis_status=kreis.status if kreis is not None else None,
        monitor_params=state.monitor.params,
        lisa_params=lisa_params,
        access=access,
        access_meta=access_meta,
        population=(state.demography or {}).get("population"),
        title=f"Sozialbericht {proj.get('name', '')}".strip(),
        year=year,
        previous_year=prev_year,
        source=proj.get("quelle", "") or "",
        planning=_planning_from_state(state),
    )


def _planning_from_state(state) -> dict:
    """``ReportData.planning`` of a run: one entry per planning topic that has data."""
    planning: dict = {}
    demo = state.demography or {}
    if demo.get("figures") is not None:  # the projection's published numbers and how made
        res = demo["projection"]
        planning["demografie"] = {
            "figures": demo["figures"],
            "params": res.params,
            "constrained": bool(res.params.constrained),
        }
    kita = _kita_planning(state)
    if kita is not None:
        planning["kita"] = kita
    schools = _school_planning(state)
    if schools is not None:
        planning["schulen"] = schools
    care = getattr(state, "care", None) or {}
    if care.get("planning"):
        planning["pflege"] = care["planning"]
    trends = trend_series(state)  # every year's rates; each level shows its own
    if trends:
        planning["trends"] = trends
    freigabe = (getattr(state, "config", None) or {}).get("freigabe")
    planning["freigabe"] = {"index_decimals": ReleasePolicy.from_config(freigabe).index_decimals}
    planning.update(_planning_cycle(state))
    planning.update(getattr(state, "topics", None) or {})  # regions, HzE, offers (run steps)
    return planning


def _kita_planning(state) -> dict | None:
    """``planning["kita"]``: settings, municipal figures, facts and the what-if of Kita planning."""
    kita = getattr(state, "kita", None) or {}
    res = kita.get("result")
    if res is None:
        return None
    scen = [s for s in dict.fromkeys(res.areas.index.get_level_values("szenario")) if s]
    return {
        "base_year": res.base_year,
        "years": tuple(res.params.years),
        "scenario": kita.get("scenario"),
        "scenarios": tuple(scen),  # in the projection's order (niedrig, mittel, hoch)
        "groups": res.params.groups,
        "method": res.method_label,
        "gemeinden": res.wide("gemeinden") if len(res.gemeinden) else None,
        "facts": dict(kita.get("facts") or {}),
        "places_total": {str(k): float(v) for k, v in res.places.sum().items()},
        "what_if": kita.get("what_if"),
    }


def _school_planning(state) -> dict | None:
    """``planning["schulen"]``: school-entry cohorts per catchment and the schools' access analysis."""
    sch = getattr(state, "schulen", None) or {}
    if sch.get("entry") is None:
        return None
    name = sch.get("access")
    per = ((getattr(state, "access", None) or {}).get(name) or {}).get("areas")
    distance = None
    if per is not None:
        col = next((c for c in ("distance_m", "distance_1") if c in per.columns), None)
        if col is not None:
            distance = pd.to_numeric(per[col], errors="coerce").set_axis(per.index.astype(str))
    return {"entry": sch["entry"], "access": name, "distance": distance}


_TREND_KINDS = ("areas", "gemeinden", "kreis")


def trend_series(state) -> dict | None:
    """Rates of every year per area, municipality and district (``None`` with < 2 years).

    ``{"years": [...], "areas"|"gemeinden"|"kreis": {year: frame},
    "<kind>_status": {year: status}}`` — all values; the chapter
    :mod:`sozialraum.report.kapitel.trends` shows only what a level may show.
    """
    from sozialraum.join import rollup_hierarchy

    years = sorted(state.rates)
    if len(years) < 2:
        return None
    gcol = _config_value(state, "gebiete", "gemeinde_spalte", "ags")
    out: dict = {
        "years": years,
        **{k: {} for k in _TREND_KINDS},
        **{f"{k}_status": {} for k in _TREND_KINDS},
    }
    for y in years:
        r = state.rates[y]
        out["areas"][y] = r.rates
        out["areas_status"][y] = r.status
        if y == state.year and state.rollup:
            roll = state.rollup
        else:
            frame = pd.DataFrame(state.areas[[gcol]]).join(
                state.counts[y][[c for c in state.counts[y].columns if c != gcol]]
            )
            roll = rollup_hierarchy(
                frame,
                {"gemeinde": gcol, "kreis": None},
                status=state.status.get(y),
                catalogue=state.catalogue.indicators,
                lang=state.lang,
            )
        for kind, lvl in (("gemeinden", "gemeinde"), ("kreis", "kreis")):
            if lvl in roll:
                out[kind][y] = roll[lvl].frame
                out[f"{kind}_status"][y] = roll[lvl].status
    return out


def _planning_cycle(state) -> dict:
    """Recommendations, measures (register, effects, progress) and the Förderkulisse."""
    out: dict = {}
    pl = getattr(state, "planung", None) or {}
    if pl.get("empfehlungen") is not None:
        out["empfehlungen"] = pl["empfehlungen"]
    a = getattr(state, "atlas", None) or {}
    if a.get("register") is not None and len(a["register"]):
        out["massnahmen"] = {
            "register": a["register"],
            "effects": a.get("effects") or {},
            "progress": a.get("progress") or {},
            "ohne_wirkung": a.get("ohne_wirkung") or {},
        }
    if pl.get("prioritaet") is not None:
        out["prioritaet"] = pl["prioritaet"]
    return out
