"""The benchmark's own commands (bench/run.py is not run in CI, so these keep it from rotting):
the data set, the logged-in fixtures, and the per-page query counts it reports."""

import json
from io import StringIO

import pytest
from django.core.management import call_command

from courses.models import Course
from enrollments.models import Enrollment
from flights.models import FlightSession
from lessons.models import Lesson

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
