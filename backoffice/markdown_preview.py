"""The Markdown editor's Preview tab (core/widgets.py): the server renders the text with the same
sanitiser as the public pages (core/markdown.py), so the browser only ever shows sanitised HTML.

An admin view (staff and instructors, the admin's two-factor requirement, CSRF), POST only, with a
size limit checked before the body is read.
"""

from django.http import HttpResponseNotAllowed, JsonResponse

from core.markdown import render_markdown

MAX_PREVIEW_BYTES = 200_000  # form-encoded; a course description or lesson body is far smaller


def markdown_preview(request):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > MAX_PREVIEW_BYTES:
        return JsonResponse({"error": "The text is too long to preview."}, status=413)
    text = request.POST.get("text", "")
    if len(text) > MAX_PREVIEW_BYTES // 2:
        return JsonResponse({"error": "The text is too long to preview."}, status=413)
    return JsonResponse({"html": str(render_markdown(text))})
