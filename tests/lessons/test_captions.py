"""Lesson captions: validated on upload with the wrong line named, offered as <track>s through
signed private URLs only to those who may watch the lesson."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.urls import reverse

from enrollments.models import Enrollment
from lessons.models import LessonCaption

pytestmark = pytest.mark.django_db

VTT = b"WEBVTT\n\n00:00.000 --> 00:04.000\nClass B is solid blue.\n"


@pytest.fixture
def caption(lessons):
    caption = LessonCaption(lesson=lessons["classes"], language="en", label="English", is_default=True)
    caption.file.save("airspace.en.vtt", ContentFile(VTT))
    return caption


def lesson_url(course, slug="airspace-classes"):
    return reverse("lessons:lesson", args=[course.slug, slug])


def test_a_malformed_caption_file_is_refused_with_the_wrong_line(lessons):
    caption = LessonCaption(
        lesson=lessons["classes"],
        language="es",
        label="Español",
        file=ContentFile(b"WEBVTT\n\n00:00.000 --> 00:04.000\nHola\n\n00:05.000 -> 00:06.000\nAdios\n", name="x.vtt"),
    )
    with pytest.raises(ValidationError) as error:
        caption.full_clean()
    assert "Line 6:" in error.value.message_dict["file"][0]


def test_a_valid_caption_file_passes(lessons):
    caption = LessonCaption(
        lesson=lessons["classes"], language="en", label="English", file=ContentFile(VTT, name="x.vtt")
    )
    caption.full_clean()


def test_the_enrolled_student_gets_a_default_track_whose_signed_url_serves_the_file(
    student_client, enrolled, course, caption
):
    html = student_client.get(lesson_url(course)).content.decode()
    track = re.search(r'<track kind="captions" srclang="en" label="English" src="([^"]+)" default>', html)
    assert track
    response = student_client.get(track[1].replace("&amp;", "&"))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == VTT


@pytest.mark.parametrize("status", [Enrollment.Status.REFUNDED, Enrollment.Status.REVOKED])
def test_a_refunded_or_revoked_student_gets_no_caption_url(student_client, student, enroll, course, caption, status):
    enroll(student, status=status)
    response = student_client.get(lesson_url(course))
    assert response.status_code == 403
    assert b"<track" not in response.content


def test_an_anonymous_visitor_gets_no_caption_url(client, course, caption):
    response = client.get(lesson_url(course))
    assert response.status_code in {403, 404}
    assert b"<track" not in response.content


def test_an_expired_caption_url_is_refused(student_client, enrolled, course, caption, settings):
    settings.PRIVATE_URL_EXPIRY_SECONDS = -1
    html = student_client.get(lesson_url(course)).content.decode()
    src = re.search(r'<track [^>]*src="([^"]+)"', html)[1].replace("&amp;", "&")
    response = student_client.get(src)
    assert response.status_code == 403
    assert b"expired" in response.content


def test_the_transcript_lists_the_default_captions_cues_as_seek_buttons(student_client, enrolled, course, caption):
    html = student_client.get(lesson_url(course)).content.decode()
    assert "<summary>Transcript</summary>" in html
    assert 'data-start="0.000" data-end="4.000"' in html
    assert "Class B is solid blue." in html
