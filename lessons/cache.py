"""The student's progress token: what shows which lessons a student has completed (the lesson
page's course panel, lessons/views.py) is cached under it.

Only a completion changing bumps it (a lesson completed, a completion removed or edited by staff),
not every saved video position, which the player sends every few seconds: lessons/receivers.py.
Tokens are explained in core/cache_versions.py.
"""

from core.cache_versions import bump, tokens


def progress_version_key(user_id: int) -> str:
    return f"lessons:progress-version:{user_id}"


def progress_cache_version(user_id: int) -> str:
    return tokens(progress_version_key(user_id))[0]


def progress_bump(*user_ids: int) -> None:
    bump(*{progress_version_key(user_id) for user_id in user_ids if user_id})
