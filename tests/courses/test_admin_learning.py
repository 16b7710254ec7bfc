"""Quizzes, the exam bank, practice exams and certificates in admin: scoped like lessons."""

import pytest
from django.urls import reverse

from lessons.models import Certificate, ExamQuestion, PracticeExam, Quiz

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_courses(make_course, ian, ada):
    return make_course(instructors=[ian], sections=1, lessons_per_section=1), make_course(
        instructors=[ada], sections=1, lessons_per_section=1
    )


def test_an_instructor_sees_only_quizzes_of_their_own_courses(client, ian, two_courses):
    mine, theirs = two_courses
    my_quiz = Quiz.objects.create(title="Airspace check", section=mine.sections.get())
    their_quiz = Quiz.objects.create(title="Mapping check", lesson=theirs.sections.get().lessons.get())
    ian.user.user_permissions.add(*_permissions("quiz"))
    client.force_login(ian.user)

    changelist = client.get(reverse("admin:lessons_quiz_changelist"))
    assert changelist.status_code == 200
    assert "Airspace check" in changelist.content.decode()
    assert "Mapping check" not in changelist.content.decode()
    assert client.get(reverse("admin:lessons_quiz_change", args=[my_quiz.pk])).status_code == 200
    assert client.get(reverse("admin:lessons_quiz_change", args=[their_quiz.pk])).status_code == 404


def test_staff_reach_every_learning_admin_page(client, staff, two_courses, student):
    course = two_courses[0]
    PracticeExam.objects.create(course=course)
    ExamQuestion.objects.create(key="airspace-1", area="airspace", text="Class B?", explanation="See the chart.")
    Certificate.objects.create(user=student, course=course, full_name="Sam Student", course_title=course.title)
    client.force_login(staff)
    for name in ("quiz", "examquestion", "practiceexam", "certificate"):
        response = client.get(reverse(f"admin:lessons_{name}_changelist"))
        assert response.status_code == 200, name
    certificate = Certificate.objects.get()
    page = client.get(reverse("admin:lessons_certificate_change", args=[certificate.pk]))
    assert page.status_code == 200
    assert 'name="full_name"' not in page.content.decode(), "certificates are read-only in admin"


def _permissions(model: str):
    from django.contrib.auth.models import Permission

    return Permission.objects.filter(content_type__app_label="lessons", content_type__model=model)
