"""Access and progress: who may open a course, lesson progress, the course outline, quizzes."""

import logging
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, OuterRef
from django.utils import timezone

from courses.models import Course
from lessons.models import (
    Lesson,
    LessonProgress,
    Quiz,
    QuizAttempt,
)
from lessons.services.completion import course_completion_check

logger = logging.getLogger(__name__)

# A position far beyond any lesson is a client bug or tampering; never store more than a day.
MAX_POSITION_SECONDS = 24 * 60 * 60


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
        # completed_at only when it changes: a position alone leaves the course panel's ticks cached
        # (lessons/receivers.py).
        fields = ["position_seconds", "updated_at", *(["completed_at"] if newly_completed else [])]
        progress.save(update_fields=fields)
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


@dataclass
class Curriculum:
    """The lesson page's side panel: every lesson of the course in order, from one query."""

    sections: list[tuple[str, list[Lesson]]]
    position: int  # 1-based place of the current lesson
    count: int
    completed_required: int
    total_required: int
    next_lesson: Lesson | None = None

    @property
    def percent(self) -> int:
        return round(100 * self.completed_required / self.total_required) if self.total_required else 100


def lesson_curriculum(*, user, course: Course, lesson: Lesson, unlocked: bool) -> Curriculum:
    """Sections and lessons with the user's ticks (`done`), the current one (`current`) and, for a
    visitor without access, which are locked (`locked`). One query, whatever the course's size."""
    rows = (
        Lesson.objects.for_course(course)
        .select_related("section")
        .only(
            "pk", "slug", "title", "duration_seconds", "is_preview", "is_required", "section__title", "section__order"
        )
    )
    if user.is_authenticated and unlocked:
        rows = rows.annotate(
            done=Exists(LessonProgress.objects.filter(user=user, lesson=OuterRef("pk"), completed_at__isnull=False))
        )
    sections: dict[int, tuple[str, list[Lesson]]] = {}
    position = completed_required = total_required = 0
    next_lesson = None
    for number, row in enumerate(rows, start=1):
        row.done = getattr(row, "done", False)
        row.current = row.pk == lesson.pk
        row.locked = not (unlocked or row.is_preview)
        if row.current:
            position = number
        elif position and next_lesson is None and not row.locked:
            next_lesson = row
        if row.is_required:
            total_required += 1
            completed_required += row.done
        sections.setdefault(row.section_id, (row.section.title, []))[1].append(row)
    return Curriculum(
        sections=list(sections.values()),
        position=position,
        count=sum(len(items) for _title, items in sections.values()),
        completed_required=completed_required,
        total_required=total_required,
        next_lesson=next_lesson,
    )
