"""The public policy pages: the current version with its history, and any published version."""

from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from policies.models import PolicyKind, PolicyVersion


def _kind_or_404(kind: str) -> PolicyKind:
    try:
        return PolicyKind(kind)
    except ValueError:
        raise Http404("No such policy.") from None


def _render(request, kind: PolicyKind, version: PolicyVersion | None):
    history = list(PolicyVersion.objects.published().filter(kind=kind).order_by("-version"))
    current = history[0] if history else None
    return render(
        request,
        "policies/policy.html",
        {
            "kind": kind,
            "title": kind.label,
            "version": version,
            "current": current,
            "history": history,
            "other_kinds": [other for other in PolicyKind if other != kind],
        },
    )


@require_GET
def policy_current(request, kind):
    kind = _kind_or_404(kind)
    return _render(request, kind, PolicyVersion.objects.current(kind))


@require_GET
def policy_version(request, kind, version):
    kind = _kind_or_404(kind)
    return _render(request, kind, get_object_or_404(PolicyVersion.objects.published(), kind=kind, version=version))
