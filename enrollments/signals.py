"""Domain signals: the one place where a signal carries business meaning (DESIGN.md).

An enrollment does not know what depends on it. When access is granted or taken away, the
enrollments services send these after the change commits, and the apps that hang state on an
enrollment react: flights frees the seats of a revoked enrollment, lessons may issue or void
certificates. Receivers get `enrollment` (the Enrollment instance) and must be idempotent.
"""

from django.dispatch import Signal

enrollment_activated = Signal()  # kwargs: enrollment
enrollment_revoked = Signal()  # kwargs: enrollment, reason (str)
