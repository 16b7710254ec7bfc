from django.urls import path

from courses import views

app_name = "courses"

urlpatterns = [
    path("courses/", views.catalog, name="catalog"),
    path("courses/<slug:slug>/", views.course_detail, name="detail"),
]
