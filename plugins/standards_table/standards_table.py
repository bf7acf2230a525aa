"""Add the comparison-table extension to Pelican's Markdown settings."""

from pelican import signals

from .data import load_standards
from .markdown_ext import StandardsTableExtension


def add_markdown_extension(pelican):
    settings = pelican.settings
    data = load_standards(settings.get("STANDARDS_DATA", "content/data/standards.toml"))
    markdown = dict(settings.get("MARKDOWN", {}))
    extensions = [
        ext
        for ext in markdown.get("extensions", [])
        if not isinstance(ext, StandardsTableExtension)
    ]
    extensions.append(StandardsTableExtension(data, settings["DEFAULT_LANG"]))
    markdown["extensions"] = extensions
    settings["MARKDOWN"] = markdown


def register():
    signals.initialized.connect(add_markdown_extension)
