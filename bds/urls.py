"""URL map (DESIGN.md, "URL map"). bds wires the apps together and holds no business rules."""

from django.contrib import admin
from django.urls import include, path

from bds import health, views
from bds.api.v1 import api as api_v1
from lessons import views as lesson_views  # learning
from payments import views as payment_views

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("admin/", admin.site.urls),
    path("api/v1/", api_v1.urls),
    path("accounts/", include("accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("payments/", include("payments.urls")),
    path("learn/", include("lessons.urls")),
    path("flights/", include("flights.urls")),
    path("dashboard/", include("enrollments.urls")),
    # -- learning: public certificate verification; local private files behind signed tokens
    path("certificates/", include("lessons.certificate_urls")),
    path("private-media/<str:token>/", lesson_views.private_media, name="private_media"),
    # -- end learning
    path("", views.home, name="home"),
    path("courses/<slug:slug>/enroll/", payment_views.enroll, name="enroll"),
    path("", include("courses.urls")),
]

admin.site.site_header = "Boston Drone School admin"
admin.site.site_title = "Boston Drone School admin"
admin.site.index_title = "Run the school"
