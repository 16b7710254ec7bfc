from django.contrib import admin
from django.db.models import Count

from policies.models import PolicyAcceptance, PolicyVersion


@admin.register(PolicyVersion)
class PolicyVersionAdmin(admin.ModelAdmin):
    """Staff write drafts; a published version is read-only ("Save as new" starts the next version)."""

    list_display = ["__str__", "kind", "version", "published_at", "acceptance_count"]
    list_filter = ["kind"]
    ordering = ["kind", "-version"]
    save_as = True
    fields = ["kind", "version", "published_at", "summary_of_changes", "body"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(acceptance_total=Count("acceptances"))

    @admin.display(description="accepted by", ordering="acceptance_total")
    def acceptance_count(self, obj) -> int:
        return obj.acceptance_total

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.is_published:
            return self.fields
        return []

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_published:
            return False
        return super().has_delete_permission(request, obj)

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        kind = initial.get("kind")
        if kind:
            latest = PolicyVersion.objects.filter(kind=kind).order_by("-version").first()
            initial.setdefault("version", (latest.version + 1) if latest else 1)
        return initial


@admin.register(PolicyAcceptance)
class PolicyAcceptanceAdmin(admin.ModelAdmin):
    """Evidence: read-only."""

    list_display = ["user", "policy_version", "where", "accepted_at", "ip_address"]
    list_filter = ["where", "policy_version__kind"]
    search_fields = ["user__email"]
    list_select_related = ["user", "policy_version"]
    readonly_fields = ["user", "policy_version", "where", "accepted_at", "ip_address"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
