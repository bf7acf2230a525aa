"""The site's Pelican plugins, one package each (PLUGINS in pelicanconf.py).

Each plugin's `register()` connects its signal handlers. Code that several plugins share is
imported by its full name, like the language model: `from plugins.multilingual.languages
import languages_from_settings`. The package is declared in pyproject.toml, so it imports
the same way in the build, in the tests and in scripts.
"""
