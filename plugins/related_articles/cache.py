"""Keep term counts between builds, so an unchanged article is not analysed again."""

from __future__ import annotations

import hashlib
import logging
import os
import pickle

logger = logging.getLogger(__name__)

FILENAME = "related_articles.pickle"


def content_key(lang: str, fields) -> str:
    """Return a digest of an article's language and analysed text."""
    digest = hashlib.blake2b(digest_size=16)
    digest.update(lang.encode())
    for text, weight in fields:
        digest.update(f"\0{weight!r}\0".encode())
        digest.update((text or "").encode())
    return digest.hexdigest()


class CountsCache:
    """Term counts by content key, valid only for the settings they were made with.

    It follows Pelican's content cache: read when CACHE_CONTENT and
    LOAD_CONTENT_CACHE are on, written when CACHE_CONTENT is on. Only the
    entries used by the current build are written back, so it never grows stale.
    """

    def __init__(self, settings, fingerprint: str):
        self.enabled = bool(settings.get("CACHE_CONTENT"))
        self.path = os.path.join(settings.get("CACHE_PATH") or "cache", FILENAME)
        self.fingerprint = fingerprint
        self._old: dict[str, dict] = {}
        self._new: dict[str, dict] = {}
        self.computed = 0
        self.reused = 0
        if self.enabled and settings.get("LOAD_CONTENT_CACHE"):
            self._old = self._load()

    def _load(self) -> dict:
        try:
            with open(self.path, "rb") as f:
                stored = pickle.load(f)
        except FileNotFoundError:
            return {}
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError) as err:
            logger.warning("related_articles: cannot read %s (%s); recomputing", self.path, err)
            return {}
        if not isinstance(stored, dict) or stored.get("fingerprint") != self.fingerprint:
            # Made by another version or other settings: its counts would be wrong.
            return {}
        return stored.get("counts", {})

    def counts(self, lang: str, fields, compute) -> dict:
        """Return the cached counts for an article's fields, or compute and remember them."""
        if not self.enabled:
            self.computed += 1
            return compute()
        key = content_key(lang, fields)
        found = self._new.get(key)
        if found is None:
            found = self._old.get(key)
            if found is None:
                found = compute()
                self.computed += 1
            else:
                self.reused += 1
            self._new[key] = found
        else:
            self.reused += 1
        return found

    def since(self, mark: tuple[int, int, set]) -> tuple[int, int, dict]:
        """Return what was computed, reused and kept since `mark` (from `mark()`)."""
        computed, reused, keys = mark
        added = {k: v for k, v in self._new.items() if k not in keys}
        return self.computed - computed, self.reused - reused, added

    def mark(self) -> tuple[int, int, set]:
        return self.computed, self.reused, set(self._new)

    def merge(self, computed: int, reused: int, added: dict) -> None:
        """Take in the work another process did on a copy of this cache."""
        self.computed += computed
        self.reused += reused
        self._new.update(added)

    def save(self) -> None:
        if not self.enabled:
            return
        stored = {"fingerprint": self.fingerprint, "counts": self._new}
        try:
            os.makedirs(os.path.dirname(self.path) or ".", exist_ok=True)
            tmp = f"{self.path}.tmp"
            with open(tmp, "wb") as f:
                pickle.dump(stored, f, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, self.path)
        except OSError as err:
            # A cache that cannot be written costs time next build, not correctness.
            logger.warning("related_articles: cannot write %s (%s)", self.path, err)
