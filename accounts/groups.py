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
    # The one list of what an instructor may do; migrate applies it (accounts.apps) and so does the
    # demo command. Model permissions open an admin page; the admin then scopes its rows to the
    # courses the instructor teaches (courses.admin.InstructorScopedAdmin), so "delete_lesson"
    # means "delete a lesson of my own course", and another instructor's rows answer 404.
    INSTRUCTORS: [
        # Courses: author and edit their own; removing a course (with its enrollments and payments)
        # is the school's decision, so no delete_course.
        *[("courses", f"{action}_course") for action in ("add", "change", "view")],
        # The content of their courses, in full: reorganising a course means deleting sections,
        # lessons, materials and captions, and admin's confirmation page lists what goes with them.
        *[
            (app, f"{action}_{model}")
            for app, model in [
                ("courses", "section"),
                ("lessons", "lesson"),
                ("lessons", "material"),
                ("lessons", "lessoncaption"),  # the lesson page's captions inline (WCAG 1.2.2)
            ]
            for action in ("add", "change", "view", "delete")
        ],
        # The course form's category list and their own teaching profile (InstructorAdmin shows an
        # instructor only their own row and allows neither add nor delete).
        ("courses", "view_category"),
        ("courses", "view_instructor"),
        ("courses", "change_instructor"),
        # Flight sessions: read-only. FlightSessionAdmin shows a user without change_seatbooking only
        # the sessions they teach (FlightSessionQuerySet.taught_by), with the seat list and a link to
        # the roster page, where FlightSession.roster_visible_to lets the session's own instructors
        # check students in and sign them off. Scheduling, capacity and scrubbing stay with staff.
        # view_seatbooking opens "Rosters" read-only: SeatBookingAdmin scopes it the same way, to the
        # bookings of the sessions they teach (check-in and sign-off stay on the roster page).
        ("flights", "view_flightsession"),
        ("flights", "view_seatbooking"),
        # Reviews of their own courses, read-only (ReviewAdmin scopes the rows; moderation is staff's).
        ("reviews", "view_review"),
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
        ("reviews", "view_review"),
        ("reviews", "change_review"),
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
