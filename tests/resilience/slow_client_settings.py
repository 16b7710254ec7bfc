"""Settings for the gunicorn that test_slow_clients.py starts: production's, with a webhook body
deadline short enough for a test to wait out."""

from bds.settings import *  # noqa: F403

STRIPE_WEBHOOK_BODY_SECONDS = 2
