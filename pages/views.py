"""Public pages that compose several apps and own no rules of their own.

- The home page: the catalog's featured courses and the flight schedule.
- The course page: the course's cached body (courses, and how fully its lessons are captioned),
  with the Enroll box and recommendations (enrollments) and the upcoming flight sessions (flights)
  beside it.
- The development-only server for public media (course covers) those pages show.
"""

import posixpath

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Q, prefetch_related_objects
from django.http import Http404, HttpResponsePermanentRedirect
from django.shortcuts import render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_safe
from django.views.static import serve

from accounts.decorators import staff_view_with_mfa
from core.cache_versions import tokens
from core.page_cache import cache_page_for_visitors
from courses.cache import PUBLIC_PAGES_VERSION_KEY, course_version_key, public_pages_version
from courses.models import Category, Course, course_page_prefetches, student_preview_requested
from courses.rows import course_by_slug
from courses.seo import absolute_url, course_json_ld
from enrollments.models import Enrollment
from enrollments.student_cache import student_version_key
from enrollments.templatetags.enrollment_tags import enroll_box_key
from flights.models import FlightSession
from lessons.cache import stored_course_page
from lessons.models import Lesson
from reviews import services as review_services
from reviews.models import Review

HOME_FEATURED_COURSES = 6
HOME_UPCOMING_SESSIONS = 4
# The course page shows the newest reviews; the rest are a page of their own (reviews:list).
LATEST_REVIEWS = 5


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


@require_safe
def favicon(request):
    """Browsers ask for /favicon.ico whatever a page links (the admin linked nothing): the school's icon.
    Resolved per request, as the static manifest's hashed name exists only after collectstatic."""
    return HttpResponsePermanentRedirect(static("img/favicon.svg"))


@staff_view_with_mfa
@require_safe
@cache_page_for_visitors(public_pages_version)
def course_detail(request, slug):
    # A signed-in student's whole page is stored (lessons.cache.stored_course_page): the parts
    # below, their Enroll box (enrollments and prerequisites: the student's token; a confirmed
    # email address: the account version) and the header (the account version).
    return stored_course_page(request, f"pages:course:{slug}", lambda extra: _course_page(request, slug, extra))


def _course_page(request, slug: str, extra: dict):
    # The row from the cache (courses/rows.py); drafts and archived courses only for those who may see them.
    course = course_by_slug(slug)
    if course is None or not (
        course.status == Course.Status.PUBLISHED
        or Course.objects.visible_to(request.user).filter(pk=course.pk).exists()
    ):
        raise Http404("No such course.")
    # Every cache entry of the page in two round trips, the tokens then the entries, rather than
    # two per entry (bench/PROFILE.md: round trips were a third of a signed-in view).
    user = request.user
    names = [course_version_key(course.pk), PUBLIC_PAGES_VERSION_KEY]
    if user.is_authenticated:
        names.append(student_version_key(user.pk))
    course_token, public_token, *student_token = tokens(*names)
    keys = {
        "body": f"courses:page:{course.pk}:{course_token}",
        "schedule": f"pages:course-schedule:{course.pk}:{public_token}",
        "box": enroll_box_key(
            user_id=user.pk, course_id=course.pk, student_token=student_token[0], course_token=course_token
        )
        if student_token
        else None,
    }
    found = cache.get_many([key for key in keys.values() if key])
    box_reads = {"tokens": (student_token[0], course_token), "found": found} if student_token else None
    return _render_course_page(request, course, keys=keys, found=found, box_reads=box_reads, extra=extra)


def _render_course_page(request, course: Course, *, keys: dict, found: dict, box_reads: dict | None, extra: dict):
    """The course page from its stored parts (rendering and storing the ones missing)."""
    key = keys["body"]
    fragment = found.get(key)
    if fragment is None:
        prefetch_related_objects([course], *course_page_prefetches())
        lesson_count, total_seconds = course.lesson_totals()
        latest_reviews = list(Review.objects.for_course_page(course)[:LATEST_REVIEWS])
        fragment = {
            "body": render_to_string(
                "courses/_course_body.html",
                {
                    "course": course,
                    "sections": course.sections.all(),
                    "lesson_count": lesson_count,
                    "total_seconds": total_seconds,
                    # "Fully captioned" in the course facts: one query, only when the body is rendered.
                    "captions": Lesson.objects.filter(section__course=course).caption_coverage(),
                    "instructors": course.instructors.all(),
                    "prerequisites": course.prerequisites.all(),
                    # Everyone who took it (refunded and revoked enrollments do not count).
                    "student_count": Enrollment.objects.filter(
                        course=course, status__in=Enrollment.ACCESS_STATUSES
                    ).count(),
                },
            ),
            "reviews": render_to_string(
                "reviews/_course_reviews.html",
                {
                    "course": course,
                    "distribution": review_services.rating_distribution(course=course),
                    "latest_reviews": latest_reviews,
                    "SCHOOL_NAME": settings.SCHOOL_NAME,
                },
            ),
            "json_ld": course_json_ld(course, reviews=latest_reviews),
        }
        cache.set(key, fragment)
    # The upcoming flight sessions and "students also took": the same for everyone, stored under
    # the public pages' token, which session and seat-booking writes bump (flights/receivers.py);
    # an upcoming session becoming past, and the recommendations' nightly table, wait at most
    # CACHE_TTL_SECONDS, as they do in the whole page stored for visitors.
    schedule_key = keys["schedule"]
    schedule_html = found.get(schedule_key)
    if schedule_html is None:
        schedule_html = render_to_string("pages/_course_schedule.html", {"course": course})
        cache.set(schedule_key, schedule_html)
    return render(
        request,
        "pages/course_detail.html",
        {
            "course": course,
            "schedule_html": mark_safe(schedule_html),  # noqa: S308 - rendered by our templates
            "enroll_box_reads": box_reads,
            # Both rendered and escaped by us (templates, course_json_ld) before caching.
            "body_html": mark_safe(fragment["body"]),  # noqa: S308
            "json_ld": mark_safe(fragment["json_ld"]),  # noqa: S308
            "reviews_html": mark_safe(fragment["reviews"]),  # noqa: S308
            "canonical_url": absolute_url(course.get_absolute_url()),
            "student_preview": student_preview_requested(request, course),
            "cover_url": absolute_url(course.cover_image.url) if course.cover_image else "",
        }
        | extra,
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
