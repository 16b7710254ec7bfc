"""Payments fixtures: a real Stripe-compatible server (localstripe), courses, signed events."""

import hashlib
import hmac
import json
import socket
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

import pytest
import requests
import stripe
from allauth.account.models import EmailAddress

from courses.models import Category, Course
from tests.ports import free_port, stop_process

WEBHOOK_SECRET = "whsec_test_bds_payments"
DEAD_URL = "http://127.0.0.1:9/payments/confirm"  # the discard port: nothing listens there


def wait_until(predicate, *, seconds: float = 15.0, step: float = 0.05):
    """Poll for an asynchronous outcome (a webhook delivery). Fails the test if it never comes."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(step)
    raise AssertionError("the expected outcome did not happen in time")


@pytest.fixture(scope="session")
def localstripe_url():
    """localstripe bound to 127.0.0.1 in its own process, stopped by its PID at the end."""
    port = free_port()
    script = Path(__file__).parent.parent / "localstripe_server.py"
    process = subprocess.Popen(
        [sys.executable, str(script), str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    url = f"http://127.0.0.1:{port}"

    def answering():
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return True
        except OSError:
            return process.poll() is not None and pytest.fail("localstripe exited at start-up")

    try:
        wait_until(answering, seconds=20)
        yield url
    finally:
        stop_process(process, seconds=5)


def webhook_point(localstripe_url: str, url: str) -> None:
    response = requests.post(
        f"{localstripe_url}/_config/webhooks/bds", json={"url": url, "secret": WEBHOOK_SECRET}, timeout=5
    )
    response.raise_for_status()


@pytest.fixture
def stripe_online(settings, localstripe_url):
    """Settings as in production, with the SDK pointed at localstripe. Webhooks go nowhere."""
    settings.STRIPE_API_KEY = "sk_test_bds_payments"
    settings.STRIPE_PUBLISHABLE_KEY = "pk_test_bds_payments"
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    settings.STRIPE_API_BASE = localstripe_url
    settings.PAYMENTS_OFFLINE_MODE = False
    settings.STRIPE_TIMEOUT_SECONDS = 5.0
    settings.STRIPE_MAX_NETWORK_RETRIES = 0
    # localstripe signs and sends events by itself; tests that do not run a live server must not
    # receive them (they deliver their own signed fixture events instead).
    webhook_point(localstripe_url, DEAD_URL)
    stripe.api_key = settings.STRIPE_API_KEY
    stripe.api_base = localstripe_url
    yield localstripe_url
    stripe.api_key = None
    stripe.api_base = stripe.DEFAULT_API_BASE


@pytest.fixture(scope="session")
def live_server_after_db(django_db_setup, django_db_blocker, live_server):
    """The live server, started only once the test database exists.

    pytest-django's live_server does not depend on the database setup; started first, it does not
    share SQLite's in-memory connection and its request threads leak their own connections.
    """
    return live_server


@pytest.fixture
def stripe_webhooks_live(stripe_online, live_server_after_db):
    """localstripe delivers its signed events to the live test server's /payments/confirm."""
    live_server = live_server_after_db
    webhook_point(stripe_online, f"{live_server.url}/payments/confirm")
    yield live_server
    webhook_point(stripe_online, DEAD_URL)


@pytest.fixture
def category(db):
    return Category.objects.create(name="Part 107", slug="part-107")


@pytest.fixture
def paid_course(category):
    return Course.objects.create(
        slug="part-107-prep",
        title="Part 107 Exam Prep",
        summary="Pass the FAA Remote Pilot exam.",
        category=category,
        price=Decimal("49.00"),
        currency="usd",
        status=Course.Status.PUBLISHED,
    )


@pytest.fixture
def free_course(category):
    return Course.objects.create(
        slug="drone-basics",
        title="Drone Basics",
        summary="Your first flight.",
        category=category,
        price=Decimal("0"),
        status=Course.Status.PUBLISHED,
    )


def verify_email(user):
    EmailAddress.objects.update_or_create(user=user, email=user.email, defaults={"verified": True, "primary": True})
    return user


@pytest.fixture
def verified_student(student):
    return verify_email(student)


@pytest.fixture
def student_client(client, verified_student):
    client.force_login(verified_student)
    return client


def sign(body: str, *, secret: str = WEBHOOK_SECRET, timestamp: int | None = None) -> str:
    """The Stripe-Signature header Stripe would send for `body`."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    digest = hmac.new(secret.encode(), f"{timestamp}.{body}".encode(), hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def deliver(client, event: dict, *, secret: str = WEBHOOK_SECRET):
    body = json.dumps(event)
    return client.post(
        "/payments/confirm", data=body, content_type="application/json", HTTP_STRIPE_SIGNATURE=sign(body, secret=secret)
    )


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """`with committed(): ...` runs the block's after-commit work (emails, signals) at its end,
    as a real commit would, inside the test's transaction."""
    return lambda: django_capture_on_commit_callbacks(execute=True)
