"""The projection as every product shows it: one set of numbers per area, municipality, district.

The Excel workbook, the GeoPackage, the Sozialbericht, the Steckbriefe, the web map and
the release packages all take their projected values from :class:`ProjectionFigures`,
so that one area's projected population is the same number everywhere.

Columns (``<end>`` = the last projected year, ``<s>`` = a scenario other than the main
one):

=============================  ===========================================================
``prog_ew_<end>``              projected population, main scenario (persons)
``prog_ew_<end>_<s>``          projected population in scenario ``s`` (the uncertainty band)
``prog_veraenderung_<end>``    change base year → ``<end>`` in % (main scenario)
``prog_anteil_65plus_<end>``   share aged 65 and over in ``<end>`` (%)
``prog_anteil_80plus_<end>``   share aged 80 and over in ``<end>`` (%)
=============================  ===========================================================

Municipalities and the district get the same columns from the *sums* of their areas'
projected counts (shares and changes recomputed from the sums, never averaged).

Privacy
-------
Projected values are model estimates (rounded to whole persons), not observed counts.
They are still handled like counts: a projected count of 1 to ``threshold`` persons
(the release policy's largest suppressed count) is never published — the cell gets the
status ``geheim_primaer`` (withheld outside ``intern``, marked in ``intern``), and so
does a share whose projected group count is that small. Only population totals and
shares are carried; projected counts of small groups (e.g. 80+) never leave the
internal workbook.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from sozialraum.core.status import PRIMARY

__all__ = ["PREFIX", "ProjectionFigures", "projection_figures", "column_names"]

#: Prefix of every projection column of the area, municipality and district frames.
PREFIX = "prog_"

_LABELS = {
    "ew": {
        "de": "Einwohner {end} (Vorausberechnung, {s})",
        "en": "Population {end} (projection, {s})",
    },
    "veraenderung": {
        "de": "Veränderung der Einwohnerzahl {base}–{end} (Vorausberechnung, %)",
        "en": "Population change {base}–{end} (projection, %)",
    },
    "anteil_65plus": {
        "de": "Anteil 65 Jahre und älter {end} (Vorausberechnung, %)",
        "en": "Share aged 65 and over {end} (projection, %)",
    },
    "anteil_80plus": {
        "de": "Anteil 80 Jahre und älter {end} (Vorausberechnung, %)",
        "en": "Share aged 80 and over {end} (projection, %)",
    },
}
_GROUPS = {"anteil_65plus": 65, "anteil_80plus": 80}


def column_names(end_year: int, scenarios, main: str) -> dict[str, str]:
    """Role → column name (roles ``ew``, ``ew:<scenario>``, ``veraenderung``, ``anteil_*``)."""
    out = {"ew": f"{PREFIX}ew_{end_year}"}
    for s in scenarios:
        if s != main:
            out[f"ew:{s}"] = f"{PREFIX}ew_{end_year}_{s}"
    out["veraenderung"] = f"{PREFIX}veraenderung_{end_year}"
    for g in _GROUPS:
        out[g] = f"{PREFIX}{g}_{end_year}"
    return out


@dataclass(frozen=True)
class ProjectionFigures:
    """The projection's published numbers (see the module docstring).

    Attributes
    ----------
    base_year, end_year
        Observed base year and last projected year.
    main
        The main scenario.
    scenarios
        Scenario names in the projection's order.
    scenario_labels
        Scenario → ``{"de": …, "en": …}``.
    columns
        Role → column name (:func:`column_names`).
    counts
        Per area (index = key): ``base`` (population in the base year), ``end:<s>`` per
        scenario, ``n65``, ``n80`` (main scenario, end year) — the sums behind every figure.
    series
        Population per scenario, area and year (index ``(szenario, key)``, columns = years).
    threshold
        Largest projected count that is withheld (the release policy's threshold).
    """

    base_year: int
    end_year: int
    main: str
    scenarios: tuple[str, ...]
    scenario_labels: Mapping[str, Mapping[str, str]]
    columns: Mapping[str, str]
    counts: pd.DataFrame = field(repr=False)
    series: pd.DataFrame = field(repr=False)
    threshold: int = 2

    # ------------------------------------------------------------------ frames
    def areas(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        """Projection columns and their status per area (index = area key)."""
        return self._figures(self.counts)

    def join_areas(self, frame: pd.DataFrame, status: pd.DataFrame | None):
        """``frame`` and ``status`` (index = area key) with the projection columns added."""
        values, codes = self.areas()
        idx = frame.index.astype(str)
        frame = frame.copy()
        for col in values.columns:
            frame[col] = values[col].reindex(idx).to_numpy()
        if status is not None:
            status = status.copy()
            for col in codes.columns:
                status[col] = pd.array(codes[col].reindex(idx).to_numpy(), dtype="string")
        return frame, status

    def units(self, members: pd.Series) -> tuple[pd.DataFrame, pd.DataFrame]:
        """The same columns for upper units: ``members`` maps area key → unit key."""
        m = members.astype(str)
        m.index = m.index.astype(str)
        sums = self.counts.groupby(m.reindex(self.counts.index)).sum()
        return self._figures(sums)

    def total(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        """The district (one row, index = ``"gesamt"``)."""
        s = self.counts.sum().to_frame("gesamt").T
        return self._figures(s)

    def _figures(self, c: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
        cols = self.columns
        out = pd.DataFrame(index=c.index)
        st = pd.DataFrame(index=c.index)
        small = lambda x: (x > 0) & (x <= self.threshold)  # noqa: E731
        end_main = c[f"end:{self.main}"]
        out[cols["ew"]] = end_main.astype(float)
        st[cols["ew"]] = _codes(small(end_main))
        for s in self.scenarios:
            if s != self.main:
                col = cols[f"ew:{s}"]
                out[col] = c[f"end:{s}"].astype(float)
                st[col] = _codes(small(c[f"end:{s}"]))
        with np.errstate(divide="ignore", invalid="ignore"):
            chg = np.where(c["base"] > 0, (end_main / c["base"] - 1.0) * 100.0, np.nan)
            out[cols["veraenderung"]] = chg
            st[cols["veraenderung"]] = _codes(small(end_main) | small(c["base"]))
            for g in _GROUPS:
                n = c[f"n{_GROUPS[g]}"]
                out[cols[g]] = np.where(end_main > 0, n / end_main * 100.0, np.nan)
                st[cols[g]] = _codes(small(n) | small(end_main))
        return out, st

    # ------------------------------------------------------------------ words
    def labels(self, lang: str = "de") -> dict[str, str]:
        """Column → header in ``lang`` (the one table for Excel, report, map and packages)."""
        L = "en" if str(lang).startswith("en") else "de"
        out = {}
        for role, col in self.columns.items():
            kind, _, scen = role.partition(":")
            s = self.scenario_labels[scen or self.main][L]
            out[col] = _LABELS[kind][L].format(end=self.end_year, base=self.base_year, s=s)
        return out

    def units_of(self) -> dict[str, str]:
        """Column → unit (``Personen`` or ``%``)."""
        return {c: ("Personen" if r.startswith("ew") else "%") for r, c in self.columns.items()}

    def unit_series(self, keys) -> pd.DataFrame:
        """Population of the areas ``keys`` summed: index = scenario, columns = years."""
        keys = [str(k) for k in ([keys] if isinstance(keys, str) else keys)]
        sub = self.series[self.series.index.get_level_values("key").isin(keys)]
        return sub.groupby(level="szenario", sort=False).sum().reindex(list(self.scenarios))


def _codes(mask: pd.Series) -> pd.Series:
    return pd.Series(np.where(mask.to_numpy(), PRIMARY, None), index=mask.index, dtype="string")


def projection_figures(result, *, main: str = "mittel", threshold: int = 2) -> ProjectionFigures:
    """The published numbers of a :class:`~sozialraum.demography.projection.ProjectionResult`.

    Counts come from ``result.values`` (rounded to whole persons when the projection
    was rounded, so that areas add up to the municipalities and the district).
    """
    vals = result.values  # (scen, years, areas, 101, 2)
    scen = list(result.scenarios)
    j = scen.index(main)
    keys = [str(k) for k in result.keys]
    c = pd.DataFrame(index=pd.Index(keys, name="key"))
    c["base"] = vals[j, 0].sum(axis=(1, 2))
    for i, s in enumerate(scen):
        c[f"end:{s}"] = vals[i, -1].sum(axis=(1, 2))
    for lo in _GROUPS.values():
        c[f"n{lo}"] = vals[j, -1, :, lo:, :].sum(axis=(1, 2))
    tot = vals.sum(axis=(3, 4))  # (scen, years, areas)
    series = pd.concat(
        {
            s: pd.DataFrame(tot[i].T, index=pd.Index(keys, name="key"), columns=list(result.years))
            for i, s in enumerate(scen)
        },
        names=["szenario"],
    )
    sc = {s.name: s for s in result.params.scenarios}
    labels = {s: {"de": sc[s].label("de"), "en": sc[s].label("en")} for s in scen}
    return ProjectionFigures(
        base_year=int(result.years[0]),
        end_year=int(result.years[-1]),
        main=main,
        scenarios=tuple(scen),
        scenario_labels=labels,
        columns=column_names(int(result.years[-1]), scen, main),
        counts=c,
        series=series,
        threshold=int(threshold),
    )
