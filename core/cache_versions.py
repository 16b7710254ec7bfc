"""Version tokens: how every cache of rendered HTML or JSON on the site is invalidated.

Something rendered is stored under a key that includes the version tokens of what it shows;
a write bumps those tokens, so the next request misses and renders afresh. Nothing is deleted:
old entries stop being asked for and expire after CACHE_TTL_SECONDS.

Tokens are random rather than counters, so a token lost to eviction or a Redis restart can never
come back as an old value and resurrect stale HTML. With the cache unreachable every token reads
"uncached" and nothing can be stored, so every request renders.

Used by courses/cache.py (catalog, course pages, the public pages) and
enrollments/student_cache.py (each student's own pages).
"""

import secrets

from django.core.cache import cache
from django.db import transaction

# The token read while the cache is unreachable: nothing may be stored under it.
UNCACHED = "uncached"


def tokens(*keys: str) -> list[str]:
    """The current token of each key, in one cache round trip when they all exist."""
    found = cache.get_many(keys)
    missing = [key for key in keys if key not in found]
    if missing:
        # add() so two first readers agree on one token; no timeout: a token must outlive entries.
        for key in missing:
            cache.add(key, secrets.token_hex(8), timeout=None)
        found |= cache.get_many(missing)
    return [found.get(key, UNCACHED) for key in keys]


def bump(*keys: str) -> None:
    """New tokens for these keys, now and again after the transaction commits.

    Now, so this request and the next see the change; after commit, because a request that read
    the old rows while the write was still uncommitted may have stored them under the first new token.
    """
    if not keys:
        return
    _renew(keys)
    transaction.on_commit(lambda: _renew(keys))


def _renew(keys) -> None:
    cache.set_many({key: secrets.token_hex(8) for key in keys}, timeout=None)
