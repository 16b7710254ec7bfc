"""Redis down: public and logged-in pages still answer, sessions fall back to the database.

The test runs its own redis-server on a free loopback port and stops it by its PID, so the
shared Redis (and anyone else using it) is never touched.
"""

import shutil
import subprocess
import time

import pytest
import redis
from django.core.cache import cache

from tests.ports import free_port, stop_process

pytestmark = pytest.mark.skipif(not shutil.which("redis-server"), reason="needs redis-server")


class PrivateRedis:
    def __init__(self):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
        )
        client = redis.Redis(host="127.0.0.1", port=self.port)
        for _ in range(100):
            try:
                client.ping()
                return
            except redis.ConnectionError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self):
        stop_process(self.process)


@pytest.fixture
def private_redis(settings):
    server = PrivateRedis()
    server.start()
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": server.url,
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 1, "SOCKET_TIMEOUT": 1},
        }
    }
    yield server
    if server.process.poll() is None:
        server.stop()


@pytest.mark.django_db
def test_pages_answer_while_redis_is_down_and_sessions_survive(client, student, private_redis, caplog):
    client.force_login(student)
    assert client.get("/dashboard/").status_code == 200
    cache.set("probe", "1")
    assert cache.get("probe") == "1"

    private_redis.stop()

    home = client.get("/")
    assert home.status_code == 200
    dashboard = client.get("/dashboard/")
    assert dashboard.status_code == 200, "the session must come from the database when the cache is gone"
    assert student.full_name.encode() in dashboard.content or b"My courses" in dashboard.content
    assert cache.get("probe") is None
    assert any(record.name == "django_redis.cache" and record.exc_info for record in caplog.records)

    private_redis.start()
    cache.set("probe", "2")
    assert cache.get("probe") == "2"


@pytest.mark.django_db
def test_readyz_names_the_cache_while_redis_is_down(client, private_redis):
    private_redis.stop()
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["cache"].startswith("failing")
    assert response.json()["checks"]["database"] == "ok"


@pytest.mark.django_db
def test_api_login_fails_closed_while_the_lockout_counters_are_unreachable(client, student, password, private_redis):
    """Like the login form: without Redis the failed-attempt counters cannot be kept, so no
    password is checked at all (a 503 the app can retry), rather than an unlimited oracle."""
    payload = {"email": student.email, "password": password}
    assert client.post("/api/v1/auth/token", payload, content_type="application/json").status_code == 200

    private_redis.stop()

    response = client.post("/api/v1/auth/token", payload, content_type="application/json")
    assert response.status_code == 503
    assert response["Content-Type"] == "application/problem+json"
    assert int(response["Retry-After"]) >= 1
    # The website refuses too (allauth's own counter lock already fails, before the adapter's probe).
    web = client.post("/accounts/login/", {"login": student.email, "password": password})
    assert web.status_code != 302
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_signed_in_pages_answer_and_a_refund_still_closes_them_while_redis_is_down(client, student, private_redis):
    """The stored signed-in pages (access decision, outline, lesson, course page, My account) fall
    back to rendering, and access to the database, when their tokens cannot be read."""
    from decimal import Decimal

    from courses.models import Category, Course, Section
    from enrollments import services
    from lessons.models import Lesson

    course = Course.objects.create(
        slug="aerial-mapping",
        title="Aerial Mapping",
        summary="Photogrammetry from the air.",
        category=Category.objects.create(name="Mapping", slug="mapping"),
        price=Decimal("199.00"),
        status=Course.Status.PUBLISHED,
    )
    section = Section.objects.create(course=course, title="Basics", order=1)
    Lesson.objects.create(section=section, title="Lesson 1", slug="lesson-1", order=1)
    enrollment = services.enrollment_activate(user=student, course=course)
    client.force_login(student)
    pages = ["/learn/aerial-mapping/", "/learn/aerial-mapping/lesson-1/", "/courses/aerial-mapping/", "/accounts/me/"]
    for path in pages * 2:  # the second round from the cache
        assert client.get(path).status_code == 200, path

    private_redis.stop()

    for path in pages:
        assert client.get(path).status_code == 200, path
    services.enrollment_refund(enrollment=enrollment)
    assert client.get("/learn/aerial-mapping/").status_code == 403
    assert client.get("/learn/aerial-mapping/lesson-1/").status_code == 403
