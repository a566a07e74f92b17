"""German (and English) sentences generated from the data, with correct grammar.

Comparison with the district average (``compare``)
-------------------------------------------------
``z = (value - district) / sd`` where ``sd`` is the standard deviation of the
indicator across the areas (the monitor's reference SD where available, else the
SD of the areas' values, ddof = 0). With the thresholds ``NEAR = 0.25`` and
``FAR = 1.0`` (both in SD units, changeable per call):

=====================  =========================================
``|z| <= NEAR``        "etwa im Kreisdurchschnitt" (``"etwa"``)
``NEAR < z <= FAR``    "über dem …" (``"ueber"``)
``z > FAR``            "deutlich über dem …" (``"deutlich_ueber"``)
``-FAR <= z < -NEAR``  "unter dem …" (``"unter"``)
``z < -FAR``           "deutlich unter dem …" (``"deutlich_unter"``)
=====================  =========================================

Two values that print identically are always "etwa". Without a usable SD
(missing, zero) the relative difference ``(value - district) / |district|`` is
used with the thresholds 5 % and 20 %.

Grammar
-------
The article and verb number come from the head word of the indicator label
(``genus``): suffix rules (``-quote``/``-rate``/``-ung`` → feminine, ``-anteil``/
``-saldo`` → masculine, ``-verhältnis`` → neuter, ``Hilfen``/``-ungen`` →
plural …) or an explicit code ``"f"``, ``"m"``, ``"n"``, ``"pl"`` (catalogue
column ``genus`` or ``settings["genus"]``). Unknown words fall back to the
always-correct "der Indikator „…“".
"""

from __future__ import annotations

import re

from sozialraum._i18n import get_lang, t
from sozialraum.core.numbers import MISSING, format_number
from sozialraum.core.numbers import is_missing as _missing
from sozialraum.core.status import cell_sign, is_secret, status_text
from sozialraum.core.territory import Level, Territory

__all__ = [
    "FAR",
    "NEAR",
    "cell_text",
    "compare",
    "count_phrase",
    "format_value",
    "genus",
    "indicator_sentence",
    "not_rated_sentence",
    "population_sentence",
    "subject",
    "supply_label",
]

NEAR = 0.25
FAR = 1.0

_MSG = {
    "deutlich_ueber": {"de": "deutlich über dem", "en": "well above the"},
    "ueber": {"de": "über dem", "en": "above the"},
    "etwa": {"de": "etwa im", "en": "about the same as the"},
    "unter": {"de": "unter dem", "en": "below the"},
    "deutlich_unter": {"de": "deutlich unter dem", "en": "well below the"},
    "district": {"de": "Kreisdurchschnitt", "en": "district average"},
    "sentence": {
        "de": "{subj} {verb} mit {value} {cmp} {ref} von {district}.",
        "en": "At {value}, {subj} {verb} {cmp} {ref} of {district}.",
    },
    "no_district": {
        "de": "{subj} {verb} bei {value}; ein {ref} liegt nicht vor.",
        "en": "{subj} {verb} {value}; no {ref} is available.",
    },
    "missing": {"de": "Für {subj} liegt kein Wert vor.", "en": "No value is available for {subj}."},
    "secret": {
        "de": "{subj} {verb} aus Datenschutzgründen nicht ausgewiesen.",
        "en": "{subj} {verb} not shown for data protection reasons.",
    },
    "small": {
        "de": " Der Wert beruht auf einer kleinen Bezugsgröße und ist unsicher.",
        "en": " The value rests on a small base and is uncertain.",
    },
    "fallback": {"de": "{art} Indikator „{label}“", "en": "the indicator “{label}”"},
    "pop": {
        "de": "{where} {verb} {n}.",
        "en": "{n} {verb} {where}.",
    },
    "not_rated": {
        "de": "{n} {verb} nicht bewertet, weil {pron} weniger als {thr} Einwohner {have} oder keine Einwohnerzahl vorliegt.",
        "en": "{n} {verb} not rated because {pron} {have} fewer than {thr} inhabitants or no population figure.",
    },
}


_ART = {  # nominative, accusative
    "f": ("die", "die"),
    "m": ("der", "den"),
    "n": ("das", "das"),
    "pl": ("die", "die"),
}
_FEM = (
    "quote",
    "rate",
    "armut",
    "beteiligung",
    "ung",
    "heit",
    "keit",
    "schaft",
    "dichte",
    "zahl",
    "ziffer",
    "dauer",
    "zeit",
    "lage",
    "stärke",
    "größe",
    "kraft",
    "distanz",
    "ion",
    "tät",
    "struktur",
    "fläche",
    "entfernung",
    "erreichbarkeit",
    "versorgung",
    "belastung",
    "lücke",
    "miete",
    "summe",
    "spanne",
)
_MASC = (
    "anteil",
    "saldo",
    "wert",
    "index",
    "bestand",
    "bedarf",
    "durchschnitt",
    "grad",
    "satz",
    "stand",
    "überschuss",
    "quotient",
    "koeffizient",
    "betrag",
    "zuwachs",
    "rückgang",
    "median",
    "abstand",
    "weg",
)
_NEUT = (
    "verhältnis",
    "niveau",
    "alter",
    "einkommen",
    "volumen",
    "aufkommen",
    "gewicht",
    "ergebnis",
    "angebot",
    "defizit",
    "potenzial",
)
_PLURAL = (
    "ungen",
    "innen",
    "hilfen",
    "heiten",
    "keiten",
    "ionen",
    "fälle",
    "kinder",
    "personen",
    "haushalte",
    "leistungen",
    "plätze",
    "einrichtungen",
)


def genus(label: str, explicit: str | None = None) -> str | None:
    """Grammatical gender/number of an indicator label: ``"f"``, ``"m"``, ``"n"``, ``"pl"`` or None."""
    if explicit in _ART:
        return explicit
    m = re.match(r"[^\s(]+", label.strip())
    if not m:
        return None
    head = m.group(0).lower().rstrip(",.:;")
    head = head.split("-")[-1] or head  # SGB-II-Quote → quote
    for suf in _PLURAL:
        if head.endswith(suf):
            return "pl"
    for table, code in ((_NEUT, "n"), (_MASC, "m"), (_FEM, "f")):
        for suf in table:
            if head.endswith(suf):
                return code
    return None


def subject(
    label: str,
    lang: str | None = "de",
    *,
    case: str = "nom",
    explicit: str | None = None,
    capital: bool = False,
) -> tuple[str, bool]:
    """Noun phrase for an indicator and whether it is plural.

    ``subject("SGB-II-Quote")`` → ``("die SGB-II-Quote", False)``;
    ``subject("Anteil Minderjähriger", case="acc")`` → ``("den Anteil Minderjähriger", False)``.
    """
    L = get_lang(lang)
    if L == "en":
        g = explicit if explicit in _ART else None
        # "Net migration per 1,000" → "the net migration per 1,000"; acronyms ("SGB II rate") stay
        if len(label) > 1 and label[0].isupper() and label[1].islower():
            label = label[0].lower() + label[1:]
        text = f"the {label}"
        plural = g == "pl"
    else:
        g = genus(label, explicit)
        if g is None:
            art = "der" if case == "nom" else "den"
            text = t(_MSG, "fallback", L, art=art, label=label)
            plural = False
        else:
            text = f"{_ART[g][0 if case == 'nom' else 1]} {label}"
            plural = g == "pl"
    if capital:
        text = text[:1].upper() + text[1:]
    return text, plural


def format_value(
    x, unit: str | None = None, decimals: int = 1, lang: str | None = "de", *, sign: bool = False
) -> str:
    """A number with its unit: ``"14,2 %"``, ``"8,9 ‰"``, ``"1.775"`` (German separators)."""
    L = get_lang(lang)
    s = format_number(x, decimals, L, sign=sign)
    if s == MISSING or not unit:
        return s
    if unit == "%":
        return f"{s} %" if L == "de" else f"{s}%"
    return f"{s} {unit}"


#: Codes whose cell shows a word rather than a sign.
_WORDS = frozenset({"nenner_klein", "nicht_bewertet"})


def cell_text(code: str | None, lang: str | None = "de") -> str:
    """Text of a table cell without a value, by status code (``"geheim"``, ``"–"`` …).

    From :mod:`sozialraum.core.status`: the word for secret codes and for a small base
    or an area not rated, the statistical sign for the rest.
    """
    if code is not None and (is_secret(code) or code in _WORDS):
        return status_text(code, lang)
    return cell_sign(code)


def compare(
    value: float,
    district: float,
    sd: float | None = None,
    *,
    near: float = NEAR,
    far: float = FAR,
    decimals: int = 1,
) -> str | None:
    """Category of ``value`` against ``district`` (see module docstring); None if either is missing."""
    if _missing(value) or _missing(district):
        return None
    if format_number(value, decimals) == format_number(district, decimals):
        return "etwa"
    diff = float(value) - float(district)
    if sd is not None and not _missing(sd) and float(sd) > 0:
        z = diff / float(sd)
        n, f = near, far
    elif district != 0:
        z = diff / abs(float(district))
        n, f = 0.05, 0.20
    else:
        return "ueber" if diff > 0 else "unter"
    if abs(z) <= n:
        return "etwa"
    if z > 0:
        return "deutlich_ueber" if z > f else "ueber"
    return "deutlich_unter" if z < -f else "unter"


def indicator_sentence(
    label: str,
    value,
    district=None,
    *,
    unit: str | None = None,
    sd: float | None = None,
    status: str | None = None,
    decimals: int = 1,
    genus_code: str | None = None,
    reference: str | None = None,
    near: float = NEAR,
    far: float = FAR,
    lang: str | None = "de",
) -> str:
    """One sentence comparing an area's value with the district average.

    Examples
    --------
    >>> indicator_sentence("SGB-II-Quote", 14.2, 8.1, unit="%", sd=3.0)
    'Die SGB-II-Quote liegt mit 14,2 % deutlich über dem Kreisdurchschnitt von 8,1 %.'
    >>> indicator_sentence("SGB-II-Quote", float("nan"), 8.1, status="geheim")
    'Die SGB-II-Quote ist aus Datenschutzgründen nicht ausgewiesen.'
    """
    L = get_lang(lang)
    ref = reference or t(_MSG, "district", L)
    subj, plural = subject(label, L, explicit=genus_code, capital=True)
    if is_secret(status):
        verb = ("sind" if plural else "ist") if L == "de" else ("are" if plural else "is")
        return t(_MSG, "secret", L, subj=subj, verb=verb)
    if _missing(value):
        acc, _ = subject(label, L, case="acc", explicit=genus_code)
        return t(_MSG, "missing", L, subj=acc)
    v = format_value(value, unit, decimals, L)
    if L == "de":
        verb = "liegen" if plural else "liegt"
    else:
        verb = "are" if plural else "is"
        subj = subj[:1].lower() + subj[1:]
    if _missing(district):
        if L == "en":
            subj = subj[:1].upper() + subj[1:]
        out = t(_MSG, "no_district", L, subj=subj, verb=verb, value=v, ref=ref)
    else:
        cat = compare(value, district, sd, near=near, far=far, decimals=decimals)
        out = t(
            _MSG,
            "sentence",
            L,
            subj=subj,
            verb=verb,
            value=v,
            cmp=t(_MSG, cat, L),
            ref=ref,
            district=format_value(district, unit, decimals, L),
        )
    if status == "nenner_klein":
        out += t(_MSG, "small", L)
    return out


_NOUNS = {  # singular, plural, English singular, English plural, German dative plural
    "Gebiet": ("Gebiet", "Gebiete", "area", "areas", "Gebieten"),
    "Sozialraum": ("Sozialraum", "Sozialräume", "planning area", "planning areas", "Sozialräumen"),
    "Gemeinde": ("Gemeinde", "Gemeinden", "municipality", "municipalities", "Gemeinden"),
    "Indikator": ("Indikator", "Indikatoren", "indicator", "indicators", "Indikatoren"),
    "Einwohner": (
        "Einwohnerin bzw. Einwohner",
        "Einwohnerinnen und Einwohner",
        "inhabitant",
        "inhabitants",
        "Einwohnerinnen und Einwohnern",
    ),
    "Mensch": ("Mensch", "Menschen", "person", "people", "Menschen"),
    "Einrichtung": ("Einrichtung", "Einrichtungen", "facility", "facilities", "Einrichtungen"),
}


def count_phrase(
    n: int | float,
    noun: str,
    lang: str | None = "de",
    *,
    singular: str | None = None,
    plural: str | None = None,
    dative: bool = False,
) -> str:
    """Number and noun in the right number: ``"1 Gebiet"``, ``"3 Gebiete"``, ``"1.775 Menschen"``.

    ``dative=True`` gives the German dative plural ("in 80 Sozialräumen").

    ``noun`` is a key of the built-in table (Gebiet, Sozialraum, Gemeinde, Indikator,
    Einwohner, Mensch, Einrichtung) or any word with ``singular``/``plural`` given.
    """
    L = get_lang(lang)
    if noun in _NOUNS and singular is None:
        forms = _NOUNS[noun]
        sg, pl = (forms[0], forms[4] if dative else forms[1]) if L == "de" else (forms[2], forms[3])
    else:
        sg, pl = singular or noun, plural or noun
    one = not _missing(n) and float(n) == 1
    num = format_number(n, 0, L)
    return f"{num} {sg if one else pl}"


def population_sentence(
    name: str,
    n,
    *,
    kind: str = "Sozialraum",
    lang: str | None = "de",
    level: Level | None = None,
) -> str:
    """``"Im Sozialraum Altstadt leben 1.775 Menschen."`` (singular: "lebt 1 Mensch").

    ``level`` (a :class:`~sozialraum.core.territory.Level`) names the unit in the
    territory's words ("Im Bezirk Neukölln …"); without it ``kind`` ("Sozialraum" or
    "Gemeinde") picks the default level.
    """
    L = get_lang(lang)
    if level is None:
        default = Territory.default()
        level = default.bottom if kind == "Sozialraum" else default.middle
    one = not _missing(n) and float(n) == 1
    if _missing(n):
        return (
            "Für {k} {name} liegt keine Einwohnerzahl vor."
            if L == "de"
            else "No population figure is available for {k} {name}."
        ).format(k=level.the("acc", L), name=name)
    where = level.in_named(name, L)
    if L == "de":
        verb = "lebt" if one else "leben"
    else:
        verb = "lives" if one else "live"
    out = t(_MSG, "pop", L, where=where, verb=verb, n=count_phrase(n, "Mensch", L))
    return out[:1].upper() + out[1:]


def not_rated_sentence(n: int, threshold: float = 300, lang: str | None = "de") -> str:
    """``"3 Gebiete sind nicht bewertet, weil sie weniger als 300 Einwohner haben …"`` (singular aware)."""
    L = get_lang(lang)
    one = int(n) == 1
    if L == "de":
        return t(
            _MSG,
            "not_rated",
            L,
            n=count_phrase(n, "Gebiet", L),
            verb="ist" if one else "sind",
            pron="es" if one else "sie",
            have="hat" if one else "haben",
            thr=format_number(threshold, 0, L),
        )
    return t(
        _MSG,
        "not_rated",
        L,
        n=count_phrase(n, "Gebiet", L),
        verb="is" if one else "are",
        pron="it" if one else "they",
        have="has" if one else "have",
        thr=format_number(threshold, 0, L),
    )


_SUPPLY = {
    "standort": {
        "de": "Plätze im Gebiet je 100 der Zielgruppe",
        "en": "places in the area per 100 of the target group",
    },
    "einzugsbereich": {
        "de": "erreichbare Plätze je 100 der Zielgruppe (Einzugsbereich)",
        "en": "reachable places per 100 of the target group (catchment)",
    },
}


def supply_label(name: str, method: str | None, how: str = "", lang: str | None = "de") -> str:
    """Label of a supply ratio that says which number it is.

    Places of the facilities *inside* the area (``method="standort"``) and places
    *reachable* in the catchment (2SFCA/E2SFCA) are different numbers and never
    share a name: ``"Kita-Versorgung: Plätze im Gebiet je 100 der Zielgruppe"`` vs
    ``"Kita-Versorgung: erreichbare Plätze je 100 der Zielgruppe (Einzugsbereich) – 2SFCA 2.000 m"``.
    """
    L = get_lang(lang)
    key = "standort" if method in (None, "standort", "nearest", "naechste") else "einzugsbereich"
    out = f"{name}: {t(_SUPPLY, key, L)}"
    return f"{out} – {how}" if how else out
