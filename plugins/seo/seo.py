"""Connect the SEO helpers, the sitemap and the output checks to Pelican's signals."""

from pathlib import Path

from pelican import signals

from .head import install_head_helpers
from .output_checks import SeoError, check_site
from .sitemap import record_page, start_recording, write_robots, write_sitemap
from .urls import site_origin


def begin_build(pelican):
    start_recording(pelican.settings)


def finish_build(pelican):
    """Write sitemap.xml and robots.txt, then check every built page."""
    settings = pelican.settings
    write_sitemap(settings, settings)
    write_robots(settings, settings)
    if not settings.get("SEO_CHECKS", True):
        return
    problems = check_site(
        Path(settings["OUTPUT_PATH"]),
        site_origin(settings),
        settings["DEFAULT_LANG"],
        skip_prefixes=settings.get("SEO_CHECK_SKIP", ["/forms", "/pagefind"]),
    )
    if problems:
        raise SeoError(problems)


def register():
    signals.initialized.connect(begin_build)
    signals.generator_init.connect(install_head_helpers)
    signals.content_written.connect(record_page)
    signals.finalized.connect(finish_build)
