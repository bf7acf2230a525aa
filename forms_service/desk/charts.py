"""Charts of the overview, drawn on the server as inline SVG with pygal.

The desk's Content-Security-Policy allows no inline script or style, so pygal's <script>
(its tooltips) and <style> are taken out and desk.css styles the chart's classes instead.
Every chart has its numbers in a table beside it (templates/desk/overview.html).

Drawing is most of an overview's time, and the same counts give the same picture: the
last charts drawn are kept by their title, labels and values (every staff member opening
the overview this morning sees the same counts), while the counts themselves are read
anew on every request.
"""

from functools import lru_cache

import pygal
from lxml import etree
from markupsafe import Markup
from pygal.style import Style

SIZE = {"width": 640, "height": 300}
# pygal lays the chart out for these sizes; desk.css gives the text the same ones.
FONTS = Style(label_font_size=12, major_label_font_size=12, title_font_size=15,
              legend_font_size=13, value_font_size=12, tooltip_font_size=12)
COMMON = {
    "style": FONTS,
    "js": [], "disable_xml_declaration": True, "print_values": True, "print_zeroes": False,
    "legend_at_bottom": True, "truncate_label": 38, "truncate_legend": 30, "margin": 12,
    "show_y_guides": True, "no_data_text": "–", "explicit_size": False,
}


def _svg(chart, title):
    """The chart as inline SVG markup without script or style, named for assistive tech."""
    tree = chart.render_tree()
    for element in list(tree.iter("{*}script", "{*}style")):
        element.getparent().remove(element)
    for element in tree.iter():
        # The CSP would refuse style attributes too (pygal hides its tooltip with one).
        element.attrib.pop("style", None)
    tree.set("role", "img")
    tree.set("aria-label", title)
    tree.set("class", "desk-chart-svg")
    for attribute in ("id",):
        tree.attrib.pop(attribute, None)
    return Markup(etree.tostring(tree, encoding="unicode"))


def _chart(kind, title, **options):
    return kind(title=title, **SIZE, **COMMON, **options)


def bars(title, labels, series, x_title=None):
    """Vertical bars: labels along the x axis, series as [(name, values)]."""
    return _bars(str(title), tuple(map(str, labels)),
                 tuple((str(name), tuple(values)) for name, values in series),
                 None if x_title is None else str(x_title))


def ranking(title, rows):
    """Horizontal bars, one per (label, count), largest first (as given)."""
    return _ranking(str(title), tuple((str(label), count) for label, count in rows))


@lru_cache(maxsize=128)
def _bars(title, labels, series, x_title):
    chart = _chart(pygal.Bar, title, x_title=x_title, show_legend=len(series) > 1)
    chart.x_labels = list(labels)
    for name, values in series:
        chart.add(name, values)
    return _svg(chart, title)


@lru_cache(maxsize=128)
def _ranking(title, rows):
    height = max(160, 60 + 28 * len(rows))
    chart = pygal.HorizontalBar(title=title, width=SIZE["width"], height=height,
                                **{**COMMON, "show_legend": False})
    # HorizontalBar draws its first label at the bottom: reverse to keep the largest on top.
    chart.x_labels = [label for label, _count in reversed(rows)]
    chart.add(title, [count for _label, count in reversed(rows)])
    return _svg(chart, title)
