"""Every email in the catalog renders with the branded layout and the values it was given."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.utils.html import escape

from backoffice.emails_catalog import EMAILS
from core.mail import email_render

TEMPLATES = Path(settings.BASE_DIR) / "templates" / "emails"
OWN_TEMPLATES = [email for email in EMAILS.values() if not email.allauth_prefix]


def test_the_catalog_lists_every_email_the_issue_names():
    assert set(EMAILS) >= {
        "account_confirmation",
        "password_reset",
        "enrollment_welcome",
        "payment_receipt",
        "refund_issued",
        "dispute_opened",
        "certificate_issued",
        "flight_booked",
        "flight_changed",
        "flight_reminder",
        "flight_scrubbed",
        "waitlist_promoted",
    }


def test_every_email_template_folder_is_in_the_catalog():
    folders = {path.parent.name for path in TEMPLATES.glob("*/body.html")}
    assert folders == {email.name for email in OWN_TEMPLATES}


@pytest.mark.django_db
@pytest.mark.parametrize("email", OWN_TEMPLATES, ids=lambda email: email.name)
def test_each_email_renders_its_context_in_text_and_html_with_the_layout(email):
    rendered = email.render()
    assert rendered.subject.strip()
    assert "\n" not in rendered.subject
    for key, value in email.context().items():
        if isinstance(value, str):
            assert value in rendered.text, f"{key} missing from the text"
            assert escape(value) in rendered.html, f"{key} missing from the HTML"
    # The layout: header with the school's name, the footer with the address and the reason.
    assert rendered.html.lstrip().startswith("<!doctype html>")
    assert f">{settings.SCHOOL_NAME}</a>" in rendered.html
    assert settings.SCHOOL_POSTAL_ADDRESS in rendered.html
    assert "You are receiving this email because" in rendered.html
    assert 'role="presentation"' in rendered.html
    assert settings.SCHOOL_POSTAL_ADDRESS in rendered.text
    assert "You are receiving this email because" in rendered.text
    assert "{{" not in rendered.text + rendered.html  # no template syntax leaked


@pytest.mark.parametrize("email", OWN_TEMPLATES, ids=lambda email: email.name)
def test_each_body_txt_documents_exactly_the_context_keys_of_its_sample(email):
    source = (TEMPLATES / email.name / "body.txt").read_text()
    match = re.search(r'\{% comment "context" %\}\n(.*?)\{% endcomment %\}', source, re.DOTALL)
    assert match, "body.txt must start by listing its context keys"
    documented = {line.split()[0] for line in match.group(1).splitlines() if line.strip()}
    assert documented == set(email.sample_context)


@pytest.mark.parametrize("name", ["enrollment_welcome", "certificate_issued", "flight_booked", "payment_receipt"])
def test_calls_to_action_use_the_button(name):
    rendered = EMAILS[name].render()
    assert 'class="email-button"' in rendered.html


def test_plain_text_and_subject_are_not_html_escaped_but_html_is():
    context = EMAILS["payment_receipt"].context() | {"course_title": "O'Brien & Sons <Aerial>"}
    subject, text, html = email_render(template="payment_receipt", context=context)
    assert subject == "Your receipt for O'Brien & Sons <Aerial>"
    assert "Course:   O'Brien & Sons <Aerial>" in text
    assert "O&#x27;Brien &amp; Sons &lt;Aerial&gt;" in html
    assert "<Aerial>" not in html


def test_optional_values_leave_no_empty_lines_behind():
    context = EMAILS["payment_receipt"].context()
    del context["payment_method"]
    _, text, html = email_render(template="payment_receipt", context=context)
    assert "Method" not in text
    assert "Method" not in html
    assert "\n\n\n" not in text


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["account_confirmation", "password_reset"])
def test_allauth_emails_render_with_their_links(name):
    email = EMAILS[name]
    rendered = email.render()
    assert rendered.subject.startswith(settings.ACCOUNT_EMAIL_SUBJECT_PREFIX)
    link = next(value for key, value in email.context().items() if key.endswith("_url"))
    assert link in rendered.text
