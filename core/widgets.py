"""Form widgets shared by the admin of several apps."""

from django import forms
from django.urls import reverse


class MarkdownWidget(forms.Textarea):
    """A Markdown textarea with Write / Preview tabs (static/js/markdown_editor.js).

    The preview is rendered by the server (the admin's markdown-preview endpoint, the same sanitiser
    as the public pages), never by a script in the browser. Without JavaScript it is a plain textarea.
    """

    template_name = "core/widgets/markdown.html"
    preview_url_name = "admin_markdown_preview"

    class Media:
        css = {"all": ["css/authoring.css"]}
        js = ["js/markdown_editor.js"]

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["preview_url"] = reverse(self.preview_url_name)
        return context

    def render(self, name, value, attrs=None, renderer=None):
        # The site's template engine (templates/core/widgets/), like lessons' direct-upload widget.
        from django.template.loader import render_to_string
        from django.utils.safestring import mark_safe

        return mark_safe(render_to_string(self.template_name, self.get_context(name, value, attrs)))  # noqa: S308


class MarkdownAdminMixin:
    """For a ModelAdmin: `markdown_fields = ["body"]` edits those text fields with MarkdownWidget."""

    markdown_fields: list[str] = []

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name in self.markdown_fields:
            kwargs["widget"] = MarkdownWidget(attrs={"rows": 14})
        return super().formfield_for_dbfield(db_field, request, **kwargs)
