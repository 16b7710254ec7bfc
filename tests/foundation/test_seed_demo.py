"""The demo school (`manage.py seed_demo`): believable, idempotent, and its printed logins work."""

import functools
import io
import re
import shutil
import struct
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from accounts.groups import GROUP_PERMISSIONS
from bds.demo.files import DEMO_CLIPS
from bds.demo.loader import DATA_DIR, demo_school_load
from bds.management.commands import seed_demo
from courses.models import Category, Course, Instructor, Section
from enrollments.models import Enrollment
from flights.models import FlightSession, Waiver
from lessons.models import ExamChoice, ExamQuestion, Lesson, Material, PracticeExam, Quiz, QuizChoice, QuizQuestion

pytestmark = pytest.mark.django_db

LOGIN_LINE = re.compile(r"^\s+(staff|instructor|student)\s+(\S+@\S+) / (\S+)(?:\s+\(.*\))?$", re.MULTILINE)


@pytest.fixture(autouse=True)
def _covers_once(monkeypatch):
    monkeypatch.setattr(seed_demo, "cover_png", functools.cache(seed_demo.cover_png))


def seed(*args) -> str:
    out = io.StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def row_counts() -> dict[str, int]:
    models = [Category, Course, Section, Lesson, Material, Instructor, FlightSession, EmailAddress, Group, Quiz]
    models += [QuizQuestion, QuizChoice]
    counts = {model.__name__: model.objects.count() for model in models + [get_user_model()]}
    counts["prerequisites"] = Course.prerequisites.through.objects.count()
    counts["course instructors"] = Course.instructors.through.objects.count()
    return counts


def stored_files(settings) -> list[str]:
    root = settings.STORAGES["private"]["OPTIONS"]["location"]
    return sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file())


def test_running_twice_changes_nothing(settings):
    seed()
    counts, files = row_counts(), stored_files(settings)
    course = Course.objects.get(slug="part-107-remote-pilot-exam-prep")

    output = seed()

    assert row_counts() == counts
    assert stored_files(settings) == files
    assert "(0 rows created, 0 updated)" in output
    assert Course.objects.get(pk=course.pk).updated_at == course.updated_at


def test_a_second_run_restores_edited_demo_content():
    seed()
    Course.objects.filter(slug="fpv-flight-fundamentals").update(title="Edited", price=1)

    output = seed()

    course = Course.objects.get(slug="fpv-flight-fundamentals")
    assert (course.title, course.price) == ("FPV Flight Fundamentals", 299)
    assert "(0 rows created, 1 updated)" in output


def test_if_empty_leaves_a_school_with_courses_alone():
    category = Category.objects.create(name="Own", slug="own")
    Course.objects.create(slug="our-course", title="Our course", summary="Ours.", category=category)

    output = seed("--if-empty")

    assert "leaving the data alone" in output
    assert list(Course.objects.values_list("slug", flat=True)) == ["our-course"]
    assert not get_user_model().objects.exists()
    assert Category.objects.count() == 1


def test_if_empty_seeds_an_empty_database():
    seed("--if-empty")
    assert Course.objects.published().count() >= 8


def test_the_catalog_is_believable():
    seed()
    published = Course.objects.published()

    assert published.count() >= 8
    assert set(published.values_list("format", flat=True)) == {"online", "in_person", "hybrid"}
    assert set(published.values_list("level", flat=True)) == {"beginner", "intermediate", "advanced"}
    assert published.filter(price=0).exists()
    assert published.filter(price__gt=0).count() >= 5
    assert published.filter(is_featured=True).exists()
    assert all(course.published_at is not None for course in published)
    for course in Course.objects.all():
        with course.cover_image.open("rb") as handle:
            assert handle.read(8) == b"\x89PNG\r\n\x1a\n", course.slug
    draft = Course.objects.get(status=Course.Status.DRAFT)
    assert draft.published_at is None
    assert Course.objects.count() == published.count() + 1
    assert set(Category.objects.values_list("slug", flat=True)) == {
        "part-107-prep",
        "aerial-photography-video",
        "mapping-surveying",
        "inspection",
        "fpv",
        "night-advanced-operations",
    }


def test_every_course_has_sections_lessons_and_one_preview():
    seed()
    for course in Course.objects.prefetch_related("sections__lessons", "instructors"):
        sections = list(course.sections.all())
        assert 2 <= len(sections) <= 4, course.slug
        lessons = [lesson for section in sections for lesson in section.lessons.all()]
        assert all(2 <= len(section.lessons.all()) <= 4 for section in sections), course.slug
        assert [lesson.is_preview for lesson in lessons] == [True] + [False] * (len(lessons) - 1), course.slug
        assert all(lesson.duration_seconds > 0 and "\n\n" in lesson.body for lesson in lessons), course.slug
        assert course.instructors.exists(), course.slug
        assert course.description.strip() and course.estimated_hours > 0


def test_prerequisites_point_at_the_part_107_course():
    seed()
    mapping = Course.objects.get(slug="drone-mapping-and-photogrammetry")
    assert list(mapping.prerequisites.values_list("slug", flat=True)) == ["part-107-remote-pilot-exam-prep"]


def test_instructors_have_profiles_and_an_admin_login():
    seed()
    instructors = Instructor.objects.select_related("user")
    assert instructors.count() == 3
    for instructor in instructors:
        assert len(instructor.bio) > 200
        assert instructor.faa_certificate_number.isdigit()
        assert instructor.user.is_staff and not instructor.user.is_superuser
        assert instructor.user.groups.filter(name="Instructors").exists()
        assert instructor.user.has_perm("courses.change_course")
        assert instructor.user.has_perm("lessons.add_lesson")
        assert not instructor.user.has_perm("courses.delete_category")


def test_printed_logins_log_in(client):
    output = seed()
    logins = LOGIN_LINE.findall(output)

    assert {role for role, _, _ in logins} == {"staff", "instructor", "student"}
    for role, email, password in logins:
        assert client.login(email=email, password=password), email
        user = get_user_model().objects.get(email=email)
        assert (user.is_staff, user.is_superuser) == (role != "student", role == "staff")
        assert EmailAddress.objects.filter(user=user, email=email, verified=True, primary=True).exists()
        client.logout()


def test_the_demo_student_passes_mandatory_email_verification(client):
    seed()
    response = client.post(
        reverse("account_login"),
        {"login": "student@bostondroneschool.test", "password": "demo-student-pass-2026"},
    )
    assert response.status_code == 302
    assert "confirm-email" not in response["Location"]
    assert response.wsgi_request.user.email == "student@bostondroneschool.test"


def test_a_rerun_keeps_a_changed_password():
    seed()
    student = get_user_model().objects.get(email="student@bostondroneschool.test")
    student.set_password("my-own-better-password-91")
    student.save()

    seed()

    student.refresh_from_db()
    assert student.check_password("my-own-better-password-91")


def test_materials_are_pdfs_in_private_storage(settings):
    seed()
    private_root = settings.STORAGES["private"]["OPTIONS"]["location"]
    materials = list(Material.objects.all())

    assert len(materials) >= 8
    assert {"Preflight checklist", "Airspace quick reference"} <= {material.title for material in materials}
    for material in materials:
        assert material.file.storage.exists(material.file.name)
        assert (private_root / material.file.name).is_file()
        with material.file.open("rb") as handle:
            content = handle.read()
        assert content.startswith(b"%PDF-")
        assert material.size_bytes == len(content)


def test_a_material_file_lost_from_storage_is_regenerated():
    seed()
    material = Material.objects.filter(title="Preflight checklist").first()
    material.file.storage.delete(material.file.name)

    seed()

    material.refresh_from_db()
    assert material.file.storage.exists(material.file.name)


def _mp4_seconds(data: bytes) -> float:
    """The movie's duration from its mvhd box (version 0), the way a player reads it."""
    box = data.index(b"mvhd") + 4
    assert data[box] == 0, "mvhd version 1 is not expected in the demo clips"
    timescale, duration = struct.unpack(">II", data[box + 12 : box + 20])
    return duration / timescale


@pytest.mark.parametrize("clip", DEMO_CLIPS, ids=lambda clip: clip.name)
def test_demo_clips_are_small_faststart_mp4s_as_long_as_they_say(clip):
    data = clip.video_path.read_bytes()
    assert data[4:8] == b"ftyp"
    # faststart: the index (moov) comes before the media data, so playback starts at once
    assert data.index(b"moov") < data.index(b"mdat")
    assert len(data) < 2_500_000
    assert round(_mp4_seconds(data)) == clip.seconds
    assert clip.captions_path.read_text().startswith("WEBVTT")


def test_preview_lessons_play_a_shipped_clip_with_its_real_duration_without_ffmpeg(monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    seed()
    previews = Lesson.objects.filter(is_preview=True)

    assert previews.count() == Course.objects.count()
    clips = {clip.video_path.read_bytes(): clip for clip in DEMO_CLIPS}
    for lesson in previews:
        with lesson.video.open("rb") as handle:
            clip = clips[handle.read()]
        assert lesson.duration_seconds == clip.seconds
        assert lesson.video_state == "ready"  # admin shows them ready, not "Not processed yet"
    assert not Lesson.objects.filter(is_preview=False).exclude(video="").exists()

    seed()  # a second run keeps the clip's duration, not the minutes of the notes
    assert {lesson.duration_seconds for lesson in previews} <= {clip.seconds for clip in DEMO_CLIPS}
    assert Course.objects.published().count() >= 8


def test_upcoming_flight_sessions_for_courses_with_flying():
    seed()
    now = timezone.now()
    sessions = FlightSession.objects.upcoming().select_related("course")

    assert sessions.count() >= 4
    assert {session.course.format for session in sessions} == {"hybrid", "in_person"}
    for session in sessions:
        assert now < session.starts_at < now + timedelta(weeks=8)
        assert session.ends_at > session.starts_at
        assert session.capacity > 0 and ", MA 0" in session.location_address
        assert session.instructors.exists() and session.notes


def test_past_sessions_are_topped_up_with_new_dates():
    seed()
    FlightSession.objects.update(
        starts_at=timezone.now() - timedelta(days=60), ends_at=timezone.now() - timedelta(days=59)
    )

    seed()

    assert FlightSession.objects.upcoming().count() == FlightSession.objects.count() // 2


def test_the_data_files_make_the_same_school_as_the_python_they_replaced():
    # Counts and spot checks taken from the 2,126-line command before its content moved to YAML.
    seed()

    assert row_counts() | {"ExamQuestion": ExamQuestion.objects.count()} == {
        "Category": 6,
        "Course": 9,
        "Section": 22,
        "Lesson": 46,
        "Material": 12,
        "Instructor": 3,
        "FlightSession": 8,
        "EmailAddress": 5,
        "Group": 3,
        "Quiz": 5,
        "QuizQuestion": 16,
        "QuizChoice": 48,
        "User": 5,
        "prerequisites": 4,
        "course instructors": Course.instructors.through.objects.count(),
        "ExamQuestion": 164,
    }
    assert Waiver.objects.filter(version=1).count() == 4
    assert ExamChoice.objects.count() == 3 * 164 and ExamChoice.objects.filter(is_correct=True).count() == 164
    assert PracticeExam.objects.get().course.slug == "part-107-remote-pilot-exam-prep"
    course = Course.objects.get(slug="part-107-remote-pilot-exam-prep")
    assert (course.price, course.estimated_hours, course.level, course.format) == (149, 18, "beginner", "online")
    assert course.description.startswith("Flying a drone for work in the United States takes an FAA")
    lesson = Lesson.objects.get(slug="flying-for-fun-or-for-work")
    # The preview plays the first shipped clip and says its real length, not the notes' 10 minutes.
    assert (lesson.duration_seconds, lesson.is_preview) == (DEMO_CLIPS[0].seconds, True)
    assert lesson.body.startswith("## Two sets of rules\n\nFlying purely for fun")
    maya = Instructor.objects.get(user__email="maya.okafor@bostondroneschool.test")
    # Bios are prose: wrapped lines joined, paragraphs kept.
    assert maya.bio.count("\n\n") == 1 and "\n" not in maya.bio.split("\n\n")[0]
    stow = FlightSession.objects.filter(location_name="Stow sod farm").order_by("starts_at")
    assert [(s.starts_at.astimezone().hour, s.capacity) for s in stow] == [(9, 8), (13, 6)]
    assert stow[1].notes.startswith("Afternoon session, for those who cannot make a morning. Arrive 15 minutes")


def test_if_empty_seeds_once_and_then_leaves_the_school_alone():
    seed("--if-empty")
    counts = row_counts()

    output = seed("--if-empty")

    assert "leaving the data alone" in output
    assert row_counts() == counts


def test_instructors_get_the_declared_group_permissions_not_a_list_of_the_demos():
    Group.objects.get(name="Instructors").permissions.clear()  # as if an earlier run had left it empty

    seed()

    instructor = get_user_model().objects.get(email="maya.okafor@bostondroneschool.test")
    granted = set(instructor.groups.get().permissions.values_list("content_type__app_label", "codename"))
    assert granted == set(GROUP_PERMISSIONS["Instructors"])
    assert instructor.has_perm("lessons.delete_material") and instructor.has_perm("flights.view_flightsession")


def test_the_practice_exam_bank_comes_from_the_data_file():
    output = seed()

    assert ExamQuestion.objects.count() == len(demo_school_load().questions)
    assert f"{len(demo_school_load().questions)} practice exam questions" in output


def test_lesson_and_section_quizzes_are_seeded_and_shown_on_their_lesson_and_outline(client):
    seed()
    lesson_quiz = Quiz.objects.get(title="Operating rules check")
    section_quiz = Quiz.objects.get(title="Airspace and charts section quiz")
    assert lesson_quiz.lesson.slug == "part-107-operating-rules"
    assert section_quiz.section.title == "Airspace and charts"
    for quiz in Quiz.objects.all():
        assert 3 <= quiz.questions.count() <= 5
        for question in quiz.questions.all():
            assert question.explanation
            assert question.choices.count() == 3 and question.choices.filter(is_correct=True).count() == 1
    # The file names A every time; the stored key is rotated so the answer is not always the first.
    assert set(QuizChoice.objects.filter(is_correct=True).values_list("order", flat=True)) == {1, 2, 3}

    student = get_user_model().objects.get(email=demo_school_load().student["email"])
    course = lesson_quiz.course
    Enrollment.objects.get_or_create(user=student, course=course, defaults={"status": Enrollment.Status.ACTIVE})
    client.force_login(student)
    quiz_url = reverse("lessons:quiz", args=[course.slug, lesson_quiz.pk])
    lesson_page = client.get(reverse("lessons:lesson", args=[course.slug, lesson_quiz.lesson.slug]))
    assert quiz_url in lesson_page.content.decode()
    outline = client.get(reverse("lessons:outline", args=[course.slug])).content.decode()
    assert reverse("lessons:quiz", args=[course.slug, section_quiz.pk]) in outline
    assert client.get(quiz_url).status_code == 200


def test_printed_notes_say_admin_needs_an_authenticator():
    output = seed()
    assert "authenticator app (TOTP)" in output and "recovery codes" in output
    # Next to each admin login, not only in a footnote; the student's login has no admin to open.
    logins = [line for line in output.splitlines() if line.strip().startswith(("staff ", "instructor ", "student "))]
    assert logins and all(("authenticator app" in line) == (not line.strip().startswith("student")) for line in logins)


def test_demo_policies_instructor_photos_and_signatures_are_loaded():
    from courses.models import Instructor
    from policies.models import PolicyVersion

    seed()
    assert {version.kind for version in PolicyVersion.objects.published()} == {"terms", "privacy", "refund"}
    instructors = list(Instructor.objects.all())
    assert instructors and all(i.photo and i.signature and i.years_flying and i.slug for i in instructors)


def test_malformed_data_stops_the_run_naming_the_file_and_key(tmp_path, monkeypatch):
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    course_file = data / "courses" / "02-part-107-remote-pilot-exam-prep.yaml"
    course_file.write_text(course_file.read_text().replace("    minutes: 8\n", "", 1))
    monkeypatch.setattr(seed_demo, "demo_school_load", functools.partial(demo_school_load, data))

    with pytest.raises(CommandError) as raised:
        seed()

    assert "02-part-107-remote-pilot-exam-prep.yaml: sections[0].lessons[0]: missing 'minutes'" in str(raised.value)
    assert not Course.objects.exists()


def test_a_lesson_someone_wrote_is_never_pulled_into_a_demo_course():
    category = Category.objects.create(name="Own", slug="own")
    course = Course.objects.create(slug="our-course", title="Our course", summary="Ours.", category=category)
    section = Section.objects.create(course=course, title="Start", order=1)
    Lesson.objects.create(section=section, title="Simulator first", slug="simulator-first", order=1)

    with pytest.raises(CommandError, match="simulator-first"):
        seed()

    assert Lesson.objects.get(slug="simulator-first").section == section
    assert Course.objects.count() == 1  # the run rolled back as a whole


def test_activity_gives_staff_numbers_and_a_second_run_adds_nothing():
    from backoffice.dashboard import dashboard_compute
    from backoffice.insights import insights_compute
    from enrollments.models import Enrollment
    from payments.models import Payment, Refund

    call_command("seed_demo", "--activity", stdout=io.StringIO())
    counts = (Payment.objects.count(), Refund.objects.count(), Enrollment.objects.count())
    assert counts[0] >= 36 and counts[1] >= 1
    call_command("seed_demo", "--activity", stdout=io.StringIO())
    assert (Payment.objects.count(), Refund.objects.count(), Enrollment.objects.count()) == counts

    insights = insights_compute()
    assert insights["revenue_per_course"] and insights["revenue_per_instructor"]
    flagship = max(insights["funnel"], key=lambda row: row["enrolled"])
    stages = [stage["count"] for stage in flagship["stages"]]
    assert stages == sorted(stages, reverse=True) and stages[-1] > 0  # a funnel, with some certified
    assert {row["area"] for row in insights["exam_by_area"]} == {
        "regulations",
        "airspace",
        "weather",
        "loading_and_performance",
        "operations",
    }
    assert insights["seats_taken"] > 0
    assert dashboard_compute()["students_active"] > 0


def test_without_activity_the_demo_has_no_made_up_students():
    from payments.models import Payment

    call_command("seed_demo", stdout=io.StringIO())
    assert not Payment.objects.exists()
    assert not get_user_model().objects.filter(email__endswith="@students.bostondroneschool.test").exists()


# -- issue 20: where ffmpeg exists, the demo exercises the HLS path ----------------------------------


@pytest.mark.skipif(not (shutil.which("ffmpeg") and shutil.which("ffprobe")), reason="needs ffmpeg and ffprobe")
def test_with_ffmpeg_the_demo_videos_get_hls_renditions(settings):
    from core.storage import private_storage
    from lessons.services import renditions

    settings.VIDEO_RENDITION_HEIGHTS = [240]  # the smallest rung: the same code path, a quicker encode
    seed()
    videos = list(Lesson.objects.with_video().order_by("pk"))
    assert len(videos) >= 2
    # All but one already have renditions (as after an earlier run): only that one is encoded.
    waiting, *done = videos
    for lesson in done:
        Lesson.objects.filter(pk=lesson.pk).update(hls_source=lesson.video.name)

    output = seed("--renditions")

    assert "HLS renditions made for 1 of 1 demo videos that had none." in output
    waiting.refresh_from_db()
    assert waiting.has_renditions
    folder = renditions.renditions_folder(waiting.video.name)
    with private_storage().open(f"{folder}/{renditions.MASTER_PLAYLIST}") as playlist:
        master = playlist.read().decode()
    assert "240p/index.m3u8" in master
    assert private_storage().exists(f"{folder}/240p/seg_00000.ts")
    # A second run finds nothing to do.
    assert "HLS renditions made for 0 of 0" in seed("--renditions")


def test_without_ffmpeg_on_path_the_demo_skips_renditions_in_one_line(monkeypatch, tmp_path):
    seed()
    monkeypatch.setenv("PATH", str(tmp_path))  # a PATH with no ffmpeg or ffprobe on it

    output = seed("--renditions")

    skipped = [line for line in output.splitlines() if "HLS" in line]
    assert skipped == ["ffmpeg/ffprobe not found on PATH: demo videos play as MP4, without HLS renditions."]
    assert not any(lesson.has_renditions for lesson in Lesson.objects.with_video())


def test_renditions_are_only_made_when_asked(monkeypatch):
    from lessons.services import renditions

    calls = []
    monkeypatch.setattr(renditions, "lesson_renditions_make", lambda **kwargs: calls.append(kwargs) or True)
    output = seed()
    assert "HLS" not in output
    assert calls == []
