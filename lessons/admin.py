"""Lesson and material authoring in admin, scoped like the course admin (see courses/admin.py):
an instructor sees and changes only the lessons and materials of courses they teach.

Video and material files use the direct-upload widget (lessons/widgets.py): with files in S3 the
browser uploads them straight to the private bucket location, resumably and with progress, and the
form saves only a verified key; on local files (development) it is an ordinary file upload. Replaced
and deleted files are removed after commit (and invalidated on the CDN)."""

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import ForeignKeyRawIdWidget
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.html import format_html
from unfold.admin import ModelAdmin, StackedInline, TabularInline

from core.admin import SortableInlineMixin, StudentPreviewAdminMixin
from core.widgets import MarkdownAdminMixin
from courses.admin import (
    InstructorScopedAdmin,
    ScopedInline,
    SectionAdmin,
    courses_editable_by,
    courses_taught_by,
    sections_editable_by,
)
from courses.models import Course, Section, is_school_staff
from lessons.admin_authoring import LessonVideoStateAdminMixin
from lessons.models import (
    Certificate,
    ExamChoice,
    ExamQuestion,
    Lesson,
    LessonCaption,
    Material,
    PracticeExam,
    Quiz,
    QuizChoice,
    QuizQuestion,
)
from lessons.widgets import DirectUploadAdminMixin


class MaterialForm(forms.ModelForm):
    class Meta:
        model = Material
        fields = ["order", "title", "file"]

    def save(self, commit=True):
        # The size shown next to a download comes from the uploaded file, never typed by hand.
        if "file" in self.changed_data and self.instance.file:
            self.instance.size_bytes = self.instance.file.size
        return super().save(commit)


class MaterialInline(SortableInlineMixin, DirectUploadAdminMixin, ScopedInline, TabularInline):
    model = Material
    direct_upload_fields = {"file": "material"}
    form = MaterialForm
    fields = ["order", "title", "file", "size_bytes"]
    readonly_fields = ["size_bytes"]
    ordering = ["order"]


class LessonCaptionInline(ScopedInline, StackedInline):
    """WebVTT captions, one per language; a malformed file is refused naming the wrong line.
    Stacked, so that message is readable in full on a phone (a table row would clip it)."""

    model = LessonCaption
    verbose_name = "caption"
    verbose_name_plural = "captions (WebVTT)"
    fields = ["language", "label", "file", "is_default"]
    extra = 1


class LessonInline(SortableInlineMixin, DirectUploadAdminMixin, ScopedInline, TabularInline):
    model = Lesson
    direct_upload_fields = {"video": "video"}
    fields = ["order", "title", "slug", "duration_seconds", "is_preview", "is_required", "video"]
    prepopulated_fields = {"slug": ["title"]}
    ordering = ["order"]
    show_change_link = True  # body text and materials are edited on the lesson's own page


class CaptionsListFilter(admin.SimpleListFilter):
    """Which published video lessons have captions (WCAG 1.2.2); both choices leave out lessons
    without a video or in an unpublished course, which need none yet."""

    title = "captions"
    parameter_name = "captions"

    def lookups(self, request, model_admin):
        return [("missing", "Missing (published videos)"), ("present", "Present (published videos)")]

    def queryset(self, request, queryset):
        if self.value() == "missing":
            return queryset.needing_captions().filter(has_captions=False)
        if self.value() == "present":
            return queryset.needing_captions().filter(has_captions=True)
        return queryset


@admin.register(Lesson)
class LessonAdmin(
    StudentPreviewAdminMixin,
    MarkdownAdminMixin,
    LessonVideoStateAdminMixin,
    DirectUploadAdminMixin,
    InstructorScopedAdmin,
):
    markdown_fields = ["body"]  # core/widgets.py: Write / Preview tabs
    course_path = "section__course"
    direct_upload_fields = {"video": "video"}
    list_display = [
        "title",
        "section_label",
        "order",
        "duration_label",
        "video_state_column",
        "captions_column",
        "is_preview",
        "is_required",
    ]
    list_filter = [
        ("section__course", admin.RelatedOnlyFieldListFilter),
        CaptionsListFilter,
        "video_state",
        "is_preview",
        "is_required",
    ]
    actions = ["retry_video_processing"]  # lessons/admin_authoring.py
    list_select_related = ["section__course"]
    search_fields = ["title", "slug", "section__title", "section__course__title"]
    ordering = ["section__course__title", "section__order", "order"]
    prepopulated_fields = {"slug": ["title"]}
    fields = [
        "section",
        "order",
        "title",
        "slug",
        "body",
        "video",
        "video_processing",
        "poster",
        "duration_seconds",
        "is_preview",
        "is_required",
    ]
    readonly_fields = ["video_processing"]
    inlines = [MaterialInline, LessonCaptionInline]

    @admin.display(description="Section", ordering="section__course__title")
    def section_label(self, lesson):
        return lesson.section.label_with_course

    @admin.display(description="Duration", ordering="duration_seconds")
    def duration_label(self, lesson):
        return lesson.duration_label

    @admin.display(description="Captions", ordering="caption_labels")
    def captions_column(self, lesson):
        # The labels come annotated by get_queryset (with_caption_state): no query per row.
        if lesson.caption_labels:
            return ", ".join(sorted(lesson.caption_labels.split(", ")))
        if not lesson.video:
            return "—"
        return format_html('<span class="captions-missing">{}</span>', "Missing")

    def student_preview_path(self, lesson) -> str:
        return reverse("lessons:lesson", args=[lesson.section.course.slug, lesson.slug])

    def view_on_site(self, lesson):
        # The learning player's path (the URL map in bds/urls.py); preview lessons play there without enrolling.
        return f"/learn/{lesson.section.course.slug}/{lesson.slug}/"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("section__course").with_caption_state()

    # A new video's duration and poster come from lessons.services.lesson_video_process_later, queued
    # after commit by DirectUploadAdminMixin.save_model (and save_formset, for the section page's rows).

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "section":
            # Only sections of the user's own courses; their labels name the course, hence the join.
            kwargs["queryset"] = (
                sections_editable_by(request.user).select_related("course").order_by("course__title", "order")
            )
            field = super().formfield_for_foreignkey(db_field, request, **kwargs)
            field.label_from_instance = lambda section: section.label_with_course
            return field
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


# Sections are edited with their lessons inline: courses defines the section admin without
# registering it (it cannot import lessons), and lessons registers it with the inline.


@admin.register(Section)
class SectionWithLessonsAdmin(DirectUploadAdminMixin, SectionAdmin):
    inlines = [LessonInline]


# -- quizzes, the practice exam bank and certificates ---------------------------------------------


def lessons_editable_by(user) -> QuerySet:
    if is_school_staff(user):
        return Lesson.objects.all()
    return Lesson.objects.filter(section__course__in=courses_taught_by(user))


def quizzes_editable_by(user) -> QuerySet:
    # A quiz hangs off a lesson or a section: in scope when either belongs to a course taught.
    if is_school_staff(user):
        return Quiz.objects.all()
    taught = courses_taught_by(user)
    return Quiz.objects.filter(Q(lesson__section__course__in=taught) | Q(section__course__in=taught))


# The parents a learning object can be attached to, and which of them a user may attach things to.
PARENTS_EDITABLE_BY = {
    Course: courses_editable_by,
    Section: sections_editable_by,
    Lesson: lessons_editable_by,
    Quiz: quizzes_editable_by,
}


def parents_out_of_scope(user, obj) -> list[str]:
    """The names of obj's foreign keys that point at a course, section, lesson or quiz the user may
    not edit (an instructor's are those of the courses they teach)."""
    out_of_scope = []
    for field in obj._meta.concrete_fields:
        editable_by = PARENTS_EDITABLE_BY.get(getattr(field.remote_field, "model", None))
        value = getattr(obj, field.attname) if editable_by else None
        if value is not None and not editable_by(user).filter(pk=value).exists():
            out_of_scope.append(field.name)
    return out_of_scope


class ScopedRawIdWidget(ForeignKeyRawIdWidget):
    """The raw-id box names the chosen object next to the id; looked up within the user's scope, so
    typing another instructor's id does not reveal that lesson's or course's title."""

    def __init__(self, rel, admin_site, *, queryset: QuerySet, **kwargs):
        super().__init__(rel, admin_site, **kwargs)
        self.queryset = queryset

    def label_and_url_for_value(self, value):
        if not self.queryset.filter(**{self.rel.get_related_field().name: value}).exists():
            return "", ""
        return super().label_and_url_for_value(value)


class ParentScopedAdmin:
    """An admin whose objects point at courses, sections, lessons or quizzes through foreign keys
    (raw-id fields among them): an instructor may attach them only to the courses they teach.

    Three layers, since each is a way in: the form field's queryset (a typed id outside it is "not
    a valid choice"), the raw-id label (shows nothing outside it) and, whatever the form allowed,
    save_model and save_formset, which refuse to store a row pointing outside the user's courses.
    The raw-id lookup pop-ups are the target admins' own changelists, already scoped."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        editable_by = PARENTS_EDITABLE_BY.get(db_field.remote_field.model)
        if editable_by is not None:
            kwargs["queryset"] = editable_by(request.user)
            if db_field.name in self.raw_id_fields:
                kwargs["widget"] = ScopedRawIdWidget(
                    db_field.remote_field, self.admin_site, queryset=kwargs["queryset"], using=kwargs.get("using")
                )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if parents_out_of_scope(request.user, obj):
            raise PermissionDenied("That belongs to a course you do not teach.")
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        for inline_form in formset.forms:
            if inline_form.has_changed() and parents_out_of_scope(request.user, inline_form.instance):
                raise PermissionDenied("That belongs to a course you do not teach.")
        super().save_formset(request, form, formset, change)


class QuizQuestionInline(ScopedInline, StackedInline):
    model = QuizQuestion
    fields = ["order", "text", "explanation"]
    ordering = ["order"]
    extra = 1
    show_change_link = True  # the choices are edited on the question's own page


@admin.register(Quiz)
class QuizAdmin(ParentScopedAdmin, InstructorScopedAdmin):
    list_display = ["title", "lesson", "section", "pass_percent"]
    list_select_related = ["lesson", "section"]
    search_fields = ["title"]
    raw_id_fields = ["lesson", "section"]
    inlines = [QuizQuestionInline]

    def scope(self, request, queryset):
        if is_school_staff(request.user):
            return queryset
        return queryset.filter(pk__in=quizzes_editable_by(request.user).values("pk"))


class QuizChoiceInline(ScopedInline, TabularInline):
    model = QuizChoice
    fields = ["order", "text", "is_correct"]
    ordering = ["order"]
    extra = 3


@admin.register(QuizQuestion)
class QuizQuestionAdmin(ParentScopedAdmin, InstructorScopedAdmin):
    list_display = ["__str__", "quiz", "order"]
    list_select_related = ["quiz"]
    raw_id_fields = ["quiz"]
    inlines = [QuizChoiceInline]

    def scope(self, request, queryset):
        if is_school_staff(request.user):
            return queryset
        return queryset.filter(quiz__in=quizzes_editable_by(request.user).values("pk"))


class ExamChoiceInline(TabularInline):
    model = ExamChoice
    fields = ["label", "text", "is_correct"]
    extra = 3
    max_num = 3


@admin.register(ExamQuestion)
class ExamQuestionAdmin(ModelAdmin):
    """The shared Part 107 bank: school staff maintain it (model permissions decide who)."""

    list_display = ["__str__", "area", "is_active"]
    list_filter = ["area", "is_active"]
    search_fields = ["text", "key"]
    inlines = [ExamChoiceInline]


@admin.register(PracticeExam)
class PracticeExamAdmin(ParentScopedAdmin, InstructorScopedAdmin):
    course_path = "course"
    list_display = ["title", "course", "question_count", "time_limit_minutes", "pass_percent"]
    list_select_related = ["course"]
    raw_id_fields = ["course"]


@admin.register(Certificate)
class CertificateAdmin(ModelAdmin):
    """Issued by the completion workflow only; staff look them up, nobody edits one by hand."""

    list_display = ["public_id", "full_name", "course_title", "issued_at", "emailed_at"]
    list_select_related = ["user", "course"]
    search_fields = ["public_id", "full_name", "user__email", "course_title"]
    date_hierarchy = "issued_at"
    readonly_fields = [field.name for field in Certificate._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
