"""The audit trail: who refunded, granted, revoked, scrubbed or changed a price, when, with the
values before and after.

Entries are Django admin LogEntry rows (shown on each object's History page and in the "Audit
trail" list of the admin), so no second log to keep in step. The change message is Django's JSON
form, `[{"changed": {"fields": [...]}}]`, which admin renders as "Changed status and amount
refunded."; the extra keys `action`, `before`, `after` and `reason` carry what admin's own
message does not.
"""

import json

from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType


def audit_message(*, action: str, before: dict, after: dict, reason: str = "") -> list[dict]:
    fields = sorted(key for key in after if before.get(key) != after.get(key)) or sorted(after)
    return [
        {
            "changed": {"fields": fields},
            "action": action,
            "before": {key: _plain(value) for key, value in before.items()},
            "after": {key: _plain(value) for key, value in after.items()},
            **({"reason": reason} if reason else {}),
        }
    ]


def audit_record(*, user, obj, action: str, before: dict, after: dict, reason: str = "") -> LogEntry:
    """Record that `user` did `action` to `obj`, with the field values before and after."""
    return LogEntry.objects.create(
        user_id=user.pk,
        content_type_id=ContentType.objects.get_for_model(obj, for_concrete_model=False).pk,
        object_id=str(obj.pk),
        object_repr=str(obj)[:200],
        action_flag=CHANGE,
        change_message=json.dumps(audit_message(action=action, before=before, after=after, reason=reason)),
    )


def audit_details(entry: LogEntry) -> dict:
    """The action, before, after and reason stored in an entry; empty for entries without them."""
    try:
        message = json.loads(entry.change_message or "[]")
    except ValueError:
        return {}
    for part in message if isinstance(message, list) else []:
        if isinstance(part, dict) and "before" in part:
            return {key: part.get(key) for key in ("action", "before", "after", "reason")}
    return {}


def _plain(value):
    return value if isinstance(value, (str, int, float, bool, type(None))) else str(value)
