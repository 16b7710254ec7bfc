"""Logs: one JSON object per line in production, a request id on every line of a request."""

import io
import json
import logging

import pytest
from django.conf import settings
from pythonjsonlogger.json import JsonFormatter

from core.monitoring import SCRUBBED, before_send
from core.request_id import RequestContextFilter


@pytest.fixture
def json_log_stream():
    """The production formatter and filter from settings.LOGGING, writing to a string."""
    stream = io.StringIO()
    json_config = settings.LOGGING["formatters"]["json"]
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestContextFilter())
    handler.setFormatter(JsonFormatter(json_config["fmt"], rename_fields=json_config["rename_fields"]))
    root = logging.getLogger()
    root.addHandler(handler)
    yield stream
    root.removeHandler(handler)


def test_each_line_of_a_request_is_json_with_the_request_id(client, json_log_stream):
    response = client.get("/healthz", headers={"X-Request-ID": "req-abcdef123"})
    lines = [json.loads(line) for line in json_log_stream.getvalue().splitlines() if line.strip()]
    request_lines = [line for line in lines if line["logger"] == "bds.request"]
    assert response.status_code == 200
    assert request_lines, lines
    line = request_lines[-1]
    assert line["request_id"] == "req-abcdef123"
    assert line["path"] == "/healthz"
    assert line["status"] == 200
    assert line["level"] == "INFO"
    assert "duration_ms" in line
    assert "time" in line


def test_sentry_events_keep_the_user_id_and_drop_personal_data():
    event = {
        "user": {"id": 42, "email": "sam@example.com", "ip_address": "10.0.0.1"},
        "request": {
            "data": {"password": "hunter2", "card": "4242"},
            "cookies": {"sessionid": "abc"},
            "headers": {"Authorization": "Bearer eyJ...", "User-Agent": "pytest"},
        },
        "extra": {"stripe_api_key": "sk_live_x", "payment_id": 7},
    }
    cleaned = before_send(event, hint={})
    assert cleaned["user"] == {"id": 42}
    assert "data" not in cleaned["request"]
    assert "cookies" not in cleaned["request"]
    assert cleaned["request"]["headers"] == {"Authorization": SCRUBBED, "User-Agent": "pytest"}
    assert cleaned["extra"] == {"stripe_api_key": SCRUBBED, "payment_id": 7}
