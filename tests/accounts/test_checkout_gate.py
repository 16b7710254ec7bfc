"""verified_email_required_for_checkout, on a throwaway view (payments applies it to checkout)."""

import re

import pytest
from django.contrib.messages.middleware import MessageMiddleware
from django.contrib.sessions.middleware import SessionMiddleware
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from accounts.decorators import verified_email_required_for_checkout
from tests.accounts.conftest import last_link

pytestmark = pytest.mark.django_db


@verified_email_required_for_checkout
def checkout(request):
    return HttpResponse("checkout page")


def call(user, referer=None):
    request = RequestFactory().post("/payments/checkout/1/", headers={"referer": referer} if referer else {})
    SessionMiddleware(lambda r: None).process_request(request)
    MessageMiddleware(lambda r: None).process_request(request)
    request.user = user
    return request, checkout(request)


def test_a_confirmed_student_goes_through(verified_student):
    _request, response = call(verified_student)
    assert response.status_code == 200 and response.content == b"checkout page"


def test_an_anonymous_visitor_is_left_to_the_views_login_required(rf):
    from django.contrib.auth.models import AnonymousUser

    _request, response = call(AnonymousUser())
    assert response.status_code == 200


def test_an_unconfirmed_student_goes_back_with_a_message_and_a_resend_button(student):
    request, response = call(student, referer="http://testserver/courses/part-107/")

    assert response.status_code == 302
    assert response["Location"] == "http://testserver/courses/part-107/"
    [message] = list(request._messages)
    text = str(message)
    assert "Please confirm your email address before paying" in text
    assert "sam.student@example.com" in text
    assert f'action="{reverse("accounts:resend_confirmation")}"' in text
    assert 'method="post"' in text and "csrfmiddlewaretoken" in text
    assert "Resend confirmation email" in text
    assert 'name="next" value="http://testserver/courses/part-107/"' in text


def test_a_foreign_referer_is_not_used_as_the_way_back(student):
    _request, response = call(student, referer="https://evil.example.net/")
    assert response["Location"] == reverse("accounts:me")


@pytest.mark.urls("tests.accounts.urls_checkout")
def test_the_message_and_button_show_on_the_page_and_resend_sends_a_working_link(client, student, mailbox):
    client.force_login(student)
    page = client.post("/test-checkout/", headers={"referer": "http://testserver/courses/"}, follow=True)

    assert page.redirect_chain[0] == ("http://testserver/courses/", 302)
    text = page.content.decode()
    assert "Please confirm your email address before paying" in text
    # The button is real markup, not escaped text.
    assert '<button type="submit" class="button button-secondary">Resend confirmation email</button>' in text
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', text).group(1)

    with mailbox():
        response = client.post(
            reverse("accounts:resend_confirmation"), {"next": "/courses/", "csrfmiddlewaretoken": token}
        )
    assert response.status_code == 302 and response["Location"] == "/courses/"
    [message] = mailbox.outbox
    assert message.to == [student.email]
    client.post(last_link(message, "/accounts/confirm-email/"))

    assert client.post("/test-checkout/").content == b"checkout page"


def test_resend_is_rate_limited_and_says_so(client, student, mailbox):
    client.force_login(student)
    with mailbox():
        client.post(reverse("accounts:resend_confirmation"))
        response = client.post(reverse("accounts:resend_confirmation"), follow=True)
    assert len(mailbox.outbox) == 1
    assert "you can ask for another one in a few minutes" in response.content.decode()


def test_resend_refuses_get_and_an_outside_next(client, student, mailbox):
    client.force_login(student)
    assert client.get(reverse("accounts:resend_confirmation")).status_code == 405
    with mailbox():
        response = client.post(reverse("accounts:resend_confirmation"), {"next": "https://evil.example.net/"})
    assert response["Location"] == reverse("accounts:me")


@pytest.mark.parametrize(
    ("next_url", "lands_on"),
    [
        ("http://testserver/courses/part-107/", "/courses/part-107/"),  # the enroll box's way back
        ("/courses/part-107/?coupon=SPRING", "/courses/part-107/?coupon=SPRING"),
        ("https://evil.example.net/phish/", None),
        ("//evil.example.net/", None),
    ],
)
def test_confirming_on_any_device_returns_the_student_to_the_course(client, student, mailbox, next_url, lands_on):
    """Issue 22: after confirming the email the student went to their dashboard, not the course they were buying."""
    from django.test import Client

    client.force_login(student)
    with mailbox():
        client.post(reverse("accounts:resend_confirmation"), {"next": next_url})
    [message] = mailbox.outbox
    link = last_link(message, "/accounts/confirm-email/")

    phone = Client()  # the email is opened elsewhere: no session from the sign-up
    page = phone.get(link)
    assert page.status_code == 200
    if lands_on:  # the confirm page's form carries it on
        assert f'name="next" value="{lands_on.replace("&", "&amp;")}"' in page.content.decode()
    response = phone.post(link)
    assert response.status_code == 302
    if lands_on:
        assert response["Location"] == lands_on
    else:
        assert "evil" not in response["Location"] and "next=" not in link
