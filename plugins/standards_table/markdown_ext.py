"""The Markdown extension: `[[compare iso-9000 iso-9001]]` on a line of its own."""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree

from markdown.blockprocessors import BlockProcessor
from markdown.extensions import Extension

from .data import ROWS

SHORTCODE = re.compile(r"^\[\[compare\s+([\w.-]+)\s+([\w.-]+)\s*\]\]$")


class UnknownStandardError(ValueError):
    """The shortcode names a standard that the data file does not have."""


class CompareProcessor(BlockProcessor):
    def __init__(self, parser, data, default_lang):
        super().__init__(parser)
        self.data = data
        self.default_lang = default_lang

    def test(self, parent, block):
        return bool(SHORTCODE.match(block.strip()))

    def _lang(self):
        meta = getattr(self.parser.md, "Meta", {}) or {}
        value = meta.get("lang", [self.default_lang])
        lang = value[0] if isinstance(value, list) and value else value
        return lang if lang in self.data["labels"] else self.default_lang

    def run(self, parent, blocks):
        match = SHORTCODE.match(blocks.pop(0).strip())
        keys = match.groups()
        standards = self.data["standards"]
        for key in keys:
            if key not in standards:
                known = ", ".join(sorted(standards))
                raise UnknownStandardError(
                    f"standards_table: unknown standard '{key}' in [[compare]] (known: {known})"
                )
        lang = self._lang()
        labels = self.data["labels"][lang]
        left, right = (standards[k] for k in keys)
        caption_text = labels["caption"].format(left=left["code"], right=right["code"])

        region = etree.SubElement(parent, "div")
        region.set("class", "table-scroll")
        region.set("role", "region")
        region.set("aria-label", caption_text)
        region.set("tabindex", "0")
        table = etree.SubElement(region, "table")
        table.set("class", "comparison")
        etree.SubElement(table, "caption").text = caption_text
        head_row = etree.SubElement(etree.SubElement(table, "thead"), "tr")
        for text in (labels["aspect"], left["code"], right["code"]):
            th = etree.SubElement(head_row, "th")
            th.set("scope", "col")
            th.text = text
        body = etree.SubElement(table, "tbody")
        for row in ROWS:
            tr = etree.SubElement(body, "tr")
            th = etree.SubElement(tr, "th")
            th.set("scope", "row")
            th.text = labels[row]
            for standard in (left, right):
                etree.SubElement(tr, "td").text = self._cell(standard, row, lang, labels)

    @staticmethod
    def _cell(standard, row, lang, labels):
        if row == "certifiable":
            return labels["yes"] if standard["certifiable"] else labels["no"]
        if row == "edition":
            return str(standard["edition"])
        return standard[lang][row]


class StandardsTableExtension(Extension):
    def __init__(self, data, default_lang, **kwargs):
        self.data = data
        self.default_lang = default_lang
        super().__init__(**kwargs)

    def extendMarkdown(self, md):  # noqa: N802 - Markdown's API name
        md.parser.blockprocessors.register(
            CompareProcessor(md.parser, self.data, self.default_lang), "standards_compare", 95
        )
