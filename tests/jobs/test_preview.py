"""Staff preview every email at /admin/emails/; nobody else can."""

import pytest

from backoffice.emails_catalog import EMAILS

pytestmark = pytest.mark.django_db


def test_staff_see_the_list_of_every_email_with_its_subject(client, staff):
    client.force_login(staff)
    response = client.get("/admin/emails/")
    assert response.status_code == 200
    page = response.content.decode()
    for name in EMAILS:
        assert f"/admin/emails/{name}/" in page
    assert "Your receipt for Part 107 Remote Pilot Exam Prep" in page


def test_an_email_previews_as_html_with_its_inline_styles_allowed(client, staff):
    client.force_login(staff)
    response = client.get("/admin/emails/payment_receipt/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert b"BDS-000042" in response.content
    assert b'role="presentation"' in response.content
    policy = response["Content-Security-Policy"]
    assert "style-src 'unsafe-inline'" in policy
    assert "script-src" not in policy  # default-src 'none' covers scripts


def test_an_email_previews_as_plain_text(client, staff):
    client.force_login(staff)
    response = client.get("/admin/emails/flight_scrubbed/?format=text")
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    body = response.content.decode()
    assert body.startswith("Subject: Scrubbed: your flight session for Part 107 Flight Practical\n")
    assert "Forecast gusts above 25 knots." in body


@pytest.mark.parametrize(
    ("name", "link"),
    [("account_confirmation", "/accounts/confirm-email/"), ("password_reset", "/accounts/password/reset/key/")],
)
def test_allauth_emails_preview_from_the_accounts_templates(client, staff, name, link):
    client.force_login(staff)
    for query in ("", "?format=text"):
        response = client.get(f"/admin/emails/{name}/{query}")
        assert response.status_code == 200
        assert link in response.content.decode()


def test_an_unknown_email_is_404(client, staff):
    client.force_login(staff)
    assert client.get("/admin/emails/no_such_email/").status_code == 404


@pytest.mark.parametrize("path", ["/admin/emails/", "/admin/emails/payment_receipt/"])
def test_students_and_visitors_are_sent_to_the_admin_login(client, student, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    client.force_login(student)
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
