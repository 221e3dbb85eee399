"""Gunicorn settings for Canyu in production (see deploy/canyu-web.service).

    gunicorn --config deploy/gunicorn.conf.py canyu.wsgi

Gunicorn listens on loopback only; nginx (deploy/nginx.conf) is the one thing
that talks to it. Django trusts X-Forwarded-Proto in production
(SECURE_PROXY_SSL_HEADER) and allauth trusts the last X-Forwarded-For hop
(TRUSTED_PROXY_COUNT=1), which is only safe while no client can reach this
port without going through nginx.
"""

import multiprocessing
import os

# Set explicitly: without it Gunicorn binds 0.0.0.0:$PORT whenever PORT is set.
# A Unix socket also works (then point nginx's upstream at it and make the
# socket's directory readable by nginx's group):
#   GUNICORN_BIND=unix:/run/canyu-web/gunicorn.sock
# Prefer it on a busy host: sync workers close every connection, each leaves a
# TCP port pair in TIME_WAIT for 60 s, and past ~450 requests/s nginx's 28 000
# ephemeral ports to 127.0.0.1:8000 come round while still waiting, so some
# requests wait a second for a SYN to be resent (measured: bench/storm_bench.py,
# class Addresses). A Unix socket has no ports.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")

# Sync workers: nginx buffers slow clients and whole request bodies (uploads),
# so a worker is only busy while Django works. Each worker keeps one
# PostgreSQL connection open (DB_CONN_MAX_AGE): size max_connections (or
# PgBouncer) for workers x hosts + Celery. 2 x CPUs + 1 suits a web host whose
# workers wait on PostgreSQL and Redis over the network; on a host that runs
# them too, set WEB_CONCURRENCY to the CPU count (measured on 2 cores: 5 workers
# cost 1.6 times the CPU per read of 2, bench/README.md).
workers = int(os.environ.get("WEB_CONCURRENCY") or multiprocessing.cpu_count() * 2 + 1)
worker_class = "sync"

# A request running longer than this is killed and the worker replaced.
timeout = 30
# On restart or HUP, workers get this long to finish their requests.
graceful_timeout = 30
# Ignored by sync workers; kept short in case worker_class changes.
keepalive = 5
# Replace each worker now and then, staggered, so slow leaks cannot pile up.
max_requests = 2000
max_requests_jitter = 200

# The worker heartbeat file is touched constantly: keep it off the disk.
# systemd sets RUNTIME_DIRECTORY (a tmpfs under /run) from RuntimeDirectory=.
_runtime_dir = os.environ.get("RUNTIME_DIRECTORY")
if _runtime_dir:
    worker_tmp_dir = _runtime_dir
    # gunicornc's socket; by default it would go under $HOME, read-only here.
    control_socket = os.path.join(_runtime_dir, "gunicorn.ctl")
elif os.path.isdir("/dev/shm"):
    worker_tmp_dir = "/dev/shm"

# Only the local nginx may tell us the request came over HTTPS, and only with
# the one header nginx sets (the others would be passed through from clients).
forwarded_allow_ips = "127.0.0.1,::1"
secure_scheme_headers = {"X-FORWARDED-PROTO": "https"}

# Logs go to stdout/stderr, which systemd sends to the journal.
accesslog = "-"
errorlog = "-"
loglevel = "info"
# As the default format, but with the client address nginx saw instead of
# 127.0.0.1 ("-" for requests that bypassed nginx, such as a local health
# probe), and the time taken in milliseconds.
access_log_format = '%({x-forwarded-for}i)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(M)sms'
