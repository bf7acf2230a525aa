"""Multilingual structure: per-language URLs, listings, feeds and a language switcher."""

from .multilingual import register

__all__ = ["register"]
