"""The school's roles as auth groups, and the model permissions each one carries.

Permissions are listed by (app label, codename) so the list can name models that another app adds
later (payments, flights): `group_permissions_sync` grants whatever exists now and is run again
after every `migrate`, so a permission appears in its group as soon as its model does.
"""

STUDENTS = "Students"
INSTRUCTORS = "Instructors"
STAFF = "Staff"

GROUP_PERMISSIONS: dict[str, list[tuple[str, str]]] = {
    STUDENTS: [],
    # Object-level scoping (an instructor edits only their own courses) is the admin's job.
    INSTRUCTORS: [
        (app, f"{action}_{model}")
        for app, model in [
            ("courses", "course"),
            ("courses", "section"),
            ("lessons", "lesson"),
            ("lessons", "material"),
        ]
        for action in ("add", "change", "view")
    ],
    STAFF: [
        ("accounts", "view_user"),
        ("accounts", "change_user"),
        ("courses", "view_course"),
        ("enrollments", "view_enrollment"),
        ("enrollments", "change_enrollment"),
        ("payments", "view_payment"),
        ("payments", "change_payment"),
        ("payments", "view_refund"),
        ("payments", "add_refund"),
        ("payments", "change_refund"),
        ("payments", "view_stripeevent"),
        ("flights", "view_flightsession"),
        ("flights", "change_flightsession"),
        ("flights", "view_seatbooking"),
        ("flights", "change_seatbooking"),
    ],
}


def group_permissions_sync(*, group_model, permission_model, using: str = "default") -> None:
    """Create the three groups and grant each the listed permissions that exist. Idempotent.

    Only adds: a permission that staff granted by hand in admin is left alone.
    """
    for name, wanted in GROUP_PERMISSIONS.items():
        group, _created = group_model.objects.using(using).get_or_create(name=name)
        for app_label, codename in wanted:
            permission = (
                permission_model.objects.using(using)
                .filter(content_type__app_label=app_label, codename=codename)
                .first()
            )
            if permission is not None:
                group.permissions.add(permission)
