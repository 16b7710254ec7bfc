"""Who may open a course: an enrollment that grants access, or teaching it (instructors, superusers)."""

import logging

from courses.models import Course
from enrollments.models import Enrollment

logger = logging.getLogger(__name__)


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
