"""The Students, Instructors and Staff groups.

On a fresh database the model permissions do not exist yet while migrations run (Django creates
them after `migrate`), so this grants what exists now and accounts.apps' post_migrate handler
completes the grants at the end of every migrate.
"""

from django.db import migrations


def groups_create(apps, schema_editor):
    from accounts.groups import group_permissions_sync

    group_permissions_sync(
        group_model=apps.get_model("auth", "Group"),
        permission_model=apps.get_model("auth", "Permission"),
        using=schema_editor.connection.alias,
    )


def groups_delete(apps, schema_editor):
    from accounts.groups import GROUP_PERMISSIONS

    apps.get_model("auth", "Group").objects.using(schema_editor.connection.alias).filter(
        name__in=GROUP_PERMISSIONS
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(groups_create, groups_delete)]
