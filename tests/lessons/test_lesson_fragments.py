"""A lesson's notes and Previous/Next links are stored as HTML per lesson (lessons.views): a repeat
view skips the Markdown and the listing queries, and every edit an instructor makes shows on the
next view; the student's own parts (progress, the signed video URL) are never stored."""

import re

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.user_cache import account_version_key
from core.cache_versions import bump
from lessons.models import Material, Quiz

pytestmark = pytest.mark.django_db

LESSON_URL = "/learn/part-107-prep/airspace-classes/"
CSRF_VALUE = r'name="csrfmiddlewaretoken" value="[^"]+"'
# The video's signed URL is made afresh on every view and carries the signing second, so two views
# a second apart differ there (this made the test fail now and then on a loaded machine).
SIGNED_MEDIA_TOKEN = r"/private-media/[^/\"]+/"


def without_per_request_values(html: str) -> str:
    return re.sub(SIGNED_MEDIA_TOKEN, "/private-media/<signed>/", re.sub(CSRF_VALUE, "", html))


def page(client, url=LESSON_URL) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_a_repeat_view_skips_the_notes_and_listing_queries(student_client, enrolled):
    with CaptureQueriesContext(connection) as first:
        html = page(student_client)
    # The whole page is stored too (tests/lessons/test_stored_pages.py); a new account version sets
    # that copy aside, so what is measured here is the page rendered from its stored parts.
    bump(account_version_key(enrolled.pk))
    with CaptureQueriesContext(connection) as again:
        repeat = page(student_client)
    # The same page but for the CSRF token (masked afresh on every render) and the signed video URL.
    assert without_per_request_values(repeat) == without_per_request_values(html)
    assert html.count("/private-media/") >= 1  # the masking above hides a real, present URL
    # Materials, quizzes and the lesson list come with the notes' HTML; the lesson row, the course
    # panel, the student's progress and the access decision are cached too.
    assert len(again) == len(first) - 7
    assert "<h2>Class B</h2>" in html
    assert "Sectional legend" in html
    assert "Next: Reading charts →" in html and "← Previous: Welcome" in html


def test_two_views_a_second_apart_are_the_same_page_but_for_the_fresh_signature(student_client, enrolled, monkeypatch):
    import time

    html = page(student_client)
    real_time = time.time
    monkeypatch.setattr(time, "time", lambda: real_time() + 1.5)  # the next signing second
    repeat = page(student_client)
    assert re.findall(SIGNED_MEDIA_TOKEN, repeat) != re.findall(SIGNED_MEDIA_TOKEN, html)  # the signature changed...
    assert without_per_request_values(repeat) == without_per_request_values(html)  # ...and only it


def test_edits_to_the_body_materials_quizzes_and_order_show_at_once(student_client, enrolled, lessons):
    page(student_client)
    lesson = lessons["classes"]
    lesson.body = "## Class C\nSolid magenta lines."
    lesson.save()
    assert "<h2>Class C</h2>" in page(student_client)

    Material.objects.create(lesson=lesson, title="Chart supplement", file=ContentFile(b"x", name="cs.pdf"), order=2)
    assert "Chart supplement" in page(student_client)

    Quiz.objects.create(lesson=lesson, title="Airspace check")
    assert "Airspace check" in page(student_client)

    charts = lessons["charts"]
    charts.title = "Reading sectional charts"
    charts.save()
    assert "Next: Reading sectional charts →" in page(student_client)


def test_progress_stays_per_student(student_client, enrolled, lessons):
    assert "Mark as complete" in page(student_client)
    student_client.post(f"{LESSON_URL}complete/")
    assert "Completed · go on" in page(student_client)


def test_a_preview_gets_the_body_only(client, lessons, student, enroll):
    html = page(client, "/learn/part-107-prep/welcome/")
    assert "Hello <strong>pilots</strong>." in html
    assert 'aria-label="Lessons"' not in html  # no Previous/Next for a visitor

    # An enrolled student gets the lesson's own stored variant, with the links to other lessons.
    client.force_login(student)
    enroll(student)
    assert 'aria-label="Lessons"' in page(client, "/learn/part-107-prep/welcome/")
