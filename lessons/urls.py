from django.urls import path

from lessons import views

app_name = "lessons"

urlpatterns = [
    path("<slug:course_slug>/", views.course_outline, name="outline"),
    path("<slug:course_slug>/exam/", views.exam_overview, name="exam"),
    path("<slug:course_slug>/exam/start/", views.exam_start, name="exam_start"),
    path("<slug:course_slug>/exam/<int:attempt_id>/", views.exam_take, name="exam_take"),
    path("<slug:course_slug>/exam/<int:attempt_id>/result/", views.exam_result, name="exam_result"),
    path("<slug:course_slug>/quizzes/<int:quiz_id>/", views.quiz_detail, name="quiz"),
    path("<slug:course_slug>/<slug:lesson_slug>/", views.lesson_detail, name="lesson"),
    path("<slug:course_slug>/<slug:lesson_slug>/hls/<path:path>", views.lesson_hls, name="hls"),
    path("<slug:course_slug>/<slug:lesson_slug>/progress/", views.lesson_progress, name="progress"),
    path("<slug:course_slug>/<slug:lesson_slug>/complete/", views.lesson_mark_complete, name="complete"),
    path(
        "<slug:course_slug>/<slug:lesson_slug>/materials/<int:material_id>/",
        views.material_download,
        name="material",
    ),
]
