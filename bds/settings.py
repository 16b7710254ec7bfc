"""Boston Drone School settings.

One file for every environment, read top to bottom: Django and the school's own policies first,
then one section per external system (docs/ARCHITECTURE.md; the systems and their variables are
in README.md, "Configuration"), each setting assigned once. Every value comes from the environment (see the table in
README.md, "Configuration"); when a variable is unset the embedded development default applies
(SQLite, local-memory cache, files in media/, console email, eager jobs, offline payments).

With DEBUG off the process refuses to start while a production secret is missing, naming the
variable, instead of silently running on a development value.
"""

import hashlib
import sys
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.templatetags.static import static
from django.utils.csp import CSP

from bds.env import env, envbool, envfloat, envint, envlist

BASE_DIR = Path(__file__).resolve().parent.parent


DEBUG = envbool("DEBUG", "true")
TESTING = "pytest" in sys.modules or (len(sys.argv) > 1 and sys.argv[1] == "test")


def required_in_production(name: str, dev_default: str = "") -> str:
    """The variable's value; in production (DEBUG off) a missing one stops the process."""
    value = env(name)
    if value:
        return value
    if not DEBUG:
        raise ImproperlyConfigured(
            f"{name} is not set. It is required when DEBUG is off; see README.md, Configuration."
        )
    return dev_default


# -- Django core ----------------------------------------------------------------------------------

SECRET_KEY = required_in_production("SECRET_KEY", "django-insecure-development-only-key")
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS") or (
    ["localhost", "127.0.0.1", "[::1]", "testserver"] if DEBUG else [urlsplit(SITE_URL).hostname]
)
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS") or (
    [] if DEBUG else [f"{urlsplit(SITE_URL).scheme}://{urlsplit(SITE_URL).netloc}"]
)

# Lower floors first (docs/ARCHITECTURE.md): core, the apps, then the pages that compose them.
INSTALLED_APPS = [
    # The admin theme: its templates shadow django.contrib.admin's, so it comes first; the basic config
    # leaves admin.site alone (the default one would replace the school's site with its own).
    "unfold.apps.BasicAppConfig",
    "backoffice.apps.SchoolAdminConfig",  # django.contrib.admin, with the school's admin site
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    "django.contrib.postgres",  # the course search GIN index; harmless on SQLite
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "anymail",
    "storages",
    "corsheaders",
    "ninja",  # its bundled Redoc, served from our own static files for /api/v1/docs (no CDN)
    "core",  # ground-floor plumbing: mail and its delivery task, storage, task base, caches
    "accounts",
    "policies",  # versioned terms, privacy and refund policies, and who accepted which
    "courses",
    "enrollments",
    "lessons",
    "payments",
    "flights",
    "reviews",
    "pages",
    "dashboard",
    "api",
    "backoffice",
    "bds",  # project wiring: management commands (doctor, package_graph), no models
]

MIDDLEWARE = [
    "core.request_id.RequestIdMiddleware",
    "core.request_hygiene.RejectNulBytesMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "backoffice.csp.AdminContentSecurityPolicyMiddleware",  # the theme's policy, under /admin/ only
    "core.security_headers.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # Django's AuthenticationMiddleware with the user row read through the cache (accounts/user_cache.py).
    "accounts.user_cache.CachedUserAuthenticationMiddleware",
    "core.private_responses.PrivateForSignedInUsersMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "accounts.middleware.AdminRequiresMFAMiddleware",  # staff and instructors set up MFA first
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "core.database_outage.DatabaseUnavailableMiddleware",
]

ROOT_URLCONF = "bds.urls"
WSGI_APPLICATION = "bds.wsgi.application"
SITE_ID = 1
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.site",
            ],
        },
    },
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "America/New_York"
USE_I18N = True
USE_TZ = True

# Large request bodies are refused before a view runs (webhooks and forms are small).
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# -- accounts and sign-in (django-allauth, MFA) ---------------------------------------------------

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "dashboard"
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_FORMS = {
    "login": "accounts.forms.AccountLoginForm",
    "signup": "policies.forms.PolicySignupForm",  # accounts' sign-up form + accepting the policies
    "add_email": "accounts.forms.ChangeEmailForm",
}
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
# "optional" still sends the confirmation email at sign-up, but lets the new student in to browse;
# checkout and certificates check has_verified_email() (accounts.decorators) instead.
ACCOUNT_EMAIL_VERIFICATION = "optional"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False  # link scanners in mail filters must not confirm addresses
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_CHANGE_EMAIL = True  # one address per account; a change is confirmed before it replaces the old one
ACCOUNT_EMAIL_NOTIFICATIONS = True  # security notices: password changed, email changed, MFA changes
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = None  # ask: "Remember me" on the login form
ACCOUNT_EMAIL_SUBJECT_PREFIX = "Boston Drone School: "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = urlsplit(SITE_URL).scheme or "https"
# Counted in the cache (Redis in production), so every web process shares the same counters.
ACCOUNT_LOGIN_ATTEMPTS_WINDOW_SECONDS = 15 * 60
ACCOUNT_LOGIN_ATTEMPTS_PER_ADDRESS = 5
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    # Failed logins: per client and per address; past the limit even the right password is refused.
    "login_failed": f"20/m/ip,{ACCOUNT_LOGIN_ATTEMPTS_PER_ADDRESS}/{ACCOUNT_LOGIN_ATTEMPTS_WINDOW_SECONDS}s/key",
    "signup": "10/m/ip,30/h/ip",
    "reset_password": "10/m/ip,3/5m/key",
    "reset_password_from_key": "20/m/ip",
    "confirm_email": "1/3m/key",  # resend confirmation: one email per address every 3 minutes
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
    "reauthenticate": "10/m/user",
}
# Per-client rate limits need the client's address: in production the platform's proxy appends it
# to X-Forwarded-For (the right-most entry, which a client cannot forge); locally REMOTE_ADDR is it.
# How many proxies append to the header in front of the app (Render: one; add one for a CDN in
# front of it). accounts/client_address.py reads the client from that many entries from the right,
# for allauth's lockout, the API throttles and waivers alike.
ALLAUTH_TRUSTED_PROXY_COUNT = envint("TRUSTED_PROXY_COUNT", "0" if DEBUG else "1")
# Staff and instructor accounts are made in admin or by createsuperuser, without a confirmed
# EmailAddress row; they must still be able to set up MFA before using /admin/.
MFA_ALLOW_UNVERIFIED_EMAIL = True
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Boston Drone School"
ACCOUNTS_MFA_REQUIRED_GROUPS = ["Instructors"]  # besides every is_staff user

# -- the back office (Django admin with the django-unfold theme) -----------------------------------
# The sidebar is built per request by backoffice/sidebar.py: grouped by job, each link shown only to
# users whose admin would open it. Colours are the site's (static/css/site.css): navy and sky blue.

UNFOLD = {
    "SITE_TITLE": "Boston Drone School admin",
    "SITE_HEADER": "Boston Drone School",
    "SITE_SUBHEADER": "Back office",
    "SITE_URL": "/",
    "SITE_ICON": lambda request: static("img/favicon.svg"),  # the mark; the name is next to it
    "SITE_FAVICONS": [{"rel": "icon", "type": "image/svg+xml", "href": lambda request: static("img/favicon.svg")}],
    "SHOW_HISTORY": True,
    "SHOW_VIEW_ON_SITE": True,
    "BORDER_RADIUS": "8px",
    # The school's own pages (dashboard, reports, bulk email, refund review...) in the theme's look.
    "STYLES": [lambda request: static("css/admin-pages.css")],
    "SCRIPTS": [lambda request: static("js/admin-a11y.js")],  # screen-reader fixes to Django's widgets
    "COLORS": {
        "primary": {
            "50": "#eef5fc",
            "100": "#d9e8f7",
            "200": "#b7d3ef",
            "300": "#86b5e2",
            "400": "#7cc4ff",
            "500": "#5aa7e6",
            "600": "#0b4f8a",
            "700": "#083b68",
            "800": "#12325a",
            "900": "#0c2340",
            "950": "#07162a",
        },
    },
    "SIDEBAR": {
        "show_search": True,
        "show_all_applications": False,
        "navigation": "backoffice.sidebar.navigation",
    },
}

# -- the school's own policies (not deployment config, so not in render.yaml: change them here) ---

SCHOOL_NAME = "Boston Drone School"
# Printed in the footer of every email (CAN-SPAM wants a postal address in commercial mail).
SCHOOL_POSTAL_ADDRESS = "Boston Drone School, 27 Drydock Avenue, Suite 4, Boston, MA 02210"
# Students may move to another session until this many hours before their session starts.
FLIGHTS_CHANGE_DEADLINE_HOURS = 48
# An unpaid checkout holds its coupon redemption this long; then the reconcile job cancels it and
# frees the redemption for a student who pays (Stripe's own card form times out well before this).
PAYMENTS_COUPON_HOLD_SECONDS = 3600

# -- 1. PostgreSQL --------------------------------------------------------------------------------

# dj_database_url.config() returns {} when DATABASE_URL is unset, so the SQLite default is explicit.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=0 if DEBUG else 600,
        conn_health_checks=True,
        ssl_require=env("PGSSLMODE") == "require",
    )
}
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    # Fail fast while the database is away (a 503 page), instead of tying up a worker.
    DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = 3
    if env("PGSSLMODE"):
        DATABASES["default"]["OPTIONS"]["sslmode"] = env("PGSSLMODE")
if not DEBUG and not env("DATABASE_URL"):
    raise ImproperlyConfigured(
        "DATABASE_URL is not set. It is required when DEBUG is off; see README.md, Configuration."
    )

# -- 2. Stripe ------------------------------------------------------------------------------------

STRIPE_API_KEY = env("STRIPE_API_KEY")
STRIPE_PUBLISHABLE_KEY = env("STRIPE_PUBLISHABLE_KEY")
STRIPE_WEBHOOK_SECRET = env("STRIPE_WEBHOOK_SECRET")
STRIPE_API_BASE = env("STRIPE_API_BASE")
# No Stripe key: the clearly labelled offline test mode drives the same payment services.
PAYMENTS_OFFLINE_MODE = not STRIPE_API_KEY
if not DEBUG:
    for _name in ("STRIPE_API_KEY", "STRIPE_PUBLISHABLE_KEY", "STRIPE_WEBHOOK_SECRET"):
        required_in_production(_name)
elif STRIPE_API_KEY and not STRIPE_WEBHOOK_SECRET:
    raise ImproperlyConfigured("STRIPE_WEBHOOK_SECRET is not set. It is required when STRIPE_API_KEY is set.")
# Short network limits: a student waiting on checkout gets a "try again" page in seconds, not minutes.
# Fixed values, not environment variables (README.md, "Configuration", lists those).
STRIPE_TIMEOUT_SECONDS = 10.0
STRIPE_MAX_NETWORK_RETRIES = 1
# Webhook bodies are small JSON documents; anything bigger is refused before it is read.
STRIPE_WEBHOOK_MAX_BYTES = 64 * 1024
# Stripe sends a body at once; one still arriving after this long is refused (408), so a slow or
# hostile client holds a server thread for these seconds at most (core/request_body.py).
STRIPE_WEBHOOK_BODY_SECONDS = 5

# -- 3. Secrets: JWT signing key and the JSON API -------------------------------------------------


def _jwt_secret() -> str:
    """JWT_SECRET; production refuses to start without it. In development a key derived from the
    (development) SECRET_KEY: stable across runserver reloads and every manage.py call, so tokens keep
    working and nothing warns on each command (issue 22's first-run noise)."""
    secret = required_in_production("JWT_SECRET")
    if secret:
        if len(secret) < 32:
            raise ImproperlyConfigured("JWT_SECRET must be at least 32 characters (16 random bytes, hex-encoded).")
        return secret
    return hashlib.sha256(f"bds-development-jwt:{SECRET_KEY}".encode()).hexdigest()


JWT_SECRET = _jwt_secret()
APP_SIGNING_KEY_ID = env("APP_SIGNING_KEY_ID", "dev")
# Requests per minute; ninja's throttles keep the counters in the cache (Redis in production).
API_RATE_LIMIT_PER_IP = env("API_RATE_LIMIT_PER_IP", "300/m")
API_RATE_LIMIT_PER_USER = env("API_RATE_LIMIT_PER_USER", "120/m")
API_RATE_LIMIT_LOGIN = env("API_RATE_LIMIT_LOGIN", "10/m")
# Browsers may call the API only from these origins (the mobile app needs no CORS).
CORS_ALLOWED_ORIGINS = envlist("API_CORS_ALLOWED_ORIGINS")
CORS_URLS_REGEX = r"^/api/.*$"
# Previous keys, accepted for verification only while tokens signed with them expire (rotation).
JWT_PREVIOUS_SECRETS = envlist("JWT_PREVIOUS_SECRETS")

# -- 4. Transactional email -----------------------------------------------------------------------

EMAIL_PROVIDER = required_in_production("EMAIL_PROVIDER", "console")
EMAIL_API_KEY = env("EMAIL_API_KEY")
EMAIL_FROM_ADDRESS = env("EMAIL_FROM_ADDRESS", "Boston Drone School <hello@bostondroneschool.test>")
EMAIL_REPLY_TO = env("EMAIL_REPLY_TO")
DEFAULT_FROM_EMAIL = EMAIL_FROM_ADDRESS
SERVER_EMAIL = EMAIL_FROM_ADDRESS

_ANYMAIL_API_KEY_OPTION = {
    "sendgrid": "api_key",
    "postmark": "server_token",
    "mailgun": "api_key",
    "resend": "api_key",
}


def _mailers() -> dict:
    """Django 6.1 MAILERS for EMAIL_PROVIDER."""
    if EMAIL_PROVIDER == "console":
        # Readable: the text body decoded, links on one line (core/console_email.py).
        return {"default": {"BACKEND": "core.console_email.ReadableConsoleEmailBackend"}}
    elif EMAIL_PROVIDER == "smtp":
        if not env("EMAIL_HOST"):
            raise ImproperlyConfigured("EMAIL_HOST is not set. It is required when EMAIL_PROVIDER=smtp.")
        return {
            "default": {
                "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "OPTIONS": {
                    "host": env("EMAIL_HOST"),
                    "port": envint("EMAIL_PORT", "587"),
                    "username": env("EMAIL_HOST_USER") or None,
                    "password": env("EMAIL_HOST_PASSWORD") or None,
                    "use_tls": envbool("EMAIL_USE_TLS", "true"),
                    "timeout": 10,
                },
            }
        }
    elif EMAIL_PROVIDER in _ANYMAIL_API_KEY_OPTION:
        if not EMAIL_API_KEY:
            raise ImproperlyConfigured(
                f"EMAIL_API_KEY is not set. It is required when EMAIL_PROVIDER={EMAIL_PROVIDER}."
            )
        return {
            "default": {
                "BACKEND": f"anymail.backends.{EMAIL_PROVIDER}.EmailBackend",
                "OPTIONS": {_ANYMAIL_API_KEY_OPTION[EMAIL_PROVIDER]: EMAIL_API_KEY},
            }
        }
    elif EMAIL_PROVIDER == "amazon_ses":
        # Amazon SES authenticates with the AWS credentials (boto3), not an API key.
        return {"default": {"BACKEND": "anymail.backends.amazon_ses.EmailBackend"}}
    else:
        raise ImproperlyConfigured(
            "EMAIL_PROVIDER must be one of console, smtp, sendgrid, postmark, mailgun, resend, amazon_ses; "
            f"not {EMAIL_PROVIDER!r}."
        )


MAILERS = _mailers()

# The provider's bounce/complaint webhook at /anymail/ is protected by basic auth; without it anyone
# could mark addresses undeliverable, so production with an API provider requires it.
if EMAIL_PROVIDER in {*_ANYMAIL_API_KEY_OPTION, "amazon_ses"}:
    required_in_production("EMAIL_WEBHOOK_SECRET")
ANYMAIL = {"WEBHOOK_SECRET": env("EMAIL_WEBHOOK_SECRET")} if env("EMAIL_WEBHOOK_SECRET") else {}
# An email being sent holds a lock this long; after delivery a marker stops any resend of the same key.
EMAIL_SENDING_LOCK_SECONDS = 120
EMAIL_SENT_MARKER_TTL_SECONDS = 60 * 60 * 24 * 30

# -- 5. Object storage (S3) -----------------------------------------------------------------------

MEDIA_URL = "/media/"
MEDIA_ROOT = BASE_DIR / "media"
STORAGE_PROVIDER = env("STORAGE_PROVIDER", "local")
AWS_S3_BUCKET = env("AWS_S3_BUCKET")
AWS_REGION = env("AWS_REGION", "us-east-1")
AWS_ACCESS_KEY_ID = env("AWS_ACCESS_KEY_ID")
AWS_SECRET_ACCESS_KEY = env("AWS_SECRET_ACCESS_KEY")
AWS_S3_ENDPOINT_URL = env("AWS_S3_ENDPOINT_URL")
S3_CDN_BASE_URL = env("S3_CDN_BASE_URL").rstrip("/")
# Private files (videos, materials, certificates) are handed out as signed URLs this short-lived.
PRIVATE_URL_EXPIRY_SECONDS = 900

if STORAGE_PROVIDER == "aws_s3":
    for _name in ("AWS_S3_BUCKET", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        if not env(_name):
            raise ImproperlyConfigured(f"{_name} is not set. It is required when STORAGE_PROVIDER=aws_s3.")
    _s3_common = {
        "bucket_name": AWS_S3_BUCKET,
        "region_name": AWS_REGION,
        "access_key": AWS_ACCESS_KEY_ID,
        "secret_key": AWS_SECRET_ACCESS_KEY,
        "endpoint_url": AWS_S3_ENDPOINT_URL or None,
        "signature_version": "s3v4",
        "file_overwrite": False,
    }
    _public_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": _s3_common
        | {
            "location": "public",
            "querystring_auth": False,
            "custom_domain": urlsplit(S3_CDN_BASE_URL).netloc if S3_CDN_BASE_URL else None,
            "object_parameters": {"CacheControl": "public, max-age=31536000, immutable"},
        },
    }
    _private_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": _s3_common
        | {"location": "private", "querystring_auth": True, "querystring_expire": PRIVATE_URL_EXPIRY_SECONDS},
    }
elif STORAGE_PROVIDER == "local":
    _public_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    # Outside MEDIA_URL on purpose: local private files are streamed only by a view that checks access.
    _private_storage = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": BASE_DIR / "media" / "private", "base_url": "/private-media/"},
    }
else:
    raise ImproperlyConfigured(f"STORAGE_PROVIDER must be 'local' or 'aws_s3', not {STORAGE_PROVIDER!r}.")

# Direct uploads of lesson videos and materials (lessons/uploads.py, docs/S3.md): browsers upload
# straight to the bucket with S3 multipart uploads; the web process never holds the file.
LESSON_VIDEO_MAX_BYTES = envint("LESSON_VIDEO_MAX_BYTES", str(5 * 1024**3))
MATERIAL_MAX_BYTES = envint("MATERIAL_MAX_BYTES", str(200 * 1024**2))
# Part size of a multipart upload (S3's minimum is 5 MiB, its maximum part count 10,000): grown per
# upload when a file would need more parts. One lost connection costs at most one part.
MEDIA_UPLOAD_PART_BYTES = 8 * 1024**2
# Presigned part URLs live this long; the widget asks for fresh ones when they expire mid-upload.
MEDIA_UPLOAD_URL_EXPIRY_SECONDS = 3600
# The signed token handed out with an upload resumes it and may be saved on a form for this long...
MEDIA_UPLOAD_TOKEN_MAX_AGE_SECONDS = 20 * 3600
# ...and unfinished uploads (and finished ones no row names) older than this are removed by the
# hourly job below; it exceeds the token's age so a key is never deleted while still savable.
MEDIA_ORPHAN_UPLOAD_MAX_AGE_SECONDS = 24 * 3600
# Adaptive streaming (lessons/services/renditions.py, docs/S3.md): after an upload the worker makes
# HLS renditions of these heights (capped at the source's). Empty turns renditions off: students
# then get the uploaded MP4, as before.
VIDEO_RENDITION_HEIGHTS = [int(height) for height in envlist("VIDEO_RENDITION_HEIGHTS", "360,720,1080")]

# -- 6. CDN: static files, public media, CloudFront -----------------------------------------------

CDN_BASE_URL = env("CDN_BASE_URL").rstrip("/")
CDN_PROVIDER = env("CDN_PROVIDER")
CDN_DISTRIBUTION_ID = env("CDN_DISTRIBUTION_ID")
STATIC_URL = f"{CDN_BASE_URL}/static/" if CDN_BASE_URL else "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
WHITENOISE_MAX_AGE = 31536000 if not DEBUG else 0
# Development serves straight from static/ (no collectstatic); decided at start-up, not per test.
WHITENOISE_AUTOREFRESH = DEBUG
WHITENOISE_USE_FINDERS = DEBUG
# With a CloudFront key pair, private files are served from the CDN host as CloudFront signed URLs
# instead of S3 presigned URLs. The private key is PEM; "\n" escapes are accepted for one-line env vars.
CLOUDFRONT_KEY_ID = env("CLOUDFRONT_KEY_ID")
CLOUDFRONT_PRIVATE_KEY = env("CLOUDFRONT_PRIVATE_KEY").replace("\\n", "\n")
if bool(CLOUDFRONT_KEY_ID) != bool(CLOUDFRONT_PRIVATE_KEY):
    raise ImproperlyConfigured("CLOUDFRONT_KEY_ID and CLOUDFRONT_PRIVATE_KEY must be set together.")
if CLOUDFRONT_KEY_ID and STORAGE_PROVIDER == "aws_s3":
    if not S3_CDN_BASE_URL:
        raise ImproperlyConfigured("S3_CDN_BASE_URL is not set. It is required when CLOUDFRONT_KEY_ID is set.")
    _private_storage["OPTIONS"] |= {
        "cloudfront_key_id": CLOUDFRONT_KEY_ID,
        "cloudfront_key": CLOUDFRONT_PRIVATE_KEY,
        "custom_domain": urlsplit(S3_CDN_BASE_URL).netloc,
    }

STORAGES = {
    "default": _public_storage,
    "private": _private_storage,
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# -- 7. Monitoring and logging --------------------------------------------------------------------

LOG_LEVEL = env("LOG_LEVEL", "INFO").upper()
SENTRY_DSN = env("SENTRY_DSN")
SENTRY_TRACES_SAMPLE_RATE = envfloat("SENTRY_TRACES_SAMPLE_RATE", "0.0")
NEW_RELIC_LICENSE_KEY = env("NEW_RELIC_LICENSE_KEY")
# Render provides the deployed commit; Sentry uses it as the release.
RELEASE = env("RENDER_GIT_COMMIT") or "development"
ENVIRONMENT_NAME = "development" if DEBUG else "production"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_context": {"()": "core.request_id.RequestContextFilter"}},
    "formatters": {
        "human": {"format": "%(asctime)s %(levelname)-7s %(name)s [%(request_id)s] %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s %(user_id)s %(path)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "filters": ["request_context"],
            "formatter": "human" if DEBUG else "json",
        }
    },
    "root": {"handlers": ["stdout"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # Expected 4xx responses are not worth a warning line each.
        "django.request": {"level": "ERROR"},
    },
}

if SENTRY_DSN:
    from core.monitoring import sentry_init

    sentry_init(
        dsn=SENTRY_DSN, release=RELEASE, environment=ENVIRONMENT_NAME, traces_sample_rate=SENTRY_TRACES_SAMPLE_RATE
    )

# -- 8. Cache and sessions (Redis) ----------------------------------------------------------------

REDIS_URL = env("REDIS_URL")
CACHE_TTL_SECONDS = envint("CACHE_TTL_SECONDS", "300")
CACHES = {
    "default": {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": REDIS_URL,
        "TIMEOUT": CACHE_TTL_SECONDS,
        "OPTIONS": {
            # Fail fast when Redis is away: pages degrade to "no cache", they do not hang.
            "SOCKET_CONNECT_TIMEOUT": 1,
            "SOCKET_TIMEOUT": 1,
        },
    }
    if REDIS_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "TIMEOUT": CACHE_TTL_SECONDS}
}
# A Redis outage must not take the site down: cache errors are logged and treated as misses.
DJANGO_REDIS_IGNORE_EXCEPTIONS = True
DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
# cached_db: reads come from the cache, the database keeps sessions across a Redis restart.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# -- 9. Background jobs (Celery on Redis) ---------------------------------------------------------
# Tasks are found by autodiscovery: each installed app's tasks.py (bds/celery.py).

# With no Redis, tasks run eagerly; the in-memory broker is named with a host so kombu does not warn.
CELERY_BROKER_URL = REDIS_URL or "memory://localhost/"
CELERY_RESULT_BACKEND = None
# Without a broker (the embedded default) every task runs in-process, so `make run` needs nothing.
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True  # a worker killed mid-task leaves the message for the next one
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
# Worker logs go through LOGGING above (JSON in production), not Celery's own format.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# With late acks, a task running when the broker connection drops is redelivered; stop it here.
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True
# Transient failures retry after ~5 s, 10 s, 20 s ... capped at 10 minutes, 8 times (about 40 minutes
# in all), which rides out a provider incident without hammering it (core/tasks.py).
TASK_MAX_RETRIES = 8
TASK_RETRY_BACKOFF_SECONDS = 5
TASK_RETRY_BACKOFF_MAX_SECONDS = 600
# Every scheduled job (one beat process runs them, see render.yaml).
CELERY_BEAT_SCHEDULE = {
    # Unfinished uploads and files no row names, older than MEDIA_ORPHAN_UPLOAD_MAX_AGE_SECONDS.
    "media-orphan-uploads-clean": {"task": "lessons.upload_tasks.media_orphans_clean_task", "schedule": 3600.0},
    # Safety nets: failed webhook processing is retried, and payments no webhook settled are re-read.
    "payments-stripe-events-retry": {"task": "payments.tasks.stripe_events_retry", "schedule": 600},
    "payments-reconcile": {"task": "payments.tasks.payments_reconcile", "schedule": 900},
    # The 48 h and 24 h reminders (each sent once per booking, see flights.services).
    "flights-send-reminders": {"task": "flights.tasks.flight_reminders_send", "schedule": 15 * 60.0},
    # The staff dashboard's numbers, recomputed and cached so the admin index never waits for them.
    "admin-dashboard-refresh": {
        "task": "bds.admin_dashboard.dashboard_refresh_task",
        "schedule": float(max(60, CACHE_TTL_SECONDS // 2)),
    },
    # Part 107 recurrent-training reminders, 60 and 30 days before the deadline: once a day at
    # 13:00 UTC (Celery's clock), a Boston morning.
    "enrollments-recurrent-reminders": {
        "task": "enrollments.tasks.recurrent_reminders_send",
        "schedule": crontab(hour=13, minute=0),
    },
}
# /readyz fails (503) past these, so uptime monitors page someone: the worker is down or stuck.
READYZ_MAX_QUEUE_BACKLOG = 500
READYZ_MAX_STRIPE_EVENT_AGE_SECONDS = 15 * 60

# -- Security headers (after storage and CDN: the content policy names their origins) -------------

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = not DEBUG
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
SECURE_HSTS_SECONDS = 0 if DEBUG else 63072000
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
PERMISSIONS_POLICY = 'camera=(), microphone=(), geolocation=(), payment=(self "https://js.stripe.com")'
# Static files (scripts, styles, fonts, images) come from the CDN when CDN_BASE_URL is set, so the
# policy must name it for each kind of static file; media may also come from S3 or its CDN.
_static_origins = [CDN_BASE_URL] if CDN_BASE_URL else []
_media_origins = [url for url in (CDN_BASE_URL, S3_CDN_BASE_URL, AWS_S3_ENDPOINT_URL) if url]
if STORAGE_PROVIDER == "aws_s3" and not AWS_S3_ENDPOINT_URL:
    _media_origins.append(f"https://{AWS_S3_BUCKET}.s3.{AWS_REGION}.amazonaws.com")
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE, *_static_origins, "https://js.stripe.com"],
    "style-src": [CSP.SELF, *_static_origins],
    "img-src": [CSP.SELF, "data:", *_media_origins],
    "media-src": [CSP.SELF, "blob:", *_media_origins],
    "font-src": [CSP.SELF, *_static_origins],
    "connect-src": [CSP.SELF, "https://api.stripe.com", *_media_origins],
    "frame-src": ["https://js.stripe.com", "https://hooks.stripe.com"],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}
