import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse

from tests.accounts.conftest import STRONG_PASSWORD, last_link

User = get_user_model()
pytestmark = pytest.mark.django_db


def test_signup_sends_a_branded_confirmation_and_the_link_confirms_the_address(client, signup, mailbox):
    response = signup(email="Nova.Pilot@Example.com", full_name="  Nova Pilot  ")

    assert response.status_code == 302
    user = User.objects.get()
    assert user.email.lower() == "nova.pilot@example.com"
    assert user.full_name == "Nova Pilot"
    assert list(user.groups.values_list("name", flat=True)) == ["Students"]
    # Logged in straight away to browse, but not confirmed yet.
    assert client.session["_auth_user_id"] == str(user.pk)
    assert not EmailAddress.objects.filter(user=user, verified=True).exists()

    [message] = mailbox.outbox
    assert message.to == ["nova.pilot@example.com"]
    assert message.from_email == settings.EMAIL_FROM_ADDRESS
    assert message.subject.startswith("Boston Drone School: ")
    assert "confirm" in message.subject.lower()
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert "Confirm my email address" in html and settings.SCHOOL_NAME in html
    assert "Hello Nova Pilot" in message.body

    confirm_path = last_link(message, "/accounts/confirm-email/")
    page = client.get(confirm_path)
    assert page.status_code == 200
    assert b"Confirm my address" in page.content
    assert EmailAddress.objects.filter(user=user, verified=True).count() == 0  # GET alone confirms nothing

    client.post(confirm_path)
    assert EmailAddress.objects.get(user=user).verified


def test_reply_to_is_the_configured_address(settings, signup, mailbox):
    settings.EMAIL_REPLY_TO = "office@bostondroneschool.test"
    signup()
    assert mailbox.outbox[0].reply_to == ["office@bostondroneschool.test"]


def test_email_taken_in_another_letter_case_is_a_form_error_and_makes_no_second_account(student, signup, mailbox):
    response = signup(email="SAM.STUDENT@example.COM")

    assert response.status_code == 200
    assert "An account with this email address already exists" in response.content.decode()
    assert User.objects.filter(email__iexact=student.email).count() == 1
    assert mailbox.outbox == []


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("Xk3!a", "This password is too short. It must contain at least 10 characters."),
        ("password123", "This password is too common."),
        ("8675309123454", "This password is entirely numeric."),
        ("novapilot-example", "The password is too similar to the"),
    ],
)
def test_weak_common_numeric_or_similar_passwords_are_refused_with_the_validators_message(signup, password, message):
    response = signup(email="novapilot@example.com", password=password)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not User.objects.exists()


def test_full_name_is_required(signup):
    response = signup(full_name="")
    assert response.status_code == 200
    assert not User.objects.exists()


def test_signup_page_uses_the_site_layout_and_asks_for_the_full_name(client):
    page = client.get(reverse("account_signup")).content.decode()

    assert 'class="site-header"' in page and "Skip to main content" in page
    assert 'class="container account-page"' in page
    assert 'name="full_name"' in page and 'autocomplete="name"' in page
    assert page.index('name="email"') < page.index('name="full_name"') < page.index('name="password1"')
    assert "Menu:" not in page  # allauth's bare default layout


def test_new_student_is_sent_to_the_dashboard_with_a_working_password(client, signup):
    response = signup()
    assert response["Location"] == reverse("dashboard")
    client.post(reverse("account_logout"))
    login = client.post(reverse("account_login"), {"login": "new.pilot@example.com", "password": STRONG_PASSWORD})
    assert login.status_code == 302


def test_signups_from_one_address_are_rate_limited_with_the_sites_429_page(settings, signup):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "signup": "2/m/ip"}
    signup(email="one@example.com")
    signup(email="two@example.com")
    response = signup(email="three@example.com")
    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()
    assert not User.objects.filter(email="three@example.com").exists()
