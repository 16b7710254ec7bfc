"""The direct-upload file widget for the lesson and material admin, and the pieces that wire it in.

- `DirectUploadWidget`: a file input plus a hidden token field. With files in S3 and JavaScript on,
  static/js/direct_upload.js sends the chosen file straight to the bucket (multipart, resumable,
  cancellable, with progress), then puts the upload token in the hidden field and empties the file
  input, so the form posts only the token. On local files (or without JavaScript) it is a plain
  file input and the file goes through the form as usual.
- `DirectUploadField`: passes a token through to the form's clean().
- `DirectUploadFormMixin`: verifies a token (lessons.uploads.upload_token_verify: issued to this
  user, for this course and lesson, object present with the announced size) and only then makes
  the key the file's name; afterwards retires the replaced file and queues video processing.
- `DirectUploadAdminMixin`: for ModelAdmins and inlines; `direct_upload_fields = {"video": "video"}`
  names the model's file fields and their upload kind.
"""

import json

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe

from courses.models import Section
from lessons import uploads
from lessons.models import Lesson, Material

UPLOAD_FIELD_SUFFIX = "__upload"  # the hidden field beside the file input


class UploadToken(str):
    """A signed upload token posted in place of a file (not yet verified)."""

    __slots__ = ()


class DirectUploadWidget(forms.ClearableFileInput):
    template_name = "lessons/widgets/direct_upload.html"

    class Media:
        js = ["js/direct_upload.js"]

    def __init__(self, kind: str = "video", attrs=None):
        super().__init__(attrs)
        self.kind = kind
        self.scope_source = None  # the model instance the file belongs to (set by the form)
        self.scope_parent = None  # an inline's parent object, for rows not yet tied to it

    def __deepcopy__(self, memo):
        copy = super().__deepcopy__(memo)
        copy.scope_source = copy.scope_parent = None
        return copy

    def scope(self) -> dict:
        """Which lesson, section or course an upload from this widget is for, as far as known at
        render time (inline rows get their parent's id after the form is built, hence the lookup here)."""
        instance = self.scope_source
        if isinstance(instance, Material) and instance.lesson_id:
            return {"lesson": instance.lesson_id}
        if isinstance(instance, Lesson):
            if instance.pk:
                return {"lesson": instance.pk}
            if instance.section_id:
                return {"section": instance.section_id}
        parent = self.scope_parent
        if isinstance(parent, Lesson) and parent.pk:
            return {"lesson": parent.pk}
        if isinstance(parent, Section) and parent.pk:
            return {"section": parent.pk}
        return {}

    def format_value(self, value):
        if isinstance(value, UploadToken):
            return None  # shown through the hidden token field, not as a "Currently:" link
        return super().format_value(value)

    def value_from_datadict(self, data, files, name):
        token = data.get(name + UPLOAD_FIELD_SUFFIX, "").strip()
        if token:
            return UploadToken(token)
        return super().value_from_datadict(data, files, name)

    def value_omitted_from_data(self, data, files, name):
        return name + UPLOAD_FIELD_SUFFIX not in data and super().value_omitted_from_data(data, files, name)

    def render(self, name, value, attrs=None, renderer=None):
        # The site's template engine (templates/lessons/widgets/), not the form renderer, which
        # only looks in Django's own widget folder unless FORM_RENDERER changes for everyone.
        return mark_safe(render_to_string(self.template_name, self.get_context(name, value, attrs)))  # noqa: S308

    def get_context(self, name, value, attrs):
        kind = uploads.UPLOAD_KINDS[self.kind]
        attrs = {**(attrs or {}), "accept": kind.accept}
        context = super().get_context(name, value, attrs)
        direct = uploads.direct_upload_enabled()
        context["widget"].update(
            {
                "direct": direct,
                "kind": self.kind,
                "token_name": name + UPLOAD_FIELD_SUFFIX,
                "token": value if isinstance(value, UploadToken) else "",
                "max_bytes": kind.max_bytes,
                "config": json.dumps(
                    {
                        "kind": self.kind,
                        "scope": self.scope(),
                        # On the lesson add page the section is chosen in the same form.
                        "scopeField": "section",
                        "maxBytes": kind.max_bytes,
                        "urls": {step: reverse(f"uploads:{step}") for step in ("start", "parts", "complete", "abort")},
                    }
                )
                if direct
                else "",
            }
        )
        return context


class DirectUploadField(forms.FileField):
    """A file field that also accepts an upload token (verified by DirectUploadFormMixin.clean)."""

    def clean(self, data, initial=None):
        if isinstance(data, UploadToken):
            return data
        return super().clean(data, initial)

    def bound_data(self, data, initial):
        # A form shown again with errors keeps the token, so a finished upload is not lost.
        if isinstance(data, UploadToken):
            return data
        return super().bound_data(data, initial)


class DirectUploadFormMixin:
    """For ModelForms of Lesson and Material. `upload_user` is the person posting (set by the admin)."""

    direct_upload_fields: dict[str, str] = {}
    upload_user = None
    upload_parent = None  # an inline's parent object (the "add another" template row has no instance link)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._direct_upload_previous = {}
        for name in self.direct_upload_fields:
            if name in self.fields:
                self.fields[name].widget.scope_source = self.instance
                self.fields[name].widget.scope_parent = self.upload_parent
                self._direct_upload_previous[name] = getattr(self.instance, name).name or ""

    def _upload_target(self) -> tuple[int | None, int | None]:
        """The course and lesson the file will belong to (course None while the parent lesson is
        being created in the same page: the token's own course permission is checked instead)."""
        instance = self.instance
        if isinstance(instance, Material):
            if instance.lesson_id:
                lesson = Lesson.objects.select_related("section").get(pk=instance.lesson_id)
                return lesson.section.course_id, lesson.pk
            return None, None
        section = self.cleaned_data.get("section") or (instance.section if instance.section_id else None)
        return (section.course_id if section else None), instance.pk

    def clean(self):
        cleaned_data = super().clean()
        for name, kind in self.direct_upload_fields.items():
            value = cleaned_data.get(name)
            if isinstance(value, UploadedFile):
                # Local storage (no S3): the file came with the form. Same types and limits as a
                # direct upload, or the admin would accept an .exe or .html as a "material".
                try:
                    uploads.upload_validate(
                        kind=uploads.UPLOAD_KINDS[kind],
                        filename=value.name,
                        content_type=value.content_type or "",
                        size=value.size,
                    )
                except uploads.UploadRefused as error:
                    self.add_error(name, str(error))
                continue
            if not isinstance(value, UploadToken):
                continue
            if self.upload_user is None:
                self.add_error(name, "This form cannot accept direct uploads.")
                continue
            course_id, lesson_id = self._upload_target()
            try:
                grant = uploads.upload_token_verify(
                    user=self.upload_user, token=value, kind=kind, course_id=course_id, lesson_id=lesson_id
                )
            except uploads.UploadRefused as error:
                self.add_error(name, str(error))
                continue
            cleaned_data[name] = grant.name
            if isinstance(self.instance, Material) and "size_bytes" not in self.fields:
                self.instance.size_bytes = grant.size
        return cleaned_data

    def direct_upload_after_save(self) -> None:
        """Call after the instance is saved: retire replaced files and process a new video (both after commit)."""
        replaced = []
        for name in self.direct_upload_fields:
            if name not in self.changed_data:
                continue
            previous, current = self._direct_upload_previous.get(name, ""), getattr(self.instance, name).name or ""
            if previous and previous != current:
                replaced.append(previous)
            if current and current != previous and isinstance(self.instance, Lesson) and name == "video":
                uploads.lesson_video_attached(lesson=self.instance)
        uploads.media_objects_retire_later(names=replaced)


def _files_of(obj) -> list[str]:
    """Every private file a section or lesson (with what is inside) or a material holds."""
    if isinstance(obj, Lesson):
        return [obj.video.name, *(material.file.name for material in obj.materials.all())]
    if isinstance(obj, Material):
        return [obj.file.name]
    if isinstance(obj, Section):  # its lessons go with it (a whole course's: the orphan job)
        return [name for lesson in obj.lessons.prefetch_related("materials") for name in _files_of(lesson)]
    return []


class DirectUploadAdminMixin:
    """Direct uploads for a ModelAdmin or an inline. List the file fields and their kind:
    `direct_upload_fields = {"video": "video"}` (Lesson) or `{"file": "material"}` (Material).
    A parent admin whose inlines upload needs the mixin too, for save_formset."""

    direct_upload_fields: dict[str, str] = {}

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        kind = self.direct_upload_fields.get(db_field.name)
        if kind:
            kwargs["form_class"] = DirectUploadField
            kwargs["widget"] = DirectUploadWidget(kind=kind)
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def _direct_upload_form(self, form, request, parent=None):
        return type(
            form.__name__,
            (DirectUploadFormMixin, form),
            {"upload_user": request.user, "upload_parent": parent, "direct_upload_fields": self.direct_upload_fields},
        )

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return self._direct_upload_form(form, request) if self.direct_upload_fields else form

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        if self.direct_upload_fields:
            formset.form = self._direct_upload_form(formset.form, request, parent=obj)
        return formset

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if isinstance(form, DirectUploadFormMixin):
            form.direct_upload_after_save()

    def save_formset(self, request, form, formset, change):
        # Named before deleting: a deleted lesson no longer reaches its materials.
        deleted = [name for row in formset.deleted_forms if row.instance.pk for name in _files_of(row.instance)]
        super().save_formset(request, form, formset, change)
        deleted_forms = set(formset.deleted_forms)
        for row in formset.forms:
            if isinstance(row, DirectUploadFormMixin) and row.instance.pk and row not in deleted_forms:
                row.direct_upload_after_save()
        uploads.media_objects_retire_later(names=deleted)

    def delete_model(self, request, obj):
        names = _files_of(obj)
        super().delete_model(request, obj)
        uploads.media_objects_retire_later(names=names)

    def delete_queryset(self, request, queryset):
        names = [name for obj in queryset for name in _files_of(obj)]
        super().delete_queryset(request, queryset)
        uploads.media_objects_retire_later(names=names)
