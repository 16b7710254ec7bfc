"""`python manage.py seed_demo`: a believable Boston Drone School to click through.

Idempotent: every row is found by a natural key (slug, email, order within its parent) and only
written when it is missing or differs from the data below, so a second run changes nothing and
creates no duplicates. Files (material PDFs, preview videos) are generated only for rows that
have none yet, and are saved through the models' FileFields, so they land in the private storage
(media/private locally, S3 in production). `--if-empty` leaves any database with a course alone;
`make run` calls it that way.

The logins printed at the end use fixed passwords that exist only for the demo: they are set
when the account is created and never touched again, so a changed password survives a re-run.
"""

import importlib
import importlib.util
import io
import shutil
import subprocess
import tempfile
import textwrap
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from urllib.parse import quote_plus

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand, CommandError
from django.db import models, transaction
from django.utils import timezone
from django.utils.text import slugify

from courses.models import Category, Course, Instructor, Section
from flights.models import FlightSession, Waiver
from lessons.models import Lesson, Material

# Demo-only credentials, printed at the end of every run. Never reuse them anywhere real.
STAFF_LOGIN = {
    "email": "staff@bostondroneschool.test",
    "full_name": "Sarah Whitman",
    "password": "demo-staff-pass-2026",
}
STUDENT_LOGIN = {
    "email": "student@bostondroneschool.test",
    "full_name": "Jordan Avery",
    "password": "demo-student-pass-2026",
}
INSTRUCTOR_PASSWORD = "demo-instructor-pass-2026"  # noqa: S105 - demo-only, printed on purpose
INSTRUCTORS_GROUP = "Instructors"
# What an instructor needs in admin to author their own courses (the admin scopes rows to the courses
# they teach). Granted only when nothing else has given the group permissions yet.
INSTRUCTOR_PERMISSIONS = {
    "courses": ["view_category", "view_course", "add_course", "change_course", "view_instructor"]
    + [f"{action}_section" for action in ("view", "add", "change", "delete")],
    "lessons": [
        f"{action}_{model}" for model in ("lesson", "material") for action in ("view", "add", "change", "delete")
    ],
    "flights": ["view_flightsession"],
}


class Command(BaseCommand):
    help = "Load the demo school: categories, courses with lessons and materials, instructors, flight sessions, logins."

    def add_arguments(self, parser):
        parser.add_argument("--if-empty", action="store_true", help="Do nothing when any course already exists.")

    def handle(self, *args, **options):
        if options["if_empty"] and Course.objects.exists():
            self.stdout.write("Courses already exist; leaving the data alone (run without --if-empty to top up).")
            return
        _check_lesson_slugs_unique()
        self.created = 0
        self.updated = 0
        with transaction.atomic():
            categories = {data["slug"]: self._category(data) for data in CATEGORIES}
            instructors = {data["email"]: self._instructor(data) for data in INSTRUCTORS}
            self._user(STAFF_LOGIN, is_staff=True, is_superuser=True)
            self._user(STUDENT_LOGIN)
            courses = {data["slug"]: self._course(data, categories, instructors) for data in COURSES}
            for data in COURSES:
                courses[data["slug"]].prerequisites.set([courses[slug] for slug in data.get("prerequisites", [])])
            for slug, sessions in FLIGHT_SESSIONS.items():
                self._flight_sessions(courses[slug], sessions, instructors)
                self._waiver(courses[slug])
        self._attach_preview_videos()

        # Hook for the learning helper's Part 107 question bank (lessons/question_bank.py), when it exists.
        self._seed_question_bank()

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
        return self._upsert(Category, {"slug": data["slug"]}, {k: v for k, v in data.items() if k != "slug"})

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
        login = {"email": data["email"], "full_name": data["full_name"], "password": INSTRUCTOR_PASSWORD}
        user = self._user(login, is_staff=True)
        user.groups.add(_instructors_group())
        return self._upsert(
            Instructor,
            {"user": user},
            {"bio": _prose(data["bio"]), "faa_certificate_number": data["faa_certificate_number"]},
        )

    def _course(self, data: dict, categories: dict, instructors: dict) -> Course:
        published = data.get("status", Course.Status.PUBLISHED) == Course.Status.PUBLISHED
        course = self._upsert(
            Course,
            {"slug": data["slug"]},
            {
                "title": data["title"],
                "summary": data["summary"],
                "description": _text(data["description"]),
                "category": categories[data["category"]],
                "level": data["level"],
                "format": data["format"],
                "price": Decimal(data["price"]),
                "currency": "usd",
                "status": data.get("status", Course.Status.PUBLISHED),
                "is_featured": data.get("is_featured", False),
                "estimated_hours": Decimal(data["estimated_hours"]),
            },
        )
        if published and course.published_at is None:
            course.published_at = timezone.now()
            course.save(update_fields=["published_at"])
        course.instructors.set([instructors[email] for email in data["instructors"]])
        if not (course.cover_image and course.cover_image.storage.exists(course.cover_image.name)):
            course.cover_image.save(
                f"{course.slug}.png", ContentFile(cover_png(course.slug, data["category"])), save=False
            )
            course.save(update_fields=["cover_image"])
        first_lesson = True
        for section_order, section_data in enumerate(data["sections"], start=1):
            section = self._upsert(
                Section, {"course": course, "order": section_order}, {"title": section_data["title"]}
            )
            for lesson_order, lesson_data in enumerate(section_data["lessons"], start=1):
                slug = _lesson_slug(lesson_data)
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
                        "body": _text(lesson_data["body"]),
                        "duration_seconds": lesson_data["minutes"] * 60,
                        "is_preview": first_lesson,
                    },
                )
                first_lesson = False
                for material_order, key in enumerate(lesson_data.get("materials", []), start=1):
                    self._material(lesson, material_order, key)
        return course

    def _material(self, lesson: Lesson, order: int, key: str) -> None:
        spec = MATERIALS[key]
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
            day = first_saturday + timedelta(days=data["days_after_first_saturday"])
            starts_at = timezone.make_aware(datetime.combine(day, data["starts"]))
            session = FlightSession.objects.create(
                course=course,
                starts_at=starts_at,
                ends_at=starts_at + timedelta(hours=data["hours"]),
                location_name=data["location_name"],
                location_address=data["location_address"],
                map_url=f"https://www.openstreetmap.org/search?query={quote_plus(data['location_address'])}",
                capacity=data["capacity"],
                notes=_prose(data["notes"]),
            )
            session.instructors.set([instructors[email] for email in data["instructors"]])
            self.created += 1

    def _waiver(self, course: Course) -> None:
        """Version 1 of the flight-day waiver: booking a seat needs a published one."""
        _waiver, created = Waiver.objects.get_or_create(
            course=course, version=1, defaults={"text": _prose(WAIVER_TEXT), "published_at": timezone.now()}
        )
        self.created += created

    # -- files -----------------------------------------------------------------------------------

    def _attach_preview_videos(self) -> None:
        lessons = [
            lesson
            for lesson in Lesson.objects.filter(is_preview=True, section__course__slug__in=[c["slug"] for c in COURSES])
            if not (lesson.video and lesson.video.storage.exists(lesson.video.name))
        ]
        if not lessons:
            return
        video = preview_video_mp4()
        if video is None:
            self.stdout.write(
                "No preview videos: ffmpeg is not on PATH or could not encode (install ffmpeg and run again)."
            )
            return
        for lesson in lessons:
            lesson.video.save(f"{lesson.slug}.mp4", ContentFile(video), save=False)
            lesson.save(update_fields=["video"])
            self.updated += 1

    # -- hooks and output ------------------------------------------------------------------------

    def _seed_question_bank(self) -> None:
        """Let the learning app add its practice-exam questions, when that module exists."""
        if importlib.util.find_spec("lessons.question_bank") is None:
            return
        importlib.import_module("lessons.question_bank").question_bank_seed()

    def _report(self) -> None:
        published = Course.objects.published().count()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo school ready: {published} published courses, {Lesson.objects.count()} lessons, "
                f"{FlightSession.objects.upcoming().count()} upcoming flight sessions "
                f"({self.created} rows created, {self.updated} updated)."
            )
        )
        self.stdout.write("Demo logins (demo data only; passwords are set when an account is created):")
        self.stdout.write(f"  staff       {STAFF_LOGIN['email']} / {STAFF_LOGIN['password']}")
        for data in INSTRUCTORS:
            self.stdout.write(f"  instructor  {data['email']} / {INSTRUCTOR_PASSWORD}")
        self.stdout.write(f"  student     {STUDENT_LOGIN['email']} / {STUDENT_LOGIN['password']}")


def _text(markdown: str) -> str:
    return textwrap.dedent(markdown).strip()


def _prose(text: str) -> str:
    """Plain paragraphs (bios, notes, waivers) are shown with their line breaks kept, so the
    source's wrapped lines are joined: one line per paragraph, a blank line between them."""
    paragraphs = _text(text).split("\n\n")
    return "\n\n".join(" ".join(line.strip() for line in paragraph.splitlines()) for paragraph in paragraphs)


def _lesson_slug(lesson_data: dict) -> str:
    return lesson_data.get("slug") or slugify(lesson_data["title"])[:140]


def _check_lesson_slugs_unique() -> None:
    # Lesson slugs are unique school-wide; a clash would silently move a lesson between courses.
    seen: set[str] = set()
    for course in COURSES:
        for section in course["sections"]:
            for lesson in section["lessons"]:
                slug = _lesson_slug(lesson)
                if slug in seen:
                    raise CommandError(f"Two demo lessons share the slug {slug!r}; give one an explicit 'slug'.")
                seen.add(slug)


def _next_saturday(today: date) -> date:
    return today + timedelta(days=(5 - today.weekday()) % 7 or 7)


def _instructors_group() -> Group:
    group, _ = Group.objects.get_or_create(name=INSTRUCTORS_GROUP)
    if not group.permissions.exists():
        for app_label, codenames in INSTRUCTOR_PERMISSIONS.items():
            group.permissions.add(*Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames))
    return group


def material_pdf(spec: dict) -> bytes:
    """A one-page PDF handout: title, a line of context, and checklist sections."""
    from reportlab.lib.colors import HexColor
    from reportlab.lib.pagesizes import letter
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=letter, invariant=True)  # invariant: same bytes every run
    pdf.setTitle(spec["title"])
    pdf.setAuthor("Boston Drone School")
    width, height = letter
    pdf.setFillColor(HexColor("#0b3d5c"))
    pdf.rect(0, height - 72, width, 72, stroke=0, fill=1)
    pdf.setFillColor(HexColor("#ffffff"))
    pdf.setFont("Helvetica-Bold", 20)
    pdf.drawString(48, height - 44, spec["title"])
    pdf.setFont("Helvetica", 9)
    pdf.drawString(48, height - 62, "Boston Drone School  |  bostondroneschool.test")
    pdf.setFillColor(HexColor("#1d2733"))
    y = height - 100
    pdf.setFont("Helvetica-Oblique", 10)
    for line in textwrap.wrap(spec["intro"], 100):
        pdf.drawString(48, y, line)
        y -= 14
    for heading, items in spec["sections"]:
        y -= 10
        pdf.setFont("Helvetica-Bold", 12)
        pdf.drawString(48, y, heading)
        y -= 18
        pdf.setFont("Helvetica", 10)
        for item in items:
            lines = textwrap.wrap(item, 92)
            pdf.rect(50, y - 1, 8, 8, stroke=1, fill=0)
            for line in lines:
                pdf.drawString(66, y, line)
                y -= 13
            y -= 3
    pdf.setFont("Helvetica", 8)
    pdf.drawString(
        48, 36, "Training aid only. The regulations (14 CFR Part 107) and your aircraft's manual take precedence."
    )
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


# Two colours per category for the generated cover images.
COVER_COLOURS = {
    "part-107-prep": ("#0b3d5c", "#2a7fb8"),
    "aerial-photography-video": ("#5b2a86", "#e0777d"),
    "mapping-surveying": ("#1f5130", "#8fbf6a"),
    "inspection": ("#3b3b45", "#e8a33d"),
    "fpv": ("#7a1e3a", "#f26b38"),
    "night-advanced-operations": ("#0d1028", "#3f4fa8"),
}


def cover_png(slug: str, category_slug: str) -> bytes:
    """A 1200x630 cover (the OpenGraph size): a gradient in the category's colours, contour lines like a
    topographic map and a dashed flight path. Decorative only, no text; the same slug draws the same picture."""
    import random

    from PIL import Image, ImageColor, ImageDraw

    width, height = 1200, 630
    top, bottom = (ImageColor.getrgb(colour) for colour in COVER_COLOURS[category_slug])
    image = Image.new("RGB", (width, height))
    draw = ImageDraw.Draw(image)
    for y in range(height):
        mix = y / (height - 1)
        draw.line([(0, y), (width, y)], fill=tuple(round(a + (b - a) * mix) for a, b in zip(top, bottom, strict=True)))
    pattern = random.Random(slug)
    overlay = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    lines = ImageDraw.Draw(overlay)
    for _ in range(3):
        cx, cy = pattern.randrange(width), pattern.randrange(height)
        for ring in range(1, 9):
            rx, ry = ring * pattern.randint(28, 40), ring * pattern.randint(18, 30)
            lines.ellipse([cx - rx, cy - ry, cx + rx, cy + ry], outline=(255, 255, 255, 38), width=2)
    path = [(x, height * 0.7 - pattern.randint(0, 260)) for x in range(-50, width + 100, 150)]
    for start, end in zip(path, path[1:], strict=False):
        for step in range(0, 10, 2):
            a, b = step / 10, (step + 1) / 10
            lines.line(
                [
                    (start[0] + (end[0] - start[0]) * a, start[1] + (end[1] - start[1]) * a),
                    (start[0] + (end[0] - start[0]) * b, start[1] + (end[1] - start[1]) * b),
                ],
                fill=(255, 255, 255, 150),
                width=4,
            )
    x, y = path[-3]
    for dx, dy in ((-22, -22), (22, -22), (-22, 22), (22, 22)):  # a quadcopter seen from above
        lines.line([(x, y), (x + dx, y + dy)], fill=(255, 255, 255, 230), width=5)
        lines.ellipse([x + dx - 14, y + dy - 14, x + dx + 14, y + dy + 14], outline=(255, 255, 255, 230), width=3)
    image = Image.alpha_composite(image.convert("RGBA"), overlay).convert("RGB")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def preview_video_mp4() -> bytes | None:
    """A 10-second 640x360 H.264 test pattern with a silent AAC track, or None without ffmpeg."""
    ffmpeg = shutil.which("ffmpeg")
    if ffmpeg is None:
        return None
    with tempfile.TemporaryDirectory() as folder:
        output = Path(folder) / "preview.mp4"
        command = [
            ffmpeg, "-hide_banner", "-loglevel", "error", "-y",
            "-f", "lavfi", "-i", "testsrc=size=640x360:rate=30:duration=10",
            "-f", "lavfi", "-i", "anullsrc=channel_layout=stereo:sample_rate=44100",
            "-shortest", "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p",
            "-c:a", "aac", "-b:a", "64k", "-movflags", "+faststart", str(output),
        ]  # fmt: skip
        result = subprocess.run(command, capture_output=True, timeout=60, check=False)  # noqa: S603 - fixed arguments
        if result.returncode != 0 or not output.exists():
            return None
        return output.read_bytes()


# -- the school's content ------------------------------------------------------------------------
# Everything below is data. Markdown bodies are dedented and stripped before they are stored.

CATEGORIES = [
    {
        "slug": "part-107-prep",
        "name": "Part 107 prep",
        "description": "Pass the FAA Remote Pilot knowledge test and stay current with recurrent training.",
        "order": 1,
    },
    {
        "slug": "aerial-photography-video",
        "name": "Aerial photography and video",
        "description": "Exposure, composition and camera moves for stills and cinematic video from the air.",
        "order": 2,
    },
    {
        "slug": "mapping-surveying",
        "name": "Mapping and surveying",
        "description": "Photogrammetry, ground control and deliverables that engineers and surveyors can use.",
        "order": 3,
    },
    {
        "slug": "inspection",
        "name": "Inspection",
        "description": "Roofs, towers, bridges and solar farms: close-proximity flying, thermal and reporting.",
        "order": 4,
    },
    {
        "slug": "fpv",
        "name": "FPV",
        "description": "First-person-view flying, from the simulator to acro, within the rules.",
        "order": 5,
    },
    {
        "slug": "night-advanced-operations",
        "name": "Night and advanced operations",
        "description": "Night flying, operations over people, waivers and airspace authorizations.",
        "order": 6,
    },
]

INSTRUCTORS = [
    {
        "email": "maya.okafor@bostondroneschool.test",
        "full_name": "Maya Okafor",
        "faa_certificate_number": "4417823",
        "bio": """
            Maya is the school's chief instructor. She flew MH-60 Jayhawk helicopters for the Coast Guard out of
            Air Station Cape Cod before moving to unmanned aircraft, and has taught the Part 107 syllabus
            to more than 1,500 students since 2017.

            She holds a commercial pilot certificate with instrument rating, an FAA Remote Pilot certificate
            and a Gold Seal flight instructor certificate. On flight days she is the one asking you what the
            METAR said before you unpack the aircraft.
        """,
    },
    {
        "email": "daniel.reyes@bostondroneschool.test",
        "full_name": "Daniel Reyes",
        "faa_certificate_number": "4102956",
        "bio": """
            Daniel is an aerial cinematographer whose work has aired on New England public television and in
            commercials for clients along Route 128. He has flown everything from 249-gram camera drones to
            heavy-lift cinema rigs and cinewhoop FPV quads through warehouses.

            He teaches the photography, video and FPV courses, and he will make you fly the same reveal shot
            until the horizon stays level.
        """,
    },
    {
        "email": "priya.natarajan@bostondroneschool.test",
        "full_name": "Priya Natarajan",
        "faa_certificate_number": "4590311",
        "bio": """
            Priya is a civil engineer (PE) who ran the drone program of a Worcester engineering firm, mapping
            construction sites, quarries and coastal erosion along the South Shore. She has inspected bridges,
            cell towers and more roofs than she can count.

            She teaches mapping, inspection and the advanced operations courses, and she wrote the school's
            field procedures for ground control and thermal surveys.
        """,
    },
]
MAYA, DANIEL, PRIYA = (data["email"] for data in INSTRUCTORS)

# One-page PDF handouts, keyed by the name used in the lessons below.
MATERIALS = {
    "preflight-checklist": {
        "title": "Preflight checklist",
        "intro": "Run it every flight, out loud, even when you flew the same site yesterday. 14 CFR 107.49 "
        "requires a preflight assessment; this is ours.",
        "sections": [
            (
                "Before you leave",
                [
                    "Airspace checked (LAANC authorization if controlled), NOTAMs and TFRs reviewed",
                    "METAR/TAF: visibility 3 SM or more, cloud clearance 500 ft below / 2,000 ft horizontal",
                    "Batteries charged, firmware current, Remote ID working, registration number visible",
                    "Remote Pilot certificate and photo ID in your pocket",
                ],
            ),
            (
                "At the site",
                [
                    "Walk the area: obstacles, people, wires, takeoff and emergency landing spots",
                    "Crew briefed: roles, signals, what to do on a lost link or fly-away",
                    "Props, arms and gimbal inspected; props secure with no nicks or cracks",
                    "Compass and IMU healthy, home point recorded, return-to-home altitude set",
                ],
            ),
            (
                "Takeoff",
                [
                    "Hover at eye level for 10 seconds: controls respond, no drift, no warnings",
                    "Say 'taking off' so everyone on site knows the aircraft is up",
                ],
            ),
        ],
    },
    "airspace-quick-reference": {
        "title": "Airspace quick reference",
        "intro": "How each class of airspace looks on a sectional chart and what a Part 107 pilot needs before "
        "flying in it.",
        "sections": [
            (
                "Controlled airspace (authorization required: LAANC or DroneZone)",
                [
                    "Class B: solid blue lines; numbers like 70/SFC give ceiling/floor in hundreds of feet MSL",
                    "Class C: solid magenta lines; usually a 5 NM core to 4,000 ft above the airport",
                    "Class D: dashed blue line; ceiling in a dashed box, e.g. [25] = 2,500 ft MSL",
                    "Class E to the surface: dashed magenta line around the airport",
                ],
            ),
            (
                "Uncontrolled and special use",
                [
                    "Class E from 700 ft AGL (magenta vignette) or 1,200 ft AGL (blue vignette): fine below 400 ft",
                    "Class G: no authorization needed; the Part 107 limits still apply",
                    "Restricted and prohibited areas, TFRs and stadium TFRs: check before every flight",
                    "Military training routes and MOAs: legal but watch for fast, low traffic",
                ],
            ),
        ],
    },
    "metar-taf-decoder": {
        "title": "METAR and TAF decoder card",
        "intro": "Example: KBOS 121554Z 27015G25KT 10SM FEW040 SCT250 08/M04 A2992",
        "sections": [
            (
                "Reading the example",
                [
                    "KBOS: Boston Logan; 121554Z: 12th of the month at 15:54 UTC",
                    "27015G25KT: wind from 270 degrees true at 15 knots, gusting 25",
                    "10SM: visibility 10 statute miles; FEW040 SCT250: few clouds at 4,000 ft, scattered at 25,000 ft",
                    "08/M04: temperature 8 C, dew point minus 4 C; A2992: altimeter 29.92 inHg",
                ],
            ),
            (
                "TAF change groups",
                [
                    "FM1800: from 18:00 UTC, a new set of conditions replaces the old",
                    "TEMPO 1820/1824: temporary fluctuations for less than half the period",
                    "PROB30: a 30 percent chance of the conditions that follow",
                ],
            ),
        ],
    },
    "part-107-study-plan": {
        "title": "Four-week Part 107 study plan",
        "intro": "About five hours a week. Take a full practice exam at the end of weeks 2, 3 and 4 and book the "
        "test at a PSI centre once you score 85 percent or better twice.",
        "sections": [
            ("Week 1", ["Regulations: Part 107 subparts A to D, waivers, accident reporting", "Quiz: regulations"]),
            ("Week 2", ["Airspace classes, sectional chart symbols, LAANC", "Practice exam 1"]),
            ("Week 3", ["Weather sources, METAR/TAF, density altitude, loading and performance", "Practice exam 2"]),
            ("Week 4", ["Crew resource management, ADM, airport operations, radio", "Practice exam 3, review misses"]),
        ],
    },
    "aerial-shot-list": {
        "title": "Aerial shot list",
        "intro": "Plan the shots before you launch; battery time is the budget.",
        "sections": [
            (
                "Establishing",
                [
                    "Reveal: start behind a foreground element, push forward and tilt up",
                    "Pull-back: start close on the subject, fly backwards and rise",
                    "Top-down: camera at 90 degrees, slow rotate or slow climb",
                ],
            ),
            (
                "Movement",
                [
                    "Orbit: constant radius and altitude, subject centred",
                    "Parallax: fly sideways past a foreground element",
                    "Tracking: match the subject's speed, keep it on a third",
                ],
            ),
        ],
    },
    "mapping-field-checklist": {
        "title": "Mapping field checklist",
        "intro": "For orthomosaics and surface models that meet the accuracy you promised the client.",
        "sections": [
            (
                "Plan",
                [
                    "GSD target set, altitude computed, overlap 75% front / 65% side (80/80 over trees)",
                    "Flight lines parallel to the long side of the site; terrain follow on slopes",
                    "Ground control: at least five GCPs around the edge and centre, plus check points",
                ],
            ),
            (
                "Fly",
                [
                    "Camera: fixed focus or infinity, shutter fast enough for the speed, no motion blur",
                    "Avoid flying from full sun into cloud mid-mission; note the time of each battery",
                    "Photograph each GCP target and record its coordinates and datum",
                ],
            ),
        ],
    },
    "inspection-report-template": {
        "title": "Inspection report template",
        "intro": "Every finding gets a location, a photo and a severity, so someone who was not there can act on it.",
        "sections": [
            ("Header", ["Client, asset, date, weather, remote pilot and visual observer, aircraft and sensor"]),
            (
                "Findings",
                [
                    "ID, location (GPS or grid reference), component",
                    "Description and severity: monitor / repair soon / repair now",
                    "Photo reference, thermal reference with delta-T where relevant",
                ],
            ),
            ("Close", ["Areas not inspected and why", "Recommended follow-up"]),
        ],
    },
    "lipo-battery-care": {
        "title": "LiPo battery care card",
        "intro": "Lithium-polymer packs are the most likely thing on a flight line to catch fire. Treat them that way.",
        "sections": [
            (
                "Charging",
                [
                    "Balance charge at 1C unless the maker says otherwise, on a non-flammable surface, attended",
                    "Never charge a puffed, dented or hot pack",
                ],
            ),
            (
                "Flying and storage",
                [
                    "Land at about 3.5 V per cell under load; do not run packs flat",
                    "Store at 3.8 V per cell in a LiPo bag or ammo box, away from heat",
                    "Carry packs in the cabin when flying commercially, terminals covered",
                ],
            ),
        ],
    },
    "night-ops-checklist": {
        "title": "Night operations checklist",
        "intro": "Night and civil twilight flights need anti-collision lighting visible for 3 statute miles (107.29).",
        "sections": [
            (
                "Before dark",
                [
                    "Walk the site in daylight and note every obstacle and wire",
                    "Anti-collision strobe mounted, charged and visible from all sides",
                    "Red headlamp for the crew; allow 30 minutes for dark adaptation",
                ],
            ),
            (
                "In the air",
                [
                    "Scan off-centre; do not stare at a single light (autokinesis)",
                    "Keep the aircraft closer than in daylight; orientation is harder to judge",
                ],
            ),
        ],
    },
}

PART_107_PREP = {
    "slug": "part-107-remote-pilot-exam-prep",
    "title": "Part 107 Remote Pilot Exam Prep",
    "category": "part-107-prep",
    "level": Course.Level.BEGINNER,
    "format": Course.Format.ONLINE,
    "price": "149",
    "estimated_hours": "18",
    "is_featured": True,
    "instructors": [MAYA],
    "summary": "Everything on the FAA Remote Pilot knowledge test, from regulations and airspace to weather "
    "and crew resource management, with practice exams that look like the real one.",
    "description": """
        Flying a drone for work in the United States takes an FAA **Remote Pilot certificate**, and getting
        one takes a pass on the *Unmanned Aircraft General - Small* knowledge test: 60 multiple-choice
        questions in two hours at a PSI testing centre, with 70 percent to pass.

        This course covers every area of the test in short video lessons with written notes:

        - **Regulations**: 14 CFR Part 107, waivers, operations over people, accident reporting
        - **Airspace**: classes, sectional charts, LAANC authorizations, TFRs and NOTAMs
        - **Weather**: METARs, TAFs, density altitude and how weather changes aircraft performance
        - **Operations**: preflight, crew resource management, decision-making, airport traffic

        You finish with a four-week study plan, downloadable quick-reference cards and timed practice exams
        drawn from the same areas as the real test. Most students pass on the first attempt.

        ## Who it is for
        Anyone aged 16 or older who wants to fly commercially, and recreational pilots moving to paid work.
        No prior aviation knowledge is needed.
    """,
    "sections": [
        {
            "title": "Regulations",
            "lessons": [
                {
                    "title": "Welcome and how the knowledge test works",
                    "minutes": 8,
                    "materials": ["part-107-study-plan"],
                    "body": """
                        ## The path to your certificate

                        To get a Remote Pilot certificate you need to be at least 16, able to read, speak, write
                        and understand English, and in a physical and mental condition to fly safely. Then you
                        pass the initial knowledge test, complete FAA form 8710-13 in IACRA with the exam ID
                        from your test report, and wait for the temporary certificate by email.

                        ## The test itself

                        The test is 60 questions in 2 hours, and you need 70 percent (42 correct). Questions come
                        from the Airman Certification Standards: regulations, airspace, weather, loading and
                        performance, and operations. You get the *Airman Knowledge Testing Supplement* in the
                        room, the same booklet of charts and figures we use throughout this course.

                        ## Staying current

                        The certificate does not expire, but you may only act as remote pilot in command if you
                        completed the knowledge test or the free online recurrent training within the previous
                        **24 calendar months**. Keep the completion certificate with your pilot certificate.
                    """,
                },
                {
                    "title": "Part 107 operating rules",
                    "minutes": 22,
                    "body": """
                        ## The limits you fly within

                        | Rule | Limit |
                        |---|---|
                        | Altitude | 400 ft AGL; higher only within 400 ft of a structure, up to 400 ft above its top |
                        | Speed | 87 knots (100 mph) groundspeed |
                        | Visibility | 3 statute miles from the control station |
                        | Cloud clearance | 500 ft below, 2,000 ft horizontally |
                        | Weight | under 55 lb including payload |

                        ## Visual line of sight

                        The remote pilot in command, the person at the controls or a visual observer must be able
                        to see the aircraft **with unaided vision** (glasses and contact lenses are fine,
                        binoculars are not) well enough to know where it is, which way it is going and that it is
                        not a hazard to anyone.

                        ## Right of way and hazards

                        Yield to all crewed aircraft and never pass so close as to create a collision hazard.
                        You may not operate carelessly or recklessly, drop objects that endanger people or
                        property, or fly from a moving vehicle unless you are over a sparsely populated area.
                        Alcohol: nothing within 8 hours of flying and a blood alcohol level below 0.04 percent.
                    """,
                },
                {
                    "title": "Waivers, registration and accident reporting",
                    "minutes": 16,
                    "body": """
                        ## Registration and Remote ID

                        Every drone flown under Part 107 must be registered in FAA DroneZone, whatever it weighs.
                        Registration costs $5, lasts three years, and the number must be on the outside of the
                        aircraft. The aircraft must also broadcast **Remote ID**, either built in or through a
                        broadcast module, unless it flies inside an FAA-recognized identification area.

                        ## Waivers

                        Several rules can be waived through DroneZone when you show the operation is still safe:
                        flying beyond visual line of sight (107.31), from a moving vehicle (107.25), more than one
                        aircraft at a time (107.35) and the operating limits of 107.51, among others. A waiver is
                        not an airspace authorization; those are separate.

                        ## Accident reporting

                        Report to the FAA **within 10 days** any accident that causes serious injury, loss of
                        consciousness, or damage to property other than the drone costing more than $500 to
                        repair or replace. Your remote pilot certificate and records must be available to the FAA
                        on request.
                    """,
                },
            ],
        },
        {
            "title": "Airspace and charts",
            "lessons": [
                {
                    "title": "Airspace classes from the ground up",
                    "minutes": 24,
                    "materials": ["airspace-quick-reference"],
                    "body": """
                        ## Controlled and uncontrolled

                        Airspace in the US comes in classes A, B, C, D, E and G. For a Part 107 pilot the question
                        is simple: **Classes B, C, D and surface-area E need an authorization** from air traffic
                        control before you fly; Class G does not. Class A starts at 18,000 ft MSL, so you will
                        never meet it.

                        ## Around Boston

                        Logan International sits under **Class B** airspace that reaches the surface over the
                        airport and stacks outward in shelves like an upside-down wedding cake. Most of the city is
                        inside it. Hanscom Field in Bedford and Norwood Memorial are towered **Class D** airports,
                        with their own cylinders of controlled airspace to the surface.

                        ## Getting an authorization

                        Through **LAANC** (Low Altitude Authorization and Notification Capability) you request an
                        authorization in an approved app and usually get an answer in seconds, up to the altitude
                        on the FAA's UAS facility map grid for that spot. Requests above the grid, or at airports
                        without LAANC, go through DroneZone and take longer.
                    """,
                },
                {
                    "title": "Reading a sectional chart",
                    "minutes": 28,
                    "body": """
                        ## The symbols that matter

                        - **Solid blue lines**: Class B. Each shelf is labelled with ceiling over floor in hundreds
                          of feet MSL: `70/SFC` means from the surface to 7,000 ft.
                        - **Solid magenta lines**: Class C.
                        - **Dashed blue lines**: Class D, ceiling in a dashed box: `[25]` means 2,500 ft MSL.
                        - **Dashed magenta lines**: Class E to the surface.
                        - **Magenta vignette**: Class E begins at 700 ft above ground. Below it is Class G.

                        ## Airports and obstacles

                        Airport symbols are blue for towered and magenta for non-towered fields. The data block
                        gives the name, the tower and CTAF frequencies, the field elevation and the longest
                        runway in hundreds of feet. Obstacles show their height twice: the bold number is MSL and
                        the number in parentheses is above ground level.

                        ## Latitude and longitude

                        Many test questions ask you to find a point from coordinates. Latitude lines run east-west
                        and are numbered north of the equator; longitude lines run north-south and are numbered
                        west of Greenwich. Each tick on a sectional is one minute.
                    """,
                },
            ],
        },
        {
            "title": "Weather and performance",
            "lessons": [
                {
                    "title": "METARs, TAFs and weather sources",
                    "minutes": 20,
                    "materials": ["metar-taf-decoder"],
                    "body": """
                        ## The METAR

                        A METAR is an airport's routine hourly observation. Read
                        `KBOS 121554Z 27015G25KT 10SM FEW040 SCT250 08/M04 A2992` left to right: station, day and
                        time in UTC, wind (from 270 degrees true at 15 knots gusting 25), visibility, clouds,
                        temperature over dew point in Celsius, and altimeter setting.

                        ## The TAF

                        A Terminal Aerodrome Forecast covers 24 or 30 hours around an airport. Watch the change
                        groups: `FM` (from this time on), `TEMPO` (temporary fluctuations) and `PROB30` or
                        `PROB40` (a chance of what follows).

                        ## What it means for a small drone

                        Gusts matter more than the average wind: a 15-knot breeze gusting 25 can exceed what a
                        small quadcopter can hold against. When the temperature and dew point are within a couple
                        of degrees, expect fog or low cloud, and remember the 3-mile visibility minimum.
                    """,
                },
                {
                    "title": "Density altitude, loading and performance",
                    "minutes": 18,
                    "body": """
                        ## Thin air

                        Density altitude is the altitude the aircraft *feels*. Hot, high and humid air is less
                        dense, so propellers produce less thrust and batteries work harder for the same lift. On a
                        humid 32 C afternoon expect shorter flight times and slower climbs than in the brochure.

                        ## Load factor

                        In a coordinated turn, the load the aircraft must carry rises with bank angle: about
                        1.15 G at 30 degrees and 2 G at 60 degrees. A heavily loaded drone that banks hard can
                        reach the limit of its motors and start to descend.

                        ## Centre of gravity

                        Mount payloads so the centre of gravity stays where the manufacturer says. An aft-heavy
                        aircraft wastes power on correction and can become uncontrollable in gusts.
                    """,
                },
            ],
        },
        {
            "title": "Operations and decision-making",
            "lessons": [
                {
                    "title": "Crew resource management and aeronautical decision-making",
                    "minutes": 19,
                    "materials": ["preflight-checklist"],
                    "body": """
                        ## Hazardous attitudes

                        The FAA names five, each with an antidote you say to yourself:

                        - *Anti-authority* ("don't tell me"): follow the rules, they are usually right.
                        - *Impulsivity* ("do it quickly"): not so fast, think first.
                        - *Invulnerability* ("it won't happen to me"): it could happen to me.
                        - *Macho* ("I can do it"): taking chances is foolish.
                        - *Resignation* ("what's the use"): I'm not helpless, I can make a difference.

                        ## Checklists for the pilot

                        **IMSAFE** checks you: illness, medication, stress, alcohol, fatigue, emotion. **PAVE**
                        checks the flight: pilot, aircraft, environment, external pressures. Client deadlines are
                        the classic external pressure that pushes pilots into bad weather.

                        ## The crew

                        Brief every crew member on their role, how you will communicate and what happens if the
                        link is lost. The remote pilot in command has final authority and final responsibility.
                    """,
                },
                {
                    "title": "Airport operations and radio communications",
                    "minutes": 15,
                    "body": """
                        ## Traffic patterns

                        Aircraft land into the wind and, unless the chart says otherwise, fly a left-hand pattern.
                        Runway numbers are the magnetic heading divided by ten: runway 27 points to about 270
                        degrees. Expect traffic on the downwind leg at around 1,000 ft above the airport.

                        ## Listening in

                        At non-towered airports pilots announce their position on the **CTAF** (common traffic
                        advisory frequency). A handheld radio lets you hear "Norwood traffic, Cessna 123, left
                        downwind runway 35" and know where to look. Part 107 does not require a radio, but the
                        test expects you to understand these calls.

                        ## The phonetic alphabet

                        Alfa, Bravo, Charlie, Delta... and numbers said digit by digit: 1,500 ft is "one thousand
                        five hundred", runway 35 is "three five".
                    """,
                },
            ],
        },
    ],
}

DRONE_BASICS = {
    "slug": "fly-safe-drone-basics",
    "title": "Fly Safe: Drone Basics",
    "category": "part-107-prep",
    "level": Course.Level.BEGINNER,
    "format": Course.Format.ONLINE,
    "price": "0",
    "estimated_hours": "2",
    "is_featured": True,
    "instructors": [MAYA],
    "summary": "A free first course for new drone owners: the recreational rules, TRUST, registration and "
    "Remote ID, and a preflight routine that keeps your first flights uneventful.",
    "description": """
        Just unboxed a drone? Start here. In about two hours you will know which rules apply to you, what to
        check before every flight and how to get through your first battery without a story to tell.

        - The difference between flying **for fun** and flying **for work**
        - The Recreational UAS Safety Test (**TRUST**), registration and Remote ID
        - Where you can fly around Boston, and where you cannot
        - A preflight checklist you can print and keep in the case

        It is free, and it is the first step towards the Part 107 certificate if you later want to fly for pay.
    """,
    "sections": [
        {
            "title": "Before you fly",
            "lessons": [
                {
                    "title": "Flying for fun or for work",
                    "minutes": 10,
                    "body": """
                        ## Two sets of rules

                        Flying purely for fun falls under the **exception for limited recreational operations**
                        (49 U.S.C. 44809). Anything else, including a real estate photo for a friend who pays you
                        in pizza, is a Part 107 operation and needs a Remote Pilot certificate.

                        ## The recreational rules in brief

                        - Take the free **TRUST** test once and carry the completion certificate.
                        - Fly at or below 400 ft above ground in uncontrolled airspace; controlled airspace
                          needs a LAANC authorization.
                        - Keep the drone within your visual line of sight, or that of an observer next to you.
                        - Give way to crewed aircraft, and do not fly over people or moving cars.
                        - Follow the safety guidelines of a community-based organization such as the AMA.

                        Whichever rules you fly under, local park rules still apply: many Boston-area parks and
                        all of the state's DCR beaches have their own restrictions.
                    """,
                },
                {
                    "title": "Registration and Remote ID",
                    "minutes": 12,
                    "body": """
                        ## Registration

                        Recreational drones that weigh more than 250 grams (0.55 lb) must be registered in FAA
                        DroneZone. One $5 registration covers every recreational drone you own for three years;
                        write the number on each one. Drones under 250 grams flown only for fun do not need it.

                        ## Remote ID

                        Remote ID is a digital licence plate: the aircraft broadcasts its identity, position and
                        the position of its controller. Registered drones must have it built in or carry a
                        broadcast module, or be flown inside an FAA-recognized identification area, such as some
                        model aircraft club fields.

                        ## Check your app

                        Most current camera drones include standard Remote ID. Look for it in the settings, and
                        when you register, enter the Remote ID serial number along with the aircraft.
                    """,
                },
            ],
        },
        {
            "title": "First flights",
            "lessons": [
                {
                    "title": "A preflight routine that works",
                    "minutes": 14,
                    "materials": ["preflight-checklist"],
                    "body": """
                        ## Check the sky, then the site, then the aircraft

                        Start at home: the airspace (B4UFLY or a LAANC app), any temporary flight restrictions,
                        and the weather. At the site, walk the area and look for wires, trees, people and a clear
                        spot to land if something goes wrong.

                        ## The aircraft

                        Look at every propeller for nicks and cracks, make sure batteries are seated and
                        charged, and wait for a strong GPS lock before takeoff. Set a return-to-home altitude that
                        clears the tallest thing around you.

                        ## The hover check

                        Take off to eye level and hover for ten seconds. If the drone drifts, wobbles or shows a
                        compass warning, land and sort it out on the ground, where problems are cheap.
                    """,
                },
                {
                    "title": "When things go wrong",
                    "minutes": 11,
                    "body": """
                        ## Lost signal

                        Most drones climb to the return-to-home altitude and fly back when the link drops. Know
                        what yours does, and keep your hands on the sticks: you can usually cancel the return once
                        the link comes back.

                        ## Low battery and wind

                        Turn back at 30 percent, earlier when the wind is against you on the way home. A drone
                        that flew out with a tailwind may not be able to return against it.

                        ## Fly-away

                        If the aircraft stops responding, note its last position and heading, warn anyone nearby
                        and, if it could enter controlled airspace, call the nearest air traffic facility. Then
                        look at the flight log before you fly again.
                    """,
                },
            ],
        },
    ],
}

RECURRENT_REVIEW = {
    "slug": "part-107-recurrent-review",
    "title": "Part 107 Recurrent Review",
    "category": "part-107-prep",
    "level": Course.Level.INTERMEDIATE,
    "format": Course.Format.ONLINE,
    "price": "49",
    "estimated_hours": "3",
    "instructors": [MAYA],
    "summary": "Your 24-month currency is due. Review what changed since your test, night operations, operations "
    "over people and Remote ID, and finish the FAA's online recurrent training with confidence.",
    "description": """
        Remote pilots must complete recurrent training every **24 calendar months** to keep acting as remote
        pilot in command. The FAA's course is free; this one walks you through the material with real-world
        examples and the rule changes since your initial test, so the FAA's quiz is a formality.

        Includes a short practice quiz on each topic and a reminder of how to record your completion.
    """,
    "prerequisites": [PART_107_PREP["slug"]],
    "sections": [
        {
            "title": "What changed",
            "lessons": [
                {
                    "title": "Currency, recurrent training and what to carry",
                    "minutes": 9,
                    "body": """
                        ## Counting 24 calendar months

                        Calendar months run to the end of the month: if you passed your test on 10 March 2024,
                        you are current through 31 March 2026. Complete the recurrent training any time before
                        that and the clock starts again from the month you finish.

                        ## What to carry

                        When you fly, carry your Remote Pilot certificate and the completion certificate of your
                        most recent knowledge test or recurrent training. The FAA or a local law enforcement
                        officer may ask to see them along with any waiver or authorization you are flying under.
                    """,
                },
                {
                    "title": "Operations over people and moving vehicles",
                    "minutes": 18,
                    "body": """
                        ## The four categories

                        - **Category 1**: 0.55 lb or less, no exposed rotating parts that could lacerate skin,
                          Remote ID for sustained flight over open-air assemblies.
                        - **Category 2**: an FAA-accepted declaration of compliance showing injury below 11 ft-lb
                          of kinetic energy, no exposed lacerating parts, no known safety defect.
                        - **Category 3**: below 25 ft-lb; only over people inside a closed or restricted-access
                          site who have been told, or who are under cover.
                        - **Category 4**: an airworthiness certificate and its operating limitations.

                        ## Moving vehicles

                        Categories 1, 2 and 4 may pass over moving vehicles; sustained flight over them is
                        allowed only within a closed or restricted-access area where the occupants have been told
                        a drone may fly over them.
                    """,
                },
            ],
        },
        {
            "title": "Night and Remote ID",
            "lessons": [
                {
                    "title": "Night flying under the current rule",
                    "minutes": 14,
                    "materials": ["night-ops-checklist"],
                    "body": """
                        ## No waiver needed

                        Since April 2021 you may fly at night under Part 107 without a waiver if your knowledge is
                        current (the updated test or recurrent training includes night topics) and the aircraft
                        has **anti-collision lighting visible for at least 3 statute miles** with a flash rate
                        sufficient to avoid a collision. The same lighting is required during civil twilight.

                        ## Seeing in the dark

                        Your eyes need about 30 minutes to adapt fully to darkness, and a single glance at a bright
                        screen undoes much of it. Dim the controller and use red light on the flight line.
                    """,
                },
                {
                    "title": "Remote ID in practice",
                    "minutes": 10,
                    "body": """
                        ## Three ways to comply

                        Fly a **standard Remote ID** aircraft, fit a **broadcast module** (which also means
                        keeping the aircraft within visual line of sight of the take-off point), or fly inside an
                        **FAA-recognized identification area**.

                        ## Keep your registration in step

                        The Remote ID serial number of the aircraft or module must be listed on its registration
                        in DroneZone. Moving a module between aircraft means updating the registration each time.
                    """,
                },
            ],
        },
    ],
}

AERIAL_PHOTOGRAPHY = {
    "slug": "aerial-photography-and-video-fundamentals",
    "title": "Aerial Photography and Video Fundamentals",
    "category": "aerial-photography-video",
    "level": Course.Level.BEGINNER,
    "format": Course.Format.HYBRID,
    "price": "299",
    "estimated_hours": "12",
    "is_featured": True,
    "instructors": [DANIEL],
    "summary": "Exposure, composition and smooth camera moves: online lessons at your own pace, then a Saturday "
    "flight day where you shoot a real location with an instructor at your side.",
    "description": """
        Most drone footage looks the same: a fast climb, a wobbly pan, a blown-out sky. This course teaches you
        to shoot like a camera operator who happens to be in the air.

        **Online (about 8 hours):** exposure from the air, ND filters and shutter speed for video, colour
        profiles and RAW, composition from above, and the six camera moves every editor wants.

        **Flight day (4 hours):** a small group at one of our fields outside Boston. You plan a shot list, fly
        it, and review the footage with Daniel before you pack up.

        Bring your own drone, or borrow one of ours on the day. A Part 107 certificate is not required for the
        course, but you will need one to sell what you shoot.
    """,
    "sections": [
        {
            "title": "The camera in the sky",
            "lessons": [
                {
                    "title": "Exposure from the air",
                    "minutes": 15,
                    "body": """
                        ## The exposure triangle, simplified

                        Small drone sensors are noisy, so keep **ISO at its base value** (usually 100) and treat it
                        as fixed. That leaves aperture, which on many drones is fixed too, and shutter speed.
                        Exposure in the air is mostly a shutter and filter decision.

                        ## Read the histogram, not the screen

                        A phone screen in sunlight lies. Turn on the histogram and the overexposure warning
                        ("zebras") and expose so the sky is not clipped on the right. Shadows can be lifted in the
                        edit; clipped highlights are gone.

                        ## Bracket for stills

                        For high-contrast scenes, shoot auto-exposure bracketing (AEB) of 3 or 5 frames and merge
                        them later. Hold the drone still: any movement between frames shows as ghosting.
                    """,
                },
                {
                    "title": "ND filters and the 180-degree shutter",
                    "minutes": 17,
                    "materials": ["aerial-shot-list"],
                    "body": """
                        ## Why motion blur matters

                        Video looks natural when each frame has a little motion blur. The rule of thumb is a
                        shutter speed of about **1 / (2 x frame rate)**: 1/50 s at 24 or 25 fps, 1/60 s at 30 fps.
                        On a bright day at base ISO that lets in far too much light.

                        ## Enter the ND filter

                        Neutral density filters cut light without changing colour. ND8 removes three stops, ND16
                        four, ND32 five. On a sunny New England summer day at 30 fps, ND32 or ND64 is typical;
                        under cloud, ND8 or none.

                        ## When to break the rule

                        For fast action or footage you will stabilise in post, a faster shutter keeps detail crisp.
                        For stills, forget the rule entirely and shoot as fast as the light allows.
                    """,
                },
                {
                    "title": "Colour profiles and RAW",
                    "minutes": 12,
                    "body": """
                        ## Log and flat profiles

                        A log profile (D-Log, D-Log M and similar) records a flat, grey-looking image that keeps
                        more detail in highlights and shadows. It needs colour grading; a normal profile looks good
                        straight out of the camera. Shoot log when you will grade, and 10-bit if your drone offers it.

                        ## RAW stills

                        Shoot DNG RAW alongside JPEG. RAW keeps the full sensor data, so white balance and
                        exposure can be corrected later without the banding a JPEG shows in skies.
                    """,
                },
            ],
        },
        {
            "title": "Composition and camera moves",
            "lessons": [
                {
                    "title": "Composition from above",
                    "minutes": 16,
                    "body": """
                        ## New rules for a new angle

                        From above, the ground becomes a graphic: roads are lines, fields are blocks of colour,
                        shadows become the subject. The rule of thirds still works, and **leading lines** such as a
                        coastline or a road drawing the eye into the frame work even better than on the ground.

                        ## Top-down

                        Point the camera straight down (90 degrees) and look for pattern and symmetry: a marina,
                        the Zakim bridge cables, rows of crops. Shadows at golden hour add depth to a flat view.

                        ## Altitude is a lens

                        Lower is usually better. At 60 ft the viewer feels present; at 390 ft it looks like a map.
                    """,
                },
                {
                    "title": "Six camera moves editors love",
                    "minutes": 21,
                    "body": """
                        1. **Reveal**: start behind a foreground element (a tree line, a roof) and push forward.
                        2. **Pull-back**: start close on the subject and fly backwards and up.
                        3. **Orbit**: circle the subject at constant radius and height; slower is better.
                        4. **Parallax**: fly sideways past something in the foreground.
                        5. **Tracking**: follow a moving subject, keeping it on a third of the frame.
                        6. **Top-down rise**: camera straight down, climb slowly.

                        ## Smoothness

                        Use cine or tripod mode to cap speeds, lower the stick expo so small inputs stay small,
                        and start and end every move still: editors need a second of calm on both ends.
                    """,
                },
            ],
        },
        {
            "title": "Flight day",
            "lessons": [
                {
                    "title": "Planning your flight day",
                    "minutes": 9,
                    "materials": ["preflight-checklist"],
                    "body": """
                        ## What happens on the day

                        We meet at the field at 9:00, brief the site and the airspace, and fly in pairs: one pilot,
                        one visual observer and shot caller. Each of you flies at least four batteries and shoots
                        the six moves from your shot list.

                        ## What to bring

                        Your drone with charged batteries and ND filters if you have them, a charged phone or
                        tablet, water, sunscreen and layers: fields outside Boston are windy. Loaner drones are
                        available if you told us at booking.

                        ## Weather

                        We decide by 6:00 on the morning. If wind or rain scrubs the session you can move to the
                        next date at no cost.
                    """,
                },
                {
                    "title": "Reviewing and delivering footage",
                    "minutes": 13,
                    "body": """
                        ## Cull hard

                        Keep only clips with a clean start and end, a level horizon and no propellers in frame.
                        A good day of flying gives a handful of great clips, not an hour of footage.

                        ## Deliver what clients expect

                        Real estate and marketing clients usually want 4K at 24 or 30 fps, graded, plus a few
                        stills at full resolution. Name files by location and shot, and keep the originals.
                    """,
                },
            ],
        },
    ],
}

DRONE_MAPPING = {
    "slug": "drone-mapping-and-photogrammetry",
    "title": "Drone Mapping and Photogrammetry",
    "category": "mapping-surveying",
    "level": Course.Level.INTERMEDIATE,
    "format": Course.Format.HYBRID,
    "price": "495",
    "estimated_hours": "20",
    "is_featured": True,
    "instructors": [PRIYA],
    "summary": "Plan, fly and process mapping missions: ground sample distance, overlap, ground control, RTK and "
    "PPK, orthomosaics and surface models, finished with a field day on a real site.",
    "description": """
        Mapping is where drones pay for themselves: construction progress, stockpile volumes, site plans,
        erosion monitoring. It is also where a careless mission wastes a day, because nothing shows the
        problem until the processing fails or the accuracy report comes back wrong.

        You will learn to:

        - choose altitude and overlap for a target **ground sample distance**
        - lay out **ground control points** and check points, or decide when RTK/PPK is enough
        - process an **orthomosaic**, a **digital surface model** and a point cloud
        - read an accuracy report and explain it to a client

        The field day is on a quarry-and-site training area west of Boston, where you fly a mission with
        your own ground control and process it the same afternoon.
    """,
    "prerequisites": [PART_107_PREP["slug"]],
    "sections": [
        {
            "title": "Mapping fundamentals",
            "lessons": [
                {
                    "title": "Ground sample distance and overlap",
                    "minutes": 20,
                    "body": """
                        ## Ground sample distance

                        GSD is the distance on the ground between the centres of two pixels. It follows from the
                        camera and the altitude:

                        `GSD (cm/px) = sensor width (mm) x altitude (m) x 100 / (focal length (mm) x image width (px))`

                        A 1-inch sensor (13.2 mm wide) with an 8.8 mm lens and 5,472-pixel images at 100 m gives
                        about **2.7 cm/px**. Halve the altitude and you halve the GSD, but double the flight lines.

                        ## Overlap

                        Photogrammetry matches features between overlapping images. For orthomosaics over open
                        ground, plan **75 percent front and 65 percent side overlap**. Over trees, crops or water,
                        where features move or repeat, go to 80 and 80 or higher.
                    """,
                },
                {
                    "title": "Ground control, RTK and PPK",
                    "minutes": 24,
                    "materials": ["mapping-field-checklist"],
                    "body": """
                        ## Relative and absolute accuracy

                        Without control, a map is internally consistent but can sit a metre or more away from its
                        true position. Ground control points (GCPs), surveyed with a GNSS rover, tie the model to
                        real coordinates.

                        ## How many and where

                        Use at least five GCPs: four near the corners and one in the middle, more on long or
                        hilly sites. Keep a few extra **check points** out of the processing to measure the
                        accuracy you actually achieved.

                        ## RTK and PPK

                        An RTK drone corrects its own camera positions in flight from a base station or network;
                        PPK applies the same corrections afterwards from logged data. Either can reach a few
                        centimetres, but always fly check points: a wrong base coordinate shifts the whole map.

                        Agree the coordinate system with the client before you fly, for example NAD83
                        Massachusetts State Plane (Mainland) with NAVD88 heights.
                    """,
                },
            ],
        },
        {
            "title": "Planning and flying the mission",
            "lessons": [
                {
                    "title": "Mission planning software and terrain",
                    "minutes": 18,
                    "body": """
                        ## Grid missions

                        Mapping apps fly a lawnmower grid at fixed altitude and trigger the camera at fixed
                        distances. Lay flight lines along the long side of the site to cut the number of turns.

                        ## Terrain follow

                        Altitude in the app is relative to the take-off point. On a hillside, the GSD and overlap
                        change as the ground rises toward the drone. Use terrain-follow with an elevation model, or
                        split the site into blocks at different altitudes.

                        ## Obstacles

                        A grid at 120 m clears most things, but cranes and towers do not care about your plan.
                        Check the site for tall obstacles, and know that Part 107 lets you fly higher than 400 ft
                        only within 400 ft of a structure.
                    """,
                },
                {
                    "title": "Field procedures that save the day",
                    "minutes": 15,
                    "body": """
                        ## Light

                        Fly with consistent light. Midday sun gives short shadows; a mission that starts in
                        sunshine and finishes under cloud produces a patchy orthomosaic.

                        ## Shutter and speed

                        Motion blur ruins matching. Keep shutter speed at 1/1000 s or faster, or slow the aircraft.
                        A mechanical shutter avoids the rolling-shutter distortion of many small drones.

                        ## Keep records

                        Note battery changes, the time of each flight and anything odd. When processing shows a
                        gap, the notes tell you which flight to repeat.
                    """,
                },
            ],
        },
        {
            "title": "Processing and deliverables",
            "lessons": [
                {
                    "title": "From photos to orthomosaic and surface model",
                    "minutes": 26,
                    "body": """
                        ## The pipeline

                        Every photogrammetry package follows the same steps: find and match features, solve camera
                        positions (bundle adjustment), build a dense point cloud, mesh or grid it into a surface
                        model, and project the photos onto that surface to make the orthomosaic.

                        ## Deliverables

                        - **Orthomosaic**: a map-accurate image, as a GeoTIFF.
                        - **DSM**: the top surface, including buildings and trees.
                        - **DTM**: bare earth, after classifying and removing above-ground points.
                        - **Point cloud**, **contours** and **volumes** derived from these.

                        OpenDroneMap is free and open source; commercial tools add speed and support.
                    """,
                },
                {
                    "title": "Accuracy reports and talking to clients",
                    "minutes": 14,
                    "body": """
                        ## Read the report

                        The processing report lists GCP and check point errors. The number that matters is the
                        **RMSE on check points**, horizontal and vertical. Vertical error is typically one and a
                        half to three times the horizontal.

                        ## Say what the product is

                        A drone map is a measurement with an uncertainty, not a boundary survey. Where a product
                        will be used to establish property lines or certified elevations, a licensed professional
                        land surveyor must be involved. Put the accuracy and its limits in writing.
                    """,
                },
            ],
        },
    ],
}

INFRASTRUCTURE_INSPECTION = {
    "slug": "infrastructure-inspection",
    "title": "Infrastructure Inspection: Roofs, Towers and Bridges",
    "category": "inspection",
    "level": Course.Level.ADVANCED,
    "format": Course.Format.IN_PERSON,
    "price": "495",
    "estimated_hours": "16",
    "instructors": [PRIYA, MAYA],
    "summary": "Two days on our inspection yard: close-proximity flying around structures, thermal imaging of "
    "roofs and solar arrays, and reports that engineers and insurers can act on.",
    "description": """
        Inspection work pays well because it is hard: you fly close to steel and concrete, with the compass
        disturbed and GPS shadowed, and the client needs findings they can act on, not just pretty pictures.

        Over two days at our training yard in Devens you will:

        - fly systematic patterns around a lattice tower, a roof mock-up and a steel truss bridge span
        - manage magnetic interference, GPS loss and wind rotors close to structures
        - capture thermal images of roofs and solar panels under the right conditions
        - turn a flight into an inspection report with located, photographed, graded findings

        You need a current Part 107 certificate and at least 10 hours of flight experience. Aircraft with
        obstacle sensing and a thermal camera are provided.
    """,
    "prerequisites": [PART_107_PREP["slug"]],
    "sections": [
        {
            "title": "Flying close to structures",
            "lessons": [
                {
                    "title": "Standoff, patterns and the 400-foot structure rule",
                    "minutes": 18,
                    "body": """
                        ## Systematic coverage

                        Inspectors fly patterns, not wanderings: vertical columns up and down a tower face, or
                        horizontal orbits at fixed height steps. Overlap each pass so nothing is missed, and
                        photograph every face from the same standoff so images can be compared year to year.

                        ## Standoff distance

                        Pick a standoff that gives the detail you need with the zoom you have, and keep it. Closer
                        is not always better: wind curls around buildings and off rooftops, and the rotor wash
                        bounces back from flat surfaces.

                        ## Height around tall structures

                        Part 107 allows flight higher than 400 ft above ground if you stay **within a 400-ft
                        radius of the structure** and no more than 400 ft above its top. Controlled airspace still
                        needs an authorization for the full height.
                    """,
                },
                {
                    "title": "Compass interference, GPS shadow and ATTI mode",
                    "minutes": 20,
                    "body": """
                        ## Steel and current

                        Steel structures, rebar and high-current cables distort the magnetic field. Never calibrate
                        the compass next to a structure, and take off from open ground at least a few metres from
                        metal. A compass error warning after take-off means move away and land.

                        ## Losing GPS

                        Under a bridge deck or beside a tall wall the aircraft may lose satellite lock and drop to
                        attitude mode, where it drifts with the wind. Practise flying in ATTI mode in open space
                        before you need it, and plan a way out that does not rely on return-to-home.

                        ## RF near towers

                        Cell towers carry powerful transmitters. Keep the recommended distance from antennas, and
                        expect video and control link interference close to them.
                    """,
                },
            ],
        },
        {
            "title": "Thermal imaging",
            "lessons": [
                {
                    "title": "Thermal basics: emissivity, reflection and timing",
                    "minutes": 22,
                    "body": """
                        ## What the camera measures

                        A thermal camera measures infrared radiation, not temperature. How much a surface emits at a
                        given temperature is its **emissivity**: roofing membranes and concrete are high (around 0.9),
                        shiny metal is low and mostly reflects its surroundings, including the sky and you.

                        ## Radiometric or not

                        A radiometric camera stores a temperature value for every pixel, so you can measure spots and
                        differences afterwards. Non-radiometric cameras give a picture only; fine for finding
                        anomalies, useless for quantifying them.

                        ## Timing is everything

                        Flat roofs are scanned after sunset on a clear day: wet insulation holds the day's heat and
                        shows as warm patches while dry areas cool. Solar arrays are scanned in strong sun, with
                        irradiance of at least 600 W/m2, so faulty cells stand out as hot spots.
                    """,
                },
                {
                    "title": "Writing the inspection report",
                    "minutes": 16,
                    "materials": ["inspection-report-template"],
                    "body": """
                        ## Findings a stranger can act on

                        Each finding needs an ID, a location (coordinates or a grid reference on the asset), the
                        component, a short description, a severity and the images that support it. For thermal
                        findings, give the temperature difference to the surrounding area (delta-T).

                        ## Severity

                        Keep to three levels the client understands: *monitor*, *repair soon*, *repair now*. Leave
                        structural judgements to the engineer: describe what you saw, not what it means.

                        ## Say what you did not see

                        List areas not inspected and why: access, obstacles, light. A report that claims complete
                        coverage it did not achieve is a liability.
                    """,
                },
            ],
        },
    ],
}

FPV_FUNDAMENTALS = {
    "slug": "fpv-flight-fundamentals",
    "title": "FPV Flight Fundamentals",
    "category": "fpv",
    "level": Course.Level.BEGINNER,
    "format": Course.Format.IN_PERSON,
    "price": "299",
    "estimated_hours": "10",
    "instructors": [DANIEL],
    "summary": "From the simulator to your first acro flips: gear, radio rules and batteries, then a day on the "
    "field flying our quads with goggles and a spotter.",
    "description": """
        First-person-view flying is the closest thing to being in the aircraft, and the fastest way to crash
        one. This course gets you there in the right order: simulator first, then real quads on an open field
        with an instructor as your visual observer.

        On the day you will fly angle mode, then horizon, then acro, and finish with a simple gate course.
        We provide the quads, goggles and batteries; bring your own radio if you have one.

        FPV under Part 107 needs a visual observer who keeps the aircraft in sight. We cover how that works,
        along with the radio licensing rules for analog video transmitters.
    """,
    "sections": [
        {
            "title": "Before the field",
            "lessons": [
                {
                    "title": "Simulator first",
                    "minutes": 14,
                    "body": """
                        ## Why a simulator

                        In acro mode the quad does not level itself: let go of the sticks and it keeps whatever angle
                        it had. That takes hours to learn, and a simulator crash costs a key press, not a frame and
                        an afternoon. Plan on **10 to 20 hours** in a sim before your first acro flight.

                        ## Setting up

                        Plug your radio into the computer as a USB joystick, and copy your real quad's rates into the
                        sim so the muscle memory transfers. Liftoff, Velocidrone and Uncrashed are all good choices.

                        ## A practice plan

                        Hover and land in angle mode, then fly figure-eights around two trees at constant height,
                        then the same in acro. Only when you can do ten clean figure-eights is it time for the field.
                    """,
                },
                {
                    "title": "Rates, modes and the flight controller",
                    "minutes": 16,
                    "body": """
                        ## Flight modes

                        - **Angle**: self-levelling, with a maximum tilt; like a camera drone without GPS.
                        - **Horizon**: self-levelling near centre stick, flips and rolls at full deflection.
                        - **Acro (rate)**: the sticks command rotation rate; nothing levels the quad for you.

                        ## Rates

                        Rates set how fast the quad rotates at each stick position. Beginners do well with a maximum
                        of around 500 to 600 degrees per second and some expo for a soft centre, so small stick
                        movements stay small.
                    """,
                },
            ],
        },
        {
            "title": "Gear and rules",
            "lessons": [
                {
                    "title": "Video systems and radio licensing",
                    "minutes": 13,
                    "body": """
                        ## Analog and digital

                        Analog 5.8 GHz video has almost no latency and cheap gear; digital systems give a much
                        clearer picture with a few milliseconds more delay. Both need line of sight to the goggles.

                        ## Licensing

                        Many analog video transmitters, especially at higher power or on certain channels, are
                        operated under **amateur radio** rules, which means at least a Technician-class licence
                        and your call sign on the aircraft. Digital systems certified under FCC Part 15 do not need
                        one. Check what your transmitter is certified for before you fly it.
                    """,
                },
                {
                    "title": "Visual observers, batteries and safe field setup",
                    "minutes": 17,
                    "materials": ["lipo-battery-care"],
                    "body": """
                        ## Goggles and Part 107

                        Goggles mean you cannot see the aircraft directly, so a **visual observer** must keep it in
                        unaided sight and be able to tell you about hazards at once. Stand next to each other and
                        agree on short calls: "clear", "traffic", "land now".

                        ## LiPo batteries

                        FPV packs deliver huge currents and punish abuse. Land at about 3.5 V per cell, never
                        charge a puffed pack, and store at 3.8 V per cell in a fireproof bag or box.

                        ## Field layout

                        Keep pilots behind a line, spectators further back, and never fly toward people, roads or
                        the pit area. Props come off whenever anyone is working on a quad.
                    """,
                },
            ],
        },
    ],
}

NIGHT_OPERATIONS = {
    "slug": "night-operations-and-advanced-authorizations",
    "title": "Night Operations and Advanced Authorizations",
    "category": "night-advanced-operations",
    "level": Course.Level.ADVANCED,
    "format": Course.Format.ONLINE,
    "price": "149",
    "estimated_hours": "6",
    "instructors": [MAYA, PRIYA],
    "summary": "Fly at night, over people and in controlled airspace above the grid: lighting, night vision, "
    "operations-over-people categories and how to write waiver and authorization requests the FAA approves.",
    "description": """
        Much of the paid work happens outside the easy cases: an evening event, a job downtown near Logan, a
        shot over a crowd. This course covers what the rules allow without paperwork, and how to ask for the rest.

        - Night and twilight operations: lighting, physiology, illusions and site planning
        - Operations over people and moving vehicles, category by category
        - Airspace authorizations above the LAANC grid through DroneZone
        - Waivers: what the FAA looks for in a safety case, with worked examples
    """,
    "prerequisites": [PART_107_PREP["slug"]],
    "sections": [
        {
            "title": "Flying at night",
            "lessons": [
                {
                    "title": "Night vision and illusions",
                    "minutes": 15,
                    "materials": ["night-ops-checklist"],
                    "body": """
                        ## Rods and cones

                        The centre of the eye (cones) sees colour and detail but works poorly in the dark; the rods
                        around it see dim light. At night, look **slightly to the side** of the aircraft rather than
                        straight at it, and keep your eyes moving.

                        ## Autokinesis

                        Stare at a single light against a dark sky for a few seconds and it seems to move. Pilots
                        have chased drifting aircraft that were perfectly still. Shift your gaze regularly and use
                        the ground as a reference.

                        ## Reading other aircraft

                        A crewed aircraft shows a red light on its left wing, green on its right and white at the tail.
                        See red and green together and it is coming toward you.
                    """,
                },
                {
                    "title": "Planning a night mission",
                    "minutes": 13,
                    "body": """
                        ## Survey in daylight

                        Walk and fly the site in daylight first. Note every tree, pole and wire: at night you will
                        see the aircraft's strobe and nothing else.

                        ## Lighting

                        Part 107 requires anti-collision lighting visible for **3 statute miles** at night and in
                        civil twilight. Built-in navigation lights are usually not enough; add a bright strobe and
                        check it from a distance before the job.

                        ## Keep it closer

                        Judging distance and orientation is much harder in the dark. Fly nearer than you would by
                        day and keep a spotlight ready for the landing area.
                    """,
                },
            ],
        },
        {
            "title": "Authorizations and waivers",
            "lessons": [
                {
                    "title": "Authorizations above the LAANC grid",
                    "minutes": 14,
                    "body": """
                        ## When LAANC says no

                        LAANC approves up to the altitude shown on the UAS facility map for each grid square, which
                        near Logan can be zero. For anything higher, apply through **DroneZone** and allow time:
                        the request goes to the air traffic facility for review.

                        ## A request that gets approved

                        Give exact boundaries (a small polygon, not a town), the maximum altitude you need and no
                        more, times and dates, and how you will stay clear of traffic: a visual observer, a radio
                        on the tower frequency, and what you will do if crewed aircraft appear.
                    """,
                },
                {
                    "title": "Writing a waiver safety case",
                    "minutes": 22,
                    "body": """
                        ## What the FAA asks

                        Every waiver application answers one question: how will you keep the operation as safe as
                        the rule you want waived would? For a beyond visual line of sight waiver (107.31), that means
                        how you will see and avoid other aircraft, what happens when the command link fails, and
                        how you keep people on the ground out of harm.

                        ## Structure

                        1. Describe the operation: where, when, how high, which aircraft.
                        2. List the hazards the rule protects against.
                        3. For each hazard, the mitigations: equipment, procedures, crew training.
                        4. Show the residual risk is acceptable, with evidence such as test flights and records.

                        Short, specific applications are approved faster than long generic ones.
                    """,
                },
            ],
        },
    ],
}

THERMAL_PUBLIC_SAFETY = {
    "slug": "thermal-imaging-for-public-safety",
    "title": "Thermal Imaging for Public Safety",
    "category": "inspection",
    "level": Course.Level.ADVANCED,
    "format": Course.Format.HYBRID,
    "price": "495",
    "estimated_hours": "14",
    "status": Course.Status.DRAFT,  # still being written: visible to its instructors and staff only
    "instructors": [PRIYA],
    "summary": "Search and rescue, fire overhaul and incident overwatch with thermal cameras, for fire, police "
    "and emergency management teams.",
    "description": """
        A course for public safety drone teams: thermal search patterns, reading scenes at night, and working
        with incident command. *Draft: the flight day is still being planned.*
    """,
    "sections": [
        {
            "title": "Searching with thermal",
            "lessons": [
                {
                    "title": "Search patterns and probability of detection",
                    "minutes": 18,
                    "body": """
                        ## Patterns

                        Parallel-track searches cover open ground evenly; expanding-square searches start from a last
                        known point. Altitude trades coverage against detail: a person must cover enough pixels to be
                        recognised, not just detected.

                        ## When thermal works

                        Thermal contrast is best at night and early morning, when the ground has cooled. On a sunny
                        afternoon rocks and pavement can be warmer than a person.
                    """,
                },
                {
                    "title": "Working with incident command",
                    "minutes": 12,
                    "body": """
                        ## One more resource

                        The drone team reports to the incident commander like any other unit: brief the capabilities,
                        agree the task and the radio channel, and report findings in the format command uses.

                        ## Emergency airspace

                        For flights in controlled airspace or in a TFR during an emergency, the FAA's Special
                        Governmental Interest process can grant authorizations quickly to public safety operators.
                    """,
                },
            ],
        },
        {
            "title": "Fire and overwatch",
            "lessons": [
                {
                    "title": "Fire overhaul and hot spots",
                    "minutes": 16,
                    "body": """
                        ## Finding what is left

                        After knockdown, a thermal overflight finds hidden hot spots in walls, roofs and debris piles
                        faster than crews can with handheld cameras. Report them with a reference the crew can see.

                        ## Smoke

                        Thermal sees through light smoke that stops a visible camera, but not through glass or water.
                    """,
                },
                {
                    "title": "Overwatch at night events",
                    "minutes": 11,
                    "body": """
                        ## Keep it legal

                        Overwatch over crowds means operations over people: know your aircraft's category, or stay
                        offset from the crowd and use zoom. Stadium and event TFRs apply to you too unless you are
                        authorized.
                    """,
                },
            ],
        },
    ],
}

COURSES = [
    DRONE_BASICS,
    PART_107_PREP,
    RECURRENT_REVIEW,
    AERIAL_PHOTOGRAPHY,
    DRONE_MAPPING,
    INFRASTRUCTURE_INSPECTION,
    FPV_FUNDAMENTALS,
    NIGHT_OPERATIONS,
    THERMAL_PUBLIC_SAFETY,
]

# Upcoming practicals for the hybrid and in-person courses, dated from the next Saturday on each run
# that finds a course with none upcoming. The sites are outside Logan's Class B surface area.
WESTBOROUGH_FIELD = {
    "location_name": "Westborough training field",
    "location_address": "40 Flanders Road, Westborough, MA 01581",
}
STOW_FARM = {"location_name": "Stow sod farm", "location_address": "112 Boxboro Road, Stow, MA 01775"}
DEVENS_YARD = {"location_name": "Devens inspection yard", "location_address": "21 Jackson Road, Devens, MA 01434"}
BOLTON_FPV = {"location_name": "Bolton FPV field", "location_address": "560 Main Street, Bolton, MA 01740"}

FLIGHT_DAY_NOTES = """
    Arrive 15 minutes before the start. Bring your drone and charged batteries (or ask for a loaner when you book),
    water, sunscreen and a warm layer: the field is exposed and the wind picks up by noon.

    We check weather, NOTAMs and TFRs at 6:00 on the morning and email you by 6:30 if the session is scrubbed.
"""

WAIVER_TEXT = """
    Flight training involves small unmanned aircraft with spinning propellers, batteries that can
    overheat, and outdoor conditions that can change quickly. By booking a seat I confirm that I will
    follow the instructor's directions and the site briefing at all times, stay behind the pilot
    line when I am not flying, wear the eye protection provided, and stop at once when told to.

    I understand that weather may scrub a session; Boston Drone School will offer another date or a
    refund of the practical. I accept the ordinary risks of outdoor flight training and release Boston
    Drone School and its instructors from claims for injury or loss arising from them, except where
    caused by their negligence. I am at least 16 years old, or my parent or guardian has agreed to
    this waiver in writing.
"""

FLIGHT_SESSIONS = {
    AERIAL_PHOTOGRAPHY["slug"]: [
        {"days_after_first_saturday": 0, "starts": time(9), "hours": 4, "capacity": 8, "instructors": [DANIEL],
         "notes": FLIGHT_DAY_NOTES, **WESTBOROUGH_FIELD},
        {"days_after_first_saturday": 14, "starts": time(9), "hours": 4, "capacity": 8, "instructors": [DANIEL],
         "notes": FLIGHT_DAY_NOTES, **STOW_FARM},
        {"days_after_first_saturday": 29, "starts": time(13), "hours": 3, "capacity": 6, "instructors": [DANIEL],
         "notes": "Afternoon session, for those who cannot make a morning. " + FLIGHT_DAY_NOTES.strip(), **STOW_FARM},
    ],
    DRONE_MAPPING["slug"]: [
        {"days_after_first_saturday": 7, "starts": time(8, 30), "hours": 7, "capacity": 6, "instructors": [PRIYA],
         "notes": """
            A full day: mission planning, ground control layout with our GNSS rover, two mapping flights and
            processing in the afternoon. Bring a laptop with at least 16 GB of memory if you have one; we provide
            the aircraft, targets and software licences. Lunch is provided.
         """, **WESTBOROUGH_FIELD},
        {"days_after_first_saturday": 28, "starts": time(8, 30), "hours": 7, "capacity": 6, "instructors": [PRIYA],
         "notes": "Same programme as the earlier date. Closed-toe boots: the site has gravel piles and mud.",
         **WESTBOROUGH_FIELD},
    ],
    INFRASTRUCTURE_INSPECTION["slug"]: [
        {"days_after_first_saturday": 8, "starts": time(8), "hours": 8, "capacity": 6, "instructors": [PRIYA, MAYA],
         "notes": """
            Day one of two (the second day is the following Sunday, same time). Hard hats and high-visibility
            vests are required on the yard and provided. Bring your Part 107 certificate and flight log.
         """, **DEVENS_YARD},
    ],
    FPV_FUNDAMENTALS["slug"]: [
        {"days_after_first_saturday": 1, "starts": time(10), "hours": 5, "capacity": 10, "instructors": [DANIEL],
         "notes": """
            Quads, goggles and batteries provided. Bring your radio if you have one (ELRS or the same protocol you
            used in the simulator) and at least 10 hours of simulator time. Sunday session.
         """, **BOLTON_FPV},
        {"days_after_first_saturday": 15, "starts": time(10), "hours": 5, "capacity": 10, "instructors": [DANIEL],
         "notes": "Quads, goggles and batteries provided. Bring at least 10 hours of simulator time.", **BOLTON_FPV},
    ],
}  # fmt: skip
