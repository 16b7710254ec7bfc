"""Reviews: who may rate a course, one review per student and course, moderation that leaves the
cached course page at once, the rating on cards and in the page's JSON-LD."""

import json
import re
import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from courses.models import Category, Course, Instructor, Section
from enrollments.models import Enrollment
from flights.models import FlightSession, SeatBooking
from lessons.models import Lesson, LessonProgress
from reviews import services
from reviews.models import Review
from tests.conftest import mfa_enable

pytestmark = pytest.mark.django_db


@pytest.fixture
def course(django_user_model):
    category = Category.objects.create(name="Part 107", slug="part-107")
    course = Course.objects.create(
        slug="part-107-prep",
        title="Part 107 Remote Pilot Prep",
        summary="Pass the FAA knowledge test.",
        category=category,
        status=Course.Status.PUBLISHED,
        price=Decimal("299.00"),
        estimated_hours=Decimal("12"),
        published_at=timezone.now(),
    )
    section = Section.objects.create(course=course, title="Basics", order=1)
    for number in range(1, 9):  # eight required lessons: two make 25%
        Lesson.objects.create(section=section, title=f"Lesson {number}", slug=f"lesson-{number}", order=number)
    teacher = django_user_model.objects.create_user(email="ivy@example.com", password=None, full_name="Ivy Teacher")
    course.instructors.add(Instructor.objects.create(user=teacher))
    return course


def _enroll(user, course, status=Enrollment.Status.ACTIVE):
    return Enrollment.objects.create(user=user, course=course, status=status, activated_at=timezone.now())


def _complete(user, course, count):
    for lesson in Lesson.objects.for_course(course)[:count]:
        LessonProgress.objects.update_or_create(user=user, lesson=lesson, defaults={"completed_at": timezone.now()})


@pytest.fixture
def reviewer(student, course):
    """The student, enrolled, with a quarter of the course done: allowed to review."""
    _enroll(student, course)
    _complete(student, course, 2)
    return student


# -- eligibility --------------------------------------------------------------------------------------


def test_a_student_below_a_quarter_of_the_course_may_not_review_yet(student, course):
    _enroll(student, course)
    _complete(student, course, 1)  # 12.5%
    eligibility = services.review_eligibility(user=student, course=course)
    assert not eligibility.allowed
    assert eligibility.reason == (
        "You can review this course after 2 of its 8 lessons (you have done 1), or after its flight day."
    )
    _complete(student, course, 2)
    assert services.review_eligibility(user=student, course=course).allowed


def test_a_student_who_flew_the_flight_day_may_review_without_lessons(student, course):
    enrollment = _enroll(student, course)
    starts = timezone.now() - timedelta(days=1)
    session = FlightSession.objects.create(
        course=course,
        starts_at=starts,
        ends_at=starts + timedelta(hours=3),
        location_name="Field",
        location_address="1 Rd",
    )
    booking = SeatBooking.objects.create(enrollment=enrollment, session=session, status=SeatBooking.Status.BOOKED)
    assert not services.review_eligibility(user=student, course=course).allowed
    SeatBooking.objects.filter(pk=booking.pk).update(status=SeatBooking.Status.ATTENDED, checked_in_at=timezone.now())
    assert services.review_eligibility(user=student, course=course).allowed


@pytest.mark.parametrize("status", [Enrollment.Status.REFUNDED, Enrollment.Status.REVOKED, Enrollment.Status.PENDING])
def test_without_access_no_review(student, course, status):
    _enroll(student, course, status=status)
    _complete(student, course, 8)
    eligibility = services.review_eligibility(user=student, course=course)
    assert not eligibility.allowed and "Only students enrolled" in eligibility.reason
    with pytest.raises(services.ReviewNotAllowed):
        services.review_save(user=student, course=course, rating=5)


def test_an_outsider_gets_a_403_page_that_says_why(client, outsider, course):
    client.force_login(outsider)
    response = client.post(f"/courses/{course.slug}/review/", {"rating": "5"})
    assert response.status_code == 403
    assert "Only students enrolled in this course can review it." in response.content.decode()
    assert not Review.objects.exists()


def test_a_visitor_is_sent_to_log_in(client, course):
    response = client.get(f"/courses/{course.slug}/review/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# -- writing and editing ---------------------------------------------------------------------------


def test_writing_a_review_updates_the_courses_rating(client, reviewer, course):
    client.force_login(reviewer)
    page = client.get(f"/courses/{course.slug}/review/").content.decode()
    assert 'type="radio" name="rating" value="5"' in page and "<legend>Your rating</legend>" in page

    response = client.post(
        f"/courses/{course.slug}/review/", {"rating": "4", "title": "  Clear   and practical ", "body": "Loved it."}
    )
    assert response.status_code == 302 and response["Location"].endswith("#reviews")
    review = Review.objects.get()
    assert (review.rating, review.title, review.body) == (4, "Clear and practical", "Loved it.")
    course.refresh_from_db()
    assert (course.rating_count, course.rating_average) == (1, Decimal("4.00"))


def test_a_second_submit_edits_the_one_review(client, reviewer, course):
    client.force_login(reviewer)
    client.post(f"/courses/{course.slug}/review/", {"rating": "2"})
    client.post(f"/courses/{course.slug}/review/", {"rating": "5", "title": "Changed my mind"})
    assert Review.objects.count() == 1
    assert Review.objects.get().rating == 5
    course.refresh_from_db()
    assert (course.rating_count, course.rating_average) == (1, Decimal("5.00"))


@pytest.mark.parametrize("rating", ["", "0", "6", "abc", "4.5"])
def test_a_bad_rating_is_refused_with_a_clear_error_and_keeps_the_text(client, reviewer, course, rating):
    client.force_login(reviewer)
    response = client.post(f"/courses/{course.slug}/review/", {"rating": rating, "body": "My words stay."})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Choose a rating from 1 to 5 stars." in page or "Select a valid choice" in page
    assert "My words stay." in page
    assert not Review.objects.exists()


def test_an_over_long_review_is_refused(client, reviewer, course):
    client.force_login(reviewer)
    response = client.post(f"/courses/{course.slug}/review/", {"rating": "5", "body": "x" * 4001})
    assert response.status_code == 400
    assert not Review.objects.exists()


def test_the_database_allows_one_review_per_student_and_course(reviewer, course):
    from django.db import IntegrityError, transaction

    Review.objects.create(course=course, student=reviewer, rating=3)
    with pytest.raises(IntegrityError), transaction.atomic():
        Review.objects.create(course=course, student=reviewer, rating=4)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_double_submit_at_the_same_moment_leaves_one_review(reviewer, course):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL's row locks")
    barrier = threading.Barrier(2)
    errors = []

    def submit(rating):
        try:
            barrier.wait()
            services.review_save(user=reviewer, course=course, rating=rating)
        except Exception as error:  # noqa: BLE001 - collected and asserted below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit, args=(rating,)) for rating in (3, 5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert Review.objects.filter(course=course, student=reviewer).count() == 1
    course.refresh_from_db()
    assert course.rating_count == 1


def test_another_student_cannot_touch_my_review(client, reviewer, course, django_user_model):
    services.review_save(user=reviewer, course=course, rating=5, title="Mine")
    other = django_user_model.objects.create_user(email="other@example.com", password=None, full_name="Olly Other")
    _enroll(other, course)
    _complete(other, course, 2)
    client.force_login(other)
    client.post(f"/courses/{course.slug}/review/", {"rating": "1", "title": "Theirs"})
    assert Review.objects.get(student=reviewer).title == "Mine"
    assert Review.objects.get(student=other).title == "Theirs"
    course.refresh_from_db()
    assert (course.rating_count, course.rating_average) == (2, Decimal("3.00"))


# -- the course page, cards, JSON-LD and moderation ---------------------------------------------------


def _json_ld(page: str) -> dict:
    return json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S).group(1))


def test_the_course_page_shows_the_summary_reviews_and_json_ld(client, reviewer, course):
    services.review_save(user=reviewer, course=course, rating=4, title="Clear and practical", body="Loved it.")
    page = client.get(course.get_absolute_url()).content.decode()
    assert "Student reviews" in page and "4.0 out of 5, from 1 review" in page
    assert "Clear and practical" in page and "Sam S." in page  # first name, last initial
    assert "(1 review)</a>" in page and "<span>1 student</span>" in page  # under the title
    data = _json_ld(page)
    assert data["aggregateRating"] == {
        "@type": "AggregateRating",
        "ratingValue": "4.00",
        "ratingCount": 1,
        "bestRating": 5,
        "worstRating": 1,
    }
    assert data["review"][0]["reviewRating"]["ratingValue"] == 4
    assert data["review"][0]["author"] == {"@type": "Person", "name": "Sam S."}
    catalog = client.get("/courses/").content.decode()
    assert "(1 review)" in catalog


def test_a_course_without_reviews_says_so_and_has_no_rating_in_json_ld(client, course):
    page = client.get(course.get_absolute_url()).content.decode()
    assert "No reviews yet." in page
    assert "aggregateRating" not in _json_ld(page)


def test_hiding_a_review_removes_it_from_the_cached_page_on_the_next_request(
    client, reviewer, course, staff, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        review = services.review_save(user=reviewer, course=course, rating=1, title="Rude words here")
    first = client.get(course.get_absolute_url()).content.decode()  # the visitor's page is now cached
    assert "Rude words here" in first
    assert "Rude words here" in client.get(course.get_absolute_url()).content.decode()  # from the cache
    with django_capture_on_commit_callbacks(execute=True):
        services.review_hide(review=review, reason="Abusive language", acting_user=staff)
    page = client.get(course.get_absolute_url()).content.decode()
    assert "Rude words here" not in page and "No reviews yet." in page
    assert "aggregateRating" not in _json_ld(page)
    course.refresh_from_db()
    assert course.rating_count == 0 and course.rating_average is None


def test_staff_moderate_in_admin_with_a_reason_and_an_audit_entry(client, reviewer, course, staff):
    from django.contrib.admin.models import LogEntry

    review = services.review_save(user=reviewer, course=course, rating=2, title="Hmm")
    client.force_login(staff)
    url = f"/admin/reviews/review/{review.pk}/change/"
    assert client.get(url).status_code == 200
    refused = client.post(url, {"hidden": "on", "hidden_reason": "", "school_reply": ""})
    assert refused.status_code == 200 and "Say why the review is hidden." in refused.content.decode()
    client.post(url, {"hidden": "on", "hidden_reason": "Spam", "school_reply": "Thanks, we will call you."})
    review.refresh_from_db()
    assert review.is_hidden and review.hidden_reason == "Spam" and review.hidden_by == staff
    assert review.school_reply == "Thanks, we will call you."
    trail = " ".join(entry.change_message for entry in LogEntry.objects.filter(object_id=str(review.pk)))
    assert "review hidden" in trail and "review answered" in trail and "Spam" in trail


def test_the_schools_reply_shows_under_the_review(client, reviewer, course, staff, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        review = services.review_save(user=reviewer, course=course, rating=3)
    client.get(course.get_absolute_url())
    with django_capture_on_commit_callbacks(execute=True):
        services.review_reply(review=review, reply="We added a weather lesson.", acting_user=staff)
    page = client.get(course.get_absolute_url()).content.decode()
    assert "Reply from" in page and "We added a weather lesson." in page


def test_an_instructor_reads_only_their_courses_reviews(client, reviewer, course, django_user_model):
    from django.contrib.auth.models import Group

    services.review_save(user=reviewer, course=course, rating=5)
    stranger = django_user_model.objects.create_user(
        email="stranger@example.com", password=None, full_name="Stan Ger", is_staff=True
    )
    stranger.groups.add(Group.objects.get_or_create(name="Instructors")[0])
    Instructor.objects.create(user=stranger)
    mfa_enable(stranger)
    client.force_login(stranger)
    response = client.get("/admin/reviews/review/")
    assert response.status_code == 200 and "Part 107 Remote Pilot Prep" not in response.content.decode()
    own = Instructor.objects.get(user__email="ivy@example.com").user
    own.is_staff = True
    own.save(update_fields=["is_staff"])
    own.groups.add(Group.objects.get(name="Instructors"))
    mfa_enable(own)
    client.force_login(own)
    listing = client.get("/admin/reviews/review/").content.decode()
    assert "Part 107 Remote Pilot Prep" in listing
    review = Review.objects.get()
    assert (
        client.post(f"/admin/reviews/review/{review.pk}/change/", {"hidden": "on", "hidden_reason": "x"}).status_code
        == 403
    )
    assert not Review.objects.get().is_hidden


def test_the_reviews_page_paginates(client, course, django_user_model):
    for number in range(12):
        user = django_user_model.objects.create_user(
            email=f"s{number}@example.com", password=None, full_name=f"S {number}"
        )
        Review.objects.create(course=course, student=user, rating=5, title=f"Review {number}")
    first = client.get(f"/courses/{course.slug}/reviews/").content.decode()
    assert "Page 1 of 2" in first and "Review 11" in first and "Review 0" not in first
    second = client.get(f"/courses/{course.slug}/reviews/?page=2").content.decode()
    assert "Review 0" in second
    assert client.get(f"/courses/{course.slug}/reviews/?page=999").status_code == 200


def test_the_course_pages_query_count_does_not_grow_with_reviews(
    client, course, django_user_model, django_assert_max_num_queries
):
    from django.core.cache import cache
    from django.test.utils import CaptureQueriesContext

    def add(count, offset):
        for number in range(offset, offset + count):
            user = django_user_model.objects.create_user(email=f"q{number}@example.com", password=None, full_name="Q")
            Review.objects.create(course=course, student=user, rating=4, body="Fine.")

    add(1, 0)
    cache.clear()
    with CaptureQueriesContext(connection) as few:
        client.get(course.get_absolute_url())
    add(10, 1)
    cache.clear()
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(course.get_absolute_url())
