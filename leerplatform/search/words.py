"""Dutch words for search: stems, stop words, and the word forms a stemmer does not join.

PostgreSQL stems with its own ``dutch`` configuration; SQLite has no stemmer, so the index and
the query are stemmed here with Snowball's Dutch stemmer. Neither joins irregular forms such as
*logeerhuis*/*logeerhuizen* or *kind*/*kinderen* everywhere, so a query word is widened with the
forms in ``WORD_FORMS`` and the suffix rules below before it is searched.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import snowballstemmer

_WORD = re.compile(r"\w+", re.UNICODE)
_stemmer = snowballstemmer.stemmer("dutch")

STOP_WORDS = frozenset(
    """aan al alles als altijd andere ben bij daar dan dat de der deze die dit doch doen door dus
    een eens en er ge geen geweest haar had heb hebben heeft hem het hier hij hoe hun iemand iets
    ik in is ja je kan kon kunnen maar me meer men met mij mijn moet na naar niet niets nog nu of
    om omdat onder ons ook op over reeds te tegen toch toen tot u uit uw van veel voor want waren
    was wat werd wezen wie wil worden wordt zal ze zelf zich zij zijn zo zonder zou""".split()  # noqa: SIM905
)
"""Snowball's Dutch stop-word list: words too common to search on (PostgreSQL drops the same)."""

WORD_FORMS: tuple[tuple[str, ...], ...] = (
    ("logeren", "logeer", "logeert", "logeerde", "logeerden", "gelogeerd", "logeerplek"),
    ("kind", "kinderen", "kindje", "kindjes"),
    ("stad", "steden"),
    ("schip", "schepen"),
    ("lid", "leden"),
    ("verhuizen", "verhuisd", "verhuizing", "verhuist"),
    ("aanvragen", "aangevraagd", "aanvraag", "aanvragen"),
    ("indiceren", "geïndiceerd", "indicatie", "indicaties"),
    ("vervoer", "vervoerder", "vervoerders", "vervoeren", "vervoerd"),
    ("taxi", "taxi's", "taxis", "taxibus", "taxibusje"),
    ("rolstoel", "rolstoelen", "rolstoelbus"),
    ("zorgkantoor", "zorgkantoren"),
    ("pgb", "persoonsgebonden budget"),
    ("wlz", "wet langdurige zorg"),
    ("ouder", "ouders", "mantelzorger", "mantelzorgers"),
    ("wachtlijst", "wachtlijsten", "wachttijd", "wachttijden"),
)
"""Groups of words a parent means as one: irregular plurals, participles, abbreviations."""

SUFFIX_FORMS: tuple[tuple[str, str], ...] = (
    ("huis", "huizen"),
    ("reis", "reizen"),
    ("heid", "heden"),
    ("kind", "kinderen"),
    ("lid", "leden"),
    ("stad", "steden"),
)
"""Irregular endings that hold in compounds too: logeer*huis*/logeer*huizen*, pleeg*kind*."""


@lru_cache(maxsize=50_000)
def fold(word: str) -> str:
    """Lower case without accents: "geïndiceerd" and "geindiceerd" are the same word.
    Remembered: a page of snippets folds the same few hundred words again and again."""
    decomposed = unicodedata.normalize("NFKD", word.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def words(text: str) -> list[str]:
    return _WORD.findall(text)


@lru_cache(maxsize=20_000)
def stem(word: str) -> str:
    return _stemmer.stemWord(fold(word))


def stem_text(text: str | None) -> str:
    """What the SQLite index holds for a text: its stems, separated by spaces."""
    return " ".join(stem(word) for word in words(text or ""))


_GROUPS = {fold(form): group for group in WORD_FORMS for form in group}


def is_known_form(text: str) -> bool:
    return fold(text) in _GROUPS


def forms_of(word: str) -> list[str]:
    """The word and the forms a reader means with it, the word itself first."""
    folded = fold(word)
    found = dict.fromkeys([folded])
    for form in _GROUPS.get(folded, ()):
        found.setdefault(fold(form))
    for singular, plural in SUFFIX_FORMS:
        if folded.endswith(singular):
            found.setdefault(folded[: -len(singular)] + plural)
        elif folded.endswith(plural):
            found.setdefault(folded[: -len(plural)] + singular)
    return list(found)
