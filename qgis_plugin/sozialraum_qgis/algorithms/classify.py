"""Klassifizieren: classes of one indicator with German labels and a graduated style."""

from __future__ import annotations

from .base import SozialraumAlgorithm

#: The schemes of the one classification engine (``sozialraum.core.classify.SCHEMES``),
#: in the order of the dialog. ``natural_breaks`` and ``fisher_jenks`` are the same
#: (Fisher-Jenks, exact and deterministic); both stay so that saved models keep their choice.
SCHEMES = (
    "quantiles",
    "equal_interval",
    "natural_breaks",
    "fisher_jenks",
    "std_mean",
    "head_tail",
    "fixed",
)
SCHEME_NAMES = {
    "de": [
        "Quantile",
        "Gleiche Intervalle",
        "Natürliche Unterbrechungen (Fisher-Jenks)",
        "Fisher-Jenks (wie natürliche Unterbrechungen)",
        "Mittelwert ± Standardabweichungen",
        "Head/Tail",
        "Feste Grenzen",
    ],
    "en": [
        "Quantiles",
        "Equal interval",
        "Natural breaks (Fisher-Jenks)",
        "Fisher-Jenks (same as natural breaks)",
        "Mean ± standard deviations",
        "Head/tail",
        "Fixed breaks",
    ],
}


class ClassifyAlgorithm(SozialraumAlgorithm):
    ALG_ID = "klassifizieren"
    GROUP = "monitor"
    TEXT = {
        "name": {"de": "Klassifizieren", "en": "Classify"},
        "help": {
            "de": "Teilt die Werte eines Feldes in Klassen (Quantile, gleiche Intervalle, natürliche "
            "Unterbrechungen, Fisher-Jenks, Mittelwert ± Standardabweichung, Head/Tail oder feste Grenzen). "
            "Klassen sind oben geschlossen: ein Wert auf einer Grenze gehört zur Klasse darunter "
            "(„bis 5,0“, „über 5,0 bis 7,5“) – wie in Webkarte, Bericht und Monitor. "
            "Gebiete ohne Wert bilden die eigene Klasse „kein Wert“; Gebiete, die der Monitor nicht "
            "bewertet (Feld bewertet), gehen bei Indexfeldern nicht in die Grenzen ein und heißen "
            "„nicht bewertet“. Neue Felder: <Feld>_klasse (Nummer 0 … k−1) und <Feld>_label "
            "(deutsche Beschriftung, z. B. „über 12,5 bis 17,3“ oder verbal „hoch“). "
            "Die Ebene wird mit diesen Klassen dargestellt.",
            "en": "Classifies a field (quantiles, equal interval, natural breaks, Fisher-Jenks, mean ± SD, "
            "head/tail or fixed breaks). Classes are closed above (a value on a break belongs to the "
            "class below). Areas without a value get the class 'no value', areas the monitor did not "
            "rate 'not rated'. New fields "
            "<field>_klasse (number 0 … k−1) and <field>_label; the layer is styled with these labels.",
        },
        "FIELD": {"de": "Indikator (Feld)", "en": "Indicator (field)"},
        "SCHEME": {"de": "Verfahren", "en": "Scheme"},
        "K": {"de": "Anzahl Klassen", "en": "Number of classes"},
        "BREAKS": {
            "de": "Feste Grenzen (mit ; getrennt, nur „Feste Grenzen“)",
            "en": "Fixed breaks (separated by ;)",
        },
        "VERBAL": {
            "de": "Verbale Beschriftung (sehr niedrig … sehr hoch)",
            "en": "Verbal labels (very low … very high)",
        },
        "DECIMALS": {"de": "Nachkommastellen der Beschriftung", "en": "Decimals in labels"},
        "OUTPUT": {"de": "Klassifiziert", "en": "Classified"},
    }

    def define(self):
        self.add_areas("INPUT", "KEY")
        self.add_field("FIELD")
        self.add_enum("SCHEME", SCHEME_NAMES[self.lang], 0)
        self.add_number("K", 5, integer=True, minimum=2, maximum=12)
        self.add_string("BREAKS")
        self.add_bool("VERBAL", False)
        self.add_number("DECIMALS", 1, integer=True, minimum=0, maximum=6)
        self.add_output("OUTPUT")

    def compute(self, parameters, context, feedback):
        from sozialraum.core.classify import classify, is_index_column, rated_mask

        from .. import styles

        self.step(feedback, 0, 3)
        areas = self.read_areas(parameters, context, feedback)
        field = self.field(parameters, "FIELD", context)
        scheme = SCHEMES[self.parameterAsEnum(parameters, "SCHEME", context)]
        self.step(feedback, 1, 3)
        breaks = self.number_list(parameters, "BREAKS", context)  # German numbers: 1.000 = 1000
        cls = classify(
            areas[field],
            scheme=scheme,
            k=self.parameterAsInt(parameters, "K", context),
            breaks=breaks if scheme == "fixed" else None,
            rated=rated_mask(areas) if is_index_column(field) else None,
            decimals=self.parameterAsInt(parameters, "DECIMALS", context),
            verbal=self.parameterAsBool(parameters, "VERBAL", context),
            name=field,
            lang=self.lang,
        )
        out = areas.copy()
        out[f"{field}_klasse"] = cls.classes
        out[f"{field}_label"] = cls.labels.astype(object)
        if cls.n_missing or cls.n_not_rated:  # grey classes: by label, as on the web map
            renderer = styles.label_renderer(f"{field}_label", cls)
        else:
            ranges = styles.classification_ranges(areas[field].tolist(), cls.bins, cls.legend)
            renderer = styles.graduated(field, ranges)
        for lab, n in zip(cls.legend, cls.counts, strict=True):
            feedback.pushInfo(f"{lab}: {n}")
        self.step(feedback, 2, 3)
        return {
            "OUTPUT": self.write(out, parameters, context, renderer=renderer, layer_name="klassen")
        }
