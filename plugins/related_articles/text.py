"""Turn an article's title, summary and body into weighted term counts, per language."""

from __future__ import annotations

import html
import re
from collections import Counter

import snowballstemmer

from .stopwords import BUILT_IN

# ISO 639-1 codes of the languages snowballstemmer can stem. A language not
# listed here is still ranked, unstemmed (a full algorithm name such as
# "swedish" is accepted as a language code too).
STEMMER_NAMES = {
    "ar": "arabic", "ca": "catalan", "cs": "czech", "da": "danish", "de": "german",
    "el": "greek", "en": "english", "eo": "esperanto", "es": "spanish", "et": "estonian",
    "eu": "basque", "fa": "persian", "fi": "finnish", "fr": "french", "ga": "irish",
    "hi": "hindi", "hu": "hungarian", "hy": "armenian", "id": "indonesian", "it": "italian",
    "lt": "lithuanian", "nb": "norwegian", "ne": "nepali", "nl": "dutch", "nn": "norwegian",
    "no": "norwegian", "pl": "polish", "pt": "portuguese", "ro": "romanian", "ru": "russian",
    "sr": "serbian", "st": "sesotho", "sv": "swedish", "ta": "tamil", "tr": "turkish",
    "yi": "yiddish",
}

_TAG = re.compile(r"<[^>]*>")
# Letters and digits: "ISO 9001" keeps its number, "e-post" gives "e" and "post".
_WORD = re.compile(r"[^\W_]+")


def plain_text(markup: str | None) -> str:
    """Return the text of an HTML fragment, without tags or entities."""
    if not markup:
        return ""
    return html.unescape(_TAG.sub(" ", markup))


def words(text: str) -> list[str]:
    """Split text into lower-case words."""
    return _WORD.findall(text.casefold())


def stemmer_for(lang: str):
    """Return a snowball stemmer for `lang`, or None where there is none."""
    name = STEMMER_NAMES.get(lang, lang)
    if name in snowballstemmer.algorithms():
        return snowballstemmer.stemmer(name)
    return None


class Analyzer:
    """Map one language's words to index terms: stop words dropped, the rest stemmed."""

    def __init__(self, lang: str, extra_stopwords=(), stem: bool = True):
        self.lang = lang
        self.stopwords = BUILT_IN.get(lang, frozenset()) | {w.casefold() for w in extra_stopwords}
        self._stemmer = stemmer_for(lang) if stem else None
        # Each distinct whitespace-separated token ("Revision," or "e-post") is
        # analysed once per build: most tokens repeat, across articles too.
        self._tokens: dict[str, tuple[tuple[str, ...], int]] = {}

    def term(self, word: str) -> str | None:
        """Return the index term for one lower-case word, or None for a word to ignore."""
        if word in self.stopwords or (len(word) < 2 and not word.isdigit()):
            return None
        if self._stemmer is not None:
            return self._stemmer.stemWord(word)
        return word

    def _token(self, token: str) -> tuple[tuple[str, ...], int]:
        found = _WORD.findall(token)
        terms = tuple(t for t in map(self.term, found) if t is not None)
        self._tokens[token] = analysed = (terms, len(found))
        return analysed

    def count(self, fields) -> tuple[dict[str, float], list[int]]:
        """Return weighted term counts for (text, weight) pairs, and each text's word count."""
        counts: dict[str, float] = {}
        sizes = []
        known = self._tokens
        for text, weight in fields:
            size = 0
            # Splitting on whitespace and counting are done in C; the Python
            # loop below then runs once per distinct token, not once per word.
            for token, n in Counter(text.casefold().split()).items():
                terms, found = known.get(token) or self._token(token)
                size += n * found
                if weight:
                    for t in terms:
                        counts[t] = counts.get(t, 0) + n * weight
            sizes.append(size)
        return counts, sizes
