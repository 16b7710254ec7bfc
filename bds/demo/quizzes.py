"""The demo school's lesson and section quizzes (data/quizzes.yaml), written by `seed_demo`.

`demo_quizzes_seed()` is idempotent: a quiz is found by its home (lesson or section) and title, a
question by its place in the quiz, a choice by its place in the question, and a row is written only
when it is missing or differs from the data, so a second run writes nothing.
"""

from django.db import models

from bds.demo.practice_exam import choices_rotated
from courses.models import Course, Section
from lessons.models import Lesson, Quiz, QuizChoice, QuizQuestion


def demo_quizzes_seed(quizzes: list[dict], courses: dict[str, Course]) -> dict[str, int]:
    """Create or update the quizzes the loader checked (each names its course by slug and a lesson
    slug or a 1-based section). Returns counts of rows created and updated."""
    counts = {"created": 0, "updated": 0}

    def upsert(model: type[models.Model], lookup: dict, values: dict) -> models.Model:
        row = model.objects.filter(**lookup).first()
        if row is None:
            counts["created"] += 1
            return model.objects.create(**lookup, **values)
        changed = [field for field, value in values.items() if getattr(row, field) != value]
        if changed:
            for field in changed:
                setattr(row, field, values[field])
            row.save(update_fields=changed)
            counts["updated"] += 1
        return row

    for data in quizzes:
        course = courses[data["course"]]
        if "lesson" in data:
            home = {"lesson": Lesson.objects.get(slug=data["lesson"], section__course=course), "section": None}
        else:
            home = {"lesson": None, "section": Section.objects.get(course=course, order=data["section"])}
        quiz = upsert(Quiz, {**home, "title": data["title"]}, {})
        for order, question_data in enumerate(data["questions"], start=1):
            question = upsert(
                QuizQuestion,
                {"quiz": quiz, "order": order},
                {"text": question_data["question"], "explanation": question_data["explanation"]},
            )
            # The file may always name A: choices are rotated, as in the exam bank, so the key varies.
            labelled, correct = choices_rotated(question_data["choices"], question_data["correct"], order % 3)
            # Clear an old key first: the database allows one correct choice per question.
            wrong = question.choices.exclude(order="ABC".index(correct) + 1).filter(is_correct=True)
            counts["updated"] += wrong.update(is_correct=False)
            for label, text in labelled:
                upsert(
                    QuizChoice,
                    {"question": question, "order": "ABC".index(label) + 1},
                    {"text": text, "is_correct": label == correct},
                )
    return counts
