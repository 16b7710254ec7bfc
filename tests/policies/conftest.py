"""Published policy versions, and the payments fixtures (courses, a verified student) for checkout."""

from datetime import timedelta

import pytest
from django.utils import timezone

from policies.models import PolicyVersion
from tests.payments.conftest import category, paid_course, student_client, verified_student  # noqa: F401


def publish(kind: str, version: int, *, body: str = "", summary: str = "") -> PolicyVersion:
    return PolicyVersion.objects.create(
        kind=kind,
        version=version,
        body=body or f"# {kind} v{version}\n\nThe {kind} text, version {version}.",
        summary_of_changes=summary,
        published_at=timezone.now() - timedelta(minutes=10 - version),
    )


@pytest.fixture
def policies(db):
    return {kind: publish(kind, 1) for kind in ("terms", "privacy", "refund")}
