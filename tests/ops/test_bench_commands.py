"""The benchmark's own commands (bench/run.py is not run in CI, so these keep it from rotting):
the data set, the logged-in fixtures, and the per-page query counts it reports."""

import json
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.db.models import Count, F, Q
from django.utils import timezone

from courses.models import Course
from enrollments.models import Enrollment
from flights.models import FlightSession
from lessons.models import Lesson
from payments.models import Payment

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_data_fixtures_and_query_counts(settings):
    settings.API_RATE_LIMIT_PER_USER = settings.API_RATE_LIMIT_PER_IP = "1000/m"
    run("bench_data", "--scale", "0.01")
    assert Course.objects.count() == 5 and Lesson.objects.count() == 80
    assert Enrollment.objects.count() >= 1500 and FlightSession.objects.count() == 10
    assert "already present" in run("bench_data", "--scale", "0.01")  # once only

    fixtures = json.loads(run("bench_fixtures"))
    pages = [
        {"name": "home", "path": "/", "headers": {}},
        {"name": "course", "path": f"/courses/{fixtures['course_slug']}/", "headers": {}},
        {"name": "dashboard", "path": "/dashboard/", "headers": {"Cookie": f"sessionid={fixtures['session_key']}"}},
        {
            "name": "lesson",
            "path": fixtures["lesson_path"],
            "headers": {"Cookie": f"sessionid={fixtures['session_key']}"},
        },
        {
            "name": "my enrollments",
            "path": "/api/v1/me/enrollments",
            "headers": {"Authorization": f"Bearer {fixtures['access_token']}"},
        },
    ]
    counts = json.loads(run("bench_queries", json.dumps(pages)))
    assert counts["home"] == {"fresh": 3, "stored": 0}
    assert counts["course"]["stored"] == 0
    assert counts["dashboard"]["stored"] <= 2 < counts["dashboard"]["fresh"]
    assert counts["lesson"]["stored"] < counts["lesson"]["fresh"]
    assert counts["my enrollments"]["stored"] == 0  # the token's user comes from the cache too (accounts/user_cache.py)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL builds the data set in SQL")
def test_the_sql_built_data_keeps_the_models_invariants():
    run("bench_data", "--scale", "0.01")
    with connection.cursor() as cursor:
        # Foreign keys are checked at commit, which a test never reaches: check them now.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")

    students = get_user_model().objects.filter(full_name__startswith="Bench Student ")
    assert students.count() == 500
    assert set(students.filter(email__in=["bench-0@example.com", "bench-499@example.com"]).values_list("pk", flat=True))
    assert students.values("password").distinct().count() == 1
    assert Lesson.objects.filter(slug__startswith="bench-lesson-").count() == 80

    enrollments = Enrollment.objects.filter(user__in=students)
    assert enrollments.count() == 1500
    assert not enrollments.values("user", "course").annotate(n=Count("pk")).filter(n__gt=1).exists()
    assert enrollments.filter(course__slug__startswith="bench-course-").count() == 1500
    mix = dict(enrollments.values_list("status").annotate(n=Count("pk")))
    assert set(mix) == {"active", "completed", "pending"} and mix["active"] > mix["completed"] > mix["pending"]
    assert not enrollments.filter(created_at__lt=F("user__date_joined")).exists()
    assert not enrollments.filter(status="completed", completed_at__lt=F("activated_at")).exists()
    joined = students.order_by("date_joined").values_list("date_joined", flat=True)
    assert (joined.last() - joined.first()).days > 365  # spread over years, not all "now"
    assert joined.last() < timezone.now() and not enrollments.filter(created_at__gt=timezone.now()).exists()

    paid = enrollments.filter(course__price__gt=0)
    succeeded = Payment.objects.filter(status=Payment.Status.SUCCEEDED)
    assert sorted(succeeded.values_list("enrollment_id", flat=True)) == sorted(
        paid.filter(status__in=Enrollment.ACCESS_STATUSES).values_list("pk", flat=True)
    )
    assert sorted(Payment.objects.open().values_list("enrollment_id", flat=True)) == sorted(
        paid.filter(status="pending").values_list("pk", flat=True)
    )
    assert not Payment.objects.filter(enrollment__course__price=0).exists()
    assert not Payment.objects.filter(~Q(user=F("enrollment__user")) | ~Q(course=F("enrollment__course"))).exists()
    assert Payment.objects.filter(status=Payment.Status.CANCELED).count() > 0  # several attempts per checkout
    assert not Payment.objects.exclude(amount=F("course__price") * 100).exists()
    assert set(Payment.objects.values_list("currency", flat=True)) == {"usd"}
    assert succeeded.filter(receipt_number__isnull=True).count() == 0
    assert Payment.objects.exclude(status=Payment.Status.SUCCEEDED).filter(receipt_number__isnull=False).count() == 0
    assert not succeeded.filter(succeeded_at__lt=F("created_at")).exists()
