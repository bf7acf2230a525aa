"""Check the built HTML: alternates, links, anchors, titles, descriptions, images."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from .built_site import BuiltSite


class SeoError(Exception):
    """The built site breaks a search-engine rule; the message names each page."""

    def __init__(self, problems):
        self.problems = list(problems)
        super().__init__(f"{len(self.problems)} SEO problem(s):\n" + "\n".join(self.problems))


def check_site(output: Path, origin: str, default_lang: str, skip_prefixes=()) -> list[str]:
    """Return every problem found in the built site (empty when it is clean)."""
    site = BuiltSite(output, origin, skip_prefixes)
    problems = []
    titles = defaultdict(list)
    descriptions = defaultdict(list)
    for relative, facts in site.pages.items():
        base = site.page_url(relative)
        if facts.noindex:
            continue
        if not facts.description:
            problems.append(f"{relative}: missing meta description")
        else:
            descriptions[(facts.lang, facts.description)].append(relative)
        titles[(facts.lang, facts.title.strip())].append(relative)
        for src in facts.images_without_size:
            problems.append(f"{relative}: image {src} has no width and height")
        if facts.social_image and any(site.broken_links([facts.social_image], base)):
            problems.append(f"{relative}: og:image {facts.social_image} is not in the output")
        problems += _check_alternates(site, relative, facts, default_lang)
        problems += (f"{relative}: {problem}" for problem in site.broken_links(facts.links, base))
    for (lang, title), pages in titles.items():
        if len(pages) > 1:
            problems.append(f"{', '.join(pages)}: duplicate title {title!r} in language {lang}")
    for (lang, _), pages in descriptions.items():
        if len(pages) > 1:
            problems.append(f"{', '.join(pages)}: duplicate meta description in language {lang}")
    return problems


def _check_alternates(site, relative, facts, default_lang):
    problems = []
    own = facts.canonical
    if own is None:
        return [f"{relative}: missing canonical link"]
    if facts.alternates.get(facts.lang) != own:
        problems.append(f"{relative}: hreflang has no self link for {facts.lang}")
    if "x-default" not in facts.alternates:
        problems.append(f"{relative}: hreflang has no x-default")
    for hreflang, href in facts.alternates.items():
        target, _, internal = site.resolve(href or "", site.page_url(relative))
        if not internal or target not in site.pages:
            problems.append(f"{relative}: hreflang {hreflang} points to a missing page {href}")
            continue
        if hreflang == "x-default":
            continue
        other = site.pages[target]
        if other.lang != hreflang:
            problems.append(f"{relative}: hreflang {hreflang} points to a page in {other.lang}")
        if other.alternates.get(facts.lang) != own:
            problems.append(
                f"{relative}: hreflang {hreflang} is not reciprocal ({target} does not link back)"
            )
    return problems
