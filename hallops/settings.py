"""hallops settings: everything a deployment changes comes from the environment.

Embedded default (no variables set): SQLite file, in-memory channel layer, one process,
virtual devices (manage.py run_virtual_gateway). Production: DATABASE_URL=postgres://..., REDIS_URL=redis://...,
HALLOPS_SECRET_KEY, HALLOPS_ALLOWED_HOSTS, HALLOPS_DEBUG=0. See docs/configuration.md.
"""

import os
from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
if (BASE_DIR / ".env").exists():
    environ.Env.read_env(BASE_DIR / ".env")  # optional; real environment wins

DEBUG = env.bool("HALLOPS_DEBUG", default=False)
BUILTIN_SECRET_KEY = "hallops-insecure-dev-key-change-me"
SECRET_KEY = env.str("HALLOPS_SECRET_KEY", default=BUILTIN_SECRET_KEY)
ALLOWED_HOSTS = env.list("HALLOPS_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("HALLOPS_CSRF_TRUSTED_ORIGINS", default=[])
# Public base URL printed in ticket QR codes (the citizen's phone must reach it).
PUBLIC_BASE_URL = env.str("HALLOPS_PUBLIC_URL", default="http://127.0.0.1:8000")

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "channels",
    "hallops.core",
    "hallops.devices",
    "displays",
    "hallops.patrol",
    "hallops.staffing",
    "hallops.reports",
    "hallops.evaluations",
    "hallops.sites",
    "axes",  # login throttling (django-axes)
]

MIDDLEWARE = [
    "hallops.ops.metrics.RequestMetrics",
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # Control characters, oversized bodies, JSON that is not an object: refused before any view.
    "hallops.api.guard.RequestGuard",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

# --- Login throttling (django-axes) -----------------------------------------------------
# After AXES_FAILURE_LIMIT wrong passwords for one username from one address, that pair is locked
# for the cool-off (answered 429, the password not even checked); staff pages and the admin alike.
AUTHENTICATION_BACKENDS = ["hallops.core.authn.LoginThrottle", "django.contrib.auth.backends.ModelBackend"]
AXES_FAILURE_LIMIT = env.int("HALLOPS_LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("HALLOPS_LOGIN_COOLOFF_HOURS", default=0.25)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "displays/locked.html"
AXES_VERBOSE = False

ROOT_URLCONF = "hallops.urls"
ASGI_APPLICATION = "hallops.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------
# SQLite by default. WAL lets screens read while a window writes; IMMEDIATE transactions
# take the write lock at BEGIN so two writers queue on busy_timeout instead of failing
# with "database is locked" when one upgrades a read lock.
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'var' / 'hallops.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
    # A file, not :memory:, so threads and subprocesses of a test share it; one per test run so
    # two runs in one tree do not trample each other.
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / "var" / f"test-{os.getpid()}.sqlite3")}
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Under ASGI, persistent connections (CONN_MAX_AGE) leak one per worker thread until
    # PostgreSQL refuses clients; a psycopg pool bounds them per process instead.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # The pool checks a connection before handing it out: one the server killed (restart, failover,
    # pg_terminate_backend) is replaced instead of failing a request. The check costs no round trip
    # (hallops.dbcheck, through the backend hallops.postgresql).
    DATABASES["default"]["ENGINE"] = "hallops.postgresql"
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": env.int("HALLOPS_DB_POOL_MIN", default=2),
        "max_size": env.int("HALLOPS_DB_POOL_MAX", default=20),
        "timeout": 10,
    }
    # The hot statements (hallops.core.prepared.cursor) are prepared on the server once per
    # connection: planning the call-next probe took longer than running it. Django's own queries
    # stay unprepared (client-side binding). Off behind a pooler that cannot keep prepared
    # statements (PgBouncer in transaction mode before 1.21).
    if env.bool("HALLOPS_DB_PREPARE", default=True):
        DATABASES["default"]["OPTIONS"]["prepare_threshold"] = 2**31 - 1  # never by count, only where asked

# Bodies larger than this are refused with 413 body_too_large (hallops/api/guard.py); uploads
# (multipart) are bounded by Django's file upload settings instead.
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("HALLOPS_MAX_BODY_BYTES", default=2_621_440)

# Production is PostgreSQL with debug off: sessions, CSRF tokens and password resets signed with a
# key that is in the source would be forgeable by anyone, so refuse to start. The embedded default
# (SQLite, `make demo`) keeps the built-in key.
if (DATABASES["default"]["ENGINE"] == "hallops.postgresql" and not DEBUG
        and SECRET_KEY in (BUILTIN_SECRET_KEY, "")):
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(
        "HALLOPS_SECRET_KEY is not set: a production hall (PostgreSQL, HALLOPS_DEBUG off) refuses the "
        "built-in key. Set HALLOPS_SECRET_KEY to a long random value (see docs/configuration.md)."
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Prometheus /metrics: a bearer token; without one only loopback clients are answered.
HALLOPS_METRICS_TOKEN = env.str("HALLOPS_METRICS_TOKEN", default="")

# The public service map draws sites itself; a hall with a tile server may link each site to it.
HALLOPS_MAP_TILE_URL = env.str("HALLOPS_MAP_TILE_URL", default="")

# --- Channel layer --------------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
# A district runs Redis with Sentinel: REDIS_SENTINELS=host:26379,host2:26379 and the master's name;
# REDIS_URL still says "use Redis" and gives the database number and password.
REDIS_SENTINELS = [(h.rsplit(":", 1)[0], int(h.rsplit(":", 1)[1])) for h in env.list("REDIS_SENTINELS", default=[])]
REDIS_SENTINEL_MASTER = env.str("REDIS_SENTINEL_MASTER", default="hallops")
REDIS_HOST = REDIS_URL
if REDIS_URL and REDIS_SENTINELS:
    from urllib.parse import urlsplit as _urlsplit

    _redis = _urlsplit(REDIS_URL)
    REDIS_HOST = {"sentinels": REDIS_SENTINELS, "master_name": REDIS_SENTINEL_MASTER,
                  "db": int((_redis.path or "/0").lstrip("/") or 0)}
    if _redis.password:
        REDIS_HOST["password"] = _redis.password
if REDIS_URL:
    # capacity: the core Redis layer silently drops group messages past it, so size it for
    # a busy hall; clients that still miss something resume with ?since=SEQ. The backend is
    # channels_redis's, sending group messages in fewer round trips (hallops/redis_layer.py).
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "hallops.redis_layer.RedisChannelLayer",
            "CONFIG": {
                "hosts": [REDIS_HOST],
                "capacity": env.int("HALLOPS_CHANNEL_CAPACITY", default=1500),
                "expiry": 30,
            },
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer", "CONFIG": {"capacity": 1500}}}

# --- I18n -----------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.str("HALLOPS_TIME_ZONE", default="Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("HALLOPS_MEDIA_ROOT", default=str(BASE_DIR / "var" / "media")))

LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"

# --- Queue rules (defaults; per-hall values live on the Hall model) ----------------------
HALLOPS = {
    # Where `run_virtual_gateway` (the demo's devices) writes ticket previews.
    "VIRTUAL_PRINT_DIR": env.str("HALLOPS_VIRTUAL_PRINT_DIR", default=str(BASE_DIR / "var" / "prints")),
    # Events older than this many are not replayed; the client gets a fresh snapshot.
    "RESUME_MAX_EVENTS": env.int("HALLOPS_RESUME_MAX_EVENTS", default=500),
    # An event payload that does not match its schema raises (tests, DEBUG) or is logged (production).
    "STRICT_EVENTS": env.bool("HALLOPS_STRICT_EVENTS", default=DEBUG),
    # Public booking endpoints (docs/appointments.md): limits' rate strings, e.g. "20/minute".
    "RATE_LIMITS": {
        "booking_per_address": env.str("HALLOPS_RATE_BOOKING_PER_ADDRESS", default="20/minute"),
        "booking_per_phone": env.str("HALLOPS_RATE_BOOKING_PER_PHONE", default="10/hour"),
        "slots_per_address": env.str("HALLOPS_RATE_SLOTS_PER_ADDRESS", default="120/minute"),
        "cancel_per_address": env.str("HALLOPS_RATE_CANCEL_PER_ADDRESS", default="20/minute"),
        # Taking numbers (取号, hallops/api/throttle.py): per kiosk or staff member, and per client
        # address (several kiosks may share one behind NAT). A busy kiosk issues a few a minute.
        "issue_per_device": env.str("HALLOPS_RATE_ISSUE_PER_DEVICE", default="20/minute"),
        "issue_per_address": env.str("HALLOPS_RATE_ISSUE_PER_ADDRESS", default="60/minute"),
    },
    # 补打: reprints of one ticket (each is paper, and open ones are re-sent at every gateway connect).
    "REPRINT_MAX": env.int("HALLOPS_REPRINT_MAX", default=3),
    "RATE_LIMIT_STORAGE": env.str("HALLOPS_RATE_LIMIT_STORAGE", default=REDIS_URL or "memory://"),
    "CLIENT_ADDRESS_HEADER": env.str("HALLOPS_CLIENT_ADDRESS_HEADER", default=""),
    # A bearer token's lookup is reused this long per process (hallops.core.authn): a revoked token
    # or disabled device or account is refused at most this many seconds later. 0 turns it off.
    "TOKEN_CACHE_SECONDS": env.float("HALLOPS_TOKEN_CACHE_SECONDS", default=5.0),
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Every handler redacts bearer tokens (hallops/redact.py): a ?token= must not end up in a log.
    "filters": {"redact_tokens": {"()": "hallops.redact.RedactTokens"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["redact_tokens"]}},
    "root": {"handlers": ["console"], "level": env.str("HALLOPS_LOG_LEVEL", default="INFO")},
}
