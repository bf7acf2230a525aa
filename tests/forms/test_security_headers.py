"""Every route of the service answers with the security headers, error pages included."""

import pytest
from desk_helpers import staff_client
from forms_helpers import example_url

ALWAYS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
}
HSTS = "max-age=31536000; includeSubDomains"


def check(response, where, https):
    policy = response.headers.get("Content-Security-Policy", "")
    assert "frame-ancestors 'none'" in policy, where
    assert "default-src 'self'" in policy and "unsafe-inline" not in policy, where
    for name, value in ALWAYS.items():
        assert response.headers.get(name) == value, (where, name)
    assert response.headers.get("Referrer-Policy") in {
        "strict-origin-when-cross-origin", "same-origin"}, where
    assert "camera=()" in response.headers.get("Permissions-Policy", ""), where
    assert response.headers.get("Strict-Transport-Security") == (HSTS if https else None), where


@pytest.mark.parametrize("site_url", ["https://www.normkraft.se", "http://192.168.1.20:8000"])
def test_every_route_sends_the_security_headers(site_url, build_app):
    app = build_app(SITE_URL=site_url)
    https = site_url.startswith("https")
    anonymous, staff = app.test_client(), staff_client(app)
    rules = [rule for rule in app.url_map.iter_rules() if rule.endpoint != "static"]
    assert len(rules) >= 25  # the walk covers the public pages and the desk
    seen = set()
    for rule in rules:
        url = example_url(rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            for client in (anonymous, staff):
                for accept in ("text/html", "application/json"):
                    response = client.open(url, method=method, headers={"Accept": accept})
                    response.get_data()  # a streamed export runs to its end
                    response.close()
                    seen.add(response.status_code)
                    check(response, (method, url, accept), https)
    # Pages, redirects and error pages all had their turn.
    assert {200, 302, 400, 404} <= seen
    check(anonymous.get("/no/such/page"), "404", https)


@pytest.mark.parametrize("site_url, secure", [
    ("https://www.normkraft.se", True),
    ("http://0.0.0.0:8000", False),  # HOST=0.0.0.0 make run: reached over the LAN by http
    ("http://192.168.1.20:8000", False),
    ("http://127.0.0.1:8000", False),
])
def test_the_cookie_is_secure_only_on_an_https_site(monkeypatch, site_url, secure):
    from forms_service.config import from_environment

    monkeypatch.setenv("FORMS_SITE_URL", site_url)
    assert from_environment()["SESSION_COOKIE_SECURE"] is secure
