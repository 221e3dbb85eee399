"""The site as production serves it, plus the benchmark's floor view (bench/urls.py).

bench/forum_bench.py sets DATABASE_URL and REDIS_URL before this is imported,
so canyu.settings picks PostgreSQL (persistent connections, CONN_MAX_AGE and
health checks as in production), the Redis cache and cached_db sessions. Not
DJANGO_ENV=production itself: that redirects plain HTTP to HTTPS and wants
collectstatic's manifest, neither of which a benchmark on 127.0.0.1 can use.
"""

import warnings

from canyu.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
# As in production: no query log kept, no debug pages.
DEBUG = False
# 127.0.0.2–17: the storm benchmark reads each step through its own loopback address (bench/storm_bench.py).
ALLOWED_HOSTS = ["127.0.0.1", "localhost", *(f"127.0.0.{number}" for number in range(2, 18))]

# The benchmark serves no static files; a deployment runs collectstatic first.
warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
