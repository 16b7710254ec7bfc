import secrets
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, F, OuterRef, Q, StringAgg, Subquery, Value
from django.urls import reverse
from django.utils import timezone

from core.storage import private_storage
from courses.cache import public_pages_bump
from courses.models import Course, Section


class LessonQuerySet(models.QuerySet):
    def for_course(self, course):
        return self.filter(section__course=course).order_by("section__order", "order", "pk")

    def required(self):
        return self.filter(is_required=True)

    def with_video(self):
        return self.exclude(video="")

    def needing_captions(self):
        """Lessons that should have captions (WCAG 1.2.2): they have a video in a published course."""
        return self.with_video().filter(section__course__status=Course.Status.PUBLISHED)

    def with_caption_state(self):
        """Annotate `has_captions` and `caption_labels` ("English, Español"): one subquery each,
        so a list of lessons costs the same number of queries whatever its length."""
        captions = LessonCaption.objects.filter(lesson=OuterRef("pk"))
        labels = (
            captions.order_by()
            .values("lesson")
            # No ORDER BY inside the aggregate: SQLite (the embedded default) refuses it. The
            # admin column sorts the labels (LessonAdmin.captions_column).
            .annotate(labels=StringAgg("label", Value(", ")))
            .values("labels")
        )
        return self.annotate(has_captions=Exists(captions), caption_labels=Subquery(labels))

    def captions_missing(self):
        return self.needing_captions().filter(~Exists(LessonCaption.objects.filter(lesson=OuterRef("pk"))))

    def caption_coverage(self) -> "CaptionCoverage":
        """How far these lessons' videos are captioned, in one query (lessons × their captions)."""
        labels_by_lesson: dict[int, set[str]] = {}
        for lesson_id, label in self.with_video().order_by().values_list("pk", "captions__label"):
            labels_by_lesson.setdefault(lesson_id, set())
            if label is not None:
                labels_by_lesson[lesson_id].add(label)
        label_sets = list(labels_by_lesson.values())
        return CaptionCoverage(
            video_lessons=len(label_sets),
            captioned_lessons=sum(1 for labels in label_sets if labels),
            languages=sorted(set.intersection(*label_sets)) if label_sets else [],
        )


@dataclass(frozen=True)
class CaptionCoverage:
    """The captions of a course's video lessons: `languages` are those every video lesson has."""

    video_lessons: int
    captioned_lessons: int
    languages: list[str]

    @property
    def is_complete(self) -> bool:
        return self.video_lessons > 0 and self.captioned_lessons == self.video_lessons

    @property
    def is_partial(self) -> bool:
        return 0 < self.captioned_lessons < self.video_lessons


class VideoState(models.TextChoices):
    NONE = "", "No video"
    PROCESSING = "processing", "Processing"
    READY = "ready", "Ready"
    FAILED = "failed", "Processing failed"


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
    # Adaptive streaming: the video the HLS renditions were made from (lessons/services/renditions.py).
    # They play only while it is still the lesson's video, so a replaced upload never streams the old one.
    hls_source = models.CharField(max_length=255, blank=True, editable=False)
    # Where the video's background processing (duration, poster: lessons/services/video.py) stands,
    # and, when it failed, why, in words an instructor can act on (shown in admin with a retry button).
    video_state = models.CharField(max_length=12, choices=VideoState.choices, default=VideoState.NONE, blank=True)
    video_error = models.TextField(blank=True)
    video_state_changed_at = models.DateTimeField(null=True, blank=True)

    objects = LessonQuerySet.as_manager()

    class Meta:
        ordering = ["section__order", "order"]
        constraints = [
            models.UniqueConstraint(fields=["section", "order"], name="lessons_lesson_unique_order"),
        ]

    def __str__(self) -> str:
        return self.title

    def video_state_set(self, state: str, error: str = "") -> None:
        """Record where the video's processing stands (and why it failed), saving only those fields."""
        self.video_state, self.video_error = state, error[:2000]
        self.video_state_changed_at = timezone.now()
        Lesson.objects.filter(pk=self.pk).update(
            video_state=self.video_state,
            video_error=self.video_error,
            video_state_changed_at=self.video_state_changed_at,
        )
        # update() sends no signal: the stored lesson rows (lessons/cache.py) are dropped here.
        public_pages_bump()

    @property
    def has_renditions(self) -> bool:
        return bool(self.video) and self.hls_source == self.video.name

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


class LessonCaption(models.Model):
    """A WebVTT caption file for a lesson's video in one language, stored privately like the video."""

    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="captions")
    language = models.CharField(max_length=20, help_text='A language tag, e.g. "en" or "es".')
    label = models.CharField(max_length=60, help_text='What the player menu shows, e.g. "English".')
    file = models.FileField(upload_to="captions/", storage=private_storage, help_text="A WebVTT (.vtt) file.")
    is_default = models.BooleanField(default=False, help_text="Shown when the video starts.")

    class Meta:
        ordering = ["lesson", "-is_default", "label"]
        constraints = [
            models.UniqueConstraint(fields=["lesson", "language"], name="lessons_caption_one_per_language"),
        ]

    def __str__(self) -> str:
        return f"{self.lesson} ({self.label})"

    def clean(self) -> None:
        from lessons.webvtt import WebVTTError, webvtt_cues

        if not self.file:
            return
        self.file.seek(0)
        raw = self.file.read()
        self.file.seek(0)
        try:
            webvtt_cues(raw.decode("utf-8"))
        except UnicodeDecodeError as error:
            raise ValidationError({"file": "A WebVTT file must be UTF-8 text."}) from error
        except WebVTTError as error:
            raise ValidationError({"file": f"Not a valid WebVTT file. {error}"}) from error


# -- progress -------------------------------------------------------------------------------------


class LessonProgressQuerySet(models.QuerySet):
    def for_course(self, user, course):
        return self.filter(user=user, lesson__section__course=course)

    def completed(self):
        return self.filter(completed_at__isnull=False)


class LessonProgress(models.Model):
    """Where a student is in one lesson. Keyed by user, not enrollment, so progress survives a
    re-enrollment after a refund; access is still decided by the enrollment on every request."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lesson_progress")
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="progress")
    position_seconds = models.PositiveIntegerField(default=0)
    completed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = LessonProgressQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "lesson progress"
        constraints = [
            models.UniqueConstraint(fields=["user", "lesson"], name="lessons_progress_one_per_user_lesson"),
            models.CheckConstraint(condition=Q(position_seconds__gte=0), name="lessons_progress_position_non_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.lesson}"

    @property
    def is_completed(self) -> bool:
        return self.completed_at is not None


# -- quizzes (per lesson or per section, graded on submit) ----------------------------------------


class Quiz(models.Model):
    """A short multiple-choice check attached to exactly one lesson or one section."""

    title = models.CharField(max_length=160)
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="quizzes", null=True, blank=True)
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="quizzes", null=True, blank=True)
    pass_percent = models.PositiveSmallIntegerField(default=70)

    class Meta:
        verbose_name_plural = "quizzes"
        ordering = ["pk"]
        constraints = [
            # Exactly one home: a lesson or a section, never both, never neither.
            models.CheckConstraint(
                condition=(
                    Q(lesson__isnull=False, section__isnull=True) | Q(lesson__isnull=True, section__isnull=False)
                ),
                name="lessons_quiz_lesson_xor_section",
            ),
            models.CheckConstraint(condition=Q(pass_percent__lte=100), name="lessons_quiz_pass_percent_max_100"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def course(self):
        return self.lesson.section.course if self.lesson_id else self.section.course


class QuizQuestion(models.Model):
    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="questions")
    text = models.TextField()
    explanation = models.TextField(blank=True, help_text="Shown after grading.")
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["quiz", "order", "pk"]
        constraints = [models.UniqueConstraint(fields=["quiz", "order"], name="lessons_quizquestion_unique_order")]

    def __str__(self) -> str:
        return self.text[:80]


class QuizChoice(models.Model):
    question = models.ForeignKey(QuizQuestion, on_delete=models.CASCADE, related_name="choices")
    text = models.CharField(max_length=300)
    is_correct = models.BooleanField(default=False)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["question", "order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["question"], condition=Q(is_correct=True), name="lessons_quizchoice_one_correct"
            ),
        ]

    def __str__(self) -> str:
        return self.text


class QuizAttempt(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="quiz_attempts")
    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="attempts")
    answers = models.JSONField(default=dict, help_text="question id → chosen choice id")
    correct_count = models.PositiveSmallIntegerField(default=0)
    question_count = models.PositiveSmallIntegerField(default=0)
    passed = models.BooleanField(default=False)
    submitted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-submitted_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(correct_count__lte=F("question_count")), name="lessons_quizattempt_correct_le_total"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.quiz} · {self.correct_count}/{self.question_count}"

    @property
    def score_percent(self) -> int:
        return round(100 * self.correct_count / self.question_count) if self.question_count else 0


# -- Part 107 practice exams ------------------------------------------------------------------------


class KnowledgeArea(models.TextChoices):
    """The FAA's Remote Pilot (UAG) knowledge areas."""

    REGULATIONS = "regulations", "Regulations"
    AIRSPACE = "airspace", "Airspace classification and operating requirements"
    WEATHER = "weather", "Weather"
    LOADING_AND_PERFORMANCE = "loading_and_performance", "Loading and performance"
    OPERATIONS = "operations", "Operations"


class ExamQuestionQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)


class ExamQuestion(models.Model):
    """One question of the practice exam bank, in the FAA format (three choices, one correct)."""

    key = models.SlugField(max_length=80, unique=True, help_text="Stable id, so the seed can update in place.")
    area = models.CharField(max_length=30, choices=KnowledgeArea.choices, db_index=True)
    text = models.TextField()
    explanation = models.TextField(help_text="Shown in the results, with the reference to study.")
    is_active = models.BooleanField(default=True)

    objects = ExamQuestionQuerySet.as_manager()

    class Meta:
        ordering = ["area", "key"]
        constraints = [
            models.CheckConstraint(
                condition=Q(area__in=[value for value, _ in KnowledgeArea.choices]), name="lessons_examquestion_area"
            ),
        ]

    def __str__(self) -> str:
        return self.text[:80]


class ExamChoice(models.Model):
    question = models.ForeignKey(ExamQuestion, on_delete=models.CASCADE, related_name="choices")
    label = models.CharField(max_length=1, help_text="A, B or C.")
    text = models.CharField(max_length=300)
    is_correct = models.BooleanField(default=False)

    class Meta:
        ordering = ["question", "label"]
        constraints = [
            models.UniqueConstraint(fields=["question", "label"], name="lessons_examchoice_unique_label"),
            models.UniqueConstraint(
                fields=["question"], condition=Q(is_correct=True), name="lessons_examchoice_one_correct"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label}. {self.text}"


class PracticeExam(models.Model):
    """A course's timed practice exam; questions are drawn from the bank for every attempt."""

    course = models.OneToOneField(Course, on_delete=models.CASCADE, related_name="practice_exam")
    title = models.CharField(max_length=160, default="Part 107 practice exam")
    question_count = models.PositiveSmallIntegerField(default=60)
    time_limit_minutes = models.PositiveSmallIntegerField(default=120)
    pass_percent = models.PositiveSmallIntegerField(default=70)
    # "Ready to book your FAA test": this many passes in a row, each at least ready_percent.
    ready_streak = models.PositiveSmallIntegerField(default=3)
    ready_percent = models.PositiveSmallIntegerField(default=80)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(question_count__gte=1), name="lessons_exam_has_questions"),
            models.CheckConstraint(condition=Q(time_limit_minutes__gte=1), name="lessons_exam_has_time"),
            models.CheckConstraint(condition=Q(pass_percent__lte=100), name="lessons_exam_pass_percent_max_100"),
            models.CheckConstraint(condition=Q(ready_percent__lte=100), name="lessons_exam_ready_percent_max_100"),
        ]

    def __str__(self) -> str:
        return self.title


class ExamAttemptQuerySet(models.QuerySet):
    def submitted(self):
        return self.filter(submitted_at__isnull=False)

    def open(self):
        return self.filter(submitted_at__isnull=True)

    def for_user(self, user):
        return self.filter(user=user)


class ExamAttempt(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="exam_attempts")
    exam = models.ForeignKey(PracticeExam, on_delete=models.CASCADE, related_name="attempts")
    started_at = models.DateTimeField(default=timezone.now)
    deadline = models.DateTimeField()
    submitted_at = models.DateTimeField(null=True, blank=True)
    correct_count = models.PositiveSmallIntegerField(default=0)
    question_count = models.PositiveSmallIntegerField(default=0)
    score_percent = models.PositiveSmallIntegerField(default=0)
    passed = models.BooleanField(default=False)
    results_by_area = models.JSONField(default=dict, blank=True, help_text="area → {correct, total, percent}")

    objects = ExamAttemptQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at"]
        constraints = [
            models.CheckConstraint(condition=Q(deadline__gt=F("started_at")), name="lessons_examattempt_deadline"),
            models.CheckConstraint(condition=Q(score_percent__lte=100), name="lessons_examattempt_score_max_100"),
            # One attempt in progress per student and exam: a second "Start" resumes the first.
            models.UniqueConstraint(
                fields=["user", "exam"], condition=Q(submitted_at__isnull=True), name="lessons_examattempt_one_open"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.exam} · {self.started_at:%Y-%m-%d %H:%M}"

    @property
    def is_submitted(self) -> bool:
        return self.submitted_at is not None

    def is_past_deadline(self, now=None) -> bool:
        return (now or timezone.now()) >= self.deadline


class ExamAttemptQuestion(models.Model):
    """A question drawn for one attempt, in the order shown, with the answer given (if any)."""

    attempt = models.ForeignKey(ExamAttempt, on_delete=models.CASCADE, related_name="items")
    question = models.ForeignKey(ExamQuestion, on_delete=models.PROTECT, related_name="+")
    order = models.PositiveSmallIntegerField()
    chosen = models.ForeignKey(ExamChoice, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    answered_at = models.DateTimeField(null=True, blank=True)
    # "Flag for review", as on the FAA's test: kept with the attempt so it survives a reload or a
    # change of device, and listed on the review screen before submitting.
    flagged = models.BooleanField(default=False)

    class Meta:
        ordering = ["attempt", "order"]
        constraints = [
            models.UniqueConstraint(fields=["attempt", "question"], name="lessons_attemptquestion_unique_question"),
            models.UniqueConstraint(fields=["attempt", "order"], name="lessons_attemptquestion_unique_order"),
        ]

    def __str__(self) -> str:
        return f"{self.attempt_id} #{self.order}"

    @property
    def is_correct(self) -> bool:
        return self.chosen is not None and self.chosen.is_correct


# -- certificates ---------------------------------------------------------------------------------


def certificate_public_id() -> str:
    # 128 random bits, URL-safe: the verification address cannot be guessed or enumerated.
    return secrets.token_urlsafe(16)


class CertificateQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(user=user)


class Certificate(models.Model):
    """Proof that a student completed a course; verifiable by anyone at /certificates/<public_id>/."""

    public_id = models.CharField(max_length=32, unique=True, default=certificate_public_id, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="certificates")
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="certificates")
    # Printed values are copied at issue time, so a later rename of the course keeps the certificate true.
    full_name = models.CharField(max_length=150)
    course_title = models.CharField(max_length=160)
    issued_at = models.DateTimeField(default=timezone.now)
    hours = models.DecimalField(max_digits=5, decimal_places=1, default=Decimal("0.0"))
    instructor_name = models.CharField(max_length=150, blank=True)
    pdf = models.FileField(upload_to="certificates/", storage=private_storage, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    objects = CertificateQuerySet.as_manager()

    class Meta:
        ordering = ["-issued_at"]
        constraints = [
            models.UniqueConstraint(fields=["user", "course"], name="lessons_certificate_one_per_user_course"),
            models.CheckConstraint(condition=Q(hours__gte=0), name="lessons_certificate_hours_non_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} · {self.course_title}"

    def get_absolute_url(self) -> str:
        return reverse("certificates:verify", kwargs={"public_id": self.public_id})

    @property
    def verify_url(self) -> str:
        return f"{settings.SITE_URL}{self.get_absolute_url()}"
