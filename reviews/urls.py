from django.urls import path

from reviews import views

app_name = "reviews"

urlpatterns = [
    path("courses/<slug:slug>/review/", views.review_edit, name="edit"),
    path("courses/<slug:slug>/reviews/", views.course_reviews, name="list"),
]
