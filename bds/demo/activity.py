"""A few weeks of made-up school activity for the demo, so staff's dashboard and insights show
numbers: students who paid (one refunded), lessons watched, completions with certificates,
practice exam attempts and booked seats.

Deterministic (one fixed random stream per student) and idempotent: a demo student who exists is
left as they are, and the seats of a session that has bookings are not touched again.
The students cannot log in (no password); they exist to be counted.
"""

import random
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from courses.models import Course
from enrollments.models import Enrollment
from enrollments.student_cache import student_cache_bump
from flights.models import FlightSession, SeatBooking
from lessons.models import Certificate, ExamAttempt, KnowledgeArea, Lesson, LessonProgress, PracticeExam
from payments.models import Payment, Refund
from reviews.models import Review
from reviews.services import course_rating_refresh

STUDENT_COUNT = 36
EMAIL_DOMAIN = "students.bostondroneschool.test"
FIRST_NAMES = [
    "Ava", "Ben", "Chloe", "Diego", "Emma", "Farid", "Grace", "Hiro", "Isla", "Jamal", "Kira", "Liam",
    "Maya", "Noah", "Olivia", "Priya", "Quinn", "Rosa", "Sam", "Tariq", "Uma", "Victor", "Wen", "Yara",
]  # fmt: skip
LAST_NAMES = [
    "Alvarez", "Brennan", "Chen", "Doyle", "Esposito", "Fitzgerald", "Garcia", "Hughes", "Ibrahim",
    "Kowalski", "Lopes", "Murphy", "Nguyen", "O'Brien", "Patel", "Russo", "Sullivan", "Walsh",
]  # fmt: skip
# How an area's share of correct answers is drawn for a demo attempt: weather and loading are where
# real students struggle most.
AREA_SKILL = {
    KnowledgeArea.REGULATIONS: 0.82,
    KnowledgeArea.AIRSPACE: 0.74,
    KnowledgeArea.WEATHER: 0.63,
    KnowledgeArea.LOADING_AND_PERFORMANCE: 0.68,
    KnowledgeArea.OPERATIONS: 0.8,
}
AREA_QUESTIONS = {
    KnowledgeArea.REGULATIONS: 12,
    KnowledgeArea.AIRSPACE: 12,
    KnowledgeArea.WEATHER: 8,
    KnowledgeArea.LOADING_AND_PERFORMANCE: 5,
    KnowledgeArea.OPERATIONS: 23,
}


def demo_activity_seed(*, course_slugs: list[str]) -> int:
    """Write the demo activity for these courses; returns how many enrollments it created."""
    randomizer = random.Random(2026)  # noqa: S311 - demo data, not security
    now = timezone.now()
    courses = list(Course.objects.published().filter(slug__in=course_slugs, price__gt=0).order_by("pk"))
    if not courses:
        return 0
    user_model = get_user_model()
    created = 0
    for number in range(STUDENT_COUNT):
        first, last = FIRST_NAMES[number % len(FIRST_NAMES)], LAST_NAMES[(number * 7) % len(LAST_NAMES)]
        email = f"{first}.{last}.{number}@{EMAIL_DOMAIN}".lower().replace("'", "")
        if user_model.objects.filter(email=email).exists():
            continue  # written by an earlier run, as it was
        student = user_model.objects.create_user(email=email, password=None, full_name=f"{first} {last}")
        # One random stream per student: the same student gets the same story on every fresh database.
        randomizer = random.Random(f"demo-activity-{number}")  # noqa: S311 - demo data, not security
        # Most take the flagship course; some take one or two others.
        taken = [courses[0], *randomizer.sample(courses[1:], k=min(len(courses) - 1, randomizer.choice([0, 0, 1, 2])))]
        for course in taken:
            paid_at = now - timedelta(days=randomizer.randint(1, 56), hours=randomizer.randint(0, 20))
            enrollment = Enrollment.objects.create(
                user=student, course=course, status=Enrollment.Status.ACTIVE, activated_at=paid_at
            )
            Enrollment.objects.filter(pk=enrollment.pk).update(created_at=paid_at)
            payment = Payment.objects.create(
                user=student,
                course=course,
                enrollment=enrollment,
                amount=int(course.price * 100),
                currency="usd",
                status=Payment.Status.SUCCEEDED,
                stripe_payment_intent_id=f"pi_demo_{number:03d}_{course.pk:03d}",
                receipt_number=f"DEMO-{number:03d}-{course.pk:03d}",
                card_brand=randomizer.choice(["visa", "mastercard", "amex"]),
                succeeded_at=paid_at,
            )
            created += 1
            if number % 17 == 5:  # a couple of refunds within the refund window
                _refund(payment, enrollment, at=paid_at + timedelta(days=2))
                continue
            _learn(student, enrollment, course, randomizer, since=paid_at, now=now)
    _book_seats(randomizer)
    for course in courses:
        course_rating_refresh(course.pk)
    return created


def _refund(payment: Payment, enrollment: Enrollment, *, at) -> None:
    Refund.objects.create(
        payment=payment,
        amount=payment.amount,
        reason="Schedule changed; asked within the refund window",
        stripe_refund_id=f"re_demo_{payment.pk}",
        status=Refund.Status.SUCCEEDED,
    )
    Payment.objects.filter(pk=payment.pk).update(status=Payment.Status.REFUNDED, amount_refunded=payment.amount)
    Enrollment.objects.filter(pk=enrollment.pk).update(status=Enrollment.Status.REFUNDED)
    student_cache_bump(enrollment.user_id)  # update() sends no signal; access is cached under this token


def _learn(student, enrollment: Enrollment, course: Course, randomizer: random.Random, *, since, now) -> None:
    """Progress through the course's lessons; some finish (with a certificate) and take the exam."""
    lessons = list(Lesson.objects.for_course(course))
    if not lessons:
        return
    share = randomizer.choice([0, 0.15, 0.3, 0.5, 0.8, 1, 1])
    watched = lessons[: round(len(lessons) * share)]
    for index, lesson in enumerate(watched):
        LessonProgress.objects.get_or_create(
            user=student,
            lesson=lesson,
            defaults={"completed_at": min(since + timedelta(days=index // 2 + 1), now), "position_seconds": 0},
        )
    if share >= 0.3:
        _review(student, course, randomizer, at=min(since + timedelta(days=len(watched) // 2 + 1), now))
    if share == 1:
        completed_at = min(since + timedelta(days=len(lessons) // 2 + 2), now)
        Enrollment.objects.filter(pk=enrollment.pk).update(
            status=Enrollment.Status.COMPLETED, completed_at=completed_at
        )
        Certificate.objects.get_or_create(
            user=student,
            course=course,
            defaults={
                "full_name": student.full_name,
                "course_title": course.title,
                "issued_at": completed_at,
                "hours": course.estimated_hours or 0,
            },
        )
    exam = PracticeExam.objects.filter(course=course).first()
    if exam is None or share < 0.5:
        return
    for attempt_number in range(randomizer.randint(1, 3)):
        started = min(since + timedelta(days=3 + 2 * attempt_number), now - timedelta(hours=3))
        practice = 0.04 * attempt_number  # students improve with each attempt
        results, correct_total, asked_total = {}, 0, 0
        for area, asked in AREA_QUESTIONS.items():
            correct = sum(randomizer.random() < AREA_SKILL[area] + practice for _ in range(asked))
            results[area.value] = {"correct": correct, "total": asked, "percent": round(100 * correct / asked)}
            correct_total, asked_total = correct_total + correct, asked_total + asked
        score = round(100 * correct_total / asked_total)
        ExamAttempt.objects.create(
            user=student,
            exam=exam,
            started_at=started,
            deadline=started + timedelta(minutes=exam.time_limit_minutes),
            submitted_at=started + timedelta(minutes=randomizer.randint(45, 110)),
            correct_count=correct_total,
            question_count=asked_total,
            score_percent=score,
            passed=score >= exam.pass_percent,
            results_by_area=results,
        )


def _book_seats(randomizer: random.Random) -> None:
    """Fill some seats of the upcoming sessions with students enrolled in their course."""
    for session in FlightSession.objects.upcoming().with_seats().select_related("course"):
        if session.seats_taken:
            continue
        enrollments = list(
            Enrollment.objects.granting_access()
            .filter(course=session.course, user__email__endswith=EMAIL_DOMAIN)
            .exclude(seat_bookings__status__in=SeatBooking.ACTIVE_STATUSES)
            .order_by("pk")
        )
        wanted = min(len(enrollments), randomizer.randint(0, session.capacity - 1))
        for enrollment in enrollments[:wanted]:
            SeatBooking.objects.create(
                enrollment=enrollment, session=session, status=SeatBooking.Status.BOOKED, booked_at=timezone.now()
            )


REVIEWS = [
    (5, "Passed my Part 107 on the first try", "The airspace and sectional chart lessons were exactly what the test asked. The practice exams felt like the real thing."),  # noqa: E501
    (5, "Clear, practical, no fluff", "Short lessons I could watch at lunch, and the instructors answered my questions within a day."),  # noqa: E501
    (4, "Great course, weather was tough", "Loved the structure. The weather section needed a second watch, but the explanations after each practice question helped a lot."),  # noqa: E501
    (5, "Worth it for the flight day alone", "The in-person session at the field gave me the confidence to fly my first paid job."),  # noqa: E501
    (4, "Solid preparation", "Everything you need for the knowledge test. I would have liked a few more loading and performance examples."),  # noqa: E501
    (3, "Good content, pace a bit slow", "The material is accurate and well organised; some videos could be shorter."),
    (5, "Best money I spent on drones", "From zero to certified in three weeks. The readiness score told me when to book the test."),  # noqa: E501
    (4, "Helpful instructors", "Maya's airspace walkthroughs are excellent. The mobile player works well on the train."),  # noqa: E501
]  # fmt: skip


def _review(student, course: Course, randomizer: random.Random, *, at) -> None:
    rating, title, body = randomizer.choice(REVIEWS)
    review, created = Review.objects.get_or_create(
        course=course, student=student, defaults={"rating": rating, "title": title, "body": body}
    )
    if created:
        Review.objects.filter(pk=review.pk).update(created_at=at)
