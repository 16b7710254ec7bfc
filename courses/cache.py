"""Versions for the cached catalog and course-page fragments.

Rendered fragments are stored under keys that include a version token; changing a course bumps
its token, so the next request misses the cache and renders fresh HTML. Nothing is deleted: old
fragments simply stop being asked for and expire after CACHE_TTL_SECONDS.

- `catalog_cache_version()` covers the catalog results (every course card).
- `course_cache_version(course_id)` covers one course page body (syllabus, instructors, ...).

Tokens are random rather than counters, so a token lost to eviction or a Redis restart can never
come back as an old value and resurrect a stale fragment.

The bumps are wired to model signals in courses/receivers.py: cache invalidation is plumbing that
must follow every write (admin, shell, services, fixtures), which is what signals are for; no
business rule lives there.
"""

import secrets

from django.core.cache import cache
from django.db import transaction

CATALOG_VERSION_KEY = "courses:version:catalog"


def course_version_key(course_id: int) -> str:
    return f"courses:version:course:{course_id}"


def _version(key: str) -> str:
    token = cache.get(key)
    if token is None:
        # add() so two first readers agree on one token; no timeout: a token must outlive fragments.
        cache.add(key, secrets.token_hex(8), timeout=None)
        token = cache.get(key) or "uncached"
    return token


def catalog_cache_version() -> str:
    return _version(CATALOG_VERSION_KEY)


def course_cache_version(course_id: int) -> str:
    return _version(course_version_key(course_id))


def _bump(keys: list[str]) -> None:
    cache.set_many({key: secrets.token_hex(8) for key in keys}, timeout=None)


def cache_bump(*, catalog: bool = False, course_ids=()) -> None:
    """Invalidate the catalog fragments and/or the pages of the given courses.

    Bumps now, so this request and the next see the change, and again after the transaction
    commits: a request that rendered the old rows while the write was still uncommitted may have
    cached them under the first new token.
    """
    keys = [course_version_key(course_id) for course_id in set(course_ids) if course_id]
    if catalog:
        keys.append(CATALOG_VERSION_KEY)
    if not keys:
        return
    _bump(keys)
    transaction.on_commit(lambda: _bump(keys))
