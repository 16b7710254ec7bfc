from django.contrib.sitemaps.views import sitemap
from django.urls import path

from courses import views
from courses.sitemaps import SITEMAPS

app_name = "courses"

urlpatterns = [
    path("courses/", views.catalog, name="catalog"),
    path("instructors/<slug:slug>/", views.instructor_detail, name="instructor"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", views.robots_txt, name="robots"),
]
