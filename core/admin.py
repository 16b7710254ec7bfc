"""Admin classes for rows that only the workflows write (services, webhooks, tasks)."""


class RecordsAdminMixin:
    """Nobody adds or deletes these in admin: payments, refunds, bookings are records of what
    happened, created and changed only through their services."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ReadOnlyAdminMixin(RecordsAdminMixin):
    """Records that are not edited either (events received, messages sent, audit entries)."""

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class StudentPreviewAdminMixin:
    """A "Preview as student" link on the change page (templates/admin/<app>/<model>/change_form.html
    shows `student_preview_url`). Define `student_preview_path(obj)`; the page it opens shows a
    "Preview: this is what students see" banner to the people allowed to preview it."""

    def student_preview_path(self, obj) -> str:
        raise NotImplementedError

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.pk:
            context["student_preview_url"] = f"{self.student_preview_path(obj)}?preview=student"
        return super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)
