"""The home page composes the catalog and the flight schedule; it owns no rules of its own.

Also the development-only server for public media (course covers) that the home page shows.
"""

import posixpath

from django.conf import settings
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import render
from django.views.static import serve

from core.page_cache import cache_page_for_visitors
from courses.cache import public_pages_version
from courses.models import Category, Course
from flights.models import FlightSession

HOME_FEATURED_COURSES = 6
HOME_UPCOMING_SESSIONS = 4


@cache_page_for_visitors(public_pages_version)
def home(request):
    """Three queries whatever the size of the school (tests/courses/test_queries.py), none once the
    listings are stored; visitors without a session get the whole page stored (page_cache)."""
    featured_courses = Course.objects.published().filter(is_featured=True).for_cards().order_by("title", "pk")
    upcoming_sessions = FlightSession.objects.upcoming().select_related("course")
    # Counted in the same query so the tiles can say "3 courses" without one query per category.
    # Meta.ordering is dropped from aggregate queries, so the order is spelled out.
    categories = Category.objects.annotate(
        published_course_count=Count("courses", filter=Q(courses__status=Course.Status.PUBLISHED))
    ).order_by("order", "name")
    return render(
        request,
        "home.html",
        {
            # Lazy querysets: when the listings fragment is stored (home.html), they never run.
            "featured_courses": featured_courses[:HOME_FEATURED_COURSES],
            "upcoming_sessions": upcoming_sessions[:HOME_UPCOMING_SESSIONS],
            "categories": categories,
            "pages_version": public_pages_version(),
            "CACHE_TTL_SECONDS": settings.CACHE_TTL_SECONDS,
        },
    )


def public_media(request, path):
    """Course covers and instructor photos from media/ while developing with local files.

    Production serves public media from S3 behind the CDN, so this answers 404 unless DEBUG is on
    and storage is local. Private files (videos, materials) also sit under media/, in private/; they
    are only ever streamed by views that check access, so that folder is refused here, also when it
    is reached through "..".
    """
    normalized = posixpath.normpath(path).lstrip("/")
    if not (settings.DEBUG and settings.STORAGE_PROVIDER == "local") or normalized.split("/")[0] == "private":
        raise Http404("No such file.")
    return serve(request, normalized, document_root=settings.MEDIA_ROOT)
