"""Read the demo school's YAML files (bds/demo/data/) into checked dicts for `seed_demo`.

Every file is checked against a small schema and every cross-reference (a course's category and
instructors, a lesson's materials, a session's course and site) is resolved here, so a typo in the
data stops the command before it writes anything, with the file and the key at fault:

    bds/demo/data/courses/02-part-107-remote-pilot-exam-prep.yaml: sections[0].lessons[1]: missing 'minutes'
"""

import re
from dataclasses import dataclass
from datetime import time
from decimal import Decimal, InvalidOperation
from pathlib import Path

import yaml
from django.utils.text import slugify

from courses.models import Course
from lessons.models import KnowledgeArea

DATA_DIR = Path(__file__).resolve().parent / "data"
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # the C parser when libyaml is present


class DemoDataError(ValueError):
    """Malformed demo data; the message starts with the file and the key."""


@dataclass(frozen=True)
class DemoSchool:
    categories: list[dict]
    staff: dict
    student: dict
    instructor_password: str
    instructors: list[dict]
    materials: dict[str, dict]
    courses: list[dict]  # in file-name order; each lesson carries its resolved "slug"
    sites: dict[str, dict]
    waiver: str
    flight_sessions: dict[str, list[dict]]  # by course slug; "starts" is a datetime.time
    questions: list[dict]
    quizzes: list[dict]  # each with a "course" slug and a "lesson" slug or a 1-based "section"


# A schema maps each key to its type, a nested schema (dict) or a list of one (one-item list).
# A key ending in "?" is optional. Unknown keys are errors: a misspelt optional key would
# otherwise be ignored without a word.
TEXT, NUMBER = str, (str, int)
LOGIN = {"email": TEXT, "full_name": TEXT, "password": TEXT}
SCHEMAS: dict[str, dict] = {
    "categories.yaml": {
        "categories": [
            {"slug": TEXT, "name": TEXT, "description": TEXT, "order": int, "cover_colours": [TEXT]},
        ]
    },
    "people.yaml": {
        "staff": LOGIN,
        "student": LOGIN,
        "instructor_password": TEXT,
        "instructors": [
            {
                "email": TEXT,
                "full_name": TEXT,
                "faa_certificate_number": TEXT,
                "faa_certificate_type": TEXT,
                "years_flying": int,
                "headline": TEXT,
                "bio": TEXT,
            }
        ],
    },
    "materials.yaml": {
        "materials": {"*": {"title": TEXT, "intro": TEXT, "sections": [{"heading": TEXT, "items": [TEXT]}]}}
    },
    "course": {
        "slug": TEXT,
        "title": TEXT,
        "category": TEXT,
        "level": TEXT,
        "format": TEXT,
        "price": NUMBER,
        "estimated_hours": NUMBER,
        "status?": TEXT,
        "is_featured?": bool,
        "prerequisites?": [TEXT],
        "instructors": [TEXT],
        "summary": TEXT,
        "description": TEXT,
        "sections": [
            {
                "title": TEXT,
                "lessons": [{"slug?": TEXT, "title": TEXT, "minutes": int, "materials?": [TEXT], "body": TEXT}],
            }
        ],
    },
    "flight_sessions.yaml": {
        "sites": {"*": {"location_name": TEXT, "location_address": TEXT}},
        "waiver": TEXT,
        "sessions": {
            "*": [
                {
                    "days_after_first_saturday": int,
                    "starts": TEXT,
                    "hours": int,
                    "capacity": int,
                    "instructors": [TEXT],
                    "site": TEXT,
                    "notes": TEXT,
                }
            ]
        },
    },
    "practice_exam.yaml": {
        "questions": [
            {"key": TEXT, "area": TEXT, "question": TEXT, "choices": [TEXT], "correct": TEXT, "explanation": TEXT}
        ]
    },
    "quizzes.yaml": {
        "quizzes": [
            {
                "title": TEXT,
                "course": TEXT,
                "lesson?": TEXT,
                "section?": int,
                "questions": [{"question": TEXT, "choices": [TEXT], "correct": TEXT, "explanation": TEXT}],
            }
        ]
    },
}


def demo_school_load(data_dir: Path = DATA_DIR) -> DemoSchool:
    """All of the demo data, checked. Raises DemoDataError naming the file and key at fault."""
    files = {name: _read(data_dir / name) for name in SCHEMAS if name.endswith(".yaml")}
    course_paths = sorted((data_dir / "courses").glob("*.yaml"))
    courses = [(path, _read(path, SCHEMAS["course"])) for path in course_paths]
    for path, course in courses:
        _course_check(path, course, files)
    _lesson_slugs_check(courses)
    flights = files["flight_sessions.yaml"]
    sessions = _sessions_check(data_dir / "flight_sessions.yaml", flights, files, [c for _p, c in courses])
    _questions_check(data_dir / "practice_exam.yaml", files["practice_exam.yaml"]["questions"])
    _quizzes_check(data_dir / "quizzes.yaml", files["quizzes.yaml"]["quizzes"], [c for _p, c in courses])
    people = files["people.yaml"]
    for person in people["instructors"]:
        person["bio"] = _prose(person["bio"])
    for course_sessions in sessions.values():
        for session in course_sessions:
            session["notes"] = _prose(session["notes"])
    return DemoSchool(
        categories=files["categories.yaml"]["categories"],
        staff=people["staff"],
        student=people["student"],
        instructor_password=people["instructor_password"],
        instructors=people["instructors"],
        materials=files["materials.yaml"]["materials"],
        courses=[course for _path, course in courses],
        sites=flights["sites"],
        waiver=_prose(flights["waiver"]),
        flight_sessions=sessions,
        questions=files["practice_exam.yaml"]["questions"],
        quizzes=files["quizzes.yaml"]["quizzes"],
    )


def _prose(text: str) -> str:
    """Plain paragraphs (bios, notes, the waiver) are shown with their line breaks kept, so the
    file's wrapped lines are joined: one line per paragraph, a blank line between them."""
    paragraphs = text.strip().split("\n\n")
    return "\n\n".join(" ".join(line.strip() for line in paragraph.splitlines()) for paragraph in paragraphs)


def _read(path: Path, schema: dict | None = None):
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)  # noqa: S506 - a safe loader
    except OSError as error:
        raise DemoDataError(f"{path}: cannot read ({error.strerror})") from error
    except yaml.YAMLError as error:
        raise DemoDataError(f"{path}: not valid YAML: {error}") from error
    _check(path, data, schema or SCHEMAS[path.name], "")
    return data


def _check(path: Path, value, schema, where: str) -> None:
    here = where or "top level"
    if isinstance(schema, dict):
        if not isinstance(value, dict):
            raise DemoDataError(f"{path}: {here}: expected a mapping, got {type(value).__name__}")
        if "*" in schema:  # a mapping of names to entries of one shape
            for key, item in value.items():
                _check(path, item, schema["*"], f"{where}.{key}" if where else str(key))
            return
        keys = {key.rstrip("?"): key for key in schema}
        for key in value:
            if key not in keys:
                raise DemoDataError(f"{path}: {here}: unknown key {key!r} (expected one of {', '.join(keys)})")
        for name, key in keys.items():
            if name in value:
                _check(path, value[name], schema[key], f"{where}.{name}" if where else name)
            elif not key.endswith("?"):
                raise DemoDataError(f"{path}: {here}: missing {name!r}")
    elif isinstance(schema, list):
        if not isinstance(value, list) or not value:
            raise DemoDataError(f"{path}: {here}: expected a non-empty list")
        for index, item in enumerate(value):
            _check(path, item, schema[0], f"{where}[{index}]")
    elif not isinstance(value, schema) or isinstance(value, bool) and schema is not bool:
        expected = " or ".join(t.__name__ for t in schema) if isinstance(schema, tuple) else schema.__name__
        raise DemoDataError(f"{path}: {here}: expected {expected}, got {value!r}")


def _course_check(path: Path, course: dict, files: dict) -> None:
    def fail(key: str, problem: str):
        raise DemoDataError(f"{path}: {key}: {problem}")

    choices = {"level": Course.Level.values, "format": Course.Format.values, "status": Course.Status.values}
    for key, allowed in choices.items():
        if key in course and course[key] not in allowed:
            fail(key, f"{course[key]!r} is not one of {', '.join(allowed)}")
    for key in ("price", "estimated_hours"):
        try:
            course[key] = Decimal(str(course[key]))
        except InvalidOperation:
            fail(key, f"{course[key]!r} is not a number")
    if course["category"] not in {category["slug"] for category in files["categories.yaml"]["categories"]}:
        fail("category", f"no category {course['category']!r} in categories.yaml")
    emails = {person["email"] for person in files["people.yaml"]["instructors"]}
    for index, email in enumerate(course["instructors"]):
        if email not in emails:
            fail(f"instructors[{index}]", f"no instructor {email!r} in people.yaml")
    for s, section in enumerate(course["sections"]):
        for n, lesson in enumerate(section["lessons"]):
            lesson["slug"] = lesson.get("slug") or slugify(lesson["title"])[:140]
            for m, key in enumerate(lesson.get("materials", [])):
                if key not in files["materials.yaml"]["materials"]:
                    fail(f"sections[{s}].lessons[{n}].materials[{m}]", f"no material {key!r} in materials.yaml")


def _lesson_slugs_check(courses: list[tuple[Path, dict]]) -> None:
    # Lesson slugs are unique school-wide; a clash would silently move a lesson between courses.
    seen: dict[str, Path] = {}
    slugs = {course["slug"] for _path, course in courses}
    for path, course in courses:
        for slug in course.get("prerequisites", []):
            if slug not in slugs:
                raise DemoDataError(f"{path}: prerequisites: no course {slug!r} in courses/")
        for section in course["sections"]:
            for lesson in section["lessons"]:
                if lesson["slug"] in seen:
                    raise DemoDataError(
                        f"{path}: lesson {lesson['title']!r}: its slug {lesson['slug']!r} is also used in "
                        f"{seen[lesson['slug']].name}; give one an explicit 'slug'"
                    )
                seen[lesson["slug"]] = path


def _sessions_check(path: Path, flights: dict, files: dict, courses: list[dict]) -> dict[str, list[dict]]:
    slugs = {course["slug"] for course in courses}
    emails = {person["email"] for person in files["people.yaml"]["instructors"]}
    for slug, sessions in flights["sessions"].items():
        if slug not in slugs:
            raise DemoDataError(f"{path}: sessions.{slug}: no course with that slug in courses/")
        for index, session in enumerate(sessions):
            where = f"sessions.{slug}[{index}]"
            if session["site"] not in flights["sites"]:
                raise DemoDataError(f"{path}: {where}.site: no site {session['site']!r} under 'sites'")
            if not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", session["starts"]):
                raise DemoDataError(f"{path}: {where}.starts: {session['starts']!r} is not a quoted 24-hour HH:MM")
            session["starts"] = time.fromisoformat(session["starts"])
            for email in session["instructors"]:
                if email not in emails:
                    raise DemoDataError(f"{path}: {where}.instructors: no instructor {email!r} in people.yaml")
    return flights["sessions"]


def _questions_check(path: Path, questions: list[dict]) -> None:
    keys: set[str] = set()
    for index, question in enumerate(questions):
        where = f"questions[{index}] ({question['key']})"
        if question["key"] in keys:
            raise DemoDataError(f"{path}: {where}: the key is used twice")
        keys.add(question["key"])
        if question["area"] not in KnowledgeArea.values:
            raise DemoDataError(f"{path}: {where}.area: {question['area']!r} is not one of {KnowledgeArea.values}")
        if len(question["choices"]) != 3 or question["correct"] not in ("A", "B", "C"):
            raise DemoDataError(f"{path}: {where}: needs three choices and 'correct' A, B or C")


def _quizzes_check(path: Path, quizzes: list[dict], courses: list[dict]) -> None:
    by_slug = {course["slug"]: course for course in courses}
    for index, quiz in enumerate(quizzes):
        where = f"quizzes[{index}] ({quiz['title']})"
        course = by_slug.get(quiz["course"])
        if course is None:
            raise DemoDataError(f"{path}: {where}.course: no course {quiz['course']!r} in courses/")
        if ("lesson" in quiz) == ("section" in quiz):
            raise DemoDataError(f"{path}: {where}: give either 'lesson' or 'section', not both or neither")
        lessons = {lesson["slug"] for section in course["sections"] for lesson in section["lessons"]}
        if "lesson" in quiz and quiz["lesson"] not in lessons:
            raise DemoDataError(f"{path}: {where}.lesson: no lesson {quiz['lesson']!r} in {quiz['course']}")
        if "section" in quiz and not 1 <= quiz["section"] <= len(course["sections"]):
            raise DemoDataError(f"{path}: {where}.section: {quiz['course']} has {len(course['sections'])} sections")
        for number, question in enumerate(quiz["questions"]):
            if len(question["choices"]) != 3 or question["correct"] not in ("A", "B", "C"):
                raise DemoDataError(f"{path}: {where}.questions[{number}]: needs three choices and 'correct' A, B or C")
