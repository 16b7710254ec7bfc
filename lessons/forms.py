"""Forms that validate what the student's browser sends outside the admin."""

from django import forms


class LessonProgressForm(forms.Form):
    """The player's periodic position report. FloatField refuses `inf`, `-inf`, `nan` and numbers too
    large for a float (`1e309`, thousands of digits), which `int(float(...))` turned into a 500;
    finite values out of range are clamped by the service, as a seek past the end may report them."""

    position_seconds = forms.FloatField(required=False, max_value=1e12, min_value=-1e12)
    completed = forms.CharField(required=False, max_length=10)
