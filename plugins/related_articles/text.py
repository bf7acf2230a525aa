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
        # Each distinct word is stemmed once per build: most words repeat.
        self._terms: dict[str, str | None] = {}

    def term(self, word: str) -> str | None:
        """Return the index term for one word, or None for a word to ignore."""
        try:
            return self._terms[word]
        except KeyError:
            pass
        if word in self.stopwords or (len(word) < 2 and not word.isdigit()):
            term = None
        elif self._stemmer is not None:
            term = self._stemmer.stemWord(word)
        else:
            term = word
        self._terms[word] = term
        return term

    def count(self, fields) -> tuple[dict[str, float], list[int]]:
        """Return weighted term counts for (text, weight) pairs, and each text's word count."""
        counts: Counter[str] = Counter()
        sizes = []
        term = self.term
        for text, weight in fields:
            found = words(text) if text else []
            sizes.append(len(found))
            if not weight:
                continue
            field_counts = Counter(map(term, found))
            field_counts.pop(None, None)
            for t, n in field_counts.items():
                counts[t] += n * weight
        return dict(counts), sizes
