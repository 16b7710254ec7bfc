"""Practice exams: drawing questions, timed attempts, grading, readiness."""

import logging
import secrets
from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta

from django.db import IntegrityError, models, transaction
from django.db.models import Prefetch
from django.utils import timezone

from lessons.models import (
    ExamAttempt,
    ExamAttemptQuestion,
    ExamChoice,
    ExamQuestion,
    KnowledgeArea,
    PracticeExam,
)
from lessons.services.completion import course_completion_check

logger = logging.getLogger(__name__)

# -- practice exams ---------------------------------------------------------------------------------


class ExamUnavailable(Exception):
    """The exam cannot start (no active questions in the bank)."""


# The FAA Remote Pilot (UAG) knowledge test weights (Remote Pilot ACS / UAG test guide): regulations
# 15-25%, airspace and requirements 15-25%, weather 11-16%, loading and performance 7-11%, operations
# 35-45%. Fixed targets for a 60-question exam, inside every range: 12 (20%), 12 (20%), 8 (13.3%),
# 5 (8.3%), 23 (38.3%). Other lengths are scaled from these (largest remainder).
AREA_TARGETS: dict[str, int] = {
    KnowledgeArea.REGULATIONS: 12,
    KnowledgeArea.AIRSPACE: 12,
    KnowledgeArea.WEATHER: 8,
    KnowledgeArea.LOADING_AND_PERFORMANCE: 5,
    KnowledgeArea.OPERATIONS: 23,
}


def _largest_remainder(weights: dict[str, float], count: int) -> dict[str, int]:
    total = sum(weights.values())
    if not total:
        return dict.fromkeys(weights, 0)
    quotas = {area: count * weight / total for area, weight in weights.items()}
    allotted = {area: int(quota) for area, quota in quotas.items()}
    leftovers = sorted(quotas, key=lambda area: quotas[area] - allotted[area], reverse=True)
    for area in leftovers[: count - sum(allotted.values())]:
        allotted[area] += 1
    return allotted


def exam_area_quotas(*, count: int, available: dict[str, int]) -> dict[str, int]:
    """How many questions of each knowledge area an exam of `count` questions draws: the FAA weights
    (AREA_TARGETS) scaled to `count`; an area with too few questions gives its shortfall to the
    others, by the same weights, so the exam is still `count` long when the bank allows it."""
    quotas = dict.fromkeys(available, 0)
    remaining = min(count, sum(available.values()))
    open_areas = {area for area, size in available.items() if size}
    while remaining and open_areas:
        weights = {area: AREA_TARGETS.get(area, 1) for area in open_areas}
        share = _largest_remainder(weights, remaining)
        for area, extra in share.items():
            room = available[area] - quotas[area]
            taken = min(extra, room)
            quotas[area] += taken
            remaining -= taken
            if quotas[area] >= available[area]:
                open_areas.discard(area)
    return quotas


def exam_questions_draw(*, count: int, previous: set[int] | frozenset[int] = frozenset()) -> list[ExamQuestion]:
    """`count` active bank questions (all of them if the bank is smaller), spread over the knowledge
    areas by the FAA test weights (exam_area_quotas), in random order.

    Questions not in `previous` (the student's last attempt) are drawn first, so two attempts in a
    row never get the same set when the bank has any other question to offer."""
    by_area: dict[str, list[int]] = defaultdict(list)
    for pk, area in ExamQuestion.objects.active().values_list("pk", "area"):
        by_area[area].append(pk)
    randomizer = secrets.SystemRandom()
    quotas = exam_area_quotas(count=count, available={area: len(ids) for area, ids in by_area.items()})
    chosen: list[int] = []
    for area, ids in by_area.items():
        fresh = [pk for pk in ids if pk not in previous]
        seen = [pk for pk in ids if pk in previous]
        randomizer.shuffle(fresh)
        randomizer.shuffle(seen)
        chosen.extend((fresh + seen)[: quotas[area]])
    if previous and set(chosen) == set(previous):
        # Only possible when an area with a zero quota holds the only unseen questions: swap one in.
        unseen = [pk for ids in by_area.values() for pk in ids if pk not in previous]
        if unseen and chosen:
            chosen[randomizer.randrange(len(chosen))] = randomizer.choice(unseen)
    randomizer.shuffle(chosen)
    questions = ExamQuestion.objects.in_bulk(chosen)
    return [questions[pk] for pk in chosen]


def exam_attempt_start(*, user, exam: PracticeExam) -> ExamAttempt:
    """The user's attempt in progress, or a new one with freshly drawn questions and a deadline of
    started + the exam's time limit. An expired attempt in progress is submitted first.
    Raises ExamUnavailable when the bank has no active question."""
    open_attempt = ExamAttempt.objects.open().filter(user=user, exam=exam).first()
    if open_attempt is not None:
        if not open_attempt.is_past_deadline():
            return open_attempt
        exam_attempt_submit(attempt=open_attempt)
    last = ExamAttempt.objects.filter(user=user, exam=exam).order_by("-started_at", "-pk").first()
    previous = set(last.items.values_list("question_id", flat=True)) if last is not None else set()
    questions = exam_questions_draw(count=exam.question_count, previous=previous)
    if not questions:
        logger.error("practice exam %s cannot start: the question bank is empty", exam.pk)
        raise ExamUnavailable("The question bank is empty.")
    now = timezone.now()
    try:
        with transaction.atomic():
            attempt = ExamAttempt.objects.create(
                user=user,
                exam=exam,
                started_at=now,
                deadline=now + timedelta(minutes=exam.time_limit_minutes),
                question_count=len(questions),
            )
            ExamAttemptQuestion.objects.bulk_create(
                ExamAttemptQuestion(attempt=attempt, question=question, order=number)
                for number, question in enumerate(questions, start=1)
            )
    except IntegrityError:
        # A double click started one a moment ago (one open attempt per user and exam).
        return ExamAttempt.objects.open().get(user=user, exam=exam)
    logger.info("exam attempt %s started by user %s (%s questions)", attempt.pk, user.pk, len(questions))
    return attempt


def exam_attempt_items(attempt: ExamAttempt):
    return attempt.items.select_related("question", "chosen").prefetch_related(
        Prefetch("question__choices", queryset=ExamChoice.objects.order_by("label"))
    )


def exam_answers_save(
    *, attempt: ExamAttempt, answers: dict[int, int], flags: dict[int, bool] | None = None, now=None
) -> bool:
    """Record answers (attempt item id → choice id) and review flags (item id → flagged) while time
    remains. Items of other attempts and choices of other questions are ignored. Returns False, and
    accepts nothing, once the deadline has passed or the attempt was submitted: the clock is the
    server's."""
    now = now or timezone.now()
    flags = flags or {}
    with transaction.atomic():
        attempt = ExamAttempt.objects.select_for_update().get(pk=attempt.pk)
        if attempt.is_submitted or attempt.is_past_deadline(now):
            return False
        items = {item.pk: item for item in attempt.items.all()}
        valid = set(
            ExamChoice.objects.filter(question__in=[item.question_id for item in items.values()]).values_list(
                "pk", "question_id"
            )
        )
        answered, flag_changed = [], []
        for item_id, choice_id in answers.items():
            item = items.get(item_id)
            if item is None or (choice_id, item.question_id) not in valid or item.chosen_id == choice_id:
                continue
            item.chosen_id, item.answered_at = choice_id, now
            answered.append(item)
        for item_id, flagged in flags.items():
            item = items.get(item_id)
            if item is None or item.flagged == flagged:
                continue
            item.flagged = flagged
            flag_changed.append(item)
        ExamAttemptQuestion.objects.bulk_update(answered, ["chosen", "answered_at"])
        ExamAttemptQuestion.objects.bulk_update(flag_changed, ["flagged"])
    return True


def exam_attempt_submit(*, attempt: ExamAttempt, answers: dict[int, int] | None = None, now=None) -> ExamAttempt:
    """Grade an attempt (idempotent: a submitted attempt is returned unchanged).

    Answers sent with the submission count only before the deadline; after it the attempt is
    graded on what was saved in time. Passing may complete the course.
    """
    now = now or timezone.now()
    if answers:
        exam_answers_save(attempt=attempt, answers=answers, now=now)
    with transaction.atomic():
        attempt = ExamAttempt.objects.select_for_update().select_related("exam").get(pk=attempt.pk)
        if attempt.is_submitted:
            return attempt
        tally: dict[str, list[int]] = {area: [0, 0] for area, _ in KnowledgeArea.choices}
        for item in attempt.items.select_related("question", "chosen"):
            tally[item.question.area][1] += 1
            tally[item.question.area][0] += item.is_correct
        correct = sum(right for right, _ in tally.values())
        total = sum(count for _, count in tally.values())
        attempt.correct_count, attempt.question_count = correct, total
        attempt.score_percent = 100 * correct // total if total else 0
        # Pass mark compared exactly (42/60 = 70% passes, 41/60 does not), not on the rounded score.
        attempt.passed = bool(total) and 100 * correct >= attempt.exam.pass_percent * total
        attempt.results_by_area = {
            area: {"correct": right, "total": count, "percent": round(100 * right / count)}
            for area, (right, count) in tally.items()
            if count
        }
        attempt.submitted_at = min(now, attempt.deadline)
        attempt.save(
            update_fields=[
                "correct_count",
                "question_count",
                "score_percent",
                "passed",
                "results_by_area",
                "submitted_at",
            ]
        )
    logger.info("exam attempt %s submitted: %s/%s passed=%s", attempt.pk, correct, total, attempt.passed)
    if attempt.passed:
        course_completion_check(user=attempt.user, course=attempt.exam.course)
    return attempt


def exam_attempt_expire_if_due(*, attempt: ExamAttempt) -> ExamAttempt:
    """Submit an attempt whose time ran out (called whenever one is looked at)."""
    if not attempt.is_submitted and attempt.is_past_deadline():
        return exam_attempt_submit(attempt=attempt)
    return attempt


def exam_ready_to_book(*, user, exam: PracticeExam) -> bool:
    """ "Ready to book your FAA test": the last `ready_streak` attempts all passed at ready_percent or more."""
    recent = list(
        ExamAttempt.objects.submitted()
        .filter(user=user, exam=exam)
        .order_by("-submitted_at")
        .values_list("passed", "score_percent")[: exam.ready_streak]
    )
    return len(recent) == exam.ready_streak and all(passed and score >= exam.ready_percent for passed, score in recent)


# -- results and readiness ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ReviewedQuestion:
    order: int
    text: str
    explanation: str
    chosen: ExamChoice | None
    correct_choice: ExamChoice | None

    @property
    def is_correct(self) -> bool:
        return self.chosen is not None and self.chosen.is_correct


@dataclass(frozen=True)
class AreaReview:
    area: str
    label: str
    missed: list[ReviewedQuestion]  # wrong or unanswered, in the order they were asked
    right: list[ReviewedQuestion]

    @property
    def total(self) -> int:
        return len(self.missed) + len(self.right)


def exam_attempt_review(attempt: ExamAttempt) -> list[AreaReview]:
    """A graded attempt's questions by knowledge area (in the FAA's order, areas with no question
    left out), each split into missed (wrong or unanswered) and right, with the student's choice,
    the right choice and the explanation. Two queries whatever the exam's length."""
    by_area: dict[str, tuple[list, list]] = {area: ([], []) for area in KnowledgeArea.values}
    for item in exam_attempt_items(attempt):
        choices = list(item.question.choices.all())
        reviewed = ReviewedQuestion(
            order=item.order,
            text=item.question.text,
            explanation=item.question.explanation,
            chosen=next((choice for choice in choices if choice.pk == item.chosen_id), None),
            correct_choice=next((choice for choice in choices if choice.is_correct), None),
        )
        missed, right = by_area[item.question.area]
        (right if reviewed.is_correct else missed).append(reviewed)
    labels = dict(KnowledgeArea.choices)
    return [
        AreaReview(area=area, label=labels[area], missed=missed, right=right)
        for area, (missed, right) in by_area.items()
        if missed or right
    ]


class Readiness(models.TextChoices):
    READY = "ready", "Likely ready"
    ALMOST = "almost", "Almost"
    NOT_YET = "not_yet", "Not yet"


# How many of the latest submitted attempts the estimate reads, and how many it needs before it
# says "likely ready": one good score can be luck, three in a row seldom are.
READINESS_WINDOW = 5
READINESS_MIN_ATTEMPTS = 3


@dataclass(frozen=True)
class ExamReadiness:
    verdict: Readiness
    attempts: int  # how many attempts the estimate read (at most READINESS_WINDOW)
    average_percent: int  # questions right out of questions asked, over those attempts
    weakest_area: str | None  # the knowledge area's label
    weakest_percent: int | None

    @property
    def attempts_still_needed(self) -> int:
        return max(0, READINESS_MIN_ATTEMPTS - self.attempts)


def exam_readiness(*, user, exam: PracticeExam, window: int = READINESS_WINDOW) -> ExamReadiness | None:
    """An estimate of the student's chance on the FAA test from their last `window` submitted
    attempts: the share of questions answered right over all of them, and the knowledge area with
    the lowest share (the one to study next). "Likely ready" needs READINESS_MIN_ATTEMPTS attempts
    averaging the exam's ready_percent; "Almost" is an average at the pass mark (or a ready average
    over too few attempts); below the pass mark is "Not yet". None before the first attempt."""
    recent = list(
        ExamAttempt.objects.submitted()
        .filter(user=user, exam=exam, question_count__gt=0)
        .order_by("-submitted_at", "-pk")
        .values_list("correct_count", "question_count", "results_by_area")[:window]
    )
    if not recent:
        return None
    correct = sum(right for right, _, _ in recent)
    asked = sum(count for _, count, _ in recent)
    # Rounded down, as the attempt's own score is: 69.9% never shows as the 70% pass mark.
    average = 100 * correct // asked
    by_area: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for _, _, results in recent:
        for area, result in results.items():
            by_area[area][0] += result["correct"]
            by_area[area][1] += result["total"]
    labels = dict(KnowledgeArea.choices)
    order = {area: position for position, area in enumerate(KnowledgeArea.values)}
    weakest = min(
        (area for area, (_, total) in by_area.items() if total),
        # The lowest share first; on a tie, the area that weighs more on the FAA test.
        key=lambda area: (by_area[area][0] / by_area[area][1], -AREA_TARGETS.get(area, 0), order.get(area, 99)),
        default=None,
    )
    if average >= exam.ready_percent and len(recent) >= READINESS_MIN_ATTEMPTS:
        verdict = Readiness.READY
    elif average >= exam.pass_percent:
        verdict = Readiness.ALMOST
    else:
        verdict = Readiness.NOT_YET
    return ExamReadiness(
        verdict=verdict,
        attempts=len(recent),
        average_percent=average,
        weakest_area=labels.get(weakest, weakest) if weakest else None,
        weakest_percent=100 * by_area[weakest][0] // by_area[weakest][1] if weakest else None,
    )
