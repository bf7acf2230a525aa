"""Render a part of a page once per language and reuse it on every page of that language.

In a template: `{% call once_per_language("footer") %}...{% endcall %}`. The
part must depend only on the page's language (never on the page itself); the
call-out, the footer and the search box of ten thousand articles are then
rendered twice, not twenty thousand times.
"""

from __future__ import annotations

from jinja2 import pass_context
from markupsafe import Markup

from .languages import current_language


def once_per_language_helper():
    """Return a fresh `once_per_language` for one Jinja environment (one build)."""
    fragments: dict[tuple[str, str], Markup] = {}

    @pass_context
    def once_per_language(context, name, caller):
        key = (current_language(context).code, name)
        found = fragments.get(key)
        if found is None:
            found = fragments[key] = Markup(caller())
        return found

    return once_per_language
