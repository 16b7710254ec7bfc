"""Versioned policies: the public pages, immutability, and acceptance at sign-up and checkout."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from payments.models import Payment
from policies.models import PolicyAcceptance, PolicyVersion
from tests.accounts.conftest import STRONG_PASSWORD
from tests.policies.conftest import publish

pytestmark = pytest.mark.django_db


def signup(client, **extra):
    data = {"email": "nova@example.com", "full_name": "Nova Pilot", "password1": STRONG_PASSWORD}
    return client.post(reverse("account_signup"), {**data, "password2": STRONG_PASSWORD, **extra})


# -- pages ------------------------------------------------------------------------------------------


def test_policy_page_shows_the_current_version_and_its_history(client, policies):
    publish("terms", 2, body="Version two says **hello**.", summary="We now say hello.")
    PolicyVersion.objects.create(kind="terms", version=3, body="A draft nobody sees.")

    page = client.get("/policies/terms/").content.decode()

    assert "Version two says <strong>hello</strong>." in page
    assert "We now say hello." in page
    assert "A draft nobody sees" not in page
    assert 'href="/policies/terms/v1/"' in page and "/policies/terms/v3/" not in page
    old = client.get("/policies/terms/v1/").content.decode()
    assert "The terms text, version 1." in old and "This is an earlier version" in old
    assert client.get("/policies/terms/v3/").status_code == 404
    assert client.get("/policies/cookies/").status_code == 404


def test_footer_links_to_each_policy(client, policies):
    page = client.get("/policies/refund/").content.decode()
    for kind in ("terms", "privacy", "refund"):
        assert f'href="/policies/{kind}/"' in page


# -- immutability -----------------------------------------------------------------------------------


def test_a_published_version_cannot_be_changed_or_deleted(policies):
    terms = PolicyVersion.objects.get(pk=policies["terms"].pk)
    terms.body = "Sneaky edit."
    with pytest.raises(ValidationError, match="publish a new version"):
        terms.save()
    with pytest.raises(ValidationError):
        policies["terms"].delete()
    assert PolicyVersion.objects.get(pk=terms.pk).body != "Sneaky edit."


def test_a_draft_can_be_edited_and_then_published(db):
    draft = PolicyVersion.objects.create(kind="privacy", version=1, body="Draft")
    draft.body = "Final"
    draft.save()
    from django.utils import timezone

    draft.published_at = timezone.now()
    draft.save()
    assert PolicyVersion.objects.current("privacy") == draft


def test_admin_shows_a_published_version_read_only(client, staff, policies):
    client.force_login(staff)
    url = reverse("admin:policies_policyversion_change", args=[policies["terms"].pk])
    response = client.post(url, {"kind": "terms", "version": 1, "body": "Edited", "published_at_0": ""})
    assert PolicyVersion.objects.get(pk=policies["terms"].pk).body.startswith("# terms v1")
    page = client.get(url).content.decode()
    assert 'name="body"' not in page
    assert response.status_code in (200, 302)


# -- sign-up ----------------------------------------------------------------------------------------


def test_signup_requires_accepting_terms_and_privacy_and_records_the_versions(client, policies, django_user_model):
    form = client.get(reverse("account_signup")).content.decode()
    assert 'href="/policies/terms/"' in form and 'href="/policies/privacy/"' in form

    refused = signup(client)
    assert refused.status_code == 200
    assert "Please accept the terms of service and privacy policy" in refused.content.decode()
    assert not django_user_model.objects.exists()

    ids = f"{policies['terms'].pk},{policies['privacy'].pk}"
    response = signup(client, accept_policies="on", policy_versions=ids, REMOTE_ADDR="203.0.113.9")
    assert response.status_code == 302
    user = django_user_model.objects.get()
    accepted = PolicyAcceptance.objects.filter(user=user)
    assert {(a.policy_version.kind, a.policy_version.version, a.where) for a in accepted} == {
        ("terms", 1, "signup"),
        ("privacy", 1, "signup"),
    }


def test_signup_asks_again_when_a_version_was_published_while_the_form_was_open(client, policies, django_user_model):
    shown = f"{policies['terms'].pk},{policies['privacy'].pk}"
    newer = publish("terms", 2, summary="Flight days moved.")

    response = signup(client, accept_policies="on", policy_versions=shown)

    assert response.status_code == 200
    assert "Our policies were just updated" in response.content.decode()
    assert not django_user_model.objects.exists()
    again = signup(client, accept_policies="on", policy_versions=f"{newer.pk},{policies['privacy'].pk}")
    assert again.status_code == 302
    assert PolicyAcceptance.objects.filter(policy_version=newer).count() == 1


def test_signup_without_published_policies_asks_nothing(client, db, django_user_model):
    assert signup(client).status_code == 302
    assert not PolicyAcceptance.objects.exists()


# -- checkout ---------------------------------------------------------------------------------------


def open_checkout(student_client, course) -> Payment:
    student_client.post(f"/courses/{course.slug}/enroll/")
    return Payment.objects.get()


def test_checkout_records_terms_and_refund_acceptance_before_paying(
    student_client, verified_student, paid_course, policies
):
    payment = open_checkout(student_client, paid_course)
    page = student_client.get(f"/payments/checkout/{payment.pk}/").content.decode()
    assert "Before you pay" in page and 'href="/policies/refund/"' in page
    assert "Pay (test mode)" not in page

    # Paying is refused until the policies are accepted.
    student_client.post(f"/payments/checkout/{payment.pk}/pay-test-mode/")
    payment.refresh_from_db()
    assert payment.status != Payment.Status.SUCCEEDED

    # The box must be ticked.
    shown = {"policy_version": [policies["terms"].pk, policies["refund"].pk]}
    student_client.post(f"/payments/checkout/{payment.pk}/policies/", shown)
    assert not PolicyAcceptance.objects.exists()

    response = student_client.post(f"/payments/checkout/{payment.pk}/policies/", {**shown, "accept": "1"})
    assert response["Location"] == f"/payments/checkout/{payment.pk}/"
    assert {(a.policy_version.kind, a.policy_version.version, a.where) for a in PolicyAcceptance.objects.all()} == {
        ("terms", 1, "checkout"),
        ("refund", 1, "checkout"),
    }
    page = student_client.get(f"/payments/checkout/{payment.pk}/").content.decode()
    assert "Before you pay" not in page and "Pay (test mode)" in page


def test_a_newer_version_is_asked_at_the_next_checkout_with_what_changed(
    student_client, verified_student, paid_course, policies
):
    from policies.services import policies_accept

    policies_accept(user=verified_student, versions=[policies["terms"], policies["refund"]], where="checkout")
    payment = open_checkout(student_client, paid_course)
    assert "Before you pay" not in student_client.get(f"/payments/checkout/{payment.pk}/").content.decode()

    refund_v2 = publish("refund", 2, summary="Refunds after a weather scrub are now automatic.")
    page = student_client.get(f"/payments/checkout/{payment.pk}/").content.decode()
    assert "Before you pay" in page
    assert "since version 1, which you accepted" in page
    assert "Refunds after a weather scrub are now automatic." in page
    assert "terms of service (version" not in page  # only the changed policy is asked

    # A version published after the page was shown is not accepted unseen.
    refund_v3 = publish("refund", 3, summary="Another change.")
    student_client.post(f"/payments/checkout/{payment.pk}/policies/", {"policy_version": [refund_v2.pk], "accept": "1"})
    assert not PolicyAcceptance.objects.filter(policy_version__in=[refund_v2, refund_v3]).exists()

    student_client.post(f"/payments/checkout/{payment.pk}/policies/", {"policy_version": [refund_v3.pk], "accept": "1"})
    acceptance = PolicyAcceptance.objects.get(policy_version=refund_v3)
    assert acceptance.user == verified_student and acceptance.where == "checkout"
    assert acceptance.ip_address == "127.0.0.1"


def test_the_demo_refund_policy_states_the_flight_change_deadline_the_code_applies(settings):
    from bds.demo.loader import DATA_DIR

    text = (DATA_DIR / "policies" / "refund.md").read_text()
    assert f"{settings.FLIGHTS_CHANGE_DEADLINE_HOURS} hours before" in text
    assert "rebook onto another date with priority" in text and "refund of the practical" in text
