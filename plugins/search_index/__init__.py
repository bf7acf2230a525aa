"""Index the built site with Pagefind, one index per page language.

As a plugin (in PLUGINS) it sends each page to Pagefind while Pelican writes
the rest; `steps.start_search_index` and `steps.finish_search_index`, run by the
output_steps plugin, write the bundle and wait for it. Without the plugin those
steps run the Pagefind CLI over the finished output instead.
"""

from .search_index import register

__all__ = ["register"]
