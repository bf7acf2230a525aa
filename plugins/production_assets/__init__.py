"""Production output: cache-busting asset names, minified files, gzip and brotli copies.

It has no signal handlers of its own: `steps.finish_output` runs last through the
output_steps plugin, after the checks and the search index.
"""
