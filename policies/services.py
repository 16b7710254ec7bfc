"""Recording acceptances and telling which current versions a person has not accepted yet."""

from dataclasses import dataclass

from django.db import transaction

from policies.models import PolicyAcceptance, PolicyVersion


@dataclass(frozen=True)
class PendingPolicy:
    """A current version the person must accept, and the version of it they accepted before (if any)."""

    version: PolicyVersion
    previously_accepted: PolicyVersion | None


def policies_pending(*, user, kinds) -> list[PendingPolicy]:
    """The current versions of `kinds` this user has not accepted (two queries; none for a visitor)."""
    current = PolicyVersion.objects.current_for(kinds)
    if not current or not user.is_authenticated:
        return [PendingPolicy(version=version, previously_accepted=None) for version in current]
    accepted = {
        acceptance.policy_version.kind: acceptance.policy_version
        for acceptance in PolicyAcceptance.objects.filter(user=user, policy_version__kind__in=kinds)
        .select_related("policy_version")
        .order_by("policy_version__version")
    }
    pending = []
    for version in current:
        previous = accepted.get(version.kind)
        if previous is None or previous.version < version.version:
            pending.append(PendingPolicy(version=version, previously_accepted=previous))
    return pending


@transaction.atomic
def policies_accept(*, user, versions, where: str, ip_address: str | None = None) -> list[PolicyAcceptance]:
    """Record that `user` accepted each of `versions` (published ones only) here and now."""
    acceptances = []
    for version in versions:
        if not version.is_published:
            raise ValueError(f"{version} is not published and cannot be accepted.")
        acceptances.append(
            PolicyAcceptance.objects.create(user=user, policy_version=version, where=where, ip_address=ip_address)
        )
    return acceptances
