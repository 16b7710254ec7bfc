"""The Celery app. Tasks live in each app's tasks.py and only call that app's services.

With REDIS_URL unset (the embedded default) tasks run eagerly in the web process; with it set
they go to the worker: `celery -A bds worker --beat` (see README.md, "Background jobs").
Every task is declared with `core.tasks.project_task` (late acks, retry policy, failure reports).
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bds.settings")

app = Celery("bds")
app.config_from_object("django.conf:settings", namespace="CELERY")
# Each installed app's tasks.py (the email delivery task registers itself through core's AppConfig).
app.autodiscover_tasks()
