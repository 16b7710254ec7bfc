"""Course completion: the rule (lessons, the practice exam, requirements outside lessons), and what
happens when a course is complete (the enrollment completes, the certificate is issued after commit)."""

import logging
from dataclasses import dataclass

from django.db import transaction

from courses.models import Course
from enrollments.models import Enrollment
from enrollments.services import enrollment_complete
from lessons.models import (
    ExamAttempt,
    Lesson,
    LessonProgress,
    PracticeExam,
)
from lessons.services.access import enrollment_granting_access
from lessons.signals import completion_requirement_check

logger = logging.getLogger(__name__)


# -- completion --------------------------------------------------------------------


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


def exam_passed(*, user, exam: PracticeExam) -> bool:
    return ExamAttempt.objects.submitted().filter(user=user, exam=exam, passed=True).exists()
