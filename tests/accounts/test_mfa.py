import re

import pytest
from allauth.mfa.models import Authenticator
from django.contrib.auth.models import Group
from django.urls import reverse

from tests.accounts.conftest import totp_code

pytestmark = pytest.mark.django_db

ADMIN = reverse("admin:index")
ACTIVATE = reverse("mfa_activate_totp")


def login(client, email, password):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def activate_totp(client, mailbox, password):
    # Right after logging in, the login counts as recent authentication: no second password prompt.
    page = client.get(ACTIVATE)
    assert page.status_code == 200 and b"Confirm it is you" not in page.content
    secret = client.session["mfa.totp.secret"]
    assert secret in page.content.decode()  # the key shown for typing it in by hand
    with mailbox():
        response = client.post(ACTIVATE, {"code": totp_code(secret)})
    assert response.status_code == 302, response.content.decode()
    return secret


@pytest.fixture
def staff(django_user_model, password):
    """Staff who have not set up MFA yet (the suite-wide persona has it)."""
    return django_user_model.objects.create_user(
        email="stella.staff@example.com", password=password, full_name="Stella Staff", is_staff=True, is_superuser=True
    )


def test_admin_login_form_is_replaced_by_the_sites_login(client):
    response = client.get(reverse("admin:login") + "?next=/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login") + "?next=")


def test_anonymous_admin_visit_ends_on_the_sites_login(client):
    response = client.get(ADMIN, follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("account_login"))
    assert b'class="container account-page"' in response.content


def test_staff_without_mfa_are_sent_to_set_it_up_with_an_explanation(client, staff, password):
    login(client, staff.email, password)
    response = client.get(ADMIN)
    assert response.status_code == 302
    assert response["Location"] == ACTIVATE

    page = client.get(ACTIVATE)
    text = page.content.decode()
    assert "need two-factor authentication before using the admin" in text
    assert "Confirm it is you" not in text and 'class="site-header"' in text
    assert "Set up an authenticator app" in text
    assert 'src="data:image/svg+xml;base64,' in text


def test_instructors_need_mfa_too(client, django_user_model, password):
    instructor = django_user_model.objects.create_user(
        email="ian.instructor@example.com", password=password, full_name="Ian Instructor", is_staff=True
    )
    instructor.groups.add(Group.objects.get(name="Instructors"))
    login(client, instructor.email, password)
    assert client.get(ADMIN + "courses/course/")["Location"] == ACTIVATE


def test_students_are_not_sent_to_mfa_set_up_by_the_admin(client, student, password):
    login(client, student.email, password)
    response = client.get(ADMIN)
    assert response.get("Location") != ACTIVATE
    assert response.status_code in (302, 403)


def test_after_activating_totp_staff_reach_the_admin_and_later_logins_ask_for_a_code(client, staff, password, mailbox):
    login(client, staff.email, password)
    activate_totp(client, mailbox, password)
    assert Authenticator.objects.filter(user=staff, type=Authenticator.Type.TOTP).exists()
    assert "Two-factor authentication with an authenticator app was turned on." in mailbox.outbox[-1].body

    admin_page = client.get(ADMIN)
    assert admin_page.status_code == 200
    assert b"Run the school" in admin_page.content

    codes_page = client.get(reverse("mfa_view_recovery_codes")).content.decode()
    recovery_codes = re.findall(r"<li><code>(\w+)</code></li>", codes_page)
    assert len(recovery_codes) == 10

    client.post(reverse("account_logout"))
    response = login(client, staff.email, password)
    assert response["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session  # the password alone does not log in

    wrong = client.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert wrong.status_code == 200 and "_auth_user_id" not in client.session
    assert b'class="container account-page"' in wrong.content

    response = client.post(reverse("mfa_authenticate"), {"code": recovery_codes[0]})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(staff.pk)
    assert client.get(ADMIN).status_code == 200


def test_mfa_login_with_the_authenticator_code(client, staff, password, mailbox):
    login(client, staff.email, password)
    secret = activate_totp(client, mailbox, password)
    client.post(reverse("account_logout"))
    # A code is accepted once; clear the record of the one used for activation.
    from django.core.cache import cache

    cache.clear()
    login(client, staff.email, password)
    response = client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(staff.pk)


def test_mfa_pages_use_the_site_layout(client, staff, password, mailbox):
    login(client, staff.email, password)
    activate_totp(client, mailbox, password)
    for name in ["mfa_index", "mfa_view_recovery_codes", "mfa_generate_recovery_codes", "mfa_deactivate_totp"]:
        page = client.get(reverse(name))
        assert page.status_code == 200, name
        text = page.content.decode()
        assert 'class="site-header"' in text and 'class="container account-page"' in text, name
        assert "Menu:" not in text, name
