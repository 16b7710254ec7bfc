"""Where each role lands after signing in: staff and instructors in the back office, students on
their dashboard, and an explicit `next` wins for everyone."""

import pytest

pytestmark = pytest.mark.django_db


def sign_in(client, user, password, next_url=""):
    url = "/accounts/login/" + (f"?next={next_url}" if next_url else "")
    return client.post(url, {"login": user.email, "password": password})


@pytest.fixture
def instructor_without_mfa(django_user_model, password):
    return django_user_model.objects.create_user(
        email="ian.instructor@example.com", password=password, full_name="Ian Instructor", is_staff=True
    )


def test_an_instructor_lands_in_the_back_office_and_goes_on_to_set_up_mfa(client, instructor_without_mfa, password):
    response = sign_in(client, instructor_without_mfa, password)
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    # The back office sends an account without a second factor straight on to set one up.
    assert client.get("/admin/")["Location"].startswith("/accounts/2fa/")


def test_a_student_lands_on_the_dashboard(client, student, password):
    response = sign_in(client, student, password)
    assert response.status_code == 302
    assert response["Location"] == "/dashboard/"


def test_an_explicit_next_wins_for_staff_too(client, instructor_without_mfa, password):
    response = sign_in(client, instructor_without_mfa, password, next_url="/courses/")
    assert response["Location"] == "/courses/"
