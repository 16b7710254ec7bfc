"""The Celery app. Tasks live in each app's tasks.py and only call that app's services.

With REDIS_URL unset (the embedded default) tasks run eagerly in the web process; with it set
they go to the worker: `celery -A bds worker --beat` (see README.md, "Background jobs").
Every task is declared with `bds.lib.tasks.project_task` (late acks, retry policy, failure reports).
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bds.settings")

app = Celery("bds")
app.config_from_object("django.conf:settings", namespace="CELERY")
# Each installed app's tasks.py, and the project's own (bds is not an installed app, so name it).
# Task modules not called tasks.py are named here, once: a CELERY_IMPORTS list in settings was
# assigned twice and the second assignment silently dropped the media clean-up from real workers.
# tests/jobs/test_task_registration.py loads the app as a worker does and checks nothing is missing.
app.autodiscover_tasks()
app.autodiscover_tasks(["bds"])
app.autodiscover_tasks(["lessons"], related_name="upload_tasks")
app.autodiscover_tasks(["bds"], related_name="admin_dashboard")
