"""`manage.py bench_data`: a realistic data set for the load benchmark, made with bulk inserts.

500 courses, 8,000 lessons, 50,000 users, 150,000 enrollments, about 190,000 payments (every
checkout attempt of the enrollments in paid courses) and 1,000 flight sessions by default (scale
them with --scale; --scale 10 is the staff lists' data set). On PostgreSQL the big tables are made
by the database itself from `generate_series` (bds/management/bench_sql.py), with no Python object
per row; other databases (the test suite's SQLite) get the same rows through bulk_create, though
with every date "now" rather than spread over three years. Rows
are tagged with the "bench-" prefix so the command can tell it already ran. Benchmark numbers only
mean something on PostgreSQL, as bench/run.py uses. --verbosity 2 prints each step's time.
"""

import random
import time
from contextlib import contextmanager
from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.utils import timezone

from bds.management import bench_sql
from courses.models import Category, Course, Instructor, Section
from enrollments.models import Enrollment
from flights.models import FlightSession
from lessons.models import Lesson
from payments.bench import bench_payments
from payments.models import Payment

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

    def handle(self, *args, scale: float, seed: int, verbosity: int, **options):
        if User.objects.filter(email__startswith="bench-").exists():
            self.stdout.write("Benchmark data already present; nothing to do.")
            return
        self.verbosity = verbosity
        rng = random.Random(seed)
        wanted = {
            "courses": max(2, int(500 * scale)),
            "lessons": max(4, int(8000 * scale)),
            "users": max(4, int(50000 * scale)),
            "enrollments": max(4, int(150000 * scale)),
            "sessions": max(2, int(1000 * scale)),
        }
        started = time.perf_counter()
        with transaction.atomic():
            with self._step("courses and sections"):
                courses = self._courses(rng, wanted["courses"])
                sections = self._sections(courses)
            per_section = max(1, wanted["lessons"] // len(courses)) // 2
            per_student = min(max(1, wanted["enrollments"] // wanted["users"]), len(courses))
            if connection.vendor == "postgresql":
                made = self._big_tables_in_postgresql(seed, courses, sections, per_section, per_student, wanted)
            else:
                made = self._big_tables_through_the_orm(rng, courses, sections, per_section, per_student, wanted)
            with self._step("flight sessions"):
                self._sessions(rng, courses, wanted["sessions"])
        if connection.vendor == "postgresql":
            with self._step("analyze"), connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        made = {"courses": len(courses), **made, "sessions": wanted["sessions"]}
        seconds = time.perf_counter() - started
        self.stdout.write(self.style.SUCCESS(f"Benchmark data created in {seconds:.0f} s: {made}"))

    @contextmanager
    def _step(self, name: str):
        """Times one step; --verbosity 2 prints it (where a slow build spends its time)."""
        started = time.perf_counter()
        yield
        if self.verbosity >= 2:
            self.stdout.write(f"  {name}: {time.perf_counter() - started:.1f} s")

    def _big_tables_in_postgresql(self, seed, courses, sections, per_section, per_student, wanted) -> dict:
        now = timezone.now()
        with connection.cursor() as cursor:
            bench_sql.bench_courses_table(cursor, courses)
            with self._step("lessons"):
                lessons = bench_sql.bench_lessons(
                    cursor,
                    section_ids=[section.pk for section in sections],
                    per_section=per_section,
                    words=WORDS,
                    seed=seed,
                )
            with self._step("indexes and foreign keys dropped"):
                set_aside = bench_sql.indexes_and_foreign_keys_drop(cursor, [User, Enrollment, Payment])
            with self._step("users"):
                users = bench_sql.bench_students(
                    cursor, count=wanted["users"], password=_shared_password_hash(), now=now, seed=seed
                )
            with self._step("enrollments"):
                enrollments = bench_sql.bench_enrollments(
                    cursor, per_student=per_student, course_count=len(courses), now=now, seed=seed
                )
            with self._step("payments"):
                payments = bench_sql.bench_payments(cursor, seed=seed)
            with self._step("indexes and foreign keys made again"):
                bench_sql.indexes_and_foreign_keys_restore(cursor, set_aside)
        return {"lessons": lessons, "users": users, "enrollments": enrollments, "payments": payments}

    def _big_tables_through_the_orm(self, rng, courses, sections, per_section, per_student, wanted) -> dict:
        with self._step("lessons"):
            lessons = self._lessons(rng, sections, per_section)
        with self._step("users"):
            users = self._users(wanted["users"])
        with self._step("enrollments"):
            enrollments = self._enrollments(rng, users, courses, per_student)
        with self._step("payments"):
            payments = bench_payments(rng=rng, enrollments=enrollments, batch_size=BATCH)
        return {
            "lessons": len(lessons),
            "users": len(users),
            "enrollments": len(enrollments),
            "payments": len(payments),
        }

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

    def _sections(self, courses: list[Course]) -> list[Section]:
        return Section.objects.bulk_create(
            [Section(course=course, title=f"Module {number}", order=number) for course in courses for number in (1, 2)],
            batch_size=BATCH,
        )

    def _lessons(self, rng, sections: list[Section], per_section: int) -> list[Lesson]:
        lessons = []
        for section_index, section in enumerate(sections):
            for number in range(per_section):
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
        return Lesson.objects.bulk_create(lessons, batch_size=BATCH)

    def _users(self, count: int) -> list:
        password = _shared_password_hash()
        return User.objects.bulk_create(
            [
                User(email=f"bench-{index}@example.com", full_name=f"Bench Student {index}", password=password)
                for index in range(count)
            ],
            batch_size=BATCH,
        )

    def _enrollments(self, rng, users: list, courses: list[Course], per_student: int) -> list[Enrollment]:
        statuses = [Enrollment.Status.ACTIVE] * 6 + [Enrollment.Status.COMPLETED] * 3 + [Enrollment.Status.PENDING]
        return Enrollment.objects.bulk_create(
            [
                Enrollment(user=user, course=course, status=rng.choice(statuses))
                for user in users
                for course in rng.sample(courses, per_student)
            ],
            batch_size=BATCH,
        )

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


def _shared_password_hash() -> str:
    # One hash for every student: hashing 500,000 passwords would take longer than the benchmark.
    return make_password("bench-password-2026")
