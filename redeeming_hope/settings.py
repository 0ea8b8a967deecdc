"""
Settings for the Redeeming Hope site.

Everything that differs between a laptop and production is read from the environment
(through django-environ); a `.env` file next to manage.py is read when present, and
the process environment wins over it. `.env.example` documents every variable.
"""

from datetime import timedelta
from decimal import Decimal
from email.utils import parseaddr
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
    ALLOWED_HOSTS = [
        host.strip()
        for host in _required(
            "ALLOWED_HOSTS",
            "Production needs the host names this site answers to (comma-separated).",
        ).split(",")
        if host.strip()
    ]
# To change the secret key without signing everyone out or breaking the links in
# emails already sent: the new key in SECRET_KEY, the old one here for a while.
SECRET_KEY_FALLBACKS = env.list("SECRET_KEY_FALLBACKS", default=[])

CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "core.task_apps.BackgroundTasksConfig",  # django-tasks-db, under a plain name
    # Admin sign-in: lockout after failed attempts, two-step sign-in (TOTP).
    "staff.signin_apps.SignInAttemptsConfig",  # django-axes
    "django_otp",
    "staff.signin_apps.TwoStepSignInConfig",  # django-otp's TOTP devices
    "core",
    "pages",
    "payments",
    "campaigns",
    "shop",
    "donations",
    "staff",
    "demo",  # demo and benchmark content; sits on top of the others
]

MIDDLEWARE = [
    # /healthz for load balancers: answered before the host check and redirects.
    "core.health.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "core.middleware.PermissionsPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Admin sign-in: idle staff sessions end, then the second step is enforced.
    "staff.middleware.StaffSessionIdleMiddleware",
    "staff.middleware.StaffTwoFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # A view that finds the database down answers the styled 503 page.
    "core.faults.DatabaseUnavailableMiddleware",
    # After everything a page needs (the CSRF cookie, the user, messages): every
    # middleware above still adds its headers to a page served from the cache.
    "core.pagecache.PageCacheMiddleware",
    # Last, as django-axes asks: turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
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
    # A database host that does not answer fails fast (503) instead of hanging.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", env.int("DATABASE_CONNECT_TIMEOUT", default=5)
    )

CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}
# Put before every key: lets two sites (production, staging) share one Redis.
CACHES["default"]["KEY_PREFIX"] = env.str("CACHE_KEY_PREFIX", default="")
# Redis (redis:// or rediss://) goes through core.cache.FailSoftRedisCache: a
# Redis that is down or slow acts as an empty cache (a miss, a no-op) instead of
# failing the page, and costs milliseconds: short socket timeouts, and after a
# failure Redis is left alone for CACHE_DOWN_RETRY_SECONDS before it is tried
# again. Timeouts are in seconds.
CACHE_IS_REDIS = CACHES["default"]["BACKEND"].endswith("RedisCache")
if CACHE_IS_REDIS:
    CACHES["default"]["BACKEND"] = "core.cache.FailSoftRedisCache"
    CACHES["default"].setdefault("OPTIONS", {}).update(
        {
            "socket_connect_timeout": env.float("CACHE_CONNECT_TIMEOUT", default=0.25),
            "socket_timeout": env.float("CACHE_SOCKET_TIMEOUT", default=0.5),
            "down_retry_seconds": env.float("CACHE_DOWN_RETRY_SECONDS", default=5),
        }
    )
# Sessions: with Redis as the cache, cached_db (read from Redis, written through
# to the database), so that a session outlives a Redis restart or outage (pure
# `cache` sessions would lose every cart and sign-in then); without Redis, the
# database. SESSION_ENGINE overrides either.
SESSION_ENGINE = env.str(
    "SESSION_ENGINE",
    default="django.contrib.sessions.backends.cached_db"
    if CACHE_IS_REDIS
    else "django.contrib.sessions.backends.db",
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
# Adding to the cart, per visitor (session) and per client IP address: every
# POST of the product page counts.
SHOP_ADD_TO_CART_RATE_PER_VISITOR = env.str(
    "SHOP_ADD_TO_CART_RATE_PER_VISITOR", default="60/10m"
)
SHOP_ADD_TO_CART_RATE_PER_IP = env.str(
    "SHOP_ADD_TO_CART_RATE_PER_IP", default="200/10m"
)
# Trying promo codes in the cart, per visitor and per client IP address: every
# attempt counts, so codes cannot be guessed by trying many.
SHOP_PROMO_RATE_PER_VISITOR = env.str("SHOP_PROMO_RATE_PER_VISITOR", default="10/10m")
SHOP_PROMO_RATE_PER_IP = env.str("SHOP_PROMO_RATE_PER_IP", default="30/10m")
# Opening or using a monthly gift's manage link, per client IP address (the links
# are signed; this keeps anyone from trying many).
DONATION_MANAGE_RATE_PER_IP = env.str("DONATION_MANAGE_RATE_PER_IP", default="20/10m")
# Loading the page a payment comes back to (the shop's success page, the
# thank-you page for a gift), per client IP address, both counted together:
# each may ask Stripe how the payment went.
PAYMENT_RETURN_RATE_PER_IP = env.str("PAYMENT_RETURN_RATE_PER_IP", default="30/10m")
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
# This release's name (e.g. the commit the deploy checked out): pages are stored
# per release, so while old and new servers run side by side each serves its own
# code's pages. Empty: a digest of the collected static files' manifest.
RELEASE_ID = env.str("RELEASE_ID", default="")
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
    {
        # Only staff have accounts, and they guard donors' details: 12 at least.
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# ---------------------------------------------------------------------------
# Admin sign-in
# ---------------------------------------------------------------------------
# Where the admin lives, e.g. "office-7f3k/" (default "admin/"): moving it keeps
# most password-guessing robots away from the sign-in page.
ADMIN_URL = env.str("ADMIN_URL", default="admin/").strip("/") + "/"
if ADMIN_URL == "/":
    raise ImproperlyConfigured('ADMIN_URL must name a path, e.g. "admin/".')

# The sign-in check (django-axes) comes first: a locked-out account or address
# is refused before its password is even looked at.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Failed sign-ins (wrong passwords and wrong two-step codes) are counted in the
# database, which every app process shares, per account and per client address
# separately: either reaching the limit locks it for the cool-off, and every try
# while locked starts the cool-off again. `manage.py axes_reset_username NAME`
# unlocks a volunteer early.
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_FAILURE_LIMIT = env.int("STAFF_SIGNIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(
    minutes=env.int("STAFF_SIGNIN_COOLOFF_MINUTES", default=30)
)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = False
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = True
# The client address as the rate limits read it (RATELIMIT_CLIENT_IP_HEADER).
AXES_CLIENT_IP_CALLABLE = "staff.signin.axes_client_ip"
# The account name as typed, cut to the 255 characters its column holds.
AXES_USERNAME_CALLABLE = "staff.signin.axes_username"
AXES_LOCKOUT_CALLABLE = "staff.signin.lockout_response"
AXES_HTTP_RESPONSE_CODE = 429
# Logs name accounts and addresses by a keyed hash only, and the attempts
# table keeps no password, code or form token.
AXES_VERBOSE = False
AXES_CLIENT_STR_CALLABLE = "staff.signin.axes_client_str"
AXES_SENSITIVE_PARAMETERS = [
    "username",
    "ip_address",
    "code",
    "otp_token",
    "csrfmiddlewaretoken",
]

# A signed-in staff member idle for longer than this is signed out.
STAFF_SESSION_IDLE_MINUTES = env.int("STAFF_SESSION_IDLE_MINUTES", default=30)

# Two-step sign-in with an authenticator app (TOTP codes), required for
# superusers and these groups when on; on by default when DEBUG is off. Other
# staff may turn it on for themselves.
STAFF_2FA_REQUIRED = env.bool("STAFF_2FA_REQUIRED", default=not DEBUG)
STAFF_2FA_REQUIRED_GROUPS = env.list(
    "STAFF_2FA_REQUIRED_GROUPS", default=["Finance", "Administrator"]
)
# The name the authenticator app shows next to the code.
OTP_TOTP_ISSUER = "Redeeming Hope"
# The admin's device pages never show a device's secret key.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

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
# How long Stripe may keep us waiting (payments/gateways.py). Connecting: at
# most STRIPE_CONNECT_TIMEOUT_SECONDS. A call a visitor waits on (opening a
# checkout, the success page, the monthly gift's manage page) gives up after
# STRIPE_PAGE_TIMEOUT_SECONDS of silence and is not retried, so a hanging
# Stripe holds a page for seconds and the visitor is asked to try again.
# Background work (fees) and staff actions (refunds) wait
# STRIPE_TIMEOUT_SECONDS per attempt and retry STRIPE_MAX_NETWORK_RETRIES times
# (connection errors and 409/5xx answers only, same idempotency key).
STRIPE_CONNECT_TIMEOUT_SECONDS = env.float(
    "STRIPE_CONNECT_TIMEOUT_SECONDS", default=2.0
)
STRIPE_PAGE_TIMEOUT_SECONDS = env.float("STRIPE_PAGE_TIMEOUT_SECONDS", default=5.0)
STRIPE_TIMEOUT_SECONDS = env.float("STRIPE_TIMEOUT_SECONDS", default=10.0)
STRIPE_MAX_NETWORK_RETRIES = env.int("STRIPE_MAX_NETWORK_RETRIES", default=1)
# Stripe's API address; only a test server (stripe-mock) ever sets another.
STRIPE_API_BASE = env.str("STRIPE_API_BASE", default="https://api.stripe.com")

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

# Emails go out through tasks (queued once the change that caused them commits).
# A failed send is tried again later, up to TASKS_MAX_ATTEMPTS times in all, after
# TASKS_RETRY_DELAY_SECONDS, then four times as long each time (1, 4, 16, 64 min).
TASKS_MAX_ATTEMPTS = env.int("TASKS_MAX_ATTEMPTS", default=5)
TASKS_RETRY_DELAY_SECONDS = env.int("TASKS_RETRY_DELAY_SECONDS", default=60)
# A task still "running" this long after it started belongs to a worker that died
# (killed, out of memory, machine lost): `manage.py tasks_worker` (and the
# `tasks_requeue_stuck` command) queue it again. Keep it well above the longest
# task (an email: seconds; a Stripe fee lookup: under a minute).
TASKS_STUCK_AFTER_SECONDS = env.int("TASKS_STUCK_AFTER_SECONDS", default=900)

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

# ---------------------------------------------------------------------------
# Static files and media
# ---------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = env.str("MEDIA_URL", default="/media/")
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
# Uploads and their renditions. MEDIA_STORAGE=local (the default): files under
# MEDIA_ROOT, for one machine. MEDIA_STORAGE=s3: an S3-compatible bucket (AWS S3,
# Cloudflare R2, MinIO, ...) that every app server shares, configured by the AWS_*
# variables below. A storage class's dotted path is accepted too.
_MEDIA_BACKENDS = {
    "local": "django.core.files.storage.FileSystemStorage",
    "s3": "storages.backends.s3.S3Storage",
}
MEDIA_STORAGE = env.str("MEDIA_STORAGE", default="local")
_media_backend = _MEDIA_BACKENDS.get(MEDIA_STORAGE, MEDIA_STORAGE)
MEDIA_ON_S3 = _media_backend == _MEDIA_BACKENDS["s3"]
_media: dict = {"BACKEND": _media_backend}
if MEDIA_ON_S3:
    # Public media: plain URLs (no signed query strings, which would change on
    # every page and defeat caching), objects readable through the bucket's own
    # policy (no per-object ACL), and never overwritten (a second upload with the
    # same name gets a new name, as on disk). Empty keys: boto3 finds credentials
    # itself (an instance role, ~/.aws).
    _media["OPTIONS"] = {
        "bucket_name": env.str("AWS_STORAGE_BUCKET_NAME", default=""),
        "endpoint_url": env.str("AWS_S3_ENDPOINT_URL", default="") or None,
        "region_name": env.str("AWS_S3_REGION_NAME", default="") or None,
        "access_key": env.str("AWS_ACCESS_KEY_ID", default="") or None,
        "secret_key": env.str("AWS_SECRET_ACCESS_KEY", default="") or None,
        "custom_domain": env.str("AWS_S3_CUSTOM_DOMAIN", default="") or None,
        "location": env.str("AWS_LOCATION", default=""),
        "querystring_auth": False,
        "default_acl": None,
        "file_overwrite": False,
        "object_parameters": {"CacheControl": "public, max-age=604800"},
    }
STORAGES = {
    "default": _media,
    "staticfiles": {
        "BACKEND": env.str(
            "STATIC_STORAGE",
            default="whitenoise.storage.CompressedManifestStaticFilesStorage",
        ),
    },
}
# Serve MEDIA_ROOT from the app itself with DEBUG off: for trying the production
# settings on one machine (`make serve`) only; a real site serves media from its
# bucket or its web server. Ignored unless MEDIA_STORAGE is local.
SERVE_MEDIA = env.bool("SERVE_MEDIA", default=False) and not MEDIA_ON_S3
# Uploads larger than this are refused by the image validators.
MAX_UPLOAD_IMAGE_BYTES = env.int("MAX_UPLOAD_IMAGE_BYTES", default=8 * 1024 * 1024)
# ...and so are images with more pixels than this (decompression bombs).
MAX_UPLOAD_IMAGE_PIXELS = env.int("MAX_UPLOAD_IMAGE_PIXELS", default=40_000_000)
# An animation is decoded frame by frame, each frame the whole picture's size: it is
# refused past this many frames, or past this many pixels over all its frames.
MAX_UPLOAD_IMAGE_FRAMES = env.int("MAX_UPLOAD_IMAGE_FRAMES", default=300)
MAX_UPLOAD_IMAGE_TOTAL_PIXELS = env.int(
    "MAX_UPLOAD_IMAGE_TOTAL_PIXELS", default=100_000_000
)

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
# Load balancers probe /healthz over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

# Where Stripe sends a visitor to pay (Checkout) or to change a card (billing
# portal): the only other sites a form of ours may lead to.
STRIPE_PAGE_ORIGINS = ["https://checkout.stripe.com", "https://billing.stripe.com"]


def _media_origins() -> list[str]:
    """Where media on S3 is served from, for the CSP's img-src (nothing when on
    this site: local media, or a custom domain that is this site's own host)."""
    options = STORAGES["default"].get("OPTIONS", {})
    if not MEDIA_ON_S3:
        return []
    if options["custom_domain"]:
        host = options["custom_domain"].split("/")[0]
        return [] if host in ALLOWED_HOSTS else [f"https://{host}"]
    if options["endpoint_url"]:
        return [options["endpoint_url"].rstrip("/")]
    bucket, region = options["bucket_name"], options["region_name"]
    origins = [f"https://{bucket}.s3.amazonaws.com"]
    if region:
        origins.append(f"https://{bucket}.s3.{region}.amazonaws.com")
    return origins


# Django's built-in Content Security Policy: only this site's own files, no inline
# script, no third-party origin. `data:` images are allowed for the admin's icons.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:", *_media_origins()],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    # Forms post to this site only. A form whose answer redirects to Stripe
    # (Checkout, the billing portal) is checked against this list too, so
    # Stripe's two documented origins are here and nothing else.
    "form-action": [CSP.SELF, *STRIPE_PAGE_ORIGINS],
}

# ---------------------------------------------------------------------------
# Browser hardening: cookies and features
# ---------------------------------------------------------------------------
# Said explicitly, though some are Django's defaults: tests/core/test_headers.py
# checks every page for them.
SECURE_CONTENT_TYPE_NOSNIFF = True
# Lax: sent when a visitor comes back from Stripe's payment page (a top-level
# link), never with another site's form posts or frames.
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# No script of ours reads the CSRF cookie (forms carry the token).
CSRF_COOKIE_HTTPONLY = True
# Permissions-Policy (core.middleware): browser features no page here uses,
# switched off for every origin. Only names current Chromium recognizes (it logs
# an error for others, e.g. the retired interest-cohort): browsing-topics is
# interest-cohort's successor.
PERMISSIONS_POLICY: dict[str, list[str]] = {
    feature: []
    for feature in (
        "accelerometer",
        "browsing-topics",
        "camera",
        "display-capture",
        "encrypted-media",
        "geolocation",
        "gyroscope",
        "hid",
        "idle-detection",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
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
elif _email["EMAIL_BACKEND"] == "django.core.mail.backends.filebased.EmailBackend":
    # filemail:////var/mail/redeeming-hope: each email is written to a file in
    # that folder instead of being sent (trying a production-like setup).
    MAILERS["default"]["OPTIONS"] = {"file_path": _email["EMAIL_FILE_PATH"]}
# Development: the console's emails are also kept in DEV_OUTBOX_DIR, where the
# local page /dev/outbox/ reads them (core.outbox; a 404 with DEBUG off).
DEV_OUTBOX_DIR = env.str("DEV_OUTBOX_DIR", default=str(BASE_DIR / "var" / "outbox"))
if (
    DEBUG
    and _email["EMAIL_BACKEND"] == "django.core.mail.backends.console.EmailBackend"
):
    MAILERS["default"] = {
        "BACKEND": "core.outbox.OutboxEmailBackend",
        "OPTIONS": {"directory": DEV_OUTBOX_DIR},
    }
DEFAULT_FROM_EMAIL = env.str(
    "DEFAULT_FROM_EMAIL", default="Redeeming Hope <hello@redeeminghope.org>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Staff told of each new paid shop order (comma-separated). Empty: nobody.
SHOP_STAFF_EMAILS = env.list("SHOP_STAFF_EMAILS", default=[])

# ---------------------------------------------------------------------------
# The organization: who stands behind the site (the Contact page, the donate
# page, receipts and statements)
# ---------------------------------------------------------------------------
ORGANIZATION_LEGAL_NAME = env.str(
    "ORGANIZATION_LEGAL_NAME", default="Redeeming Hope, Inc."
)
# The Employer Identification Number, printed on receipts, statements and the
# donate page beside the 501(c)(3) line. Empty: no EIN is shown (and
# `check --deploy` warns). With DEBUG on, a demo number that says it is one.
DEMO_ORGANIZATION_EIN = "00-0000000 (demo, not a real EIN)"
ORGANIZATION_EIN = env.str("ORGANIZATION_EIN", default="").strip() or (
    DEMO_ORGANIZATION_EIN if DEBUG else ""
)
# Where people write to us: the address our emails come from unless set.
ORGANIZATION_EMAIL = env.str("ORGANIZATION_EMAIL", default="").strip() or (
    parseaddr(DEFAULT_FROM_EMAIL)[1] or DEFAULT_FROM_EMAIL
)
# The Contact page's phone number and mailing address. Empty: not shown. The
# address's lines are separated by \n, e.g.
# "Redeeming Hope, Inc.\nPO Box 1\nLouisville, KY 40201".
ORGANIZATION_PHONE = env.str("ORGANIZATION_PHONE", default="")
ORGANIZATION_MAILING_ADDRESS = env.str(
    "ORGANIZATION_MAILING_ADDRESS", default="", multiline=True
)

# ---------------------------------------------------------------------------
# Logging: everything to the console (standard error), where the process
# manager collects it
# ---------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "{asctime} {levelname} {name}: {message}", "style": "{"}
    },
    # No personal data in the logs: emails and IP addresses are masked.
    "filters": {"personal_data": {"()": "core.privacy_logging.PersonalDataFilter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["personal_data"],
        }
    },
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

# ---------------------------------------------------------------------------
# Privacy: how long unpaid checkouts keep a person's details
# ---------------------------------------------------------------------------
# Orders that were never paid (expired, canceled, failed, abandoned) and gifts
# that were never paid lose their name, email, phone and address this many days
# after they were started (`manage.py shop_forget_abandoned` and
# `manage.py donations_forget_unpaid`, run daily). Paid orders and gifts are kept.
SHOP_UNPAID_ORDER_RETENTION_DAYS = env.int(
    "SHOP_UNPAID_ORDER_RETENTION_DAYS", default=30
)
DONATIONS_UNPAID_RETENTION_DAYS = env.int("DONATIONS_UNPAID_RETENTION_DAYS", default=30)
