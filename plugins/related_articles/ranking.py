"""Rank one language's articles against each other with sparse TF-IDF vectors.

No n-by-n matrix: each article keeps only its strongest terms, each term
remembers only its strongest articles, and an article is scored only against
the articles it shares such a term (or a tag) with. Time and memory grow
linearly with the number of articles.
"""

from __future__ import annotations

import heapq
import math
from collections import Counter, defaultdict
from dataclasses import dataclass
from operator import itemgetter


@dataclass(frozen=True)
class Doc:
    """What ranking needs to know about one article."""

    counts: dict[str, float]  # weighted term counts (text.Analyzer.count)
    tags: frozenset[str]
    topic: str | None
    order: tuple  # sorts newest first, then by slug: the tie-breaker


@dataclass(frozen=True)
class Weights:
    """How much each signal counts, and how far the index is pruned."""

    tags: float = 0.25
    topic: float = 0.1
    terms_per_doc: int = 16  # strongest terms kept per article
    postings_per_term: int = 16  # strongest articles kept per term
    postings_per_tag: int = 16  # newest articles kept per tag
    max_df: float = 0.5  # words in more of the articles than this say nothing
    min_docs_for_max_df: int = 20  # ... once there are enough articles to tell


def _vectors(docs, weights):
    n = len(docs)
    df = Counter()
    for doc in docs:
        df.update(doc.counts.keys())
    too_common = weights.max_df * n if n >= weights.min_docs_for_max_df else n
    # A term in one article only cannot relate it to anything.
    idf = {t: math.log((n + 1) / d) for t, d in df.items() if 2 <= d <= too_common}
    vectors = []
    log1p, sqrt, keep = math.log1p, math.sqrt, weights.terms_per_doc
    for doc in docs:
        # (-weight, term): sorting puts the strongest first, ties by term, so the
        # sums below add up in the same order every build.
        weighted = [(-log1p(tf) * idf[t], t) for t, tf in doc.counts.items() if t in idf]
        norm = sqrt(sum(w * w for w, _ in weighted)) or 1.0
        weighted.sort()
        vectors.append([(t, -w / norm) for w, t in weighted[:keep]])
    return vectors


class Ranker:
    """Answer "which articles are most like article i?" for one language."""

    def __init__(self, docs: list[Doc], weights: Weights = Weights()):
        self.docs = docs
        self.weights = weights
        self.vectors = _vectors(docs, weights)
        cap = weights.postings_per_term
        postings = defaultdict(list)
        for i, vector in enumerate(self.vectors):
            for t, w in vector:
                postings[t].append((-w, i))  # sorts strongest first, ties by index
        self.postings = {}
        for t, p in postings.items():
            if len(p) > 1:
                p.sort()
                self.postings[t] = [(i, -w) for w, i in p[:cap]]
        self.newest = sorted(range(len(docs)), key=lambda i: docs[i].order)
        self.newest_by_topic = defaultdict(list)
        by_tag = defaultdict(list)
        for i in self.newest:
            self.newest_by_topic[docs[i].topic].append(i)
            for tag in docs[i].tags:
                by_tag[tag].append(i)
        keep = weights.postings_per_tag
        self.by_tag = {tag: items[:keep] for tag, items in by_tag.items() if len(items) > 1}
        # Shared tags score as the cosine of the articles' tag sets, times the weight.
        self.tag_norm = [1 / math.sqrt(len(d.tags)) if d.tags else 0.0 for d in docs]

    def scores(self, i: int) -> dict[int, float]:
        """Return a score for every article sharing a strong term or a tag with article i."""
        acc: dict[int, float] = {}
        get = acc.get
        postings = self.postings
        for t, w in self.vectors[i]:
            for j, wj in postings.get(t, ()):
                acc[j] = get(j, 0.0) + w * wj
        docs, weights = self.docs, self.weights
        doc = docs[i]
        if doc.tags and weights.tags:
            norm = self.tag_norm
            factor = weights.tags * norm[i]
            for tag in sorted(doc.tags):
                for j in self.by_tag.get(tag, ()):
                    acc[j] = get(j, 0.0) + factor * norm[j]
        topic = doc.topic
        if topic is not None and weights.topic:
            bonus = weights.topic
            for j in acc:
                if docs[j].topic == topic:
                    acc[j] += bonus
        acc.pop(i, None)
        return acc

    def related(self, i: int, want: int, skip=frozenset()) -> list[int]:
        """Return up to `want` articles for article i, best first, never i or `skip`.

        Scored articles come first, ties broken by date, then slug; the newest
        of the same topic, then of any topic, fill the rest.
        """
        if want <= 0:
            return []
        scores = self.scores(i)
        for j in skip:
            scores.pop(j, None)
        docs = self.docs
        # Scores within a rounding error of the want-th best may tie with it.
        top = heapq.nlargest(want + 8, scores.items(), key=itemgetter(1))
        if len(top) > want:
            floor = top[want - 1][1] - 1e-9
            if top[-1][1] >= floor:  # more ties than fetched: look at all of them
                top = [(j, s) for j, s in scores.items() if s >= floor]
            else:
                top = [(j, s) for j, s in top if s >= floor]
        top.sort(key=lambda js: (-round(js[1], 9), docs[js[0]].order))
        best = [j for j, _ in top[:want]]
        if len(best) < want:
            taken = {i, *skip, *best}
            for pool in (self.newest_by_topic[docs[i].topic], self.newest):
                for j in pool:
                    if len(best) == want:
                        break
                    if j not in taken:
                        best.append(j)
                        taken.add(j)
        return best
