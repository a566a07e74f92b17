"""The population projection of a district's areas: one entry point for every door.

:func:`forecast` takes the population by single year of age (and sex) per area and
the district's projection settings (:class:`~sozialraum.demography.settings.DemographySettings`:
rates, scenarios, control totals of the Land's projection, horizon), checks them,
projects every area and returns one frozen :class:`Forecast` with everything the
products show: age groups, dependency ratios, median age, the projection, its
published figures (``prog_*`` columns, :mod:`.products`), the map layer of the end
year and the sheets of ``demografie.xlsx`` (German headers, real area keys).

The yearly run (``[demografie]`` in ``monitor.toml``), ``sozialraum demografie`` and
the QGIS tool "Bevölkerungsvorausberechnung" all call :func:`forecast`, so that one
area's projected population is the same number in every door.

Example
-------
>>> from sozialraum.demography import read_population
>>> from sozialraum.demography.forecast import ForecastParams, forecast
>>> from sozialraum.demography.settings import DemographySettings
>>> pop = read_population("examples/musterland/bevoelkerung_alter_*.csv")  # doctest: +SKIP
>>> fc = forecast(ForecastParams(pop, DemographySettings(horizon=11)))  # doctest: +SKIP
>>> fc.area_layer()["prog_ew_2035"].sum()  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from sozialraum._i18n import t
from sozialraum.core.doors import knob
from sozialraum.demography.settings import DemographySettings
from sozialraum.errors import InputError, format_ids

__all__ = [
    "ForecastParams",
    "Forecast",
    "forecast",
    "check_population_keys",
    "RATIO_LABELS",
    "keyed_sheet",
]

_MSG = {
    "unknown": {
        "de": "{k}: Schlüssel ohne Gebiet: {ids}. Bitte die Schlüssel der Bevölkerungstabellen "
        "mit den Gebieten abgleichen (gleiche Schlüsselspalte, gleiche Schreibweise).",
        "en": "{k}: keys without an area: {ids}. Match the keys of the population tables "
        "with the areas (same key column, same spelling).",
    },
}

#: German headers of the dependency ratios and age figures.
RATIO_LABELS = {
    "jugendquotient": "Jugendquotient",
    "altenquotient": "Altenquotient",
    "gesamtquotient": "Gesamtquotient",
    "medianalter": "Medianalter (Jahre)",
    "durchschnittsalter": "Durchschnittsalter (Jahre)",
}


@dataclass(frozen=True)
class ForecastParams:
    """What :func:`forecast` needs.

    Attributes
    ----------
    population
        Long population frame (``key, year, alter, geschlecht, anzahl``) of one or
        more consecutive years (:func:`~sozialraum.demography.population.read_population`).
    settings
        Rates, scenarios, control totals and horizon.
    area_keys
        Keys of the areas; population keys outside them are refused (``None``: not checked).
    threshold
        Largest projected count that is withheld in published products (the release
        policy's ``mindestfallzahl − 1``).
    """

    population: pd.DataFrame = field(repr=False)
    settings: DemographySettings = DemographySettings()
    area_keys: tuple[str, ...] | None = None
    threshold: int = 2


@dataclass(frozen=True)
class Forecast:
    """The projection of a district's areas and everything the products show of it.

    Attributes
    ----------
    settings
        The settings it was computed with.
    population
        The observed population (long frame).
    projection
        :class:`~sozialraum.demography.projection.ProjectionResult`.
    figures
        :class:`~sozialraum.demography.products.ProjectionFigures` (``prog_*`` columns).
    groups, ratios, median
        Age groups, dependency ratios and median age of the observed years.
    layer
        Projected age groups of the end year per area (index = key).
    end_year
        Last projected year.
    """

    settings: DemographySettings
    population: pd.DataFrame = field(repr=False)
    projection: object = field(repr=False)
    figures: object = field(repr=False)
    groups: pd.DataFrame = field(repr=False)
    ratios: pd.DataFrame = field(repr=False)
    median: pd.Series = field(repr=False)
    layer: pd.DataFrame = field(repr=False)
    end_year: int = 0

    def area_layer(self) -> pd.DataFrame:
        """Per area (index = key as text): the ``prog_*`` columns and the end year's age groups.

        The GeoPackage layer ``vorausberechnung_<end>`` of every door.
        """
        values, _codes = self.figures.areas()
        values = values.set_axis(values.index.astype(str))
        return values.join(self.layer, how="outer")

    def labels(self, lang: str = "de") -> dict[str, str]:
        """Column → header of every column of the workbook and the layer."""
        from sozialraum.demography import group_labels

        labels = dict(group_labels(lang="de"))
        labels.update({"year": "Jahr", "szenario": "Szenario"})
        labels.update(RATIO_LABELS)
        for grp, lab in group_labels(lang="de").items():
            labels.setdefault(f"{grp}_anteil", f"{lab}: Anteil (%)")
            labels.setdefault(f"{grp}_veraenderung_proz", f"{lab}: Veränderung (%)")
        labels.setdefault("ew_ges_veraenderung_proz", "Einwohner insgesamt: Veränderung (%)")
        labels.update(self.figures.labels(lang))
        return labels

    def workbook(
        self,
        *,
        names: pd.Series | None = None,
        key_word: str | None = None,
        name_word: str | None = None,
        labels: Mapping[str, str] | None = None,
    ) -> tuple[dict[str, pd.DataFrame], dict[str, str]]:
        """The sheets of ``demografie.xlsx`` and their German headers.

        Every sheet is indexed by the real area key (headed ``key_word``); areas with
        a name in ``names`` (key → name) carry it in a column headed ``name_word``
        (default: the words of the bottom level of
        :meth:`~sozialraum.core.territory.Territory.default`, e.g. "Sozialraumschlüssel").
        ``labels`` adds headers (e.g. a catalogue's); the projection's own win.
        """
        from sozialraum.core.territory import Territory

        bottom = Territory.default().bottom
        key_word = key_word or bottom.compound("schlüssel", "de")
        name_word = name_word or bottom.title("de")
        lab = dict(labels or {})
        lab.update(self.labels("de"))
        lab.setdefault("ew_ges", "Einwohner insgesamt")  # a catalogue's own label stays
        lab.update({"key": key_word, "name": name_word})
        end = self.end_year
        sheets = {
            "Altersgruppen": keyed_sheet(self.groups, names),
            "Kennzahlen": keyed_sheet(self.ratios, names),
            f"Altersgruppen {end}": keyed_sheet(pd.DataFrame(self.layer), names),
        }
        values, _codes = self.figures.areas()
        sheets[f"Vorausberechnung {end}"] = keyed_sheet(values, names)
        series = self.figures.series.reset_index()
        series["szenario"] = series["szenario"].map(
            {s: self.figures.scenario_labels[s]["de"] for s in self.figures.scenarios}
        )
        sheets["Einwohner je Szenario"] = keyed_sheet(series.set_index("key"), names)
        return sheets, {k: v for k, v in lab.items() if isinstance(k, str)}

    def write_workbook(self, path: str | Path, *, title: str = "Demografie", **kw) -> Path:
        """Write :meth:`workbook` to ``path`` (``.xlsx``); ``kw`` as for :meth:`workbook`."""
        from sozialraum.io import write_excel

        sheets, labels = self.workbook(**kw)
        write_excel(sheets, Path(path), labels=labels, title=title)
        return Path(path)


def keyed_sheet(frame: pd.DataFrame, names: pd.Series | None = None) -> pd.DataFrame:
    """``frame`` indexed by the area key as text, with the area name next to it when known."""
    out = frame.reset_index(drop=not frame.index.name and "key" not in frame.index.names)
    if "key" in out.columns:
        out["key"] = out["key"].astype(str)
        if names is not None:
            out.insert(1, "name", out["key"].map(names.rename(index=str)).to_numpy())
        out = out.set_index("key")
    return out


def check_population_keys(pop: pd.DataFrame, area_keys, *, lang: str | None = None) -> None:
    """Refuse population keys without an area (:class:`~sozialraum.errors.InputError`).

    The message names the population setting in the words of the current door.
    """
    unknown = sorted(set(pop["key"].astype(str)) - {str(k) for k in area_keys})
    if unknown:
        raise InputError(
            t(_MSG, "unknown", lang, k=knob("demography_files", lang), ids=format_ids(unknown)),
            ids=unknown,
            file=pop.attrs.get("source"),
        )


def forecast(params: ForecastParams, *, lang: str | None = None) -> Forecast:
    """Check the inputs, project every area and collect the products' numbers.

    Raises
    ------
    InputError
        Population keys without an area (naming the population setting of the door).
    ConfigError
        Settings that do not fit (rates valid too short, control totals missing years
        or with unknown scenarios, …), naming the setting in the door's words.
    """
    from sozialraum.demography import (
        age_groups,
        dependency_ratios,
        median_age,
        project,
        projection_layer,
    )
    from sozialraum.demography.products import projection_figures
    from sozialraum.demography.settings import projection_arguments

    pop = params.population
    if params.area_keys is not None:
        check_population_keys(pop, params.area_keys, lang=lang)
    start = int(pop["year"].max())
    settings = params.settings
    args = projection_arguments(settings, start, lang=lang)
    res = project(pop, **args, lang=lang)
    end = int(res.population["year"].max())
    return Forecast(
        settings=settings,
        population=pop,
        projection=res,
        figures=projection_figures(res, main=settings.main, threshold=params.threshold),
        groups=age_groups(pop),
        ratios=dependency_ratios(pop),
        median=median_age(pop),
        layer=projection_layer(res, year=end),
        end_year=end,
    )
