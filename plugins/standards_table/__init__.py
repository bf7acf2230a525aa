"""A Markdown shortcode that renders a side-by-side comparison of two standards."""

from .standards_table import register

__all__ = ["register"]
