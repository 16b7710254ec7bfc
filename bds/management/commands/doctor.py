"""`manage.py doctor`: check a deployment's configuration and every external system it talks to.

Prints one line per check (ok / warn / FAIL) and what to do about a failure. Never prints a
secret: values are shown only as "set" or by a non-secret property (key mode, host name).
Exit status 1 when any check fails, so a deploy script or an operator's shell can act on it.
"""

import shutil
import smtplib
from collections.abc import Callable
from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import cache
from django.core.management.base import BaseCommand
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

OK, WARN, FAIL = "ok", "warn", "FAIL"


class Check:
    def __init__(self, name: str, status: str, detail: str):
        self.name, self.status, self.detail = name, status, detail


def check_configuration() -> list[Check]:
    results = []
    if settings.DEBUG:
        results.append(Check("configuration", WARN, "DEBUG is on: development defaults are in use"))
    else:
        results.append(Check("configuration", OK, "DEBUG is off; every required secret is set"))
    site = urlsplit(settings.SITE_URL)
    if site.scheme != "https" and not settings.DEBUG:
        results.append(Check("site url", FAIL, f"SITE_URL should be https, not {site.scheme}"))
    else:
        results.append(Check("site url", OK, f"{site.scheme}://{site.netloc}"))
    return results


def check_database() -> list[Check]:
    try:
        connection.ensure_connection()
        version = ".".join(str(part) for part in connection.get_database_version())
        vendor = f"{connection.display_name} {version}"
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except Exception as error:  # noqa: BLE001 - any failure is reported, not raised
        return [Check("database", FAIL, f"cannot connect: {type(error).__name__}: check DATABASE_URL, PGSSLMODE")]
    if pending:
        return [
            Check("database", WARN, f"{vendor}: {len(pending)} migration(s) not applied (scripts/run_migrations.sh up)")
        ]
    return [Check("database", OK, f"{vendor}: reachable, migrations applied")]


def check_cache() -> list[Check]:
    backend = settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]
    cache.set("doctor:probe", "1", 10)
    if cache.get("doctor:probe") != "1":
        return [Check("cache", FAIL, f"{backend}: cannot write and read back: check REDIS_URL")]
    if not settings.REDIS_URL:
        return [Check("cache", WARN, "local memory: sessions, rate limits and jobs are per process (set REDIS_URL)")]
    return [Check("cache", OK, f"{backend}: reachable")]


def check_storage() -> list[Check]:
    if settings.STORAGE_PROVIDER != "aws_s3":
        return [Check("storage", WARN, "local files under media/ (set STORAGE_PROVIDER=aws_s3 in production)")]
    import boto3
    from botocore.exceptions import BotoCoreError, ClientError

    client = boto3.client(
        "s3",
        region_name=settings.AWS_REGION,
        endpoint_url=settings.AWS_S3_ENDPOINT_URL or None,
        aws_access_key_id=settings.AWS_ACCESS_KEY_ID,
        aws_secret_access_key=settings.AWS_SECRET_ACCESS_KEY,
    )
    results = []
    try:
        client.head_bucket(Bucket=settings.AWS_S3_BUCKET)
        results.append(Check("storage", OK, f"bucket {settings.AWS_S3_BUCKET} reachable"))
    except (BotoCoreError, ClientError) as error:
        return [Check("storage", FAIL, f"bucket {settings.AWS_S3_BUCKET}: {type(error).__name__}: check AWS_* keys")]
    try:
        rules = client.get_bucket_cors(Bucket=settings.AWS_S3_BUCKET)["CORSRules"]
    except ClientError:
        rules = []
    site_origin = f"{urlsplit(settings.SITE_URL).scheme}://{urlsplit(settings.SITE_URL).netloc}"
    allows_uploads = any(
        "PUT" in rule.get("AllowedMethods", []) and {"*", site_origin} & set(rule.get("AllowedOrigins", []))
        for rule in rules
    )
    if allows_uploads:
        results.append(Check("storage cors", OK, f"browser uploads allowed from {site_origin}"))
    else:
        results.append(Check("storage cors", FAIL, f"no CORS rule allows PUT from {site_origin} (direct uploads)"))
    return results


def check_stripe() -> list[Check]:
    if settings.PAYMENTS_OFFLINE_MODE:
        return [Check("stripe", WARN, "no STRIPE_API_KEY: payments run in offline test mode")]
    import stripe

    mode = "live" if settings.STRIPE_API_KEY.startswith(("sk_live", "rk_live")) else "test"
    client = stripe.StripeClient(
        settings.STRIPE_API_KEY,
        base_addresses={"api": settings.STRIPE_API_BASE} if settings.STRIPE_API_BASE else {},
        max_network_retries=0,
    )
    try:
        endpoints = client.v1.webhook_endpoints.list()
    except stripe.StripeError as error:
        return [Check("stripe", FAIL, f"{mode} key rejected or API unreachable: {type(error).__name__}")]
    wanted = f"{settings.SITE_URL}/payments/confirm"
    results = [Check("stripe", OK if mode == "live" or settings.DEBUG else WARN, f"{mode} mode key accepted")]
    if any(endpoint.url == wanted and endpoint.status == "enabled" for endpoint in endpoints.data):
        results.append(Check("stripe webhook", OK, f"endpoint {wanted} enabled"))
    else:
        results.append(Check("stripe webhook", FAIL, f"no enabled webhook endpoint for {wanted}"))
    return results


def check_email() -> list[Check]:
    provider = settings.EMAIL_PROVIDER
    if provider == "console":
        return [Check("email", WARN, "console: emails are printed, not sent (set EMAIL_PROVIDER)")]
    if provider == "smtp":
        options = settings.MAILERS["default"]["OPTIONS"]
        try:
            with smtplib.SMTP(options["host"], options["port"], timeout=5) as smtp:
                if options.get("use_tls"):
                    smtp.starttls()
                if options.get("username"):
                    smtp.login(options["username"], options["password"] or "")
        except (OSError, smtplib.SMTPException) as error:
            return [Check("email", FAIL, f"smtp {options['host']}:{options['port']}: {type(error).__name__}")]
        return [Check("email", OK, f"smtp {options['host']}:{options['port']} accepted the login")]
    return [Check("email", OK, f"{provider} via Anymail, from {settings.EMAIL_FROM_ADDRESS}")]


def check_monitoring() -> list[Check]:
    if not settings.SENTRY_DSN:
        return [Check("sentry", WARN, "SENTRY_DSN not set: errors are only in the logs")]
    host = urlsplit(settings.SENTRY_DSN).hostname
    return [Check("sentry", OK, f"reporting to {host}, traces sampled at {settings.SENTRY_TRACES_SAMPLE_RATE}")]


def check_video_tools() -> list[Check]:
    """The worker reads each uploaded video's duration and poster, and makes its HLS renditions, with
    ffprobe and ffmpeg; without them lessons still play their MP4, with no duration or poster."""
    missing = [tool for tool in ("ffmpeg", "ffprobe") if not shutil.which(tool)]
    if missing:
        return [
            Check(
                "video tools",
                WARN,
                f"{' and '.join(missing)} not on PATH: uploaded videos get no duration, poster or HLS renditions "
                "(run this on the worker; docs/S3.md)",
            )
        ]
    heights = ", ".join(f"{height}p" for height in settings.VIDEO_RENDITION_HEIGHTS) or "off"
    return [Check("video tools", OK, f"ffmpeg and ffprobe found; HLS renditions: {heights}")]


CHECKS: list[Callable[[], list[Check]]] = [
    check_configuration,
    check_database,
    check_cache,
    check_storage,
    check_stripe,
    check_email,
    check_monitoring,
    check_video_tools,
]


class Command(BaseCommand):
    help = "Check this deployment's configuration and every external system; never prints secrets."

    def handle(self, *args, **options):
        results = [result for check in CHECKS for result in check()]
        width = max(len(result.name) for result in results)
        style = {OK: self.style.SUCCESS, WARN: self.style.WARNING, FAIL: self.style.ERROR}
        for result in results:
            self.stdout.write(
                f"{style[result.status](result.status.ljust(4))}  {result.name.ljust(width)}  {result.detail}"
            )
        failures = sum(result.status == FAIL for result in results)
        self.stdout.write(f"\n{failures} failing, {sum(r.status == WARN for r in results)} warnings.")
        if failures:
            raise SystemExit(1)
