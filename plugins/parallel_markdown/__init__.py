from .parallel_markdown import register  # noqa: F401
