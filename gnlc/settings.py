"""The one settings module. Every knob comes from the environment; docs/configuration.md
lists them. Defaults are for a developer's machine: DEBUG off needs a SECRET_KEY."""

from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from gnlc.core.database import database
from gnlc.core.env import env_bool, env_choice, env_int, env_list, env_rate, env_str

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(env_str("GNLC_DATA_DIR", str(Path.cwd() / "var")))

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "dev-only-insecure-key-never-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# The network this installation serves: another network runs the same software.
GNLC_NETWORK_NAME = env_str("GNLC_NETWORK_NAME", "UNESCO Global Network of Learning Cities")
GNLC_NETWORK_SHORT_NAME = env_str("GNLC_NETWORK_SHORT_NAME", "GNLC")
# The site's root URL (https://gnlc.example.org), for links in e-mails sent from commands.
GNLC_SITE_URL = env_str("GNLC_SITE_URL", "")
GNLC_DATA_LICENCE = env_str("GNLC_DATA_LICENCE", "CC BY 4.0")
GNLC_DATA_LICENCE_URL = env_str(
    "GNLC_DATA_LICENCE_URL", "https://creativecommons.org/licenses/by/4.0/"
)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    # django-ninja's templates and static Swagger UI: the API docs work offline, no CDN.
    "ninja",
    "rules.apps.AutodiscoverRulesConfig",
    "gnlc.core",
    "gnlc.accounts",
    "gnlc.audit",
    "gnlc.cities",
    "gnlc.admissions",
    "gnlc.news",
    "gnlc.library",
    "gnlc.reporting",
    "gnlc.clusters",
    "gnlc.events",
    "gnlc.mail",
    "gnlc.api",
]

MIDDLEWARE = [
    # /healthz, /readyz, /metrics: before the host check and HTTPS redirect, without
    # sessions or rate limits (gnlc/core/probes.py); then one log line per request.
    "gnlc.core.probes.ProbeMiddleware",
    "gnlc.core.logs.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Before CSRF's, which reads the body: an oversized one is refused unread.
    "gnlc.core.bodylimit.RequestBodyLimitMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # Cache-Control: private, no-store on every confidential response.
    "gnlc.core.nostore.NoStoreMiddleware",
    "gnlc.accounts.middleware.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "gnlc.audit.middleware.AuditActorMiddleware",
    # Scale-out and abuse: see docs/deploy.md and docs/configuration.md.
    "gnlc.core.ratelimit.RateLimitMiddleware",
    "gnlc.core.db_router.ReplicaMiddleware",
]

ROOT_URLCONF = "gnlc.urls"
WSGI_APPLICATION = "gnlc.wsgi.application"

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
                "django.template.context_processors.i18n",
                "gnlc.core.context_processors.network",
            ],
        },
    }
]
# Every form field is drawn by one template, with its required mark (gnlc/core/forms.py).
FORM_RENDERER = "gnlc.core.forms.FormRenderer"

DATABASE_URL = env_str("DATABASE_URL")
if not DATABASE_URL:
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    DATABASE_URL = f"sqlite:///{DATA_DIR / 'gnlc.sqlite3'}"
# SQLite gets the options that let it serve concurrent writers: gnlc/core/database.py.
DATABASES = {"default": database(DATABASE_URL)}
# Read replicas (PostgreSQL streaming replicas): aliases replica1..n. The router sends
# anonymous GET/HEAD requests' reads there, everything else to "default" (the primary).
# In tests a replica alias mirrors "default" (TEST.MIRROR): same data, no extra database.
GNLC_DATABASE_REPLICAS = []
for _number, _url in enumerate(env_list("DATABASE_REPLICA_URLS"), start=1):
    GNLC_DATABASE_REPLICAS.append(f"replica{_number}")
    DATABASES[f"replica{_number}"] = {**database(_url), "TEST": {"MIRROR": "default"}}
DATABASE_ROUTERS = ["gnlc.core.db_router.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:dashboard"
LOGOUT_REDIRECT_URL = "cities:home"
# Log-in throttling and two factors (gnlc/accounts/security.py).
GNLC_LOGIN_MAX_FAILURES = env_int("GNLC_LOGIN_MAX_FAILURES", 5)
GNLC_LOGIN_LOCKOUT_SECONDS = env_int("GNLC_LOGIN_LOCKOUT_SECONDS", 900)
GNLC_TWO_FACTOR_REQUIRED = env_bool("GNLC_TWO_FACTOR_REQUIRED", True)
OTP_TOTP_ISSUER = GNLC_NETWORK_SHORT_NAME

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("fr", _("French")), ("es", _("Spanish")), ("ar", _("Arabic"))]
# The catalogues: compiled into gnlc/locale in an installed package (setup.py), in
# locale/ at the repository's root in a checkout; scripts/check_i18n.py points this
# elsewhere to extract strings without touching them.
_LOCALE_DIR = BASE_DIR / "locale" if (BASE_DIR / "locale").is_dir() else BASE_DIR.parent / "locale"
LOCALE_PATHS = [Path(env_str("GNLC_LOCALE_DIR", str(_LOCALE_DIR)))]
TIME_ZONE = env_str("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(DATA_DIR / "static")))
# Front-end libraries come from npm (package.json + package-lock.json); `make static`
# copies the few files we serve from node_modules into this git-ignored folder.
STATICFILES_DIRS = [BASE_DIR / "static", ("vendor", BASE_DIR / "static_vendor")]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if not DEBUG
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(DATA_DIR / "media")))
MEDIA_URL = "media/"
# Confidential uploads (commitment letters, reports' attachments): never served directly.
PRIVATE_MEDIA_ROOT = Path(env_str("PRIVATE_MEDIA_ROOT", str(DATA_DIR / "private")))
# Backups are encrypted with this key when it is set (`gnlc backup --new-key`).
GNLC_BACKUP_KEY = env_str("GNLC_BACKUP_KEY", "")
# Request bodies (gnlc/core/bodylimit.py): a form's fields may take this much, and a
# view that takes files this much more than its files; an upload larger than
# FILE_UPLOAD_MAX_MEMORY_SIZE is spooled to a temporary file rather than held in memory.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 2_621_440)  # 2.5 MB
DATA_UPLOAD_MAX_NUMBER_FIELDS = env_int("DATA_UPLOAD_MAX_NUMBER_FIELDS", 1000)
DATA_UPLOAD_MAX_NUMBER_FILES = env_int("DATA_UPLOAD_MAX_NUMBER_FILES", 10)
FILE_UPLOAD_MAX_MEMORY_SIZE = env_int("FILE_UPLOAD_MAX_MEMORY_SIZE", 2_621_440)

# E-mail: every message is queued in the database (gnlc/mail) and delivered by
# `gnlc send-mail` through the transport: SMTP when EMAIL_HOST is set, else the console.
EMAIL_HOST = env_str("EMAIL_HOST")
EMAIL_BACKEND = "gnlc.mail.backends.QueueBackend"
GNLC_EMAIL_TRANSPORT = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend",
)
# Send what a request queued once it is answered (what fails waits for send-mail). On in
# development, so the console shows mail at once.
GNLC_SEND_MAIL_AFTER_REQUEST = env_bool("GNLC_SEND_MAIL_AFTER_REQUEST", DEBUG)
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
# Seconds before a silent mail server counts as failed (the message stays queued).
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "gnlc@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# One process: memory. Several app servers: Redis (REDIS_URL), shared by all of them for
# the public figures' cache, the rate limit counters and (cached_db) the sessions.
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            # A Redis server down must not hang every request: fail fast, then the
            # callers log and serve uncached (gnlc.core.cache, gnlc.core.ratelimit).
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    # Sessions read from Redis, written through to the database: a Redis restart logs
    # nobody out.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        }
    }
# Fragments of pages that are the same for every request with the same keys (the site
# header's links, the footer: partials/site_header.html, base.html's {% cache %}): in
# each process's memory whatever the default cache, since a trip to Redis would cost
# about what drawing them costs. Not kept with DEBUG, so that an edited template shows.
CACHES["template_fragments"] = {
    "BACKEND": "django.core.cache.backends."
    + ("dummy.DummyCache" if DEBUG else "locmem.LocMemCache"),
    "LOCATION": "template-fragments",
    # A header per address and language at most (member pages): a few megabytes.
    "OPTIONS": {"MAX_ENTRIES": 1000},
}

# The directory's members as bitmaps in each process (gnlc/cities/bitmaps.py), made
# again after every change: "background" builds them in a thread of their own while
# requests take the queries (none waits); "inline" in the request that finds them
# missing (the test suite: a test's rows are invisible to another thread's connection);
# "off" never (the queries answer every request).
GNLC_MEMBER_BITMAPS = env_choice(
    "GNLC_MEMBER_BITMAPS", "background", ("background", "inline", "off")
)

# Rate limits per client IP, "requests/seconds" ("off" for none): see gnlc/core/ratelimit.py.
GNLC_RATE_LIMIT_API = env_rate("GNLC_RATE_LIMIT_API", "120/60")
GNLC_RATE_LIMIT_SEARCH = env_rate("GNLC_RATE_LIMIT_SEARCH", "60/60")
# Suggestions of corrections sent per client (the public, anonymous form).
GNLC_RATE_LIMIT_SUGGEST = env_rate("GNLC_RATE_LIMIT_SUGGEST", "5/3600")
# Forms that send mail to a typed address (password reset, registration): POSTs per client
# address, and messages per recipient (over it: quietly not sent). See gnlc/core/ratelimit.py.
GNLC_RATE_LIMIT_MAIL = env_rate("GNLC_RATE_LIMIT_MAIL", "10/3600")
GNLC_RATE_LIMIT_MAIL_ADDRESS = env_rate("GNLC_RATE_LIMIT_MAIL_ADDRESS", "3/3600")
# How many proxies of ours (load balancer, nginx) append to X-Forwarded-For: the client
# is that many hops from the right. 0: the client is REMOTE_ADDR.
GNLC_PROXY_COUNT = env_int("GNLC_PROXY_COUNT", 0)
# Events: `gnlc send-event-reminders` mails confirmed participants this many days before.
GNLC_EVENT_REMINDER_DAYS = env_int("GNLC_EVENT_REMINDER_DAYS", 2)

# Security: strict by default, loosened only for local HTTP in DEBUG.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
# Preload is what check --deploy asks for; a domain not ready for it sets this to false.
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_HTTPS_PROXY", False) else None
)
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

# A strict Content Security Policy: no inline script or style, nothing from elsewhere.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "font-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

# Prometheus metrics at /metrics (django-prometheus): off unless a token is set, and then
# served only to a request bearing it (gnlc/core/probes.py).
GNLC_METRICS_TOKEN = env_str("GNLC_METRICS_TOKEN", "")
if GNLC_METRICS_TOKEN:
    INSTALLED_APPS.append("django_prometheus")
    MIDDLEWARE = [
        "django_prometheus.middleware.PrometheusBeforeMiddleware",
        *MIDDLEWARE,
        "django_prometheus.middleware.PrometheusAfterMiddleware",
    ]

# Logs on standard error, one line per request among them (gnlc/core/logs.py): plain
# text, or one JSON object a line for a log collector.
GNLC_LOG_FORMAT = env_str("GNLC_LOG_FORMAT", "plain")
if GNLC_LOG_FORMAT not in {"plain", "json"}:
    raise ImproperlyConfigured(f"GNLC_LOG_FORMAT must be plain or json, not {GNLC_LOG_FORMAT!r}.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "gnlc.core.logs.JsonFormatter"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": GNLC_LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}
