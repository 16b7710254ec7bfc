"""Drag-and-drop ordering in the course builder: the order the instructor drops is the order saved.

The theme's sortable inline writes each row's index (0, 1, 2...) into its hidden order field when a
row is dropped; the formset numbers the rows 1, 2, 3... in that order, even when two rows swap
places (the unique (parent, order) constraint never sees two rows on one number).
"""

import pytest
from django.urls import reverse

from lessons.models import Lesson, Material
from tests.courses.admin_forms import course_form_data, lesson_form_data, section_form_data

pytestmark = pytest.mark.django_db


def change_url(obj) -> str:
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])


def dropped(data: dict, prefix: str, indexes: list[int]) -> dict:
    """What the browser posts after a drag: row i of the formset now sits at indexes[i]."""
    return data | {f"{prefix}-{row}-order": str(index) for row, index in enumerate(indexes)}


@pytest.fixture
def course(make_course, ian):
    return make_course(title="Builder course", instructors=[ian], sections=3, lessons_per_section=3)


def titles(queryset) -> list[str]:
    return list(queryset.order_by("order").values_list("title", flat=True))


def test_the_course_builder_offers_sortable_sections_with_a_hidden_order(client, ian, course):
    client.force_login(ian.user)
    html = client.get(change_url(course)).content.decode()

    assert 'data-ordering-field="order"' in html and "x-sort.ghost" in html  # the theme's sortable table
    assert 'name="sections-0-order"' in html  # the position is still posted, by the drag, not typed
    assert 'name="sections-3-title"' not in html  # no blank row that a drag would renumber
    assert 'aria-hidden="true">drag_indicator</span>' in html  # the handle's icon is not read aloud
    assert 'aria-label="Title (section)"' in html  # each row's inputs are named for screen readers


def test_sections_swapped_by_a_drag_are_saved_in_the_dropped_order(client, ian, course):
    client.force_login(ian.user)
    first, second, third = course.sections.order_by("order")

    # The third section dragged to the top: rows 0, 1, 2 of the formset now sit at 1, 2, 0.
    response = client.post(change_url(course), dropped(course_form_data(course), "sections", [1, 2, 0]))

    assert response.status_code == 302, response.context and response.context["inline_admin_formsets"][0].formset.errors
    assert titles(course.sections) == [third.title, first.title, second.title]
    assert list(course.sections.order_by("order").values_list("order", flat=True)) == [1, 2, 3]


def test_lessons_reversed_by_drags_are_saved_reversed(client, ian, course):
    client.force_login(ian.user)
    section = course.sections.order_by("order").first()
    before = titles(section.lessons)

    response = client.post(change_url(section), dropped(section_form_data(section), "lessons", [2, 1, 0]))

    assert response.status_code == 302, response.context and response.context["inline_admin_formsets"][0].formset.errors
    assert titles(section.lessons) == before[::-1]


def test_a_deleted_and_an_added_row_keep_every_position_distinct(client, ian, course):
    client.force_login(ian.user)
    section = course.sections.order_by("order").first()
    first, second, third = section.lessons.order_by("order")
    data = section_form_data(section) | {"lessons-1-DELETE": "on"}
    # A new lesson added with "Add another" and not dragged: its order stays the initial 0.
    data |= {
        "lessons-TOTAL_FORMS": "4",
        "lessons-3-section": str(section.pk),
        "lessons-3-order": "0",
        "lessons-3-title": "Added last",
        "lessons-3-slug": "added-last",
        "lessons-3-duration_seconds": "60",
        "lessons-3-is_required": "on",
    }

    response = client.post(change_url(section), data)

    assert response.status_code == 302, response.context and response.context["inline_admin_formsets"][0].formset.errors
    assert list(section.lessons.order_by("order").values_list("title", "order")) == [
        (first.title, 1),
        (third.title, 2),
        ("Added last", 3),
    ]
    assert not Lesson.objects.filter(pk=second.pk).exists()


def test_materials_are_sortable_on_the_lesson_page(client, ian, course):
    client.force_login(ian.user)
    lesson = Lesson.objects.filter(section__course=course).order_by("section__order", "order").first()
    for order, title in enumerate(["Checklist", "Airspace map"], start=1):
        Material.objects.create(lesson=lesson, title=title, order=order, file="materials/x.pdf", size_bytes=10)

    html = client.get(change_url(lesson)).content.decode()
    assert 'data-ordering-field="order"' in html.split('id="materials-group"')[1]
    response = client.post(change_url(lesson), dropped(lesson_form_data(lesson), "materials", [1, 0]))

    assert response.status_code == 302, response.context and response.context["inline_admin_formsets"][0].formset.errors
    assert titles(lesson.materials) == ["Airspace map", "Checklist"]
