"""Stop the build, naming the file, when content is incomplete or links are broken."""

from .content_checks import register

__all__ = ["register"]
