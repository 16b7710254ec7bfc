"""The JSON API, version 1, at /api/v1/ (django-ninja; OpenAPI 3.1 at /api/v1/openapi.json).

Bearer tokens come from accounts.tokens. Every endpoint calls the same QuerySets and services
as the website, so the app and the site can never disagree about who may see what.
"""

import hashlib
import logging
import math
from decimal import Decimal

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from ninja import NinjaAPI, Query, Schema, Status
from ninja.errors import AuthenticationError, HttpError, Throttled
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer
from ninja.throttling import SimpleRateThrottle

from accounts.client_address import client_ip
from accounts.decorators import staff_api_with_mfa
from accounts.tokens import (
    LoginThrottled,
    LoginUnavailable,
    TokenError,
    access_token_user,
    token_pair_issue,
    token_refresh,
    token_revoke,
)
from bds.api.problems import problem_response
from bds.lib.storage import STORAGE_ERRORS, private_url, private_url_expiry_seconds
from courses.cache import catalog_cache_version
from courses.models import Course
from enrollments.models import Enrollment
from enrollments.student_cache import student_cache_key
from flights.models import SeatBooking
from lessons import services as lesson_services
from lessons.models import Lesson

logger = logging.getLogger(__name__)

PAGE_SIZE = 20


# -- authentication and rate limits ---------------------------------------------------------------


class BearerAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str):
        try:
            user, claims = access_token_user(token)
        except TokenError as error:
            request.token_error = error
            return None
        request.user = user
        request.token_claims = claims
        return user


class WindowCounterThrottle(SimpleRateThrottle):
    """A fixed-window counter: one atomic INCR in the cache per request.

    ninja's SimpleRateThrottle keeps a list of every request time in the window and rewrites it on
    each request: its cost grows with the limit (a 300/m list is pickled to Redis per call), and
    two concurrent requests both read the same old list, so a burst is undercounted. A counter per
    window is O(1) and exact; a client can at most spend two windows' worth across a boundary.
    A cache outage lets requests through, as the sliding list did.
    """

    def allow_request(self, request) -> bool:
        self.key = self.get_cache_key(request)
        if self.key is None:
            return True
        self.now = self.timer()
        window = int(self.now // self.duration)
        self.window_ends_at = (window + 1) * self.duration
        key = f"{self.key}:{window}"
        try:
            count = self.cache.incr(key)
        except ValueError:
            # The window's first request: add() so that concurrent first requests agree on one counter.
            count = 1 if self.cache.add(key, 1, timeout=self.duration + 1) else self.cache.incr(key)
        return count is None or count <= self.num_requests  # None: the cache is down

    def wait(self) -> float:
        return max(self.window_ends_at - self.now, 1.0)


class PerIPThrottle(WindowCounterThrottle):
    """Every caller, by client address."""

    scope = "api-ip"

    def get_ident(self, request):
        # ninja's own reading keys on the whole X-Forwarded-For (NUM_PROXIES unset), which the
        # client writes: a new header per request would be a new counter. Use the app's one helper.
        return client_ip(request) or "unknown"

    def get_cache_key(self, request):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class PerUserThrottle(WindowCounterThrottle):
    """Signed-in callers, by user id, whatever address they come from."""

    scope = "api-user"

    def get_cache_key(self, request):
        user = getattr(request, "auth", None)
        if user is None:
            return None
        return self.cache_format % {"scope": self.scope, "ident": user.pk}


class LoginThrottle(PerIPThrottle):
    scope = "api-login"


api = NinjaAPI(
    title="Boston Drone School API",
    version="1.0.0",
    description="Courses, enrollments and progress for the school's mobile app and integrations.",
    urls_namespace="api-v1",
    docs_url=None,
    throttle=[PerIPThrottle(settings.API_RATE_LIMIT_PER_IP), PerUserThrottle(settings.API_RATE_LIMIT_PER_USER)],
)
bearer = BearerAuth()


@api.exception_handler(AuthenticationError)
def on_authentication_error(request, exc):
    error = getattr(request, "token_error", None)
    code = error.code if error else "missing_token"
    return problem_response(
        status=401,
        slug="unauthorized",
        title="Authentication required",
        detail=error.detail if error else "Send an access token: Authorization: Bearer <token>.",
        reason=code,
        headers={"WWW-Authenticate": f'Bearer realm="api", error="invalid_token", error_description="{code}"'},
    )


@api.exception_handler(TokenError)
def on_token_error(request, exc: TokenError):
    return problem_response(
        status=401,
        slug="invalid-token",
        title="The token was refused",
        detail=exc.detail,
        reason=exc.code,
        headers={"WWW-Authenticate": f'Bearer realm="api", error="invalid_token", error_description="{exc.code}"'},
    )


@api.exception_handler(Throttled)
def on_throttled(request, exc: Throttled):
    retry_after = max(1, math.ceil(exc.wait or 1))
    return problem_response(
        status=429,
        slug="rate-limited",
        title="Too many requests",
        detail=f"Try again in {retry_after} seconds.",
        headers={"Retry-After": str(retry_after)},
    )


@api.exception_handler(LoginThrottled)
def on_login_throttled(request, exc: LoginThrottled):
    return problem_response(
        status=429,
        slug="login-locked",
        title="Too many failed login attempts",
        detail=f"Logging in is paused for this account or address; try again in {exc.retry_after_seconds} seconds.",
        headers={"Retry-After": str(exc.retry_after_seconds)},
    )


@api.exception_handler(LoginUnavailable)
def on_login_unavailable(request, exc: LoginUnavailable):
    return problem_response(status=503, slug="unavailable", title=str(exc), headers={"Retry-After": "60"})


@api.exception_handler(NinjaValidationError)
def on_validation_error(request, exc: NinjaValidationError):
    return problem_response(
        status=422, slug="invalid-request", title="The request is not valid", errors=_plain_errors(exc.errors)
    )


@api.exception_handler(Http404)
def on_not_found(request, exc):
    return problem_response(status=404, slug="not-found", title="Not found")


HTTP_ERROR_SLUGS = {400: "bad-request", 403: "forbidden", 404: "not-found", 503: "unavailable"}


@api.exception_handler(HttpError)
def on_http_error(request, exc: HttpError):
    return problem_response(status=exc.status_code, slug=HTTP_ERROR_SLUGS.get(exc.status_code, "error"), title=str(exc))


@api.exception_handler(Exception)
def on_unexpected_error(request, exc):
    logger.exception("API error on %s", request.path)
    return problem_response(status=500, slug="server-error", title="Something went wrong on our side")


def _plain_errors(errors) -> list[dict]:
    return [{"loc": [str(part) for part in error.get("loc", [])], "msg": str(error.get("msg", ""))} for error in errors]


# -- schemas --------------------------------------------------------------------------------------


class TokenIn(Schema):
    email: str
    password: str
    otp: str | None = None


class RefreshIn(Schema):
    refresh_token: str


class LogoutIn(Schema):
    refresh_token: str | None = None


class TokenOut(Schema):
    access_token: str
    refresh_token: str
    token_type: str = "Bearer"  # noqa: S105 - the OAuth token type, not a secret
    expires_in: int


class InstructorOut(Schema):
    name: str
    bio: str


class CourseOut(Schema):
    slug: str
    title: str
    summary: str
    category: str
    level: str
    format: str
    price: Decimal
    currency: str
    is_free: bool
    estimated_hours: Decimal
    url: str


class LessonOut(Schema):
    id: int
    slug: str
    title: str
    duration_seconds: int
    is_preview: bool


class SectionOut(Schema):
    title: str
    lessons: list[LessonOut]


class CourseDetailOut(CourseOut):
    description: str
    instructors: list[InstructorOut]
    prerequisites: list[str]
    sections: list[SectionOut]


class CoursePage(Schema):
    count: int
    page: int
    pages: int
    items: list[CourseOut]


class MeOut(Schema):
    id: int
    email: str
    full_name: str
    date_joined: str


class ProgressOut(Schema):
    completed_lessons: int
    required_lessons: int
    percent: int


class EnrollmentOut(Schema):
    course: CourseOut
    status: str
    enrolled_at: str
    progress: ProgressOut


class LessonCompletedOut(Schema):
    lesson_id: int
    completed_at: str
    course_progress: ProgressOut


class FlightBookingOut(Schema):
    booking_id: int
    status: str
    session_id: int
    course_slug: str
    course_title: str
    starts_at: str
    ends_at: str
    location_name: str
    location_address: str
    session_status: str
    session_url: str
    calendar_url: str


class MediaOut(Schema):
    url: str
    expires_in: int


class CatalogFilters(Schema):
    q: str = ""
    category: str = ""
    level: str = ""
    format: str = ""
    price: str = ""
    page: int = 1


def _course_out(course: Course) -> dict:
    return {
        "slug": course.slug,
        "title": course.title,
        "summary": course.summary,
        "category": course.category.name,
        "level": course.level,
        "format": course.format,
        "price": course.price,
        "currency": course.currency,
        "is_free": course.is_free,
        "estimated_hours": course.estimated_hours,
        "url": f"{settings.SITE_URL}{course.get_absolute_url()}",
    }


# -- auth endpoints -------------------------------------------------------------------------------


@api.post("/auth/token", response=TokenOut, auth=None, throttle=[LoginThrottle(settings.API_RATE_LIMIT_LOGIN)])
def auth_token(request, payload: TokenIn):
    """Exchange email + password (+ the TOTP code when the account has MFA) for a token pair.

    Failures count toward the same lockout as the website's login form; a locked account or
    client gets 429 with Retry-After, even with the right password.
    """
    user, pair = token_pair_issue(request=request, email=payload.email, password=payload.password, otp=payload.otp)
    logger.info("API token issued for user %s", user.pk)
    return pair.__dict__


@api.post("/auth/refresh", response=TokenOut, auth=None, throttle=[LoginThrottle(settings.API_RATE_LIMIT_LOGIN)])
def auth_refresh(request, payload: RefreshIn):
    """Rotate the refresh token. Reusing an old refresh token revokes the whole family."""
    _user, pair = token_refresh(refresh_token=payload.refresh_token)
    return pair.__dict__


@api.post("/auth/logout", response={204: None}, auth=bearer)
def auth_logout(request, payload: LogoutIn):
    """Revoke this access token and, when given, the refresh token's family."""
    token_revoke(access_claims=request.token_claims, refresh_token=payload.refresh_token)
    return Status(204, None)


# -- catalog --------------------------------------------------------------------------------------


@api.get("/courses", response=CoursePage, auth=None)
def courses_list(request, filters: Query[CatalogFilters]):
    """Published courses, filtered like the website's catalog, 20 a page."""
    # The same JSON for every caller: stored rendered, under the catalog version that every course
    # change bumps (courses/cache.py), like the website's catalog.
    digest = hashlib.sha256(filters.model_dump_json().encode()).hexdigest()[:40]
    key = f"api:v1:courses:{catalog_cache_version()}:{digest}"
    body = cache.get(key)
    if body is None:
        courses = Course.objects.for_catalog(
            q=filters.q, category=filters.category, level=filters.level, format=filters.format, price=filters.price
        )
        count = courses.count()
        pages = max(1, math.ceil(count / PAGE_SIZE))
        page = min(max(filters.page, 1), pages)
        items = courses[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
        data = {"count": count, "page": page, "pages": pages, "items": [_course_out(course) for course in items]}
        body = api.create_response(request, CoursePage.model_validate(data).model_dump(), status=200).content
        cache.set(key, body)
    return HttpResponse(body, content_type=api.get_content_type())


@api.get("/courses/{slug}", response=CourseDetailOut, auth=None)
def courses_detail(request, slug: str):
    course = Course.objects.published().for_course_page().filter(slug=slug).first()
    if course is None:
        raise Http404
    return _course_out(course) | {
        "description": course.description,
        "instructors": [
            {"name": instructor.user.full_name, "bio": instructor.bio} for instructor in course.instructors.all()
        ],
        "prerequisites": [prerequisite.slug for prerequisite in course.prerequisites.all()],
        "sections": [
            {
                "title": section.title,
                "lessons": [
                    {
                        "id": lesson.pk,
                        "slug": lesson.slug,
                        "title": lesson.title,
                        "duration_seconds": lesson.duration_seconds,
                        "is_preview": lesson.is_preview,
                    }
                    for lesson in section.lessons.all()
                ],
            }
            for section in course.sections.all()
        ],
    }


# -- me -------------------------------------------------------------------------------------------


@api.get("/me", response=MeOut, auth=bearer)
def me(request):
    user = request.auth
    return {
        "id": user.pk,
        "email": user.email,
        "full_name": user.full_name,
        "date_joined": user.date_joined.isoformat(),
    }


def _progress_out(done: int, total: int) -> dict:
    return {
        "completed_lessons": done,
        "required_lessons": total,
        "percent": round(100 * done / total) if total else 100,
    }


@api.get("/me/enrollments", response=list[EnrollmentOut], auth=bearer)
def me_enrollments(request):
    """My enrollments, newest first, with progress through each course's required lessons."""
    # Stored as rendered JSON per student, re-rendered after any change to their enrollments or
    # progress, or to a course (enrollments/student_cache.py).
    key = student_cache_key("api-enrollments", request.auth.pk)
    body = cache.get(key)
    if body is None:
        enrollments = list(
            Enrollment.objects.for_user(request.auth).select_related("course__category").order_by("-created_at")
        )
        progress = lesson_services.course_progress_by_course(
            user=request.auth, course_ids=[enrollment.course_id for enrollment in enrollments]
        )
        items = [
            EnrollmentOut.model_validate(
                {
                    "course": _course_out(enrollment.course),
                    "status": enrollment.status,
                    "enrolled_at": enrollment.created_at.isoformat(),
                    "progress": _progress_out(*progress[enrollment.course_id]),
                }
            ).model_dump()
            for enrollment in enrollments
        ]
        body = api.create_response(request, items, status=200).content
        cache.set(key, body)
    return HttpResponse(body, content_type=api.get_content_type())


def _lesson_unlocked(request, lesson_id: int) -> Lesson:
    """The lesson if this user may open it (enrolled, or a preview); 404 or 403 otherwise."""
    lesson = Lesson.objects.select_related("section__course").filter(pk=lesson_id).first()
    if lesson is None or not lesson.section.course.is_public:
        raise Http404
    if not (lesson.is_preview or lesson_services.course_unlocked_for(user=request.auth, course=lesson.section.course)):
        raise HttpError(403, "Enroll in this course to open its lessons.")
    return lesson


@api.post("/me/lessons/{lesson_id}/complete", response=LessonCompletedOut, auth=bearer)
@staff_api_with_mfa
def me_lesson_complete(request, lesson_id: int):
    """Mark a lesson complete, as the player's button does (completing a course issues its certificate)."""
    lesson = _lesson_unlocked(request, lesson_id)
    if not lesson_services.course_unlocked_for(user=request.auth, course=lesson.section.course):
        raise HttpError(403, "Enroll in this course to record progress.")
    progress = lesson_services.lesson_complete(user=request.auth, lesson=lesson)
    course_id = lesson.section.course_id
    done, total = lesson_services.course_progress_by_course(user=request.auth, course_ids=[course_id])[course_id]
    return {
        "lesson_id": lesson.pk,
        "completed_at": progress.completed_at.isoformat(),
        "course_progress": _progress_out(done, total),
    }


@api.get("/me/lessons/{lesson_id}/media", response=MediaOut, auth=bearer)
@staff_api_with_mfa
def me_lesson_media(request, lesson_id: int):
    """A short-lived signed URL for the lesson's video, issued only after the access check."""
    lesson = _lesson_unlocked(request, lesson_id)
    if not lesson.video:
        raise Http404
    try:
        url = private_url(lesson.video.name)
    except STORAGE_ERRORS as error:
        logger.warning("could not sign the video of lesson %s: %s", lesson.pk, error)
        raise HttpError(503, "The video is temporarily unavailable.") from error
    if url.startswith("/"):
        url = settings.SITE_URL + url
    return {"url": url, "expires_in": private_url_expiry_seconds()}


@api.get("/me/flight-sessions", response=list[FlightBookingOut], auth=bearer)
def me_flight_sessions(request):
    """My booked and waitlisted seats on flight sessions from today on, soonest first."""
    bookings = (
        SeatBooking.objects.for_user(request.auth)
        .active()
        .filter(session__ends_at__gte=timezone.now())
        .select_related("session__course")
        .order_by("session__starts_at")
    )
    return [
        {
            "booking_id": booking.pk,
            "status": booking.status,
            "session_id": booking.session_id,
            "course_slug": booking.session.course.slug,
            "course_title": booking.session.course.title,
            "starts_at": booking.session.starts_at.isoformat(),
            "ends_at": booking.session.ends_at.isoformat(),
            "location_name": booking.session.location_name,
            "location_address": booking.session.location_address,
            "session_status": booking.session.status,
            "session_url": settings.SITE_URL + booking.session.get_absolute_url(),
            "calendar_url": settings.SITE_URL + reverse("flights:calendar", kwargs={"pk": booking.pk}),
        }
        for booking in bookings
    ]
