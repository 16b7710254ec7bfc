"""Course authoring in admin: instructors work only on the courses they teach; staff see everything."""

import re

import pytest
from django.contrib.auth.models import Permission
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from courses.models import Course, Section
from lessons.models import Lesson, Material
from tests.courses.admin_forms import course_form_data, lesson_form_data, section_form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def ians_course(make_course, make_material, ian):
    course = make_course(title="Ian's Part 107 Prep", instructors=[ian], sections=1, lessons_per_section=1)
    make_material(Lesson.objects.get(section__course=course), title="Ian's checklist")
    return course


@pytest.fixture
def adas_course(make_course, make_material, ada):
    course = make_course(
        title="Ada's Mapping Course", instructors=[ada], sections=1, lessons_per_section=1, status="draft"
    )
    make_material(Lesson.objects.get(section__course=course), title="Ada's flight plan")
    return course


def objects_of(course):
    section = course.sections.get()
    lesson = section.lessons.get()
    return {"course": course, "section": section, "lesson": lesson, "material": lesson.materials.get()}


def change_url(obj) -> str:
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])


CHANGELISTS = {
    "courses_course": "course",
    "courses_section": "section",
    "lessons_lesson": "lesson",
}


def test_instructor_changelists_show_only_their_own_courses(client, ian, ians_course, adas_course):
    client.force_login(ian.user)
    mine, theirs = objects_of(ians_course), objects_of(adas_course)
    for url_name, key in CHANGELISTS.items():
        response = client.get(reverse(f"admin:{url_name}_changelist"))
        assert response.status_code == 200, url_name
        listed = list(response.context["cl"].result_list)
        assert listed == [mine[key]], url_name
        assert theirs[key] not in listed
        assert "Ada&#x27;s" not in response.content.decode(), url_name  # not even in a list filter


@pytest.mark.parametrize("key", ["course", "section", "lesson"])
def test_instructor_cannot_open_change_or_delete_another_instructors_objects(
    client, ian, ians_course, adas_course, key
):
    client.force_login(ian.user)
    theirs = objects_of(adas_course)[key]
    opts = theirs._meta
    assert client.get(change_url(theirs)).status_code == 404
    delete_url = reverse(f"admin:{opts.app_label}_{opts.model_name}_delete", args=[theirs.pk])
    assert client.get(delete_url).status_code == 404
    assert client.post(delete_url, {"post": "yes"}).status_code == 404
    assert type(theirs).objects.filter(pk=theirs.pk).exists()
    history_url = reverse(f"admin:{opts.app_label}_{opts.model_name}_history", args=[theirs.pk])
    assert client.get(history_url).status_code in (403, 404)


def test_instructor_cannot_change_another_instructors_course_by_post(client, ian, adas_course):
    client.force_login(ian.user)
    response = client.post(change_url(adas_course), course_form_data(adas_course, title="Hijacked"))
    assert response.status_code == 404
    adas_course.refresh_from_db()
    assert adas_course.title == "Ada's Mapping Course"


def test_instructor_cannot_see_another_instructors_materials(client, ian, ians_course, adas_course):
    client.force_login(ian.user)
    response = client.get(change_url(objects_of(ians_course)["lesson"]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Ian&#x27;s checklist" in html
    assert "Ada&#x27;s flight plan" not in html
    assert client.get(change_url(objects_of(adas_course)["lesson"])).status_code == 404


def test_instructor_choices_are_limited_to_their_own_courses_and_sections(client, ian, ians_course, adas_course):
    client.force_login(ian.user)
    section_form = client.get(reverse("admin:courses_section_add")).context["adminform"].form
    assert list(section_form.fields["course"].queryset) == [ians_course]
    lesson_add = client.get(reverse("admin:lessons_lesson_add"))
    lesson_form = lesson_add.context["adminform"].form
    assert list(lesson_form.fields["section"].queryset) == [objects_of(ians_course)["section"]]
    # Section titles repeat across courses, so the choices name the course too.
    assert "Ian&#x27;s Part 107 Prep › Section 1 of Ian&#x27;s Part 107 Prep</option>" in lesson_add.content.decode()

    # Forcing another instructor's section into the POST is a form error, not a new lesson there.
    adas_section = objects_of(adas_course)["section"]
    response = client.post(
        reverse("admin:lessons_lesson_add"),
        lesson_form_data(Lesson(section=adas_section, title="Sneaky", slug="sneaky", order=5)),
    )
    assert response.status_code == 200
    assert "section" in response.context["adminform"].form.errors
    assert not Lesson.objects.filter(slug="sneaky").exists()


def test_instructor_who_creates_a_course_teaches_it(client, ian, category):
    client.force_login(ian.user)
    draft = Course(title="New Course", slug="new-course", summary="Fresh.", category=category)
    response = client.post(reverse("admin:courses_course_add"), course_form_data(draft, is_featured="on"))
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    course = Course.objects.get(slug="new-course")
    assert list(course.instructors.all()) == [ian]
    assert course.is_featured is False  # featuring is for staff
    assert course.status == Course.Status.DRAFT
    # And it appears in their list, and they can open it.
    assert client.get(change_url(course)).status_code == 200


def test_instructor_cannot_remove_themselves_from_their_course(client, ian, ada, ians_course):
    client.force_login(ian.user)
    data = course_form_data(ians_course, instructors=[str(ada.pk)])
    assert client.post(change_url(ians_course), data).status_code == 302
    assert set(ians_course.instructors.all()) == {ian, ada}


def test_publishing_in_admin_stamps_the_date(client, ian, adas_course, ada):
    client.force_login(ada.user)
    assert client.post(change_url(adas_course), course_form_data(adas_course, status="published")).status_code == 302
    adas_course.refresh_from_db()
    assert adas_course.status == Course.Status.PUBLISHED
    assert adas_course.published_at is not None


@pytest.mark.parametrize("persona", ["school_staff", "staff"])
def test_staff_see_and_change_everything(client, request, ians_course, adas_course, persona):
    client.force_login(request.getfixturevalue(persona))
    for url_name, key in CHANGELISTS.items():
        listed = set(client.get(reverse(f"admin:{url_name}_changelist")).context["cl"].result_list)
        assert listed == {objects_of(ians_course)[key], objects_of(adas_course)[key]}
    for key in ("course", "section", "lesson"):
        assert client.get(change_url(objects_of(adas_course)[key])).status_code == 200
    response = client.post(change_url(adas_course), course_form_data(adas_course, is_featured="on"))
    assert response.status_code == 302
    adas_course.refresh_from_db()
    assert adas_course.is_featured is True


def view_on_site_link(url: str) -> re.Pattern:
    """The theme's "View on site" object tool: a link to the page, opened in a new tab."""
    return re.compile(rf'<a href="{re.escape(url)}"[^>]*target="_blank"[^>]*>(?:(?!</a>).)*View on site', re.S)


def test_course_change_page_has_preview_on_site_link_and_section_inline(client, ian, ians_course):
    client.force_login(ian.user)
    html = client.get(change_url(ians_course)).content.decode()
    assert view_on_site_link(ians_course.get_absolute_url()).search(html)
    assert 'name="sections-0-order"' in html  # the position, set by dragging the row (test_admin_ordering.py)
    assert "Section 1 of Ian&#x27;s Part 107 Prep" in html


def test_preview_on_site_opens_the_draft_for_its_instructor(client, ada, adas_course):
    client.force_login(ada.user)
    html = client.get(change_url(adas_course)).content.decode()
    assert view_on_site_link(adas_course.get_absolute_url()).search(html)
    response = client.get(adas_course.get_absolute_url())
    assert response.status_code == 200
    assert "<strong>Draft:</strong> only instructors and staff can see this page." in response.content.decode()


def test_sections_and_lessons_edited_inline_with_explicit_order(client, ian, ians_course):
    client.force_login(ian.user)
    section = objects_of(ians_course)["section"]
    lesson = objects_of(ians_course)["lesson"]
    data = section_form_data(section, title="Renamed section")
    data["lessons-0-order"] = "5"
    data |= {
        "lessons-TOTAL_FORMS": "2",
        "lessons-1-order": "2",
        "lessons-1-title": "Brand new lesson",
        "lessons-1-slug": "brand-new-lesson",
        "lessons-1-duration_seconds": "90",
        "lessons-1-is_required": "on",
        "lessons-1-section": str(section.pk),
    }
    response = client.post(change_url(section), data)
    assert response.status_code == 302, response.context and response.context["inline_admin_formsets"][0].formset.errors
    assert list(section.lessons.order_by("order").values_list("title", flat=True)) == [
        "Brand new lesson",
        lesson.title,
    ]
    section.refresh_from_db()
    assert section.title == "Renamed section"


def test_video_and_material_uploads_go_to_private_storage(client, ian, ians_course, settings):
    client.force_login(ian.user)
    lesson = objects_of(ians_course)["lesson"]
    data = lesson_form_data(lesson)
    data |= {
        "video": SimpleUploadedFile("intro.mp4", b"\x00\x00\x00\x18ftypmp42" + b"0" * 100, content_type="video/mp4"),
        "materials-TOTAL_FORMS": "2",
        "materials-1-order": "2",
        "materials-1-title": "Sectional chart",
        "materials-1-file": SimpleUploadedFile("chart.pdf", b"%PDF-1.4 chart" * 10, content_type="application/pdf"),
        "materials-1-lesson": str(lesson.pk),
    }
    response = client.post(change_url(lesson), data)
    assert response.status_code == 302, response.context and response.context["inline_admin_formsets"][0].formset.errors
    lesson.refresh_from_db()
    private = storages["private"]
    assert lesson.video.name.startswith("videos/intro")
    assert private.exists(lesson.video.name)
    material = Material.objects.get(title="Sectional chart")
    assert private.exists(material.file.name)
    assert material.size_bytes == len(b"%PDF-1.4 chart" * 10)
    assert not storages["default"].exists(material.file.name)  # never in public media
    assert str(private.path(material.file.name)).startswith(str(settings.STORAGES["private"]["OPTIONS"]["location"]))


def test_instructor_edits_only_their_own_profile(client, ian, ada, instructors_group):
    instructors_group.permissions.add(
        *Permission.objects.filter(
            codename__in=["view_instructor", "change_instructor"], content_type__app_label="courses"
        )
    )
    client.force_login(ian.user)
    listed = list(client.get(reverse("admin:courses_instructor_changelist")).context["cl"].result_list)
    assert listed == [ian]
    assert client.get(change_url(ada)).status_code == 404
    assert client.get(change_url(ian)).status_code == 200


def test_section_change_link_from_course_inline(client, ian, ians_course):
    client.force_login(ian.user)
    section = Section.objects.get(course=ians_course)
    assert change_url(section) in client.get(change_url(ians_course)).content.decode()


def test_admin_changelists_do_not_run_a_query_per_row(client, make_course, ian, school_staff):
    def queries(url_name) -> int:
        with CaptureQueriesContext(connection) as context:
            assert client.get(reverse(f"admin:{url_name}_changelist")).status_code == 200
        return len(context.captured_queries)

    make_course(title="First", instructors=[ian], sections=1, lessons_per_section=1)
    for user in (ian.user, school_staff):
        client.force_login(user)
        small = {url_name: queries(url_name) for url_name in CHANGELISTS}
        for n in range(10):
            make_course(title=f"More {n}", instructors=[ian], sections=2, lessons_per_section=2)
        large = {url_name: queries(url_name) for url_name in CHANGELISTS}
        assert large == small


def test_change_forms_do_not_run_a_query_per_row(client, make_course, make_instructor, ian):
    def queries(obj) -> int:
        with CaptureQueriesContext(connection) as context:
            assert client.get(change_url(obj)).status_code == 200
        return len(context.captured_queries)

    client.force_login(ian.user)
    small = make_course(title="Small", instructors=[ian], sections=1, lessons_per_section=1)
    baseline = {"course": queries(small), "section": queries(small.sections.get())}
    others = [make_instructor(f"Co-teacher {n}", f"co{n}@example.com") for n in range(5)]
    large = make_course(title="Large", instructors=[ian, *others], sections=6, lessons_per_section=6)
    large.prerequisites.add(small, *[make_course(title=f"Before {n}") for n in range(5)])
    assert queries(large) <= baseline["course"]
    assert queries(large.sections.first()) <= baseline["section"]


def test_course_changelist_links_to_the_preview(client, ian, ians_course):
    client.force_login(ian.user)
    html = client.get(reverse("admin:courses_course_changelist")).content.decode()
    assert f'<a href="{ians_course.get_absolute_url()}">Preview on site</a>' in html
