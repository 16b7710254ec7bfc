"""Course-builder touches for the lesson admin, kept apart from lessons/admin.py (the admin theme
changes base classes there): the video's processing state with its real error and a retry button,
and the small JSON status endpoint the upload widget polls.

Both endpoints are admin views (login, the admin's two-factor requirement, CSRF on the POST) and
look the lesson up through the admin's own scoped queryset: another instructor's lesson is a 404.
"""

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.http import Http404, HttpResponseNotAllowed, JsonResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils.safestring import mark_safe

from core.audit import audit_record
from lessons import services
from lessons.models import Lesson, VideoState


def video_state_payload(lesson: Lesson) -> dict:
    return {
        "state": lesson.video_state or "none",
        "label": (VideoState(lesson.video_state).label if lesson.video_state else "Not processed yet")
        if lesson.video
        else "No video",
        "error": lesson.video_error if lesson.video_state == VideoState.FAILED else "",
    }


class LessonVideoStateAdminMixin:
    """For the Lesson ModelAdmin: `video_processing` (change page) and `video_state_column` (list)."""

    class Media:
        css = {"all": ["css/authoring.css"]}
        js = ["js/video_state.js"]

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "<path:object_id>/video-status/",
                self.admin_site.admin_view(self.video_status_view),
                name="{}_{}_video_status".format(*info),
            ),
            path(
                "<path:object_id>/video-retry/",
                self.admin_site.admin_view(self.video_retry_view),
                name="{}_{}_video_retry".format(*info),
            ),
            *super().get_urls(),
        ]

    def _scoped_lesson(self, request, object_id, *, change: bool) -> Lesson:
        lesson = self.get_object(request, unquote(object_id))  # through get_queryset: the user's scope
        allowed = self.has_change_permission if change else self.has_view_permission
        if lesson is None or not allowed(request, lesson):
            raise Http404("No such lesson.")
        return lesson

    def video_status_view(self, request, object_id):
        if request.method != "GET":
            return HttpResponseNotAllowed(["GET"])
        return JsonResponse(video_state_payload(self._scoped_lesson(request, object_id, change=False)))

    def video_retry_view(self, request, object_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        lesson = self._scoped_lesson(request, object_id, change=True)
        wants_json = "application/json" in request.headers.get("Accept", "")
        back = reverse(
            "admin:lessons_lesson_changelist" if request.GET.get("from") == "list" else "admin:lessons_lesson_change",
            args=[] if request.GET.get("from") == "list" else [lesson.pk],
        )
        if not lesson.video:
            if wants_json:
                return JsonResponse({"error": "This lesson has no video to process."}, status=400)
            self.message_user(request, "This lesson has no video to process.", messages.ERROR)
            return redirect(back)
        before = {"video_state": lesson.video_state, "video_error": lesson.video_error}
        services.lesson_video_retry(lesson=lesson)
        lesson.refresh_from_db(fields=["video_state", "video_error", "video_state_changed_at"])
        audit_record(
            user=request.user,
            obj=lesson,
            action="video_retry",
            before=before,
            after={"video_state": lesson.video_state, "video_error": lesson.video_error},
        )
        if wants_json:
            return JsonResponse(video_state_payload(lesson))
        self.message_user(request, f"Processing of “{lesson}”'s video queued again.", messages.SUCCESS)
        return redirect(back)

    @admin.action(description="Retry video processing for the selected lessons", permissions=["change"])
    def retry_video_processing(self, request, queryset):
        queued = 0
        for lesson in queryset.exclude(video=""):
            if self.has_change_permission(request, lesson):
                services.lesson_video_retry(lesson=lesson)
                audit_record(
                    user=request.user,
                    obj=lesson,
                    action="video_retry",
                    before={"video_state": lesson.video_state},
                    after={"video_state": VideoState.PROCESSING},
                )
                queued += 1
        self.message_user(request, f"Video processing queued again for {queued} lesson(s).", messages.SUCCESS)

    def _video_state_html(self, lesson: Lesson, *, in_list: bool) -> str:
        return render_to_string(
            "lessons/admin/video_state.html",
            {
                "lesson": lesson,
                "video": video_state_payload(lesson),
                "in_list": in_list,
                "status_url": reverse("admin:lessons_lesson_video_status", args=[lesson.pk]),
                "retry_url": reverse("admin:lessons_lesson_video_retry", args=[lesson.pk]),
            },
        )

    @admin.display(description="Video")
    def video_state_column(self, lesson):
        return mark_safe(self._video_state_html(lesson, in_list=True))  # noqa: S308 - a template, autoescaped

    @admin.display(description="Video processing")
    def video_processing(self, lesson):
        if lesson is None or not lesson.pk:
            return "Save the lesson with a video to process it."
        return mark_safe(self._video_state_html(lesson, in_list=False))  # noqa: S308 - a template, autoescaped
