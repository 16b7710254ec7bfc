"""Forms that validate what the student's browser sends outside the admin."""

import json

from django import forms


class LessonProgressForm(forms.Form):
    """The player's periodic position report. FloatField refuses `inf`, `-inf`, `nan` and numbers too
    large for a float (`1e309`, thousands of digits), which `int(float(...))` turned into a 500;
    finite values out of range are clamped by the service, as a seek past the end may report them."""

    position_seconds = forms.FloatField(required=False, max_value=1e12, min_value=-1e12)
    completed = forms.CharField(required=False, max_length=10)


# An exam has 60 questions; a payload naming many more items is not from the exam page.
EXAM_AUTOSAVE_MAX_ITEMS = 500


class ExamAutosaveError(ValueError):
    """The exam page's autosave body is not the JSON it sends; nothing of it is saved."""


def exam_autosave_parse(body: bytes) -> tuple[dict[int, int], dict[int, bool]]:
    """Parse the exam page's autosave body, `{"answers": {"<item id>": <choice id>}, "flags":
    {"<item id>": true|false}}` (either key optional), into (answers, flags). Which items belong to
    the attempt is the service's business; this only checks the shape, all or nothing."""
    try:
        payload = json.loads(body)
    except (ValueError, UnicodeDecodeError) as error:
        raise ExamAutosaveError("The body is not JSON.") from error
    if not isinstance(payload, dict) or not set(payload) <= {"answers", "flags"}:
        raise ExamAutosaveError('Expected an object with "answers" and/or "flags".')
    answers = _items_mapping(payload.get("answers", {}), "answers", value_type=int)
    flags = _items_mapping(payload.get("flags", {}), "flags", value_type=bool)
    return answers, flags


def _items_mapping(value, name: str, *, value_type: type) -> dict:
    if not isinstance(value, dict) or len(value) > EXAM_AUTOSAVE_MAX_ITEMS:
        raise ExamAutosaveError(f'"{name}" must be an object of at most {EXAM_AUTOSAVE_MAX_ITEMS} items.')
    parsed = {}
    for key, item_value in value.items():
        # bool is an int in Python: a choice id of `true` is as malformed as a flag of `1`.
        if not (key.isascii() and key.isdigit()) or type(item_value) is not value_type:
            raise ExamAutosaveError(f'"{name}" maps item ids to {value_type.__name__} values.')
        parsed[int(key)] = item_value
    return parsed
