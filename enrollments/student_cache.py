"""What is cached per student: the dashboard ("My courses") body and the API's list of their
enrollments, rendered once per change instead of per request.

The dashboard body gathers every app's view of one student (courses and progress, certificates,
flight bookings and logbook, receipts): ten queries and the largest template on the site, for a
page students open on every visit. Both are stored under two version tokens:

- the student's own, bumped by every write to their enrollments, lesson progress, certificates,
  seat bookings and payments (the receivers below; services that write with `.update()` call
  `student_cache_bump` themselves);
- the public-pages token of courses/cache.py, which course, lesson, flight-session and booking
  writes bump (titles, lesson counts, session dates).

The dashboard holds a CSRF token in its "Finish your payment" forms, and a token belongs to one
browser (its csrftoken cookie), so it is stored with a placeholder and each request puts in its
own. What no write announces (an upcoming session becoming past) waits at most CACHE_TTL_SECONDS.
Access to lessons is never decided from here: that stays a query per request, so a refund or a
revocation takes effect at once. Enrollments cannot import the apps that depend on it, so their
models are named lazily.
"""

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from core.cache_versions import bump, tokens
from courses.cache import PUBLIC_PAGES_VERSION_KEY
from enrollments.models import Enrollment

# Letters and dashes only: it passes through format_html unchanged, so the swap below finds it.
CSRF_PLACEHOLDER = "csrf-token-placeholder-for-the-cached-dashboard"


def _version_key(user_id: int) -> str:
    return f"student:version:{user_id}"


def student_cache_bump(*user_ids: int) -> None:
    """Re-render what is cached for these students on their next request."""
    bump(*{_version_key(user_id) for user_id in user_ids if user_id})


def student_cache_key(name: str, user_id: int) -> str:
    """A key that changes whenever what this student sees may have: their token and the public
    one, read in one round trip."""
    student, public = tokens(_version_key(user_id), PUBLIC_PAGES_VERSION_KEY)
    return f"student:{name}:{user_id}:{student}:{public}"


def dashboard_body_html(request) -> SafeString:
    user = request.user
    key = student_cache_key("dashboard", user.pk)
    html = cache.get(key)
    if html is None:
        enrollments = Enrollment.objects.for_user(user).select_related("course").order_by("-created_at")
        html = render_to_string(
            "enrollments/_dashboard_body.html",
            {"enrollments": enrollments, "csrf_token": CSRF_PLACEHOLDER},
            request=request,
        )
        cache.set(key, html)
    if CSRF_PLACEHOLDER in html:
        html = html.replace(CSRF_PLACEHOLDER, get_token(request))
    # Rendered by our templates, with autoescaping, before it was stored.
    return mark_safe(html)  # noqa: S308


@receiver(post_save, sender=Enrollment, dispatch_uid="enrollments.student_cache.enrollment_saved")
@receiver(post_delete, sender=Enrollment, dispatch_uid="enrollments.student_cache.enrollment_deleted")
@receiver(post_save, sender="lessons.LessonProgress", dispatch_uid="enrollments.student_cache.progress_saved")
@receiver(post_delete, sender="lessons.LessonProgress", dispatch_uid="enrollments.student_cache.progress_deleted")
@receiver(post_save, sender="lessons.Certificate", dispatch_uid="enrollments.student_cache.certificate_saved")
@receiver(post_delete, sender="lessons.Certificate", dispatch_uid="enrollments.student_cache.certificate_deleted")
@receiver(post_save, sender="payments.Payment", dispatch_uid="enrollments.student_cache.payment_saved")
@receiver(post_delete, sender="payments.Payment", dispatch_uid="enrollments.student_cache.payment_deleted")
def students_row_changed(sender, instance, **kwargs):
    student_cache_bump(instance.user_id)


@receiver(post_save, sender="flights.SeatBooking", dispatch_uid="enrollments.student_cache.booking_saved")
@receiver(post_delete, sender="flights.SeatBooking", dispatch_uid="enrollments.student_cache.booking_deleted")
def booking_changed(sender, instance, **kwargs):
    student_cache_bump(*Enrollment.objects.filter(pk=instance.enrollment_id).values_list("user_id", flat=True))
