from django import forms

from flights.models import MANEUVERS


class BookingForm(forms.Form):
    """The waiver acceptance; the age and equipment fields appear only when the course asks."""

    typed_name = forms.CharField(
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        label="Type your full name to accept the waiver",
        max_length=150,
        help_text="Exactly as on your account; it is stored with the waiver version, date and your IP address.",
    )
    age_confirmed = forms.BooleanField(label="I confirm that I am 16 years of age or older", required=False)
    equipment_declaration = forms.CharField(
        label="Equipment you will bring",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Drone make and model, batteries, controller; or “none, I use the school’s”.",
    )

    def __init__(self, *args, course_settings, **kwargs):
        super().__init__(*args, **kwargs)
        if course_settings.requires_age_16:
            self.fields["age_confirmed"].required = True
        else:
            del self.fields["age_confirmed"]
        if course_settings.asks_equipment_declaration:
            self.fields["equipment_declaration"].required = True
        else:
            del self.fields["equipment_declaration"]


class RosterEntryForm(forms.Form):
    """One student's row on the instructor roster."""

    checked_in = forms.BooleanField(label="Checked in", required=False)
    minutes_flown = forms.IntegerField(label="Minutes flown", min_value=0, max_value=600, initial=0)
    maneuvers = forms.MultipleChoiceField(
        label="Maneuvers passed", choices=MANEUVERS, required=False, widget=forms.CheckboxSelectMultiple
    )
    signed_off = forms.BooleanField(label="Signed off", required=False)

    def clean(self):
        data = super().clean()
        if data.get("signed_off") and not data.get("checked_in"):
            self.add_error("signed_off", "Check the student in before signing off.")
        return data


class ScrubForm(forms.Form):
    reason = forms.CharField(
        label="Reason (students read this)", widget=forms.Textarea(attrs={"rows": 3}), max_length=1000
    )
