"""related_articles' text analysis and ranking, without a site build."""

from __future__ import annotations

import pytest

from plugins.related_articles.ranking import Doc, Ranker, Weights
from plugins.related_articles.text import Analyzer, plain_text


def analyse(analyzer, text):
    counts, _ = analyzer.count([(text, 1)])
    return counts


def test_swedish_stop_words_go_and_inflections_meet():
    counts = analyse(Analyzer("sv"), "Revisionen och revisioner: det är en revision.")
    assert set(counts) == {"revision"}
    assert counts["revision"] == 3


def test_english_stop_words_go_and_inflections_meet():
    counts = analyse(Analyzer("en"), "The audits and the audit, audited.")
    assert set(counts) == {"audit"}


def test_a_language_without_stemmer_or_stop_words_still_counts_words():
    analyzer = Analyzer("xx")
    assert analyse(analyzer, "Kala kalat, kala! 9001") == {"kala": 2, "kalat": 1, "9001": 1}


def test_extra_stop_words_and_no_stemming_are_honoured():
    analyzer = Analyzer("en", extra_stopwords=["Audit"], stem=False)
    assert analyse(analyzer, "Audit audits") == {"audits": 1}


def test_field_weights_and_word_counts():
    counts, sizes = Analyzer("en").count([("Firewall", 3), ("", 2), ("firewall rules", 1)])
    assert counts == {"firewal": 4, "rule": 1}
    assert sizes == [1, 0, 2]


def test_plain_text_drops_markup_and_entities():
    assert plain_text("<p>Fish &amp; <em>chips</em></p>").split() == ["Fish", "&", "chips"]


def doc(words, *, tags=(), topic=None, order=0):
    return Doc(counts=dict.fromkeys(words.split(), 1), tags=frozenset(tags), topic=topic,
               order=(order, ""))


def test_ranking_in_a_language_without_any_language_support():
    analyzer = Analyzer("xx")
    texts = ["kala vesi järvi", "kala vesi meri", "puu metsä sieni", "puu metsä marja"]
    docs = [Doc(counts=analyse(analyzer, t), tags=frozenset(), topic=None, order=(i, ""))
            for i, t in enumerate(texts)]
    ranker = Ranker(docs)
    assert ranker.related(0, 1) == [1]
    assert ranker.related(2, 1) == [3]


def test_tags_and_topic_add_to_text():
    docs = [
        doc("alpha beta", tags=["x"], topic="t"),
        doc("alpha gamma", order=1),
        doc("alpha delta", tags=["x"], order=2),
        doc("alpha epsilon", topic="t", order=3),
        doc("omega", order=4),
    ]
    assert Ranker(docs).related(0, 4) == [2, 3, 1, 4]


def test_skip_and_fill_never_repeat_or_return_the_article():
    docs = [doc("alpha", topic="t", order=i) for i in range(4)] + [doc("zeta", order=9)]
    related = Ranker(docs).related(0, 10, skip={1})
    assert related == [2, 3, 4]


@pytest.mark.parametrize("want", [0, -1])
def test_nothing_wanted_gives_nothing(want):
    assert Ranker([doc("a b"), doc("a b")]).related(0, want) == []


def test_pruning_keeps_the_index_linear():
    weights = Weights(terms_per_doc=2, postings_per_term=3)
    docs = [doc(f"common w{i % 5} v{i % 7} u{i}", order=i) for i in range(60)]
    ranker = Ranker(docs, weights)
    assert all(len(vector) <= 2 for vector in ranker.vectors)
    assert all(len(postings) <= 3 for postings in ranker.postings.values())
    assert all(len(ranker.related(i, 3)) == 3 for i in range(60))
