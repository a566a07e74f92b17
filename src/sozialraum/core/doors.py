"""The door a user came through, and each setting's name in that door's words.

A planner meets sozialraum through one of four doors: Python (``api``), the
command line (``cli``), the yearly run's ``monitor.toml`` (``config``) or the
QGIS Processing toolbox (``qgis``). A message that tells the user what to change
must name the setting as *that* door spells it: ``key=`` for Python,
``--table-key`` on the command line, ``schluessel`` under ``[[tabellen]]`` in
the configuration, the field "Schlüsselspalte der Tabelle" in QGIS.

The door is a context variable (no global state): each door sets it once around
its work with :func:`using_door`; code deep in the library asks
:func:`knob` for the name of a setting and gets the words of the current door.

Example
-------
>>> from sozialraum.core.doors import knob, using_door
>>> knob("table_key")
'key='
>>> with using_door("cli"):
...     knob("table_key")
'--table-key'
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar

from sozialraum._i18n import get_lang

DOORS = ("api", "cli", "config", "qgis")

_DOOR: ContextVar[str] = ContextVar("sozialraum_door", default="api")

# Each setting: door -> text (one text for both languages) or {"de": ..., "en": ...}.
# A door that lacks the setting is left out; knob() then says so in words.
KNOBS: dict[str, dict[str, str | Mapping[str, str]]] = {
    "certainty_replicates": {
        "api": "replicates=",
        "cli": "--replikate",
        "config": "replikate (in [monitor])",
        "qgis": {"de": "Feld „Bootstrap-Replikate“", "en": "field 'Bootstrap replicates'"},
    },
    "table_key": {
        "api": "key=",
        "cli": "--table-key",
        "config": "schluessel (in [[tabellen]])",
        "qgis": {"de": "Feld „Schlüsselspalte der Tabelle“", "en": "field 'Table key column'"},
    },
    "area_key": {
        "api": "key=",
        "cli": "--key",
        "config": "schluessel (in [gebiete])",
        "qgis": {"de": "Feld „Schlüsselspalte der Gebiete“", "en": "field 'Area key column'"},
    },
    "area_name": {
        "api": "name=",
        "cli": "--name",
        "config": "name (in [gebiete])",
        "qgis": {"de": "Feld „Namensspalte der Gebiete“", "en": "field 'Area name column'"},
    },
    "parent_column": {
        "api": "levels= (rollup_hierarchy)",
        "config": "gemeinde_spalte (in [gebiete])",
        "qgis": {"de": "Feld „Gemeindeschlüssel“", "en": "field 'Municipality key'"},
    },
    "report_year": {
        "api": "year=",
        "cli": "--jahr",
        "config": "berichtsjahr (in [projekt])",
        "qgis": {"de": "Feld „Berichtsjahr“", "en": "field 'Report year'"},
    },
    "facility_category": {
        "api": "category=",
        "cli": "--kategorie",
        "config": "kategorie (in [[erreichbarkeit]])",
        "qgis": {"de": "Feld „Kategorie“", "en": "field 'Category'"},
    },
    "capacity_column": {
        "api": "supply_col=",
        "cli": "--kapazitaet",
        "config": "kapazitaet_spalte (in [einrichtungen])",
        "qgis": {"de": "Feld „Kapazität“", "en": "field 'Capacity'"},
    },
    "sheet": {
        "api": "sheet=",
        "cli": "--sheet",
        "config": "blatt (in [[tabellen]])",
        "qgis": {"de": "Feld „Tabellenblatt“", "en": "field 'Sheet'"},
    },
    "header_row": {
        "api": "header_row=",
        "cli": "--header-row",
        "config": "kopfzeile (in [[tabellen]])",
        "qgis": {"de": "Feld „Kopfzeile“", "en": "field 'Header row'"},
    },
    "encoding": {
        "api": "encoding=",
        "cli": "--encoding",
        "config": "kodierung (in [[tabellen]])",
        "qgis": {"de": "Feld „Zeichenkodierung“", "en": "field 'Encoding'"},
    },
    "symbols": {
        "api": "symbols=",
        "cli": "--symbols",
        "config": "symbole (in [[tabellen]])",
        "qgis": {"de": "Feld „Zeichen für fehlende Werte“", "en": "field 'Missing-value symbols'"},
    },
    "year": {
        "api": "year=",
        "cli": "--year",
        "config": "jahre (in [[tabellen]])",
        "qgis": {"de": "Feld „Jahr“", "en": "field 'Year'"},
    },
    "catalogue": {
        "api": "columns= (read_catalogue)",
        "cli": "--katalog",
        "config": "datei (in [katalog])",
        "qgis": {"de": "Feld „Indikatorkatalog“", "en": "field 'Indicator catalogue'"},
    },
    "islands": {
        "api": "islands=",
        "cli": "--inseln",
        "config": "inseln (in [raeumlich])",
        "qgis": {"de": "Feld „Gebiete ohne Nachbarn“", "en": "field 'Areas without neighbours'"},
    },
    "layer": {
        "api": "layer=",
        "cli": "--layer",
        "config": "ebene (in [gebiete])",
        "qgis": {"de": "Feld „Gebiete“ (Layer)", "en": "field 'Areas' (layer)"},
    },
    "init_areas": {"api": "areas_path (propose_config)", "cli": "--gebiete"},
    "init_tables": {"api": "tables (propose_config)", "cli": "--tabelle"},
    "init_force": {"api": "force=True (write_proposal)", "cli": "--force"},
    "territory_levels": {
        "api": "words= (Territory.from_words)",
        "config": "stufen (in [gliederung])",
        "qgis": {"de": "Feld „Gliederung“", "en": "field 'Hierarchy levels'"},
    },
    "territory_plurals": {
        "api": "plurals= (Territory.from_words)",
        "config": "mehrzahl (in [gliederung])",
    },
    "territory_articles": {
        "api": "articles= (Territory.from_words)",
        "config": "artikel (in [gliederung])",
    },
    "skip_outputs": {
        "api": "skip=",
        "cli": "--ohne",
        "config": "[ausgaben]",
    },
    "only_outputs": {
        "api": "only=",
        "cli": "--nur",
        "config": "[ausgaben]",
    },
    "demography_horizon": {
        "api": "horizon= (project)",
        "config": "horizont (in [demografie])",
        "cli": "--horizont",
        "qgis": {
            "de": "Feld „Jahre der Vorausberechnung“",
            "en": "field 'Years of the projection'",
        },
    },
    "demography_control": {
        "api": "control= (project)",
        "config": "eckwerte (in [demografie])",
        "cli": "--eckwerte",
        "qgis": {
            "de": "Feld „Eckwerte der Landesvorausberechnung (CSV/XLSX, optional)“",
            "en": "field 'Control totals of the state projection (CSV/XLSX, optional)'",
        },
    },
    "demography_scenarios": {
        "api": "scenarios= (project)",
        "config": "szenarien (in [demografie])",
        "cli": "--szenarien",
        "qgis": {"de": "Feld „Szenarien“", "en": "field 'Scenarios'"},
    },
    "demography_scenario_shift": {
        "api": "Scenario(shift=)",
        "config": "szenario_wanderung (in [demografie])",
        "cli": "--szenario-wanderung",
        "qgis": {
            "de": "Feld „Wanderungsannahme je Szenario (‰ je Jahr)“",
            "en": "field 'Migration assumption per scenario (‰ per year)'",
        },
    },
    "demography_main_scenario": {
        "api": "main= (projection_figures)",
        "config": "hauptszenario (in [demografie])",
        "cli": "--hauptszenario",
        "qgis": {"de": "Feld „Hauptszenario“", "en": "field 'Main scenario'"},
    },
    "demography_rates": {
        "api": "life_table=, fertility= (project)",
        "config": "raten (in [demografie])",
        "cli": "--raten",
        "qgis": {
            "de": "Feld „Raten: Sterbetafel und Geburtenziffern (CSV/XLSX, optional)“",
            "en": "field 'Rates: life table and fertility (CSV/XLSX, optional)'",
        },
    },
    "demography_files": {
        "api": "population= (ForecastParams)",
        "cli": "--bevoelkerung",
        "config": "dateien (in [demografie])",
        "qgis": {
            "de": "Feld „Bevölkerung nach Alter (Dateimuster)“",
            "en": "field 'Population by age (file pattern)'",
        },
    },
    "demography_rates_until": {
        "api": "rates_until= (DemographySettings)",
        "config": "raten_gueltig_bis (in [demografie])",
        "cli": "--raten-gueltig-bis",
        "qgis": {
            "de": "Feld „Raten gültig bis (Jahr, optional)“",
            "en": "field 'Rates valid until (year, optional)'",
        },
    },
    "kita_rate": {
        "api": "KitaGroup('{g}').rate",
        "cli": "--quoten ({g}=…)",
        "config": "quote_{g} (in [kita])",
        "qgis": {
            "de": "Feld „Bedarfsquoten in %“ ({g}=…)",
            "en": "field 'Demand rates in %' ({g}=…)",
        },
    },
    "kita_ages": {
        "api": "KitaGroup('{g}').lo/.hi",
        "cli": "--alter ({g}=…)",
        "config": "alter_{g} (in [kita])",
        "qgis": {"de": "Feld „Altersgruppen“ ({g}=…)", "en": "field 'Age groups' ({g}=…)"},
    },
    "kita_places": {
        "api": "columns= (kita_places)",
        "cli": "--spalten ({g}=…)",
        "config": "spalte_{g} (in [kita])",
        "qgis": {
            "de": "Feld „Spalten der Plätze je Art“ ({g}=…)",
            "en": "field 'Columns of the places per type' ({g}=…)",
        },
    },
    "kita_years": {
        "api": "KitaParams(years=)",
        "cli": "--jahre",
        "config": "jahre (in [kita])",
        "qgis": {"de": "Feld „Zieljahre“", "en": "field 'Target years'"},
    },
    "kita_changes": {
        "api": "kita_changes(records)",
        "cli": "--neu / --erweitern / --schliessen",
        "config": "was_waere_wenn (in [kita])",
        "qgis": {
            "de": "Felder „Neue Kitas (Punkte, optional)“ / „Kitas erweitern (id=KITA012; kindergarten=20 | id=…)“ / „Kitas schließen“",
            "en": "fields 'New Kitas (points, optional)' / 'Extend Kitas (id=KITA012; kindergarten=20 | id=…)' / 'Close Kitas'",
        },
    },
    "kita_id": {
        "api": "id_col= (kita_facilities)",
        "cli": "--id-spalte",
        "config": "id_spalte (in [kita])",
        "qgis": {"de": "Feld „Schlüssel der Kita“", "en": "field 'Kita key'"},
    },
    "kita_category": {
        "api": "category= (kita_facilities)",
        "cli": "--kategorie",
        "config": "kategorie (in [kita])",
        "qgis": {"de": "Feld „Kategorie der Kitas“", "en": "field 'Kita category'"},
    },
    "school_years": {"api": "years= (school_entry)", "config": "jahre (in [schulen])"},
    "access_target": {
        "api": "SupplyNeedParams(target_per_100=)",
        "config": "bedarf_je_100 (in [[erreichbarkeit]])",
    },
    "access_what_if": {"api": "what_if(add=)", "config": "was_waere_wenn (in [[erreichbarkeit]])"},
    "access_catchment": {
        "api": "method=, max_cost= (measure)",
        "config": "methode, radius_m (in [[erreichbarkeit]])",
    },
    "kita_catchment": {
        "api": "KitaParams(supply=SupplyNeedParams(method=, max_cost=))",
        "config": "methode, radius_m (in [kita])",
    },
    "care_prevalence": {
        "api": "prevalence= (care_prevalence)",
        "cli": "--praevalenz",
        "config": "praevalenz (in [pflege])",
        "qgis": {"de": "Feld „Pflegeprävalenz (CSV)“", "en": "field 'Care prevalence (CSV)'"},
    },
    "care_offer_type": {
        "api": "type_col= (care_offers)",
        "cli": "--art-spalte",
        "config": "art_spalte (in [pflege])",
        "qgis": {"de": "Feld „Spalte mit der Angebotsart“", "en": "field 'Offer type column'"},
    },
    "care_years": {
        "api": "years= (care_need)",
        "cli": "--jahre",
        "config": "jahre (in [pflege])",
        "qgis": {"de": "Feld „Zieljahre“", "en": "field 'Target years'"},
    },
    "report_templates": {
        "api": "template_dir=",
        "config": "vorlagen (in [bericht])",
    },
    "report_chapters": {
        "api": 'settings["kapitel"]',
        "config": "kapitel (in [bericht])",
    },
    "priority_classes": {
        "api": "status_classes= (PriorityRules)",
        "cli": "--statusklassen",
        "config": "statusklassen (in [prioritaet])",
        "qgis": {"de": "Feld „Statusklassen“", "en": "field 'Status classes'"},
    },
    "priority_deficit": {
        "api": "deficit_column= (PriorityRules)",
        "cli": "--defizit",
        "config": "defizit (in [prioritaet])",
        "qgis": {"de": "Feld „Defizitspalte“", "en": "field 'Deficit column'"},
    },
    "priority_population": {
        "api": "population_column= (PriorityRules)",
        "cli": "--bevoelkerung",
        "config": "bevoelkerung (in [prioritaet])",
        "qgis": {"de": "Feld „Einwohnerspalte“", "en": "field 'Population column'"},
    },
    "priority_class_column": {
        "api": "class_column= (PriorityRules)",
        "cli": "--klassenspalte",
        "config": "[monitor] (die Statusklassen entstehen im Sozialraummonitor)",
        "qgis": {"de": "Feld „Spalte der Statusklassen“", "en": "field 'Status class column'"},
    },
    "recommendations_file": {
        "api": "read_recommendations(path, …)",
        "cli": "sozialraum empfehlungen einlesen DATEI",
        "config": "empfehlungen (in [planung])",
    },
    "region_member": {
        "api": "member_col=",
        "cli": "--schluessel",
        "config": "schluessel (in [[regionen]])",
        "qgis": {"de": "Feld „Schlüssel der Mitglieder“", "en": "field 'Member key'"},
    },
    "region_key": {
        "api": "region_col=",
        "cli": "--region",
        "config": "region (in [[regionen]])",
        "qgis": {"de": "Feld „Regionsfeld“", "en": "field 'Region field'"},
    },
    "region_name": {"api": "name_col=", "config": "region_name (in [[regionen]])"},
    "region_stage": {"api": "stage=", "config": "stufe (in [[regionen]])"},
    "hze_columns": {"api": "columns= (HzeColumns)", "config": "…_spalte (in [hze])"},
    "hze_population": {"api": "population_u21=", "config": "unter21 (in [hze])"},
    "offer_place": {
        "api": "location=",
        "cli": "--ort",
        "qgis": {"de": "Feld „Wohnort“", "en": "field 'Place'"},
    },
    "offer_household": {
        "api": "household=",
        "cli": "--haushalt",
        "qgis": {"de": "Feld „Haushalt“", "en": "field 'Household'"},
    },
}

_MISSING = {
    "de": "(in diesem Zugang nicht einstellbar: {name})",
    "en": "(not available in this door: {name})",
}


def current_door() -> str:
    """Return the door of the current call: ``"api"``, ``"cli"``, ``"config"`` or ``"qgis"``."""
    return _DOOR.get()


@contextmanager
def using_door(door: str) -> Iterator[None]:
    """Run a block as coming through ``door`` (messages then name its settings).

    Parameters
    ----------
    door
        One of :data:`DOORS`.
    """
    if door not in DOORS:
        raise ValueError(f"unknown door {door!r}; one of {', '.join(DOORS)}")
    token = _DOOR.set(door)
    try:
        yield
    finally:
        _DOOR.reset(token)


def knob(name: str, lang: str | None = None, door: str | None = None) -> str:
    """Name of setting ``name`` in the words of ``door`` (default: the current door).

    Parameters
    ----------
    name
        A key of :data:`KNOBS`, e.g. ``"table_key"``.
    lang
        ``"de"`` or ``"en"`` (QGIS field labels are translated).
    door
        Override of the current door.

    Returns
    -------
    str
        E.g. ``"--table-key"`` on the command line, ``"key="`` in Python.
    """
    lang = get_lang(lang)
    entry = KNOBS[name].get(door or current_door())
    if entry is None:
        entry = KNOBS[name]["api"]
        return _MISSING[lang].format(name=entry if isinstance(entry, str) else entry[lang])
    return entry if isinstance(entry, str) else entry[lang]
