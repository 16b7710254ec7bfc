"""The Part 107 practice exam of the demo school: its question bank (data/practice_exam.yaml) and
the Part 107 course's practice exam.

`question_bank_seed()` is idempotent: questions are matched by their stable key and updated in
place, so running the demo seed twice neither duplicates nor loses anything.
"""

from django.db import transaction
from django.db.models import Q

from bds.demo.loader import demo_school_load
from courses.models import Course
from lessons.models import ExamChoice, ExamQuestion, PracticeExam

# Correct answers are not always A on the test; choices are rotated per question so the key varies.
ROTATIONS = (0, 1, 2)


def choices_rotated(choices: list[str], correct: str, shift: int) -> tuple[list[tuple[str, str]], str]:
    """Relabel choices A/B/C after rotating them, returning (label, text) pairs and the new correct label."""
    labels = "ABC"
    texts = list(choices)
    correct_text = texts["ABC".index(correct)]
    texts = texts[shift:] + texts[:shift]
    return list(zip(labels, texts, strict=True)), labels[texts.index(correct_text)]


def part107_course() -> Course | None:
    """The Part 107 prep course if the school has one: a "Part 107 ... prep" title first, then any
    "Part 107" title, then the first course in a Part 107 category (an intro course may share it)."""
    for match in (
        Q(title__icontains="Part 107", title__iregex=r"prep|exam"),
        Q(title__icontains="Part 107"),
        Q(category__slug__icontains="part-107"),
    ):
        course = Course.objects.filter(match).order_by("pk").first()
        if course is not None:
            return course
    return None


@transaction.atomic
def question_bank_seed(questions: list[dict] | None = None) -> dict[str, int]:
    """Create or update the practice exam bank and the Part 107 course's practice exam (idempotent).

    Returns counts: questions created, questions updated, exams created.
    """
    if questions is None:
        questions = demo_school_load().questions
    created = updated = 0
    for number, question_data in enumerate(questions):
        question, was_created = ExamQuestion.objects.update_or_create(
            key=question_data["key"],
            defaults={
                "area": question_data["area"],
                "text": question_data["question"],
                "explanation": question_data["explanation"],
                "is_active": True,
            },
        )
        created += was_created
        updated += not was_created
        labelled, correct_label = choices_rotated(
            question_data["choices"], question_data["correct"], ROTATIONS[number % 3]
        )
        # Clear the old key first: the database allows only one correct choice per question.
        question.choices.exclude(label=correct_label).update(is_correct=False)
        for label, choice_text in labelled:
            ExamChoice.objects.update_or_create(
                question=question, label=label, defaults={"text": choice_text, "is_correct": label == correct_label}
            )
    exams_created = 0
    course = part107_course()
    if course is not None:
        _, exams_created = PracticeExam.objects.get_or_create(course=course)
    return {"created": created, "updated": updated, "exams_created": int(exams_created)}
