"""Enrollments in admin: find them fast, and grant or revoke access only through the services
(so signals fire and flight seats are freed), always with a reason."""

from django import forms
from django.contrib import admin, messages
from django.template.response import TemplateResponse
from unfold.admin import ModelAdmin

from core.admin import LargeTableAdminMixin, RelatedFirstSearchMixin
from core.audit import audit_record  # admin: audit trail
from enrollments import services
from enrollments.models import Enrollment


class ReasonForm(forms.Form):
    reason = forms.CharField(max_length=300, widget=forms.Textarea(attrs={"rows": 3}))


@admin.register(Enrollment)
class EnrollmentAdmin(LargeTableAdminMixin, RelatedFirstSearchMixin, ModelAdmin):
    list_display = ["user", "course", "status", "is_suspended", "created_at", "activated_at", "ended_at"]
    # No "course" filter: at 5,000 courses its list of links is most of the page's time
    # (bench/PROFILE.md); the search finds a course by title.
    list_filter = ["status", "created_at", ("suspended_at", admin.EmptyFieldListFilter)]
    list_select_related = ["user", "course"]
    search_fields = ["user__email", "user__full_name", "course__title"]
    # No date_hierarchy: its date links read every row's date (DISTINCT over 1.5 million rows, about
    # half a second, bench/PROFILE.md); the "created at" filter narrows by date instead.
    raw_id_fields = ["user", "course"]
    actions = ["grant_access", "revoke_access"]

    def get_readonly_fields(self, request, obj=None):
        # Status and its dates change only through the actions below (enrollments.services).
        state = [
            "status",
            "created_at",
            "activated_at",
            "completed_at",
            "ended_at",
            "ended_reason",
            "suspended_at",
            "suspended_reason",
        ]
        return [*state, "user", "course"] if obj else state

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description="suspended", boolean=True)
    def is_suspended(self, enrollment: Enrollment) -> bool:
        return enrollment.is_suspended

    def _with_reason(self, request, queryset, *, action: str, title: str, apply):
        if "apply" in request.POST:
            form = ReasonForm(request.POST)
            if form.is_valid():
                count = 0
                for enrollment in queryset.select_related("user", "course"):
                    before = {"status": enrollment.status, "suspended": enrollment.is_suspended}
                    changed = apply(enrollment, form.cleaned_data["reason"])
                    # admin: audit trail, who granted or revoked, with the status before and after.
                    audit_record(
                        user=request.user,
                        obj=enrollment,
                        action=title.lower(),
                        before=before,
                        after={"status": changed.status, "suspended": changed.is_suspended},
                        reason=form.cleaned_data["reason"],
                    )
                    count += 1
                self.message_user(request, f"{title}: {count} enrollment(s).", messages.SUCCESS)
                return None
        else:
            form = ReasonForm()
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": title,
            "form": form,
            "enrollments": queryset.select_related("user", "course"),
            "action": action,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/enrollments/enrollment/reason.html", context)

    @admin.action(description="Grant access to the selected (with a reason)", permissions=["change"])
    def grant_access(self, request, queryset):
        return self._with_reason(
            request,
            queryset,
            action="grant_access",
            title="Grant access",
            apply=lambda enrollment, reason: services.enrollment_activate(
                user=enrollment.user, course=enrollment.course, reason=f"staff: {reason}"
            ),
        )

    @admin.action(description="Revoke access of the selected (with a reason)", permissions=["change"])
    def revoke_access(self, request, queryset):
        return self._with_reason(
            request,
            queryset,
            action="revoke_access",
            title="Revoke access",
            apply=lambda enrollment, reason: services.enrollment_revoke(enrollment=enrollment, reason=reason),
        )
