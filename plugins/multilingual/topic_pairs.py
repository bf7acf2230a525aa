"""Find the same topic in every language, through the topics' translated articles.

Topics are named in their own language ("Ledningssystem", "Management
systems"), so their slugs seldom match. Two topics are one topic when their
articles are translations of each other: each pair of article versions votes
for the pair of topics they carry, pairs with more votes are joined first
(ties by topic name), and a group never takes two topics of one language. A
topic left without a partner in a language falls back to the one with its slug.
Every topic of a group then names the same partners, in any number of languages.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from itertools import combinations

Topic = tuple[str, str]  # (language code, topic slug)


def _votes(topics_by_lang, order, listed) -> Counter:
    """Count, per pair of listed topics, the pairs of article versions that carry them."""
    votes = Counter()
    for code, topics in topics_by_lang.items():
        for topic, articles in topics:
            for article in articles:
                for translation in getattr(article, "translations", ()):
                    other = getattr(translation, "category", None)
                    partner = (translation.lang, other.slug if other else None)
                    # Count each pair of versions once, from its earlier language.
                    if partner in listed and order[partner[0]] > order[code]:
                        votes[(code, topic.slug), partner] += 1
    return votes


def topic_groups(topics_by_lang) -> dict[Topic, Topic]:
    """Return {(language code, topic slug): the key its versions in every language share}.

    `topics_by_lang` maps each language code, in the site's language order,
    to its [(topic, articles)]. The key is the group's topic in the earliest
    language, so it does not depend on the order the groups were joined in.
    """
    order = {code: index for index, code in enumerate(topics_by_lang)}
    names = {
        (code, topic.slug): topic.name
        for code, topics in topics_by_lang.items()
        for topic, _ in topics
    }
    votes = _votes(topics_by_lang, order, names)
    by_votes = sorted(
        votes, key=lambda pair: (-votes[pair], names[pair[0]], names[pair[1]], pair)
    )
    by_slug = defaultdict(list)
    for topic in names:
        by_slug[topic[1]].append(topic)
    same_slug = [pair for slug in sorted(by_slug) for pair in combinations(by_slug[slug], 2)]

    # topic -> its group, {language code: topic}; joined groups share one dict.
    groups = {topic: {topic[0]: topic} for topic in names}
    for first, second in [*by_votes, *same_slug]:
        joined, other = groups[first], groups[second]
        if joined is other or joined.keys() & other.keys():
            continue  # already one topic, or it would take two topics of one language
        joined.update(other)
        for topic in other.values():
            groups[topic] = joined
    return {
        topic: min(group.values(), key=lambda member: order[member[0]])
        for topic, group in groups.items()
    }
