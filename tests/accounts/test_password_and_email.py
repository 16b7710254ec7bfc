import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse

from tests.accounts.conftest import STRONG_PASSWORD, last_link

pytestmark = pytest.mark.django_db


def test_password_reset_by_the_emailed_link(client, student, mailbox):
    with mailbox():
        response = client.post(reverse("account_reset_password"), {"email": "SAM.student@example.com"})
    assert response.status_code == 302

    [message] = mailbox.outbox
    assert message.to == [student.email]
    assert "Reset your password" in message.subject
    html = message.alternatives[0][0]
    assert "Choose a new password" in html and "Hello Sam Student" in html

    reset_path = last_link(message, "/accounts/password/reset/key/")
    form_page = client.get(reset_path, follow=True)
    assert b"Choose a new password" in form_page.content
    with mailbox():
        done = client.post(
            form_page.redirect_chain[-1][0], {"password1": STRONG_PASSWORD, "password2": STRONG_PASSWORD}
        )
    assert done.status_code == 302
    student.refresh_from_db()
    assert student.check_password(STRONG_PASSWORD)
    # A security notice follows the reset.
    assert "Your password was reset." in mailbox.outbox[-1].body

    # The link works once.
    again = client.get(reset_path, follow=True)
    assert b"This link has expired" in again.content


def test_password_reset_for_an_unknown_address_looks_the_same_and_sends_nothing_to_an_account(client, mailbox):
    with mailbox():
        response = client.post(reverse("account_reset_password"), {"email": "nobody@example.com"})
    assert response.status_code == 302
    assert [m.to for m in mailbox.outbox] in ([], [["nobody@example.com"]])


def test_password_reset_requests_are_rate_limited_per_address(client, student, mailbox):
    with mailbox():
        for _attempt in range(5):
            client.post(reverse("account_reset_password"), {"email": student.email})
    assert len(mailbox.outbox) == 3  # "3/5m/key"


def test_password_change_needs_the_old_password_and_sends_a_security_notice(client, student, password, mailbox):
    client.force_login(student)
    page = client.get(reverse("account_change_password"))
    assert b'class="container account-page"' in page.content

    wrong = client.post(
        reverse("account_change_password"),
        {"oldpassword": "not-it", "password1": STRONG_PASSWORD, "password2": STRONG_PASSWORD},
    )
    assert wrong.status_code == 200
    with mailbox():
        right = client.post(
            reverse("account_change_password"),
            {"oldpassword": password, "password1": STRONG_PASSWORD, "password2": STRONG_PASSWORD},
        )
    assert right.status_code == 302
    student.refresh_from_db()
    assert student.check_password(STRONG_PASSWORD)
    [notice] = mailbox.outbox
    assert "Your password was changed." in notice.body
    assert "Your password was changed." in notice.alternatives[0][0]
    assert client.session["_auth_user_id"] == str(student.pk)  # still logged in


def test_email_change_takes_effect_only_after_the_new_address_is_confirmed(client, student, password, mailbox):
    EmailAddress.objects.create(user=student, email=student.email, verified=True, primary=True)
    client.force_login(student)
    page = client.get(reverse("account_email"))
    assert b"Change email address" in page.content and b'class="site-header"' in page.content

    with mailbox():
        response = client.post(reverse("account_email"), {"action_add": "", "email": "sam.new@example.com"})
    assert response.status_code == 302
    student.refresh_from_db()
    assert student.email == "sam.student@example.com"  # unchanged until confirmed

    [confirmation] = mailbox.outbox
    assert confirmation.to == ["sam.new@example.com"]
    with mailbox():
        client.post(last_link(confirmation, "/accounts/confirm-email/"))

    student.refresh_from_db()
    assert student.email == "sam.new@example.com"
    assert list(EmailAddress.objects.filter(user=student).values_list("email", "verified", "primary")) == [
        ("sam.new@example.com", True, True)
    ]
    # The old address is told about the change.
    notices = [m for m in mailbox.outbox[1:] if "sam.student@example.com" in m.to]
    assert notices and "sam.new@example.com" in notices[0].body


def test_email_change_to_an_address_in_use_is_refused(client, student, outsider, mailbox):
    EmailAddress.objects.create(user=outsider, email=outsider.email, verified=True, primary=True)
    client.force_login(student)
    with mailbox():
        response = client.post(reverse("account_email"), {"action_add": "", "email": "OLIVE.outsider@example.com"})
    assert response.status_code == 200
    assert "Another account uses this email address." in response.content.decode()
    student.refresh_from_db()
    assert student.email == "sam.student@example.com"
    assert not EmailAddress.objects.filter(user=student, email__iexact=outsider.email).exists()
    assert not any("olive.outsider@example.com" in m.to and "/confirm-email/" in m.body for m in mailbox.outbox)


def test_an_unconfirmed_address_is_corrected_in_place_and_the_login_keeps_working(client, signup, mailbox, password):
    signup(email="typo@exmaple.com")
    with mailbox():
        client.post(reverse("account_email"), {"action_add": "", "email": "nova.pilot@example.com"})

    from django.contrib.auth import get_user_model

    user = get_user_model().objects.get()
    assert user.email == "nova.pilot@example.com"
    assert list(EmailAddress.objects.filter(user=user).values_list("email", "verified", "primary")) == [
        ("nova.pilot@example.com", False, True)
    ]
    confirmation = mailbox.outbox[-1]
    assert confirmation.to == ["nova.pilot@example.com"]
    client.post(last_link(confirmation, "/accounts/confirm-email/"))
    assert EmailAddress.objects.get(user=user).verified
