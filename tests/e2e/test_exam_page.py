"""The practice exam in Chromium, like the FAA's computer test: one question per screen with a
navigator, answers and flags saved as they change and still there after a reload (the URL keeps the
question), a review screen with a confirmed submit, and results that list the missed questions.
Also a lesson quiz with the same rows. Screenshots at 1366 and 390 px, checked with axe-core."""

import re

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from tests.e2e.conftest import log_in, requires_urls, wait_for

pytestmark = [pytest.mark.e2e, requires_urls("lessons:exam_take", "lessons:quiz")]

STUDENT = ("student@bostondroneschool.test", "demo-student-pass-2026")


def enrolled_student(course):
    from enrollments import services as enrollment_services

    student = get_user_model().objects.get(email=STUDENT[0])
    enrollment_services.enrollment_activate(user=student, course=course)
    return student


def test_an_exam_taken_across_a_reload(demo, axe_violations, screenshot):
    from lessons import services
    from lessons.models import ExamAttemptQuestion, PracticeExam

    exam = PracticeExam.objects.select_related("course").first()
    student = enrolled_student(exam.course)
    attempt = services.exam_attempt_start(user=student, exam=exam)
    items = list(attempt.items.select_related("question").order_by("order"))
    total = len(items)

    page = axe_violations.context.new_page()
    log_in(page, *STUDENT)
    page.goto(f"/learn/{exam.course.slug}/exam/{attempt.pk}/")

    # One question on screen, the others hidden; no "Save answers" button for a script user.
    expect(page.locator("#q-1")).to_be_visible()
    expect(page.locator("#q-2")).to_be_hidden()
    expect(page.get_by_role("button", name="Save answers")).to_be_hidden()
    expect(page.locator("#exam-countdown")).to_contain_text("Time left: 1:59")

    # Question 1: the whole row is the target; a click on the text chooses the answer.
    page.locator("#q-1 .exam-choice-text").first.click()
    expect(page.locator(f'[data-nav="{items[0].pk}"]')).to_have_class(re.compile("answered"))
    page.get_by_role("button", name="Next").click()
    expect(page).to_have_url(re.compile("#q-2$"))
    expect(page.locator("#q-2-heading")).to_be_focused()
    expect(page.locator("#exam-announce")).to_have_text(f"Question 2 of {total}")
    expect(page.locator("#exam-status")).to_have_text("All changes saved.")

    # Question 2: answered by keyboard (space on the focused radio) and flagged.
    page.locator("#q-2 input[type=radio]").nth(1).focus()
    page.keyboard.press("Space")
    page.locator("#q-2").get_by_label("Flag for review").check()
    # Question 3 from the navigator: flagged, not answered.
    page.locator('[data-nav][data-order="3"]').click()
    expect(page.locator("#q-3")).to_be_visible()
    page.locator("#q-3").get_by_label("Flag for review").check()
    # Question 4 while the connection is down: kept in the browser, sent once it is back.
    autosave_url = re.compile(rf"/exam/{attempt.pk}/$")

    def drop_posts(route):
        route.abort() if route.request.method == "POST" else route.continue_()

    page.route(autosave_url, drop_posts)
    page.locator('[data-nav][data-order="4"]').click()
    page.locator("#q-4 .exam-choice").nth(2).click()
    expect(page.locator("#exam-status")).to_contain_text("Not saved yet")
    page.unroute(autosave_url)
    page.locator('[data-nav][data-order="2"]').click()

    def saved():
        rows = ExamAttemptQuestion.objects.filter(attempt=attempt, order__lte=4).order_by("order")
        return [(row.chosen_id is not None, row.flagged) for row in rows] == [
            (True, False),
            (True, True),
            (False, True),
            (True, False),
        ]

    wait_for(saved, page)
    screenshot(page, "exam-question")
    assert axe_violations(page) == []

    page.reload()
    # Back on question 2, its answer and flag still there, the navigator showing both.
    expect(page.locator("#q-2")).to_be_visible()
    expect(page.locator("#q-2 input[type=radio]").nth(1)).to_be_checked()
    expect(page.locator("#q-2").get_by_label("Flag for review")).to_be_checked()
    expect(page.locator(f'[data-nav="{items[1].pk}"]')).to_have_class("answered flagged")
    expect(page.locator(f'[data-nav="{items[2].pk}"]')).to_have_class(" flagged")
    expect(page.locator(f'[data-nav="{items[3].pk}"]')).to_have_class("answered")
    expect(page.locator("#q-4 input[type=radio]").nth(2)).to_be_checked()
    expect(page.locator("#exam-answered-count")).to_have_text("3")

    page.get_by_role("link", name="Review and submit").first.click()
    expect(page.locator("#review")).to_be_visible()
    expect(page.locator("#review-heading")).to_be_focused()
    expect(page.locator("#exam-review-counts")).to_have_text(f"3 of {total} answered, 2 flagged.")
    expect(page.locator("#exam-review-list li")).to_have_count(total)
    expect(page.locator("#exam-review-list li").nth(2)).to_have_text("Question 3 Not answered, flagged")
    screenshot(page, "exam-review")
    assert axe_violations(page) == []

    # A question from the review list, then back to the review.
    page.locator("#exam-review-list").get_by_role("link", name=re.compile("^Question 3 ")).click()
    expect(page.locator("#q-3")).to_be_visible()
    expect(page).to_have_url(re.compile("#q-3$"))
    page.get_by_role("link", name="Review and submit").first.click()

    page.get_by_role("button", name="Submit for grading").first.click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text(f"{total - 3} questions are not answered and will be marked wrong.")
    expect(dialog).to_contain_text("2 questions are still flagged for review.")
    expect(dialog.get_by_role("button", name="Keep working")).to_be_focused()
    screenshot(page, "exam-confirm")
    dialog.get_by_role("button", name="Keep working").click()
    expect(dialog).to_be_hidden()
    page.get_by_role("button", name="Submit for grading").first.click()
    dialog.get_by_role("button", name="Submit for grading").click()

    expect(page).to_have_url(re.compile(rf"/exam/{attempt.pk}/result/"))
    expect(page.get_by_role("heading", name="Questions to study")).to_be_visible()
    expect(page.locator(".readiness")).to_contain_text("Not yet")
    unanswered = items[4].question
    expect(page.locator(".exam-missed-item", has_text=unanswered.text).first).to_contain_text("Not answered")
    expect(page.locator(".exam-missed-item", has_text=unanswered.text).first).to_contain_text(unanswered.explanation)
    screenshot(page, "exam-result")
    assert axe_violations(page) == []

    # The overview lists the attempt, its time with the zone, and the readiness estimate.
    page.get_by_role("link", name="Back to the practice exam").click()
    expect(page.locator(".readiness")).to_contain_text("Study next:")
    expect(page.locator("table")).to_contain_text(re.compile(r"\d{1,2}:\d\d [AP]M E[SD]T"))
    screenshot(page, "exam-overview")
    assert axe_violations(page) == []


def test_the_exam_works_without_javascript(demo, new_context):
    from lessons import services
    from lessons.models import PracticeExam

    exam = PracticeExam.objects.select_related("course").first()
    student = enrolled_student(exam.course)
    attempt = services.exam_attempt_start(user=student, exam=exam)
    page = new_context(java_script_enabled=False).new_page()
    log_in(page, *STUDENT)
    page.goto(f"/learn/{exam.course.slug}/exam/{attempt.pk}/")

    # Every question on the page, and the Save / Submit buttons the script would hide.
    expect(page.locator(".exam-question")).to_have_count(attempt.question_count)
    expect(page.locator(f"#q-{attempt.question_count}")).to_be_visible()
    expect(page.locator("#review")).to_be_hidden()
    page.locator("#q-2 .exam-choice").first.click()
    page.locator("#q-3").get_by_label("Flag for review").check()
    page.get_by_role("button", name="Save answers").click()
    expect(page.get_by_text("Answers saved.")).to_be_visible()
    expect(page.locator("#q-2 input[type=radio]").first).to_be_checked()
    expect(page.locator("#q-3").get_by_label("Flag for review")).to_be_checked()
    page.get_by_role("button", name="Submit for grading").click()
    expect(page).to_have_url(re.compile(rf"/exam/{attempt.pk}/result/"))


def test_a_lesson_quiz_with_the_exam_rows(demo, axe_violations, screenshot):
    from lessons.models import Quiz

    quiz = Quiz.objects.get(title="Operating rules check")
    course = quiz.course
    enrolled_student(course)
    page = axe_violations.context.new_page()
    log_in(page, *STUDENT)
    page.goto(f"/learn/{course.slug}/{quiz.lesson.slug}/")
    page.get_by_role("link", name=quiz.title).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(quiz.title)
    screenshot(page, "quiz")
    assert axe_violations(page) == []

    for question in quiz.questions.all():
        right = question.choices.get(is_correct=True)
        page.locator(".exam-choice", has_text=right.text).click()
    page.get_by_role("button", name="Submit answers").click()
    expect(page.locator(".quiz-score")).to_contain_text(f"Passed: {quiz.questions.count()} of")
    expect(page.locator(".exam-choice.is-correct")).to_have_count(quiz.questions.count())
    screenshot(page, "quiz-graded")
    assert axe_violations(page) == []
