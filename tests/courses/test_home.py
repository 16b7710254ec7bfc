from datetime import timedelta

import pytest
from django.utils import timezone

from courses.models import Category, Course
from flights.models import FlightSession

pytestmark = pytest.mark.django_db


def test_home_features_published_featured_courses_sessions_and_categories(client, make_course, category):
    featured = make_course(title="Featured course", is_featured=True)
    make_course(title="Plain course")
    make_course(title="Featured draft", is_featured=True, status=Course.Status.DRAFT)
    empty = Category.objects.create(name="Empty category", slug="empty", order=5)
    soon = timezone.now() + timedelta(days=3)
    session = FlightSession.objects.create(
        course=featured, starts_at=soon, ends_at=soon + timedelta(hours=2), location_name="Castle Island"
    )
    past = timezone.now() - timedelta(days=3)
    FlightSession.objects.create(
        course=featured, starts_at=past, ends_at=past + timedelta(hours=2), location_name="Old field"
    )

    response = client.get("/")
    assert response.status_code == 200
    assert list(response.context["featured_courses"]) == [featured]
    assert list(response.context["upcoming_sessions"]) == [session]
    counts = {c.name: c.published_course_count for c in response.context["categories"]}
    assert counts == {category.name: 2, empty.name: 0}  # drafts are not counted
    html = response.content.decode()
    assert "Featured course" in html and "Featured draft" not in html
