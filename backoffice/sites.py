"""The school's admin site: school staff land on the dashboard; instructors see the normal index.

It is django-unfold's site (the theme: sidebar by job, branding and colours from settings.UNFOLD).
"""

from django.contrib.admin import ModelAdmin as StockModelAdmin
from unfold.admin import ModelAdmin as ThemedModelAdmin
from unfold.sites import UnfoldAdminSite

from courses.models import is_school_staff


class SchoolAdminSite(UnfoldAdminSite):
    site_header = "Boston Drone School admin"
    site_title = "Boston Drone School admin"
    index_title = "Run the school"

    def index(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), **captions_missing_context(request.user)}
        if is_school_staff(request.user):
            from backoffice.dashboard import dashboard_context  # imports every app's reports: load on use

            extra_context |= dashboard_context()
        return super().index(request, extra_context)

    def register(self, model_or_iterable, admin_class=None, **options):
        """Django's and allauth's own admins (groups, sites, email addresses, authenticators) are
        registered with the stock ModelAdmin: give them the theme's too, so their forms, filters and
        actions look like every other page. Done here, at registration, because undoing another
        app's registration is what the architecture tests forbid."""
        admin_class = admin_class or StockModelAdmin
        if not issubclass(admin_class, ThemedModelAdmin):
            admin_class = type(admin_class.__name__, (admin_class, ThemedModelAdmin), {"__module__": __name__})
        return super().register(model_or_iterable, admin_class, **options)


def captions_missing_context(user) -> dict:
    """How many published video lessons the user may edit have no captions, and the lesson list
    filtered to them: staff count the whole school, an instructor their own courses."""
    if not user.has_perm("lessons.view_lesson"):
        return {}
    from django.urls import reverse

    from lessons.models import Lesson

    lessons = (
        Lesson.objects.all()
        if is_school_staff(user)
        else Lesson.objects.filter(section__course__instructors__user=user)
    )
    count = lessons.captions_missing().count()
    return {
        "captions_missing_count": count,
        "captions_missing_url": f"{reverse('admin:lessons_lesson_changelist')}?captions=missing",
    }
