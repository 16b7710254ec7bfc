"""Direct uploads of lesson videos and materials from the browser to the bucket (S3 multipart).

Lesson videos run to gigabytes, so they never pass through the web process. The flow:

1. `multipart_upload_start` checks the instructor may edit the course, validates name, type and
   size, creates the multipart upload under a fresh key
   `videos/<course-slug>/<lesson-id|new>/<random>/<safe-filename>` (or `materials/...`) and returns
   presigned part URLs plus a signed *upload token* (user, key, course, lesson, size, upload id).
2. The browser PUTs the parts straight to S3. After a dropped connection or a reload it calls
   `multipart_upload_part_urls` with the token: S3's own list of received parts says what is missing.
3. `multipart_upload_complete` assembles the parts (ETags from S3's list, not from the browser).
4. The admin form carries only the token; `upload_token_verify` checks its signature, user, course
   and lesson, and that the object exists with an allowed size, before the key becomes the file's
   name. A key we never issued to this user cannot be saved.

Replaced or deleted files are retired after commit (`media_objects_retire_later`: the old objects
are deleted and their CDN paths invalidated), and `media_orphans_clean` removes what was started but
never attached. The storage-level plumbing (S3 multipart, CloudFront) is core/direct_upload.py.
Names here are FileField names (relative to the private storage's location); the
bucket's object keys add that location in front (`object_key`).
"""

import logging
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import PurePosixPath
from urllib.parse import quote

from botocore.exceptions import ClientError
from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.db import transaction
from storages.backends.s3 import S3Storage

# The refusals are part of this module's surface (views and widgets catch them as uploads.Upload*).
from core.direct_upload import UploadGone as UploadGone
from core.direct_upload import UploadIncomplete as UploadIncomplete
from core.direct_upload import UploadRefused as UploadRefused
from core.direct_upload import (
    cdn_paths_invalidate,
    object_key,
    part_size_for,
    parts_needed,
    presigned_part_urls,
    s3_client,
    safe_filename,
    uploaded_parts,
)
from courses.models import Course, Section, is_school_staff
from lessons.models import Lesson, Material
from lessons.services import renditions

logger = logging.getLogger(__name__)

UPLOAD_TOKEN_SALT = "lessons.direct-upload"  # noqa: S105 - a signing namespace, not a secret


@dataclass(frozen=True)
class UploadKind:
    """What may be uploaded into one file field: extensions, their content types, a size limit."""

    name: str
    folder: str
    # extension -> (content type stored on the object, other types browsers report for it)
    types: dict[str, tuple[str, ...]]
    max_bytes_setting: str

    @property
    def max_bytes(self) -> int:
        return getattr(settings, self.max_bytes_setting)

    @property
    def accept(self) -> str:
        """The file input's `accept` attribute."""
        return ",".join(sorted(self.types))


# Browsers report an empty type or application/octet-stream for files they do not know (KML, KMZ,
# often MOV on Windows); those are accepted and the object gets the extension's canonical type.
_UNKNOWN_TYPES = ("", "application/octet-stream")

UPLOAD_KINDS: dict[str, UploadKind] = {
    "video": UploadKind(
        name="video",
        folder="videos",
        types={
            ".mp4": ("video/mp4",),
            ".mov": ("video/quicktime",),
            ".webm": ("video/webm",),
        },
        max_bytes_setting="LESSON_VIDEO_MAX_BYTES",
    ),
    "material": UploadKind(
        name="material",
        folder="materials",
        types={
            ".pdf": ("application/pdf",),
            ".zip": ("application/zip", "application/x-zip-compressed"),
            ".png": ("image/png",),
            ".jpg": ("image/jpeg",),
            ".jpeg": ("image/jpeg",),
            ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document",),
            ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",),
            ".pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation",),
            ".kml": ("application/vnd.google-earth.kml+xml", "application/xml", "text/xml"),
            ".kmz": ("application/vnd.google-earth.kmz", "application/zip"),
        },
        max_bytes_setting="MATERIAL_MAX_BYTES",
    ),
}


@dataclass(frozen=True)
class UploadGrant:
    """What a signed upload token says: who may attach which key to which course (and lesson)."""

    user_id: int
    name: str
    kind: str
    course_id: int
    lesson_id: int | None
    size: int
    upload_id: str


# -- storage plumbing --------------------------------------------------------------------------------


def upload_storage():
    """The storage lesson videos and materials live in (their FileField's, as tests may swap it)."""
    return Lesson._meta.get_field("video").storage


def direct_upload_enabled(storage=None) -> bool:
    """True when files live in S3 (browser uploads straight there); False on local files."""
    return isinstance(storage or upload_storage(), S3Storage)


# -- permissions --------------------------------------------------------------------------------------


def courses_uploadable_by(user):
    """Courses whose lesson files the user may upload, as the course admin scopes them: all for school
    staff (superusers, the "Staff" group), else the ones they teach. Only admin users (is_staff) upload."""
    if not (user.is_authenticated and user.is_active and user.is_staff):
        return Course.objects.none()
    if is_school_staff(user):
        return Course.objects.all()
    return Course.objects.filter(pk__in=Course.objects.taught_by(user).values("pk"))


def upload_kind_permitted(*, user, kind: UploadKind) -> bool:
    """The model permission the admin would ask for to put that file on a row."""
    model = "lesson" if kind.name == "video" else "material"
    return user.has_perm(f"lessons.change_{model}") or user.has_perm(f"lessons.add_{model}")


def upload_target_for(*, user, lesson_id=None, section_id=None, course_id=None) -> tuple[Course, Lesson | None]:
    """The course (and lesson) an upload is for, looked up within what the user may edit.

    Raises Course.DoesNotExist / Lesson.DoesNotExist / Section.DoesNotExist for anything outside,
    so views answer 404 exactly as for a missing id.
    """
    courses = courses_uploadable_by(user)
    if lesson_id:
        lesson = Lesson.objects.select_related("section__course").get(pk=lesson_id, section__course__in=courses)
        return lesson.section.course, lesson
    if section_id:
        return Section.objects.select_related("course").get(pk=section_id, course__in=courses).course, None
    if course_id:
        return courses.get(pk=course_id), None
    raise Course.DoesNotExist("No lesson, section or course named.")


def _course_permitted(*, user, course_id: int) -> bool:
    return courses_uploadable_by(user).filter(pk=course_id).exists()


# -- validation ---------------------------------------------------------------------------------------


def upload_validate(*, kind: UploadKind, filename: str, content_type: str, size: int) -> str:
    """The content type to store the object with; raises UploadRefused for anything not allowed."""
    extension = PurePosixPath(filename.lower()).suffix
    if extension not in kind.types:
        allowed = ", ".join(extension.lstrip(".") for extension in sorted(kind.types))
        raise UploadRefused(f"{filename!r} is not an allowed {kind.name} file. Allowed: {allowed}.")
    content_type = (content_type or "").split(";")[0].strip().lower()
    if content_type not in kind.types[extension] and content_type not in _UNKNOWN_TYPES:
        raise UploadRefused(f"{filename!r} says it is {content_type!r}, which does not match its extension.")
    if size <= 0:
        raise UploadRefused(f"{filename!r} is empty.")
    if size > kind.max_bytes:
        megabytes, limit = size / 1024**2, kind.max_bytes / 1024**2
        raise UploadRefused(f"{filename!r} is {megabytes:,.0f} MB; the limit for a {kind.name} is {limit:,.0f} MB.")
    return kind.types[extension][0]


def upload_name_for(*, kind: UploadKind, course: Course, lesson: Lesson | None, filename: str) -> str:
    """A fresh name nobody else can guess or collide with."""
    lesson_part = str(lesson.pk) if lesson else "new"
    return f"{kind.folder}/{course.slug}/{lesson_part}/{secrets.token_hex(8)}/{safe_filename(filename)}"


# -- tokens -------------------------------------------------------------------------------------------


def upload_token_sign(grant: UploadGrant) -> str:
    return signing.dumps(
        {
            "u": grant.user_id,
            "n": grant.name,
            "k": grant.kind,
            "c": grant.course_id,
            "l": grant.lesson_id,
            "s": grant.size,
            "i": grant.upload_id,
        },
        salt=UPLOAD_TOKEN_SALT,
        compress=True,
    )


def upload_token_read(token: str, *, user) -> UploadGrant:
    """The grant inside a token issued to `user`; raises UploadRefused when forged, expired or not theirs."""
    try:
        data = signing.loads(token, salt=UPLOAD_TOKEN_SALT, max_age=settings.MEDIA_UPLOAD_TOKEN_MAX_AGE_SECONDS)
    except signing.SignatureExpired as error:
        raise UploadRefused("This upload is too old to use; please upload the file again.") from error
    except signing.BadSignature as error:
        raise UploadRefused("This upload was not issued by this site; please upload the file again.") from error
    grant = UploadGrant(
        user_id=data["u"],
        name=data["n"],
        kind=data["k"],
        course_id=data["c"],
        lesson_id=data["l"],
        size=data["s"],
        upload_id=data["i"],
    )
    if grant.user_id != user.pk:
        raise UploadRefused("This upload belongs to someone else; please upload the file yourself.")
    return grant


def _grant_for(*, user, token: str) -> UploadGrant:
    """A token's grant, re-checking that the user may still edit that course."""
    grant = upload_token_read(token, user=user)
    if not _course_permitted(user=user, course_id=grant.course_id):
        raise PermissionDenied("You can no longer edit this course.")
    return grant


# -- multipart upload services ------------------------------------------------------------------------


def multipart_upload_start(
    *,
    user,
    kind: str,
    filename: str,
    content_type: str,
    size: int,
    lesson: Lesson | None = None,
    course: Course | None = None,
) -> dict:
    """Begin a direct upload of one file for a lesson (or, before the lesson exists, its course).

    Checks the user may edit the course (PermissionDenied otherwise) and the file's extension, type
    and size (UploadRefused). Returns `upload_id`, `key` (the future FileField name), `token` (to
    resume, complete, abort and finally save), `part_size`, `part_count` and `parts`, every part's
    presigned PUT URL.
    """
    upload_kind = UPLOAD_KINDS.get(kind)
    if upload_kind is None:
        raise UploadRefused(f"Unknown kind of upload {kind!r}.")
    if lesson is not None:
        course = lesson.section.course
    if course is None:
        raise UploadRefused("Say which lesson or course the file is for.")
    if not _course_permitted(user=user, course_id=course.pk) or not upload_kind_permitted(user=user, kind=upload_kind):
        raise PermissionDenied("You cannot upload files to this course.")
    stored_type = upload_validate(kind=upload_kind, filename=filename, content_type=content_type, size=size)
    storage = upload_storage()
    if not direct_upload_enabled(storage):
        raise UploadRefused("Files are stored locally here: upload them with the form instead.")
    name = upload_name_for(kind=upload_kind, course=course, lesson=lesson, filename=filename)
    key = object_key(storage, name)
    created = s3_client(storage).create_multipart_upload(
        Bucket=storage.bucket_name,
        Key=key,
        ContentType=stored_type,
        # Materials download under their readable name; the random key part stays out of it.
        ContentDisposition=f'attachment; filename="{safe_filename(filename)}"' if kind == "material" else "inline",
    )
    upload_id = created["UploadId"]
    part_size = part_size_for(size)
    part_count = parts_needed(size, part_size)
    grant = UploadGrant(
        user_id=user.pk,
        name=name,
        kind=kind,
        course_id=course.pk,
        lesson_id=lesson.pk if lesson else None,
        size=size,
        upload_id=upload_id,
    )
    logger.info("direct upload started: user %s, course %s, key %s, %s bytes", user.pk, course.pk, key, size)
    return {
        "upload_id": upload_id,
        "key": name,
        "token": upload_token_sign(grant),
        "part_size": part_size,
        "part_count": part_count,
        "parts": presigned_part_urls(storage, key=key, upload_id=upload_id, numbers=range(1, part_count + 1)),
    }


def multipart_upload_part_urls(*, user, token: str) -> dict:
    """Where a broken-off upload stands: the parts S3 already has (`uploaded`) and fresh presigned
    URLs for the rest (`parts`). Raises UploadGone when the upload no longer exists."""
    grant = _grant_for(user=user, token=token)
    storage = upload_storage()
    key = object_key(storage, grant.name)
    part_size = part_size_for(grant.size)
    part_count = parts_needed(grant.size, part_size)
    uploaded = uploaded_parts(storage, key=key, upload_id=grant.upload_id)
    expected_sizes = {
        n: part_size if n < part_count else grant.size - part_size * (part_count - 1) for n in range(1, part_count + 1)
    }
    # A part cut short by a dropped connection never lands, but one of the wrong size is sent again.
    complete_parts = [part for part in uploaded if expected_sizes.get(part["number"]) == part["size"]]
    done = {part["number"] for part in complete_parts}
    missing = [n for n in range(1, part_count + 1) if n not in done]
    return {
        "upload_id": grant.upload_id,
        "key": grant.name,
        "part_size": part_size,
        "part_count": part_count,
        "uploaded": [{"number": p["number"], "size": p["size"]} for p in complete_parts],
        "parts": presigned_part_urls(storage, key=key, upload_id=grant.upload_id, numbers=missing),
    }


def multipart_upload_complete(*, user, token: str) -> dict:
    """Assemble the uploaded parts into the object. The parts and their ETags come from S3's list,
    so the browser cannot slip in anything it did not upload. Raises UploadIncomplete (with the
    missing part numbers) while parts are missing, UploadGone when the upload no longer exists.
    Returns `key`, `token` and `size`."""
    grant = _grant_for(user=user, token=token)
    storage = upload_storage()
    key = object_key(storage, grant.name)
    status = multipart_upload_part_urls(user=user, token=token)
    if status["parts"]:
        missing = [part["number"] for part in status["parts"]]
        raise UploadIncomplete(f"{len(missing)} part(s) of the file have not arrived yet.", missing)
    etags = {part["number"]: part["etag"] for part in uploaded_parts(storage, key=key, upload_id=grant.upload_id)}
    s3_client(storage).complete_multipart_upload(
        Bucket=storage.bucket_name,
        Key=key,
        UploadId=grant.upload_id,
        MultipartUpload={"Parts": [{"PartNumber": n, "ETag": etags[n]} for n in range(1, status["part_count"] + 1)]},
    )
    logger.info("direct upload completed: user %s, key %s, %s bytes", user.pk, key, grant.size)
    return {"key": grant.name, "token": token, "size": grant.size}


def multipart_upload_abort(*, user, token: str) -> None:
    """Cancel an upload and free its parts. Idempotent: an upload already gone is fine."""
    grant = _grant_for(user=user, token=token)
    storage = upload_storage()
    try:
        s3_client(storage).abort_multipart_upload(
            Bucket=storage.bucket_name, Key=object_key(storage, grant.name), UploadId=grant.upload_id
        )
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") not in {"NoSuchUpload", "404"}:
            raise
    logger.info("direct upload aborted: user %s, key %s", user.pk, grant.name)


def upload_token_verify(*, user, token: str, kind: str, course_id: int | None, lesson_id: int | None) -> UploadGrant:
    """Whether the file behind `token` may become the `kind` file of that lesson (or a new one in that
    course): issued to this user for this course, kind and lesson, still permitted, and the object
    exists in the bucket with the size announced and within the limit. Raises UploadRefused.

    `course_id` None means the row's course is not known yet (a material added on the page that
    creates its lesson); the token's own course must then still be the user's to edit."""
    grant = upload_token_read(token, user=user)
    if grant.kind != kind:
        raise UploadRefused(f"This upload was made for a {grant.kind}, not a {kind}.")
    if (course_id is not None and grant.course_id != course_id) or (
        grant.lesson_id is not None and grant.lesson_id != lesson_id
    ):
        raise UploadRefused("This upload was made for another lesson; please upload the file here again.")
    if not _course_permitted(user=user, course_id=grant.course_id):
        raise UploadRefused("You cannot upload files to this course.")
    storage = upload_storage()
    try:
        head = s3_client(storage).head_object(Bucket=storage.bucket_name, Key=object_key(storage, grant.name))
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") in {"404", "NoSuchKey", "NotFound"}:
            raise UploadRefused("The upload has not finished; wait for 100% before saving.") from error
        raise
    size = head["ContentLength"]
    if size != grant.size or size > UPLOAD_KINDS[kind].max_bytes:
        raise UploadRefused("The uploaded file is not the one announced; please upload it again.")
    return grant


# -- after a save: processing, retiring old files ------------------------------------------------------


def lesson_video_attached(*, lesson: Lesson) -> None:
    """Queue the learning app's video processing (duration, poster) for a new video, after commit."""
    try:
        from lessons import services
    except ImportError:  # no learning services in this build: nothing to run
        return
    process_later = getattr(services, "lesson_video_process_later", None)
    if process_later is None:
        return
    process_later(lesson_id=lesson.pk)  # it defers the job to after commit itself


def media_objects_retire_later(*, names: list[str]) -> None:
    """After commit: delete these replaced or removed files and invalidate their CDN paths."""
    names = sorted({name for name in names if name})
    if not names:
        return
    from lessons.tasks import media_objects_retire_task

    transaction.on_commit(lambda: media_objects_retire_task.delay(names=names))


def _names_in_use(names) -> set[str]:
    return set(Lesson.objects.filter(video__in=names).values_list("video", flat=True)) | set(
        Material.objects.filter(file__in=names).values_list("file", flat=True)
    )


def media_objects_retire(*, names: list[str]) -> list[str]:
    """Delete files no lesson or material names any more and invalidate their CDN paths (when
    CDN_DISTRIBUTION_ID is set). A name still in use (another row, or the change was undone) is
    kept. Deleted objects stay recoverable for the bucket's noncurrent-version window (docs/S3.md).
    Returns the names deleted."""
    storage = upload_storage()
    in_use = _names_in_use(names)
    retired = [name for name in names if name not in in_use]
    for name in retired:
        storage.delete(name)
    # A retired video's HLS renditions go with it (lessons/services/renditions.py).
    streamed = [name for name in retired if renditions.renditions_delete(video_name=name)]
    if retired:
        logger.info("retired %s media object(s): %s", len(retired), ", ".join(retired))
        if direct_upload_enabled(storage):
            cdn_paths_invalidate(
                paths=[
                    *("/" + quote(object_key(storage, name)) for name in retired),
                    *(
                        "/" + quote(object_key(storage, renditions.renditions_folder(name) + "/")) + "*"
                        for name in streamed
                    ),
                ]
            )
    return retired


def media_orphans_clean(*, now: datetime | None = None) -> dict:
    """Remove what was uploaded but never attached, older than MEDIA_ORPHAN_UPLOAD_MAX_AGE_SECONDS:
    multipart uploads never completed (aborted, freeing their parts) and finished objects under
    videos/ and materials/ that no lesson or material names. The age exceeds the upload token's,
    so nothing that could still be saved on a form is removed. Returns the counts."""
    storage = upload_storage()
    if not direct_upload_enabled(storage):
        return {"aborted": 0, "deleted": 0}
    now = now or datetime.now(UTC)
    cutoff = now - timedelta(seconds=settings.MEDIA_ORPHAN_UPLOAD_MAX_AGE_SECONDS)
    client = s3_client(storage)
    bucket = storage.bucket_name
    prefixes = [object_key(storage, f"{kind.folder}/") for kind in UPLOAD_KINDS.values()]
    aborted = 0
    for prefix in prefixes:
        for page in client.get_paginator("list_multipart_uploads").paginate(Bucket=bucket, Prefix=prefix):
            for upload in page.get("Uploads", []):
                if upload["Initiated"] < cutoff:
                    client.abort_multipart_upload(Bucket=bucket, Key=upload["Key"], UploadId=upload["UploadId"])
                    aborted += 1
    location = object_key(storage, "x")[:-1]  # the storage's location prefix, "" or "private/"
    stale: list[str] = []
    for prefix in prefixes:
        for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
            stale += [
                item["Key"].removeprefix(location) for item in page.get("Contents", []) if item["LastModified"] < cutoff
            ]
    in_use = _names_in_use(stale)
    orphans = [name for name in stale if name not in in_use]
    for name in orphans:
        storage.delete(name)
    if aborted or orphans:
        logger.info(
            "media orphans cleaned: %s unfinished upload(s) aborted, %s object(s) deleted", aborted, len(orphans)
        )
    return {"aborted": aborted, "deleted": len(orphans)}
