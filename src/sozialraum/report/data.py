"""The input of the report room: :class:`ReportData`, filled by the pipeline.

Everything a Steckbrief or the Sozialbericht shows comes from one
:class:`ReportData`; the report room computes nothing statistical itself beyond
district averages, ranks, changes and class counts (documented in
``docs/report.md``).
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from sozialraum._i18n import t
from sozialraum.errors import InputError

__all__ = ["LEVELS", "SECRET_CODES", "ReportData", "report_data_from_state"]

LEVELS = ("oeffentlich", "kommunal", "intern")

#: Status codes whose value must never be printed outside the internal level
#: (even if a number is present by mistake).
SECRET_CODES = frozenset(
    {"geheim", "geheim_primaer", "geheim_sekundaer", "gesperrt", "unterdrueckt"}
)

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
        ``<col>_lisa_cat``; ``gi_cat`` …). For public output the pipeline passes an
        already filtered frame (suppressed cells NaN).
    catalogue
        :class:`sozialraum.io.Catalogue` (labels, units, direction, dimension).
    status
        Status codes per cell (same index; columns as in ``areas``; pandas
        ``string``, ``<NA>`` = fine): ``geheim``, ``geheim_primaer``,
        ``geheim_sekundaer``, ``nichts_vorhanden``, ``nenner_klein`` … A value
        is never printed where the code is secret (see :data:`SECRET_CODES`)
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
        and secret cells read "geheim".
    name_col, gemeinde_col, gemeinde_name_col, population_col
        Column names (default ``name``/``sr_name``, ``ags``, ``gemeinde``, ``ew_ges``).
    indicators
        Indicator ids shown (default: all catalogue indicators present in ``areas``).
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

    def __post_init__(self) -> None:
        if self.level not in LEVELS:
            raise InputError(t(_MSG, "level", None, level=self.level))
        if self.areas is None or len(self.areas) == 0:
            raise InputError(t(_MSG, "no_areas", None))
        idx = self.areas.index
        if idx.has_duplicates:
            from sozialraum.errors import format_ids

            dups = sorted(set(map(str, idx[idx.duplicated()])))
            raise InputError(t(_MSG, "dup", None, ids=format_ids(dups)), ids=dups)
        if self.name_col is None:
            self.name_col = next(
                (c for c in ("name", "sr_name", "gebiet") if c in self.areas.columns), None
            )
        if self.date is None:
            self.date = _dt.date.today().strftime("%d.%m.%Y")

    # ----------------------------------------------------------- helpers
    @property
    def indicator_ids(self) -> list[str]:
        """The indicators shown, in catalogue order."""
        cat = self.catalogue.indicators
        if self.indicators is not None:
            return [i for i in self.indicators if i in cat.index and i in self.areas.columns]
        return [i for i in cat.index if i in self.areas.columns]

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
        vals = pd.to_numeric(self.areas[ind], errors="coerce")
        return (float(vals.mean()) if vals.notna().any() else np.nan), None


def _config_value(state, section: str, key: str, default):
    try:
        v = state.config[section][key]
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
        bb = res.get("bestand_bedarf")
        frame = getattr(bb, "frame", None)
        how = f" ({bb.method_label(short=True)})" if hasattr(bb, "method_label") else ""
        if isinstance(frame, pd.DataFrame):
            if "versorgung_je_100" in frame.columns:
                c = f"{name}: versorgung_je_100"
                cols[c] = frame["versorgung_je_100"]
                meta[c] = {
                    "label": f"{name}: Plätze je 100 der Zielgruppe{how}",
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


def report_data_from_state(state, *, level: str = "intern", **kw) -> ReportData:
    """Build a :class:`ReportData` from a pipeline ``RunState`` (duck-typed).

    Takes the report year's areas, counts, rates, monitor frame, LISA/Gi* columns
    (prefixed ``<column>_`` for every analysed column except ``idx_gesamt``, which
    keeps the plain ``lisa_*``/``gi_*`` names), roll-ups and the previous year's
    rates. No privacy filtering is done here: that is the pipeline's job.
    """
    import geopandas as gpd

    year = state.year
    prev_year = getattr(state, "previous_year", None)
    rates = state.rates[year]
    areas = state.areas.copy()
    cnt = state.counts[year]
    areas = areas.join(cnt[[c for c in cnt.columns if c not in areas.columns]])
    areas = areas.join(rates.rates[[c for c in rates.rates.columns if c not in areas.columns]])
    mon = state.monitor.frame
    areas = areas.join(mon[[c for c in mon.columns if c not in areas.columns]])
    for col, res in (getattr(state, "lisa", {}) or {}).items():
        f = res.frame
        pre = "" if col == "idx_gesamt" else f"{col}_"
        cols = [c for c in ("lisa_cat", "lisa_color", "lisa_code") if c in f.columns]
        areas = areas.join(f[cols].rename(columns={c: pre + c for c in cols}))
    for col, res in (getattr(state, "hotspots", {}) or {}).items():
        f = res.frame
        pre = "" if col == "idx_gesamt" else f"{col}_"
        cols = [c for c in ("gi_cat", "gi_color", "gi_code") if c in f.columns]
        areas = areas.join(f[cols].rename(columns={c: pre + c for c in cols}))
    areas = gpd.GeoDataFrame(areas, geometry="geometry", crs=state.areas.crs)
    status = pd.concat([state.status[year], rates.status], axis=1)
    status = status.loc[:, ~status.columns.duplicated()]
    previous = previous_status = None
    if prev_year is not None and prev_year in state.rates:
        previous = state.rates[prev_year].rates
        previous_status = state.rates[prev_year].status
    gem = state.rollup.get("gemeinde") if state.rollup else None
    kreis = state.rollup.get("kreis") if state.rollup else None
    gemeinden = None
    if gem is not None:
        gemeinden = gem.frame
        if state.gemeinden is not None:
            names = state.gemeinden.drop(columns="geometry", errors="ignore")
            gemeinden = gemeinden.join(
                names[[c for c in names.columns if c not in gemeinden.columns]]
            )
    gemeinden_previous = None
    gcol = _config_value(state, "gebiete", "gemeinde_spalte", "ags")
    if (
        prev_year is not None
        and prev_year in getattr(state, "counts", {})
        and gcol in state.areas.columns
    ):
        from sozialraum.join import rollup_hierarchy

        pc = state.counts[prev_year]
        frame = pd.DataFrame(state.areas[[gcol]]).join(pc[[c for c in pc.columns if c != gcol]])
        prev_roll = rollup_hierarchy(
            frame,
            {"gemeinde": gcol},
            status=state.status.get(prev_year),
            catalogue=state.catalogue.indicators,
            lang=getattr(state, "lang", None),
        )
        gemeinden_previous = prev_roll["gemeinde"].frame
    pcol = kw.get("population_col", "ew_ges")
    if (
        previous is not None
        and prev_year in state.counts
        and pcol in state.counts[prev_year].columns
        and pcol not in previous.columns
    ):
        previous = previous.join(state.counts[prev_year][[pcol]])  # for the population change
    lisa_params = {c: r.params for c, r in (getattr(state, "lisa", {}) or {}).items()}
    lisa_params.update(
        {f"gi:{c}": r.params for c, r in (getattr(state, "hotspots", {}) or {}).items()}
    )
    cfg = getattr(state, "config", None)
    proj = {}
    try:
        proj = cfg["projekt"]
    except Exception:  # noqa: BLE001 - config is optional here
        pass
    access, access_meta = _access_from_state(getattr(state, "access", None) or {}, areas.index)
    pop = None
    demo = getattr(state, "demography", None) or {}
    if "population" in demo:
        pop = demo["population"]
    args = dict(
        areas=areas,
        catalogue=state.catalogue,
        status=status,
        previous=previous,
        previous_status=previous_status,
        gemeinden=gemeinden,
        gemeinden_status=gem.status if gem is not None else None,
        gemeinden_previous=gemeinden_previous,
        gemeinde_col=gcol,
        kreis=kreis.frame if kreis is not None else None,
        kreis_status=kreis.status if kreis is not None else None,
        monitor_params=state.monitor.params,
        lisa_params=lisa_params,
        access=access,
        access_meta=access_meta,
        population=pop,
        title=f"Sozialbericht {proj.get('name', '')}".strip(),
        year=year,
        previous_year=prev_year,
        source=proj.get("quelle", "") or "",
        level=level,
    )
    args.update(kw)
    return ReportData(**args)
