"""Admin building blocks: rows only the workflows write (services, webhooks, tasks); ordered inlines."""

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
