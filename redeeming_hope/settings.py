"""
Settings for the Redeeming Hope site.

Everything that differs between a laptop and production is read from the environment
(through django-environ); a `.env` file next to manage.py is read when present, and
the process environment wins over it. `.env.example` documents every variable.
"""

from decimal import Decimal
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)


def _required(name: str, why: str) -> str:
    value = env.str(name, default="")
    if not value:
        raise ImproperlyConfigured(
            f"{name} is not set. {why} Set it in the environment or in .env "
            "(see .env.example), or set DEBUG=1 for local development."
        )
    return value


# ---------------------------------------------------------------------------
# Core
# ---------------------------------------------------------------------------
DEBUG = env.bool("DEBUG", default=False)

if DEBUG:
    # Development only: never used when DEBUG is off.
    SECRET_KEY = env.str(
        "SECRET_KEY", default="django-insecure-local-development-key-only"
    )
    ALLOWED_HOSTS = env.list(
        "ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]", "testserver"]
    )
else:
    SECRET_KEY = _required(
        "SECRET_KEY", "Production needs a long random secret key to sign sessions."
    )
    ALLOWED_HOSTS = _required(
        "ALLOWED_HOSTS",
        "Production needs the host names this site answers to (comma-separated).",
    ).split(",")

CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django_tasks_db",
    "core",
    "pages",
    "payments",
    "campaigns",
    "shop",
    "donations",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last: it needs the CSRF cookie, the user and messages, and every
    # middleware above still adds its headers to a page served from the cache.
    "core.pagecache.PageCacheMiddleware",
]

ROOT_URLCONF = "redeeming_hope.urls"
WSGI_APPLICATION = "redeeming_hope.wsgi.application"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
                "core.context_processors.site",
                "shop.context_processors.cart",
            ],
        },
    },
]

# ---------------------------------------------------------------------------
# Database and cache
# ---------------------------------------------------------------------------
DATABASES = {
    "default": env.db(
        "DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}"
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers proceed while one writer writes; IMMEDIATE takes the write
    # lock at BEGIN so two writers queue (busy timeout) instead of failing with
    # "database is locked" half-way through a transaction.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;PRAGMA foreign_keys=ON;"
        ),
    }
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}
SESSION_ENGINE = env.str(
    "SESSION_ENGINE", default="django.contrib.sessions.backends.db"
)

# Rate limits ("count/period", period s, m, h or d, e.g. "5/10m") are counted in
# the cache above: give production a shared cache (Redis) so every app process
# counts together.
# Placing shop orders, per visitor (cart) and per client IP address.
SHOP_CHECKOUT_RATE_PER_VISITOR = env.str(
    "SHOP_CHECKOUT_RATE_PER_VISITOR", default="5/10m"
)
SHOP_CHECKOUT_RATE_PER_IP = env.str("SHOP_CHECKOUT_RATE_PER_IP", default="20/10m")
# Giving online, per visitor (session) and per client IP address: card testers
# try many small gifts with stolen cards.
DONATE_RATE_PER_VISITOR = env.str("DONATE_RATE_PER_VISITOR", default="5/10m")
DONATE_RATE_PER_IP = env.str("DONATE_RATE_PER_IP", default="20/10m")
# Behind a reverse proxy REMOTE_ADDR is the proxy: name the header it sets with
# the client's address (e.g. HTTP_X_REAL_IP, or HTTP_X_FORWARDED_FOR, whose last
# entry is used). Empty: REMOTE_ADDR. Never set it without such a proxy.
RATELIMIT_CLIENT_IP_HEADER = env.str("RATELIMIT_CLIENT_IP_HEADER", default="")

# ---------------------------------------------------------------------------
# Page cache (core.pagecache): public pages served from the cache above
# ---------------------------------------------------------------------------
# Off: every page is rendered for each request (e.g. to debug a template).
PAGE_CACHE_ENABLED = env.bool("PAGE_CACHE_ENABLED", default=True)
# A stored page is dropped when staff change what it shows, and in any case after
# this many seconds (scheduled campaigns and "days left" change with time alone).
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=300)
# Each app process keeps its own copies of pages and asks the shared cache whether
# they are still current at most this often (0: on every request). A change made
# through another process shows this much later; a hit costs no round trip.
PAGE_CACHE_RECHECK_SECONDS = env.float("PAGE_CACHE_RECHECK_SECONDS", default=1.0)

# ---------------------------------------------------------------------------
# Passwords
# ---------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation."
        "UserAttributeSimilarityValidator"
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# ---------------------------------------------------------------------------
# Language, time and money
# ---------------------------------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = "America/Kentucky/Louisville"
USE_I18N = True
USE_TZ = True
# One currency for the whole site: amounts are Decimal in this currency, and are
# converted to minor units (cents) only at the payment boundary.
CURRENCY = "usd"

# ---------------------------------------------------------------------------
# Payments
# ---------------------------------------------------------------------------
# Stripe Checkout takes the money when a secret key is set (sk_live_... in
# production, sk_test_... for a staging site). The webhook secret (whsec_...)
# verifies the events Stripe posts to /payments/webhook/stripe/; without it the
# webhook refuses every event.
STRIPE_SECRET_KEY = env.str("STRIPE_SECRET_KEY", default="")
STRIPE_WEBHOOK_SECRET = env.str("STRIPE_WEBHOOK_SECRET", default="")
# With no Stripe key, checkout goes to a test payment page on this site (Pay,
# Decline, Cancel) that takes no money. On by default only when DEBUG is on; a
# production site must never enable it (`check --deploy` warns when it is).
PAYMENTS_LOCAL_GATEWAY = env.bool("PAYMENTS_LOCAL_GATEWAY", default=DEBUG)
# Every request to Stripe gives up after this many seconds, and is retried this
# many times (connection errors and 409/5xx answers only).
STRIPE_TIMEOUT_SECONDS = env.float("STRIPE_TIMEOUT_SECONDS", default=10.0)
STRIPE_MAX_NETWORK_RETRIES = env.int("STRIPE_MAX_NETWORK_RETRIES", default=1)

# ---------------------------------------------------------------------------
# Tasks: work done off the request (Django's tasks framework)
# ---------------------------------------------------------------------------
# Production: django_tasks_db.DatabaseBackend (tasks wait in the database until
# `manage.py db_worker` runs them), the default with DEBUG off. With DEBUG on,
# the default runs each task at once in the process that queued it.
TASKS = {
    "default": {
        "BACKEND": env.str(
            "TASKS_BACKEND",
            default="django.tasks.backends.immediate.ImmediateBackend"
            if DEBUG
            else "django_tasks_db.DatabaseBackend",
        )
    }
}

# ---------------------------------------------------------------------------
# Donations
# ---------------------------------------------------------------------------
# What the processor keeps of a charge (Stripe's US card pricing by default), so
# that "cover the processing fee" adds exactly enough.
DONATION_FEE_RATE = Decimal(env.str("DONATION_FEE_RATE", default="0.029"))
DONATION_FEE_FIXED = Decimal(env.str("DONATION_FEE_FIXED", default="0.30"))
# Below the minimum, card testers probe stolen cards; above the maximum, a typo.
DONATION_MINIMUM = Decimal(env.str("DONATION_MINIMUM", default="5.00"))
DONATION_MAXIMUM = Decimal(env.str("DONATION_MAXIMUM", default="25000.00"))
# For receipts: the legal name and the Employer Identification Number.
ORGANIZATION_LEGAL_NAME = env.str(
    "ORGANIZATION_LEGAL_NAME", default="Redeeming Hope, Inc."
)
ORGANIZATION_EIN = env.str("ORGANIZATION_EIN", default="")

# ---------------------------------------------------------------------------
# Static files and media
# ---------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = env.str("MEDIA_URL", default="/media/")
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
STORAGES = {
    "default": {
        # Swap for an S3-compatible backend in production through the environment.
        "BACKEND": env.str(
            "MEDIA_STORAGE", default="django.core.files.storage.FileSystemStorage"
        ),
    },
    "staticfiles": {
        "BACKEND": env.str(
            "STATIC_STORAGE",
            default="whitenoise.storage.CompressedManifestStaticFilesStorage",
        ),
    },
}
# Uploads larger than this are refused by the image validators.
MAX_UPLOAD_IMAGE_BYTES = env.int("MAX_UPLOAD_IMAGE_BYTES", default=8 * 1024 * 1024)
# ...and so are images with more pixels than this (decompression bombs).
MAX_UPLOAD_IMAGE_PIXELS = env.int("MAX_UPLOAD_IMAGE_PIXELS", default=40_000_000)

# ---------------------------------------------------------------------------
# Security
# ---------------------------------------------------------------------------
# HTTPS=1 in production turns on redirects, secure cookies and HSTS together.
HTTPS = env.bool("HTTPS", default=False)
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", HTTPS)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=HTTPS)
if env.bool("BEHIND_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

# Django's built-in Content Security Policy: only this site's own files, no inline
# script, no third-party origin. `data:` images are allowed for the admin's icons.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

# ---------------------------------------------------------------------------
# Email
# ---------------------------------------------------------------------------
# EMAIL_URL, e.g. smtp+tls://user:password@smtp.example.org:587 in production.
_email = env.email("EMAIL_URL", default="consolemail://")
MAILERS = {"default": {"BACKEND": _email["EMAIL_BACKEND"]}}
if _email["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend":
    MAILERS["default"]["OPTIONS"] = {
        "host": _email["EMAIL_HOST"],
        "port": _email["EMAIL_PORT"],
        "username": _email["EMAIL_HOST_USER"],
        "password": _email["EMAIL_HOST_PASSWORD"],
        "use_tls": _email.get("EMAIL_USE_TLS", False),
        "use_ssl": _email.get("EMAIL_USE_SSL", False),
        "timeout": 10,
    }
DEFAULT_FROM_EMAIL = env.str(
    "DEFAULT_FROM_EMAIL", default="Redeeming Hope <hello@redeeminghope.org>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Staff told of each new paid shop order (comma-separated). Empty: nobody.
SHOP_STAFF_EMAILS = env.list("SHOP_STAFF_EMAILS", default=[])

# ---------------------------------------------------------------------------
# Logging: everything to stdout, where the process manager collects it
# ---------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "{asctime} {levelname} {name}: {message}", "style": "{"}
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}

# ---------------------------------------------------------------------------
# The site
# ---------------------------------------------------------------------------
SITE_NAME = "Redeeming Hope"
# The public address, for links in emails (which have no request to build them
# from), e.g. https://redeeminghope.org. Empty: the first ALLOWED_HOSTS entry.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000" if DEBUG else "")
# Where Quick exit sends a visitor: a neutral page that gives nothing away.
QUICK_EXIT_URL = env.str("QUICK_EXIT_URL", default="https://www.weather.gov/")
