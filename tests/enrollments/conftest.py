from decimal import Decimal

import pytest
from allauth.account.models import EmailAddress

from courses.models import Category, Course


@pytest.fixture
def course(db):
    category = Category.objects.create(name="Mapping", slug="mapping")
    return Course.objects.create(
        slug="aerial-mapping",
        title="Aerial Mapping",
        summary="Photogrammetry from the air.",
        category=category,
        price=Decimal("199.00"),
        status=Course.Status.PUBLISHED,
    )


@pytest.fixture
def verified_student(student):
    EmailAddress.objects.create(user=student, email=student.email, verified=True, primary=True)
    return student


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def signals_received():
    """Every enrollment_activated / enrollment_revoked sent, as (name, enrollment id, reason)."""
    from enrollments.signals import enrollment_activated, enrollment_revoked

    received = []

    def on_activated(sender, enrollment, **kwargs):
        received.append(("activated", enrollment.pk, None))

    def on_revoked(sender, enrollment, reason, **kwargs):
        received.append(("revoked", enrollment.pk, reason))

    enrollment_activated.connect(on_activated)
    enrollment_revoked.connect(on_revoked)
    yield received
    enrollment_activated.disconnect(on_activated)
    enrollment_revoked.disconnect(on_revoked)
