"""Signals lessons sends, for the apps above it to receive (lessons imports none of them).

Each is a declared `Signal` with its arguments documented here; receivers live in the receiving
app's receivers.py, connected in its AppConfig.ready. See docs/ARCHITECTURE.md, "Signals".
"""

from django.dispatch import Signal

completion_requirement_check = Signal()
"""Asked before an enrollment's course counts as complete (and its certificate is issued).

Arguments: `sender` (the Enrollment class), `enrollment`. Each receiver answers True when the
enrollment meets its requirement, or when the course has none; False blocks completion. With no
receiver (flights not installed), lessons' own rules decide alone. flights answers for the
practical sign-off (flights/receivers.py).
"""

certificate_lines = Signal()
"""Asked while a certificate PDF is drawn, for extra lines it prints under the date and hours.

Arguments: `sender` (the Enrollment class), `enrollment`. Each receiver returns a string (one
line, e.g. the flight-day sign-off) or "" for none. flights answers with the practical's
sign-off: who signed it and when (flights/receivers.py).
"""
