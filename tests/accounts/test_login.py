import re

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db

LOGIN = reverse("account_login")


def login(client, email, password, **extra):
    return client.post(LOGIN, {"login": email, "password": password, **extra})


def test_login_page_is_the_sites_own(client):
    page = client.get(LOGIN).content.decode()
    assert 'class="site-header"' in page and 'class="container account-page"' in page
    assert 'name="remember"' in page
    assert "Menu:" not in page


def test_login_rotates_the_session_key(client, student, password):
    client.get(LOGIN)
    client.session["before_login"] = True  # make sure an anonymous session exists
    session = client.session
    session["seen"] = True
    session.save()
    anonymous_key = client.cookies[settings.SESSION_COOKIE_NAME].value

    response = login(client, "sam.student@example.com", password)

    assert response.status_code == 302
    new_key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert new_key != anonymous_key
    assert client.session["_auth_user_id"] == str(student.pk)


def test_remember_me_keeps_the_session_after_the_browser_closes(client, student, password):
    login(client, student.email, password, remember="on")
    assert client.session.get_expire_at_browser_close() is False


def test_without_remember_me_the_session_ends_with_the_browser(client, student, password):
    login(client, student.email, password)
    assert client.session.get_expire_at_browser_close() is True


def test_wrong_password_is_refused_without_saying_which_part_was_wrong(client, student):
    response = login(client, student.email, "not-the-password")
    assert response.status_code == 200
    assert "The email address and/or password you specified are not correct." in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_next_pointing_at_another_site_is_ignored(client, student, password):
    response = client.post(
        LOGIN + "?next=https://evil.example.net/phish",
        {"login": student.email, "password": password, "next": "https://evil.example.net/phish"},
    )
    assert response.status_code == 302
    assert "evil.example.net" not in response["Location"]
    assert response["Location"] == reverse("dashboard")


@pytest.mark.parametrize("next_url", ["//evil.example.net/", "https:evil.example.net", "/\\evil.example.net"])
def test_protocol_relative_and_malformed_next_are_ignored(client, student, password, next_url):
    response = client.post(LOGIN, {"login": student.email, "password": password, "next": next_url})
    assert "evil.example.net" not in response["Location"]


def test_next_within_the_site_is_followed(client, student, password):
    response = client.post(LOGIN, {"login": student.email, "password": password, "next": "/courses/"})
    assert response["Location"] == "/courses/"


def test_login_without_the_csrf_token_is_refused(student, password):
    client = Client(enforce_csrf_checks=True)
    response = login(client, student.email, password)
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session


def test_login_with_the_csrf_token_works_under_enforcement(student, password):
    client = Client(enforce_csrf_checks=True)
    page = client.get(LOGIN).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    response = client.post(LOGIN, {"login": student.email, "password": password, "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(student.pk)


@pytest.mark.parametrize(
    "url_name", ["account_signup", "account_reset_password", "account_change_password", "accounts:delete"]
)
def test_other_account_forms_refuse_posts_without_csrf(student, url_name):
    client = Client(enforce_csrf_checks=True)
    client.force_login(student)
    assert client.post(reverse(url_name), {}).status_code == 403


def test_logout_by_get_does_not_log_out(client, student):
    client.force_login(student)
    page = client.get(reverse("account_logout"))
    assert page.status_code == 200
    assert b'method="post"' in page.content
    assert client.session["_auth_user_id"] == str(student.pk)


def test_logout_by_post_logs_out(client, student):
    client.force_login(student)
    response = client.post(reverse("account_logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_logout_without_csrf_token_does_not_log_out(student):
    client = Client(enforce_csrf_checks=True)
    client.force_login(student)
    assert client.post(reverse("account_logout")).status_code == 403
    assert client.session["_auth_user_id"] == str(student.pk)


def test_brute_force_the_attempt_after_the_limit_is_refused_even_with_the_right_password(
    client, student, password, settings
):
    limit = settings.ACCOUNT_LOGIN_ATTEMPTS_PER_ADDRESS
    for _attempt in range(limit):
        response = login(client, student.email, "guess-" + str(_attempt))
        assert "not correct" in response.content.decode()

    response = login(client, student.email, password)

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    text = response.content.decode()
    assert "Too many failed login attempts" in text
    # The person is told when they may try again, in the school's time zone.
    assert re.search(r"paused until \d{1,2}:\d{2} [AP]M \(E[SD]T\)", text), text


def test_lockout_is_per_address_other_accounts_still_log_in(client, student, outsider, password, settings):
    for _attempt in range(settings.ACCOUNT_LOGIN_ATTEMPTS_PER_ADDRESS):
        login(client, student.email, "wrong-guess")
    assert login(client, outsider.email, password).status_code == 302


def test_lockout_ignores_the_letter_case_of_the_address(client, student, password, settings):
    for attempt in range(settings.ACCOUNT_LOGIN_ATTEMPTS_PER_ADDRESS):
        login(client, student.email.upper() if attempt % 2 else student.email, "wrong-guess")
    response = login(client, "Sam.Student@Example.com", password)
    assert "Too many failed login attempts" in response.content.decode()


def test_too_many_login_posts_from_one_address_get_the_sites_429_page(client, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login": "3/m/ip"}
    for _attempt in range(3):
        login(client, "nobody@example.com", "whatever-123")
    response = login(client, "nobody@example.com", "whatever-123")
    assert response.status_code == 429
    text = response.content.decode()
    assert "Too many attempts" in text and "try again" in text
    assert 'class="site-header"' in text


def test_a_cache_flush_logs_nobody_out(client, student, password):
    """Sessions are cached_db: losing Redis loses the cache copy, not the session."""
    from django.core.cache import cache

    login(client, student.email, password)
    cache.clear()
    assert client.get(reverse("accounts:me")).status_code == 200


def test_behind_the_proxy_each_client_address_has_its_own_limit(client, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login": "2/m/ip"}
    busy = {"HTTP_X_FORWARDED_FOR": "198.51.100.7, 203.0.113.10"}
    for _attempt in range(2):
        client.post(LOGIN, {"login": "a@example.com", "password": "whatever-123"}, **busy)
    assert client.post(LOGIN, {"login": "a@example.com", "password": "x-123456789"}, **busy).status_code == 429
    # A forged left-hand entry does not help: the proxy-added address is the one counted.
    forged = {"HTTP_X_FORWARDED_FOR": "192.0.2.99, 203.0.113.10"}
    assert client.post(LOGIN, {"login": "a@example.com", "password": "x-123456789"}, **forged).status_code == 429
    other = {"HTTP_X_FORWARDED_FOR": "203.0.113.20"}
    assert client.post(LOGIN, {"login": "a@example.com", "password": "x-123456789"}, **other).status_code == 200
