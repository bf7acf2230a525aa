"""Read what the SEO checks need from one built HTML page, with a few fast regexes."""

from __future__ import annotations

import re
from html import unescape

# The pages are written by this project's own templates, so a tag scanner is
# enough; it is many times faster than a full HTML parser on 10,000 pages.
# It finds the tags <(html|title|meta|link|a|img)\b([^>]*)> would find with
# re.IGNORECASE, faster: letters are spelled out as classes (with the non-ASCII
# letters IGNORECASE also matches), since the engine rejects a branch that starts
# with a class at once, and the look-ahead rejects most other tags early.
# Most tags are <a> tags written the usual way, bare names and name="value"
# pairs: the first branch reads those whole, its group keeping the last href
# (the one a dict of the attributes keeps). The second branch finds the others.
_TAG = re.compile(
    r"<(?=[aAhHtTmMlLiI\u0130\u0131])(?:"
    r'[aA](?:\s+(?:[hH][rR][eE][fF](="[^">]*"|(?=[\s/>]))'
    r'|[a-zA-Z_:][-a-zA-Z0-9_:.]*(?:="[^">]*")?))*\s*/?\s*>'
    r"|([hH][tT][mM][lL]|[tT][iI\u0130\u0131][tT][lL][eE]|[mM][eE][tT][aA]"
    r"|[lL][iI\u0130\u0131][nN][kK\u212a]|[aA]|[iI\u0130\u0131][mM][gG])\b([^>]*)>)"
)
_ATTR = re.compile(
    r"""([a-zA-Z_:][-a-zA-Z0-9_:.]*)"""
    r"""(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?"""
)
# An id attribute is whitespace, "id", "=" and a value. Starting the pattern with
# the literal lets the regex engine jump from one "id" to the next instead of
# trying at every whitespace; the look-behind then asks for the whitespace.
_ID = re.compile(r"""id(?<=\sid)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+))""")
_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)


def _unescape(text):
    return unescape(text) if "&" in text else text


def _attributes(text):
    return {name.lower(): _unescape(a or b or c) for name, a, b, c in _ATTR.findall(text)}


class PageFacts:
    """What the checks need from one HTML page."""

    def __init__(self, html: str):
        self.lang = None
        self.description = None
        self.canonical = None
        self.social_image = None
        self.alternates = {}
        self.links = []
        self.images_without_size = []
        self.noindex = False
        title = _TITLE.search(html)
        self.title = _unescape(title.group(1)) if title else ""
        self.ids = {a or b or c for a, b, c in _ID.findall(html)}
        if any("&" in id_ for id_ in self.ids):
            self.ids = {unescape(id_) for id_ in self.ids}
        links = self.links
        for href, name, text in _TAG.findall(html):
            if not name:
                if len(href) > 3:  # more than =""
                    href = href[2:-1]
                    links.append(unescape(href) if "&" in href else href)
                continue
            tag = name.lower()
            if tag == "a":
                href = _attributes(text).get("href")
                if href:
                    links.append(href)
            # Only a few <meta> and <link> tags matter: skip the others unparsed. A
            # value that matters holds its word unless it is written with entities,
            # and a <meta> that matters has a name attribute, or is og:image.
            elif tag == "meta":
                if (
                    ("description" in text or "robots" in text or "&" in text)
                    and "name" in text.lower()
                ) or "og:image" in text:
                    self._tag(tag, _attributes(text))
            elif tag == "link":
                if "canonical" in text or "alternate" in text or "&" in text:
                    self._tag(tag, _attributes(text))
            elif tag != "title":
                self._tag(tag, _attributes(text))

    def _tag(self, tag, attrs):
        if tag == "html":
            self.lang = attrs.get("lang")
        elif tag == "meta" and attrs.get("name") == "description":
            self.description = attrs.get("content", "").strip()
        elif tag == "meta" and attrs.get("name") == "robots":
            self.noindex = "noindex" in attrs.get("content", "")
        elif tag == "meta" and attrs.get("property") == "og:image":
            self.social_image = attrs.get("content")
        elif tag == "link" and attrs.get("rel") == "canonical":
            self.canonical = attrs.get("href")
        elif tag == "link" and attrs.get("rel") == "alternate" and attrs.get("hreflang"):
            self.alternates[attrs["hreflang"]] = attrs.get("href")
        elif tag == "img" and not (attrs.get("width") and attrs.get("height")):
            self.images_without_size.append(attrs.get("src", "?"))
