from django.apps import AppConfig


class CoreConfig(AppConfig):
    """The ground floor: plumbing every app uses (mail, storage, task base, caches, request guards).

    It imports no app of the project; see docs/ARCHITECTURE.md.
    """

    name = "core"
    verbose_name = "Core plumbing"

    def ready(self) -> None:
        # The email delivery task lives beside the code it runs (core/mail.py), not in a tasks.py
        # that autodiscovery would find: importing the module registers it with every worker.
        from core import mail  # noqa: F401
