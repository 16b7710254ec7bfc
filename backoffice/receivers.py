"""The back office reacts to the writes its dashboard counts (it sits above the apps it shows, so
it listens to their models rather than the apps calling up to it)."""

from django.db.models.signals import post_delete, post_save

from backoffice.dashboard import dashboard_numbers_changed
from enrollments.models import Enrollment
from flights.models import SeatBooking
from payments.models import Payment, Refund, StripeEvent

COUNTED_MODELS = (Payment, Refund, StripeEvent, Enrollment, SeatBooking)


def dashboard_numbers_stale(sender, **kwargs) -> None:
    dashboard_numbers_changed()


for _model in COUNTED_MODELS:
    for _signal in (post_save, post_delete):
        _signal.connect(dashboard_numbers_stale, sender=_model, dispatch_uid=f"backoffice-dashboard-{_model.__name__}")
