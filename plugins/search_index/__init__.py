"""Index the built site with Pagefind, one index per page language."""

from .search_index import register

__all__ = ["register"]
