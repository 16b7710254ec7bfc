from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from courses.models import Course, Instructor


class SiteUrlSitemap(Sitemap):
    """URLs on SITE_URL's host and scheme, not on the Sites framework's placeholder domain."""

    def get_domain(self, site=None):
        return urlsplit(settings.SITE_URL).netloc

    def get_protocol(self, protocol=None):
        return urlsplit(settings.SITE_URL).scheme or "https"


class PageSitemap(SiteUrlSitemap):
    changefreq = "weekly"

    def items(self):
        return ["home", "courses:catalog"]

    def location(self, item):
        return reverse(item)


class CourseSitemap(SiteUrlSitemap):
    changefreq = "weekly"
    priority = 0.8

    def items(self):
        return Course.objects.published().only("slug", "updated_at").order_by("pk")

    def lastmod(self, course):
        return course.updated_at


class InstructorSitemap(SiteUrlSitemap):
    """Instructor pages of people who teach at least one published course."""

    changefreq = "monthly"
    priority = 0.5

    def items(self):
        teaching = Course.objects.published().values("instructors")
        return Instructor.objects.filter(slug__isnull=False, pk__in=teaching).only("slug").order_by("pk")


SITEMAPS = {"pages": PageSitemap, "courses": CourseSitemap, "instructors": InstructorSitemap}
