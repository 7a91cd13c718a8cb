"""Settings for CME Ledger, read only from the environment.

Every default works on a fresh clone: SQLite under ``data/``, local file storage,
e-mails saved under ``data/mail/``. See docs/operations.md for the production variables.
"""

from __future__ import annotations

from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured

from cmeledger.lib.env import envbool, envint, envlist, envstr
from cmeledger.lib.queues import Queue

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(envstr("DATA_DIR", str(BASE_DIR / "data")))

DEBUG = envbool("DEBUG", False)
SECRET_KEY = envstr("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set it in the environment (make run creates one in "
            "data/secret_key), or set DEBUG=1 for local development."
        )
    SECRET_KEY = "insecure-development-key-only-used-with-DEBUG"

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", [])
# The address links in e-mails, share links and the calendar point at; on one machine it
# follows the port `make run` serves on (PORT), so `PORT=9000 make run` links to :9000.
SITE_URL = envstr("SITE_URL") or f"http://127.0.0.1:{envint('PORT', 8000)}"
SITE_NAME = "CME Ledger"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "csp",
    "ninja",  # serves the API docs' Swagger UI from our own static files, not a CDN
    "cmeledger.accounts",
    "cmeledger.ledger",
    "cmeledger.requirements",
    "cmeledger.reporting",
    "cmeledger.capture",
    "cmeledger.reports",
    "cmeledger.boards",
    "cmeledger.audits",
    "cmeledger.directcredit",
    "cmeledger.directory",
    "cmeledger.teams",
    "cmeledger.onboarding",
    "cmeledger.portable",
    "cmeledger.backups",
    "cmeledger.periodic",  # runs each app's periodic.py: the jobs `runperiodic` queues
    "cmeledger.api",
    "cmeledger.front",
    # After the project's apps, so the templates in cmeledger/accounts/templates that
    # give allauth's pages the site's look come first.
    "allauth",
    "allauth.account",
    "allauth.mfa",
]

MIDDLEWARE = [
    "cmeledger.lib.request_limit.RequestSizeLimit",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Before any view or the CSRF check reads a body: files only from signed-in people.
    "cmeledger.accounts.middleware.SignedInUploads",
    # After CSRF and sign-in: a page's form fields are read only for those who may post.
    "cmeledger.lib.nul.RefuseNulCharacters",
    "django.contrib.messages.middleware.MessageMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "cmeledger.accounts.twofactor.TwoFactorRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "cmeledger.urls"
# A refused form (expired page, missing cookie) explains itself in the site's layout.
CSRF_FAILURE_VIEW = "cmeledger.front.errors.csrf_failure"
WSGI_APPLICATION = "cmeledger.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "cmeledger.front.context.site",
                "cmeledger.front.navigation.navigation",
            ],
            # Every template writes numbers, dates and plurals the same way without loading
            # them: `|credits`, humanize's `|intcomma`, and i18n's `{% blocktranslate count %}`.
            "builtins": [
                "django.templatetags.i18n",
                "django.contrib.humanize.templatetags.humanize",
                "cmeledger.front.templatetags.numbers",
                "cmeledger.front.templatetags.names",
            ],
        },
    },
]


def _database(url: str) -> dict:
    # Persistent connections are checked before reuse, so a restarted server costs no
    # request an error once it is back.
    config = dj_database_url.parse(
        url, conn_max_age=envint("DB_CONN_MAX_AGE", 0), conn_health_checks=True
    )
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # WAL lets readers and one writer work at once; IMMEDIATE takes the write lock
        # at BEGIN so concurrent writers wait on the busy timeout instead of failing
        # with "database is locked" when a read transaction tries to upgrade.
        config["OPTIONS"] = {
            "timeout": envint("SQLITE_BUSY_TIMEOUT", 30),
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
            " PRAGMA foreign_keys=ON;",
        }
    return config


DATABASE_URL = envstr("DATABASE_URL", f"sqlite:///{DATA_DIR / 'cmeledger.sqlite3'}")
DATABASES = {"default": _database(DATABASE_URL)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# How long imports and the worker wait for a database that went away (a restart, a
# failover) before they give up.
DB_RETRY_SECONDS = envint("DB_RETRY_SECONDS", 120)

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Accounts: django-allauth (docs/decisions.md). People log in with their email; sign-up
# answers "check your email" whether or not the address has an account (the email tells
# the owner), and a link by email confirms the address. Log-in does not wait for the
# confirmation: nothing an organization reports attaches to the account until it comes.
ACCOUNT_ADAPTER = "cmeledger.accounts.adapter.AccountAdapter"
ACCOUNT_FORMS = {
    "login": "cmeledger.accounts.forms.LoginForm",
    "signup": "cmeledger.accounts.forms.SignupForm",
}
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "optional"
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_SESSION_REMEMBER = True
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""  # the subjects name the site themselves
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False  # a reset asked for an unknown address sends nothing
ACCOUNT_EMAIL_CONFIRMATION_EXPIRE_DAYS = envint("EMAIL_CONFIRMATION_DAYS", 3)
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if SITE_URL.startswith("https:") else "http"
# Failed or abusive tries are counted per client address ("ip") and per email ("key")
# in the shared cache below; see docs/operations.md for each limit.
ACCOUNT_RATE_LIMITS = {
    "login": envstr("RATE_LIMIT_LOGIN", "30/m/ip"),
    "login_failed": envstr("RATE_LIMIT_LOGIN_FAILED", "10/m/ip,5/15m/key"),
    "signup": envstr("RATE_LIMIT_SIGNUP", "20/m/ip"),
    "reset_password": envstr("RATE_LIMIT_RESET_PASSWORD", "20/m/ip,5/h/key"),
    "reset_password_from_key": envstr("RATE_LIMIT_RESET_PASSWORD_FROM_KEY", "20/m/ip"),
    "confirm_email": envstr("RATE_LIMIT_CONFIRM_EMAIL", "1/3m/key"),
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
    "reauthenticate": "10/m/user",
}
# The client address for those limits: REMOTE_ADDR unless the operator says how many
# proxies of their own stand in front (then that many hops back in X-Forwarded-For), or
# names the header their proxy sets. A header a client sends itself is never trusted.
ALLAUTH_TRUSTED_PROXY_COUNT = envint("TRUSTED_PROXY_COUNT", 0)
ALLAUTH_TRUSTED_CLIENT_IP_HEADER = envstr("TRUSTED_CLIENT_IP_HEADER") or None

# Two-factor authentication: an authenticator app (TOTP) with recovery codes. Required
# for the roles that see other people's records (cmeledger.accounts.twofactor), unless
# MFA_REQUIRED=0 (development only); optional for clinicians.
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = envstr("MFA_TOTP_ISSUER", SITE_NAME)
MFA_REQUIRED = envbool("MFA_REQUIRED", True)

# Rate limits must be counted in one place for every web process: the database cache
# (migration accounts 0006 creates its table) works on SQLite and PostgreSQL with no
# extra service. A per-process memory cache would let each gunicorn worker count apart.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "cmeledger_cache",
    },
    # Rendered dashboard sections, each process its own (front/overview.py): a restart
    # empties it, so a deploy never shows sections rendered by older code.
    "pages": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "cmeledger-pages",
        "OPTIONS": {"MAX_ENTRIES": 500},
    },
}

LANGUAGE_CODE = "en-us"
# The site's date style ("Feb 28, 2027") for English; cmeledger/formats/en/formats.py.
FORMAT_MODULE_PATH = ["cmeledger.formats"]
TIME_ZONE = envstr("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
MEDIA_ROOT = Path(envstr("MEDIA_ROOT", str(DATA_DIR / "media")))


# Certificates go to an S3-compatible bucket when AWS_STORAGE_BUCKET_NAME is set, else to
# MEDIA_ROOT. django-storages reads its own settings, named as its documentation names
# them; the access keys (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY) it reads from the
# environment itself, so they never sit in the settings module.
AWS_STORAGE_BUCKET_NAME = envstr("AWS_STORAGE_BUCKET_NAME")
AWS_S3_ENDPOINT_URL = envstr("AWS_S3_ENDPOINT_URL") or None  # e.g. http://minio:9000
AWS_S3_REGION_NAME = envstr("AWS_S3_REGION_NAME") or None
AWS_DEFAULT_ACL = None  # the bucket's own policy; objects are never public
AWS_QUERYSTRING_AUTH = True  # downloads go through signed, expiring links
AWS_S3_FILE_OVERWRITE = False
if envstr("STORAGE_URL"):
    # Its parser is gone; ignoring the variable would quietly store certificates on local
    # disk instead of the bucket.
    raise ImproperlyConfigured(
        "STORAGE_URL is no longer read. Set AWS_STORAGE_BUCKET_NAME, AWS_S3_ENDPOINT_URL "
        "(omit it for AWS itself), AWS_S3_REGION_NAME, AWS_ACCESS_KEY_ID and "
        "AWS_SECRET_ACCESS_KEY instead (docs/operations.md), and remove STORAGE_URL."
    )
STORAGES = {
    "default": {"BACKEND": "storages.backends.s3.S3Storage"}
    if AWS_STORAGE_BUCKET_NAME
    else {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(MEDIA_ROOT), "base_url": None},
    },
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"
        if not DEBUG and envbool("COMPRESS_STATIC", True)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# Uploaded certificates: size limit in bytes (default 20 MB).
CERTIFICATE_MAX_BYTES = envint("CERTIFICATE_MAX_BYTES", 20 * 1024 * 1024)
# Certificates one clinician may have waiting for the worker to read (photos and long
# scans); more are refused until these finish, so one person cannot fill the OCR queue.
CAPTURE_MAX_WAITING = envint("CAPTURE_MAX_WAITING", 3)
if CAPTURE_MAX_WAITING < 1:
    raise ImproperlyConfigured(f"CAPTURE_MAX_WAITING must be at least 1; got {CAPTURE_MAX_WAITING}")
# A whole request body (several certificates in one upload); larger ones get 413 unread.
REQUEST_MAX_BYTES = envint("REQUEST_MAX_BYTES", 5 * CERTIFICATE_MAX_BYTES)
# An API batch of 10,000 reported records can reach about 20 MB of JSON.
DATA_UPLOAD_MAX_MEMORY_SIZE = envint("DATA_UPLOAD_MAX_MEMORY_SIZE", 32 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# Pixels an image may have to be decoded (certificate photos and scans, PDF pages drawn
# for previews and OCR): decoding takes 3 to 4 bytes a pixel, so 40 megapixels is about
# 160 MB of worker memory. Checked from the image's header, before decoding.
IMAGE_MAX_PIXELS = envint("IMAGE_MAX_PIXELS", 40_000_000)

# Partner reporting: largest file an organization may submit (a million PARS rows is
# about 200 MB), rows per committed batch, and when a silent job counts as stalled.
REPORTING_MAX_FILE_BYTES = envint("REPORTING_MAX_FILE_BYTES", 1024 * 1024 * 1024)
REPORTING_BATCH_ROWS = envint("REPORTING_BATCH_ROWS", 10_000)
REPORTING_STALL_SECONDS = envint("REPORTING_STALL_SECONDS", 120)
# Paths that take a whole reporting file in one request body.
REPORTING_UPLOAD_PATHS = ("/api/v1/reports/files", "/organization/submissions/new/")
# A board's or state board's roster file (docs/formats/roster.md), read in the request.
ROSTER_MAX_FILE_BYTES = envint("ROSTER_MAX_FILE_BYTES", 20 * 1024 * 1024)

EMAIL_HOST = envstr("EMAIL_HOST")
EMAIL_BACKEND = envstr(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "cmeledger.lib.mail.DevelopmentBackend",
)
# Without an SMTP server each e-mail is saved whole under this folder and announced in
# one log line, so starting the app does not fill the terminal with reminder e-mails.
EMAIL_FILE_PATH = envstr("EMAIL_FILE_PATH", str(DATA_DIR / "mail"))
EMAIL_PORT = envint("EMAIL_PORT", 587)
EMAIL_HOST_USER = envstr("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = envstr("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", True)
DEFAULT_FROM_EMAIL = envstr("DEFAULT_FROM_EMAIL", "CME Ledger <noreply@localhost>")

# Background jobs: database queues, one per kind of work (cmeledger/lib/queues.py), each
# drained by its own `cmeledger worker` process. TASKS_IMMEDIATE=1 runs them inline (used
# by the test suite). A task naming any other queue is refused when it is defined.
TASKS = {
    "default": {
        "BACKEND": "django_tasks.backends.immediate.ImmediateBackend"
        if envbool("TASKS_IMMEDIATE", False)
        else "django_tasks_db.DatabaseBackend",
        "QUEUES": [queue.value for queue in Queue],
    }
}

SESSION_COOKIE_HTTPONLY = True
# Behind a TLS-terminating proxy the site is HTTPS only: cookies are marked secure, plain
# HTTP is redirected, and browsers are told (HSTS) to never use HTTP again.
BEHIND_TLS_PROXY = envbool("BEHIND_TLS_PROXY", False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_TLS_PROXY else None
SESSION_COOKIE_SECURE = envbool("SECURE_COOKIES", BEHIND_TLS_PROXY)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = envbool("SSL_REDIRECT", BEHIND_TLS_PROXY)
SECURE_HSTS_SECONDS = envint("HSTS_SECONDS", 31_536_000 if BEHIND_TLS_PROXY else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = envbool("HSTS_PRELOAD", False)
# Joining the browsers' preload list cannot be undone quickly, so it is the operator's
# decision (HSTS_PRELOAD=1), not a default; the deploy check's reminder is silenced.
SILENCED_SYSTEM_CHECKS = ["security.W021"]
# The load balancer's health check comes over plain HTTP from inside.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Content Security Policy (django-csp): only the site's own scripts, styles, images and
# connections; no inline script, no plugins, no framing, forms post only here. Style
# attributes stay allowed: progress bars and timelines set their widths with them.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "style-src-attr": [UNSAFE_INLINE],
        "img-src": [SELF, "data:", "blob:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": envstr("LOG_LEVEL", "INFO")},
}
