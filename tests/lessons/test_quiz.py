"""Lesson and section quizzes: graded on submit, with explanations."""

import pytest
from django.db import IntegrityError
from django.urls import reverse

from lessons.models import Quiz, QuizAttempt, QuizChoice, QuizQuestion

pytestmark = pytest.mark.django_db


@pytest.fixture
def quiz(lessons):
    quiz = Quiz.objects.create(title="Airspace check", lesson=lessons["classes"])
    q1 = QuizQuestion.objects.create(
        quiz=quiz, order=1, text="Class B is drawn with", explanation="Solid blue lines mark Class B."
    )
    QuizChoice.objects.create(question=q1, text="Solid blue lines", is_correct=True, order=1)
    QuizChoice.objects.create(question=q1, text="Dashed magenta lines", order=2)
    q2 = QuizQuestion.objects.create(quiz=quiz, order=2, text="Class G needs ATC authorization", explanation="No.")
    QuizChoice.objects.create(question=q2, text="Yes", order=1)
    QuizChoice.objects.create(question=q2, text="No", is_correct=True, order=2)
    return quiz


def choice(quiz, order, text):
    return QuizChoice.objects.get(question__quiz=quiz, question__order=order, text=text)


def test_quiz_is_graded_with_explanations(student_client, enrolled, course, quiz):
    url = reverse("lessons:quiz", args=[course.slug, quiz.pk])
    page = student_client.get(url)
    assert page.status_code == 200
    assert "Solid blue lines mark Class B." not in page.content.decode()  # explanations only after grading
    q1, q2 = quiz.questions.all()
    response = student_client.post(
        url,
        {f"question-{q1.pk}": choice(quiz, 1, "Solid blue lines").pk, f"question-{q2.pk}": choice(quiz, 2, "Yes").pk},
    )
    html = response.content.decode()
    assert "Not passed yet: 1 of 2 correct (50%)" in html
    assert "Solid blue lines mark Class B." in html
    assert "Your answer" in html
    attempt = QuizAttempt.objects.get(user=enrolled)
    assert (attempt.correct_count, attempt.question_count, attempt.passed) == (1, 2, False)


def test_all_correct_passes(student_client, enrolled, course, quiz):
    q1, q2 = quiz.questions.all()
    response = student_client.post(
        reverse("lessons:quiz", args=[course.slug, quiz.pk]),
        {f"question-{q1.pk}": choice(quiz, 1, "Solid blue lines").pk, f"question-{q2.pk}": choice(quiz, 2, "No").pk},
    )
    assert "Passed: 2 of 2 correct (100%)" in response.content.decode()


def test_a_choice_from_another_question_counts_as_unanswered(student_client, enrolled, course, quiz):
    q1, _ = quiz.questions.all()
    student_client.post(
        reverse("lessons:quiz", args=[course.slug, quiz.pk]), {f"question-{q1.pk}": choice(quiz, 2, "No").pk}
    )
    attempt = QuizAttempt.objects.get()
    assert attempt.correct_count == 0
    assert attempt.answers == {}


def test_quiz_needs_access(client, outsider, course, quiz):
    client.force_login(outsider)
    assert client.get(reverse("lessons:quiz", args=[course.slug, quiz.pk])).status_code == 403


def test_quiz_of_another_course_is_404(student_client, enrolled, quiz):
    assert student_client.get(reverse("lessons:quiz", args=["another-course", quiz.pk])).status_code == 404


def test_only_one_correct_choice_per_question(quiz):
    question = quiz.questions.first()
    with pytest.raises(IntegrityError):
        QuizChoice.objects.create(question=question, text="Also right", is_correct=True, order=9)


def test_quiz_belongs_to_a_lesson_or_a_section_not_both(lessons, sections):
    with pytest.raises(IntegrityError):
        Quiz.objects.create(title="Both", lesson=lessons["classes"], section=sections[0])


def test_quiz_rows_are_the_exams_one_clickable_label_per_choice(student_client, enrolled, course, quiz):
    html = student_client.get(reverse("lessons:quiz", args=[course.slug, quiz.pk])).content.decode()
    assert html.count('<fieldset class="exam-fieldset">') == 2
    assert '<legend class="exam-question-text">Class B is drawn with</legend>' in html
    right = choice(quiz, 1, "Solid blue lines")
    # The radio sits inside its label, so the whole row is the click target.
    assert (
        f'<label class="exam-choice" for="choice-{right.pk}">\n'
        f'            <input type="radio" id="choice-{right.pk}" name="question-{right.question_id}"'
    ) in html
    assert html.count('class="exam-choice"') == 4
