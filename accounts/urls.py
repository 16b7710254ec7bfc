from django.urls import path

from accounts import views

app_name = "accounts"

# The site's own account pages; sign-up, login, reset, email and MFA come from allauth (bds/urls.py).
urlpatterns = [
    path("me/", views.me, name="me"),
    path("me/delete/", views.delete_account, name="delete"),
    path("me/resend-confirmation/", views.resend_confirmation, name="resend_confirmation"),
]
