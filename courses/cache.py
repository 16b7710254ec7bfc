"""The version tokens of the catalog, course pages and public pages (core/cache_versions.py
explains tokens).

- `catalog_cache_version()` covers the catalog results (every course card).
- `course_cache_version(course_id)` covers one course page body (syllabus, instructors, ...).
- `public_pages_version()` covers the whole public pages stored for anonymous visitors
  (core/page_cache.py: home, catalog, course pages). Every catalog or course bump also bumps it,
  and so do flight sessions and seat bookings (flights/receivers.py), whose seats these pages show.
  One token for all of them: edits are rare next to page views, and the fragment caches above
  keep the re-render after an edit cheap.

The bumps are wired to model signals: courses/receivers.py for courses' own models, and each
higher app's receivers.py for its own (lessons: lessons, materials, quizzes; flights: sessions and
bookings), since courses does not know them (docs/ARCHITECTURE.md, "Caching"). Cache invalidation is plumbing that
must follow every write (admin, shell, services, fixtures), which is what signals are for; no
business rule lives there.
"""

from core.cache_versions import bump, tokens

CATALOG_VERSION_KEY = "courses:version:catalog"
PUBLIC_PAGES_VERSION_KEY = "courses:version:public-pages"


def course_version_key(course_id: int) -> str:
    return f"courses:version:course:{course_id}"


def catalog_cache_version() -> str:
    return tokens(CATALOG_VERSION_KEY)[0]


def course_cache_version(course_id: int) -> str:
    return tokens(course_version_key(course_id))[0]


def public_pages_version() -> str:
    return tokens(PUBLIC_PAGES_VERSION_KEY)[0]


def cache_bump(*, catalog: bool = False, course_ids=()) -> None:
    """Invalidate the catalog fragments and/or the pages of the given courses, and with them the
    public pages stored for visitors."""
    keys = [course_version_key(course_id) for course_id in set(course_ids) if course_id]
    if catalog:
        keys.append(CATALOG_VERSION_KEY)
    if keys:
        bump(*keys, PUBLIC_PAGES_VERSION_KEY)


def public_pages_bump() -> None:
    """Invalidate the whole pages stored for anonymous visitors (a session or its seats changed)."""
    bump(PUBLIC_PAGES_VERSION_KEY)
