"""Practice exams: drawing questions, timed attempts, grading, readiness."""

import logging
import secrets
from collections import defaultdict
from datetime import timedelta

from django.db import IntegrityError, transaction
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
