"""The learning player: course outline, lessons, quizzes, practice exams, certificates, and the
development-only stream of local private files. Every lookup is scoped to the course in the URL
and every private file goes through a signed URL issued after `services` said yes."""

import logging
import mimetypes
import os
import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.cache import cache
from django.db.models import Q
from django.http import (
    FileResponse,
    Http404,
    HttpResponse,
    HttpResponseRedirect,
    JsonResponse,
    StreamingHttpResponse,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.decorators import staff_view_with_mfa
from core.cache_versions import UNCACHED, tokens
from core.signed_in_pages import signed_url_or_none
from core.storage import STORAGE_ERRORS, private_media_token_read, private_storage
from courses.cache import course_version_key
from courses.models import Course, student_preview_requested
from courses.rows import course_by_slug
from enrollments.student_cache import student_version_key
from lessons import services
from lessons.cache import lesson_by_slugs, progress_version_key, stored_course_page
from lessons.forms import ExamAutosaveError, LessonProgressForm, exam_autosave_parse
from lessons.models import Certificate, ExamAttempt, KnowledgeArea, Lesson, PracticeExam, Quiz
from lessons.services import renditions
from lessons.webvtt import WebVTTError, webvtt_cues

logger = logging.getLogger(__name__)

# The share of a lesson's video that, once reached, records the lesson as completed.
WATCHED_FRACTION = 0.9

# Errors a storage can raise while signing a URL (S3 misconfigured or unreachable, a missing file).


def _course(request, course_slug: str) -> tuple[Course, bool]:
    """The course and whether the user may learn it. A course the user can neither see nor learn
    (a draft, a wrong slug) is a 404; a visible course without access is the caller's 403."""
    course = Course.objects.filter(slug=course_slug).first()
    if course is None:
        raise Http404("No such course.")
    unlocked = services.course_unlocked_for(user=request.user, course=course)
    if not unlocked and not Course.objects.visible_to(request.user).filter(pk=course.pk).exists():
        raise Http404("No such course.")
    return course, unlocked


def _enroll_required(request, course: Course, lesson: Lesson | None = None) -> HttpResponse:
    previews = Lesson.objects.for_course(course).filter(is_preview=True)
    return render(
        request,
        "lessons/enroll_required.html",
        {"course": course, "lesson": lesson, "previews": previews},
        status=403,
    )


def _lesson_with_course(request, course_slug: str, lesson_slug: str) -> Lesson:
    """The lesson with its section and course, in one query or none (lessons/cache.py); a 404 for
    a course the user may not see (checked first, as `_course` does) or a lesson it does not have."""
    lesson = lesson_by_slugs(course_slug, lesson_slug)
    if lesson is None:
        _course(request, course_slug)
        raise Http404("No such lesson.")
    return lesson


def _course_and_lesson(request, course_slug: str, lesson_slug: str) -> tuple[Course, Lesson, bool]:
    """`_course` and `_lesson` in one query, with the same answers."""
    lesson = _lesson_with_course(request, course_slug, lesson_slug)
    course = lesson.section.course
    return course, lesson, _unlocked_or_404(request, course)


def _unlocked_or_404(request, course: Course, **access) -> bool:
    """Whether the user may learn the course; a 404 when they may not even see it (a draft)."""
    unlocked = services.course_unlocked_for(user=request.user, course=course, **access)
    if not unlocked and not Course.objects.visible_to(request.user).filter(pk=course.pk).exists():
        raise Http404("No such course.")
    return unlocked


@staff_view_with_mfa
@require_GET
def course_outline(request, course_slug):
    # Stored whole for a signed-in student (lessons.cache.stored_course_page).
    return stored_course_page(
        request, f"lessons:outline:{course_slug}", lambda extra: _outline_page(request, course_slug, extra)
    )


def _outline_page(request, course_slug: str, extra: dict) -> HttpResponse:
    course = course_by_slug(course_slug)
    if course is None:
        raise Http404("No such course.")
    user = request.user
    # The access decision and the stored outline live under the same two tokens: one round trip
    # for the tokens, one for both entries.
    if user.is_authenticated:
        student_token, course_token = tokens(student_version_key(user.pk), course_version_key(course.pk))
        access_key = services.access_decision_key(
            user_id=user.pk, course_id=course.pk, student_token=student_token, course_token=course_token
        )
        outline_key = _outline_key(user, course, student_token, course_token)
        found = cache.get_many([key for key in (access_key, outline_key) if key])
        access = {"tokens_read": (student_token, course_token), "found": found}
    else:
        outline_key, found, access = None, {}, {}
    if not _unlocked_or_404(request, course, **access):
        return _enroll_required(request, course)
    body = _outline_body(user, course, key=outline_key, html=found.get(outline_key) if outline_key else None)
    return render(request, "lessons/outline.html", {"course": course, "body_html": body} | extra)


def _outline_key(user, course: Course, student_token: str, course_token: str) -> str | None:
    if UNCACHED in (student_token, course_token):
        return None
    return f"lessons:outline:{user.pk}:{course.pk}:{student_token}:{course_token}"


def _outline_body(user, course: Course, *, key: str | None, html: str | None) -> SafeString:
    """The outline of one student: sections, lessons with their ticks, quizzes, the practice exam,
    where to continue and the certificate, as HTML (six queries when rendered).

    Stored under the student's version token, which every progress save (the resume point moves),
    certificate and enrollment write bumps (enrollments/student_cache.py), and the course's, which
    lesson, section, quiz and practice-exam writes bump (courses/receivers.py, lessons/receivers.py).
    The key names the student: one student's ticks are never another's.
    """
    if html is None:
        html = render_to_string(
            "lessons/_outline_body.html",
            {
                "course": course,
                "outline": services.course_outline(user=user, course=course),
                "exam": PracticeExam.objects.filter(course=course).first(),
                "certificate": Certificate.objects.filter(user=user, course=course).first(),
            },
        )
        if key:
            cache.set(key, html)
    # Rendered by our template, with autoescaping, before it was stored.
    return mark_safe(html)  # noqa: S308


class _LessonPageReads:
    """Every cache entry the lesson page reads, in two round trips (the version tokens, then the
    entries under them) rather than two per entry: on a shared machine each round trip to Redis
    waits for its process to be scheduled, and they were most of the page."""

    def __init__(self, user, course: Course, lesson: Lesson):
        signed_in = user.is_authenticated
        names = [course_version_key(course.pk)]
        if signed_in:
            names += [student_version_key(user.pk), progress_version_key(user.pk)]
        read = tokens(*names)
        self.course_token = read[0]
        self.student_token, self.progress_token = read[1:] if signed_in else (UNCACHED, UNCACHED)
        self.keys = {
            "access": services.access_decision_key(
                user_id=user.pk, course_id=course.pk, student_token=self.student_token, course_token=self.course_token
            )
            if signed_in
            else None,
            **{f"notes:{unlocked}": _fragments_key(lesson, unlocked, self.course_token) for unlocked in (True, False)},
            **{
                f"panel:{unlocked}": _curriculum_key(user, lesson, unlocked, self.course_token, self.progress_token)
                for unlocked in (True, False)
            },
            "progress": _progress_key(user, lesson, self.student_token) if signed_in else None,
        }
        self.found = cache.get_many([key for key in self.keys.values() if key])

    def access(self) -> dict:
        return {"tokens_read": (self.student_token, self.course_token), "found": self.found}

    def get(self, name: str):
        """(key, value): the key is None when nothing may be stored, the value None on a miss."""
        key = self.keys[name]
        return key, self.found.get(key) if key else None


def _fragments_key(lesson: Lesson, unlocked: bool, course_token: str) -> str | None:
    return None if course_token == UNCACHED else f"lessons:fragments:{lesson.pk}:{int(unlocked)}:{course_token}"


def _curriculum_key(user, lesson: Lesson, unlocked: bool, course_token: str, progress_token: str) -> str | None:
    student = f"{user.pk}:{progress_token}" if unlocked else "locked"
    key = f"lessons:curriculum:{lesson.pk}:{course_token}:{student}"
    return None if UNCACHED in key else key


def _progress_key(user, lesson: Lesson, student_token: str) -> str | None:
    # Under the student's token, which every progress save bumps (lessons/receivers.py).
    return None if student_token == UNCACHED else f"lessons:progress-row:{user.pk}:{lesson.pk}:{student_token}"


def _lesson_fragments(
    course: Course, lesson: Lesson, *, unlocked: bool, reads: _LessonPageReads
) -> dict[str, SafeString]:
    """The lesson's notes (Markdown body, materials, quizzes) and its Previous/Next links, as HTML.

    The same for everyone who may read the lesson, so stored under the course's version token,
    which every lesson, section, material and quiz write bumps (courses/receivers.py); Markdown
    is the costly part of the page. Previews (not unlocked) show only the body.
    """
    key, fragments = reads.get(f"notes:{unlocked}")
    if fragments is None:
        context = {"course": course, "lesson": lesson, "unlocked": unlocked}
        if unlocked:
            # Only what the Previous/Next links show: not every lesson's body and video fields.
            lessons = list(Lesson.objects.for_course(course).only("pk", "slug", "title"))
            index = next(i for i, item in enumerate(lessons) if item.pk == lesson.pk)
            context |= {
                "materials": lesson.materials.all(),
                "quizzes": lesson.quizzes.all(),
                "previous_lesson": lessons[index - 1] if index > 0 else None,
                "next_lesson": lessons[index + 1] if index + 1 < len(lessons) else None,
            }
        fragments = {
            "notes": render_to_string("lessons/_lesson_notes.html", context),
            "nav": render_to_string("lessons/_lesson_nav.html", context) if unlocked else "",
        }
        if key:
            cache.set(key, fragments)
    # Rendered by our templates (Markdown sanitised by nh3) before they were stored.
    return {name: mark_safe(html) for name, html in fragments.items()}  # noqa: S308


def _curriculum_panel(user, course: Course, lesson: Lesson, *, unlocked: bool, reads: _LessonPageReads) -> dict:
    """The course panel beside the lesson (its HTML) and the next lesson the player offers.

    Stored under the course's version token (titles, order, lessons added) and, for a student who
    may learn the course, their progress token, which a completion bumps (lessons/cache.py); the
    locked panel of a preview is the same for every visitor. One query when it is rendered.
    """
    key, panel = reads.get(f"panel:{unlocked}")
    if panel is None:
        curriculum = services.lesson_curriculum(user=user, course=course, lesson=lesson, unlocked=unlocked)
        following = curriculum.next_lesson
        panel = {
            "html": render_to_string(
                "lessons/_curriculum.html",
                {"curriculum": curriculum, "course": course, "unlocked": unlocked, "user": user},
            ),
            "next_lesson": {"slug": following.slug, "title": following.title} if following else None,
            # "Lesson N of M" on the phone's drawer button and header.
            "position": curriculum.position,
            "count": curriculum.count,
        }
        if key:
            cache.set(key, panel)
    # Rendered by our template (every value escaped) before it was stored.
    return panel | {"html": mark_safe(panel["html"])}  # noqa: S308


def _student_progress(user, lesson: Lesson, *, reads: _LessonPageReads) -> dict | None:
    """Whether the student completed the lesson and where they stopped (None: never opened)."""
    key, stored = reads.get("progress")
    if stored is None:
        row = lesson.progress.filter(user=user).first()
        stored = (row and {"completed_at": row.completed_at, "position_seconds": row.position_seconds},)
        if key:
            cache.set(key, stored)
    return stored[0] or None


def _transcript(caption) -> list:
    """The caption file's cues for the transcript panel, parsed once per uploaded file."""
    key = f"lessons:transcript:{caption.pk}:{caption.file.name}"
    cues = cache.get(key)
    if cues is None:
        try:
            with caption.file.open("rb") as handle:
                cues = webvtt_cues(handle.read().decode("utf-8"))
        except (*STORAGE_ERRORS, OSError, UnicodeDecodeError, WebVTTError):
            logger.exception("could not read the captions %s for the transcript", caption.file.name)
            return []
        cache.set(key, cues)
    return cues


@staff_view_with_mfa
@require_GET
def lesson_detail(request, course_slug, lesson_slug):
    # Stored whole for a signed-in student (lessons.cache.stored_course_page), its video and
    # caption URLs signed per response.
    return stored_course_page(
        request,
        f"lessons:lesson:{course_slug}:{lesson_slug}",
        lambda extra: _lesson_page(request, course_slug, lesson_slug, extra),
    )


def _lesson_page(request, course_slug: str, lesson_slug: str, extra: dict) -> HttpResponse:
    lesson = _lesson_with_course(request, course_slug, lesson_slug)
    course = lesson.section.course
    reads = _LessonPageReads(request.user, course, lesson)
    unlocked = _unlocked_or_404(request, course, **reads.access())
    if not (unlocked or lesson.is_preview):
        return _enroll_required(request, course, lesson)
    return _render_lesson(request, course, lesson, unlocked=unlocked, reads=reads, extra=extra)


def _render_lesson(request, course: Course, lesson: Lesson, *, unlocked: bool, reads: _LessonPageReads, extra: dict):
    # The video and caption URLs are signed per response: placeholders when the page is stored.
    links = extra.pop("private_links", None)
    sign = links.url if links is not None else signed_url_or_none
    video_url = sign(lesson.video.name) if lesson.video else None
    # Adaptive streaming once the worker has made renditions of this video; the MP4 stays the fallback.
    hls_url = (
        reverse("lessons:hls", args=[course.slug, lesson.slug, renditions.MASTER_PLAYLIST])
        if video_url and lesson.has_renditions and renditions.renditions_enabled()
        else None
    )
    context = {
        "course": course,
        "lesson": lesson,
        "unlocked": unlocked,
        "video_url": video_url,
        "hls_url": hls_url,
        "video_unavailable": bool(lesson.video) and video_url is None,
        "fragments": _lesson_fragments(course, lesson, unlocked=unlocked, reads=reads),
        "student_preview": student_preview_requested(request, course),
        "curriculum": _curriculum_panel(request.user, course, lesson, unlocked=unlocked, reads=reads),
    }
    if video_url:
        # Caption tracks, each through a signed URL like the video (the same permission check).
        context["captions"] = [
            (caption, url) for caption in lesson.captions.all() if (url := sign(caption.file.name)) is not None
        ]
        if context["captions"]:
            context["transcript"] = _transcript(context["captions"][0][0])
    if unlocked:
        progress = _student_progress(request.user, lesson, reads=reads)
        context |= {
            "progress": progress,
            "resume_at": progress["position_seconds"] if progress and not progress["completed_at"] else 0,
        }
    return render(request, "lessons/lesson.html", context | extra)


HLS_PLAYLIST_TYPE = "application/vnd.apple.mpegurl"


@staff_view_with_mfa
@require_GET
def lesson_hls(request, course_slug, lesson_slug, path):
    """The lesson's HLS playlists and segments (lessons/services/renditions.py), access checked on
    every request. Playlists are served as stored: their URIs are relative, so the player asks this
    view for every segment, which redirects to a short-lived signed URL. A refunded student's next
    segment is refused."""
    course, lesson, unlocked = _course_and_lesson(request, course_slug, lesson_slug)
    if not (unlocked or lesson.is_preview):
        return HttpResponse("Enroll in the course to watch this lesson.", status=403, content_type="text/plain")
    name = renditions.hls_file_name(lesson=lesson, path=path)
    if name is None:
        raise Http404("No such stream.")
    if path.endswith(".m3u8"):
        try:
            with private_storage().open(name, "rb") as playlist:
                response = HttpResponse(playlist.read(), content_type=HLS_PLAYLIST_TYPE)
        except FileNotFoundError as error:
            raise Http404("No such stream.") from error
        except STORAGE_ERRORS:
            logger.exception("could not read HLS playlist %s", name)
            return HttpResponse("The video is unavailable right now.", status=503, content_type="text/plain")
    else:
        url = signed_url_or_none(name)
        if url is None:
            return HttpResponse("The video is unavailable right now.", status=503, content_type="text/plain")
        response = HttpResponseRedirect(url)
    response["Cache-Control"] = "private, no-store"
    return response


@staff_view_with_mfa
@require_POST
def lesson_progress(request, course_slug, lesson_slug):
    """JSON endpoint for the player: saves the position and, at the video's end, completion."""
    course, lesson, unlocked = _course_and_lesson(request, course_slug, lesson_slug)
    if not unlocked:
        return JsonResponse({"error": "Enroll in this course to save your progress."}, status=403)
    form = LessonProgressForm(request.POST)
    if not form.is_valid():
        return JsonResponse({"error": "position_seconds must be a finite number of seconds."}, status=400)
    position = int(form.cleaned_data["position_seconds"] or 0)
    # Watching most of the video completes the lesson (the manual button stays for the rest).
    watched_most = lesson.duration_seconds > 0 and position >= WATCHED_FRACTION * lesson.duration_seconds
    completed = request.POST.get("completed") in {"1", "true", "on"} or watched_most
    progress = services.lesson_progress_save(
        user=request.user, lesson=lesson, position_seconds=position, completed=completed
    )
    # A fresh signed URL, so the player can recover when the page outlives the one it was given.
    video_url = signed_url_or_none(lesson.video.name) if lesson.video else None
    return JsonResponse(
        {"position_seconds": progress.position_seconds, "completed": progress.is_completed, "video_url": video_url}
    )


@staff_view_with_mfa
@require_POST
def lesson_mark_complete(request, course_slug, lesson_slug):
    course, lesson, unlocked = _course_and_lesson(request, course_slug, lesson_slug)
    if not unlocked:
        return _enroll_required(request, course, lesson)
    services.lesson_complete(user=request.user, lesson=lesson)
    messages.success(request, f"“{lesson.title}” marked as complete.")
    slugs = list(Lesson.objects.for_course(course).values_list("slug", flat=True))
    position = slugs.index(lesson.slug)
    if position + 1 < len(slugs):
        return redirect("lessons:lesson", course_slug=course.slug, lesson_slug=slugs[position + 1])
    return redirect("lessons:outline", course_slug=course.slug)


@staff_view_with_mfa
@require_GET
def material_download(request, course_slug, lesson_slug, material_id):
    course, lesson, unlocked = _course_and_lesson(request, course_slug, lesson_slug)
    if not unlocked:
        return _enroll_required(request, course, lesson)
    material = get_object_or_404(lesson.materials, pk=material_id)
    url = signed_url_or_none(material.file.name, download_as=os.path.basename(material.file.name))
    if url is None:
        return render(request, "lessons/storage_unavailable.html", {"course": course, "lesson": lesson}, status=503)
    return redirect(url)


# -- quizzes ----------------------------------------------------------------------------------------


@staff_view_with_mfa
@require_http_methods(["GET", "POST"])
def quiz_detail(request, course_slug, quiz_id):
    course, unlocked = _course(request, course_slug)
    quiz = get_object_or_404(
        Quiz.objects.filter(Q(lesson__section__course=course) | Q(section__course=course)), pk=quiz_id
    )
    if not unlocked:
        return _enroll_required(request, course)
    questions = quiz.questions.prefetch_related("choices")
    attempt = None
    if request.method == "POST":
        answers = _answers_from(request.POST, prefix="question-")
        attempt = services.quiz_grade(user=request.user, quiz=quiz, answers=answers)
    return render(
        request,
        "lessons/quiz.html",
        {
            "course": course,
            "quiz": quiz,
            "questions": questions,
            "attempt": attempt,
            "chosen_ids": set(attempt.answers.values()) if attempt else set(),
        },
    )


def _answers_from(data, *, prefix: str) -> dict[int, int]:
    answers = {}
    for key, value in data.items():
        if key.startswith(prefix) and key[len(prefix) :].isdigit() and value.isdigit():
            answers[int(key[len(prefix) :])] = int(value)
    return answers


# -- practice exams ---------------------------------------------------------------------------------


def _exam(request, course_slug) -> tuple[Course, PracticeExam, bool]:
    course, unlocked = _course(request, course_slug)
    exam = get_object_or_404(PracticeExam, course=course)
    return course, exam, unlocked


def _attempt(request, exam: PracticeExam, attempt_id: int) -> ExamAttempt:
    attempt = get_object_or_404(ExamAttempt.objects.select_related("exam"), pk=attempt_id, exam=exam, user=request.user)
    return services.exam_attempt_expire_if_due(attempt=attempt)


@staff_view_with_mfa
@require_GET
def exam_overview(request, course_slug):
    course, exam, unlocked = _exam(request, course_slug)
    if not unlocked:
        return _enroll_required(request, course)
    attempts = ExamAttempt.objects.for_user(request.user).filter(exam=exam)
    for attempt in attempts.open():
        services.exam_attempt_expire_if_due(attempt=attempt)
    return render(
        request,
        "lessons/exam_overview.html",
        {
            "course": course,
            "exam": exam,
            "attempts": attempts.submitted()[:20],
            "open_attempt": attempts.open().first(),
            "readiness": services.exam_readiness(user=request.user, exam=exam),
            "ready_to_book": services.exam_ready_to_book(user=request.user, exam=exam),
        },
    )


@staff_view_with_mfa
@require_POST
def exam_start(request, course_slug):
    course, exam, unlocked = _exam(request, course_slug)
    if not unlocked:
        return _enroll_required(request, course)
    try:
        attempt = services.exam_attempt_start(user=request.user, exam=exam)
    except services.ExamUnavailable:
        messages.error(request, "The practice exam has no questions yet. Please try again later.")
        return redirect("lessons:exam", course_slug=course.slug)
    return redirect("lessons:exam_take", course_slug=course.slug, attempt_id=attempt.pk)


@staff_view_with_mfa
@require_http_methods(["GET", "POST"])
def exam_take(request, course_slug, attempt_id):
    course, exam, unlocked = _exam(request, course_slug)
    if not unlocked:
        return _enroll_required(request, course)
    attempt = _attempt(request, exam, attempt_id)
    result_url = reverse("lessons:exam_result", kwargs={"course_slug": course.slug, "attempt_id": attempt.pk})
    # The page's script saves each answer as it is chosen and wants JSON, not a redirect and a message.
    autosave = request.headers.get("X-Exam-Autosave") == "1"
    if attempt.is_submitted:
        if autosave:
            return JsonResponse({"result_url": result_url}, status=409)
        # A second "Submit" (a double click, the back button) just shows the result; only an
        # attempt the clock closed gets the time-up note.
        if request.method == "POST" and attempt.submitted_at >= attempt.deadline:
            messages.warning(request, "Time was up: the exam was graded on the answers saved before the deadline.")
        return redirect(result_url)
    if request.method == "POST" and autosave:
        return _exam_autosave(request, attempt, result_url)
    if request.method == "POST":
        # The form without JavaScript: every question on one page, its radios and flag boxes.
        answers = _answers_from(request.POST, prefix="item-")
        flags = {pk: f"flag-{pk}" in request.POST for pk in attempt.items.values_list("pk", flat=True)}
        if "submit" in request.POST:
            services.exam_attempt_submit(attempt=attempt, answers=answers)
            return redirect(result_url)
        if not services.exam_answers_save(attempt=attempt, answers=answers, flags=flags):
            services.exam_attempt_submit(attempt=attempt)
            messages.warning(request, "Time was up: the exam was graded on the answers saved before the deadline.")
            return redirect(result_url)
        messages.success(request, "Answers saved.")
        return redirect("lessons:exam_take", course_slug=course.slug, attempt_id=attempt.pk)
    items = services.exam_attempt_items(attempt)
    answered_count = sum(1 for item in items if item.chosen_id)
    return render(
        request,
        "lessons/exam_take.html",
        {"course": course, "exam": exam, "attempt": attempt, "items": items, "answered_count": answered_count},
    )


def _exam_autosave(request, attempt: ExamAttempt, result_url: str) -> JsonResponse:
    """The page script's save of what changed (an answer chosen, a flag set): JSON in, JSON out."""
    try:
        answers, flags = exam_autosave_parse(request.body)
    except ExamAutosaveError as error:
        return JsonResponse({"error": str(error)}, status=400)
    if not services.exam_answers_save(attempt=attempt, answers=answers, flags=flags):
        services.exam_attempt_submit(attempt=attempt)
        return JsonResponse({"result_url": result_url}, status=409)
    return JsonResponse({"saved": len(answers) + len(flags)})


@staff_view_with_mfa
@require_GET
def exam_result(request, course_slug, attempt_id):
    course, exam, unlocked = _exam(request, course_slug)
    if not unlocked:
        return _enroll_required(request, course)
    attempt = _attempt(request, exam, attempt_id)
    if not attempt.is_submitted:
        return redirect("lessons:exam_take", course_slug=course.slug, attempt_id=attempt.pk)
    # In the FAA's order: the stored JSON comes back in PostgreSQL's key order (shortest first).
    results = attempt.results_by_area
    areas = [
        {"area": area, "label": label, **results[area]} for area, label in KnowledgeArea.choices if area in results
    ]
    return render(
        request,
        "lessons/exam_result.html",
        {
            "course": course,
            "exam": exam,
            "attempt": attempt,
            "areas": areas,
            "review": services.exam_attempt_review(attempt),
            "readiness": services.exam_readiness(user=request.user, exam=exam),
            "ready_to_book": services.exam_ready_to_book(user=request.user, exam=exam),
        },
    )


# -- certificates -----------------------------------------------------------------------------------


@require_GET
def certificate_verify(request, public_id):
    certificate = Certificate.objects.filter(public_id=public_id).first()
    if certificate is None:
        return render(request, "lessons/certificate_missing.html", {"public_id": public_id}, status=404)
    is_owner = request.user.is_authenticated and certificate.user_id == request.user.pk
    return render(request, "lessons/certificate_verify.html", {"certificate": certificate, "is_owner": is_owner})


@login_required
@require_GET
def certificate_download(request, public_id):
    certificate = get_object_or_404(Certificate, public_id=public_id, user=request.user)
    if not certificate.pdf:
        messages.info(request, "Your certificate is still being prepared. Try again in a minute.")
        return redirect(certificate)
    url = signed_url_or_none(certificate.pdf.name, download_as=f"certificate-{certificate.public_id}.pdf")
    if url is None:
        return render(request, "lessons/storage_unavailable.html", {"certificate": certificate}, status=503)
    return redirect(url)


# -- local private files (development storage only) ------------------------------------------------

RANGE_PATTERN = re.compile(r"^bytes=(\d*)-(\d*)$")
CHUNK_SIZE = 64 * 1024


@require_GET
def private_media(request, token):
    """Stream a local private file named by a signed, unexpired token, with HTTP Range support
    (so video seeking works). The token is issued only after the permission check."""
    try:
        name, download_as = private_media_token_read(token)
    except signing.SignatureExpired:
        return HttpResponse(
            "This link has expired. Reload the page for a fresh one.", status=403, content_type="text/plain"
        )
    except signing.BadSignature:
        return HttpResponse("This link is not valid.", status=403, content_type="text/plain")
    storage = private_storage()
    if not hasattr(storage, "path"):
        raise Http404("Private files are not stored locally.")
    try:
        path = storage.path(name)
        size = os.path.getsize(path)
    except (OSError, ValueError) as error:
        raise Http404("No such file.") from error
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    if not download_as and not _safe_inline(content_type):
        # An uploaded HTML or SVG file shown inline would run on our origin: hand it over as a download.
        download_as = os.path.basename(name)
    disposition = {"as_attachment": True, "filename": download_as} if download_as else {}
    match = RANGE_PATTERN.match(request.headers.get("Range", "").strip())
    if not match or (not match[1] and not match[2]):
        response = FileResponse(open(path, "rb"), content_type=content_type, **disposition)  # noqa: SIM115
        response["Accept-Ranges"] = "bytes"
        response["Cache-Control"] = "private, max-age=0"
        return response
    if match[1]:
        start = int(match[1])
        end = min(int(match[2]), size - 1) if match[2] else size - 1
    else:  # "bytes=-N": the last N bytes
        start, end = max(size - int(match[2]), 0), size - 1
    if start >= size or start > end:
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
        return response
    length = end - start + 1
    response = StreamingHttpResponse(_file_slice(path, start, length), status=206, content_type=content_type)
    response["Content-Range"] = f"bytes {start}-{end}/{size}"
    response["Content-Length"] = str(length)
    response["Accept-Ranges"] = "bytes"
    response["Cache-Control"] = "private, max-age=0"
    if download_as:
        response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=download_as)
    return response


def _safe_inline(content_type: str) -> bool:
    return content_type != "image/svg+xml" and (
        content_type.split("/")[0] in {"video", "audio", "image"} or content_type in {"application/pdf", "text/vtt"}
    )


def _file_slice(path: str, start: int, length: int):
    with open(path, "rb") as handle:
        handle.seek(start)
        while length > 0:
            chunk = handle.read(min(CHUNK_SIZE, length))
            if not chunk:
                break
            length -= len(chunk)
            yield chunk
