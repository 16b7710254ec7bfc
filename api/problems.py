"""RFC 9457 problem details for every API error, with stable `type` URIs clients can match on."""

from django.http import JsonResponse

PROBLEM_BASE = "tag:bostondroneschool.com,2026:problem/"


def problem_response(
    *, status: int, slug: str, title: str, detail: str = "", headers: dict | None = None, **extra
) -> JsonResponse:
    body = {"type": PROBLEM_BASE + slug, "title": title, "status": status}
    if detail:
        body["detail"] = detail
    body.update(extra)
    response = JsonResponse(body, status=status, content_type="application/problem+json")
    for name, value in (headers or {}).items():
        response[name] = value
    return response
