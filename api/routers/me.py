"""/me: the signed-in student, their enrollments and progress, and their lessons."""

import logging

from django.conf import settings
from django.http import Http404, HttpResponse
from ninja import Router, Schema
from ninja.errors import HttpError

from accounts.decorators import staff_api_with_mfa
from api.schemas import JSON_CONTENT_TYPE, CourseOut, course_out, json_body
from api.security import bearer
from core.cache_versions import read_checked, store_checked
from core.storage import STORAGE_ERRORS, private_url, private_url_expiry_seconds
from courses.cache import PUBLIC_PAGES_VERSION_KEY
from enrollments.models import Enrollment
from enrollments.student_cache import student_version_key
from lessons import services as lesson_services
from lessons.models import Lesson

logger = logging.getLogger("api.v1")

router = Router()


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


class MediaOut(Schema):
    url: str
    expires_in: int


@router.get("/me", response=MeOut, auth=bearer)
def me(request):
    user = request.auth
    return {
        "id": user.pk,
        "email": user.email,
        "full_name": user.full_name,
        "date_joined": user.date_joined.isoformat(),
    }


def progress_out(done: int, total: int) -> dict:
    return {
        "completed_lessons": done,
        "required_lessons": total,
        "percent": round(100 * done / total) if total else 100,
    }


@router.get("/me/enrollments", response=list[EnrollmentOut], auth=bearer)
def me_enrollments(request):
    """My enrollments, newest first, with progress through each course's required lessons."""
    # Stored as rendered JSON per student, re-rendered after any change to their enrollments or
    # progress, or to a course (enrollments/student_cache.py); the tokens and the body are read in
    # one round trip (core.cache_versions.read_checked).
    key = f"student:api-enrollments:{request.auth.pk}"
    read, body = read_checked(key, student_version_key(request.auth.pk), PUBLIC_PAGES_VERSION_KEY)
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
                    "course": course_out(enrollment.course),
                    "status": enrollment.status,
                    "enrolled_at": enrollment.created_at.isoformat(),
                    "progress": progress_out(*progress[enrollment.course_id]),
                }
            ).model_dump()
            for enrollment in enrollments
        ]
        body = json_body(request, items)
        store_checked(key, read, body)
    return HttpResponse(body, content_type=JSON_CONTENT_TYPE)


def _lesson_unlocked(request, lesson_id: int) -> Lesson:
    """The lesson if this user may open it (enrolled, or a preview); 404 or 403 otherwise."""
    lesson = Lesson.objects.select_related("section__course").filter(pk=lesson_id).first()
    if lesson is None or not lesson.section.course.is_public:
        raise Http404
    if not (lesson.is_preview or lesson_services.course_unlocked_for(user=request.auth, course=lesson.section.course)):
        raise HttpError(403, "Enroll in this course to open its lessons.")
    return lesson


@router.post("/me/lessons/{lesson_id}/complete", response=LessonCompletedOut, auth=bearer)
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
        "course_progress": progress_out(done, total),
    }


@router.get("/me/lessons/{lesson_id}/media", response=MediaOut, auth=bearer)
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
