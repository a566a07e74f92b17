"""The projection fields shared by "Bevölkerungsvorausberechnung" and "Kita-Planung".

Both tools run the same cohort-component projection with the settings of the
yearly run's ``[demografie]`` section. The fields, their captions and the
translation into those settings live here once (as ``sozialraum demografie`` and
``sozialraum kita`` share :mod:`sozialraum.cli.projection`), so the two tools cannot
drift apart.
"""

from __future__ import annotations

MIGRATION = ("geschaetzt", "keine")
MIGRATION_NAMES = {
    "de": ["geschätzt aus den Bevölkerungstabellen", "keine Wanderung"],
    "en": ["estimated from the population tables", "no migration"],
}

#: Captions of the projection fields (merged into each tool's ``TEXT``).
PROJECTION_TEXT = {
    "HORIZON": {"de": "Jahre der Vorausberechnung", "en": "Years of the projection"},
    "DEMO_RATES": {
        "de": "Raten: Sterbetafel und Geburtenziffern (CSV/XLSX, optional)",
        "en": "Rates: life table and fertility (CSV/XLSX, optional)",
    },
    "RATES_UNTIL": {
        "de": "Raten gültig bis (Jahr, optional)",
        "en": "Rates valid until (year, optional)",
    },
    "TFR": {
        "de": "Zusammengefasste Geburtenziffer (ersetzt die der Raten, optional)",
        "en": "Total fertility rate (replaces the rates' fertility, optional)",
    },
    "MIGRATION": {"de": "Wanderung", "en": "Migration"},
    "SCENARIOS": {"de": "Szenarien", "en": "Scenarios"},
    "SHIFTS": {
        "de": "Wanderungsannahme je Szenario (‰ je Jahr)",
        "en": "Migration assumption per scenario (‰ per year)",
    },
    "CONTROL": {
        "de": "Eckwerte der Landesvorausberechnung (CSV/XLSX, optional)",
        "en": "Control totals of the state projection (CSV/XLSX, optional)",
    },
}

#: The fields a dialog may fold under "Erweiterte Parameter".
PROJECTION_ADVANCED = ("RATES_UNTIL", "TFR", "MIGRATION", "SCENARIOS", "SHIFTS", "CONTROL")


class ProjectionFields:
    """Mixin of a :class:`~.base.SozialraumAlgorithm` with the projection fields.

    ``rates_field`` is the name of the rate-table field (``RATES`` where the tool
    has no other rates, ``DEMO_RATES`` beside the Kita tool's demand rates).
    """

    rates_field = "DEMO_RATES"

    def add_projection_fields(self, horizon_default: int | None) -> None:
        """Add the fields in the order the dialog shows them."""
        if horizon_default is None:
            self.add_number("HORIZON", None, integer=True, minimum=1, optional=True)
        else:
            self.add_number("HORIZON", horizon_default, integer=True, minimum=1)
        self.add_file(self.rates_field, "CSV (*.csv);;Excel (*.xlsx)", optional=True)
        self.add_number("RATES_UNTIL", None, integer=True, minimum=1900, optional=True)
        self.add_number("TFR", None, minimum=0, optional=True)
        self.add_enum("MIGRATION", MIGRATION_NAMES[self.lang], 0)
        self.add_string("SCENARIOS", "niedrig; mittel; hoch", optional=False)
        self.add_string("SHIFTS", "-3; 0; 3", optional=True)
        self.add_file("CONTROL", "CSV (*.csv);;Excel (*.xlsx)", optional=True)

    def projection_config(self, parameters, context) -> dict:
        """The ``[demografie]`` keys the fields set (empty fields left out).

        Read by :meth:`sozialraum.demography.settings.DemographySettings.from_config`
        (directly or through :func:`sozialraum.demography.kita.kita_projection`), as the
        yearly run reads its ``[demografie]`` section.
        """
        text = self.parameterAsString(parameters, "SCENARIOS", context) or ""
        names = [n.strip() for n in text.replace(",", ";").split(";") if n.strip()]
        d = {
            "horizont": self.opt_number(parameters, "HORIZON", context, integer=True),
            "raten": self.parameterAsFile(parameters, self.rates_field, context) or None,
            "raten_gueltig_bis": self.opt_number(parameters, "RATES_UNTIL", context, integer=True),
            "geburtenziffer": self.opt_number(parameters, "TFR", context),
            "wanderung": MIGRATION[self.parameterAsEnum(parameters, "MIGRATION", context)],
            "szenarien": names or None,
            "szenario_wanderung": self.number_list(parameters, "SHIFTS", context),
            "eckwerte": self.parameterAsFile(parameters, "CONTROL", context) or None,
        }
        return {k: v for k, v in d.items() if v not in (None, "", [], ())}
