"""Index the built site with Pagefind, one index per page language.

It has no signal handlers of its own: `steps.build_search_index` runs after the
build through the output_steps plugin, so it sees the final pages.
"""
