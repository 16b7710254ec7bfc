"""docs/S3.md's JSON documents are what S3 accepts: the lifecycle and CORS rules are applied to the
moto bucket and read back."""

import json
import re
from pathlib import Path

import pytest

from tests.media.conftest import BUCKET

DOC = Path(__file__).resolve().parents[2] / "docs" / "S3.md"


@pytest.fixture(scope="module")
def documents() -> list[dict]:
    return [json.loads(block) for block in re.findall(r"```json\n(.*?)```", DOC.read_text(), flags=re.S)]


def test_lifecycle_policy_is_accepted_and_says_what_the_seed_asks(s3, documents):
    lifecycle = next(doc for doc in documents if "Rules" in doc)
    s3.put_bucket_lifecycle_configuration(Bucket=BUCKET, LifecycleConfiguration=lifecycle)
    rules = {rule["ID"]: rule for rule in s3.get_bucket_lifecycle_configuration(Bucket=BUCKET)["Rules"]}
    assert rules["abort-incomplete-multipart-uploads"]["AbortIncompleteMultipartUpload"] == {"DaysAfterInitiation": 2}
    assert rules["expire-noncurrent-versions"]["NoncurrentVersionExpiration"]["NoncurrentDays"] == 30


def test_cors_allows_put_from_the_site_and_exposes_the_etag(s3, documents):
    cors = next(doc for doc in documents if "CORSRules" in doc)
    s3.put_bucket_cors(Bucket=BUCKET, CORSConfiguration=cors)
    [rule] = s3.get_bucket_cors(Bucket=BUCKET)["CORSRules"]
    assert "PUT" in rule["AllowedMethods"]
    assert rule["ExposeHeaders"] == ["ETag"]
    assert all(origin.startswith("https://") for origin in rule["AllowedOrigins"])


def test_iam_policy_grants_what_the_pipeline_calls(documents):
    policy = next(doc for doc in documents if "Statement" in doc)
    actions = {action for statement in policy["Statement"] for action in statement["Action"]}
    assert actions >= {
        "s3:AbortMultipartUpload",
        "s3:ListMultipartUploadParts",
        "s3:ListBucketMultipartUploads",
        "s3:DeleteObject",
        "cloudfront:CreateInvalidation",
    }
