"""Canyu settings.

Everything comes from the environment (see README.md and deploy/env.example).
With nothing set you get the embedded set-up: SQLite under var/, local-memory
cache, Celery tasks run eagerly, e-mail printed on the console, DEBUG on.
"""

from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

from canyu.environment import env_bool, env_choice, env_int, env_list, env_rate, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("CANYU_VAR_DIR", str(BASE_DIR / "var")))

DJANGO_ENV = env_choice("DJANGO_ENV", "development", {"development", "production"})
PRODUCTION = DJANGO_ENV == "production"

if PRODUCTION:
    _missing = [name for name in ("SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL") if not env_str(name)]
    if _missing:
        raise ImproperlyConfigured("DJANGO_ENV=production needs these environment variables: " + ", ".join(_missing))

SECRET_KEY = env_str("SECRET_KEY") or "django-insecure-canyu-development-only-never-use-in-production"
DEBUG = env_bool("DEBUG", default=not PRODUCTION)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("DEBUG must be off when DJANGO_ENV=production")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",  # its widget templates, for FORM_RENDERER below
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    # The social sign-in providers configured in the environment are added below (Accounts).
    "csp",
    "outbox",
    "accounts",
    "notifications",
    "search",
    "forum",
    "releases",
    "ideas",
    "polls",
    "feedback",
    "honour",
    "quiz",
    "guesses",
    "meetups",
    "samples",
    # History only: the migrations that created the tables of ideas, polls and feedback (voting/apps.py).
    "voting",
    "community",
    "canyu",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before anything reads the path, query, headers or cookies (static files,
    # sessions, the user): control characters are a 404/400, never a 500.
    "canyu.hostile_input.ControlCharacterMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Django's, but a GET still answers when the database is read-only (canyu/outages.py).
    "canyu.outages.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.UserPreferencesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # After a POST that wrote, this visitor's searches read the primary for a while (search/routing.py).
    "search.routing.PrimaryAfterWriteMiddleware",
    # Last: a database outage raised in a view becomes the 503 page (canyu/outages.py).
    "canyu.outages.OutageMiddleware",
]

# Form widgets are rendered with TEMPLATES, so templates/ may correct one (templates/admin/widgets/).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

ROOT_URLCONF = "canyu.urls"
WSGI_APPLICATION = "canyu.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "notifications.context_processors.notifications",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL")
# Statements a connection runs this often are prepared: PostgreSQL plans them once per connection, not once
# per run. A forum page's entry query cost PostgreSQL 0.17 ms of CPU a read planned each time, 0.03 ms
# prepared (bench/README.md). Needs server-side binding (parameters sent apart from the SQL). 0 turns it
# off: behind a pooler in transaction mode that does not track prepared statements (PgBouncer before 1.21).
DB_PREPARE_THRESHOLD = env_int("DB_PREPARE_THRESHOLD", 5)
POSTGRESQL_OPTIONS = (
    {"server_side_binding": True, "prepare_threshold": DB_PREPARE_THRESHOLD} if DB_PREPARE_THRESHOLD else {}
)


def database(url: str) -> dict:
    """DATABASES' entry for ``url``: kept connections, checked before each request's first query. PostgreSQL
    through canyu.postgresql (Django's backend, whose check asks the kernel before it sends ``SELECT 1``),
    with prepared statements."""
    entry = dj_database_url.parse(url, conn_max_age=env_int("DB_CONN_MAX_AGE", 600), conn_health_checks=True)
    if entry["ENGINE"] == "django.db.backends.postgresql":
        entry["ENGINE"] = "canyu.postgresql"
        entry.setdefault("OPTIONS", {}).update(POSTGRESQL_OPTIONS)
    return entry


if DATABASE_URL:
    DATABASES = {"default": database(DATABASE_URL)}
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "canyu.sqlite3",
            "OPTIONS": {
                # WAL lets the dev server read while a request writes.
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
        }
    }
# A read replica for search queries (search/routing.py): a PostgreSQL URL like DATABASE_URL's, a copy of the
# primary kept by streaming replication. Unset: everything reads the primary.
DATABASE_REPLICA_URL = env_str("DATABASE_REPLICA_URL")
SEARCH_REPLICA_ALIAS = "replica" if DATABASE_REPLICA_URL else ""
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = database(DATABASE_REPLICA_URL)
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["search.routing.SearchRouter"]
# Seconds a visitor's searches read the primary after they wrote something (their post is found at once,
# however far the replica is behind; make it longer than the replica's usual lag).
SEARCH_PRIMARY_AFTER_WRITE = env_int("SEARCH_PRIMARY_AFTER_WRITE", 30, minimum=1)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Retry-After of the 503 page shown while the database is down, restarting or read-only (canyu.outages).
OUTAGE_RETRY_AFTER_SECONDS = env_int("OUTAGE_RETRY_AFTER_SECONDS", 30, minimum=1)

# --- Cache, sessions, Celery ----------------------------------------------
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            # django-redis with a circuit breaker, and rate limits that fail open (canyu/cache.py).
            "BACKEND": "canyu.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "canyu"),
            "OPTIONS": {
                # Redis sits next to the web processes and answers in well under a millisecond:
                # short timeouts, so a Redis that hangs costs a request little (then the breaker).
                "SOCKET_CONNECT_TIMEOUT": env_int("CACHE_CONNECT_TIMEOUT_MS", 250, minimum=1) / 1000,
                "SOCKET_TIMEOUT": env_int("CACHE_SOCKET_TIMEOUT_MS", 500, minimum=1) / 1000,
            },
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    # Redis down must not take reading down: cache errors become misses
    # (sessions fall back to the database, rate limits let posts through).
    DJANGO_REDIS_IGNORE_EXCEPTIONS = True
    # Not one traceback per cache call: canyu.cache logs once when Redis stops and starts answering.
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = False
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "canyu"}}
    SESSION_ENGINE = "django.contrib.sessions.backends.db"
    # The embedded loop (`make run`, canyu/management/commands/serve.py): the web process, a worker and
    # beat pass messages through files under var/celery (kombu's filesystem transport), no service needed.
    CELERY_BROKER_URL = "filesystem://"
    _BROKER_DIR = VAR_DIR / "celery"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_BROKER_DIR / "queue"),
        "data_folder_out": str(_BROKER_DIR / "queue"),
        "control_folder": str(_BROKER_DIR / "control"),
    }
    (_BROKER_DIR / "queue").mkdir(parents=True, exist_ok=True)
    CELERY_RESULT_BACKEND = "cache+memory://"
# After a connection error or timeout, each process leaves the Redis cache alone this long (canyu.cache).
CACHE_RETRY_SECONDS = env_int("CACHE_RETRY_SECONDS", 5)
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE = {
    # Follow-up jobs whose send after commit failed (broker down): outbox.relay.
    "relay-outbox": {"task": "outbox.tasks.relay_waiting_jobs", "schedule": 15, "options": {"expires": 14}},
    # Mails whose delivery failed for a reason that may pass, tried again with growing delays (outbox.mailing).
    "deliver-waiting-mail": {"task": "outbox.tasks.deliver_waiting_mail", "schedule": 60, "options": {"expires": 55}},
    "forget-old-mail": {"task": "outbox.tasks.forget_old_mail", "schedule": crontab(minute=20, hour=4)},
    "flush-thread-views": {"task": "forum.tasks.flush_thread_views", "schedule": 60},
    # Follower notifications whose job was lost (a worker killed): forum.telling.
    "tell-forgotten": {"task": "forum.tasks.tell_forgotten", "schedule": 60, "options": {"expires": 55}},
    "clear-expired-sessions": {
        "task": "accounts.tasks.clear_expired_sessions",
        "schedule": 60 * 60 * 24,
    },
    "recount-forum-counters": {"task": "forum.tasks.recount_counters", "schedule": 60 * 60 * 24},
    "remove-unattached-images": {"task": "forum.tasks.remove_unattached_images", "schedule": 60 * 60},
    # At second 0 of every minute, so a release due at 17:00:00 is out at 17:00:0x.
    # A tick older than a minute is dropped: the next one does the same work.
    "publish-due-releases": {
        "task": "releases.tasks.publish_due_releases",
        "schedule": crontab(),
        "options": {"expires": 55},
    },
    # 00:00 UTC is 08:00 in Asia/Shanghai (no daylight saving): digests arrive
    # with the morning. Two beat processes are harmless (notifications.emailing).
    "send-daily-digests": {"task": "notifications.tasks.send_daily_digests", "schedule": crontab(minute=0, hour=0)},
    # Ideas in build become shipped once their release is out (releases does not import ideas).
    "ship-released-ideas": {
        "task": "ideas.tasks.ship_released_ideas",
        "schedule": crontab(),
        "options": {"expires": 55},
    },
    "recount-idea-votes": {"task": "ideas.tasks.recount_votes", "schedule": crontab(minute=30, hour=3)},
    # The four-cell report (CELERY_TIMEZONE is UTC; Asia/Shanghai is UTC+8 all year). Every minute:
    # open the window of each newly published weekly release (and invite the voters of its shipped
    # ideas); send the reminder due, Tuesday 10:00 Beijing time (02:00 UTC) by default; freeze each
    # window whose time is up, Wednesday 00:00 Beijing time (Tuesday 16:00 UTC) by default, and grant
    # its Popcorn Award. Each is claimed once in the database, however many beats run.
    "open-report-windows": {
        "task": "feedback.tasks.open_report_windows",
        "schedule": crontab(),
        "options": {"expires": 55},
    },
    "remind-reporters": {"task": "feedback.tasks.remind_reporters", "schedule": crontab(), "options": {"expires": 55}},
    "freeze-closed-reports": {
        "task": "feedback.tasks.freeze_closed_reports",
        "schedule": crontab(),
        "options": {"expires": 55},
    },
    # Points and levels rebuilt from the ledger (honour.points); automatic medals granted (honour.medals).
    "recount-standings": {"task": "honour.tasks.recount_standings", "schedule": crontab(minute=50, hour=3)},
    "grant-medals": {
        "task": "honour.tasks.grant_medals",
        "schedule": crontab(minute="*/15"),
        "options": {"expires": 840},
    },
    "recount-anticipation": {"task": "feedback.tasks.recount_anticipation", "schedule": crontab(minute=40, hour=3)},
    # Polls whose closing time is up close (once each, however many beats) and post their result.
    "close-due-polls": {
        "task": "polls.tasks.close_due_polls",
        "schedule": crontab(),
        "options": {"expires": 55},
    },
    # Quizzes whose closing time (plus the submission grace and a margin) has passed have their result
    # frozen and posted, once each however many beats run (quiz.freezing).
    "freeze-due-quizzes": {
        "task": "quiz.tasks.freeze_due_quizzes",
        "schedule": crontab(),
        "options": {"expires": 55},
    },
    # Teasers whose closing time has passed have their answer revealed, once each (guesses.revealing).
    "reveal-due-teasers": {
        "task": "guesses.tasks.reveal_due_teasers",
        "schedule": crontab(),
        "options": {"expires": 55},
    },
    # Meetups starting within a day: their reminder, once each (meetups.reminders); seats recounted daily.
    "remind-due-meetups": {
        "task": "meetups.tasks.remind_due_meetups",
        "schedule": crontab(minute="*/10"),
        "options": {"expires": 540},
    },
    "recount-meetup-seats": {"task": "meetups.tasks.recount_seats", "schedule": crontab(minute=50, hour=3)},
    # The "trending" order of ideas (ideas.trending): votes decayed by age, every ten minutes.
    "refresh-trending-ideas": {
        "task": "ideas.tasks.refresh_trending",
        "schedule": crontab(minute="*/10"),
        "options": {"expires": 540},
    },
}
# Queue name of the tasks: lets several sites (or a test's own workers) share one Redis.
CELERY_TASK_DEFAULT_QUEUE = env_str("CELERY_QUEUE", "celery")

# --- Accounts -------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
# Django's and allauth's, loading the signed-in user with a query compiled once (accounts/backends.py).
AUTHENTICATION_BACKENDS = [
    "accounts.backends.ModelBackend",
    "accounts.backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"

ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
SOCIALACCOUNT_ADAPTER = "accounts.adapters.SocialAccountAdapter"
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_PRESERVE_USERNAME_CASING = True
ACCOUNT_USERNAME_MIN_LENGTH = 3
ACCOUNT_USERNAME_VALIDATORS = "accounts.usernames.USERNAME_VALIDATORS"
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Canyu] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if PRODUCTION else "http"
# allauth's own limits (login, sign-up, password reset...). They live in the
# cache, so in production REDIS_URL must be set or each process counts alone.
# Sign-up attempts (each POST of the form) per client address: a burst limit and
# hourly and daily caps (accounts.ratelimits gives the 429 its Retry-After).
SIGNUPS_PER_IP_HOUR = env_int("SIGNUPS_PER_IP_HOUR", 10, minimum=1)
SIGNUPS_PER_IP_DAY = env_int("SIGNUPS_PER_IP_DAY", 30, minimum=1)
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    # A sign-in refused by these answers 429 with Retry-After (accounts.views.LoginView).
    "login_failed": "10/m/ip,5/5m/key",
    "signup": f"20/m/ip,{SIGNUPS_PER_IP_HOUR}/h/ip,{SIGNUPS_PER_IP_DAY}/d/ip",
}
# Behind nginx the client address is the last X-Forwarded-For hop added by our
# own proxies; with 0 we use REMOTE_ADDR and ignore the header entirely.
ALLAUTH_TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
SOCIALACCOUNT_LOGIN_ON_GET = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False


def _social_apps() -> dict:
    """The social sign-in providers configured in the environment, and only those: SocialApp rows in
    the database are not read (accounts.adapters), and the admin does not offer them."""
    providers = {}
    for provider, prefix in (("github", "GITHUB"), ("weibo", "WEIBO"), ("weixin", "WEIXIN")):
        client_id, secret = env_str(f"{prefix}_CLIENT_ID"), env_str(f"{prefix}_SECRET")
        if client_id and secret:
            providers[provider] = {"APPS": [{"client_id": client_id, "secret": secret, "key": ""}]}
        elif client_id or secret:
            raise ImproperlyConfigured(f"Set both {prefix}_CLIENT_ID and {prefix}_SECRET, or neither")
    return providers


SOCIALACCOUNT_PROVIDERS = _social_apps()
# Only configured providers are installed, so only they have sign-in and callback URLs: another
# provider's /accounts/<provider>/login/ is a 404, not allauth's 500 for a missing app.
INSTALLED_APPS += [f"allauth.socialaccount.providers.{provider}" for provider in SOCIALACCOUNT_PROVIDERS]

# Forum posting limits per user (django-ratelimit syntax: 1/5s, 10/h). Accounts
# younger than FORUM_NEW_ACCOUNT_SECONDS also obey the new_account_* rules and
# may put at most FORUM_NEW_ACCOUNT_MAX_LINKS links and _IMAGES images in a post.
# Quizzes (quiz.attempts): a submission is accepted up to this many seconds after the attempt's
# deadline, for the request's trip from a slow phone; the time taken counts at most up to the deadline.
QUIZ_SUBMIT_GRACE_SECONDS = env_int("QUIZ_SUBMIT_GRACE_SECONDS", 5)

# Meetups (meetups.organisers.may_organise): besides staff, fans at this honour level or above (HONOUR_LEVELS;
# 4, 发烧友: 400 points and an account 30 days old) may organise meetups (approved by moderators).
MEETUPS_ORGANISER_MIN_LEVEL = env_int("MEETUPS_ORGANISER_MIN_LEVEL", 4, minimum=1)
# The board (its slug) where a meetup's photo thread is started once it has ended (meetups.photos).
MEETUPS_PHOTO_BOARD = env_str("MEETUPS_PHOTO_BOARD", "meetups")

# Searches per minute by one client address, for visitors not signed in (search.ratelimits): a search
# costs a full-text query, and robots would otherwise page through the whole forum with it.
SEARCH_RATE_ANONYMOUS = env_rate("SEARCH_RATE_ANONYMOUS", "30/m")
FORUM_RATE_LIMITS = {
    "post": env_rate("FORUM_RATE_POST", "1/5s"),
    "thread": env_rate("FORUM_RATE_THREAD", "1/30s"),
    "new_account_post": env_rate("FORUM_RATE_NEW_ACCOUNT_POST", "10/h"),
    "new_account_thread": env_rate("FORUM_RATE_NEW_ACCOUNT_THREAD", "2/h"),
}
# If the cache cannot count (Redis down), let the post through rather than
# refuse everyone: see forum/ratelimits.py.
RATELIMIT_FAIL_OPEN = True
FORUM_NEW_ACCOUNT_SECONDS = env_int("FORUM_NEW_ACCOUNT_SECONDS", 24 * 60 * 60)
# Board and thread pages (anonymous pages, signed-in shells) are kept at most this
# long: view counts, posters' post counts and "3 minutes ago" are at most this old
# (changes made through Canyu refresh them at once; see forum/pagecache.py).
# 0 turns the page cache off.
FORUM_PAGE_CACHE_SECONDS = env_int("FORUM_PAGE_CACHE_SECONDS", 60)
# While one process rebuilds a page whose replies, likes or edits changed, the others serve the copy
# they have if it is younger than this (never after a hide, move or change of read roles: forum/pagecache.py).
FORUM_PAGE_STALE_SECONDS = env_int("FORUM_PAGE_STALE_SECONDS", 5)
# A busy thread's followers are told about its new replies together, at most this often (forum.telling);
# a quiet thread's reply is told at once.
FORUM_TELLING_SECONDS = env_int("FORUM_TELLING_SECONDS", 2)
# A thread whose follower notifications nobody has touched this long gets a new job (a worker was killed).
FORUM_TELLING_STALE_SECONDS = env_int("FORUM_TELLING_STALE_SECONDS", 60)
# Each process holds the views it counted this long before adding them to Redis's (forum.viewcounts).
FORUM_VIEW_HOLD_SECONDS = env_int("FORUM_VIEW_HOLD_SECONDS", 1)
# How long the rows of an ideas list are shared before being read again (ideas.listcache); 0 turns it off.
IDEAS_LIST_CACHE_SECONDS = env_int("IDEAS_LIST_CACHE_SECONDS", 30)
FORUM_NEW_ACCOUNT_MAX_LINKS = 2
FORUM_NEW_ACCOUNT_MAX_IMAGES = 2
FORUM_NEW_ACCOUNT_MAX_MENTIONS = env_int("FORUM_NEW_ACCOUNT_MAX_MENTIONS", 2)
# Caps per account over the last 24 hours, counted from the account's own rows
# (forum.ratelimits.hold_to_daily_cap): (any account, an account's first day).
# Staff and moderators are exempt, as from every posting limit.
FORUM_DAILY_CAPS = {
    "thread": (env_int("FORUM_DAILY_THREADS", 20, minimum=1), env_int("FORUM_FIRST_DAY_THREADS", 3, minimum=1)),
    "reply": (env_int("FORUM_DAILY_REPLIES", 200, minimum=1), env_int("FORUM_FIRST_DAY_REPLIES", 10, minimum=1)),
    "like": (env_int("FORUM_DAILY_LIKES", 50, minimum=1), env_int("FORUM_FIRST_DAY_LIKES", 20, minimum=1)),
    "idea_vote": (
        env_int("VOTING_DAILY_IDEA_VOTES", 50, minimum=1),
        env_int("VOTING_FIRST_DAY_IDEA_VOTES", 10, minimum=1),
    ),
}
# The same text posted again by the same fan within this many seconds is refused as a duplicate; 0 allows it.
FORUM_DUPLICATE_SECONDS = env_int("FORUM_DUPLICATE_SECONDS", 5 * 60)
POST_IMAGE_MAX_BYTES = 10 * 1024 * 1024
POST_IMAGE_MAX_PIXELS = 40_000_000

AVATAR_MAX_BYTES = 5 * 1024 * 1024
AVATAR_MAX_PIXELS = 24_000_000
AVATAR_SIZE = 256

# Followers notified per batch (one INSERT and one transaction each) when a release is published.
RELEASES_NOTIFY_BATCH = env_int("RELEASES_NOTIFY_BATCH", 2000, minimum=1)
# Voters and followers notified per batch when an idea's status changes.
VOTING_NOTIFY_BATCH = env_int("VOTING_NOTIFY_BATCH", 2000, minimum=1)
# No Popcorn Award for a release with fewer four-cell reports than this (feedback.awards).
VOTING_AWARD_MIN_REPORTS = env_int("VOTING_AWARD_MIN_REPORTS", 20, minimum=1)
# While a report window is open, the feedback summaries count the reports at most once per this many
# seconds per release (and group), and every product manager reads that count (feedback.summaries).
VOTING_LIVE_SUMMARY_SECONDS = env_int("VOTING_LIVE_SUMMARY_SECONDS", 60, minimum=0)

# Points, levels and medals (honour/). Points per cause: a post of yours liked by someone else, an idea of
# yours voted for, an idea of yours shipped, a four-cell report filed, a poll answered.
HONOUR_POINTS = {
    "liked": env_int("HONOUR_POINTS_LIKED", 2),
    "idea_voted": env_int("HONOUR_POINTS_IDEA_VOTED", 2),
    "idea_shipped": env_int("HONOUR_POINTS_IDEA_SHIPPED", 50),
    "report_filed": env_int("HONOUR_POINTS_REPORT_FILED", 5),
    "ballot_cast": env_int("HONOUR_POINTS_BALLOT_CAST", 1),
    "quiz_won": env_int("HONOUR_POINTS_QUIZ_WON", 30),
    "guessed_right": env_int("HONOUR_POINTS_GUESSED_RIGHT", 5),
}
# At most this many points of each kind per person and day (Asia/Shanghai days): beyond it the cause is
# recorded with 0 points (honour.points).
HONOUR_DAILY_CAPS = {
    "liked": env_int("HONOUR_DAILY_CAP_LIKED", 40),
    "idea_voted": env_int("HONOUR_DAILY_CAP_IDEA_VOTED", 40),
    "idea_shipped": env_int("HONOUR_DAILY_CAP_IDEA_SHIPPED", 500),
    "report_filed": env_int("HONOUR_DAILY_CAP_REPORT_FILED", 20),
    "ballot_cast": env_int("HONOUR_DAILY_CAP_BALLOT_CAST", 10),
    "quiz_won": env_int("HONOUR_DAILY_CAP_QUIZ_WON", 300),
    "guessed_right": env_int("HONOUR_DAILY_CAP_GUESSED_RIGHT", 50),
}
# Serial voting: past this many likes or idea votes from one account to another within the window,
# the next ones give no points and are listed for moderators (honour.points, /honour/serial/).
HONOUR_SERIAL_LIMIT = env_int("HONOUR_SERIAL_LIMIT", 5, minimum=1)
HONOUR_SERIAL_WINDOW_SECONDS = env_int("HONOUR_SERIAL_WINDOW_SECONDS", 60 * 60, minimum=1)
# Levels 1, 2, ...: (points, days since the account was made) each needs; names in honour/levels.py.
HONOUR_LEVELS = [(0, 0), (20, 0), (100, 7), (400, 30), (1500, 180), (5000, 365)]
# From this level on, the limits of new accounts (first-day caps and bursts, links, images, mentions)
# no longer apply, however young the account (honour.levels.is_trusted): by default, a first-day account
# whose posts others liked ten times.
HONOUR_TRUSTED_LEVEL = env_int("HONOUR_TRUSTED_LEVEL", 2, minimum=1)
# Medal pictures: at most this many bytes and pixels (canyu.images decodes them safely).
HONOUR_MEDAL_MAX_BYTES = 2 * 1024 * 1024
HONOUR_MEDAL_MAX_PIXELS = 4_000_000
# The Orange Friday streak medal: four-cell reports this many weeks running.
HONOUR_STREAK_WEEKS = env_int("HONOUR_STREAK_WEEKS", 4, minimum=2)

# --- Language and time ----------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# English times on the 24-hour clock (canyu/formats/en/formats.py): "17:00", not "5 p.m.".
FORMAT_MODULE_PATH = ["canyu.formats"]
USE_I18N = True
USE_TZ = True
# Stored times are UTC; this is only the zone times are *shown* in when a
# visitor has not chosen one.
TIME_ZONE = "Asia/Shanghai"
LANGUAGE_COOKIE_AGE = 60 * 60 * 24 * 365

# --- Static and media -----------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "static")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Request bodies (not files) above this are refused; file size limits are in
# the forms and in nginx (client_max_body_size).
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_PERMISSIONS = 0o644

# --- E-mail ---------------------------------------------------------------
EMAIL_HOST = env_str("EMAIL_HOST")
# Sending a mail records it; a worker delivers it with EMAIL_DELIVERY_BACKEND,
# retrying while the server is away (outbox.mailing). A request never waits
# for, or fails with, the mail server.
EMAIL_BACKEND = "outbox.mailing.QueuedEmailBackend"
if EMAIL_HOST:
    EMAIL_DELIVERY_BACKEND = "outbox.smtp.EmailBackend"
    EMAIL_PORT = env_int("EMAIL_PORT", 587)
    EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
    EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
    EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10, minimum=1)
else:
    EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Canyu <noreply@canyu.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Links in e-mails (notifications, digests, unsubscribe) are made from this:
# mails are sent by Celery workers, which have no request to take a host from.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
if not SITE_URL.startswith(("http://", "https://")):
    raise ImproperlyConfigured(f"SITE_URL must start with http:// or https://; got {SITE_URL!r}")
# The font of the share-card pictures of releases and awards (canyu/cardimages.py): a TrueType/OpenType
# file (.ttc: its first face) with Chinese glyphs. Empty: the first of the usual system places that exists
# (Noto Sans CJK, WenQuanYi, Droid Sans Fallback...); without one, lines it cannot draw are left out.
SHARE_CARD_FONT = env_str("SHARE_CARD_FONT", "")

# --- Security -------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "canyu.views.csrf_failure"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"] + env_list("CSP_IMG_SRC"),
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
