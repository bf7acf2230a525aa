"""The e-book feature: signup form, lead storage, download link and the PDFs."""

from .views import bp

__all__ = ["bp"]
