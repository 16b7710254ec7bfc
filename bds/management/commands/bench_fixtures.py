"""`manage.py bench_fixtures`: what bench/run.py needs to load logged-in pages, as JSON.

A session for a benchmark student with an active enrollment (stored through the configured
session engine, so Redis and the database both have it), an API access token, and the paths
of a published course and one of its lessons.
"""

import json
from importlib import import_module

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.core.management.base import BaseCommand, CommandError

from accounts.tokens import token_pair_for
from courses.models import Course, Section
from enrollments.models import Enrollment
from flights.models import FlightSession
from lessons.models import Lesson


class Command(BaseCommand):
    help = "Print a session key, an API token and page paths for the benchmark (after bench_data)."

    def handle(self, *args, **options):
        enrollment = (
            Enrollment.objects.granting_access()
            .filter(user__email__startswith="bench-", course__status=Course.Status.PUBLISHED)
            .select_related("user", "course")
            .order_by("pk")
            .first()
        )
        if enrollment is None:
            raise CommandError("No benchmark data: run manage.py bench_data first.")
        user = enrollment.user
        lesson = Lesson.objects.filter(section__course=enrollment.course).order_by("section__order", "order").first()
        session = _session_for(user)
        staff_session = _session_for(_bench_staff())
        pair = token_pair_for(user=user)
        counts = {
            "courses": Course.objects.count(),
            "sections": Section.objects.count(),
            "lessons": Lesson.objects.count(),
            "users": get_user_model().objects.count(),
            "enrollments": Enrollment.objects.count(),
            "flight sessions": FlightSession.objects.count(),
        }
        self.stdout.write(
            json.dumps(
                {
                    "session_key": session.session_key,
                    "staff_session_key": staff_session.session_key,
                    "student_email": user.email,
                    "access_token": pair.access_token,
                    "course_slug": enrollment.course.slug,
                    "lesson_path": f"/learn/{enrollment.course.slug}/{lesson.slug}/",
                    "counts": counts,
                }
            )
        )


def _session_for(user):
    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return session


def _bench_staff():
    """A superuser with a TOTP authenticator, as the admin requires (accounts.middleware)."""
    from allauth.mfa.models import Authenticator

    staff, _ = get_user_model().objects.get_or_create(
        email="bench-staff@example.com",
        defaults={"full_name": "Bench Staff", "is_staff": True, "is_superuser": True},
    )
    Authenticator.objects.get_or_create(
        user=staff, type=Authenticator.Type.TOTP, defaults={"data": {"secret": "JBSWY3DPEHPK3PXP"}}
    )
    return staff
