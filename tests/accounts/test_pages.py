"""Every account page a person can reach is drawn in the site's layout, never allauth's bare one."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

ANONYMOUS_PAGES = [
    reverse("account_login"),
    reverse("account_signup"),
    reverse("account_reset_password"),
    reverse("account_reset_password_done"),
    reverse("account_email_verification_sent"),
    reverse("account_confirm_email", args=["not-a-real-key"]),
    reverse("account_reset_password_from_key", kwargs={"uidb36": "1", "key": "bad-token"}),
    reverse("account_inactive"),
]
LOGGED_IN_PAGES = [
    reverse("accounts:me"),
    reverse("accounts:delete"),
    reverse("account_email"),
    reverse("account_change_password"),
    reverse("account_logout"),
    reverse("account_reauthenticate"),
    reverse("mfa_index"),
]


def assert_site_layout(response, url):
    text = response.content.decode()
    assert response.status_code == 200, url
    assert 'class="site-header"' in text and "Skip to main content" in text, url
    assert 'class="container account-page"' in text, url
    assert text.count("<h1") == 1, url
    assert "Menu:" not in text and "Sign In" not in text, url
    assert 'style="' not in text, url  # no inline styles in site pages (CSP)


@pytest.mark.parametrize("url", ANONYMOUS_PAGES)
def test_anonymous_account_pages(client, url):
    assert_site_layout(client.get(url, follow=True), url)


@pytest.mark.parametrize("url", LOGGED_IN_PAGES)
def test_logged_in_account_pages(client, student, url):
    client.force_login(student)
    assert_site_layout(client.get(url), url)


def test_remember_me_is_labelled_in_plain_words(client):
    assert "Keep me logged in on this device" in client.get(reverse("account_login")).content.decode()
