"""Priority areas (Förderkulisse): the rule, the selected areas, review cases, sensitivity.

Reads ``data.planning["prioritaet"]`` (:class:`sozialraum.planning.PriorityResult`).
Membership of the Förderkulisse is public; the reasons with numbers, the allocation
key (it rests on each area's population) and the sensitivity (which areas enter or
leave when a threshold moves: it bounds values of single areas) are printed only in
the internal report. Elsewhere each area gets a reason without numbers.
"""

from __future__ import annotations

from collections.abc import Mapping

from sozialraum._i18n import get_lang, t
from sozialraum.core.numbers import format_number
from sozialraum.report.chapters import Chapter, Table

__all__ = ["prioritaet_chapter", "prioritaet_section"]

_MSG = {
    "title": {"de": "Förderkulisse", "en": "Priority areas"},
    "rule": {
        "de": "Regel: {parts}. {n_in} {bottom_pl} gehören zur Förderkulisse{flag}.",
        "en": "Rule: {parts}. {n_in} {bottom_pl} are priority areas{flag}.",
    },
    "rule_pub": {
        "de": "Regel: {parts}. Die folgenden {bottom_pl} gehören zur Förderkulisse.",
        "en": "Rule: {parts}. The following {bottom_pl} are priority areas.",
    },
    "flag": {
        "de": "; {n} weitere erfüllen die Bedarfsregel, liegen aber unter der Mindestgröße und sind als "
        "Prüffall markiert (nicht gereiht)",
        "en": "; {n} more meet the need rule but are below the minimum size and are flagged for "
        "review (not ranked)",
    },
    "p_cls": {"de": "Statusklasse {c}", "en": "status class {c}"},
    "p_def": {"de": "{label} {op} {thr}", "en": "{label} {op} {thr}"},
    "p_def_words": {"de": "{label} ab der Schwelle", "en": "{label} at or above the threshold"},
    "p_def_words_low": {
        "de": "{label} bis zur Schwelle",
        "en": "{label} at or below the threshold",
    },
    "p_pop_words": {
        "de": "Mindestgröße der Gebiete (Schwellen im internen Bericht)",
        "en": "minimum size of the areas (thresholds in the internal report)",
    },
    "p_sure": {"de": "Sicherheit mindestens {s}", "en": "certainty at least {s}"},
    "p_pop": {"de": "mindestens {n} Einwohner", "en": "at least {n} inhabitants"},
    "or": {"de": " oder ", "en": " or "},
    "and": {"de": " und ", "en": " and "},
    "cols_int": {
        "de": ("Rang", "Gebiet", "Gemeinde", "Anteil", "Betrag", "Gründe"),
        "en": ("Rank", "Area", "Municipality", "Share", "Amount", "Reasons"),
    },
    "cols_pub": {"de": ("Gebiet", "Gemeinde", "Hinweis"), "en": ("Area", "Municipality", "Note")},
    "sel": {"de": "Gebiete der Förderkulisse", "en": "Priority areas"},
    "check": {
        "de": "Prüffälle (unter der Mindestgröße)",
        "en": "To be reviewed (below the minimum size)",
    },
    "sens": {"de": "Empfindlichkeit der Regel", "en": "Sensitivity of the rule"},
    "sens_cols": {
        "de": ("Änderung der Regel", "kämen hinzu", "fielen heraus"),
        "en": ("Change of the rule", "would enter", "would leave"),
    },
    "sens_note": {
        "de": "Jede Schwelle wurde um einen Schritt verschoben; die übrigen Regeln blieben gleich.",
        "en": "Each threshold was moved one step; the other rules stayed as they are.",
    },
    "key_note": {
        "de": "Verteilschlüssel: Anteil = Einwohner × Bedarfsgewicht / Summe über die Förderkulisse "
        "(Gewicht je Statusklasse).",
        "en": "Allocation key: share = population × need weight / sum over the priority areas "
        "(weight per status class).",
    },
    "none": {"de": "keine", "en": "none"},
    "sec_in": {"de": "Das Gebiet gehört zur Förderkulisse.", "en": "The area is a priority area."},
    "sec_check": {
        "de": "Das Gebiet erfüllt die Bedarfsregel, liegt aber unter der Mindestgröße: Prüffall.",
        "en": "The area meets the need rule but is below the minimum size: to be reviewed.",
    },
    "sec_out": {
        "de": "Das Gebiet gehört nicht zur Förderkulisse.",
        "en": "The area is not a priority area.",
    },
    "sec_gem": {
        "de": "{n} {bottom_pl} dieser Gemeinde gehören zur Förderkulisse: {names}.",
        "en": "{n} {bottom_pl} of this municipality are priority areas: {names}.",
    },
    "reasons": {"de": "Gründe: {r}.", "en": "Reasons: {r}."},
}


def _res(data):
    return (data.planning or {}).get("prioritaet")


def _rule_text(res, L: str, *, numbers: bool = True) -> str:
    """The rule in words; ``numbers=False`` (outside intern) names thresholds without values."""
    r = res.rules
    if not numbers:
        return _rule_words(res, L)
    need = []
    if r.status_classes:
        need.append(t(_MSG, "p_cls", L, c="/".join(r.status_classes)))
    if r.deficit_column and r.deficit_threshold is not None:
        thr = format_number(
            r.deficit_threshold, 0 if float(r.deficit_threshold).is_integer() else 1, L
        )
        part = t(
            _MSG,
            "p_def",
            L,
            label=r.deficit_label or r.deficit_column,
            op="≥" if r.deficit_above else "≤",
            thr=thr,
        )
        if r.min_certainty is not None:
            part += f" ({t(_MSG, 'p_sure', L, s=format_number(r.min_certainty, 2, L))})"
        need.append(part)
    text = t(_MSG, "or" if r.combine == "oder" else "and", L).join(need)
    if r.min_population:
        text += "; " + t(_MSG, "p_pop", L, n=format_number(r.min_population, 0, L))
    return text


def _rule_words(res, L: str) -> str:
    r = res.rules
    need = []
    if r.status_classes:
        need.append(t(_MSG, "p_cls", L, c="/".join(r.status_classes)))
    if r.deficit_column and r.deficit_threshold is not None:
        key = "p_def_words" if r.deficit_above else "p_def_words_low"
        need.append(t(_MSG, key, L, label=r.deficit_label or r.deficit_column))
    text = t(_MSG, "or" if r.combine == "oder" else "and", L).join(need)
    if r.min_population:
        text += "; " + t(_MSG, "p_pop_words", L)
    return text


def _gem(data, key: str) -> str:
    a = data.areas
    if data.gemeinde_col in a.columns and key in a.index:
        return data.gemeinde_name(str(a.at[key, data.gemeinde_col]))
    return ""


def _tables(data, res, L: str) -> list[Table]:
    f = res.frame
    intern = data.level == "intern"
    sel = res.selected
    if intern:
        rows = tuple(
            (
                format_number(f.at[k, "prio_rang"], 0, L),
                data.name(k),
                _gem(data, k),
                format_number(100 * f.at[k, "prio_anteil"], 1, L) + " %",
                format_number(f.at[k, "prio_betrag"], 0, L) + " €"
                if res.rules.budget is not None
                else "–",
                str(f.at[k, "prio_gruende"]),
            )
            for k in sel
        )
        tables = [
            Table(
                columns=t(_MSG, "cols_int", L),
                rows=rows,
                caption=t(_MSG, "sel", L),
                numeric=(True, False, False, True, True, False),
                note=t(_MSG, "key_note", L),
            )
        ]
    else:
        rows = tuple(
            (data.name(k), _gem(data, k), t(_MSG, "sec_in", L)) for k in sorted(sel, key=data.name)
        )
        tables = [Table(columns=t(_MSG, "cols_pub", L), rows=rows, caption=t(_MSG, "sel", L))]
    if res.flagged:
        rows = tuple(
            (
                data.name(k),
                _gem(data, k),
                str(f.at[k, "prio_gruende"]) if intern else t(_MSG, "sec_check", L),
            )
            for k in res.flagged
        )
        tables.append(Table(columns=t(_MSG, "cols_pub", L), rows=rows, caption=t(_MSG, "check", L)))
    if intern and len(res.sensitivity):
        none = t(_MSG, "none", L)
        rows = tuple(
            (
                str(r.aenderung),
                ", ".join(data.name(k) for k in r.neu) or none,
                ", ".join(data.name(k) for k in r.heraus) or none,
            )
            for r in res.sensitivity.itertuples(index=False)
        )
        tables.append(
            Table(
                columns=t(_MSG, "sens_cols", L),
                rows=rows,
                caption=t(_MSG, "sens", L),
                note=t(_MSG, "sens_note", L),
            )
        )
    return tables


def prioritaet_chapter(data, settings: Mapping, lang: str) -> Chapter | None:
    """The rule in words, the selected areas, the review cases and (intern) the sensitivity."""
    res = _res(data)
    if res is None:
        return None
    L = get_lang(lang)
    flag = t(_MSG, "flag", L, n=len(res.flagged)) if res.flagged else ""
    words = data.territory.bottom.word(L, plural=True)
    if data.level == "intern":
        para = t(
            _MSG,
            "rule",
            L,
            parts=_rule_text(res, L),
            n_in=len(res.selected),
            bottom_pl=words,
            flag=flag,
        )
    else:  # no counts: in print, a number beside one area's name is read as its value
        para = t(_MSG, "rule_pub", L, parts=_rule_text(res, L, numbers=False), bottom_pl=words)
    if data.level == "intern":
        return Chapter(
            key="prioritaet",
            title=t(_MSG, "title", L),
            paragraphs=(para,),
            tables=tuple(_tables(data, res, L)),
        )
    # in print the lines above the first area name belong to the previous page's area: the
    # rule (with its thresholds) follows the table of areas
    return Chapter(
        key="prioritaet",
        title=t(_MSG, "title", L),
        tables=tuple(_tables(data, res, L)),
        notes=(para,),
    )


def prioritaet_section(data, unit: str, key: str, settings: Mapping, lang: str) -> Chapter | None:
    """Membership of one area (reasons with numbers only at ``intern``), or a municipality's areas."""
    res = _res(data)
    if res is None:
        return None
    L = get_lang(lang)
    f = res.frame
    if unit == "gemeinde":
        a = data.areas
        if data.gemeinde_col not in a.columns:
            return None
        own = (
            [k for k in res.selected if str(a.at[k, data.gemeinde_col]) == str(key)]
            if len(a)
            else []
        )
        if not own:
            return None
        p = t(
            _MSG,
            "sec_gem",
            L,
            n=len(own),
            bottom_pl=data.territory.bottom.word(L, plural=True),
            names=", ".join(data.name(k) for k in own),
        )
        return Chapter(key="prioritaet", title=t(_MSG, "title", L), paragraphs=(p,))
    key = str(key)
    if key not in f.index:
        return None
    which = (
        "sec_in"
        if f.at[key, "prio_kulisse"]
        else "sec_check"
        if f.at[key, "prio_pruefen"]
        else "sec_out"
    )
    paras = [t(_MSG, which, L)]
    if data.level == "intern" and f.at[key, "prio_gruende"]:
        paras.append(t(_MSG, "reasons", L, r=f.at[key, "prio_gruende"]))
    return Chapter(key="prioritaet", title=t(_MSG, "title", L), paragraphs=tuple(paras))
