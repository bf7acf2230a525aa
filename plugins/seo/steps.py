"""The SEO plugin's post-build steps (run in order by the output_steps plugin)."""

from __future__ import annotations

from pathlib import Path

from .output_checks import SeoError, check_site
from .sitemap import write_robots, write_sitemap
from .urls import site_origin


def write_site_files(pelican):
    """Write sitemap.xml and robots.txt."""
    write_sitemap(pelican.settings, pelican.settings)
    write_robots(pelican.settings, pelican.settings)


def check_output(pelican):
    """Check every built page; stop the build, naming each page, on any problem."""
    settings = pelican.settings
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
