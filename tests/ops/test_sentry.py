"""Sentry: errors carry the user id and the release, and never personal data or secrets.

Events go to a capturing transport in the test process (the SDK's own Transport interface),
through the same sentry_init the settings call when SENTRY_DSN is set.
"""

import pytest
import sentry_sdk
from django.urls import path
from sentry_sdk.transport import Transport

from bds import urls as site_urls
from core.monitoring import sentry_init


class CapturingTransport(Transport):
    def __init__(self, options=None):
        super().__init__(options)
        self.envelopes = []

    def capture_envelope(self, envelope):
        self.envelopes.append(envelope)

    @property
    def events(self):
        return [item.payload.json for envelope in self.envelopes for item in envelope.items if item.type == "event"]


def exploding_view(request):
    card_number = "4242" * 4  # noqa: F841 - a local variable Sentry must not capture
    raise RuntimeError("refund failed for payment 42")


urlpatterns = [path("explode/", exploding_view), *site_urls.urlpatterns]


@pytest.fixture
def sentry_events():
    transport = CapturingTransport()
    sentry_init(
        dsn="https://public@sentry.example/1",
        release="abc123",
        environment="test",
        traces_sample_rate=0.0,
        transport=transport,
    )
    yield transport
    sentry_sdk.get_client().close()
    sentry_sdk.init()  # no DSN: off again for the rest of the suite


@pytest.mark.django_db
@pytest.mark.urls("tests.ops.test_sentry")
def test_an_error_reaches_sentry_with_the_user_id_only(client, student, sentry_events, password):
    client.raise_request_exception = False
    client.force_login(student)
    response = client.post(
        "/explode/?token=secret-token-value",
        {"password": password, "email": student.email},
        headers={"Authorization": "Bearer secret-bearer"},
    )
    assert response.status_code == 500
    sentry_sdk.flush()

    [event] = sentry_events.events
    assert event["release"] == "abc123"
    assert event["environment"] == "test"
    assert event["exception"]["values"][-1]["value"] == "refund failed for payment 42"
    assert event["user"] == {"id": student.pk}
    serialized = str(event)
    for secret in (password, student.email, "secret-bearer", "4242424242424242", "sessionid"):
        assert secret not in serialized, secret


def test_redis_breadcrumbs_name_the_command_and_key_but_never_the_value():
    from core.monitoring import before_breadcrumb

    crumb = {
        "category": "redis",
        "type": "redis",
        "message": "SET ':1:auth-user:7' b'...pbkdf2_sha256$secret-hash...sam@example.com...' 3600",
        "data": {"redis.command": "SET", "redis.key": ":1:auth-user:7", "redis.args": ["secret"]},
    }
    scrubbed = before_breadcrumb(crumb, hint={})
    assert scrubbed["message"] == "SET ':1:auth-user:7'"
    assert scrubbed["data"] == {"redis.command": "SET", "redis.key": ":1:auth-user:7"}
    assert "secret" not in str(scrubbed) and "sam@example.com" not in str(scrubbed)
