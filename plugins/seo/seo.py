"""Connect the SEO helpers and the sitemap recorder to Pelican's signals.

The post-build steps (sitemap, robots.txt, output checks) live in steps.py and
run in order through the output_steps plugin.
"""

from pelican import signals

from .head import install_head_helpers
from .images import link_images, resolve_images
from .sitemap import record_page, start_recording


def begin_build(pelican):
    start_recording(pelican.settings)


def register():
    signals.initialized.connect(begin_build)
    signals.generator_init.connect(install_head_helpers)
    signals.article_generator_finalized.connect(link_images)
    signals.all_generators_finalized.connect(resolve_images)
    signals.content_written.connect(record_page)
