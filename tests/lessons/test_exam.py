"""Part 107 practice exams: the seeded bank, drawing 60 questions by area, the server-side 2-hour
deadline, the 70% pass mark, results by area and the "ready to book" signal."""

from collections import Counter
from datetime import timedelta

import pytest
from django.db import IntegrityError
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from bds.demo.loader import demo_school_load
from bds.demo.practice_exam import question_bank_seed
from lessons import services
from lessons.models import ExamAttempt, ExamChoice, ExamQuestion, KnowledgeArea, PracticeExam

pytestmark = pytest.mark.django_db

QUESTIONS = demo_school_load().questions  # the bank data/practice_exam.yaml holds
EXAM_LENGTH = min(60, len(QUESTIONS))  # a bank bigger than the exam gives a 60-question attempt


@pytest.fixture
def exam(course):
    question_bank_seed()
    return PracticeExam.objects.get(course=course)


def add_questions(area, count):
    for number in range(count):
        question = ExamQuestion.objects.create(
            key=f"extra-{area}-{number}", area=area, text=f"Extra {area} {number}", explanation="Because."
        )
        ExamChoice.objects.create(question=question, label="A", text="Right", is_correct=True)
        ExamChoice.objects.create(question=question, label="B", text="Wrong")
        ExamChoice.objects.create(question=question, label="C", text="Also wrong")


def answer(attempt, *, correct: int):
    """Answer the first `correct` items right and the rest wrong."""
    answers = {}
    for number, item in enumerate(attempt.items.all()):
        wanted = number < correct
        answers[item.pk] = (
            item.question.choices.get(is_correct=wanted).pk
            if wanted
            else (item.question.choices.filter(is_correct=False).first().pk)
        )
    return answers


def test_seed_is_idempotent_and_covers_every_area(course):
    first = question_bank_seed()
    assert first["created"] == len(QUESTIONS) >= 40
    assert first["exams_created"] == 1
    second = question_bank_seed()
    assert second == {"created": 0, "updated": len(QUESTIONS), "exams_created": 0}
    assert ExamQuestion.objects.count() == len(QUESTIONS)
    assert ExamChoice.objects.count() == 3 * len(QUESTIONS)
    assert ExamChoice.objects.filter(is_correct=True).count() == len(QUESTIONS)
    assert set(ExamQuestion.objects.values_list("area", flat=True)) == {area for area, _ in KnowledgeArea.choices}
    assert all(question.explanation for question in ExamQuestion.objects.all())
    # The answer key is not always "A".
    assert len(set(ExamChoice.objects.filter(is_correct=True).values_list("label", flat=True))) == 3


def test_seed_without_a_part_107_course_still_builds_the_bank(db):
    assert question_bank_seed()["exams_created"] == 0
    assert ExamQuestion.objects.count() == len(QUESTIONS)


def test_small_bank_draws_every_question(exam):
    drawn = services.exam_questions_draw(count=len(QUESTIONS) + 10)
    assert len(drawn) == len(QUESTIONS)
    assert len({question.pk for question in drawn}) == len(drawn)


def test_the_seeded_bank_gives_a_full_sixty_question_exam_as_the_faa_test_has(exam):
    assert len(QUESTIONS) >= 60  # the README and the FAA's UAG test both say 60; the demo had 59
    assert len(services.exam_questions_draw(count=60)) == 60


# The FAA Remote Pilot (UAG) knowledge test's share of questions per area, in percent.
FAA_AREA_RANGES = {
    "regulations": (15, 25),
    "airspace": (15, 25),
    "weather": (11, 16),
    "loading_and_performance": (7, 11),
    "operations": (35, 45),
}


def test_the_bank_holds_150_questions_spread_like_the_faa_test():
    assert len(QUESTIONS) >= 150
    counts = Counter(question["area"] for question in QUESTIONS)
    shares = {area: 100 * counts[area] / len(QUESTIONS) for area in FAA_AREA_RANGES}
    assert all(low <= shares[area] <= high for area, (low, high) in FAA_AREA_RANGES.items()), shares
    assert len({question["question"] for question in QUESTIONS}) == len(QUESTIONS)  # no question twice


def test_sixty_questions_drawn_by_the_faa_area_weights(exam):
    ExamQuestion.objects.all().delete()
    for area, size in {"regulations": 40, "airspace": 40, "weather": 20, "loading_and_performance": 20}.items():
        add_questions(area, size)
    add_questions("operations", 80)  # bank of 200: 20% / 20% / 10% / 10% / 40%
    drawn = services.exam_questions_draw(count=60)
    assert len(drawn) == 60
    assert len({question.pk for question in drawn}) == 60
    # The FAA test weights, not the bank's proportions (weather 8, not 6).
    assert Counter(question.area for question in drawn) == {
        "regulations": 12,
        "airspace": 12,
        "weather": 8,
        "loading_and_performance": 5,
        "operations": 23,
    }


def test_start_creates_a_two_hour_attempt_and_resumes_it(student_client, enrolled, course, exam):
    add_questions("operations", 10)
    response = student_client.post(reverse("lessons:exam_start", args=[course.slug]))
    attempt = ExamAttempt.objects.get(user=enrolled)
    assert response["Location"] == reverse("lessons:exam_take", args=[course.slug, attempt.pk])
    assert attempt.deadline - attempt.started_at == timedelta(hours=2)
    assert attempt.items.count() == 60
    # Pressing Start again resumes the same attempt rather than drawing a new one.
    student_client.post(reverse("lessons:exam_start", args=[course.slug]))
    assert ExamAttempt.objects.count() == 1
    page = student_client.get(response["Location"])
    assert page.status_code == 200
    assert page.content.decode().count('type="radio"') == 180
    # The deadline says which clock it is on (the school's, Boston): "ends at 3:15 PM EST".
    deadline = timezone.localtime(attempt.deadline)
    assert f"{deadline.strftime('%-I:%M %p')} {deadline.tzname()}</time>" in page.content.decode()


def test_one_open_attempt_per_student_is_a_database_rule(enrolled, exam):
    now = timezone.now()
    ExamAttempt.objects.create(user=enrolled, exam=exam, deadline=now + timedelta(hours=2), started_at=now)
    with pytest.raises(IntegrityError):
        ExamAttempt.objects.create(user=enrolled, exam=exam, deadline=now + timedelta(hours=2), started_at=now)


def test_saved_answers_then_submit_grades_with_results_by_area(student_client, enrolled, course, exam):
    attempt = services.exam_attempt_start(user=enrolled, exam=exam)
    url = reverse("lessons:exam_take", args=[course.slug, attempt.pk])
    answers = answer(attempt, correct=EXAM_LENGTH)
    response = student_client.post(url, {f"item-{item}": choice for item, choice in answers.items()} | {"save": "1"})
    assert response["Location"] == url
    assert attempt.items.filter(chosen__isnull=False).count() == EXAM_LENGTH
    response = student_client.post(url, {"submit": "1"})
    attempt.refresh_from_db()
    assert response["Location"] == reverse("lessons:exam_result", args=[course.slug, attempt.pk])
    assert attempt.passed and attempt.score_percent == 100
    assert set(attempt.results_by_area) == {area for area, _ in KnowledgeArea.choices}
    assert sum(area["total"] for area in attempt.results_by_area.values()) == EXAM_LENGTH
    result = student_client.get(response["Location"]).content.decode()
    assert "Passed: 100%" in result
    assert "Airspace classification and operating requirements" in result
    assert escape(attempt.items.first().question.explanation) in result  # explanations in the review


@pytest.mark.parametrize(("correct", "passed"), [(42, True), (41, False)])
def test_seventy_percent_passes(enrolled, exam, correct, passed):
    add_questions("weather", 10)
    attempt = services.exam_attempt_start(user=enrolled, exam=exam)
    assert attempt.question_count == 60
    attempt = services.exam_attempt_submit(attempt=attempt, answers=answer(attempt, correct=correct))
    assert attempt.correct_count == correct
    assert attempt.passed is passed
    assert attempt.score_percent == (70 if passed else 68)


def test_per_area_results_count_right_and_wrong(enrolled, exam):
    attempt = services.exam_attempt_start(user=enrolled, exam=exam)
    weather_items = [item for item in attempt.items.select_related("question") if item.question.area == "weather"]
    answers = {item.pk: item.question.choices.get(is_correct=True).pk for item in weather_items[:4]}
    attempt = services.exam_attempt_submit(attempt=attempt, answers=answers)
    assert attempt.results_by_area["weather"] == {
        "correct": 4,
        "total": 8,
        "percent": 50,
    }  # 8 weather questions: the FAA weight
    assert attempt.results_by_area["regulations"]["correct"] == 0
    assert not attempt.passed


def test_answers_after_the_deadline_are_refused_and_the_attempt_auto_submitted(student_client, enrolled, course, exam):
    attempt = services.exam_attempt_start(user=enrolled, exam=exam)
    first = attempt.items.first()
    services.exam_answers_save(attempt=attempt, answers={first.pk: first.question.choices.get(is_correct=True).pk})
    # Two hours and a second later, the student posts every right answer.
    ExamAttempt.objects.filter(pk=attempt.pk).update(
        started_at=timezone.now() - timedelta(hours=2, seconds=1), deadline=timezone.now() - timedelta(seconds=1)
    )
    url = reverse("lessons:exam_take", args=[course.slug, attempt.pk])
    late = {f"item-{item}": choice for item, choice in answer(attempt, correct=EXAM_LENGTH).items()}
    response = student_client.post(url, late | {"submit": "1"})
    assert response["Location"] == reverse("lessons:exam_result", args=[course.slug, attempt.pk])
    attempt.refresh_from_db()
    assert attempt.is_submitted
    assert attempt.correct_count == 1  # only the answer saved in time counts
    assert attempt.submitted_at == attempt.deadline
    assert "Time was up" in student_client.get(response["Location"]).content.decode()


def test_save_after_the_deadline_is_refused_by_the_service(enrolled, exam):
    attempt = services.exam_attempt_start(user=enrolled, exam=exam)
    item = attempt.items.first()
    accepted = services.exam_answers_save(
        attempt=attempt,
        answers={item.pk: item.question.choices.get(is_correct=True).pk},
        now=attempt.deadline + timedelta(seconds=1),
    )
    assert accepted is False
    assert not attempt.items.filter(chosen__isnull=False).exists()


def test_an_expired_open_attempt_is_submitted_when_a_new_one_starts(enrolled, exam):
    old = services.exam_attempt_start(user=enrolled, exam=exam)
    ExamAttempt.objects.filter(pk=old.pk).update(
        started_at=timezone.now() - timedelta(hours=3), deadline=timezone.now() - timedelta(hours=1)
    )
    new = services.exam_attempt_start(user=enrolled, exam=exam)
    assert new.pk != old.pk
    old.refresh_from_db()
    assert old.is_submitted and not old.passed


def test_attempts_are_scoped_to_their_owner(client, outsider, enroll, enrolled, course, exam):
    attempt = services.exam_attempt_start(user=enrolled, exam=exam)
    enroll(outsider)
    client.force_login(outsider)
    assert client.get(reverse("lessons:exam_take", args=[course.slug, attempt.pk])).status_code == 404
    assert client.get(reverse("lessons:exam_result", args=[course.slug, attempt.pk])).status_code == 404


def test_exam_needs_access(client, outsider, course, exam):
    client.force_login(outsider)
    assert client.get(reverse("lessons:exam", args=[course.slug])).status_code == 403
    assert client.post(reverse("lessons:exam_start", args=[course.slug])).status_code == 403
    assert not ExamAttempt.objects.exists()


def test_ready_to_book_after_three_passes_at_80_percent(student_client, enrolled, course, exam):
    total = EXAM_LENGTH
    for correct in (total, total, int(total * 0.75)):  # the last pass is below 80%
        attempt = services.exam_attempt_start(user=enrolled, exam=exam)
        services.exam_attempt_submit(attempt=attempt, answers=answer(attempt, correct=correct))
    assert not services.exam_ready_to_book(user=enrolled, exam=exam)
    for _ in range(3):
        attempt = services.exam_attempt_start(user=enrolled, exam=exam)
        services.exam_attempt_submit(attempt=attempt, answers=answer(attempt, correct=total))
    assert services.exam_ready_to_book(user=enrolled, exam=exam)
    assert (
        "Ready to book your FAA test"
        in student_client.get(reverse("lessons:exam", args=[course.slug])).content.decode()
    )


def test_an_empty_bank_cannot_start_an_exam(student_client, enrolled, course, exam):
    ExamQuestion.objects.update(is_active=False)
    response = student_client.post(reverse("lessons:exam_start", args=[course.slug]), follow=True)
    assert "has no questions yet" in response.content.decode()
    assert not ExamAttempt.objects.exists()


def test_the_exam_goes_to_the_prep_course_not_a_sibling_in_its_category(course):
    from courses.models import Category, Course

    # The fixture course becomes an unrelated one; an intro course shares the Part 107 category and
    # was created before the prep course (a lower id).
    category = course.category
    Course.objects.filter(pk=course.pk).update(
        title="Mapping", category=Category.objects.create(name="Mapping", slug="mapping")
    )
    Course.objects.create(slug="fly-safe", title="Fly Safe: Drone Basics", summary="Basics.", category=category)
    prep = Course.objects.create(
        slug="part-107-exam-prep", title="Part 107 Remote Pilot Exam Prep", summary="Prep.", category=category
    )
    question_bank_seed()
    assert PracticeExam.objects.get().course == prep


def test_the_exam_page_has_a_navigator_clickable_choices_and_its_script(student_client, enrolled, course, exam):
    attempt = services.exam_attempt_start(user=enrolled, exam=exam)
    first, second = attempt.items.order_by("order")[:2]
    services.exam_answers_save(
        attempt=attempt, answers={first.pk: first.question.choices.first().pk}, flags={second.pk: True}
    )
    html = student_client.get(reverse("lessons:exam_take", args=[course.slug, attempt.pk])).content.decode()
    total = attempt.items.count()
    assert f'<h2 class="exam-question-number" id="q-1-heading" tabindex="-1">Question 1 of {total}</h2>' in html
    assert html.count('class="exam-choice"') == 3 * total  # each radio sits inside its label: one click target
    assert html.count('<legend class="exam-question-text">') == total  # a fieldset per question
    assert f'<span id="exam-answered-count">1</span> of {total} answered' in html
    assert f'href="#q-1" data-nav="{first.pk}" data-order="1" class="answered"' in html
    # The flag is kept on the server: it is on the page after a reload, checked and in the navigator.
    assert f'href="#q-2" data-nav="{second.pk}" data-order="2" class=" flagged"' in html
    assert f'name="flag-{second.pk}" data-flag="{second.pk}" checked' in html
    assert html.count('data-flag="') == total
    assert "js/exam.js" in html
    # The review screen and the confirmation are there for the script to fill.
    assert 'id="review"' in html and 'id="exam-confirm"' in html


def autosave(client, url, payload, *, raw=None):
    return client.post(
        url, raw if raw is not None else payload, content_type="application/json", HTTP_X_EXAM_AUTOSAVE="1"
    )


def test_autosave_answers_and_flags_in_json(student_client, enrolled, course, exam):
    attempt = services.exam_attempt_start(user=enrolled, exam=exam)
    item, other = attempt.items.order_by("order")[:2]
    url = reverse("lessons:exam_take", args=[course.slug, attempt.pk])
    choice = item.question.choices.first()
    response = autosave(student_client, url, {"answers": {str(item.pk): choice.pk}, "flags": {str(other.pk): True}})
    assert response.status_code == 200 and response.json() == {"saved": 2}
    item.refresh_from_db()
    other.refresh_from_db()
    assert item.chosen_id == choice.pk and not item.flagged
    assert other.flagged and other.chosen_id is None
    # Unflagging is saved too.
    autosave(student_client, url, {"flags": {str(other.pk): False}})
    other.refresh_from_db()
    assert not other.flagged
    # No "Answers saved." message piles up for the next page view.
    assert "Answers saved." not in student_client.get(url).content.decode()


@pytest.mark.parametrize(
    "raw",
    [
        "not json",
        "[1, 2]",
        '{"answers": [1]}',
        '{"answers": {"abc": 1}}',
        '{"answers": {"ITEM": "12"}}',
        '{"answers": {"ITEM": true}}',
        '{"flags": {"ITEM": 1}}',
        '{"flags": {"ITEM": true}, "submit": 1}',
    ],
)
def test_a_malformed_autosave_is_refused_with_400_and_changes_nothing(student_client, enrolled, course, exam, raw):
    attempt = services.exam_attempt_start(user=enrolled, exam=exam)
    item = attempt.items.first()
    url = reverse("lessons:exam_take", args=[course.slug, attempt.pk])
    # A valid flag rides along with the malformed part: all or nothing.
    raw = raw.replace("ITEM", str(item.pk))
    response = autosave(student_client, url, None, raw=raw)
    assert response.status_code == 400
    assert "error" in response.json()
    item.refresh_from_db()
    assert item.chosen_id is None and not item.flagged
    attempt.refresh_from_db()
    assert not attempt.is_submitted


def test_flags_and_answers_for_items_of_another_attempt_are_ignored(enrolled, outsider, enroll, exam):
    enroll(outsider)
    theirs = services.exam_attempt_start(user=outsider, exam=exam)
    mine = services.exam_attempt_start(user=enrolled, exam=exam)
    their_item = theirs.items.first()
    my_item = mine.items.first()
    accepted = services.exam_answers_save(
        attempt=mine,
        answers={their_item.pk: their_item.question.choices.first().pk},
        flags={their_item.pk: True, my_item.pk: True, 10**12: True},
    )
    assert accepted is True
    their_item.refresh_from_db()
    my_item.refresh_from_db()
    assert their_item.chosen_id is None and not their_item.flagged
    assert my_item.flagged


def test_a_flag_after_the_deadline_is_refused(enrolled, exam):
    attempt = services.exam_attempt_start(user=enrolled, exam=exam)
    item = attempt.items.first()
    accepted = services.exam_answers_save(
        attempt=attempt, answers={}, flags={item.pk: True}, now=attempt.deadline + timedelta(seconds=1)
    )
    assert accepted is False
    item.refresh_from_db()
    assert not item.flagged


def test_the_no_javascript_form_saves_flags_with_the_answers(student_client, enrolled, course, exam):
    attempt = services.exam_attempt_start(user=enrolled, exam=exam)
    first, second = attempt.items.order_by("order")[:2]
    services.exam_answers_save(attempt=attempt, answers={}, flags={second.pk: True})
    url = reverse("lessons:exam_take", args=[course.slug, attempt.pk])
    # The boxes posted are the flags: first now flagged, second's box unticked.
    response = student_client.post(url, {f"flag-{first.pk}": "on", "save": "1"})
    assert response["Location"] == url
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.flagged and not second.flagged


def test_submitting_twice_grades_once_and_shows_the_result(student_client, enrolled, course, exam):
    attempt = services.exam_attempt_start(user=enrolled, exam=exam)
    url = reverse("lessons:exam_take", args=[course.slug, attempt.pk])
    answers = {f"item-{item}": choice for item, choice in answer(attempt, correct=EXAM_LENGTH).items()}
    first = student_client.post(url, answers | {"submit": "1"})
    attempt.refresh_from_db()
    submitted_at = attempt.submitted_at
    # The second click posts wrong answers: nothing changes, no "time was up" note.
    wrong = {f"item-{item}": choice for item, choice in answer(attempt, correct=0).items()}
    second = student_client.post(url, wrong | {"submit": "1"})
    assert first["Location"] == second["Location"] == reverse("lessons:exam_result", args=[course.slug, attempt.pk])
    attempt.refresh_from_db()
    assert attempt.submitted_at == submitted_at and attempt.correct_count == EXAM_LENGTH
    assert "Time was up" not in student_client.get(second["Location"]).content.decode()


def test_another_students_attempt_refuses_autosave_with_404(client, outsider, enroll, enrolled, course, exam):
    attempt = services.exam_attempt_start(user=enrolled, exam=exam)
    item = attempt.items.first()
    enroll(outsider)
    client.force_login(outsider)
    url = reverse("lessons:exam_take", args=[course.slug, attempt.pk])
    response = autosave(client, url, {"flags": {str(item.pk): True}})
    assert response.status_code == 404
    item.refresh_from_db()
    assert not item.flagged


def test_autosave_after_the_deadline_says_where_the_result_is(student_client, enrolled, course, exam):
    attempt = services.exam_attempt_start(user=enrolled, exam=exam)
    ExamAttempt.objects.filter(pk=attempt.pk).update(
        started_at=timezone.now() - timedelta(hours=2, seconds=1), deadline=timezone.now() - timedelta(seconds=1)
    )
    item = attempt.items.first()
    url = reverse("lessons:exam_take", args=[course.slug, attempt.pk])
    payload = {"answers": {str(item.pk): item.question.choices.first().pk}, "flags": {str(item.pk): True}}
    response = autosave(student_client, url, payload)
    assert response.status_code == 409
    assert response.json() == {"result_url": reverse("lessons:exam_result", args=[course.slug, attempt.pk])}
    attempt.refresh_from_db()
    item.refresh_from_db()
    assert attempt.is_submitted and not attempt.items.filter(chosen__isnull=False).exists()
    assert not item.flagged
