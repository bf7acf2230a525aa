"""Take the README's pictures of the sales desk: the overview and a person view.

Seeds a throw-away SQLite database with the demo data of the desk's browser tests, serves
the forms service on a loopback port and photographs it with Debian's Chromium (Playwright):

    make desk-screenshots   # writes docs/desk-*.png

It reuses the tests' helpers (tests/, tests/forms/), which the make target puts on the
import path as pytest does.
"""

import shutil
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

SHOTS = [("desk-overview.png", "/admin/overview?lang=sv"),
         ("desk-person.png", "/admin/people/lead/{lead}?lang=sv")]


def seed_readers(app, articles, weeks=12):
    """Twelve weeks of reader counts for the demo's articles (what the beacon would write)."""
    import random
    from datetime import timedelta

    from forms_service.db import db
    from forms_service.models import utcnow
    from forms_service.readers.models import ReaderCount, ReaderDay

    chance = random.Random(9001)
    referrers = [("www.google.com", "", "", ""), ("www.linkedin.com", "linkedin", "social",
                 "hosten"), ("", "nyhetsbrev", "email", "november"), ("", "", "", "")]
    today = utcnow().date()
    with app.app_context():
        for back in range(weeks * 7):
            day = today - timedelta(days=back)
            totals = {"": 0}
            for number, path in enumerate(articles):
                language = "en" if path.startswith("/en/") else "sv"
                for host, source, medium, campaign in referrers:
                    visitors = chance.randint(2, 12 + 8 * (number % 3))
                    db.session.add(ReaderCount(
                        day=day, path=path, language=language, referrer_host=host,
                        utm_source=source, utm_medium=medium, utm_campaign=campaign,
                        screen="l", views=visitors + chance.randint(0, visitors // 2),
                        visitors=visitors))
                    totals[language] = totals.get(language, 0) + visitors
                    totals[""] += visitors
            db.session.add_all(ReaderDay(day=day, language=language, visitors=visitors)
                               for language, visitors in totals.items())
        db.session.commit()


def main():
    from desk_demo import ARTICLES, seed_demo
    from desk_helpers import PASSWORD, STAFF, add_staff
    from forms_helpers import make_app
    from playwright.sync_api import sync_playwright
    from site_helpers import CHROMIUM_ARGS
    from werkzeug.serving import make_server

    chromium = shutil.which("chromium")
    if chromium is None:
        print("desk_screenshots: Debian's chromium is needed (apt-get install chromium)")
        return 1
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        (tmp / "ebook").mkdir()
        for lang in ("sv", "en"):
            (tmp / "ebook" / f"{lang}.md").write_text("# E-bok\n\nText.\n", encoding="utf-8")
        holder = {}
        server = make_server("127.0.0.1", 0, lambda env, start: holder["app"](env, start),
                             threaded=True)
        origin = f"http://127.0.0.1:{server.server_port}"
        app = holder["app"] = make_app(tmp, tmp / "ebook", SITE_URL=origin)
        lead = seed_demo(app)
        seed_readers(app, list(ARTICLES))
        add_staff(app)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto(origin + "/admin/login")
            page.fill("#email", STAFF)
            page.fill("#password", PASSWORD)
            page.click("form.desk-login button[type=submit]")
            page.wait_for_url("**/admin/overview")
            for name, path in SHOTS:
                page.goto(origin + path.format(lead=lead))
                page.screenshot(path=str(ROOT / "docs" / name), full_page=True)
                print(f"wrote docs/{name}")
            browser.close()
        server.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
