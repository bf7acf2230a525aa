"""The nginx site config: every location sends the security headers; HTML is revalidated."""

from __future__ import annotations

import re

import pytest
from site_helpers import ROOT

CONF = ROOT / "deploy" / "nginx" / "normkraft.conf"
SECURITY = {
    "strict-transport-security": "max-age=31536000; includeSubDomains",
    "x-content-type-options": "nosniff",
    "referrer-policy": "strict-origin-when-cross-origin",
}
# A comment, a quoted word, a brace or semicolon, or a bare word.
_TOKEN = re.compile(r"""#[^\n]*|"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)'|([{};])|([^\s{};"'#]+)""")


def _parse(text):
    """Return the directives as (name, args, block or None), blocks nested."""
    stack, words = [[]], []
    for match in _TOKEN.finditer(text):
        if match.group().startswith("#"):
            continue
        double, single, punctuation, bare = match.groups()
        if punctuation == ";":
            stack[-1].append((words[0], words[1:], None))
            words = []
        elif punctuation == "{":
            block = []
            stack[-1].append((words[0], words[1:], block))
            stack.append(block)
            words = []
        elif punctuation == "}":
            stack.pop()
        else:
            words.append(next(w for w in (double, single, bare) if w is not None))
    assert len(stack) == 1 and not words, "unbalanced braces or a missing semicolon"
    return stack[0]


CONFIG = _parse(CONF.read_text(encoding="utf-8"))
(HTTPS,) = [
    block
    for name, _, block in CONFIG
    if name == "server" and ("listen", ["443", "ssl"], None) in block
]
# Each map's value by key: "" is the value when the upstream sent no such header.
MAPS = {
    args[1]: {key: values[0] for key, values, _ in block}
    for name, args, block in CONFIG
    if name == "map"
}


def _headers(block):
    return {args[0].lower(): args[1:] for name, args, _ in block if name == "add_header"}


def _locations():
    """Yield (location, headers it sends): its own add_header lines, or else the server's."""
    inherited = _headers(HTTPS)
    for name, args, block in HTTPS:
        if name == "location":
            yield " ".join(args), _headers(block) or inherited


LOCATIONS = dict(_locations())


def test_the_parser_finds_every_location():
    assert set(LOCATIONS) == {'~* \\.[0-9a-f]{10}\\.(css|js)$', "/", "/en/", "/forms/"}


@pytest.mark.parametrize("location", sorted(LOCATIONS))
@pytest.mark.parametrize("header", sorted(SECURITY))
def test_every_location_sends_the_security_headers(location, header):
    sent = LOCATIONS[location].get(header)
    assert sent is not None, f"location {location} does not send {header}"
    value, *flags = sent
    if value.startswith("$"):
        value = MAPS[value][""]
    assert value == SECURITY[header]
    assert flags == ["always"]  # on error responses too


@pytest.mark.parametrize("header", sorted(SECURITY))
def test_the_forms_service_keeps_its_own_security_headers(header):
    """The sales desk sends a stricter Referrer-Policy, the service its own HSTS: no second one."""
    variable = LOCATIONS["/forms/"][header][0]
    assert MAPS[variable]["default"] == ""  # nginx leaves out a header whose value is empty


@pytest.mark.parametrize("location", ["/", "/en/"])
def test_html_is_revalidated_in_every_language(location):
    assert LOCATIONS[location]["cache-control"] == ["no-cache"]
