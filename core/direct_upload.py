"""Browser-to-bucket uploads and CDN invalidation, for any S3 storage: the plumbing under an
app's direct uploads (lessons/uploads.py decides who may upload what, and where it goes).

S3 multipart: the part size for a file, presigned part URLs, S3's own list of received parts.
CloudFront: invalidating the cached copies of replaced or deleted files (CDN_DISTRIBUTION_ID).
Nothing here knows a model; it takes a storage (django-storages' S3Storage) and object keys.
"""

import logging
import math
import uuid
from pathlib import PurePosixPath

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError
from django.conf import settings
from django.utils.text import get_valid_filename, slugify

logger = logging.getLogger(__name__)

S3_MIN_PART_BYTES = 5 * 1024 * 1024
S3_MAX_PARTS = 10_000
# CloudFront accepts up to 3,000 paths in progress per distribution; stay well below per request.
CDN_INVALIDATION_BATCH = 1000


class UploadRefused(Exception):
    """The upload cannot go ahead as asked; the message says why, in words for the instructor."""


class UploadGone(UploadRefused):
    """The multipart upload no longer exists (completed, aborted or cleaned up): start again."""


class UploadIncomplete(UploadRefused):
    """Parts are missing; `missing` lists their numbers so the browser can send them."""

    def __init__(self, message: str, missing: list[int]):
        super().__init__(message)
        self.missing = missing


def s3_client(storage):
    return storage.connection.meta.client


def presign_client(storage):
    """The client that signs part URLs. On AWS it names the regional virtual-hosted endpoint
    (https://<bucket>.s3.<region>.amazonaws.com), the origin the CSP's connect-src and the bucket's
    CORS rule allow; boto3 would otherwise sign for the global host, which redirects and fails CORS."""
    if storage.endpoint_url:
        return s3_client(storage)
    region = storage.region_name or "us-east-1"
    return boto3.client(
        "s3",
        region_name=region,
        endpoint_url=f"https://s3.{region}.amazonaws.com",
        aws_access_key_id=storage.access_key or None,
        aws_secret_access_key=storage.secret_key or None,
        config=Config(signature_version="s3v4", s3={"addressing_style": "virtual"}),
    )


def object_key(storage, name: str) -> str:
    """The bucket key of a FileField name (the storage's location in front)."""
    return storage._normalize_name(name)


def safe_filename(filename: str) -> str:
    """A file name safe in a key and a URL: ASCII letters, digits, dashes, dots; the extension kept."""
    path = PurePosixPath(filename.replace("\\", "/")).name
    stem, suffix = PurePosixPath(path).stem, PurePosixPath(path).suffix.lower()
    stem = slugify(stem)[:80] or "file"
    return get_valid_filename(f"{stem}{suffix}")


def part_size_for(size: int) -> int:
    """The configured part size, grown (whole MiB) when the file would need more than S3's 10,000 parts."""
    part_size = max(settings.MEDIA_UPLOAD_PART_BYTES, S3_MIN_PART_BYTES)
    if math.ceil(size / part_size) > S3_MAX_PARTS:
        part_size = math.ceil(size / S3_MAX_PARTS / 1024**2) * 1024**2
    return part_size


def presigned_part_urls(storage, *, key: str, upload_id: str, numbers) -> list[dict]:
    client = presign_client(storage)
    return [
        {
            "number": number,
            "url": client.generate_presigned_url(
                "upload_part",
                Params={"Bucket": storage.bucket_name, "Key": key, "UploadId": upload_id, "PartNumber": number},
                ExpiresIn=settings.MEDIA_UPLOAD_URL_EXPIRY_SECONDS,
            ),
        }
        for number in numbers
    ]


def uploaded_parts(storage, *, key: str, upload_id: str) -> list[dict]:
    """S3's own list of received parts (number, size, ETag), every page of it."""
    client = s3_client(storage)
    parts: list[dict] = []
    marker = 0
    while True:
        try:
            page = client.list_parts(
                Bucket=storage.bucket_name, Key=key, UploadId=upload_id, PartNumberMarker=marker, MaxParts=1000
            )
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in {"NoSuchUpload", "404"}:
                raise UploadGone("This upload no longer exists; please start it again.") from error
            raise
        parts += [{"number": p["PartNumber"], "size": p["Size"], "etag": p["ETag"]} for p in page.get("Parts", [])]
        if not page.get("IsTruncated"):
            return parts
        marker = int(page["NextPartNumberMarker"])


def parts_needed(grant_size: int, part_size: int) -> int:
    return max(1, math.ceil(grant_size / part_size))


def cloudfront_client():
    """A CloudFront client with the site's AWS credentials (AWS_ENDPOINT_URL_CLOUDFRONT may point it
    elsewhere, as boto3 reads that variable itself)."""
    return boto3.client(
        "cloudfront",
        aws_access_key_id=settings.AWS_ACCESS_KEY_ID or None,
        aws_secret_access_key=settings.AWS_SECRET_ACCESS_KEY or None,
        region_name="us-east-1",  # CloudFront is global; its API lives in us-east-1
    )


def cdn_paths_invalidate(*, paths: list[str]) -> list[str]:
    """Ask CloudFront to drop cached copies of these paths, in batches. Does nothing without
    CDN_DISTRIBUTION_ID. Returns the invalidation ids."""
    distribution_id = settings.CDN_DISTRIBUTION_ID
    if not distribution_id or not paths:
        return []
    client = cloudfront_client()
    ids = []
    for start in range(0, len(paths), CDN_INVALIDATION_BATCH):
        batch = paths[start : start + CDN_INVALIDATION_BATCH]
        response = client.create_invalidation(
            DistributionId=distribution_id,
            InvalidationBatch={
                "Paths": {"Quantity": len(batch), "Items": batch},
                # Unique per request: CloudFront treats a repeated reference as the same invalidation.
                "CallerReference": f"bds-{uuid.uuid4().hex}",
            },
        )
        ids.append(response["Invalidation"]["Id"])
    logger.info("CDN invalidation %s for %s path(s)", ", ".join(ids), len(paths))
    return ids
