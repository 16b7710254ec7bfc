"""Admin building blocks: rows only the workflows write (services, webhooks, tasks), tables too
large to count on every page view, ordered inlines, and the "Preview as student" link."""

from functools import cached_property

from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Q, QuerySet
from django.forms.models import BaseInlineFormSet


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
    # The theme renders every cell through a template, about 2 ms a row of ten columns here: a page
    # of Django's default 100 rows spent ~200 ms rendering while its SQL took under 10 ms
    # (bench/PROFILE.md, "Staff lists"). Fifty rows keep a page under the 200 ms p99 target.
    list_per_page = 50


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


# -- drag-and-drop ordering of inline rows (sections, lessons, materials) -------------------------

_PARKED = 30000  # above any real position, below PositiveSmallIntegerField's 32767


class OrderedFormMixin:
    """A row's position is checked by its formset, which numbers every row: the unique
    (parent, order) constraint is not checked row by row against positions that are moving."""

    ordering_field = "order"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A table row's inputs sit under column headings, not labels: name each for screen readers,
        # with the row's kind, so "Title (lesson)" is not confused with the page's own "Title".
        kind = self._meta.model._meta.verbose_name
        for field in self.fields.values():
            field.widget.attrs.setdefault("aria-label", f"{field.label} ({kind})")

    def _get_validation_exclusions(self):
        return {*super()._get_validation_exclusions(), self.ordering_field}


class OrderedInlineFormSet(BaseInlineFormSet):
    """Saves the order the rows were dropped in, numbered 1, 2, 3... in that order.

    The theme's drag-and-drop writes each row's index into its hidden order field; rows added and
    never dragged (order left at its initial value) go last. Rows that move are first parked on
    temporary numbers, so the unique (parent, order) constraint holds at every step of the save.
    """

    ordering_field = "order"

    def clean(self):
        if not any(form.errors for form in self.forms):
            self._number_rows()
        super().clean()

    def _number_rows(self) -> None:
        field = self.ordering_field
        rows = [
            (position, form)
            for position, form in enumerate(self.forms)
            if (form.instance.pk or form.has_changed()) and not self._should_delete_form(form)
        ]

        def dropped_at(row):
            position, form = row
            untouched_new = form.instance.pk is None and field not in form.changed_data
            value = form.cleaned_data.get(field)
            return (untouched_new, value if value is not None else _PARKED, position)

        for number, (_, form) in enumerate(sorted(rows, key=dropped_at), start=1):
            form.cleaned_data[field] = number
            setattr(form.instance, field, number)

    def save(self, commit=True):
        field = self.ordering_field
        moving = [
            form
            for form in self.initial_forms
            if form.instance.pk
            and (self._should_delete_form(form) or getattr(form.instance, field) != form.initial.get(field))
        ]
        for parked, form in enumerate(moving, start=_PARKED):
            self.model._default_manager.filter(pk=form.instance.pk).update(**{field: parked})
        saved = super().save(commit)
        for form in moving:  # a row moved only by others' moves has no changed data: Django skips it
            if commit and not self._should_delete_form(form) and not form.has_changed():
                form.instance.save(update_fields=[field])
        return saved


class SortableInlineMixin:
    """An inline whose rows the instructor drags into order (django-unfold's sortable inline)."""

    ordering_field = "order"
    # The position stays visible and typeable: the keyboard's way to reorder (dragging needs a mouse
    # or touch); rows are numbered by it on save, whichever way it was set.
    hide_ordering_field = False
    extra = 0  # a blank row would be renumbered by a drag, then fail as an incomplete row
    formset = OrderedInlineFormSet

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.ordering_field = self.ordering_field
        formset.form = type(
            formset.form.__name__, (OrderedFormMixin, formset.form), {"ordering_field": self.ordering_field}
        )
        return formset


class RelatedFirstSearchMixin:
    """The change list's search for tables of millions of rows.

    Django's search joins every related table of `search_fields` and ORs an `icontains` on each:
    PostgreSQL then cannot use any index and reads the whole table with its joins (seconds at
    1.5 million enrollments, bench/PROFILE.md). Here each related model is searched on its own
    first (accounts' trigram indexes make `email`/`full_name` contains-searches an index scan;
    courses are few), and the big table is filtered by those primary keys, which its foreign-key
    indexes answer. A field given as "=name" matches exactly (identifiers pasted from Stripe or a
    receipt), which its unique index answers; other own fields keep `icontains`.

    At most RELATED_MATCHES related rows count per term: a term that matches more than that many
    users is too broad to page through anyway.
    """

    RELATED_MATCHES = 1000

    def get_search_results(self, request, queryset, search_term):
        terms = search_term.split()
        if not terms:
            return queryset, False
        related: dict[str, list[str]] = {}
        own: list[str] = []
        for field in self.search_fields:
            relation, separator, rest = field.partition("__")
            if separator and queryset.model._meta.get_field(relation).is_relation:
                related.setdefault(relation, []).append(rest)
            else:
                own.append(field)
        for term in terms:
            condition = Q()
            for field in own:
                condition |= Q(**{field[1:]: term}) if field.startswith("=") else Q(**{f"{field}__icontains": term})
            for relation, fields in related.items():
                model = queryset.model._meta.get_field(relation).related_model
                matches = Q()
                for field in fields:
                    matches |= Q(**{f"{field}__icontains": term})
                pks = list(model._default_manager.filter(matches).values_list("pk", flat=True)[: self.RELATED_MATCHES])
                if pks:
                    condition |= Q(**{f"{relation}__in": pks})
            queryset = queryset.filter(condition) if condition else queryset.none()
        return queryset, False
