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


def main():
    from desk_demo import seed_demo
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
