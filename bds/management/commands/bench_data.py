"""`manage.py bench_data`: a realistic data set for the load benchmark, made with bulk inserts.

500 courses, 8,000 lessons, 50,000 users, 150,000 enrollments, 200,000 payments and 1,000
flight sessions by default (scale them with --scale; --scale 10 is the staff lists' data set).
The big tables go in through PostgreSQL's COPY (core/bulk_copy.py). Rows are tagged with the "bench-" prefix
so the command can tell it already ran. It runs on any database (the test suite builds a small
set on SQLite), but benchmark numbers only mean something on PostgreSQL, as bench/run.py uses.
"""

import random
from datetime import timedelta
from decimal import Decimal

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.utils import timezone

from core.bulk_copy import bulk_insert
from courses.models import Category, Course, Instructor, Section
from enrollments.models import Enrollment
from flights.models import FlightSession
from lessons.models import Lesson

User = get_user_model()
BATCH = 5000
TOPICS = [
    "Part 107 exam prep",
    "Aerial cinematography",
    "Photogrammetry and mapping",
    "Roof and solar inspection",
    "FPV freestyle",
    "Night operations",
    "Thermal imaging",
    "Agricultural surveying",
    "Real estate photography",
    "Search and rescue",
]
WORDS = [
    "airspace",
    "weather",
    "loading",
    "performance",
    "operations",
    "sectional",
    "chart",
    "battery",
    "gimbal",
    "waypoint",
    "orbit",
]


class Command(BaseCommand):
    help = "Create the benchmark data set with bulk inserts (see bench/run.py)."

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=float, default=1.0, help="Multiply every row count (e.g. 0.01).")
        parser.add_argument("--seed", type=int, default=107)

    def handle(self, *args, scale: float, seed: int, **options):
        if User.objects.filter(email__startswith="bench-").exists():
            self.stdout.write("Benchmark data already present; nothing to do.")
            return
        rng = random.Random(seed)
        counts = {
            "courses": max(2, int(500 * scale)),
            "lessons": max(4, int(8000 * scale)),
            "users": max(4, int(50000 * scale)),
            "enrollments": max(4, int(150000 * scale)),
            "payments": max(4, int(200000 * scale)),
            "sessions": max(2, int(1000 * scale)),
        }
        with transaction.atomic():
            courses = self._courses(rng, counts["courses"])
            self._lessons(rng, courses, counts["lessons"])
            users = self._users(counts["users"])
            enrollments = self._enrollments(rng, users, courses, counts["enrollments"])
            self._payments(rng, enrollments, counts["payments"])
            self._sessions(rng, courses, counts["sessions"])
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        self.stdout.write(self.style.SUCCESS(f"Benchmark data created: {counts}"))

    def _courses(self, rng, count: int) -> list[Course]:
        categories = [
            Category.objects.get_or_create(
                slug=f"bench-{index}", defaults={"name": f"Bench {topic}", "order": 50 + index}
            )[0]
            for index, topic in enumerate(TOPICS)
        ]
        teacher = User.objects.create_user(
            email="bench-instructor@example.com", password=None, full_name="Bench Instructor"
        )
        instructor = Instructor.objects.create(user=teacher, bio="Benchmark instructor.")
        now = timezone.now()
        courses = Course.objects.bulk_create(
            [
                Course(
                    slug=f"bench-course-{index}",
                    title=f"{TOPICS[index % len(TOPICS)]} {index}" + (" part 107" if index % 7 == 0 else ""),
                    summary=f"A course about {' '.join(rng.sample(WORDS, 4))}.",
                    description="\n\n".join(" ".join(rng.choices(WORDS, k=40)) for _ in range(4)),
                    category=categories[index % len(categories)],
                    level=rng.choice(Course.Level.values),
                    format=rng.choice(Course.Format.values),
                    price=Decimal(rng.choice([0, 49, 149, 299, 495])),
                    status=Course.Status.PUBLISHED if index % 20 else Course.Status.DRAFT,
                    is_featured=index % 50 == 1,
                    estimated_hours=Decimal(rng.randint(2, 40)),
                    published_at=now - timedelta(days=index),
                )
                for index in range(count)
            ],
            batch_size=BATCH,
        )
        Course.instructors.through.objects.bulk_create(
            [Course.instructors.through(course_id=course.pk, instructor_id=instructor.pk) for course in courses],
            batch_size=BATCH,
        )
        return courses

    def _lessons(self, rng, courses: list[Course], count: int) -> None:
        per_course = max(1, count // len(courses))
        sections = Section.objects.bulk_create(
            [Section(course=course, title=f"Module {number}", order=number) for course in courses for number in (1, 2)],
            batch_size=BATCH,
        )
        lessons = []
        for section_index, section in enumerate(sections):
            for number in range(per_course // 2):
                lessons.append(
                    Lesson(
                        section=section,
                        title=f"Lesson {number + 1}: {' '.join(rng.sample(WORDS, 3))}",
                        slug=f"bench-lesson-{section_index}-{number}",
                        order=number,
                        body=" ".join(rng.choices(WORDS, k=120)),
                        duration_seconds=rng.randint(120, 1500),
                        is_preview=number == 0 and section.order == 1,
                    )
                )
        Lesson.objects.bulk_create(lessons, batch_size=BATCH)

    def _users(self, count: int) -> list:
        # One hash for everyone: hashing 50,000 passwords would take longer than the benchmark.
        password = make_password("bench-password-2026")
        return bulk_insert(
            User,
            [
                User(email=f"bench-{index}@example.com", full_name=f"Bench Student {index}", password=password)
                for index in range(count)
            ],
            batch_size=BATCH,
        )

    def _enrollments(self, rng, users: list, courses: list[Course], count: int) -> list[Enrollment]:
        per_user = max(1, count // len(users))
        statuses = [Enrollment.Status.ACTIVE] * 6 + [Enrollment.Status.COMPLETED] * 3 + [Enrollment.Status.PENDING]
        rows = []
        for user in users:
            for course in rng.sample(courses, min(per_user, len(courses))):
                rows.append(Enrollment(user=user, course=course, status=rng.choice(statuses)))
                if len(rows) >= count:
                    break
            if len(rows) >= count:
                break
        return bulk_insert(Enrollment, rows, batch_size=BATCH)

    def _payments(self, rng, enrollments: list[Enrollment], count: int) -> None:
        """Payments once the payments app has its model; several attempts per paid enrollment."""
        try:
            payment_model = apps.get_model("payments", "Payment")
        except LookupError:
            self.stdout.write("payments.Payment does not exist yet: skipping payments.")
            return
        from payments.bench import bench_payments

        bench_payments(rng=rng, enrollments=enrollments, count=count, model=payment_model, batch_size=BATCH)

    def _sessions(self, rng, courses: list[Course], count: int) -> None:
        practical = [course for course in courses if course.format != Course.Format.ONLINE] or courses
        now = timezone.now()
        FlightSession.objects.bulk_create(
            [
                FlightSession(
                    course=practical[index % len(practical)],
                    starts_at=(start := now + timedelta(days=rng.randint(-120, 120), hours=rng.randint(0, 8))),
                    ends_at=start + timedelta(hours=4),
                    location_name=f"Bench field {index % 12}",
                    location_address="1 Airfield Road, Stow, MA",
                    capacity=rng.randint(4, 12),
                )
                for index in range(count)
            ],
            batch_size=BATCH,
        )
