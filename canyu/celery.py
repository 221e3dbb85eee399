"""The Celery app. Delivery settings live here, once, for every task.

A task may run twice (a retried task, a worker killed mid-task and the message
redelivered after the visibility timeout): every task must be idempotent, and
the database, not the broker, decides that something happens once.
"""

import os

from celery import Celery
from django.conf import settings

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "canyu.settings")

app = Celery("canyu")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.update(
    # Acknowledge after the task ran, and put it back if the worker died.
    task_acks_late=True,
    task_reject_on_worker_lost=True,
    worker_prefetch_multiplier=1,
    # A send must not hold a request up when Redis is away: the job waits in
    # the outbox (outbox.relay) and goes out later. One quick retry covers a
    # pooled connection that went stale while Redis restarted.
    broker_transport_options={
        "visibility_timeout": 60 * 60,
        "socket_connect_timeout": 1,
        "socket_timeout": 2,
        **getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", {}),
    },
    broker_connection_timeout=1,
    task_publish_retry_policy={"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2},
    redis_socket_connect_timeout=1,
    broker_connection_retry_on_startup=True,
    task_serializer="json",
    accept_content=["json"],
    result_expires=60 * 60 * 24,
)
app.autodiscover_tasks()
