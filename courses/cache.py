"""Versions for the cached catalog and course-page fragments.

Rendered fragments are stored under keys that include a version token; changing a course bumps
its token, so the next request misses the cache and renders fresh HTML. Nothing is deleted: old
fragments simply stop being asked for and expire after CACHE_TTL_SECONDS.

- `catalog_cache_version()` covers the catalog results (every course card).
- `course_cache_version(course_id)` covers one course page body (syllabus, instructors, ...).
- `public_pages_version()` covers the whole public pages stored for anonymous visitors
  (bds/lib/page_cache.py: home, catalog, course pages). Every catalog or course bump also bumps it,
  and so do flight sessions and seat bookings (flights/receivers.py), whose seats these pages show.
  One token for all of them: edits are rare next to page views, and the fragment caches above
  keep the re-render after an edit cheap.

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
PUBLIC_PAGES_VERSION_KEY = "courses:version:public-pages"


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


def public_pages_version() -> str:
    return _version(PUBLIC_PAGES_VERSION_KEY)


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
    keys.append(PUBLIC_PAGES_VERSION_KEY)
    _bump(keys)
    transaction.on_commit(lambda: _bump(keys))


def public_pages_bump() -> None:
    """Invalidate the whole pages stored for anonymous visitors (a session or its seats changed)."""
    _bump([PUBLIC_PAGES_VERSION_KEY])
    transaction.on_commit(lambda: _bump([PUBLIC_PAGES_VERSION_KEY]))
