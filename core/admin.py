"""Admin classes for rows that only the workflows write (services, webhooks, tasks), and for
tables too large to count on every page view."""

from functools import cached_property

from django.core.paginator import Paginator
from django.db import connection
from django.db.models import QuerySet


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


class EstimatedCountPaginator(Paginator):
    """The admin's paginator for tables of millions of rows, where an exact COUNT(*) on every
    page view is the slowest part of the list (bench/PROFILE.md, "Staff lists").

    - Unfiltered, on PostgreSQL: the planner's row estimate (pg_class.reltuples, kept current by
      autovacuum's ANALYZE) when it is above COUNT_CAP; exact below it.
    - Filtered or searched: an exact count up to COUNT_CAP (a count over a LIMITed subquery, which
      stops reading at the cap); past it, the cap. The pager then offers the first
      COUNT_CAP / per_page pages; narrowing the search finds the rest.

    Pair with `show_full_result_count = False`, which drops the admin's second count of the whole
    table ("12 results (1,500,000 total)").
    """

    COUNT_CAP = 10_000

    @cached_property
    def count(self) -> int:
        queryset = self.object_list
        if not isinstance(queryset, QuerySet):
            return super().count
        if not queryset.query.where:
            if connection.vendor == "postgresql" and (estimate := _estimated_rows(queryset.model._meta.db_table)) > (
                self.COUNT_CAP
            ):
                return estimate
            return queryset.count()
        return min(queryset.order_by()[: self.COUNT_CAP + 1].count(), self.COUNT_CAP)


def _estimated_rows(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples::bigint FROM pg_class WHERE oid = to_regclass(%s)", [table])
        row = cursor.fetchone()
    return max(int(row[0]), 0) if row and row[0] is not None else 0


class LargeTableAdminMixin:
    """A change list that stays fast at millions of rows: no full-table COUNT(*) (see
    EstimatedCountPaginator)."""

    paginator = EstimatedCountPaginator
    show_full_result_count = False


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
