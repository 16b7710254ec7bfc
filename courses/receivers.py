"""Cache invalidation for catalog and course-page fragments (see courses/cache.py for why this is
done with signals). Every write that changes what a cached fragment shows bumps its version."""

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete
from django.dispatch import receiver

from accounts.user_cache import forget_users
from courses.cache import cache_bump, public_pages_bump
from courses.models import Category, Course, Instructor, Section


def _dependent_course_ids(course_id: int) -> list[int]:
    """Courses whose page lists this one as a prerequisite (they show its title and link)."""
    return list(
        Course.prerequisites.through.objects.filter(to_course_id=course_id).values_list("from_course_id", flat=True)
    )


@receiver(post_save, sender=Course)
def course_saved(sender, instance, **kwargs):
    cache_bump(catalog=True, course_ids=[instance.pk, *_dependent_course_ids(instance.pk)])


@receiver(pre_delete, sender=Course)
def course_deleting(sender, instance, **kwargs):
    # Before the delete, while the prerequisite rows that point at this course still exist.
    cache_bump(catalog=True, course_ids=[instance.pk, *_dependent_course_ids(instance.pk)])


@receiver(m2m_changed, sender=Course.instructors.through)
@receiver(m2m_changed, sender=Course.prerequisites.through)
def course_relations_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if not action.startswith("post_"):
        return
    if isinstance(instance, Course):
        course_ids = [instance.pk]
        if sender is Course.prerequisites.through:
            # "A requires B" changed, maybe from B's side (B.required_for.add(A)): pk_set are courses too.
            course_ids += list(pk_set or [])
    else:  # instructor.courses.add(...)
        course_ids = list(pk_set or [])
    cache_bump(catalog=True, course_ids=course_ids)


@receiver(post_save, sender=Category)
@receiver(post_delete, sender=Category)
def category_changed(sender, instance, **kwargs):
    cache_bump(
        catalog=True, course_ids=list(Course.objects.filter(category_id=instance.pk).values_list("pk", flat=True))
    )


@receiver(post_save, sender=Instructor)
@receiver(pre_delete, sender=Instructor)
def instructor_changed(sender, instance, **kwargs):
    cache_bump(course_ids=list(instance.courses.values_list("pk", flat=True)))
    forget_users(instance.user_id)  # the cached user copy says whether it teaches (roles_of)
    public_pages_bump()  # the instructor's own page, also when they teach no course yet


@receiver(post_save, sender=Section)
@receiver(post_delete, sender=Section)
def section_changed(sender, instance, **kwargs):
    cache_bump(course_ids=[instance.course_id])


# Lesson, material and quiz changes bump their courses from lessons/receivers.py: courses does not
# know about lessons (lessons depends on courses).
