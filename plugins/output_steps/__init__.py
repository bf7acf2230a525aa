"""Run the post-build steps of the other plugins in a fixed order."""

from .output_steps import register

__all__ = ["register"]
