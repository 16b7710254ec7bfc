from django.apps import AppConfig
from django.db.models.signals import post_migrate

# Apps whose permissions the groups use; after each of them migrates, the groups catch up.
_GROUP_PERMISSION_APPS = {"accounts", "courses", "lessons", "enrollments", "payments", "flights", "reviews"}


def _sync_groups_after_migrate(sender, using="default", **kwargs):
    if sender.label not in _GROUP_PERMISSION_APPS:
        return
    from django.contrib.auth.models import Group, Permission

    from accounts.groups import group_permissions_sync

    group_permissions_sync(group_model=Group, permission_model=Permission, using=using)


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "People"  # allauth's "account" app is "Accounts" in admin: one heading each, not two

    def ready(self) -> None:
        # Permissions are created by auth's own post_migrate handler (connected first, as auth is
        # installed before accounts), so by the time this runs for an app its permissions exist.
        post_migrate.connect(_sync_groups_after_migrate, dispatch_uid="accounts_group_permissions_sync")
        from accounts import user_cache  # noqa: F401 - connects the receivers that drop a saved user's copy
