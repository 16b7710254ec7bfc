from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone


class Category(models.Model):
    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    description = models.CharField(max_length=300, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "name"]
        verbose_name_plural = "categories"

    def __str__(self) -> str:
        return self.name


class Instructor(models.Model):
    """A teaching profile; the login is the linked user (in the Instructors group)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="instructor")
    bio = models.TextField(blank=True)
    photo = models.ImageField(upload_to="instructors/", blank=True)
    faa_certificate_number = models.CharField(
        "FAA certificate number", max_length=20, blank=True, help_text="Remote Pilot certificate number."
    )

    class Meta:
        ordering = ["user__full_name"]

    def __str__(self) -> str:
        return self.user.full_name


class CourseQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Course.Status.PUBLISHED)

    def visible_to(self, user):
        """Published courses for everyone; drafts and archived ones too for staff and their instructors."""
        if user.is_authenticated and user.is_staff and user.is_superuser:
            return self.all()
        if user.is_authenticated and user.has_perm("courses.view_course") and user.is_staff:
            return self.all()
        if user.is_authenticated:
            return self.filter(Q(status=Course.Status.PUBLISHED) | Q(instructors__user=user)).distinct()
        return self.published()

    def taught_by(self, user):
        return self.filter(instructors__user=user)


class Course(models.Model):
    class Level(models.TextChoices):
        BEGINNER = "beginner", "Beginner"
        INTERMEDIATE = "intermediate", "Intermediate"
        ADVANCED = "advanced", "Advanced"

    class Format(models.TextChoices):
        ONLINE = "online", "Online"
        IN_PERSON = "in_person", "In person"
        HYBRID = "hybrid", "Hybrid (online + flight day)"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"
        ARCHIVED = "archived", "Archived"

    slug = models.SlugField(max_length=120, unique=True)
    title = models.CharField(max_length=160)
    summary = models.CharField(max_length=300, help_text="One or two sentences for cards and search results.")
    description = models.TextField(blank=True, help_text="Markdown.")
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="courses")
    level = models.CharField(max_length=20, choices=Level.choices, default=Level.BEGINNER)
    format = models.CharField(max_length=20, choices=Format.choices, default=Format.ONLINE)
    price = models.DecimalField(
        max_digits=8, decimal_places=2, default=Decimal("0.00"), validators=[MinValueValidator(Decimal("0"))]
    )
    currency = models.CharField(max_length=3, default="usd")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True)
    is_featured = models.BooleanField(default=False, help_text="Shown on the home page.")
    instructors = models.ManyToManyField(Instructor, related_name="courses", blank=True)
    cover_image = models.ImageField(upload_to="covers/", blank=True)
    prerequisites = models.ManyToManyField("self", symmetrical=False, blank=True, related_name="required_for")
    estimated_hours = models.DecimalField(max_digits=5, decimal_places=1, default=Decimal("1.0"))
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CourseQuerySet.as_manager()

    class Meta:
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(condition=Q(price__gte=0), name="courses_course_price_non_negative"),
            models.CheckConstraint(condition=Q(estimated_hours__gte=0), name="courses_course_hours_non_negative"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("courses:detail", kwargs={"slug": self.slug})

    @property
    def is_free(self) -> bool:
        return self.price == 0

    @property
    def is_public(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def price_label(self) -> str:
        if self.is_free:
            return "Free"
        symbol = "$" if self.currency.lower() == "usd" else f"{self.currency.upper()} "
        return f"{symbol}{self.price:,.2f}".replace(".00", "")

    @property
    def price_minor_units(self) -> int:
        """The price in cents, as Stripe wants it."""
        return int((self.price * 100).to_integral_value())

    def publish(self) -> None:
        self.status = self.Status.PUBLISHED
        self.published_at = self.published_at or timezone.now()
        self.save(update_fields=["status", "published_at", "updated_at"])


class Section(models.Model):
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="sections")
    title = models.CharField(max_length=160)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["course", "order"]
        constraints = [
            models.UniqueConstraint(fields=["course", "order"], name="courses_section_unique_order"),
        ]

    def __str__(self) -> str:
        return self.title
