"""Security headers on every answer the service gives: pages, JSON and error pages."""

from urllib.parse import urlsplit

# The pages load the site's stylesheet and the site's own scripts (manage.js asks before a
# cancel), from SITE_URL: the same origin behind nginx, another port in development. No inline
# script, no frames from elsewhere; forms post to themselves.
CSP = ("default-src 'self'; script-src 'self' {site}; style-src 'self' {site}; "
       "img-src 'self' {site}; font-src 'self' {site}; connect-src 'self'; object-src 'none'; "
       "base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
PERMISSIONS_POLICY = ("camera=(), microphone=(), geolocation=(), payment=(), usb=(), "
                      "serial=(), bluetooth=(), display-capture=()")
# A year, the subdomains too (deploy/nginx/normkraft.conf sends the same for the site).
HSTS = "max-age=31536000; includeSubDomains"


def security_headers(config):
    """The headers for this app's settings (HSTS only when the site is served over https)."""
    site = urlsplit(config["SITE_URL"])
    headers = {
        "Content-Security-Policy": CSP.format(site=f"{site.scheme}://{site.netloc}"),
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "DENY",  # frame-ancestors for browsers without CSP level 2
        "Referrer-Policy": "strict-origin-when-cross-origin",
        "Permissions-Policy": PERMISSIONS_POLICY,
    }
    if site.scheme == "https":
        headers["Strict-Transport-Security"] = HSTS
    return headers


def init_app(app):
    """Add the headers to every response; a blueprint's own (the desk's stricter) win."""
    def add_headers(response):
        for name, value in security_headers(app.config).items():
            response.headers.setdefault(name, value)
        return response

    app.after_request(add_headers)
