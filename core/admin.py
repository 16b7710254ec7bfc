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
