""" "Students who took this course also took": co-occurrence counts, cached, and the template tag."""

import pytest
from django.core.cache import cache
from django.template import Context, Template

from courses.models import Course
from enrollments import reports
from enrollments.models import Enrollment


def test_also_took_ranks_courses_by_shared_students(make_course, make_student, make_enrollment):
    prep, practical, thermal, mapping = (make_course(t) for t in ("Prep", "Practical", "Thermal", "Mapping"))
    for number in range(3):
        student = make_student()
        make_enrollment(student, prep)
        make_enrollment(student, practical)
        if number == 0:
            make_enrollment(student, thermal)
    refunded = make_student()
    make_enrollment(refunded, prep)
    make_enrollment(refunded, mapping, status=Enrollment.Status.REFUNDED)  # not "took"

    table = reports.also_took_refresh()

    assert table[prep.pk] == [(practical.pk, 3), (thermal.pk, 1)]
    assert [course.title for course in reports.also_took(prep)] == ["Practical", "Thermal"]
    assert mapping.pk not in table


def test_tag_renders_from_the_cache_and_hides_unpublished(make_course, make_student, make_enrollment):
    prep, practical, draft = make_course("Prep"), make_course("Practical"), make_course("Secret draft")
    Course.objects.filter(pk=draft.pk).update(status=Course.Status.DRAFT)
    student = make_student()
    for course in (prep, practical, draft):
        make_enrollment(student, course)
    reports.also_took_refresh()
    make_enrollment(make_student(), make_course("Added after the job ran"))

    html = Template("{% load recommendations %}{% also_took course %}").render(Context({"course": prep}))

    assert "Students who took this course also took" in html
    assert "Practical" in html and practical.get_absolute_url() in html
    assert "Secret draft" not in html
    assert cache.get(reports.ALSO_TOOK_CACHE_KEY) is not None


def test_tag_renders_nothing_without_recommendations(make_course):
    html = Template("{% load recommendations %}{% also_took course %}").render(Context({"course": make_course("Solo")}))
    assert html.strip() == ""


def test_a_missing_table_is_queued_once_for_the_worker_never_computed_by_the_page(
    make_course, make_student, make_enrollment, monkeypatch
):
    """A burst of course pages finding the table missing queues one refresh and shows nothing
    meanwhile: the page itself never reads every enrollment (bench/PROFILE.md)."""
    from enrollments import tasks

    prep, practical = make_course("Prep"), make_course("Practical")
    student = make_student()
    make_enrollment(student, prep)
    make_enrollment(student, practical)
    queued = []
    monkeypatch.setattr(tasks.also_took_refresh_task, "delay", lambda: queued.append(1))
    monkeypatch.setattr(reports, "also_took_compute", lambda **kwargs: pytest.fail("computed in the request"))
    for _ in range(3):
        assert reports.also_took(prep) == []
    assert queued == [1]
    monkeypatch.undo()
    tasks.also_took_refresh_task()  # what the worker runs
    assert [course.title for course in reports.also_took(prep)] == ["Practical"]
    assert cache.get(reports.ALSO_TOOK_REFRESH_QUEUED_KEY) is None  # the next miss may queue again
