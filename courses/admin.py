"""Course authoring in Django admin.

Instructors are `is_staff` users in the "Instructors" group: they see and change only the courses
they teach, and the sections, lessons and materials inside them. School staff (superusers and the
"Staff" group) see everything. Scoping happens in three places, because each is a separate way in:
the changelist and every object URL (`get_queryset`: another instructor's object is a 404), the
per-object permission checks (`has_*_permission`), and the choices a form offers for a parent
(`formfield_for_foreignkey`).
"""

from django.contrib import admin, messages
from django.db import transaction
from django.db.models import Count, QuerySet
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.html import format_html
from unfold.admin import ModelAdmin, TabularInline

from core.admin import SortableInlineMixin, StudentPreviewAdminMixin
from core.audit import audit_record
from core.widgets import MarkdownAdminMixin
from courses.cache import cache_bump
from courses.models import Category, Course, Instructor, Section, is_school_staff


def courses_taught_by(user) -> QuerySet:
    return Course.objects.taught_by(user).values("pk")


def courses_editable_by(user) -> QuerySet:
    if is_school_staff(user):
        return Course.objects.all()
    return Course.objects.filter(pk__in=courses_taught_by(user))


def sections_editable_by(user) -> QuerySet:
    if is_school_staff(user):
        return Section.objects.all()
    return Section.objects.filter(course__in=courses_taught_by(user))


class NotFoundOutOfScope:
    """An object outside the user's scope answers 404 like a missing one (admin would otherwise
    redirect to its index with "doesn't exist"), so scoped users learn nothing about it."""

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None and not is_school_staff(request.user):
            raise Http404("No such object.")
        return obj


class InstructorScopedAdmin(NotFoundOutOfScope, ModelAdmin):
    """A ModelAdmin whose rows belong to a course; `course_path` is the lookup from the row to it."""

    course_path = ""

    def scope(self, request, queryset):
        if is_school_staff(request.user):
            return queryset
        if not self.course_path:
            return queryset.filter(pk__in=courses_taught_by(request.user))
        return queryset.filter(**{f"{self.course_path}__in": courses_taught_by(request.user)})

    def get_queryset(self, request):
        return self.scope(request, super().get_queryset(request))

    def _in_scope(self, request, obj) -> bool:
        return (
            obj is None
            or is_school_staff(request.user)
            or self.scope(request, self.model.objects.filter(pk=obj.pk)).exists()
        )

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and self._in_scope(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._in_scope(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._in_scope(request, obj)


class ScopedInline:
    """Inline rows are checked against the parent object, which the parent admin already scoped."""

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and _parent_in_scope(request, obj)

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and _parent_in_scope(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and _parent_in_scope(request, obj)

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and _parent_in_scope(request, obj)


def _parent_in_scope(request, obj) -> bool:
    """Whether the parent row of an inline (a course, a section or a lesson) is the user's to edit."""
    if obj is None or is_school_staff(request.user):
        return True
    taught = Course.objects.taught_by(request.user)
    if isinstance(obj, Course):
        return taught.filter(pk=obj.pk).exists()
    if isinstance(obj, Section):
        return taught.filter(pk=obj.course_id).exists()
    if hasattr(obj, "section_id"):  # a lesson, parent of the materials inline
        return taught.filter(sections__pk=obj.section_id).exists()
    return False


@admin.register(Category)
class CategoryAdmin(ModelAdmin):
    list_display = ["name", "slug", "order", "course_count"]
    list_editable = ["order"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(course_count=Count("courses"))

    @admin.display(description="Courses", ordering="course_count")
    def course_count(self, category):
        return category.course_count


@admin.register(Instructor)
class InstructorAdmin(NotFoundOutOfScope, ModelAdmin):
    """Staff manage every teaching profile; an instructor edits their own bio and photo."""

    list_display = ["__str__", "user_email", "faa_certificate_number"]
    list_select_related = ["user"]
    search_fields = ["user__full_name", "user__email"]
    raw_id_fields = ["user"]

    def get_queryset(self, request):
        queryset = super().get_queryset(request).select_related("user")
        if is_school_staff(request.user):
            return queryset
        return queryset.filter(user=request.user)

    def get_readonly_fields(self, request, obj=None):
        return [] if is_school_staff(request.user) else ["user"]

    def has_add_permission(self, request):
        return is_school_staff(request.user) and super().has_add_permission(request)

    def has_delete_permission(self, request, obj=None):
        return is_school_staff(request.user) and super().has_delete_permission(request, obj)

    @admin.display(description="Email", ordering="user__email")
    def user_email(self, instructor):
        return instructor.user.email


class SectionInline(SortableInlineMixin, ScopedInline, TabularInline):
    model = Section
    fields = ["order", "title", "lesson_count"]
    readonly_fields = ["lesson_count"]
    ordering = ["order"]
    show_change_link = True  # lessons are edited on the section's page

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(lesson_total=Count("lessons"))

    @admin.display(description="Lessons")
    def lesson_count(self, section):
        return getattr(section, "lesson_total", "—")


@admin.register(Course)
class CourseAdmin(StudentPreviewAdminMixin, MarkdownAdminMixin, InstructorScopedAdmin):
    markdown_fields = ["description"]  # core/widgets.py: Write / Preview tabs
    list_display = [
        *["title", "category", "status", "level", "format", "price_label", "is_featured", "published_at"],
        "preview_link",
    ]
    list_filter = ["status", "category", "level", "format", "is_featured"]
    list_select_related = ["category"]
    search_fields = ["title", "slug", "summary"]
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["instructors", "prerequisites"]
    date_hierarchy = "published_at"
    inlines = [SectionInline]
    fieldsets = [
        (None, {"fields": ["title", "slug", "summary", "description", "category", "cover_image"]}),
        ("Offer", {"fields": ["level", "format", "price", "currency", "estimated_hours"]}),
        ("Publishing", {"fields": ["status", "published_at", "is_featured"]}),
        ("People and requirements", {"fields": ["instructors", "prerequisites"]}),
    ]

    actions = ["email_students", "publish_courses", "unpublish_courses"]  # admin: bulk email, bulk publish

    # -- bulk publish / unpublish: only the courses the user may change, each audited, caches bumped
    def _courses_set_status(self, request, queryset, status: str, verb: str) -> None:
        changed = []
        with transaction.atomic():
            for course in queryset.select_for_update(of=("self",)).exclude(status=status):
                if not self.has_change_permission(request, course):
                    continue
                before = {"status": course.status, "published_at": course.published_at}
                course.status = status
                course.stamp_published()
                course.save(update_fields=["status", "published_at", "updated_at"])  # post_save bumps its caches
                audit_record(
                    user=request.user,
                    obj=course,
                    action=verb,
                    before=before,
                    after={"status": course.status, "published_at": course.published_at},
                )
                changed.append(course.pk)
            # Once more after commit, so no request between the save and the commit caches the old page.
            transaction.on_commit(lambda: cache_bump(catalog=True, course_ids=changed) if changed else None)
        self.message_user(request, f"{len(changed)} course(s) {verb}ed.", messages.SUCCESS)

    @admin.action(description="Publish the selected courses", permissions=["change"])
    def publish_courses(self, request, queryset):
        self._courses_set_status(request, queryset, Course.Status.PUBLISHED, "publish")

    @admin.action(description="Unpublish the selected courses (back to draft)", permissions=["change"])
    def unpublish_courses(self, request, queryset):
        self._courses_set_status(request, queryset, Course.Status.DRAFT, "unpublish")

    @admin.action(description="Email the students of the selected course")
    def email_students(self, request, queryset):
        # admin: the staff bulk-email page (backoffice/bulk_email.py), with the course chosen.
        if not is_school_staff(request.user) or queryset.count() != 1:
            self.message_user(request, "School staff can email the students of one course at a time.", messages.WARNING)
            return None
        return redirect(f"{reverse('admin_bulk_email')}?course={queryset.get().pk}")

    def student_preview_path(self, course) -> str:
        return course.get_absolute_url()

    def view_on_site(self, course):
        # A site-relative link (not the Sites framework's domain): "View on site" previews drafts
        # too, because the course page shows them to the course's instructors and staff.
        return course.get_absolute_url()

    @admin.display(description="Preview")
    def preview_link(self, course):
        return format_html('<a href="{}">Preview on site</a>', course.get_absolute_url())

    @admin.display(description="Price", ordering="price")
    def price_label(self, course):
        return course.price_label

    def get_readonly_fields(self, request, obj=None):
        # Featuring a course on the home page is the school's decision, not the instructor's.
        return [] if is_school_staff(request.user) else ["is_featured"]

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "instructors":
            kwargs["queryset"] = Instructor.objects.select_related("user")
        elif db_field.name == "prerequisites":
            kwargs["queryset"] = Course.objects.visible_to(request.user).order_by("title")
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        obj.stamp_published()
        super().save_model(request, obj, form, change)

    def construct_change_message(self, request, form, formsets, add=False):
        # admin: audit trail, a price change is logged with the price before and after.
        message = super().construct_change_message(request, form, formsets, add)
        changed = {"price", "currency"} & set(form.changed_data)
        if not add and changed:
            fields = sorted(changed)
            message.append(
                {
                    "action": "price change",
                    "before": {name: str(form.initial.get(name)) for name in fields},
                    "after": {name: str(form.cleaned_data.get(name)) for name in fields},
                }
            )
        return message

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if not is_school_staff(request.user):
            # After the form saved its instructors (which would overwrite an earlier add): an
            # instructor who creates a course teaches it, and cannot remove themselves by mistake
            # and lose access to it.
            instructor, _ = Instructor.objects.get_or_create(user=request.user)
            form.instance.instructors.add(instructor)


# Registered by lessons/admin.py, with the section's lessons inline (courses does not import lessons).
class SectionAdmin(InstructorScopedAdmin):
    course_path = "course"
    list_display = ["title", "course", "order"]
    list_filter = [("course", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["course"]
    search_fields = ["title", "course__title"]
    ordering = ["course__title", "order"]
    view_on_site = False

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "course":
            kwargs["queryset"] = courses_editable_by(request.user).order_by("title")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
