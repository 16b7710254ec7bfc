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


def read_checked(entry_key: str, *token_keys: str) -> tuple[tuple[str, ...], object | None]:
    """An entry stored by `store_checked` and the current tokens, in one round trip.

    For entries looked up on every request (the course and lesson rows by slug): rather than a
    key that holds the tokens (one read for the tokens, a second for the entry), the entry keeps
    the tokens it was stored under and is used only while they are still the current ones. A
    bump therefore hides it exactly as a new key would. Returns (tokens, value or None on a miss).
    """
    found = cache.get_many([*token_keys, entry_key])
    if all(key in found for key in token_keys):
        read = tuple(found[key] for key in token_keys)
    else:
        read = tuple(tokens(*token_keys))
    stored = found.get(entry_key)
    if UNCACHED in read or not isinstance(stored, tuple) or len(stored) != 2 or stored[0] != read:
        return read, None
    return read, stored[1]


def store_checked(entry_key: str, read: tuple[str, ...], value) -> None:
    """Store `value` under the tokens `read_checked` returned (never while the cache is away)."""
    if UNCACHED not in read:
        cache.set(entry_key, (read, value))
