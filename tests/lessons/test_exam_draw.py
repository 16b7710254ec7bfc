"""Drawing a practice exam: the FAA knowledge-area weights, a fair draw from a small bank, and never
the same set of questions twice in a row for a student."""

from collections import Counter

import pytest

from lessons import services
from lessons.models import ExamAttempt, ExamChoice, ExamQuestion, KnowledgeArea, PracticeExam

pytestmark = pytest.mark.django_db

# The ACS/UAG ranges, as fractions of the test: every fixed target must sit inside its range.
FAA_RANGES = {
    "regulations": (0.15, 0.25),
    "airspace": (0.15, 0.25),
    "weather": (0.11, 0.16),
    "loading_and_performance": (0.07, 0.11),
    "operations": (0.35, 0.45),
}


def add_questions(area, count):
    for number in range(count):
        question = ExamQuestion.objects.create(
            key=f"draw-{area}-{number}", area=area, text=f"{area} {number}", explanation="Because."
        )
        ExamChoice.objects.create(question=question, label="A", text="Right", is_correct=True)
        ExamChoice.objects.create(question=question, label="B", text="Wrong")


def test_the_targets_sum_to_sixty_and_sit_inside_the_faa_ranges():
    assert sum(services.AREA_TARGETS.values()) == 60
    assert set(services.AREA_TARGETS) == {area for area, _ in KnowledgeArea.choices}
    for area, target in services.AREA_TARGETS.items():
        low, high = FAA_RANGES[area]
        assert low <= target / 60 <= high, area


def test_a_short_area_gives_its_shortfall_to_the_others():
    quotas = services.exam_area_quotas(
        count=60,
        available={"regulations": 30, "airspace": 30, "weather": 30, "loading_and_performance": 2, "operations": 60},
    )
    assert sum(quotas.values()) == 60
    assert quotas["loading_and_performance"] == 2
    assert quotas["operations"] >= 23 and quotas["weather"] >= 8


def test_a_bank_smaller_than_the_exam_draws_all_of_it():
    available = {"regulations": 3, "airspace": 0, "weather": 1, "loading_and_performance": 0, "operations": 4}
    assert services.exam_area_quotas(count=60, available=available) == available


def test_a_shorter_exam_keeps_the_weights():
    quotas = services.exam_area_quotas(count=30, available=dict.fromkeys(services.AREA_TARGETS, 50))
    # Half of each target: 6 / 6 / 4 / 2.5 / 11.5, the two halves going by largest remainder.
    assert sum(quotas.values()) == 30
    assert (quotas["regulations"], quotas["airspace"], quotas["weather"]) == (6, 6, 4)
    assert quotas["loading_and_performance"] + quotas["operations"] == 14


def test_a_small_bank_is_still_spread_over_every_area():
    for area in services.AREA_TARGETS:
        add_questions(area, 4)  # 20 questions, exam of 10
    drawn = services.exam_questions_draw(count=10)
    assert len(drawn) == len({question.pk for question in drawn}) == 10
    counts = Counter(question.area for question in drawn)
    assert counts["operations"] == 4 and set(counts) == set(services.AREA_TARGETS)


@pytest.fixture
def exam(course):
    return PracticeExam.objects.create(course=course, question_count=10)


def test_two_attempts_in_a_row_never_get_the_same_set(enrolled, student, exam):
    # A bank only one question bigger than the exam: a plain random draw would repeat often.
    add_questions("operations", 11)
    last = None
    for _ in range(8):
        attempt = services.exam_attempt_start(user=student, exam=exam)
        drawn = set(attempt.items.values_list("question_id", flat=True))
        assert len(drawn) == 10
        if last is not None:
            assert drawn != last
        last = drawn
        services.exam_attempt_submit(attempt=attempt)
    assert ExamAttempt.objects.filter(user=student).count() == 8


def test_the_next_attempt_prefers_questions_the_last_one_did_not_ask(enrolled, student, exam):
    add_questions("operations", 20)  # twice the exam: the second attempt can be all new
    first = services.exam_attempt_start(user=student, exam=exam)
    services.exam_attempt_submit(attempt=first)
    second = services.exam_attempt_start(user=student, exam=exam)
    asked = set(first.items.values_list("question_id", flat=True))
    assert not asked & set(second.items.values_list("question_id", flat=True))


def test_a_bank_the_size_of_the_exam_still_starts(enrolled, student, exam):
    add_questions("weather", 10)
    for _ in range(2):
        attempt = services.exam_attempt_start(user=student, exam=exam)
        assert attempt.items.count() == 10
        services.exam_attempt_submit(attempt=attempt)
