"""JSON endpoints behind the direct-upload widget (lessons/widgets.py, static/js/direct_upload.js).

Mounted under /admin/uploads/ (bds/urls.py), so the admin's two-factor requirement applies. Every
endpoint is a CSRF-protected POST from a signed-in admin user (staff or instructor); a lesson,
section or course outside what the user may edit answers 404 like a missing one. The work is in
lessons/uploads.py.
"""

import json
from functools import wraps

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.http import JsonResponse
from django.urls import path
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from lessons import uploads

app_name = "uploads"


def _json_endpoint(view):
    """POST only, admin users only, JSON in and out; service refusals become JSON errors."""

    @wraps(view)
    @never_cache
    @require_POST
    def wrapper(request):
        user = request.user
        if not (user.is_authenticated and user.is_active and user.is_staff):
            return JsonResponse({"error": "Sign in to the admin to upload files."}, status=403)
        try:
            payload = json.loads(request.body or b"{}")
        except ValueError:
            return JsonResponse({"error": "The request was not valid JSON."}, status=400)
        if not isinstance(payload, dict):
            return JsonResponse({"error": "The request was not a JSON object."}, status=400)
        try:
            return JsonResponse(view(request, payload))
        except ObjectDoesNotExist:
            return JsonResponse({"error": "No such lesson or course."}, status=404)
        except PermissionDenied as error:
            return JsonResponse({"error": str(error) or "You cannot upload files here."}, status=403)
        except uploads.UploadIncomplete as error:
            return JsonResponse({"error": str(error), "missing": error.missing}, status=409)
        except uploads.UploadGone as error:
            return JsonResponse({"error": str(error)}, status=410)
        except uploads.UploadRefused as error:
            return JsonResponse({"error": str(error)}, status=400)

    return wrapper


def _id(payload: dict, name: str) -> int | None:
    value = payload.get(name)
    if value in (None, ""):
        return None
    try:
        return int(value)
    except (TypeError, ValueError) as error:
        raise uploads.UploadRefused(f"{name} must be a number.") from error


@_json_endpoint
def upload_start(request, payload: dict) -> dict:
    course, lesson = uploads.upload_target_for(
        user=request.user,
        lesson_id=_id(payload, "lesson"),
        section_id=_id(payload, "section"),
        course_id=_id(payload, "course"),
    )
    size = _id(payload, "size") or 0
    return uploads.multipart_upload_start(
        user=request.user,
        kind=str(payload.get("kind", "")),
        filename=str(payload.get("filename", ""))[:255],
        content_type=str(payload.get("content_type", ""))[:120],
        size=size,
        lesson=lesson,
        course=course,
    )


@_json_endpoint
def upload_parts(request, payload: dict) -> dict:
    return uploads.multipart_upload_part_urls(user=request.user, token=str(payload.get("token", "")))


@_json_endpoint
def upload_complete(request, payload: dict) -> dict:
    return uploads.multipart_upload_complete(user=request.user, token=str(payload.get("token", "")))


@_json_endpoint
def upload_abort(request, payload: dict) -> dict:
    uploads.multipart_upload_abort(user=request.user, token=str(payload.get("token", "")))
    return {"aborted": True}


urlpatterns = [
    path("start", upload_start, name="start"),
    path("parts", upload_parts, name="parts"),
    path("complete", upload_complete, name="complete"),
    path("abort", upload_abort, name="abort"),
]
