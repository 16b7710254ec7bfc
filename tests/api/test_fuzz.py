"""Schema-based fuzzing: schemathesis generates requests from our OpenAPI document and sends
them to the live test server; no input may produce a server error or an error that is not a
problem document."""

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

pytestmark = pytest.mark.django_db(transaction=True)


def test_no_generated_request_causes_a_server_error(live_server, published_course):
    schema = schemathesis.openapi.from_url(f"{live_server.url}/api/v1/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 7

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
        def check(case):
            response = case.call(base_url=f"{live_server.url}")
            content_type = {name.lower(): value for name, value in response.headers.items()}.get("content-type", [""])
            assert response.status_code < 500, f"{case.method} {case.formatted_path} -> {response.status_code}"
            if response.status_code >= 400:
                assert content_type[0].startswith("application/problem+json"), (case.formatted_path, response.text)

        check()
