"""Population pyramids and time-series charts (matplotlib, Agg backend) for the Steckbriefe."""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib

matplotlib.use("Agg", force=False)
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from sozialraum._i18n import t  # noqa: E402
from sozialraum.demography.groups import age_groups, group_labels  # noqa: E402
from sozialraum.demography.population import N_AGES  # noqa: E402
from sozialraum.errors import InputError  # noqa: E402

__all__ = ["population_pyramid", "population_timeseries"]

_MSG = {
    "men": {"de": "Männer", "en": "Men"},
    "women": {"de": "Frauen", "en": "Women"},
    "age": {"de": "Alter", "en": "Age"},
    "persons": {"de": "Personen", "en": "Persons"},
    "share": {"de": "Anteil in %", "en": "Share in %"},
    "year": {"de": "Jahr", "en": "Year"},
    "projection": {"de": "Projektion", "en": "Projection"},
    "pyramid_title": {
        "de": "Bevölkerung nach Alter und Geschlecht {year}",
        "en": "Population by age and sex {year}",
    },
    "ts_title": {"de": "Bevölkerungsentwicklung", "en": "Population development"},
    "district": {"de": "Kreis insgesamt", "en": "District total"},
    "no_data": {
        "de": "Keine Bevölkerungsdaten für Gebiet {key!r}, Jahr {year}.",
        "en": "no population data for area {key!r}, year {year}.",
    },
    "compare": {"de": "{year} (Umriss)", "en": "{year} (outline)"},
}


def _select(
    pop: pd.DataFrame, key: str | Sequence[str] | None, scenario: str | None
) -> pd.DataFrame:
    data = pop.population if hasattr(pop, "population") and hasattr(pop, "params") else pop
    if "szenario" in data.columns:
        data = data[data["szenario"] == (scenario or "mittel")]
    if key is not None:
        keys = [key] if isinstance(key, str) else list(key)
        data = data[data["key"].astype(str).isin(keys)]
    return data


def _profile(data: pd.DataFrame, year: int) -> np.ndarray:
    sub = data[data["year"] == year]
    arr = np.zeros((N_AGES, 2))
    s = (sub["geschlecht"].to_numpy() == "w").astype(int)
    np.add.at(arr, (sub["alter"].to_numpy(dtype=int), s), sub["anzahl"].to_numpy(dtype=float))
    return arr


def population_pyramid(
    pop,
    *,
    year: int,
    key: str | Sequence[str] | None = None,
    scenario: str | None = None,
    compare_year: int | None = None,
    share: bool = False,
    title: str | None = None,
    ax=None,
    lang: str | None = None,
) -> Figure:
    """Population pyramid (men left, women right) by single year of age.

    Parameters
    ----------
    pop
        Long population frame or ProjectionResult.
    year
        Year shown as bars.
    key
        One area, several (summed) or ``None`` for the whole district.
    scenario
        For projections (default ``"mittel"``).
    compare_year
        Another year drawn as an outline (e.g. today vs. 2035).
    share
        Percent of the total instead of persons.
    """
    data = _select(pop, key, scenario)
    prof = _profile(data, year)
    if prof.sum() <= 0:
        raise InputError(
            t(_MSG, "no_data", lang, key=key, year=year),
            ids=[key] if isinstance(key, str) else None,
        )
    scale = 100.0 / prof.sum() if share else 1.0
    if ax is None:
        fig, ax = plt.subplots(figsize=(6, 6.5))
    else:
        fig = ax.figure
    ages = np.arange(N_AGES)
    edges = np.append(ages, N_AGES) - 0.5
    # one filled outline per sex: the same bars (1 year high, touching) as 101 rectangles
    # each, drawn in a fraction of the time
    for values, color, who in ((-prof[:, 0], "#4a7ab5", "men"), (prof[:, 1], "#c8553d", "women")):
        ax.stairs(
            values * scale,
            edges,
            orientation="horizontal",
            fill=True,
            color=color,
            lw=0,
            label=t(_MSG, who, lang),
        )
    if compare_year is not None:
        cp = _profile(data, compare_year)
        cs = 100.0 / cp.sum() if (share and cp.sum() > 0) else 1.0
        ax.stairs(
            -cp[:, 0] * cs,
            edges,
            orientation="horizontal",
            color="black",
            lw=0.9,
            label=t(_MSG, "compare", lang, year=compare_year),
        )
        ax.stairs(cp[:, 1] * cs, edges, orientation="horizontal", color="black", lw=0.9)
    lim = max(np.abs(ax.get_xlim()))
    ax.set_xlim(-lim, lim)
    ticks = ax.get_xticks()
    ax.set_xticks(ticks)
    ax.set_xticklabels([f"{abs(v):g}" for v in ticks])
    ax.set_xlim(-lim, lim)
    ax.set_ylim(-0.5, N_AGES - 0.5)
    ax.set_ylabel(t(_MSG, "age", lang))
    ax.set_xlabel(t(_MSG, "share" if share else "persons", lang))
    ax.axvline(0, color="grey", lw=0.5)
    ax.text(
        0.02, 0.97, t(_MSG, "men", lang), transform=ax.transAxes, ha="left", va="top", fontsize=11
    )
    ax.text(
        0.98,
        0.97,
        t(_MSG, "women", lang),
        transform=ax.transAxes,
        ha="right",
        va="top",
        fontsize=11,
    )
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.09), ncol=3, fontsize=8, frameon=False)
    ax.set_title(title or t(_MSG, "pyramid_title", lang, year=year))
    fig.tight_layout()
    return fig


def population_timeseries(
    observed: pd.DataFrame,
    projected=None,
    *,
    key: str | Sequence[str] | None = None,
    groups: Sequence[str] | None = None,
    scenarios: Sequence[str] | None = None,
    title: str | None = None,
    ax=None,
    lang: str | None = None,
) -> Figure:
    """Time series of the population (total or age groups), the projection period shaded.

    Parameters
    ----------
    observed
        Long population frame of the past years.
    projected
        ProjectionResult or long frame with ``szenario`` (optional). The medium scenario
        is drawn dashed, the range between the other scenarios as a band.
    key
        One area, several (summed) or ``None`` for the district.
    groups
        Group ids of :data:`~sozialraum.demography.groups.DEFAULT_GROUPS` or ``"ew_ges"``
        (default ``["ew_ges"]``).
    """
    groups = list(groups or ["ew_ges"])
    labels = group_labels(lang=lang)
    labels["ew_ges"] = t({"x": {"de": "Einwohner insgesamt", "en": "Population, total"}}, "x", lang)
    if ax is None:
        fig, ax = plt.subplots(figsize=(7, 4))
    else:
        fig = ax.figure
    obs = age_groups(_select(observed, key, None))
    obs = obs.groupby(level="year").sum()
    colors = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for i, g in enumerate(groups):
        ax.plot(
            obs.index,
            obs[g],
            marker="o",
            ms=3,
            color=colors[i % len(colors)],
            label=labels.get(g, g),
        )
    if projected is not None:
        data = projected.population if hasattr(projected, "params") else projected
        if key is not None:
            keys = [key] if isinstance(key, str) else list(key)
            data = data[data["key"].astype(str).isin(keys)]
        tab = age_groups(data)
        by = (
            tab.groupby(level=["szenario", "year"]).sum()
            if "szenario" in tab.index.names
            else pd.concat({"mittel": tab.groupby(level="year").sum()}, names=["szenario"])
        )
        scen = list(scenarios or sorted(set(by.index.get_level_values("szenario"))))
        years = sorted(set(by.index.get_level_values("year")))
        ax.axvspan(
            min(years), max(years), color="0.92", zorder=0, label=t(_MSG, "projection", lang)
        )
        for i, g in enumerate(groups):
            c = colors[i % len(colors)]
            wide = by[g].unstack("szenario")
            mid = "mittel" if "mittel" in wide.columns else wide.columns[0]
            ax.plot(wide.index, wide[mid], ls="--", color=c)
            others = [s for s in scen if s in wide.columns]
            if len(others) > 1:
                ax.fill_between(
                    wide.index,
                    wide[others].min(axis=1),
                    wide[others].max(axis=1),
                    color=c,
                    alpha=0.15,
                )
    ax.set_xlabel(t(_MSG, "year", lang))
    ax.set_ylabel(t(_MSG, "persons", lang))
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.legend(fontsize=8, frameon=False)
    ax.set_title(title or t(_MSG, "ts_title", lang))
    return fig
