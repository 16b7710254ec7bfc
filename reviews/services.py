"""Reviews: who may rate a course, writing and editing a review, and the school's moderation.

Every write recounts the course's rating summary (`Course.rating_count`, `rating_average`) in the
same transaction and, after commit, bumps the course's cache token, so the cached course page,
the catalog cards and the pages stored for visitors show the change on the next request.
"""

import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.db.models import Avg, Count
from django.utils import timezone

from core.audit import audit_record
from courses.cache import cache_bump
from courses.models import Course
from enrollments.models import Enrollment
from flights.models import SeatBooking
from lessons.services import course_progress_by_course
from reviews.models import Review

# A student may rate a course once they have done at least this share of its required lessons...
REVIEW_MIN_PROGRESS = Decimal("0.25")
# ...or flown its flight day (checked in by the instructor).


@dataclass(frozen=True)
class Eligibility:
    allowed: bool
    reason: str = ""


def review_eligibility(*, user, course: Course) -> Eligibility:
    """Whether `user` may write (or edit) a review of `course`, and if not, why, in words for them."""
    if not user.is_authenticated:
        return Eligibility(False, "Log in to review this course.")
    if not Enrollment.objects.granting_access().filter(user=user, course=course).exists():
        return Eligibility(False, "Only students enrolled in this course can review it.")
    if SeatBooking.objects.filter(enrollment__user=user, session__course=course, checked_in_at__isnull=False).exists():
        return Eligibility(True)
    done, total = course_progress_by_course(user=user, course_ids=[course.pk])[course.pk]
    if total and Decimal(done) / total >= REVIEW_MIN_PROGRESS:
        return Eligibility(True)
    needed = max(1, math.ceil(REVIEW_MIN_PROGRESS * total)) if total else 1
    return Eligibility(
        False,
        f"You can review this course after {needed} of its {total} lessons (you have done {done}), "
        "or after its flight day.",
    )


class ReviewNotAllowed(Exception):
    pass


def course_rating_refresh(course_id: int) -> None:
    """Recount the course's visible reviews into its rating summary; pages refresh after commit."""
    summary = Review.objects.visible().filter(course_id=course_id).aggregate(count=Count("pk"), average=Avg("rating"))
    average = summary["average"]
    Course.objects.filter(pk=course_id).update(
        rating_count=summary["count"],
        rating_average=Decimal(str(average)).quantize(Decimal("0.01"), ROUND_HALF_UP) if average is not None else None,
    )
    transaction.on_commit(lambda: cache_bump(catalog=True, course_ids=[course_id]))


@transaction.atomic
def review_save(*, user, course: Course, rating: int, title: str = "", body: str = "") -> Review:
    """Create the student's review of the course, or update the one they wrote. One per student
    and course (the database's unique constraint decides a double submit: the second one edits)."""
    eligibility = review_eligibility(user=user, course=course)
    if not eligibility.allowed:
        raise ReviewNotAllowed(eligibility.reason)
    if not 1 <= int(rating) <= 5:
        raise ValueError("A rating is 1 to 5 stars.")
    # Lock the course row: concurrent reviews of one course recount its summary one after another.
    Course.objects.select_for_update().filter(pk=course.pk).first()
    review, _created = Review.objects.update_or_create(
        course=course, student=user, defaults={"rating": int(rating), "title": title.strip(), "body": body.strip()}
    )
    course_rating_refresh(course.pk)
    return review


@transaction.atomic
def review_hide(*, review: Review, reason: str, acting_user) -> Review:
    """Take a review off the course page, with the reason recorded and audited."""
    reason = reason.strip()
    if not reason:
        raise ValueError("Say why the review is hidden.")
    before = {"hidden": review.is_hidden, "hidden_reason": review.hidden_reason}
    Course.objects.select_for_update().filter(pk=review.course_id).first()
    review.hidden_at, review.hidden_reason, review.hidden_by = timezone.now(), reason[:300], acting_user
    review.save(update_fields=["hidden_at", "hidden_reason", "hidden_by", "updated_at"])
    audit_record(
        user=acting_user,
        obj=review,
        action="review hidden",
        before=before,
        after={"hidden": True, "hidden_reason": review.hidden_reason},
        reason=review.hidden_reason,
    )
    course_rating_refresh(review.course_id)
    return review


@transaction.atomic
def review_unhide(*, review: Review, acting_user) -> Review:
    before = {"hidden": review.is_hidden, "hidden_reason": review.hidden_reason}
    Course.objects.select_for_update().filter(pk=review.course_id).first()
    review.hidden_at, review.hidden_reason, review.hidden_by = None, "", None
    review.save(update_fields=["hidden_at", "hidden_reason", "hidden_by", "updated_at"])
    audit_record(user=acting_user, obj=review, action="review shown again", before=before, after={"hidden": False})
    course_rating_refresh(review.course_id)
    return review


@transaction.atomic
def review_reply(*, review: Review, reply: str, acting_user) -> Review:
    """The school's public answer under a review (empty removes it)."""
    before = {"school_reply": review.school_reply}
    review.school_reply = reply.strip()[:2000]
    review.replied_at = timezone.now() if review.school_reply else None
    review.save(update_fields=["school_reply", "replied_at", "updated_at"])
    audit_record(
        user=acting_user,
        obj=review,
        action="review answered",
        before=before,
        after={"school_reply": review.school_reply},
    )
    course_id = review.course_id
    transaction.on_commit(lambda: cache_bump(course_ids=[course_id]))
    return review


def rating_distribution(*, course: Course) -> list[dict]:
    """Visible reviews per star count, 5 to 1, with each share of the total (one query)."""
    counts = dict(
        Review.objects.visible().filter(course=course).order_by().values_list("rating").annotate(n=Count("pk"))
    )
    total = sum(counts.values())
    return [
        {
            "stars": stars,
            "count": counts.get(stars, 0),
            "percent": round(100 * counts.get(stars, 0) / total) if total else 0,
        }
        for stars in range(5, 0, -1)
    ]
