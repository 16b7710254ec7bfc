"""Where files live. Private files (videos, materials, certificates) never get a public address:
they are handed out as short-lived signed URLs after a permission check (see lessons)."""

from django.core.files.storage import storages


def private_storage():
    """The storage for private files, resolved at runtime so tests and settings can swap it."""
    return storages["private"]
