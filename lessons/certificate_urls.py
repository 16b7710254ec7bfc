"""Public certificate verification, mounted at /certificates/ by bds/urls.py."""

from django.urls import path

from lessons import views

app_name = "certificates"

urlpatterns = [
    path("<str:public_id>/", views.certificate_verify, name="verify"),
    path("<str:public_id>/download/", views.certificate_download, name="download"),
]
