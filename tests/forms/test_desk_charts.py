"""The desk's charts (forms_service/desk/charts.py): SVG the CSP allows, drawn once per data."""

from lxml import etree

from forms_service.desk import charts


def parse(markup):
    return etree.fromstring(str(markup).encode())


def test_a_chart_has_no_script_no_style_and_a_name():
    svg = parse(charts.bars("Leads per week", ["v1", "v2"], [("Leads", [3, 5])]))
    assert svg.get("role") == "img" and svg.get("aria-label") == "Leads per week"
    assert not list(svg.iter("{*}script", "{*}style"))
    assert not [element for element in svg.iter() if "style" in element.attrib]


def test_the_same_counts_are_drawn_once_and_other_counts_anew():
    charts._bars.cache_clear()
    first = charts.bars("Leads per week", ["v1", "v2"], [("Leads", [3, 5])])
    again = charts.bars("Leads per week", ("v1", "v2"), [("Leads", (3, 5))])
    assert again is first
    assert charts._bars.cache_info().hits == 1
    other = charts.bars("Leads per week", ["v1", "v2"], [("Leads", [3, 6])])
    assert other != first
    assert "6" in {text.strip() for text in parse(other).itertext()}


def test_a_ranking_is_kept_by_its_rows():
    charts._ranking.cache_clear()
    rows = [("ISO 9001", 7), ("ISO 14001", 2)]
    first = charts.ranking("Leads by article", rows)
    assert charts.ranking("Leads by article", list(rows)) is first
    assert charts.ranking("Leads by article", [("ISO 9001", 8), ("ISO 14001", 2)]) != first
