"""The school's admin site: school staff land on the dashboard; instructors see the normal index.

It is django-unfold's site (the theme: sidebar by job, branding and colours from settings.UNFOLD).
"""

from unfold.sites import UnfoldAdminSite

from courses.models import is_school_staff


class SchoolAdminSite(UnfoldAdminSite):
    site_header = "Boston Drone School admin"
    site_title = "Boston Drone School admin"
    index_title = "Run the school"

    def index(self, request, extra_context=None):
        if is_school_staff(request.user):
            from backoffice.dashboard import dashboard_context  # imports every app's reports: load on use

            extra_context = {**(extra_context or {}), **dashboard_context()}
        return super().index(request, extra_context)
