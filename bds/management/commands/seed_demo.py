"""`python manage.py seed_demo`: a believable Boston Drone School to click through.

The school itself (categories, people, courses with their sections, lessons and materials, flight
sessions, lesson and section quizzes, the practice exam bank) is data in bds/demo/data/*.yaml, read and checked by
bds.demo.loader; this command writes it. A malformed file stops the run before any write, with the
file and key at fault.

Idempotent: every row is found by a natural key (slug, email, order within its parent) and only
written when it is missing or differs from the data, so a second run changes nothing and creates
no duplicates. Files (material PDFs, covers, preview videos) are generated only for rows that
have none yet, and are saved through the models' FileFields, so they land in the private storage
(media/private locally, S3 in production). `--if-empty` leaves any database with a course alone;
`make run` calls it that way, with `--renditions` to make the demo videos' HLS renditions too
where ffmpeg is installed.

The logins printed at the end use fixed passwords that exist only for the demo: they are set
when the account is created and never touched again, so a changed password survives a re-run.
Instructors get their permissions from the one declaration in accounts/groups.py.
"""

from datetime import date, datetime, timedelta
from urllib.parse import quote_plus

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand, CommandError
from django.db import models, transaction
from django.utils import timezone

from accounts.groups import INSTRUCTORS, group_permissions_sync
from bds.demo.activity import demo_activity_seed
from bds.demo.files import DEMO_CLIPS, DemoClip, cover_png, material_pdf
from bds.demo.loader import DATA_DIR, DemoDataError, demo_school_load
from bds.demo.practice_exam import question_bank_seed
from bds.demo.quizzes import demo_quizzes_seed
from courses.models import Category, Course, Instructor, Section
from flights.models import FlightSession, Waiver
from lessons.models import ExamQuestion, Lesson, LessonCaption, Material, VideoState
from lessons.services import renditions
from policies.models import PolicyKind, PolicyVersion


class Command(BaseCommand):
    help = "Load the demo school: categories, courses with lessons and materials, instructors, flight sessions, logins."

    def add_arguments(self, parser):
        parser.add_argument("--if-empty", action="store_true", help="Do nothing when any course already exists.")
        parser.add_argument(
            "--activity",
            action="store_true",
            help="Also make up a few weeks of students, payments, progress, exam attempts and bookings "
            "(bds/demo/activity.py), so staff's dashboard and insights show numbers.",
        )
        parser.add_argument(
            "--renditions",
            action="store_true",
            help="Also make the demo videos' HLS renditions in-process, as the worker does after an upload "
            "(skipped, with one line, when ffmpeg/ffprobe are not on PATH). `make run` passes it.",
        )

    def handle(self, *args, **options):
        if options["if_empty"] and Course.objects.exists():
            self.stdout.write("Courses already exist; leaving the data alone (run without --if-empty to top up).")
            return
        try:
            self.school = school = demo_school_load()
        except DemoDataError as error:
            raise CommandError(f"The demo data is malformed: {error}") from error
        self.created = 0
        self.updated = 0
        with transaction.atomic():
            # The same declaration migrate applies: the demo never grants a list of its own.
            group_permissions_sync(group_model=Group, permission_model=Permission)
            self.instructors_group = Group.objects.get(name=INSTRUCTORS)
            categories = {data["slug"]: self._category(data) for data in school.categories}
            instructors = {data["email"]: self._instructor(data) for data in school.instructors}
            self._user(school.staff, is_staff=True, is_superuser=True)
            self._user(school.student)
            colours = {data["slug"]: data["cover_colours"] for data in school.categories}
            courses = {data["slug"]: self._course(data, categories, instructors, colours) for data in school.courses}
            for data in school.courses:
                courses[data["slug"]].prerequisites.set([courses[slug] for slug in data.get("prerequisites", [])])
            for slug, sessions in school.flight_sessions.items():
                self._flight_sessions(courses[slug], sessions, instructors)
                self._waiver(courses[slug])
            self._policies()
            quizzes = demo_quizzes_seed(school.quizzes, courses)
            self.created += quizzes["created"]
            self.updated += quizzes["updated"]
            bank = question_bank_seed(school.questions)
            self.created += bank["created"] + bank["exams_created"]
        self._attach_preview_videos()
        if options["renditions"]:
            self._make_renditions()
        if options["activity"]:
            with transaction.atomic():
                self.created += demo_activity_seed(course_slugs=[course["slug"] for course in school.courses])
        self._report()

    # -- rows ------------------------------------------------------------------------------------

    def _upsert(self, model: type[models.Model], lookup: dict, values: dict) -> models.Model:
        """The row found by `lookup`, created or brought in line with `values`; saves only what differs."""
        row = model.objects.filter(**lookup).first()
        if row is None:
            self.created += 1
            return model.objects.create(**lookup, **values)
        changed = [field for field, value in values.items() if getattr(row, field) != value]
        if changed:
            for field in changed:
                setattr(row, field, values[field])
            row.save(update_fields=changed)
            self.updated += 1
        return row

    def _category(self, data: dict) -> Category:
        values = {key: data[key] for key in ("name", "description", "order")}
        return self._upsert(Category, {"slug": data["slug"]}, values)

    def _user(self, data: dict, **flags):
        """A demo account with a verified primary address, so it can log in under mandatory verification."""
        user_model = get_user_model()
        user = user_model.objects.filter(email__iexact=data["email"]).first()
        if user is None:
            user = user_model.objects.create_user(
                email=data["email"], password=data["password"], full_name=data["full_name"], **flags
            )
            self.created += 1
        else:
            changed = [field for field, value in flags.items() if getattr(user, field) != value]
            if user.full_name != data["full_name"]:
                changed.append("full_name")
            if changed:
                user.full_name = data["full_name"]
                for field, value in flags.items():
                    setattr(user, field, value)
                user.save(update_fields=changed)
                self.updated += 1
        self._upsert(EmailAddress, {"user": user, "email": user.email}, {"verified": True, "primary": True})
        return user

    def _instructor(self, data: dict) -> Instructor:
        # is_staff lets them into admin, where they see only the courses they teach.
        login = {"email": data["email"], "full_name": data["full_name"], "password": self.school.instructor_password}
        user = self._user(login, is_staff=True)
        user.groups.add(self.instructors_group)
        fields = ("bio", "faa_certificate_number", "faa_certificate_type", "years_flying", "headline")
        instructor = self._upsert(Instructor, {"user": user}, {key: data[key] for key in fields})
        # Portrait (public) and signature (private, printed on certificates): committed demo images.
        stem = data["email"].split("@")[0].replace(".", "-")
        folder = DATA_DIR / "instructors"
        if not instructor.photo and (folder / f"{stem}.jpg").exists():
            instructor.photo.save(f"{stem}.jpg", ContentFile((folder / f"{stem}.jpg").read_bytes()), save=False)
            instructor.save(update_fields=["photo"])
        if not instructor.signature and (folder / f"{stem}-signature.png").exists():
            signature = ContentFile((folder / f"{stem}-signature.png").read_bytes())
            instructor.signature.save(f"{stem}-signature.png", signature, save=False)
            instructor.save(update_fields=["signature"])
        return instructor

    def _course(self, data: dict, categories: dict, instructors: dict, colours: dict) -> Course:
        published = data.get("status", Course.Status.PUBLISHED) == Course.Status.PUBLISHED
        course = self._upsert(
            Course,
            {"slug": data["slug"]},
            {
                "title": data["title"],
                "summary": data["summary"],
                "description": data["description"].strip(),
                "category": categories[data["category"]],
                "level": data["level"],
                "format": data["format"],
                "price": data["price"],
                "currency": "usd",
                "status": data.get("status", Course.Status.PUBLISHED),
                "is_featured": data.get("is_featured", False),
                "estimated_hours": data["estimated_hours"],
            },
        )
        if published and course.published_at is None:
            course.published_at = timezone.now()
            course.save(update_fields=["published_at"])
        course.instructors.set([instructors[email] for email in data["instructors"]])
        if not (course.cover_image and course.cover_image.storage.exists(course.cover_image.name)):
            course.cover_image.save(
                f"{course.slug}.png", ContentFile(cover_png(course.slug, tuple(colours[data["category"]]))), save=False
            )
            course.save(update_fields=["cover_image"])
        first_lesson = True
        for section_order, section_data in enumerate(data["sections"], start=1):
            section = self._upsert(
                Section, {"course": course, "order": section_order}, {"title": section_data["title"]}
            )
            for lesson_order, lesson_data in enumerate(section_data["lessons"], start=1):
                slug = lesson_data["slug"]  # the loader derives it from the title when not given
                if Lesson.objects.filter(slug=slug).exclude(section__course=course).exists():
                    # Slugs are unique school-wide: never pull a lesson someone wrote out of their course.
                    raise CommandError(f"The lesson slug {slug!r} already belongs to another course; rename it.")
                lesson = self._upsert(
                    Lesson,
                    {"slug": slug},
                    {
                        "section": section,
                        "title": lesson_data["title"],
                        "order": lesson_order,
                        "body": lesson_data["body"].strip(),
                        # The free preview plays a shipped clip: it says the clip's real duration.
                        "duration_seconds": self._preview_clip(course.slug).seconds
                        if first_lesson
                        else lesson_data["minutes"] * 60,
                        "is_preview": first_lesson,
                    },
                )
                first_lesson = False
                for material_order, key in enumerate(lesson_data.get("materials", []), start=1):
                    self._material(lesson, material_order, key)
        return course

    def _material(self, lesson: Lesson, order: int, key: str) -> None:
        spec = self.school.materials[key]
        material = self._upsert(Material, {"lesson": lesson, "order": order}, {"title": spec["title"]})
        if material.file and material.file.storage.exists(material.file.name):
            return
        pdf = material_pdf(spec)
        material.file.save(f"{key}.pdf", ContentFile(pdf), save=False)
        material.size_bytes = len(pdf)
        material.save(update_fields=["file", "size_bytes"])

    def _flight_sessions(self, course: Course, sessions: list[dict], instructors: dict) -> None:
        """Dates are relative to today, so sessions are created only while the course has none upcoming."""
        if course.flight_sessions.upcoming().exists():
            return
        first_saturday = _next_saturday(timezone.localdate())
        for data in sessions:
            site = self.school.sites[data["site"]]
            day = first_saturday + timedelta(days=data["days_after_first_saturday"])
            starts_at = timezone.make_aware(datetime.combine(day, data["starts"]))
            session = FlightSession.objects.create(
                course=course,
                starts_at=starts_at,
                ends_at=starts_at + timedelta(hours=data["hours"]),
                location_name=site["location_name"],
                location_address=site["location_address"],
                map_url=f"https://www.openstreetmap.org/search?query={quote_plus(site['location_address'])}",
                capacity=data["capacity"],
                notes=data["notes"],
            )
            session.instructors.set([instructors[email] for email in data["instructors"]])
            self.created += 1

    def _waiver(self, course: Course) -> None:
        """Version 1 of the flight-day waiver: booking a seat needs a published one."""
        _waiver, created = Waiver.objects.get_or_create(
            course=course, version=1, defaults={"text": self.school.waiver, "published_at": timezone.now()}
        )
        self.created += created

    def _policies(self) -> None:
        """Version 1 of the terms, privacy and refund policies (bds/demo/data/policies/*.md), once."""
        for kind in PolicyKind:
            if PolicyVersion.objects.filter(kind=kind).exists():
                continue
            body = (DATA_DIR / "policies" / f"{kind.value}.md").read_text(encoding="utf-8")
            PolicyVersion.objects.create(kind=kind, version=1, body=body, published_at=timezone.now())
            self.created += 1

    # -- files -----------------------------------------------------------------------------------

    def _preview_clip(self, course_slug: str) -> DemoClip:
        slugs = [course["slug"] for course in self.school.courses]
        return DEMO_CLIPS[slugs.index(course_slug) % len(DEMO_CLIPS)]

    def _attach_preview_videos(self) -> None:
        """Each demo course's free preview lesson plays one of the shipped clips: no ffmpeg needed."""
        demo_slugs = [course["slug"] for course in self.school.courses]
        previews = Lesson.objects.filter(is_preview=True, section__course__slug__in=demo_slugs)
        for lesson in previews.select_related("section__course"):
            clip = self._preview_clip(lesson.section.course.slug)
            caption, created = LessonCaption.objects.get_or_create(
                lesson=lesson, language="en", defaults={"label": "English", "is_default": True}
            )
            if created or not caption.file.storage.exists(caption.file.name):
                caption.file.save(f"{lesson.slug}.en.vtt", ContentFile(clip.captions_path.read_bytes()), save=True)
                self.created += created
            if not (lesson.video and lesson.video.storage.exists(lesson.video.name)):
                lesson.video.save(f"{lesson.slug}.mp4", ContentFile(clip.video_path.read_bytes()), save=False)
                lesson.save(update_fields=["video"])
                self.updated += 1
            if lesson.video_state != VideoState.READY:
                # The clips ship encoded for the web with their real durations: nothing left to process,
                # so admin shows them ready instead of "Not processed yet" with a Process button.
                lesson.video_state_set(VideoState.READY)

    def _make_renditions(self) -> None:
        """HLS renditions of the demo videos through lessons.services.renditions, the worker's own
        service, so `make run` streams adaptively like production; videos that have them are skipped."""
        if not renditions.renditions_enabled():
            self.stdout.write("HLS renditions are off (VIDEO_RENDITION_HEIGHTS is empty): demo videos play as MP4.")
            return
        if renditions.ffmpeg_tools() is None:
            self.stdout.write("ffmpeg/ffprobe not found on PATH: demo videos play as MP4, without HLS renditions.")
            return
        demo_slugs = [course["slug"] for course in self.school.courses]
        lessons = Lesson.objects.with_video().filter(section__course__slug__in=demo_slugs).order_by("pk")
        waiting = [lesson.pk for lesson in lessons if not lesson.has_renditions]
        made = sum(renditions.lesson_renditions_make(lesson_id=lesson_id) for lesson_id in waiting)
        self.stdout.write(f"HLS renditions made for {made} of {len(waiting)} demo videos that had none.")

    # -- hooks and output ------------------------------------------------------------------------

    def _report(self) -> None:
        published = Course.objects.published().count()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo school ready: {published} published courses, {Lesson.objects.count()} lessons, "
                f"{FlightSession.objects.upcoming().count()} upcoming flight sessions, "
                f"{len(self.school.quizzes)} quizzes, "
                f"{ExamQuestion.objects.filter(is_active=True).count()} practice exam questions "
                f"({self.created} rows created, {self.updated} updated)."
            )
        )
        self.stdout.write("Demo logins (demo data only; passwords are set when an account is created):")
        school = self.school
        admin_note = "  (admin asks for an authenticator app: see below)"
        self.stdout.write(f"  staff       {school.staff['email']} / {school.staff['password']}{admin_note}")
        for data in school.instructors:
            self.stdout.write(f"  instructor  {data['email']} / {school.instructor_password}{admin_note}")
        self.stdout.write(f"  student     {school.student['email']} / {school.student['password']}")
        # accounts.middleware.AdminRequiresMFAMiddleware: staff and instructors need a second factor for admin.
        self.stdout.write(
            "Admin requires an authenticator app (TOTP) for staff and instructors. First time: log in at /admin/, "
            "scan the QR code with a TOTP app (Google Authenticator, 1Password, Authy...), enter its 6-digit "
            'code, then save the recovery codes it shows. README.md, "Quick start", has the steps.'
        )


def _next_saturday(today: date) -> date:
    return today + timedelta(days=(5 - today.weekday()) % 7 or 7)
