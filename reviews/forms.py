from django import forms

from reviews.models import Review

RATING_CHOICES = [
    (5, "5 stars: excellent"),
    (4, "4 stars: good"),
    (3, "3 stars: fair"),
    (2, "2 stars: poor"),
    (1, "1 star: bad"),
]


class ReviewForm(forms.ModelForm):
    rating = forms.TypedChoiceField(
        choices=RATING_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
        label="Your rating",
        error_messages={"required": "Choose a rating from 1 to 5 stars."},
    )

    class Meta:
        model = Review
        fields = ["rating", "title", "body"]
        labels = {"title": "Headline (optional)", "body": "Your review (optional)"}
        help_texts = {"body": "What should a future student know? Up to 4,000 characters; plain text."}
        widgets = {"body": forms.Textarea(attrs={"rows": 6, "maxlength": 4000})}

    def clean_title(self):
        return " ".join(self.cleaned_data["title"].split())

    def clean_body(self):
        body = self.cleaned_data["body"].replace("\x00", "").strip()
        if "\n\n\n" in body:
            body = "\n\n".join(part.strip() for part in body.split("\n\n") if part.strip())
        return body
