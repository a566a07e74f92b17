"""The release check reads a page's text with fast helpers that equal the patterns they replace.

Each helper is compared with the regular expression it stands for, on edge cases and on
random texts of the characters that matter (every kind of Unicode white space, tags,
case variants of the words the patterns look for).
"""

from __future__ import annotations

import random
import re
import unicodedata

from sozialraum.privacy import checker

SPACES = (
    " \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
#: Characters that are no white space although they look like it.
NOT_SPACES = "\u200b\u180e\ufeff"
PIECES = [
    *SPACES,
    *NOT_SPACES,
    "a",
    "Ä",
    "1",
    "<",
    ">",
    "/",
    "<section>",
    "<SECTION class='x'>",
    "<article>",
    "<sections>",
    "<articles>",
    "<br>",
    "<p>",
    "Hot Spot 95 %",
    "hot-spot 99%",
    "COLD SPOT 90\xa0%",
    "ColdSpot  95 %",
    "Hotspot 9 %",
    "ſpot",
    "Spot",
    "xHot Spot 95 %",
]


def _random_texts(n: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(PIECES) for _ in range(rng.randint(0, 40))) for _ in range(n)]


EDGES = ["", " ", "  ", "a", " a", "a ", " a ", "\n\ta b\u3000c\xa0", "\u200b", "\u200b \u200b"]


def test_squash_equals_the_white_space_pattern():
    for text in EDGES + _random_texts(3000, 1):
        assert checker._squash(text) == re.sub(r"\s+", " ", text), repr(text)


def test_clean_equals_normalised_pattern_and_strip():
    for text in EDGES + _random_texts(3000, 2):
        want = re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text)).strip()
        assert checker._clean(text) == want, repr(text)


def test_sections_equal_a_split_before_each_section():
    split = re.compile(r"(?=<(?:section|article)\b)", re.IGNORECASE).split
    for text in EDGES + _random_texts(3000, 3):
        assert checker._sections(text) == split(text), repr(text)


def test_labels_are_dropped_as_the_pattern_drops_them():
    for text in EDGES + _random_texts(3000, 4):
        assert checker._drop_labels(text) == checker._LABEL_RE.sub(" ", text), repr(text)


def test_the_random_texts_reach_every_case():
    """The comparisons above are not vacuous: the texts hit what each helper handles."""
    texts = _random_texts(3000, 4)
    assert sum(checker._LABEL_RE.search(t) is not None for t in texts) > 100
    assert any("ſpot" in t and checker._LABEL_RE.search(t) for t in _random_texts(3000, 4))
    texts = _random_texts(3000, 3)
    assert sum(len(checker._sections(t)) > 2 for t in texts) > 100
    texts = _random_texts(3000, 1)
    assert sum(t[:1].isspace() and t[-1:].isspace() for t in texts) > 100
