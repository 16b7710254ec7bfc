"""The per-student cache version: what is cached for one student (the dashboard body, the API's
list of their enrollments) is stored under `student_cache_key`, which changes with two tokens:

- the student's own, bumped by every write to their rows: enrollments here; lesson progress and
  certificates in lessons/receivers.py, payments in payments/receivers.py, seat bookings in
  flights/receivers.py (each app bumps for its own models; services that write with `.update()`
  call `student_cache_bump` themselves);
- the public-pages token of courses/cache.py, which course, lesson, flight-session and booking
  writes bump (titles, lesson counts, session dates).

What no write announces (an upcoming session becoming past) waits at most CACHE_TTL_SECONDS.
The access decision ("may this student open this course's lessons", lessons/services/access.py)
is cached under this token too: every enrollment write (activation, refund, revocation, dispute
pause and restore, re-enrollment) bumps it now and again after its transaction commits, so it takes
effect on the very next request. See docs/ARCHITECTURE.md, "Caching".
"""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from core.cache_versions import bump, tokens
from courses.cache import PUBLIC_PAGES_VERSION_KEY
from enrollments.models import Enrollment


def student_version_key(user_id: int) -> str:
    return f"student:version:{user_id}"


def student_cache_bump(*user_ids: int) -> None:
    """Re-render what is cached for these students on their next request."""
    bump(*{student_version_key(user_id) for user_id in user_ids if user_id})


def student_cache_key(name: str, user_id: int) -> str:
    """A key that changes whenever what this student sees may have: their token and the public
    one, read in one round trip."""
    student, public = tokens(student_version_key(user_id), PUBLIC_PAGES_VERSION_KEY)
    return f"student:{name}:{user_id}:{student}:{public}"


@receiver(post_save, sender=Enrollment, dispatch_uid="enrollments.student_cache.enrollment_saved")
@receiver(post_delete, sender=Enrollment, dispatch_uid="enrollments.student_cache.enrollment_deleted")
def enrollment_changed(sender, instance, **kwargs):
    student_cache_bump(instance.user_id)
