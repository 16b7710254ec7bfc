"""The demo school's data files (bds/demo/data/) and the loader that checks them: a mistake in the
YAML is reported with the file and the key, before seed_demo writes anything."""

import shutil
from datetime import time

import pytest

from bds.demo.loader import DATA_DIR, DemoDataError, demo_school_load


@pytest.fixture
def data(tmp_path):
    """A writable copy of the real data, to break one thing at a time."""
    copy = tmp_path / "data"
    shutil.copytree(DATA_DIR, copy)
    return copy


def edit(path, old, new):
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new, 1))


def load_error(data) -> str:
    with pytest.raises(DemoDataError) as raised:
        demo_school_load(data)
    return str(raised.value)


def test_the_shipped_data_loads():
    school = demo_school_load()
    assert len(school.courses) == 9 and len(school.questions) == 164
    assert school.flight_sessions["fpv-flight-fundamentals"][0]["starts"] == time(10)
    assert all(lesson["slug"] for course in school.courses for s in course["sections"] for lesson in s["lessons"])


def test_an_unknown_key_is_named_with_its_place(data):
    edit(data / "people.yaml", "  faa_certificate_number:", "  faa_certificate:")
    message = load_error(data)
    assert message.startswith(f"{data / 'people.yaml'}: instructors[0]: unknown key 'faa_certificate'")


def test_a_wrong_type_is_named(data):
    edit(data / "courses/07-fpv-flight-fundamentals.yaml", "minutes: ", "minutes: ten")
    message = load_error(data)
    assert "07-fpv-flight-fundamentals.yaml: sections[0].lessons[0].minutes: expected int, got 'ten" in message


def test_an_unquoted_time_is_caught_not_read_as_minutes(data):
    # YAML 1.1 reads 13:00 as the sexagesimal number 780.
    edit(data / "flight_sessions.yaml", 'starts: "13:00"', "starts: 13:00")
    message = load_error(data)
    assert "flight_sessions.yaml: sessions.aerial-photography-and-video-fundamentals[2].starts: expected str" in message


def test_a_reference_to_a_missing_category_instructor_or_material_is_named(data):
    course = data / "courses/05-drone-mapping-and-photogrammetry.yaml"
    edit(course, "category: mapping-surveying", "category: mapping")
    assert "05-drone-mapping-and-photogrammetry.yaml: category: no category 'mapping'" in load_error(data)
    edit(course, "category: mapping", "category: mapping-surveying")
    edit(course, "- priya.natarajan@bostondroneschool.test", "- priya@bostondroneschool.test")
    assert "instructors[0]: no instructor 'priya@bostondroneschool.test' in people.yaml" in load_error(data)


def test_two_lessons_with_one_slug_are_refused(data):
    edit(data / "courses/01-fly-safe-drone-basics.yaml", "title: Flying for fun or for work", "title: Simulator first")
    message = load_error(data)
    assert "its slug 'simulator-first' is also used in" in message


def test_a_level_outside_the_models_choices_is_refused(data):
    edit(data / "courses/01-fly-safe-drone-basics.yaml", "level: beginner", "level: novice")
    assert "01-fly-safe-drone-basics.yaml: level: 'novice' is not one of beginner" in load_error(data)


def test_broken_yaml_names_the_file(data):
    (data / "materials.yaml").write_text("materials: [unclosed\n")
    assert load_error(data).startswith(f"{data / 'materials.yaml'}: not valid YAML")


def test_a_quiz_on_a_lesson_of_another_course_is_named(data):
    edit(data / "quizzes.yaml", "  lesson: part-107-operating-rules", "  lesson: flying-for-fun-or-for-work")
    message = load_error(data)
    assert message.startswith(f"{data / 'quizzes.yaml'}: quizzes[0] (Operating rules check).lesson: no lesson")


def test_a_quiz_needs_exactly_one_home(data):
    edit(
        data / "quizzes.yaml", "  lesson: part-107-operating-rules", "  lesson: part-107-operating-rules\n  section: 1"
    )
    assert "give either 'lesson' or 'section'" in load_error(data)
