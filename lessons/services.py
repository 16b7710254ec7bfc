"""Learning workflows: access, progress, quizzes, practice exams, course completion, certificates,
video processing. Views, admin, tasks and commands all call these (STYLE.md, services).

Access is decided here and only here: an enrollment unlocks a course when
`Enrollment.objects.granting_access()` says so (that QuerySet also honours payment disputes),
preview lessons play for everyone, and the course's instructors and superusers may look at
everything they publish.

lessons does not listen to `enrollments.signals.enrollment_revoked`: access is checked on every
request (a revoked or refunded enrollment stops unlocking at once, and signed URLs already handed
out expire after PRIVATE_URL_EXPIRY_SECONDS), progress is kept for a later re-enrollment, and an
issued certificate stays valid because it records a completion that happened. Voiding certificates
after a chargeback, if the school ever wants it, would be a receiver here plus a `voided_at` field.
"""

import io
import logging
import secrets
import shutil
import subprocess
import tempfile
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Count, Prefetch
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from core.mail import email_send
from courses.models import Course
from enrollments.models import Enrollment
from enrollments.services import enrollment_complete
from lessons.models import (
    Certificate,
    ExamAttempt,
    ExamAttemptQuestion,
    ExamChoice,
    ExamQuestion,
    KnowledgeArea,
    Lesson,
    LessonProgress,
    PracticeExam,
    Quiz,
    QuizAttempt,
)
from lessons.signals import completion_requirement_check

logger = logging.getLogger(__name__)

# A position far beyond any lesson is a client bug or tampering; never store more than a day.
MAX_POSITION_SECONDS = 24 * 60 * 60


# -- access -----------------------------------------------------------------------------------------


def enrollment_granting_access(*, user, course: Course) -> Enrollment | None:
    """The user's enrollment in the course if it unlocks lessons right now, else None."""
    if not user.is_authenticated:
        return None
    return Enrollment.objects.granting_access().filter(user=user, course=course).first()


def course_staffed_by(*, user, course: Course) -> bool:
    """Superusers and the course's own instructors see every lesson (to check what they publish)."""
    if not user.is_authenticated:
        return False
    return user.is_superuser or course.instructors.filter(user=user).exists()


def course_unlocked_for(*, user, course: Course) -> bool:
    return enrollment_granting_access(user=user, course=course) is not None or course_staffed_by(
        user=user, course=course
    )


# -- progress ---------------------------------------------------------------------------------------


def lesson_progress_save(*, user, lesson: Lesson, position_seconds: int, completed: bool = False) -> LessonProgress:
    """Store where the user is in a lesson (and, when `completed`, that they finished it).

    The caller has checked the user may learn the course. A completed lesson stays completed.
    Completing a lesson may complete the course, which issues the certificate after commit.
    """
    position_seconds = max(0, min(int(position_seconds), MAX_POSITION_SECONDS))
    with transaction.atomic():
        progress = _progress_locked(user=user, lesson=lesson)
        progress.position_seconds = position_seconds
        newly_completed = completed and progress.completed_at is None
        if newly_completed:
            progress.completed_at = timezone.now()
        progress.save(update_fields=["position_seconds", "completed_at", "updated_at"])
    if newly_completed:
        course_completion_check(user=user, course=lesson.section.course)
    return progress


def lesson_complete(*, user, lesson: Lesson) -> LessonProgress:
    """Mark a lesson complete (the "Mark as complete" button), keeping the saved position."""
    with transaction.atomic():
        progress = _progress_locked(user=user, lesson=lesson)
        if progress.completed_at is not None:
            return progress
        progress.completed_at = timezone.now()
        progress.save(update_fields=["completed_at", "updated_at"])
    course_completion_check(user=user, course=lesson.section.course)
    return progress


def course_progress_by_course(*, user, course_ids) -> dict[int, tuple[int, int]]:
    """(required lessons completed, required lessons) per course, in two queries for any number of
    courses: the dashboard and the API list many enrollments at once."""
    totals = dict(
        Lesson.objects.required()
        .filter(section__course_id__in=course_ids)
        .values_list("section__course_id")
        .annotate(total=Count("pk"))
        .order_by()
    )
    done = dict(
        LessonProgress.objects.filter(
            user=user, completed_at__isnull=False, lesson__is_required=True, lesson__section__course_id__in=course_ids
        )
        .values_list("lesson__section__course_id")
        .annotate(done=Count("pk"))
        .order_by()
    )
    return {course_id: (done.get(course_id, 0), totals.get(course_id, 0)) for course_id in course_ids}


def _progress_locked(*, user, lesson: Lesson) -> LessonProgress:
    try:
        with transaction.atomic():
            LessonProgress.objects.get_or_create(user=user, lesson=lesson)
    except IntegrityError:
        pass  # created by a concurrent request (two tabs); the row exists now
    return LessonProgress.objects.select_for_update().get(user=user, lesson=lesson)


@dataclass
class OutlineLesson:
    lesson: Lesson
    completed: bool
    position_seconds: int


@dataclass
class OutlineSection:
    section: object
    lessons: list[OutlineLesson] = field(default_factory=list)
    quizzes: list[Quiz] = field(default_factory=list)


@dataclass
class CourseOutline:
    sections: list[OutlineSection]
    lessons: list[Lesson]
    completed_required: int
    total_required: int
    resume_lesson: Lesson | None
    resume_position_seconds: int

    @property
    def percent(self) -> int:
        return round(100 * self.completed_required / self.total_required) if self.total_required else 100


def course_outline(*, user, course: Course) -> CourseOutline:
    """Sections and lessons in order with the user's ticks, overall progress and where to continue."""
    lessons = list(Lesson.objects.for_course(course).select_related("section"))
    progress = {}
    if user.is_authenticated:
        progress = {row.lesson_id: row for row in LessonProgress.objects.for_course(user, course)}
    sections: dict[int, OutlineSection] = {}
    for section in course.sections.order_by("order").prefetch_related("quizzes"):
        sections[section.pk] = OutlineSection(section=section, quizzes=list(section.quizzes.all()))
    for lesson in lessons:
        row = progress.get(lesson.pk)
        sections[lesson.section_id].lessons.append(
            OutlineLesson(
                lesson=lesson,
                completed=bool(row and row.completed_at),
                position_seconds=row.position_seconds if row else 0,
            )
        )
    required = [lesson for lesson in lessons if lesson.is_required]
    completed_required = sum(1 for lesson in required if progress.get(lesson.pk) and progress[lesson.pk].completed_at)
    # Continue where you left off: the lesson touched last if unfinished, else the first unfinished one.
    resume_lesson, resume_position = None, 0
    touched = sorted((row for row in progress.values()), key=lambda row: row.updated_at, reverse=True)
    by_id = {lesson.pk: lesson for lesson in lessons}
    for row in touched:
        if row.completed_at is None and row.lesson_id in by_id:
            resume_lesson, resume_position = by_id[row.lesson_id], row.position_seconds
            break
    if resume_lesson is None:
        resume_lesson = next(
            (lesson for lesson in lessons if not (progress.get(lesson.pk) and progress[lesson.pk].completed_at)), None
        )
    return CourseOutline(
        sections=list(sections.values()),
        lessons=lessons,
        completed_required=completed_required,
        total_required=len(required),
        resume_lesson=resume_lesson,
        resume_position_seconds=resume_position,
    )


# -- quizzes ----------------------------------------------------------------------------------------


def quiz_grade(*, user, quiz: Quiz, answers: dict[int, int]) -> QuizAttempt:
    """Grade a submitted quiz. `answers` maps question id → choice id; unknown ids count as unanswered."""
    questions = list(quiz.questions.prefetch_related("choices"))
    recorded, correct = {}, 0
    for question in questions:
        choices = {choice.pk: choice for choice in question.choices.all()}
        chosen = choices.get(answers.get(question.pk))
        if chosen is not None:
            recorded[str(question.pk)] = chosen.pk
            correct += chosen.is_correct
    total = len(questions)
    return QuizAttempt.objects.create(
        user=user,
        quiz=quiz,
        answers=recorded,
        correct_count=correct,
        question_count=total,
        passed=bool(total) and 100 * correct >= quiz.pass_percent * total,
    )


# -- practice exams ---------------------------------------------------------------------------------


class ExamUnavailable(Exception):
    """The exam cannot start (no active questions in the bank)."""


def exam_questions_draw(*, count: int) -> list[ExamQuestion]:
    """`count` active bank questions (all of them if the bank is smaller), spread over the knowledge
    areas in proportion to the bank (largest remainder), in random order."""
    by_area: dict[str, list[int]] = defaultdict(list)
    for pk, area in ExamQuestion.objects.active().values_list("pk", "area"):
        by_area[area].append(pk)
    bank_size = sum(len(ids) for ids in by_area.values())
    randomizer = secrets.SystemRandom()
    if bank_size <= count:
        chosen = [pk for ids in by_area.values() for pk in ids]
    else:
        quotas = {area: count * len(ids) / bank_size for area, ids in by_area.items()}
        allotted = {area: int(quota) for area, quota in quotas.items()}
        leftovers = sorted(quotas, key=lambda area: quotas[area] - allotted[area], reverse=True)
        for area in leftovers[: count - sum(allotted.values())]:
            allotted[area] += 1
        chosen = [pk for area, ids in by_area.items() for pk in randomizer.sample(ids, allotted[area])]
    randomizer.shuffle(chosen)
    questions = ExamQuestion.objects.in_bulk(chosen)
    return [questions[pk] for pk in chosen]


def exam_attempt_start(*, user, exam: PracticeExam) -> ExamAttempt:
    """The user's attempt in progress, or a new one with freshly drawn questions and a deadline of
    started + the exam's time limit. An expired attempt in progress is submitted first.
    Raises ExamUnavailable when the bank has no active question."""
    open_attempt = ExamAttempt.objects.open().filter(user=user, exam=exam).first()
    if open_attempt is not None:
        if not open_attempt.is_past_deadline():
            return open_attempt
        exam_attempt_submit(attempt=open_attempt)
    questions = exam_questions_draw(count=exam.question_count)
    if not questions:
        logger.error("practice exam %s cannot start: the question bank is empty", exam.pk)
        raise ExamUnavailable("The question bank is empty.")
    now = timezone.now()
    try:
        with transaction.atomic():
            attempt = ExamAttempt.objects.create(
                user=user,
                exam=exam,
                started_at=now,
                deadline=now + timedelta(minutes=exam.time_limit_minutes),
                question_count=len(questions),
            )
            ExamAttemptQuestion.objects.bulk_create(
                ExamAttemptQuestion(attempt=attempt, question=question, order=number)
                for number, question in enumerate(questions, start=1)
            )
    except IntegrityError:
        # A double click started one a moment ago (one open attempt per user and exam).
        return ExamAttempt.objects.open().get(user=user, exam=exam)
    logger.info("exam attempt %s started by user %s (%s questions)", attempt.pk, user.pk, len(questions))
    return attempt


def exam_attempt_items(attempt: ExamAttempt):
    return attempt.items.select_related("question", "chosen").prefetch_related(
        Prefetch("question__choices", queryset=ExamChoice.objects.order_by("label"))
    )


def exam_answers_save(*, attempt: ExamAttempt, answers: dict[int, int], now=None) -> bool:
    """Record answers (attempt item id → choice id) while time remains. Returns False, and accepts
    nothing, once the deadline has passed or the attempt was submitted: the clock is the server's."""
    now = now or timezone.now()
    with transaction.atomic():
        attempt = ExamAttempt.objects.select_for_update().get(pk=attempt.pk)
        if attempt.is_submitted or attempt.is_past_deadline(now):
            return False
        items = {item.pk: item for item in attempt.items.select_related("question")}
        valid = set(
            ExamChoice.objects.filter(question__in=[item.question_id for item in items.values()]).values_list(
                "pk", "question_id"
            )
        )
        changed = []
        for item_id, choice_id in answers.items():
            item = items.get(item_id)
            if item is None or (choice_id, item.question_id) not in valid or item.chosen_id == choice_id:
                continue
            item.chosen_id, item.answered_at = choice_id, now
            changed.append(item)
        ExamAttemptQuestion.objects.bulk_update(changed, ["chosen", "answered_at"])
    return True


def exam_attempt_submit(*, attempt: ExamAttempt, answers: dict[int, int] | None = None, now=None) -> ExamAttempt:
    """Grade an attempt (idempotent: a submitted attempt is returned unchanged).

    Answers sent with the submission count only before the deadline; after it the attempt is
    graded on what was saved in time. Passing may complete the course.
    """
    now = now or timezone.now()
    if answers:
        exam_answers_save(attempt=attempt, answers=answers, now=now)
    with transaction.atomic():
        attempt = ExamAttempt.objects.select_for_update().select_related("exam").get(pk=attempt.pk)
        if attempt.is_submitted:
            return attempt
        tally: dict[str, list[int]] = {area: [0, 0] for area, _ in KnowledgeArea.choices}
        for item in attempt.items.select_related("question", "chosen"):
            tally[item.question.area][1] += 1
            tally[item.question.area][0] += item.is_correct
        correct = sum(right for right, _ in tally.values())
        total = sum(count for _, count in tally.values())
        attempt.correct_count, attempt.question_count = correct, total
        attempt.score_percent = 100 * correct // total if total else 0
        # Pass mark compared exactly (42/60 = 70% passes, 41/60 does not), not on the rounded score.
        attempt.passed = bool(total) and 100 * correct >= attempt.exam.pass_percent * total
        attempt.results_by_area = {
            area: {"correct": right, "total": count, "percent": round(100 * right / count)}
            for area, (right, count) in tally.items()
            if count
        }
        attempt.submitted_at = min(now, attempt.deadline)
        attempt.save(
            update_fields=[
                "correct_count",
                "question_count",
                "score_percent",
                "passed",
                "results_by_area",
                "submitted_at",
            ]
        )
    logger.info("exam attempt %s submitted: %s/%s passed=%s", attempt.pk, correct, total, attempt.passed)
    if attempt.passed:
        course_completion_check(user=attempt.user, course=attempt.exam.course)
    return attempt


def exam_attempt_expire_if_due(*, attempt: ExamAttempt) -> ExamAttempt:
    """Submit an attempt whose time ran out (called whenever one is looked at)."""
    if not attempt.is_submitted and attempt.is_past_deadline():
        return exam_attempt_submit(attempt=attempt)
    return attempt


def exam_ready_to_book(*, user, exam: PracticeExam) -> bool:
    """ "Ready to book your FAA test": the last `ready_streak` attempts all passed at ready_percent or more."""
    recent = list(
        ExamAttempt.objects.submitted()
        .filter(user=user, exam=exam)
        .order_by("-submitted_at")
        .values_list("passed", "score_percent")[: exam.ready_streak]
    )
    return len(recent) == exam.ready_streak and all(passed and score >= exam.ready_percent for passed, score in recent)


def exam_passed(*, user, exam: PracticeExam) -> bool:
    return ExamAttempt.objects.submitted().filter(user=user, exam=exam, passed=True).exists()


# -- completion and certificates --------------------------------------------------------------------


def practical_signed_off(enrollment: Enrollment) -> bool:
    """Whether every requirement outside lessons is met: flights answers for the practical (flight)
    training through `lessons.signals.completion_requirement_check`; lessons never imports flights.
    No receiver: no course requires a practical, True.
    """
    answers = completion_requirement_check.send(sender=Enrollment, enrollment=enrollment)
    return all(bool(answer) for _receiver, answer in answers)


@dataclass
class CompletionStatus:
    lessons_completed: int
    lessons_required: int
    exam_required: bool
    exam_passed: bool
    practical_signed_off: bool

    @property
    def complete(self) -> bool:
        return (
            self.lessons_completed >= self.lessons_required
            and (self.exam_passed or not self.exam_required)
            and self.practical_signed_off
        )


def course_completion_status(*, enrollment: Enrollment) -> CompletionStatus:
    course, user = enrollment.course, enrollment.user
    required = Lesson.objects.for_course(course).required()
    done = LessonProgress.objects.completed().filter(user=user, lesson__in=required).count()
    exam = PracticeExam.objects.filter(course=course).first()
    return CompletionStatus(
        lessons_completed=done,
        lessons_required=required.count(),
        exam_required=exam is not None,
        exam_passed=exam is not None and exam_passed(user=user, exam=exam),
        practical_signed_off=practical_signed_off(enrollment),
    )


def course_completion_check(*, user, course: Course) -> bool:
    """If the user has now completed the course: mark the enrollment completed and issue the
    certificate in the background (after commit). Returns whether the course is complete."""
    enrollment = enrollment_granting_access(user=user, course=course)
    if enrollment is None or not course_completion_status(enrollment=enrollment).complete:
        return False
    if enrollment.status == Enrollment.Status.ACTIVE:
        # Under the row lock, and only from active: a refunded or revoked enrollment stays ended.
        # Its save bumps the student's cache (enrollments/student_cache.py): the dashboard shows "Completed".
        enrollment_complete(enrollment=enrollment)
    certificate_issue_later(enrollment_id=enrollment.pk)
    return True


def certificate_issue_later(*, enrollment_id: int) -> None:
    from lessons.tasks import certificate_issue_task

    transaction.on_commit(lambda: certificate_issue_task.delay(enrollment_id=enrollment_id))


def certificate_issue(*, enrollment_id: int) -> Certificate | None:
    """Issue the certificate for a completed enrollment: row, PDF (private), email.

    Idempotent, so a retried task never issues two: one certificate per (user, course) is a
    database constraint, the PDF is rendered only while missing, and the email goes out only
    for the caller that flips `emailed_at`. Returns None (and issues nothing) when the enrollment
    no longer grants access or the course is not complete.
    """
    enrollment = Enrollment.objects.select_related("user", "course").get(pk=enrollment_id)
    if not enrollment.grants_access or not course_completion_status(enrollment=enrollment).complete:
        logger.info("certificate not issued for enrollment %s: not complete or no access", enrollment_id)
        return None
    user, course = enrollment.user, enrollment.course
    instructor = course.instructors.select_related("user").first()
    try:
        with transaction.atomic():
            certificate, created = Certificate.objects.get_or_create(
                user=user,
                course=course,
                defaults={
                    "full_name": user.full_name or user.email,
                    "course_title": course.title,
                    "hours": course.estimated_hours,
                    "instructor_name": instructor.user.full_name if instructor else settings.SCHOOL_NAME,
                },
            )
    except IntegrityError:
        certificate, created = Certificate.objects.get(user=user, course=course), False
    if created:
        logger.info("certificate %s issued to user %s for course %s", certificate.public_id, user.pk, course.pk)
    if not certificate.pdf:
        certificate.pdf.save(
            f"{certificate.public_id}.pdf", ContentFile(certificate_pdf_render(certificate)), save=False
        )
        Certificate.objects.filter(pk=certificate.pk).update(pdf=certificate.pdf.name)
    with transaction.atomic():
        claimed = Certificate.objects.filter(pk=certificate.pk, emailed_at__isnull=True).update(
            emailed_at=timezone.now()
        )
        if claimed:
            email_send(
                template="certificate_issued",
                to=[user.email],
                context={
                    "user_name": certificate.full_name,
                    "course_title": certificate.course_title,
                    "issued_on": date_format(timezone.localtime(certificate.issued_at), "F j, Y"),
                    "certificate_url": certificate.verify_url,
                    "download_url": settings.SITE_URL
                    + reverse("certificates:download", kwargs={"public_id": certificate.public_id}),
                },
                idempotency_key=f"certificate:{certificate.pk}",
            )
    certificate.refresh_from_db()
    return certificate


# A Unicode font for names the PDF base fonts cannot draw (they cover Windows-1252 only).
UNICODE_FONT_FILES = {
    "CertificateSans": "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "CertificateSans-Bold": "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
}


def _certificate_font(text: str, *, bold: bool) -> str:
    """Helvetica when it can draw `text` (most names), else DejaVu Sans when installed."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    try:
        text.encode("cp1252")
    except UnicodeEncodeError:
        name = "CertificateSans-Bold" if bold else "CertificateSans"
        if name in pdfmetrics.getRegisteredFontNames():
            return name
        if Path(UNICODE_FONT_FILES[name]).exists():
            pdfmetrics.registerFont(TTFont(name, UNICODE_FONT_FILES[name]))
            return name
        logger.warning("no Unicode font installed; certificate text %r may miss characters", text)
    return "Helvetica-Bold" if bold else "Helvetica"


def certificate_pdf_render(certificate: Certificate) -> bytes:
    """A one-page landscape certificate with the printed values and a QR code to its verify page."""
    import segno
    from reportlab.lib.pagesizes import landscape, letter
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    width, height = landscape(letter)
    pdf = canvas.Canvas(buffer, pagesize=(width, height))
    pdf.setTitle(f"Certificate {certificate.public_id}")
    pdf.setAuthor(settings.SCHOOL_NAME)
    pdf.setLineWidth(3)
    pdf.rect(30, 30, width - 60, height - 60)
    center = width / 2
    pdf.setFont("Helvetica-Bold", 16)
    pdf.drawCentredString(center, height - 90, settings.SCHOOL_NAME.upper())
    pdf.setFont("Helvetica-Bold", 34)
    pdf.drawCentredString(center, height - 150, "Certificate of Completion")
    pdf.setFont("Helvetica", 14)
    pdf.drawCentredString(center, height - 195, "This certifies that")
    pdf.setFont(_certificate_font(certificate.full_name, bold=True), 28)
    pdf.drawCentredString(center, height - 240, certificate.full_name)
    pdf.setFont("Helvetica", 14)
    pdf.drawCentredString(center, height - 280, "has successfully completed the course")
    pdf.setFont(_certificate_font(certificate.course_title, bold=True), 20)
    pdf.drawCentredString(center, height - 315, certificate.course_title)
    pdf.setFont("Helvetica", 12)
    issued = timezone.localdate(certificate.issued_at).strftime("%B %-d, %Y")
    pdf.drawCentredString(center, height - 355, f"Date: {issued}    Hours: {certificate.hours}")
    instructor_line = f"Instructor: {certificate.instructor_name}"
    pdf.setFont(_certificate_font(instructor_line, bold=False), 12)
    pdf.drawCentredString(center, height - 375, instructor_line)
    pdf.setFont("Helvetica", 9)
    pdf.drawString(60, 70, f"Certificate id: {certificate.public_id}")
    pdf.drawString(60, 56, f"Verify at {certificate.verify_url}")
    qr_png = io.BytesIO()
    segno.make(certificate.verify_url, error="m").save(qr_png, kind="png", scale=4, border=1)
    qr_png.seek(0)
    pdf.drawImage(ImageReader(qr_png), width - 150, 50, width=90, height=90)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


# -- video processing -------------------------------------------------------------------------------


def lesson_video_process_later(lesson_id: int) -> None:
    """Queue duration and poster extraction for a lesson's video after the current commit
    (call it from the admin's save_model / save_related when the video changed)."""
    from lessons.tasks import lesson_video_process_task

    transaction.on_commit(lambda: lesson_video_process_task.delay(lesson_id=lesson_id))


def lesson_video_process(*, lesson_id: int) -> bool:
    """Read the video's duration with ffprobe and grab a poster frame with ffmpeg, storing both on
    the lesson. Skipped (False, with a log line) when the lesson has no video or the tools are absent."""
    lesson = Lesson.objects.filter(pk=lesson_id).first()
    if lesson is None or not lesson.video:
        logger.info("video processing skipped for lesson %s: no video", lesson_id)
        return False
    ffprobe, ffmpeg = shutil.which("ffprobe"), shutil.which("ffmpeg")
    if not ffprobe or not ffmpeg:
        logger.warning("video processing skipped for lesson %s: ffprobe/ffmpeg not installed", lesson_id)
        return False
    with tempfile.TemporaryDirectory(prefix="bds-video-") as folder:
        source = Path(folder) / ("source" + Path(lesson.video.name).suffix)
        with lesson.video.open("rb") as video, source.open("wb") as copy:
            shutil.copyfileobj(video, copy, length=1024 * 1024)
        probe = subprocess.run(  # noqa: S603 - fixed arguments, the path is ours
            [ffprobe, "-v", "error", "-show_entries", "format=duration", "-of", "default=nw=1:nk=1", str(source)],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        try:
            duration = float(probe.stdout.strip())
        except ValueError:
            logger.warning("ffprobe could not read lesson %s's video: %s", lesson_id, probe.stderr.strip()[:500])
            return False
        poster = Path(folder) / "poster.jpg"
        frame_at = min(5.0, duration / 3)
        grab = subprocess.run(  # noqa: S603
            [
                ffmpeg,
                "-v",
                "error",
                "-y",
                "-ss",
                f"{frame_at:.2f}",
                "-i",
                str(source),
                "-frames:v",
                "1",
                "-q:v",
                "3",
                str(poster),
            ],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        lesson.duration_seconds = round(duration)
        fields = ["duration_seconds"]
        if grab.returncode == 0 and poster.exists():
            lesson.poster.save(f"{lesson.slug}.jpg", ContentFile(poster.read_bytes()), save=False)
            fields.append("poster")
        else:
            logger.warning("ffmpeg could not grab a poster for lesson %s: %s", lesson_id, grab.stderr.strip()[:500])
        lesson.save(update_fields=fields)
    logger.info("video processed for lesson %s: %ss, poster=%s", lesson_id, lesson.duration_seconds, "poster" in fields)
    return True
