"""Learning workflows: access, progress, quizzes, practice exams, course completion, certificates,
video processing. Views, admin, tasks and commands all call these, through this package, which
names the public surface; one module per job: access, progress (with outlines and quizzes), exams,
completion, certificates, video.

Access is decided here and only here: an enrollment unlocks a course when
`Enrollment.objects.granting_access()` says so (that QuerySet also honours payment disputes),
preview lessons play for everyone, and the course's instructors and superusers may look at
everything they publish.

lessons does not listen to `enrollments.signals.enrollment_revoked`: access is checked on every
request, through a decision cached under the student's version token that every enrollment write
bumps (access.py), so a revoked or refunded enrollment stops unlocking on the next request (signed
URLs already handed out expire after PRIVATE_URL_EXPIRY_SECONDS); progress is kept for a later
re-enrollment, and an issued certificate stays valid because it records a completion that
happened. Voiding certificates after a chargeback, if the school ever wants it, would be a
receiver here plus a `voided_at` field.
"""

from lessons.services.access import (
    access_decision_key,
    course_staffed_by,
    course_unlocked_for,
    enrollment_granting_access,
)
from lessons.services.certificates import (
    UNICODE_FONT_FILES,
    certificate_issue,
    certificate_pdf_render,
)
from lessons.services.completion import (
    CompletionStatus,
    certificate_issue_later,
    course_completion_check,
    course_completion_status,
    exam_passed,
    practical_signed_off,
)
from lessons.services.exams import (
    AREA_TARGETS,
    READINESS_MIN_ATTEMPTS,
    READINESS_WINDOW,
    AreaReview,
    ExamReadiness,
    ExamUnavailable,
    Readiness,
    ReviewedQuestion,
    exam_answers_save,
    exam_area_quotas,
    exam_attempt_expire_if_due,
    exam_attempt_items,
    exam_attempt_review,
    exam_attempt_start,
    exam_attempt_submit,
    exam_questions_draw,
    exam_readiness,
    exam_ready_to_book,
)
from lessons.services.progress import (
    MAX_POSITION_SECONDS,
    CourseOutline,
    OutlineLesson,
    OutlineSection,
    course_outline,
    course_progress_by_course,
    lesson_complete,
    lesson_curriculum,
    lesson_progress_save,
    quiz_grade,
)
from lessons.services.video import (
    lesson_video_process,
    lesson_video_process_later,
    lesson_video_retry,
)

__all__ = [
    "AREA_TARGETS",
    "CompletionStatus",
    "CourseOutline",
    "AreaReview",
    "ExamReadiness",
    "ExamUnavailable",
    "MAX_POSITION_SECONDS",
    "READINESS_MIN_ATTEMPTS",
    "READINESS_WINDOW",
    "Readiness",
    "ReviewedQuestion",
    "OutlineLesson",
    "OutlineSection",
    "UNICODE_FONT_FILES",
    "certificate_issue",
    "certificate_issue_later",
    "certificate_pdf_render",
    "course_completion_check",
    "course_completion_status",
    "course_outline",
    "lesson_curriculum",
    "course_progress_by_course",
    "course_staffed_by",
    "access_decision_key",
    "course_unlocked_for",
    "enrollment_granting_access",
    "exam_answers_save",
    "exam_area_quotas",
    "exam_attempt_expire_if_due",
    "exam_attempt_items",
    "exam_attempt_review",
    "exam_attempt_start",
    "exam_attempt_submit",
    "exam_passed",
    "exam_questions_draw",
    "exam_readiness",
    "exam_ready_to_book",
    "lesson_complete",
    "lesson_progress_save",
    "lesson_video_process",
    "lesson_video_process_later",
    "lesson_video_retry",
    "practical_signed_off",
    "quiz_grade",
]
