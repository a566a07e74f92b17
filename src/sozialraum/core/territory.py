"""The territorial vocabulary: how a district or a city names its own levels.

A Landkreis has Gemeinden and Sozialräume; a city has Bezirke and
Planungsräume, or Stadtteile and Quartiere; a Kreis in Schleswig-Holstein has
Ämter, Gemeinden and Ortsteile. Every text a planner reads (report, profiles,
map legends, run summary, file names) takes its words from one
:class:`Territory`, so that a city's outputs read like a city's:
"Berliner Durchschnitt", "Bezirk Neukölln", "in 12 Bezirken".

A territory has 2–4 :class:`Level` s, top to bottom. The bottom level is the
planning areas (the rows of the monitor), the level directly above it is the
roll-up level (the ``gemeinde_spalte`` of ``[gebiete]``), the top level is the
whole territory. With four levels the second level (e.g. ``Amt``) is named in
texts only; figures are rolled up to the level directly above the areas.

Example
-------
>>> from sozialraum.core.territory import Territory
>>> city = Territory.from_words(["Stadt", "Bezirk", "Planungsraum"], name="Berlin",
...                             adjective="Berliner")
>>> city.average()
'Berliner Durchschnitt'
>>> city.middle.named("Neukölln")
'Bezirk Neukölln'
>>> city.middle.count(12, dative=True)
'12 Bezirken'
>>> Territory.default().average()
'Kreisdurchschnitt'
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sozialraum._i18n import get_lang, t
from sozialraum.core.doors import knob
from sozialraum.core.numbers import format_number
from sozialraum.core.text import slugify
from sozialraum.errors import ConfigError

__all__ = ["KNOWN_LEVELS", "Level", "Territory"]

_MSG = {
    "n_levels": {
        "de": "Die Gliederung hat {n} Stufen ({words}); erlaubt sind 2 bis 4, von oben nach unten, "
        'z. B. ["Stadt", "Bezirk", "Planungsraum"]. Bitte {key} anpassen.',
        "en": "the hierarchy has {n} levels ({words}); 2 to 4 are allowed, top to bottom, "
        'e.g. ["Stadt", "Bezirk", "Planungsraum"]. Please change {key}.',
    },
    "empty": {
        "de": "Die Gliederung enthält eine leere Stufe ({words}). Bitte {key} anpassen.",
        "en": "the hierarchy contains an empty level ({words}). Please change {key}.",
    },
    "unknown": {
        "de": "Das Wort {word!r} der Gliederung ist unbekannt: bitte {what} angeben "
        "({key}, eine Angabe je Stufe in derselben Reihenfolge wie die Stufen, "
        "z. B. {example}).",
        "en": "the hierarchy word {word!r} is not known: please give {what} "
        "({key}, one entry per level in the order of the levels, e.g. {example}).",
    },
    "what_plural": {"de": "die Mehrzahl", "en": "the plural"},
    "what_article": {"de": "den Artikel (der, die, das)", "en": "the article (der, die, das)"},
    "length": {
        "de": "{key} hat {n} Einträge, die Gliederung aber {m} Stufen ({words}): "
        'bitte je Stufe einen Eintrag ("" für bekannte Wörter).',
        "en": "{key} has {n} entries but the hierarchy has {m} levels ({words}): "
        'please give one entry per level ("" for known words).',
    },
    "article": {
        "de": "Artikel {value!r} für {word!r} ist ungültig: erlaubt sind der, die, das ({key}).",
        "en": "article {value!r} for {word!r} is not valid: allowed are der, die, das ({key}).",
    },
    "avg_compound": {"de": "{stem}durchschnitt", "en": "{word} average"},
    "avg_adjective": {"de": "{adj} Durchschnitt", "en": "{name} average"},
    "summary_pop": {
        "de": "{subject} hat {pop} in {n_bottom} und {n_middle}.",
        "en": "{subject} has {pop} in {n_bottom} and {n_middle}.",
    },
}

_GENDERS = {"der": "m", "die": "f", "das": "n"}
#: Definite article by gender and case (nominative, accusative, dative, genitive).
_ARTICLES = {
    "m": {"nom": "der", "acc": "den", "dat": "dem", "gen": "des"},
    "f": {"nom": "die", "acc": "die", "dat": "der", "gen": "der"},
    "n": {"nom": "das", "acc": "das", "dat": "dem", "gen": "des"},
    "pl": {"nom": "die", "acc": "die", "dat": "den", "gen": "der"},
}

#: Known German words: singular → (plural, article, English singular, English plural,
#: compound stem as in "Kreisdurchschnitt", genitive singular).
KNOWN_LEVELS: dict[str, tuple[str, str, str, str, str, str]] = {
    "Landkreis": ("Landkreise", "der", "district", "districts", "Kreis", "Landkreises"),
    "Kreis": ("Kreise", "der", "district", "districts", "Kreis", "Kreises"),
    "Stadt": ("Städte", "die", "city", "cities", "Stadt", "Stadt"),
    "Region": ("Regionen", "die", "region", "regions", "Regions", "Region"),
    "Bezirk": ("Bezirke", "der", "borough", "boroughs", "Bezirks", "Bezirks"),
    "Stadtbezirk": (
        "Stadtbezirke",
        "der",
        "city borough",
        "city boroughs",
        "Stadtbezirks",
        "Stadtbezirks",
    ),
    "Gemeinde": ("Gemeinden", "die", "municipality", "municipalities", "Gemeinde", "Gemeinde"),
    "Kommune": ("Kommunen", "die", "municipality", "municipalities", "Kommunal", "Kommune"),
    "Ortsgemeinde": (
        "Ortsgemeinden",
        "die",
        "local municipality",
        "local municipalities",
        "Ortsgemeinde",
        "Ortsgemeinde",
    ),
    "Amt": ("Ämter", "das", "Amt", "Ämter", "Amts", "Amtes"),
    "Verbandsgemeinde": (
        "Verbandsgemeinden",
        "die",
        "municipal association",
        "municipal associations",
        "Verbandsgemeinde",
        "Verbandsgemeinde",
    ),
    "Samtgemeinde": (
        "Samtgemeinden",
        "die",
        "joint municipality",
        "joint municipalities",
        "Samtgemeinde",
        "Samtgemeinde",
    ),
    "Stadtteil": (
        "Stadtteile",
        "der",
        "neighbourhood",
        "neighbourhoods",
        "Stadtteil",
        "Stadtteils",
    ),
    "Stadtviertel": ("Stadtviertel", "das", "quarter", "quarters", "Stadtviertel", "Stadtviertels"),
    "Ortsteil": ("Ortsteile", "der", "locality", "localities", "Ortsteil", "Ortsteils"),
    "Ortschaft": ("Ortschaften", "die", "locality", "localities", "Ortschafts", "Ortschaft"),
    "Sozialraum": (
        "Sozialräume",
        "der",
        "planning area",
        "planning areas",
        "Sozialraum",
        "Sozialraums",
    ),
    "Planungsraum": (
        "Planungsräume",
        "der",
        "planning area",
        "planning areas",
        "Planungsraum",
        "Planungsraums",
    ),
    "Bezirksregion": (
        "Bezirksregionen",
        "die",
        "district region",
        "district regions",
        "Bezirksregions",
        "Bezirksregion",
    ),
    "Prognoseraum": (
        "Prognoseräume",
        "der",
        "forecast area",
        "forecast areas",
        "Prognoseraum",
        "Prognoseraums",
    ),
    "Quartier": ("Quartiere", "das", "quarter", "quarters", "Quartiers", "Quartiers"),
    "Viertel": ("Viertel", "das", "quarter", "quarters", "Viertel", "Viertels"),
    "Wohnplatz": ("Wohnplätze", "der", "settlement", "settlements", "Wohnplatz", "Wohnplatzes"),
    "Gebiet": ("Gebiete", "das", "area", "areas", "Gebiets", "Gebiets"),
}

_DEFAULT_WORDS = ("Landkreis", "Gemeinde", "Sozialraum")


@dataclass(frozen=True)
class Level:
    """One level of a territory, with the German forms every text needs.

    Attributes
    ----------
    singular, plural
        ``"Bezirk"``, ``"Bezirke"``.
    article
        Definite article of the singular: ``"der"``, ``"die"`` or ``"das"``.
    english, english_plural
        ``"borough"``, ``"boroughs"`` (the word itself for words the toolkit does not know).
    stem
        First part of compounds: ``"Bezirks"`` → "Bezirksdurchschnitt".
    genitive
        Genitive singular: ``"Bezirks"`` → "des Bezirks".
    """

    singular: str
    plural: str
    article: str
    english: str
    english_plural: str
    stem: str
    genitive: str

    @property
    def gender(self) -> str:
        """``"m"``, ``"f"`` or ``"n"``."""
        return _GENDERS[self.article]

    @property
    def dative_plural(self) -> str:
        """``"Bezirken"``, ``"Gemeinden"``, ``"Ämtern"`` ("in 12 Bezirken")."""
        return self.plural if self.plural.endswith(("n", "s")) else self.plural + "n"

    @property
    def slug(self) -> str:
        """ASCII word for file names: ``"bezirk"``, ``"stadtteil"``."""
        return slugify(self.singular)

    def word(self, lang: str | None = "de", *, plural: bool = False) -> str:
        """The word in ``lang``: ``"Bezirk"`` / ``"borough"``."""
        if get_lang(lang) == "de":
            return self.plural if plural else self.singular
        return self.english_plural if plural else self.english

    def title(self, lang: str | None = "de", *, plural: bool = False) -> str:
        """Capitalised word for headings and table columns: ``"Bezirk"`` / ``"Borough"``."""
        w = self.word(lang, plural=plural)
        return w[:1].upper() + w[1:]

    def the(self, case: str = "nom", lang: str | None = "de", *, plural: bool = False) -> str:
        """Noun with the definite article: ``"der Bezirk"``, ``"des Bezirks"``, ``"den Bezirken"``."""
        if get_lang(lang) == "en":
            return f"the {self.word('en', plural=plural)}"
        if plural:
            noun = self.dative_plural if case == "dat" else self.plural
            return f"{_ARTICLES['pl'][case]} {noun}"
        noun = self.genitive if case == "gen" else self.singular
        return f"{_ARTICLES[self.gender][case]} {noun}"

    def named(self, name: str, lang: str | None = "de") -> str:
        """``"Bezirk Neukölln"`` (English: ``"borough Neukölln"`` → ``"Neukölln (borough)"``)."""
        if get_lang(lang) == "de":
            return f"{self.singular} {name}".strip()
        return f"{name} ({self.english})" if name else self.english

    def in_named(self, name: str, lang: str | None = "de") -> str:
        """``"im Bezirk Neukölln"``, ``"in der Gemeinde Ahlen"``, ``"in Neukölln (borough)"``."""
        if get_lang(lang) == "en":
            return f"in {self.named(name, 'en')}"
        prep = "in der" if self.gender == "f" else "im"
        return f"{prep} {self.singular} {name}".strip()

    def compound(self, tail: str, lang: str | None = "de", english: str = "") -> str:
        """German compound with the level word: ``compound("grenzen")`` → ``"Bezirksgrenzen"``.

        English: ``"<english word> <english>"`` (``"borough boundaries"``).
        """
        if get_lang(lang) == "de":
            return self.stem + tail
        return f"{self.english} {english or tail}"

    def count(self, n, lang: str | None = "de", *, dative: bool = False) -> str:
        """``"12 Bezirke"``, ``"1 Bezirk"``; ``dative=True``: ``"12 Bezirken"``."""
        L = get_lang(lang)
        one = n is not None and n == n and float(n) == 1
        if L == "de":
            word = self.singular if one else (self.dative_plural if dative else self.plural)
        else:
            word = self.english if one else self.english_plural
        return f"{format_number(n, 0, L)} {word}"


def _level(word: str, plural: str = "", article: str = "") -> Level:
    """A :class:`Level` from a known word, or from ``plural`` and ``article`` given."""
    known = KNOWN_LEVELS.get(word)
    if known is not None:
        pl, art, en, en_pl, stem, gen = known
        pl, art = plural or pl, article or art
        return Level(word, pl, art, en, en_pl, stem, gen)
    gender = _GENDERS[article]
    if gender == "f":
        gen = word
        fugen = word.endswith(("ung", "heit", "keit", "schaft", "ion", "tät"))
    else:
        gen = word + ("es" if word.endswith(("s", "ß", "x", "z")) else "s")
        fugen = not word.endswith(("s", "ß", "x", "z", "e", "el", "er"))
    return Level(word, plural, article, word, plural, word + ("s" if fugen else ""), gen)


@dataclass(frozen=True)
class Territory:
    """The levels of a district or city (top to bottom) and the proper name of the top unit.

    Attributes
    ----------
    levels
        2–4 :class:`Level` s, top (the whole territory) to bottom (the planning areas).
    name
        Proper name of the top unit (``"Berlin"``, ``"Musterland"``); may be empty.
    adjective
        Optional adjective of the name: ``"Berliner"`` → "Berliner Durchschnitt"
        (without it: "Stadtdurchschnitt").
    """

    levels: tuple[Level, ...]
    name: str = ""
    adjective: str | None = None

    @classmethod
    def default(cls, name: str = "") -> Territory:
        """Landkreis → Gemeinde → Sozialraum (the toolkit's original words)."""
        return cls.from_words(_DEFAULT_WORDS, name=name)

    @classmethod
    def from_words(
        cls,
        words: Sequence[str],
        *,
        name: str = "",
        adjective: str | None = None,
        plurals: Sequence[str] | None = None,
        articles: Sequence[str] | None = None,
        lang: str | None = None,
    ) -> Territory:
        """Build a territory from its level words (top to bottom).

        Parameters
        ----------
        words
            2–4 German words, e.g. ``["Stadt", "Bezirk", "Planungsraum"]``.
        name, adjective
            See the class attributes.
        plurals, articles
            One entry per level (``""`` for known words) for words the toolkit does
            not know (:data:`KNOWN_LEVELS`), or to override a known word's forms.

        Raises
        ------
        ConfigError
            Wrong number of levels, or an unknown word without plural or article
            (the message names the setting to add).
        """
        L = get_lang(lang)
        words = [str(w).strip() for w in words]
        shown = ", ".join(words)
        if not 2 <= len(words) <= 4:
            key = knob("territory_levels", L)
            raise ConfigError(t(_MSG, "n_levels", L, n=len(words), words=shown, key=key))
        if not all(words):
            raise ConfigError(t(_MSG, "empty", L, words=shown, key=knob("territory_levels", L)))
        plurals = _per_level(plurals, words, "territory_plurals", L)
        articles = _per_level(articles, words, "territory_articles", L)
        levels = []
        for w, pl, art in zip(words, plurals, articles, strict=True):
            art = art.strip().lower()
            if art and art not in _GENDERS:
                key = knob("territory_articles", L)
                raise ConfigError(t(_MSG, "article", L, value=art, word=w, key=key))
            if w not in KNOWN_LEVELS:
                for given, what, setting, example in (
                    (pl, "what_plural", "territory_plurals", f'"{w}e"'),
                    (art, "what_article", "territory_articles", '"der"'),
                ):
                    if not given:
                        ex = "[" + ", ".join(example if x == w else '""' for x in words) + "]"
                        raise ConfigError(
                            t(
                                _MSG,
                                "unknown",
                                L,
                                word=w,
                                what=t(_MSG, what, L),
                                key=knob(setting, L),
                                example=ex,
                            )
                        )
            levels.append(_level(w, pl.strip(), art))
        return cls(tuple(levels), name=str(name or "").strip(), adjective=adjective or None)

    @classmethod
    def from_settings(
        cls, settings: Mapping | None, project_name: str = "", lang: str | None = None
    ) -> Territory:
        """From the keys of ``[gliederung]`` (``stufen``, ``name``, ``adjektiv``, ``mehrzahl``,
        ``artikel``); the name defaults to ``project_name`` without a leading level word
        (``"Landkreis Musterland"`` → ``"Musterland"``).
        """
        g = settings or {}
        words = list(g.get("stufen") or _DEFAULT_WORDS)
        name = g.get("name")
        if not name:
            name = str(project_name or "").strip()
            first = name.split(" ", 1)
            if len(first) == 2 and first[0] in (*words[:1], "Landkreis", "Kreis", "Stadt"):
                name = first[1].strip()
        return cls.from_words(
            words,
            name=name,
            adjective=g.get("adjektiv"),
            plurals=g.get("mehrzahl"),
            articles=g.get("artikel"),
            lang=lang,
        )

    # -- the levels ----------------------------------------------------------------
    @property
    def top(self) -> Level:
        """The whole territory (Landkreis, Stadt)."""
        return self.levels[0]

    @property
    def middle(self) -> Level:
        """The roll-up level directly above the planning areas (Gemeinde, Bezirk)."""
        return self.levels[-2]

    @property
    def bottom(self) -> Level:
        """The planning areas (Sozialraum, Planungsraum)."""
        return self.levels[-1]

    @property
    def words(self) -> tuple[str, ...]:
        """The level words, top to bottom."""
        return tuple(lv.singular for lv in self.levels)

    # -- phrases ---------------------------------------------------------------------
    def average(self, lang: str | None = "de") -> str:
        """``"Kreisdurchschnitt"``, ``"Stadtdurchschnitt"``, ``"Berliner Durchschnitt"``.

        English: ``"district average"``, ``"city average"``, ``"Berlin average"``.
        """
        L = get_lang(lang)
        if self.adjective:
            return t(_MSG, "avg_adjective", L, adj=self.adjective, name=self.name or self.adjective)
        return t(_MSG, "avg_compound", L, stem=self.top.stem, word=self.top.english)

    def average_title(self, lang: str | None = "de") -> str:
        """The average as a capitalised heading (``"Kreisdurchschnitt"``, ``"City average"``)."""
        s = self.average(lang)
        return s[:1].upper() + s[1:]

    def whole(self, lang: str | None = "de") -> str:
        """The top unit by its name: ``"Stadt Berlin"``, ``"Landkreis Musterland"``.

        Without a name: ``"der Landkreis"`` / ``"the district"``.
        """
        if self.name:
            return self.top.named(self.name, lang) if get_lang(lang) == "de" else self.name
        return self.top.the("nom", lang)

    def subject(self, lang: str | None = "de") -> str:
        """The top unit as the subject of a sentence: ``"Die Stadt Berlin"``, ``"Der Landkreis"``."""
        if self.name:
            s = self.top.the("nom", lang) + " " + self.name if get_lang(lang) == "de" else self.name
        else:
            s = self.top.the("nom", lang)
        return s[:1].upper() + s[1:]

    def population_sentence(
        self, population: str, n_bottom: int, n_middle: int, lang: str | None = "de"
    ) -> str:
        """``"Die Stadt Berlin hat 3.745.108 Einwohner … in 448 Planungsräumen und 12 Bezirken."``"""
        L = get_lang(lang)
        return t(
            _MSG,
            "summary_pop",
            L,
            subject=self.subject(L),
            pop=population,
            n_bottom=self.bottom.count(n_bottom, L, dative=True),
            n_middle=self.middle.count(n_middle, L, dative=True),
        )

    def rate_of_whole(self, lang: str | None = "de") -> str:
        """``"Quote der Stadt insgesamt"`` / ``"rate of the whole city"`` (method notes)."""
        if get_lang(lang) == "de":
            return f"Quote {self.top.the('gen', 'de')} insgesamt"
        return f"rate of the whole {self.top.english}"

    def table_names(self, lang: str | None = "de") -> dict[str, str]:
        """Names of the result tables (Excel sheets, file descriptions) per level.

        ``{"areas": "Planungsräume", "gemeinden": "Bezirke", "kreis": "Stadt"}`` (keys as in
        the roll-up: areas, the level above them, the whole territory).
        """
        return {
            "areas": self.bottom.title(lang, plural=True),
            "gemeinden": self.middle.title(lang, plural=True),
            "kreis": self.top.title(lang),
        }

    def members_heading(self, lang: str | None = "de") -> str:
        """``"Planungsräume des Bezirks"`` / ``"Planning areas of the borough"``."""
        if get_lang(lang) == "de":
            return f"{self.bottom.plural} {self.middle.the('gen', 'de')}"
        return f"{self.bottom.title('en', plural=True)} of the {self.middle.english}"


def _per_level(values, words: list[str], setting: str, L: str) -> list[str]:
    """``values`` as one string per level (``""`` where not given)."""
    if values is None:
        return [""] * len(words)
    if isinstance(values, str):
        values = [values]
    values = ["" if v is None else str(v) for v in values]
    if len(values) != len(words):
        raise ConfigError(
            t(
                _MSG,
                "length",
                L,
                key=knob(setting, L),
                n=len(values),
                m=len(words),
                words=", ".join(words),
            )
        )
    return values
