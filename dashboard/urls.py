from django.urls import path

from enrollments import views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
]
