"""Rank each article's "More articles" by what it says, in its own language."""

from .related_articles import register

__all__ = ["register"]
