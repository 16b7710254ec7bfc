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
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "cache": "ok", "storage": "ok"}}


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
