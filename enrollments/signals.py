"""Signals enrollments sends, for the apps above it to receive (enrollments imports none of them).

An enrollment does not know what depends on it. When access is granted or taken away, the
enrollments services (enrollments/services.py) send these after the change commits; the apps that
hang state on an enrollment receive them in their receivers.py. Receivers must be idempotent.
See docs/ARCHITECTURE.md, "Signals".
"""

from django.dispatch import Signal

enrollment_activated = Signal()
"""An enrollment now grants access (paid, free, or granted by staff); sent only when the status
changed. Arguments: `sender` (the Enrollment class), `enrollment`. No receiver today: the welcome
email is the service's own."""

enrollment_revoked = Signal()
"""An enrollment's access ended: refunded in full, or revoked by staff or a lost dispute.
Arguments: `sender`, `enrollment`, `reason` (str). flights frees the student's seats
(flights/receivers.py). lessons does not listen: access is checked on every request."""
