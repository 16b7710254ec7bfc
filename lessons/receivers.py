"""Lessons reacts to its own writes for the caches of the apps below it (they do not know lessons).

- Course pages and the catalog show lessons, materials, captions and quizzes (courses/cache.py): their
  writes bump the courses they belong to.
- A student's cached pages show their progress and certificates (enrollments/student_cache.py):
  those writes bump the student's version.
- The lesson page's course panel shows which lessons are completed (lessons/cache.py): a
  completion changing bumps the student's progress version.
"""

from django.db.models import Q
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from courses.cache import cache_bump
from courses.models import Section
from enrollments.student_cache import student_cache_bump
from lessons.cache import progress_bump
from lessons.models import Certificate, Lesson, LessonCaption, LessonProgress, Material, PracticeExam, Quiz


@receiver(post_save, sender=Lesson, dispatch_uid="lessons.lesson_saved.course_cache")
@receiver(post_delete, sender=Lesson, dispatch_uid="lessons.lesson_deleted.course_cache")
def lesson_changed(sender, instance, **kwargs):
    course_ids = list(Section.objects.filter(pk=instance.section_id).values_list("course_id", flat=True))
    cache_bump(course_ids=course_ids)


@receiver(post_save, sender=Material, dispatch_uid="lessons.material_saved.course_cache")
@receiver(post_delete, sender=Material, dispatch_uid="lessons.material_deleted.course_cache")
def material_changed(sender, instance, **kwargs):
    # A lesson page lists its materials (lessons.views._lesson_fragments).
    cache_bump(course_ids=list(Section.objects.filter(lessons=instance.lesson_id).values_list("course_id", flat=True)))


@receiver(post_save, sender=LessonCaption, dispatch_uid="lessons.caption_saved.course_cache")
@receiver(post_delete, sender=LessonCaption, dispatch_uid="lessons.caption_deleted.course_cache")
def caption_changed(sender, instance, **kwargs):
    # The course page says whether the course is fully captioned; lesson pages offer the tracks.
    cache_bump(course_ids=list(Section.objects.filter(lessons=instance.lesson_id).values_list("course_id", flat=True)))


@receiver(post_save, sender=Quiz, dispatch_uid="lessons.quiz_saved.course_cache")
@receiver(post_delete, sender=Quiz, dispatch_uid="lessons.quiz_deleted.course_cache")
def quiz_changed(sender, instance, **kwargs):
    # Lesson pages list their quizzes; the course outline lists section quizzes.
    home = Q(lessons=instance.lesson_id) if instance.lesson_id else Q(pk=instance.section_id)
    cache_bump(course_ids=list(Section.objects.filter(home).values_list("course_id", flat=True)))


@receiver(post_save, sender=PracticeExam, dispatch_uid="lessons.exam_saved.course_cache")
@receiver(post_delete, sender=PracticeExam, dispatch_uid="lessons.exam_deleted.course_cache")
def practice_exam_changed(sender, instance, **kwargs):
    # The course outline shows the exam's title, length and pass mark (lessons.views._outline_body).
    cache_bump(course_ids=[instance.course_id])


@receiver(post_save, sender=LessonProgress, dispatch_uid="lessons.progress_saved.student_cache")
@receiver(post_delete, sender=LessonProgress, dispatch_uid="lessons.progress_deleted.student_cache")
@receiver(post_save, sender=Certificate, dispatch_uid="lessons.certificate_saved.student_cache")
@receiver(post_delete, sender=Certificate, dispatch_uid="lessons.certificate_deleted.student_cache")
def students_row_changed(sender, instance, **kwargs):
    student_cache_bump(instance.user_id)


@receiver(post_save, sender=LessonProgress, dispatch_uid="lessons.progress_saved.progress_cache")
def progress_saved(sender, instance, created, update_fields, **kwargs):
    # A save that names its fields without completed_at only moved the video position
    # (lessons.services.lesson_progress_save); any other save may have changed a tick.
    if created or update_fields is None or "completed_at" in update_fields:
        progress_bump(instance.user_id)


@receiver(post_delete, sender=LessonProgress, dispatch_uid="lessons.progress_deleted.progress_cache")
def progress_deleted(sender, instance, **kwargs):
    progress_bump(instance.user_id)
