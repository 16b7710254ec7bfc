"""The practice exam's results: the missed questions by knowledge area with the right answer and the
explanation, and the readiness estimate over the last attempts, on the result and overview pages."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from bds.demo.practice_exam import question_bank_seed
from lessons import services
from lessons.models import ExamAttempt, KnowledgeArea, PracticeExam
from lessons.services import Readiness

pytestmark = pytest.mark.django_db


@pytest.fixture
def exam(course):
    question_bank_seed()
    return PracticeExam.objects.get(course=course)


def graded(user, exam, *, percent_by_area: dict[str, tuple[int, int]], days_ago: int = 0) -> ExamAttempt:
    """A submitted attempt with the given (correct, total) per area, without drawing questions."""
    correct = sum(right for right, _ in percent_by_area.values())
    total = sum(count for _, count in percent_by_area.values())
    submitted = timezone.now() - timedelta(days=days_ago)
    return ExamAttempt.objects.create(
        user=user,
        exam=exam,
        started_at=submitted - timedelta(hours=1),
        deadline=submitted + timedelta(hours=1),
        submitted_at=submitted,
        correct_count=correct,
        question_count=total,
        score_percent=100 * correct // total,
        passed=100 * correct >= exam.pass_percent * total,
        results_by_area={
            area: {"correct": right, "total": count, "percent": round(100 * right / count)}
            for area, (right, count) in percent_by_area.items()
        },
    )


def scored(user, exam, percent: int, *, days_ago: int = 0, weather: tuple[int, int] = (5, 10)) -> ExamAttempt:
    """An attempt of 100 + 10 questions whose overall share is about `percent`."""
    return graded(user, exam, percent_by_area={"operations": (percent, 100), "weather": weather}, days_ago=days_ago)


def test_review_groups_missed_questions_by_area_with_the_right_answer(enrolled, exam):
    attempt = services.exam_attempt_start(user=enrolled, exam=exam)
    items = list(attempt.items.select_related("question").order_by("order"))
    right, wrong, unanswered = items[0], items[1], items[2]
    answers = {
        right.pk: right.question.choices.get(is_correct=True).pk,
        wrong.pk: wrong.question.choices.filter(is_correct=False).first().pk,
    }
    attempt = services.exam_attempt_submit(attempt=attempt, answers=answers)

    review = services.exam_attempt_review(attempt)

    # Areas in the FAA's order, each once, covering every question.
    faa_order = ["regulations", "airspace", "weather", "loading_and_performance", "operations"]
    assert [area.area for area in review] == faa_order
    assert sum(area.total for area in review) == attempt.question_count
    missed = {question.order: question for area in review for question in area.missed}
    got_right = {question.order: question for area in review for question in area.right}
    assert set(got_right) == {right.order}
    assert len(missed) == attempt.question_count - 1
    assert missed[wrong.order].chosen.pk == answers[wrong.pk]
    assert missed[wrong.order].correct_choice == wrong.question.choices.get(is_correct=True)
    assert missed[unanswered.order].chosen is None
    assert missed[unanswered.order].explanation == unanswered.question.explanation


def test_review_reads_the_attempt_in_two_queries(enrolled, exam, django_assert_num_queries):
    attempt = services.exam_attempt_submit(attempt=services.exam_attempt_start(user=enrolled, exam=exam))
    with django_assert_num_queries(2):  # the items with question and choice; the questions' choices
        services.exam_attempt_review(attempt)


def test_no_readiness_before_the_first_attempt(enrolled, exam):
    assert services.exam_readiness(user=enrolled, exam=exam) is None


def test_readiness_needs_three_good_attempts_to_say_likely_ready(enrolled, exam):
    scored(enrolled, exam, 90, days_ago=2)
    scored(enrolled, exam, 90, days_ago=1)
    two = services.exam_readiness(user=enrolled, exam=exam)
    assert two.verdict == Readiness.ALMOST and two.attempts == 2 and two.attempts_still_needed == 1
    scored(enrolled, exam, 90)
    three = services.exam_readiness(user=enrolled, exam=exam)
    assert three.verdict == Readiness.READY
    assert three.attempts == 3
    assert three.average_percent == 100 * (90 + 5) // 110


def test_readiness_reads_only_the_last_five_attempts(enrolled, exam):
    for days_ago in range(10, 4, -1):  # six poor attempts long ago
        scored(enrolled, exam, 10, days_ago=days_ago)
    for days_ago in range(5, 0, -1):
        scored(enrolled, exam, 95, days_ago=days_ago)
    readiness = services.exam_readiness(user=enrolled, exam=exam)
    assert readiness.attempts == 5
    assert readiness.verdict == Readiness.READY


@pytest.mark.parametrize(
    ("percent", "verdict"),
    [(75, Readiness.ALMOST), (72, Readiness.ALMOST), (60, Readiness.NOT_YET), (30, Readiness.NOT_YET)],
)
def test_readiness_verdict_follows_the_pass_and_ready_marks(enrolled, exam, percent, verdict):
    for days_ago in range(3):
        scored(enrolled, exam, percent, days_ago=days_ago, weather=(percent // 10, 10))
    assert services.exam_readiness(user=enrolled, exam=exam).verdict == verdict


def test_readiness_names_the_weakest_area_pooled_over_the_attempts(enrolled, exam):
    graded(enrolled, exam, percent_by_area={"weather": (2, 8), "airspace": (10, 12)}, days_ago=1)
    graded(enrolled, exam, percent_by_area={"weather": (8, 8), "airspace": (3, 12)})
    readiness = services.exam_readiness(user=enrolled, exam=exam)
    # Weather 10/16 = 62%, airspace 13/24 = 54%: airspace, though weather was worst once.
    assert readiness.weakest_area == "Airspace classification and operating requirements"
    assert readiness.weakest_percent == 54


def test_readiness_is_the_students_own(enrolled, outsider, exam):
    scored(outsider, exam, 95)
    assert services.exam_readiness(user=enrolled, exam=exam) is None


def test_result_page_lists_missed_questions_and_readiness(student_client, enrolled, course, exam):
    attempt = services.exam_attempt_start(user=enrolled, exam=exam)
    first, second = attempt.items.select_related("question").order_by("order")[:2]
    wrong = second.question.choices.filter(is_correct=False).first()
    answers = {first.pk: first.question.choices.get(is_correct=True).pk, second.pk: wrong.pk}
    attempt = services.exam_attempt_submit(attempt=attempt, answers=answers)
    html = student_client.get(reverse("lessons:exam_result", args=[course.slug, attempt.pk])).content.decode()
    assert "Questions to study" in html
    assert f"<dd>{wrong.label}. {escape(wrong.text)}</dd>" in html
    right = second.question.choices.get(is_correct=True)
    assert f"<dd>{right.label}. {escape(right.text)}</dd>" in html
    assert escape(second.question.explanation) in html
    assert "<dd>Not answered</dd>" in html
    # The one right answer is folded away under its area.
    assert '<details class="exam-right">\n        <summary>1 answered right</summary>' in html
    assert 'Readiness for the FAA test: <span class="readiness-verdict">Not yet</span>' in html
    assert "Study next: <strong>" in html
    # The area table in the FAA's order (not the database's JSON key order), each linking to its questions.
    positions = [html.index(f'<th scope="row"><a href="#missed-{area}">') for area in KnowledgeArea.values]
    assert positions == sorted(positions)


def test_overview_shows_the_readiness_estimate(student_client, enrolled, course, exam):
    for days_ago in range(3):
        scored(enrolled, exam, 95, days_ago=days_ago)
    html = student_client.get(reverse("lessons:exam", args=[course.slug])).content.decode()
    assert 'Readiness for the FAA test: <span class="readiness-verdict">Likely ready</span>' in html
