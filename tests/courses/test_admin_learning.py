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


# -- issue 18, item 6: an instructor attaches quizzes and exams only to the courses they teach -------


def _quiz_data(**fields) -> dict:
    data = {"title": "Sneaky quiz", "pass_percent": "70", "_save": "Save"}
    data |= {"questions-TOTAL_FORMS": "0", "questions-INITIAL_FORMS": "0"}
    data |= {"questions-MIN_NUM_FORMS": "0", "questions-MAX_NUM_FORMS": "1000"}
    return data | {name: str(value) for name, value in fields.items()}


def _exam_data(course) -> dict:
    return {
        "course": str(course.pk),
        "title": "Sneaky exam",
        "question_count": "60",
        "time_limit_minutes": "120",
        "pass_percent": "70",
        "ready_streak": "3",
        "ready_percent": "80",
        "_save": "Save",
    }


@pytest.fixture
def ian_with_quiz_and_exam_permissions(client, ian):
    for model in ("quiz", "quizquestion", "quizchoice", "practiceexam"):
        ian.user.user_permissions.add(*_permissions(model))
    client.force_login(ian.user)
    return client


@pytest.mark.parametrize("home", ["lesson", "section"])
def test_an_instructor_cannot_attach_a_new_quiz_to_another_instructors_course(
    ian_with_quiz_and_exam_permissions, two_courses, home
):
    client = ian_with_quiz_and_exam_permissions
    theirs = two_courses[1]
    target = theirs.sections.get() if home == "section" else theirs.sections.get().lessons.get()

    response = client.post(reverse("admin:lessons_quiz_add"), _quiz_data(**{home: target.pk}))

    assert response.status_code == 200  # the form again, with the error
    assert "Select a valid choice" in response.content.decode()
    assert str(target) not in response.content.decode(), "the raw-id label must not name their lesson"
    assert not Quiz.objects.exists()


def test_an_instructor_cannot_move_their_quiz_to_another_instructors_lesson(
    ian_with_quiz_and_exam_permissions, two_courses
):
    client = ian_with_quiz_and_exam_permissions
    mine, theirs = two_courses
    quiz = Quiz.objects.create(title="Airspace check", lesson=mine.sections.get().lessons.get())
    their_lesson = theirs.sections.get().lessons.get()

    response = client.post(reverse("admin:lessons_quiz_change", args=[quiz.pk]), _quiz_data(lesson=their_lesson.pk))

    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    quiz.refresh_from_db()
    assert (quiz.title, quiz.lesson_id) == ("Airspace check", mine.sections.get().lessons.get().pk)


def test_an_instructor_still_attaches_a_quiz_to_their_own_lesson(ian_with_quiz_and_exam_permissions, two_courses):
    client = ian_with_quiz_and_exam_permissions
    my_lesson = two_courses[0].sections.get().lessons.get()
    response = client.post(reverse("admin:lessons_quiz_add"), _quiz_data(lesson=my_lesson.pk))
    assert response.status_code == 302
    assert Quiz.objects.get().lesson == my_lesson


def test_an_instructor_cannot_add_questions_to_another_instructors_quiz(
    ian_with_quiz_and_exam_permissions, two_courses
):
    their_quiz = Quiz.objects.create(title="Mapping check", section=two_courses[1].sections.get())
    data = {"quiz": str(their_quiz.pk), "text": "Injected?", "explanation": "", "order": "1", "_save": "Save"}
    data |= {"choices-TOTAL_FORMS": "0", "choices-INITIAL_FORMS": "0"}
    data |= {"choices-MIN_NUM_FORMS": "0", "choices-MAX_NUM_FORMS": "1000"}

    response = ian_with_quiz_and_exam_permissions.post(reverse("admin:lessons_quizquestion_add"), data)

    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert "Mapping check" not in response.content.decode()
    assert not their_quiz.questions.exists()


def test_an_instructor_cannot_give_another_instructors_course_a_practice_exam(
    ian_with_quiz_and_exam_permissions, two_courses
):
    client = ian_with_quiz_and_exam_permissions
    mine, theirs = two_courses

    response = client.post(reverse("admin:lessons_practiceexam_add"), _exam_data(theirs))

    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert theirs.title not in response.content.decode()
    assert not PracticeExam.objects.exists()
    # Their own course, the same form: saved.
    assert client.post(reverse("admin:lessons_practiceexam_add"), _exam_data(mine)).status_code == 302
    assert PracticeExam.objects.get().course == mine


def test_saving_rechecks_the_scope_whatever_the_form_allowed(rf, ian, two_courses):
    """The second layer: save_model and save_formset refuse a row pointing outside the instructor's
    courses even if a form (a future one, a custom one) let it through."""
    from django.contrib import admin as django_admin
    from django.core.exceptions import PermissionDenied

    from lessons.models import QuizQuestion

    mine, theirs = two_courses
    request = rf.post("/admin/")
    request.user = ian.user
    quiz_admin = django_admin.site._registry[Quiz]
    exam_admin = django_admin.site._registry[PracticeExam]

    with pytest.raises(PermissionDenied):
        quiz_admin.save_model(request, Quiz(title="x", lesson=theirs.sections.get().lessons.get()), None, False)
    with pytest.raises(PermissionDenied):
        exam_admin.save_model(request, PracticeExam(course=theirs), None, False)
    assert not Quiz.objects.exists() and not PracticeExam.objects.exists()

    class ChangedForm:
        def __init__(self, instance):
            self.instance = instance

        def has_changed(self):
            return True

    class Formset:
        forms = [ChangedForm(QuizQuestion(quiz=Quiz.objects.create(title="theirs", section=theirs.sections.get())))]

        def save(self):  # pragma: no cover - reached only if the check failed
            raise AssertionError("saved a row outside the instructor's courses")

    with pytest.raises(PermissionDenied):
        quiz_admin.save_formset(request, None, Formset(), True)

    quiz_admin.save_model(request, mine_quiz := Quiz(title="mine", section=mine.sections.get()), None, False)
    assert mine_quiz.pk is not None
