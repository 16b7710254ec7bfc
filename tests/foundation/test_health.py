import pytest
from django.core.cache import cache


def test_healthz_answers_without_touching_the_database(client):
    # No django_db mark: any query here would raise "Database access not allowed".
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok"


@pytest.mark.django_db
def test_readyz_reports_every_dependency(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "cache": "ok", "storage": "ok", "queue": "ok", "stripe_events": "ok"},
    }


@pytest.mark.django_db
def test_readyz_names_the_failing_part(client, monkeypatch):
    def broken_get(*args, **kwargs):
        return None  # what an unreachable Redis looks like with exceptions ignored

    monkeypatch.setattr(cache, "get", broken_get)
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["cache"].startswith("failing")
    assert body["checks"]["database"] == "ok"


def test_every_response_carries_a_request_id(client):
    response = client.get("/healthz")
    assert len(response["X-Request-ID"]) == 32
    response = client.get("/healthz", headers={"X-Request-ID": "lb-1234abcd"})
    assert response["X-Request-ID"] == "lb-1234abcd"


@pytest.mark.django_db
def test_the_site_record_names_the_school_and_its_host(settings):
    from django.contrib.sites.models import Site

    site = Site.objects.get_current()
    assert site.name == settings.SCHOOL_NAME
    assert site.domain == settings.SITE_URL.split("://", 1)[1]


@pytest.mark.django_db
def test_readyz_fails_when_a_stripe_event_waits_too_long(client, settings):
    from datetime import timedelta

    from django.utils import timezone

    from payments.models import StripeEvent

    event = StripeEvent.objects.create(stripe_event_id="evt_waiting_1", type="payment_intent.succeeded", payload={})
    assert client.get("/readyz").status_code == 200
    StripeEvent.objects.filter(pk=event.pk).update(received_at=timezone.now() - timedelta(minutes=20))
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["stripe_events"].startswith("failing: Stripe event evt_waiting_1 unprocessed")


@pytest.mark.django_db
def test_readyz_fails_when_the_queue_backs_up(client, settings):
    import redis

    if not settings.REDIS_URL:
        pytest.skip("the queue exists only with a Redis broker")
    broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    settings.READYZ_MAX_QUEUE_BACKLOG = 2
    key = "celery"
    before = broker.llen(key)
    if before:
        pytest.skip("the shared broker already has queued tasks")
    broker.rpush(key, "a", "b", "c")
    try:
        response = client.get("/readyz")
    finally:
        broker.delete(key)
    assert response.status_code == 503
    assert response.json()["checks"]["queue"] == "failing: 3 tasks waiting (limit 2)"
