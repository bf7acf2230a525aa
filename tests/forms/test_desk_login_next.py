"""The login's `next`: resolved like a browser would, kept on the desk, never a header trick."""

from urllib.parse import parse_qs, urlsplit

import pytest
from bs4 import BeautifulSoup
from desk_helpers import PASSWORD, STAFF, add_staff

from forms_service.desk.gate import local_target

# (next as sent, where a successful login lands)
TARGETS = [
    # Kept, in their resolved form.
    ("/admin/leads?language=en&page=2", "/admin/leads?language=en&page=2"),
    ("/admin/bookings/../leads", "/admin/leads"),
    ("/admin/./deliveries?outcome=sent", "/admin/deliveries?outcome=sent"),
    ("/admin//privacy", "/admin/privacy"),
    ("/admin/leads?q=%C3%A5sa#top", "/admin/leads?q=%C3%A5sa"),
    ("/admin", "/admin"),
    ("/admin/leads?q=a%0D%0Ab", "/admin/leads?q=a%0D%0Ab"),  # encoded in the query: harmless
    # CR/LF or other control characters, raw or percent-encoded: the desk home.
    ("/admin/leads\r\nSet-Cookie: a=b", "/admin/"),
    ("/admin/leads?q=a\r\nSet-Cookie:%20a=b", "/admin/"),
    ("/admin/leads%0d%0aSet-Cookie:%20a=b", "/admin/"),
    ("/admin/leads%0ASet-Cookie:%20a=b", "/admin/"),
    ("/admin/\x00", "/admin/"),
    ("/admin/%00", "/admin/"),
    ("/admin/leads\t", "/admin/"),
    # Out of the desk through "..", however spelled: the desk home.
    ("/admin/../ebook/thanks", "/admin/"),
    ("/admin/%2e%2e/ebook/thanks", "/admin/"),
    ("/admin/%2E%2E%2Fhealth", "/admin/"),
    ("/admin/leads/..%2f..%2fhealth", "/admin/"),
    ("/admin/../../../etc/passwd", "/admin/"),
    ("/admin/..", "/admin/"),
    ("/administrator", "/admin/"),
    # Backslashes (browsers read them as slashes) and other hosts.
    ("/admin\\..\\health", "/admin/"),
    ("/admin/%5c..%5chealth", "/admin/"),
    ("/admin/../%2F%2Fevil.example/", "/admin/"),
    ("/%2F%2Fevil.example/admin/", "/admin/"),
    ("//evil.example/admin/", "/admin/"),
    ("https://evil.example/admin/", "/admin/"),
    ("admin/leads", "/admin/"),
    ("", "/admin/"),
]


@pytest.mark.parametrize("target, landing", TARGETS)
def test_local_target(sqlite_app, target, landing):
    with sqlite_app.test_request_context():
        assert (local_target(target) or "/admin/") == landing


def login_page(client, target):
    """GET the login page with ?next=; return (status, csrf token, the hidden next field)."""
    page = client.get("/admin/login", query_string={"next": target})
    soup = BeautifulSoup(page.get_data(as_text=True), "lxml")
    token = soup.select_one("input[name=csrf_token]")["value"]
    return page.status_code, token, soup.select_one("input[name=next]")["value"]


def test_login_with_a_crafted_next_lands_on_the_desk(app):
    """Over HTTP: ?next= on GET, then its hidden field POSTed back, on both databases."""
    add_staff(app)
    for target, landing in TARGETS:
        client = app.test_client()
        if "\x00" in target:
            # A NUL in any query is refused before the page (forms_service/submission.py).
            refused = client.get("/admin/login", query_string={"next": target})
            assert refused.status_code == 422, target
            assert "innehåller tecken som inte är tillåtna" in refused.get_data(as_text=True)
            token = login_page(client, "")[1]
            answer = client.post("/admin/login", data={
                "email": STAFF, "password": PASSWORD, "next": target, "csrf_token": token})
            assert answer.status_code == 422, target  # and in a form field too
            continue
        status, token, field = login_page(client, target)
        assert status == 200, target
        # The page carries next as it came (as an HTML parser reads it: CR LF as LF, NUL as
        # U+FFFD); it is posted back as it came, by a crafted form.
        read = target.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "\ufffd")
        assert field == read, target
        answer = client.post("/admin/login", data={
            "email": STAFF, "password": PASSWORD, "next": target, "csrf_token": token})
        assert (answer.status_code, answer.location) == (303, landing), target
        assert "Set-Cookie: a=b" not in str(answer.headers)
        assert client.get(answer.location, follow_redirects=True).status_code == 200, target


def test_the_gates_own_next_survives_the_round_trip(app):
    add_staff(app)
    client = app.test_client()
    asked = client.get("/admin/leads", query_string={"q": "a\r\nb", "page": "2"})
    assert asked.status_code == 302
    (target,) = parse_qs(urlsplit(asked.location).query)["next"]
    status, token, field = login_page(client, target)
    answer = client.post("/admin/login", data={
        "email": STAFF, "password": PASSWORD, "next": field, "csrf_token": token})
    assert (answer.status_code, answer.location) == (303, "/admin/leads?q=a%0D%0Ab&page=2")
    assert client.get(answer.location).status_code == 200
