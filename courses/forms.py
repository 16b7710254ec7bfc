from django import forms

from courses.models import Course

SORT_CHOICES = [
    ("featured", "Featured"),
    ("relevance", "Best match"),
    ("newest", "Newest"),
    ("price", "Price: low to high"),
    ("title", "Title: A to Z"),
]
PRICE_CHOICES = [("", "Any price"), ("free", "Free"), ("paid", "Paid")]


class CatalogFilterForm(forms.Form):
    """The catalog's GET parameters. A value that does not validate is dropped, not reported:
    a stale or hand-edited link still shows courses instead of an error."""

    q = forms.CharField(label="Search courses", required=False, max_length=200, widget=forms.SearchInput)
    category = forms.ChoiceField(label="Category", required=False)
    level = forms.ChoiceField(label="Level", required=False, choices=[("", "Any level"), *Course.Level.choices])
    format = forms.ChoiceField(label="Format", required=False, choices=[("", "Any format"), *Course.Format.choices])
    price = forms.ChoiceField(label="Price", required=False, choices=PRICE_CHOICES)
    sort = forms.ChoiceField(label="Sort by", required=False, choices=SORT_CHOICES)

    FILTER_FIELDS = ("category", "level", "format", "price")

    def __init__(self, data, *, categories):
        super().__init__(data)
        self.categories = list(categories)
        self.fields["category"].choices = [("", "All categories")] + [(c.slug, c.name) for c in self.categories]

    def values(self) -> dict[str, str]:
        """The valid, non-empty parameters, in a stable order (used for cache keys and links)."""
        self.is_valid()
        values = {}
        for name in self.fields:
            if name in self.errors:
                continue
            value = (self.cleaned_data.get(name) or "").strip()
            if value:
                values[name] = value
        if values.get("sort") == "relevance" and not values.get("q"):
            del values["sort"]  # nothing to rank without a search
        return values

    @staticmethod
    def effective_sort(values: dict[str, str]) -> str:
        """Best match when searching, featured courses first otherwise, unless the visitor chose."""
        return values.get("sort") or ("relevance" if values.get("q") else "featured")

    def active_filters(self, values: dict[str, str]) -> list[dict[str, str]]:
        """The search and filters in use, labelled for people ("Format: In person")."""
        active = []
        for name in ("q", *self.FILTER_FIELDS):
            if name in values:
                field = self.fields[name]
                shown = dict(getattr(field, "choices", ())).get(values[name], values[name])
                active.append({"name": name, "label": field.label, "value": shown})
        return active

    def bound_to(self, values: dict[str, str]) -> "CatalogFilterForm":
        """The same form showing only the cleaned values, so invalid input is not echoed back."""
        return CatalogFilterForm(values | {"sort": self.effective_sort(values)}, categories=self.categories)
