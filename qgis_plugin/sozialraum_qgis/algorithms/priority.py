"""Förderkulisse: priority areas by rules, allocation key, reasons (sozialraum.planning.priority)."""

from __future__ import annotations

from .base import SozialraumAlgorithm

#: Legend colours: in, to be reviewed (below the minimum size), out.
COLORS = ("#b2182b", "#f4a582", "#e0e0e0")


class PriorityAlgorithm(SozialraumAlgorithm):
    ALG_ID = "foerderkulisse"
    GROUP = "monitor"
    TEXT = {
        "name": {"de": "Förderkulisse", "en": "Priority areas"},
        "help": {
            "de": "Wählt Gebiete nach Regeln aus: Statusklasse (aus „Raten und Index“) und/oder eine "
            "Defizitspalte ab einer Schwelle (ein Feld <Defizit>_sicherheit mit Werten 0–1 wird, wo es "
            "existiert, mit der Mindestsicherheit geprüft). Gebiete unter der Mindesteinwohnerzahl werden "
            "als Prüffall markiert, nicht gereiht. Der Verteilschlüssel teilt das Budget nach Einwohner × "
            "Bedarfsgewicht (sehr niedrig 2, niedrig 1,5, sonst 1). Neue Felder: prio_kulisse, "
            "prio_pruefen, prio_gewicht, prio_anteil, prio_betrag, prio_rang, prio_gruende. Das Protokoll "
            "nennt, welche Gebiete hinzukämen oder herausfielen, wenn eine Schwelle um einen Schritt "
            "wandert.",
            "en": "Selects areas by rules: status class (from 'Rates and index') and/or a deficit field "
            "from a threshold (a field <deficit>_sicherheit, 0–1, is checked against the minimum "
            "certainty where it exists). Areas below the minimum population are flagged for review, "
            "not ranked. The allocation key shares the budget by population × need weight. New fields "
            "prio_*. The log lists which areas would enter or leave when a threshold moves one step.",
        },
        "CLASSES": {
            "de": "Statusklassen (mit ; getrennt, z. B. sehr niedrig;niedrig)",
            "en": "Status classes (separated by ;)",
        },
        "DEFICIT": {"de": "Defizitspalte (optional)", "en": "Deficit column (optional)"},
        "THRESHOLD": {"de": "Schwelle der Defizitspalte", "en": "Threshold of the deficit column"},
        "LOW": {
            "de": "Defizit sind Werte bis zur Schwelle (statt ab)",
            "en": "Values up to the threshold are a deficit",
        },
        "BOTH": {"de": "Statusklasse und Defizit müssen zutreffen", "en": "Both rules must hold"},
        "CERTAINTY": {"de": "Mindestsicherheit (0–1, optional)", "en": "Minimum certainty (0–1)"},
        "MIN_POP": {"de": "Mindesteinwohner", "en": "Minimum population"},
        "POP": {"de": "Einwohnerspalte", "en": "Population column"},
        "BUDGET": {"de": "Budget (optional)", "en": "Budget (optional)"},
        "OUTPUT": {"de": "Förderkulisse", "en": "Priority areas"},
        "in": {"de": "in der Förderkulisse", "en": "priority area"},
        "check": {"de": "Prüffall (unter der Mindestgröße)", "en": "to be reviewed"},
        "out": {"de": "nicht in der Förderkulisse", "en": "not a priority area"},
        "summary": {
            "de": "Förderkulisse: {n} Gebiete; Prüffälle: {m}",
            "en": "priority areas: {n}; to be reviewed: {m}",
        },
        "sens": {
            "de": "{what}: hinzu {plus}; heraus {minus}",
            "en": "{what}: enter {plus}; leave {minus}",
        },
    }

    def define(self):
        self.add_areas("INPUT", "KEY")
        self.add_string("CLASSES", "sehr niedrig")
        self.add_field("DEFICIT", optional=True)
        self.add_number("THRESHOLD", None, optional=True)
        self.add_bool("LOW", False)
        self.add_bool("BOTH", False)
        self.add_number("CERTAINTY", None, minimum=0, maximum=1, optional=True)
        self.add_number("MIN_POP", 0, minimum=0)
        self.add_field("POP", default="ew_ges")
        self.add_number("BUDGET", None, minimum=0, optional=True)
        self.add_output("OUTPUT")

    def compute(self, parameters, context, feedback):
        from sozialraum.core.doors import using_door
        from sozialraum.planning.priority import PriorityRules, select_priority_areas

        from .. import styles

        self.step(feedback, 0, 3)
        areas = self.read_areas(parameters, context, feedback)
        classes = self.parameterAsString(parameters, "CLASSES", context) or ""
        deficit = self.parameterAsString(parameters, "DEFICIT", context) or None
        rules = PriorityRules(
            status_classes=tuple(c.strip() for c in classes.split(";") if c.strip()),
            deficit_column=deficit,
            deficit_threshold=self.opt_number(parameters, "THRESHOLD", context),
            deficit_above=not self.parameterAsBool(parameters, "LOW", context),
            combine="und" if self.parameterAsBool(parameters, "BOTH", context) else "oder",
            min_certainty=self.opt_number(parameters, "CERTAINTY", context),
            min_population=self.parameterAsDouble(parameters, "MIN_POP", context),
            population_column=self.parameterAsString(parameters, "POP", context) or "ew_ges",
            budget=self.opt_number(parameters, "BUDGET", context),
        )
        self.step(feedback, 1, 3)
        with using_door("qgis"):
            res = select_priority_areas(areas.drop(columns="geometry"), rules, lang=self.lang)
        out = areas.join(res.frame)
        out["prio_kulisse"] = out["prio_kulisse"].astype(int)
        out["prio_pruefen"] = out["prio_pruefen"].astype(int)
        labels = [self.t("in"), self.t("check"), self.t("out")]
        out["prio_label"] = [
            labels[0] if k else labels[1] if c else labels[2]
            for k, c in zip(out["prio_kulisse"], out["prio_pruefen"], strict=True)
        ]
        feedback.pushInfo(self.t("summary", n=len(res.selected), m=len(res.flagged)))
        for r in res.sensitivity.itertuples(index=False):
            plus, minus = ", ".join(r.neu) or "–", ", ".join(r.heraus) or "–"
            feedback.pushInfo(self.t("sens", what=r.aenderung, plus=plus, minus=minus))
        renderer = styles.categorized("prio_label", list(zip(labels, labels, COLORS, strict=True)))
        self.step(feedback, 2, 3)
        return {
            "OUTPUT": self.write(
                out, parameters, context, renderer=renderer, layer_name="foerderkulisse"
            )
        }
