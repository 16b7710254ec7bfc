"""URL map: bds wires the apps together and holds no business rules (docs/ARCHITECTURE.md)."""

from anymail.signals import tracking
from django.contrib import admin
from django.urls import include, path

from accounts.email_tracking import email_tracking_event_received
from api.v1 import api as api_v1
from bds import health
from lessons import views as lesson_views
from payments import views as payment_views

# Bounces and complaints from the provider's tracking webhook flag the address on the user.
tracking.connect(email_tracking_event_received, dispatch_uid="accounts.email_tracking")

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    # The back office's pages (email previews, reports, bulk email), before admin's catch-all.
    path("admin/", include("backoffice.urls")),
    # The email provider's tracking webhook, protected by basic auth with EMAIL_WEBHOOK_SECRET
    # ("user:password", configured at the provider).
    path("anymail/", include("anymail.urls")),
    # Direct-upload endpoints, before admin's catch-all (and inside its MFA requirement).
    path("admin/uploads/", include("lessons.upload_views", namespace="uploads")),
    path("admin/", admin.site.urls),
    path("api/v1/", api_v1.urls),
    path("accounts/", include("accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("policies/", include("policies.urls")),
    path("payments/", include("payments.urls")),
    path("learn/", include("lessons.urls")),
    path("flights/", include("flights.urls")),
    # Receipts live under the student's dashboard.
    path("dashboard/receipts/<str:receipt_number>/", payment_views.receipt, name="receipt"),
    path("dashboard/receipts/<str:receipt_number>/pdf/", payment_views.receipt_pdf, name="receipt_pdf"),
    path("dashboard/", include("dashboard.urls")),
    # Public certificate verification; local private files behind signed tokens.
    path("certificates/", include("lessons.certificate_urls")),
    path("private-media/<str:token>/", lesson_views.private_media, name="private_media"),
    path("courses/<slug:slug>/enroll/", payment_views.enroll, name="enroll"),
    path("", include("reviews.urls")),
    # Home, the course page and development media; then the catalog, sitemap and robots.txt.
    path("", include("pages.urls")),
    path("", include("courses.urls")),
]
