"""Browser journeys: Playwright's sync API driving Debian's Chromium against pytest-django's live server.

The live server runs the app on 127.0.0.1 with the test database (PostgreSQL when DATABASE_URL is set),
real email over SMTP to an in-process aiosmtpd server, and (for payments) localstripe on loopback.
Playwright never downloads a browser here: it launches /usr/bin/chromium.
"""

import os
import re
import subprocess
import sys
import threading
import time
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from django.core.management import call_command

from tests.ports import free_port, stop_process

# Playwright's sync API keeps an event loop running in the test's thread, and Django refuses
# database work from a thread with a running loop unless told this is not really async code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("E2E_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
HERE = Path(__file__).parent
AXE_JS = HERE / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = HERE / "screenshots"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 768}
# Playwright waits this long for a locator before failing (ms); the machine has 2 shared cores.
TIMEOUT_MS = 15_000


def pytest_collection_modifyitems(items):
    # Everything in this folder is a browser journey: `make test` deselects it with -m "not e2e".
    for item in items:
        if Path(str(item.fspath)).is_relative_to(HERE):
            item.add_marker(pytest.mark.e2e)


# -- browser -----------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class LiveServerRequests:
    """Requests the live server is handling right now, counted from Django's request signals (the
    server runs in a thread of this process)."""

    def __init__(self):
        self._lock = threading.Lock()
        self.in_flight = 0
        self.last_change = time.monotonic()

    def started(self, **kwargs):
        with self._lock:
            self.in_flight += 1
            self.last_change = time.monotonic()

    def finished(self, **kwargs):
        with self._lock:
            self.in_flight -= 1
            self.last_change = time.monotonic()

    def wait_until_quiet(self, *, quiet_seconds: float = 0.5, give_up_seconds: float = 15) -> None:
        """Until nothing has been in flight for `quiet_seconds`. A page that closes sends its last
        request on the way out (the player saves its position on `pagehide`); flushing the database
        under it deadlocked TRUNCATE against that request's row locks (a failed e2e teardown)."""
        give_up_at = time.monotonic() + give_up_seconds
        while time.monotonic() < give_up_at:
            with self._lock:
                quiet = self.in_flight == 0 and time.monotonic() - self.last_change >= quiet_seconds
            if quiet:
                return
            time.sleep(0.05)


@pytest.fixture
def new_context(browser, django_db_setup, live_server):
    """Open browser contexts on the live server; all are closed when the test ends, and the server
    is let finish what they sent while closing before the test's data is flushed."""
    from django.core.signals import request_finished, request_started

    requests = LiveServerRequests()
    request_started.connect(requests.started, dispatch_uid="e2e-live-server-requests-started")
    request_finished.connect(requests.finished, dispatch_uid="e2e-live-server-requests-finished")
    contexts = []

    def open_context(**options):
        context = browser.new_context(base_url=live_server.url, viewport=DESKTOP, **options)
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context

    try:
        yield open_context
        for context in contexts:
            context.close()
        requests.wait_until_quiet()
    finally:
        request_started.disconnect(dispatch_uid="e2e-live-server-requests-started")
        request_finished.disconnect(dispatch_uid="e2e-live-server-requests-finished")


@pytest.fixture
def page(new_context):
    return new_context().new_page()


@pytest.fixture
def screenshot(request):
    """Save the page at phone and desktop widths as tests/e2e/screenshots/<name>-<width>.png."""

    def take(page, name=None):
        name = name or request.node.name.removeprefix("test_")
        SCREENSHOTS.mkdir(exist_ok=True)
        original = page.viewport_size
        for size in (PHONE, DESKTOP):
            page.set_viewport_size(size)
            page.screenshot(path=SCREENSHOTS / f"{name}-{size['width']}.png", full_page=True)
        page.set_viewport_size(original)

    return take


@pytest.fixture
def axe_violations(new_context):
    """axe-core's serious and critical WCAG 2.x A/AA violations on a path, as readable strings.

    The site's CSP allows only its own and nonce'd scripts, so this one context bypasses CSP to let
    axe in; everything else runs with the CSP the site sends.
    """
    if not AXE_JS.exists():
        pytest.fail(f"{AXE_JS} is missing: run `npm ci --prefix tests/e2e`")
    context = new_context(bypass_csp=True)
    page = context.new_page()

    def check(path_or_page):
        target = page
        if isinstance(path_or_page, str):
            page.goto(path_or_page)
        else:
            target = path_or_page
        target.add_script_tag(path=str(AXE_JS))
        results = target.evaluate(
            """() => axe.run(document, {
                runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']},
            })"""
        )
        return [
            f"{v['id']} ({v['impact']}): {v['help']} -> " + "; ".join(n["html"][:160] for n in v["nodes"][:5])
            for v in results["violations"]
            if v["impact"] in ("serious", "critical")
        ]

    def at_width(path: str, size: dict) -> list[str]:
        """The same check on a page laid out at `size` (the phone layout has its own markup)."""
        sized = context.new_page()
        sized.set_viewport_size(size)
        sized.goto(path)
        try:
            return check(sized)
        finally:
            sized.close()

    check.context = context
    check.at_width = at_width
    return check


# -- data ----------------------------------------------------------------------------------------------


@pytest.fixture
def demo(transactional_db, live_server):
    """The demo school (courses, preview videos when ffmpeg exists, flight sessions, demo logins)."""
    call_command("seed_demo", verbosity=0)


DEMO_STUDENT = ("student@bostondroneschool.test", "demo-student-pass-2026")


@pytest.fixture
def enrolled_lesson(demo):
    """The demo's first Fly Safe lesson (a shipped clip with captions), its course opened to the
    demo student."""
    from accounts.models import User
    from enrollments.models import Enrollment
    from lessons.models import Lesson

    lesson = Lesson.objects.select_related("section__course").get(slug="flying-for-fun-or-for-work")
    Enrollment.objects.update_or_create(
        user=User.objects.get(email=DEMO_STUDENT[0]),
        course=lesson.section.course,
        defaults={"status": Enrollment.Status.ACTIVE},
    )
    return lesson


# -- email over SMTP -------------------------------------------------------------------------------------


class Inbox:
    """Messages the in-process SMTP server received, parsed."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        message = message_from_bytes(envelope.original_content, policy=policy.default)
        message.rcpt_tos = envelope.rcpt_tos
        self.messages.append(message)
        return "250 OK"

    def to(self, address):
        return [m for m in self.messages if address in m.rcpt_tos]

    @staticmethod
    def text(message):
        return message.get_body(preferencelist=("plain",)).get_content()

    def links(self, message, pattern=r"https?://\S+"):
        return re.findall(pattern, self.text(message))


@pytest.fixture
def smtp_inbox(settings, live_server):
    """A real SMTP server on 127.0.0.1; the app's default mailer delivers to it.

    The test runner swaps MAILERS for locmem at setup, so this overrides it afterwards. Links in
    emails built from SITE_URL point at the live server.
    """
    settings.SITE_URL = live_server.url
    from aiosmtpd.controller import Controller

    port = free_port()
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "use_tls": False, "timeout": 10},
        }
    }
    yield inbox
    controller.stop()


def wait_for(predicate, page, timeout_ms=TIMEOUT_MS, step_ms=100):
    """Poll `predicate` while letting the browser's event loop run; its value once truthy."""
    for _ in range(timeout_ms // step_ms):
        value = predicate()
        if value:
            return value
        page.wait_for_timeout(step_ms)
    raise AssertionError("gave up waiting")


# -- payments: localstripe -----------------------------------------------------------------------------

STRIPE_SECRET_KEY = "sk_test_bds_e2e"
STRIPE_PUBLISHABLE_KEY = "pk_test_bds_e2e"
STRIPE_WEBHOOK_SECRET = "whsec_test_bds_e2e"


@pytest.fixture(scope="session")
def localstripe_url():
    """localstripe in its own process on 127.0.0.1, stopped by its PID at the end of the session."""
    import requests

    port = free_port()
    process = subprocess.Popen(
        [sys.executable, str(HERE.parent / "localstripe_server.py"), str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            if process.poll() is not None:
                pytest.fail("localstripe exited at start-up")
            try:
                requests.get(f"{url}/js.stripe.com/v3/", timeout=1)
                break
            except requests.ConnectionError:
                time.sleep(0.1)
        yield url
    finally:
        stop_process(process, seconds=5)


class Localstripe:
    """The Stripe side of a card payment, played against localstripe with the secret key."""

    def __init__(self, url):
        import requests

        self.url = url
        self.http = requests.Session()
        self.http.headers["Authorization"] = f"Bearer {STRIPE_SECRET_KEY}"

    def post(self, path, **data):
        response = self.http.post(f"{self.url}{path}", data=data, timeout=10)
        return response.status_code, response.json()

    def confirm_with_card(self, intent, card="pm_card_visa"):
        """What Stripe does when the buyer's card goes through: attach it and confirm the intent."""
        status, body = self.post(f"/v1/payment_intents/{intent}", payment_method=card)
        if status != 200:
            return status, body
        return self.post(f"/v1/payment_intents/{intent}/confirm")

    def install(self, context):
        """Serve the Stripe.js stand-in and route the browser's Stripe API calls to localstripe."""

        def confirm(route):
            intent = re.search(r"/payment_intents/(pi_\w+)/confirm", route.request.url).group(1)
            status, body = self.confirm_with_card(intent)
            route.fulfill(
                status=status,
                json=body,
                headers={"Access-Control-Allow-Origin": "*", "Access-Control-Allow-Headers": "*"},
            )

        context.route("https://js.stripe.com/**", lambda route: route.fulfill(path=HERE / "stripe_standin.js"))
        context.route(re.compile(r"https://api\.stripe\.com/v1/payment_intents/pi_\w+/confirm"), confirm)


@pytest.fixture
def stripe_live(settings, localstripe_url, live_server):
    """Payments on localstripe, which signs and delivers its webhooks to the live server."""
    import requests

    requests.delete(f"{localstripe_url}/_config/data", timeout=5).raise_for_status()
    requests.post(
        f"{localstripe_url}/_config/webhooks/bds",
        json={"url": f"{live_server.url}/payments/confirm", "secret": STRIPE_WEBHOOK_SECRET},
        timeout=5,
    ).raise_for_status()
    settings.STRIPE_API_KEY = STRIPE_SECRET_KEY
    settings.STRIPE_PUBLISHABLE_KEY = STRIPE_PUBLISHABLE_KEY
    settings.STRIPE_WEBHOOK_SECRET = STRIPE_WEBHOOK_SECRET
    settings.STRIPE_API_BASE = localstripe_url
    settings.PAYMENTS_OFFLINE_MODE = False
    yield Localstripe(localstripe_url)
    requests.post(
        f"{localstripe_url}/_config/webhooks/bds", json={"url": "http://127.0.0.1:9/", "secret": "x"}, timeout=5
    )


def log_in(page, email, password):
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label(re.compile(r"^Password")).fill(password)
    page.get_by_role("button", name="Log in").click()
    # Wait for the redirect, so the caller's next navigation cannot cut the login short.
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def requires_urls(*names):
    """Skip a journey until the feature behind these URL names has been merged."""
    from django.urls import NoReverseMatch, get_resolver

    known = set()
    resolver = get_resolver()
    for name in names:
        namespace, _, url_name = name.rpartition(":")
        try:
            target = resolver.namespace_dict[namespace][1] if namespace else resolver
            if url_name in target.reverse_dict:
                known.add(name)
        except (KeyError, NoReverseMatch):
            pass
    missing = [name for name in names if name not in known]
    return pytest.mark.skipif(bool(missing), reason=f"feature not merged yet: no URL named {', '.join(missing)}")


# -- admin with two-factor authentication ---------------------------------------------------------------


def totp_activate(user):
    """Give `user` an authenticator app (allauth's TOTP); returns the secret the app would hold."""
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


def totp_code(secret):
    """The code an authenticator app shows now for `secret` (RFC 6238, as allauth checks it)."""
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value, yield_hotp_counters_from_time

    return format_hotp_value(hotp_value(secret, next(iter(yield_hotp_counters_from_time()))))


def log_in_with_totp(page, email, password, secret):
    log_in(page, email, password)
    expect_heading(page, "Enter your code")
    page.get_by_label("Code").fill(totp_code(secret))
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: "/authenticate/" not in url)


def expect_heading(page, text):
    from playwright.sync_api import expect

    expect(page.get_by_role("heading", level=1)).to_have_text(text)
