from django.db import models
from django.db.models import Q

from bds.lib.storage import private_storage
from courses.models import Section


class Lesson(models.Model):
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="lessons")
    title = models.CharField(max_length=160)
    slug = models.SlugField(max_length=140, unique=True)
    order = models.PositiveSmallIntegerField(default=0)
    body = models.TextField(blank=True, help_text="Markdown. Rendered sanitised.")
    video = models.FileField(upload_to="videos/", storage=private_storage, blank=True)
    poster = models.ImageField(upload_to="posters/", blank=True)
    duration_seconds = models.PositiveIntegerField(default=0)
    is_preview = models.BooleanField(default=False, help_text="Watchable without enrolling.")
    is_required = models.BooleanField(default=True, help_text="Counts towards course completion.")

    class Meta:
        ordering = ["section__order", "order"]
        constraints = [
            models.UniqueConstraint(fields=["section", "order"], name="lessons_lesson_unique_order"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def duration_label(self) -> str:
        minutes, seconds = divmod(self.duration_seconds, 60)
        return f"{minutes}:{seconds:02d}"


class Material(models.Model):
    """A private download attached to a lesson (checklists, charts, slides)."""

    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="materials")
    title = models.CharField(max_length=160)
    file = models.FileField(upload_to="materials/", storage=private_storage)
    size_bytes = models.PositiveBigIntegerField(default=0)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["lesson", "order"]
        constraints = [
            models.UniqueConstraint(fields=["lesson", "order"], name="lessons_material_unique_order"),
            models.CheckConstraint(condition=Q(size_bytes__gte=0), name="lessons_material_size_non_negative"),
        ]

    def __str__(self) -> str:
        return self.title
