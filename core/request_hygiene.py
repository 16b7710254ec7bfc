from django.http import HttpResponseBadRequest


class RejectNulBytesMiddleware:
    """A NUL byte in the path or query can never be valid input, and PostgreSQL refuses it in
    text parameters (a 500 deep in a view). Answer 400 at the door instead, for every view."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or any("\x00" in key or "\x00" in value for key, value in request.GET.items()):
            return HttpResponseBadRequest("Request contains a NUL byte.", content_type="text/plain")
        return self.get_response(request)
