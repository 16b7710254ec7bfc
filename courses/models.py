from decimal import Decimal

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.core.validators import MinValueValidator
from django.db import connection, models
from django.db.models import F, Prefetch, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from core.storage import private_storage


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
    """A teaching profile; the login is the linked user (in the Instructors group).

    Public: the photo, bio and credentials show on course pages and the instructor's own page
    (/instructors/<slug>/). The signature image is private: it is only printed on certificates.
    """

    class CertificateType(models.TextChoices):
        REMOTE_PILOT = "remote_pilot", "FAA Part 107 Remote Pilot"
        PRIVATE_PILOT = "private_pilot", "FAA Private Pilot"
        COMMERCIAL_PILOT = "commercial_pilot", "FAA Commercial Pilot"
        CFI = "cfi", "FAA Certificated Flight Instructor"

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="instructor")
    slug = models.SlugField(
        max_length=80,
        unique=True,
        null=True,
        blank=True,
        help_text="The instructor page's address: /instructors/<slug>/.",
    )
    headline = models.CharField(max_length=120, blank=True, help_text='One line, e.g. "Chief flight instructor".')
    bio = models.TextField(blank=True)
    photo = models.ImageField(
        upload_to="instructors/", blank=True, help_text="Public portrait, square, 400 px or more."
    )
    faa_certificate_number = models.CharField(
        "FAA certificate number", max_length=20, blank=True, help_text="Remote Pilot certificate number."
    )
    faa_certificate_type = models.CharField(
        "FAA certificate", max_length=30, choices=CertificateType.choices, blank=True
    )
    years_flying = models.PositiveSmallIntegerField(null=True, blank=True)
    signature = models.ImageField(
        upload_to="signatures/",
        storage=private_storage,
        blank=True,
        help_text="A transparent PNG of the signature printed on certificates. Never shown on the site.",
    )

    class Meta:
        ordering = ["user__full_name"]

    def __str__(self) -> str:
        return self.user.full_name

    def save(self, *args, **kwargs):
        if not self.slug and self.user_id:
            base = slugify(self.user.full_name or self.user.email.split("@")[0])[:70] or "instructor"
            slug, n = base, 2
            while Instructor.objects.filter(slug=slug).exclude(pk=self.pk).exists():
                slug, n = f"{base}-{n}", n + 1
            self.slug = slug
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("courses:instructor", kwargs={"slug": self.slug}) if self.slug else ""

    @property
    def credentials(self) -> list[str]:
        """Short public lines: the certificate and years flying (never the certificate number)."""
        lines = []
        if self.faa_certificate_type:
            lines.append(self.get_faa_certificate_type_display())
        elif self.faa_certificate_number:
            lines.append(self.CertificateType.REMOTE_PILOT.label)
        if self.years_flying:
            lines.append(f"{self.years_flying} year{'s' if self.years_flying != 1 else ''} flying")
        return lines

    @property
    def initials(self) -> str:
        return "".join(part[0] for part in (self.user.full_name or "?").split()[:2]).upper()


STAFF_GROUP = "Staff"

# PostgreSQL text-search configuration for course text (English stemming: "flying" finds "fly").
SEARCH_CONFIG = "english"


STUDENT_PREVIEW_PARAM = "preview"  # ?preview=student: the admin's "Preview as student" link


def student_preview_requested(request, course) -> bool:
    """The page was opened from admin's "Preview as student" by someone who may preview this
    course (its own instructors and school staff): the page then says so in a banner."""
    if request.GET.get(STUDENT_PREVIEW_PARAM) != "student" or not request.user.is_authenticated:
        return False
    return is_school_staff(request.user) or course.instructors.filter(user=request.user).exists()


def is_school_staff(user) -> bool:
    """Staff run the whole school: superusers and members of the "Staff" group. Instructors are
    `is_staff` too (so they can log into admin) but see only the courses they teach."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    # Cached on the user object: admin calls this several times per request.
    if not hasattr(user, "_is_school_staff"):
        from accounts.user_cache import roles_of  # here: accounts.user_cache needs the app registry

        roles = roles_of(user)  # the cached copy's group names
        user._is_school_staff = STAFF_GROUP in roles[0] if roles else user.groups.filter(name=STAFF_GROUP).exists()
    return user._is_school_staff


def course_search_vector() -> SearchVector:
    """The weighted document a course is searched by. The GIN index in Meta.indexes is built on this
    exact expression, so PostgreSQL can use it only while both stay identical: change them together."""
    return (
        SearchVector("title", weight="A", config=SEARCH_CONFIG)
        + SearchVector("summary", weight="B", config=SEARCH_CONFIG)
        + SearchVector("description", weight="C", config=SEARCH_CONFIG)
    )


class CourseQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Course.Status.PUBLISHED)

    def visible_to(self, user):
        """Published courses for everyone; drafts and archived ones too for school staff and for
        the course's own instructors (who are `is_staff` for admin, but must not see other drafts)."""
        if is_school_staff(user):
            return self.all()
        if user.is_authenticated:
            return self.filter(
                Q(status=Course.Status.PUBLISHED) | Q(pk__in=Course.objects.taught_by(user).values("pk"))
            )
        return self.published()

    def taught_by(self, user):
        return self.filter(instructors__user=user)

    def search(self, text: str):
        """Courses matching the words in `text`, annotated with `rank` (higher is better).

        PostgreSQL: full-text search (web-search syntax, English stemming) ranked with title
        above summary above description. Other databases (SQLite in development): every word must
        appear in the title, summary or description, case-insensitively; the whole text found in
        the title ranks above the summary, above the description.
        """
        text = " ".join(text.split())[:200]
        if not text:
            return self.annotate(rank=models.Value(0.0, output_field=models.FloatField()))
        if connection.vendor == "postgresql":
            query = SearchQuery(text, config=SEARCH_CONFIG, search_type="websearch")
            vector = course_search_vector()
            # The filter repeats the indexed expression verbatim so the GIN index applies.
            return (
                self.annotate(search_document=vector)
                .filter(search_document=query)
                .annotate(rank=SearchRank(vector, query))
            )
        condition = Q()
        for word in text.split()[:10]:
            condition &= Q(title__icontains=word) | Q(summary__icontains=word) | Q(description__icontains=word)
        rank = models.Case(
            models.When(title__icontains=text, then=models.Value(3.0)),
            models.When(summary__icontains=text, then=models.Value(2.0)),
            models.When(description__icontains=text, then=models.Value(1.0)),
            default=models.Value(0.0),
            output_field=models.FloatField(),
        )
        return self.filter(condition).annotate(rank=rank)

    def filtered(self, *, category: str = "", level: str = "", format: str = "", price: str = ""):
        """Narrow by the catalog filters; an empty value means "any"."""
        queryset = self
        if category:
            queryset = queryset.filter(category__slug=category)
        if level:
            queryset = queryset.filter(level=level)
        if format:
            queryset = queryset.filter(format=format)
        if price == "free":
            queryset = queryset.filter(price=0)
        elif price == "paid":
            queryset = queryset.filter(price__gt=0)
        return queryset

    def sorted_by(self, sort: str):
        """Order for the catalog: featured (the default: the school's flagship courses first, then
        the longest-running), relevance (needs `search`), newest, price (low to high) or title."""
        if sort == "featured":
            return self.order_by("-is_featured", F("published_at").asc(nulls_last=True), "pk")
        if sort == "relevance":
            return self.order_by("-rank", "title", "pk")
        if sort == "newest":
            return self.order_by(F("published_at").desc(nulls_last=True), "-created_at", "pk")
        if sort == "price":
            return self.order_by("price", "title", "pk")
        return self.order_by("title", "pk")

    def for_catalog(self, *, q: str = "", sort: str = "", **filters: str):
        """Published courses as the catalog lists them: searched, filtered, sorted, ready for cards."""
        courses = self.published().for_cards()
        if q:
            courses = courses.search(q)
        elif sort == "relevance":
            sort = "featured"  # nothing to rank without a search
        return courses.filtered(**filters).sorted_by(sort)

    def for_cards(self):
        """What a course card shows (title, summary, category, level, format, price, hours, cover)."""
        return self.select_related("category")

    def for_course_page(self):
        """Everything the course page renders, in a fixed number of queries."""
        return self.select_related("category").prefetch_related(*course_page_prefetches())


def course_page_prefetches() -> list:
    """The related rows a course page body shows; usable with prefetch_related_objects() on a
    course already loaded, so a cached page never pays for them."""
    return [
        Prefetch("sections", queryset=Section.objects.order_by("order", "pk")),
        # Lessons are reached by their related name only: lessons depends on courses, not the reverse.
        "sections__lessons",
        Prefetch("instructors", queryset=Instructor.objects.select_related("user")),
        Prefetch("prerequisites", queryset=Course.objects.order_by("title")),
    ]


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
    # Kept by reviews.services on every review write (the card and the page read them without a query).
    # Nullable so adding them altered the table in place on SQLite too (a NOT NULL column makes Django
    # rebuild the table there, with the PostgreSQL-only search index); empty means no review yet.
    rating_count = models.PositiveIntegerField(null=True, blank=True, editable=False)
    rating_average = models.DecimalField(max_digits=3, decimal_places=2, null=True, blank=True, editable=False)
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
        indexes = [
            # Full-text search (PostgreSQL only: migration 0002 skips it on other databases).
            GinIndex(course_search_vector(), name="courses_course_search_gin"),
            # The catalog lists published courses, newest first by default.
            models.Index(fields=["status", "-published_at"], name="courses_course_status_pub_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("course_detail", kwargs={"slug": self.slug})

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

    @property
    def is_draft_or_archived(self) -> bool:
        return self.status != self.Status.PUBLISHED

    def lesson_totals(self) -> tuple[int, int]:
        """(number of lessons, total seconds) over all sections; use with course_page_prefetches()."""
        sections = self.sections.all()
        return sum(len(section.lessons.all()) for section in sections), sum(s.total_seconds for s in sections)

    def stamp_published(self) -> None:
        """Record the first publication date; call before saving a course whose status was set by a form."""
        if self.status == self.Status.PUBLISHED and self.published_at is None:
            self.published_at = timezone.now()

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

    @property
    def label_with_course(self) -> str:
        """For lists mixing courses, where section titles repeat ("Introduction"); needs the course loaded."""
        return f"{self.course.title} › {self.title}"

    @property
    def total_seconds(self) -> int:
        """Length of the section's lessons; expects lessons prefetched (course_page_prefetches)."""
        return sum(lesson.duration_seconds for lesson in self.lessons.all())
