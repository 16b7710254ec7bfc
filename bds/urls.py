"""URL map (DESIGN.md, "URL map"). bds wires the apps together and holds no business rules."""

from django.contrib import admin
from django.urls import include, path, re_path

from bds import health, views
from bds.api.v1 import api as api_v1
from payments import views as payment_views

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    # -- media: direct-upload endpoints, before admin's catch-all (and inside its MFA requirement).
    path("admin/uploads/", include("lessons.upload_views", namespace="uploads")),
    path("admin/", admin.site.urls),
    path("api/v1/", api_v1.urls),
    path("accounts/", include("accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("payments/", include("payments.urls")),
    path("learn/", include("lessons.urls")),
    path("flights/", include("flights.urls")),
    path("dashboard/", include("enrollments.urls")),
    path("", views.home, name="home"),
    path("courses/<slug:slug>/enroll/", payment_views.enroll, name="enroll"),
    path("", include("courses.urls")),
]

# -- design: public media (covers, photos) in development; answers 404 unless DEBUG and local files.
urlpatterns += [re_path(r"^media/(?P<path>.+)$", views.public_media, name="public_media")]

admin.site.site_header = "Boston Drone School admin"
admin.site.site_title = "Boston Drone School admin"
admin.site.index_title = "Run the school"
