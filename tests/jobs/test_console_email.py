"""Development email is readable: a long confirmation link printed by the console backend opens whole
(Django's own backend printed quoted-printable, whose soft line breaks cut the link)."""

import io

from django.core.mail import EmailMultiAlternatives

from core.console_email import ReadableConsoleEmailBackend

LINK = "http://127.0.0.1:8000/accounts/confirm-email/MjQ:1xZWWM:9oibB1yvX2l9vk_QDa5OWVj5ZNthnU8DY77NCYhCLbM/"


def test_a_long_link_is_printed_whole_on_one_line_with_the_headers_that_matter():
    stream = io.StringIO()
    message = EmailMultiAlternatives(
        subject="Confirm your email",
        body=f"Welcome, Zoë!\n\nConfirm your address: {LINK}\n",
        from_email="Boston Drone School <hello@bostondroneschool.test>",
        to=["zoe@example.com"],
        reply_to=["help@bostondroneschool.test"],
    )
    message.attach_alternative(f'<p>Confirm: <a href="{LINK}">confirm</a></p>', "text/html")

    ReadableConsoleEmailBackend(stream=stream).send_messages([message])

    printed = stream.getvalue()
    assert f"Confirm your address: {LINK}" in printed.splitlines()
    assert "Welcome, Zoë!" in printed  # decoded, not =C3=AB
    assert "Subject: Confirm your email" in printed and "To: zoe@example.com" in printed
    assert "Reply-To: help@bostondroneschool.test" in printed
    assert "[also sent: a text/html version" in printed
    assert "=\n" not in printed and "quoted-printable" not in printed


def test_the_development_default_uses_the_readable_backend():
    from bds.settings import _mailers

    assert _mailers()["default"]["BACKEND"] == "core.console_email.ReadableConsoleEmailBackend"
