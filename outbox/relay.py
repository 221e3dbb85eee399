"""Recording jobs and relaying them to Celery, at least once.

Why an outbox: ``delay_on_commit`` sends after the commit, so with the broker
down the change is saved, the request fails and the job is gone for good.
Here the job is a row written in the change's transaction; sending it is a
second step that may fail and be repeated:

1. Right after the commit, the process that recorded the job sends it and
   deletes the row. Nobody else takes a new row for ``LEASE``, so the beat does
   not send it a second time while its request is still at it.
2. A row left behind (broker down, process killed between commit and send) is
   claimed by ``relay_waiting_jobs`` (the beat, every 15 seconds, or
   ``manage.py outbox --relay``): rows are taken with ``SELECT … FOR UPDATE
   SKIP LOCKED`` (PostgreSQL) and moved forward by a conditional UPDATE (also
   right on SQLite, which runs one writer at a time), so two beats share the
   work instead of doubling it.

A job may still be sent twice (the broker took it, then the process died
before deleting the row): every task is idempotent, the database decides.
A failure to send never fails the caller: it is logged and the row waits.

On the embedded set-up (``task_always_eager``) "sending" runs the task in
the process, after the commit, as ``delay_on_commit`` did; a task that fails
is logged, as a worker would, and not retried by the outbox.
"""

import logging
import time
from datetime import datetime, timedelta
from importlib import import_module

from django.db import DatabaseError, transaction
from django.db.models import F, Min
from django.utils import timezone

from canyu.celery import app
from outbox.models import Job

logger = logging.getLogger(__name__)

# How long a new or claimed row is left to the process that holds it.
LEASE = timedelta(seconds=60)
# After the broker refused, this process sends nothing for a moment (every job waits for the beat).
BROKER_PAUSE_SECONDS = 5
# Longest wait between two tries of one job.
MAX_BACKOFF = timedelta(minutes=5)
BATCH = 100

_broker_down_until = 0.0


def enqueue(task, *args, **kwargs) -> Job:
    """Record a job in the current transaction; send it right after the commit."""
    return enqueue_in(0, task, *args, **kwargs)


def enqueue_in(seconds: int, task, *args, **kwargs) -> Job:
    """As ``enqueue``, for a task the worker runs ``seconds`` after it takes it (Celery's countdown;
    the embedded set-up, which runs tasks in the process, runs it at once)."""
    name = task if isinstance(task, str) else task.name
    now = timezone.now()
    job = Job.objects.create(
        task=name, args=list(args), kwargs=kwargs, created_at=now, next_try_at=now + LEASE, countdown=seconds
    )
    # Discarded with the transaction (or the savepoint) if it rolls back: the job is never sent.
    transaction.on_commit(lambda: _relay_new(job), robust=True)
    return job


def _relay_new(job: Job) -> None:
    if not app.conf.task_always_eager and time.monotonic() < _broker_down_until:
        return  # the broker refused a moment ago: the beat sends it, this request does not wait
    if _send(job):
        _forget([job.pk])


def _send(job: Job) -> bool:
    """Hand the job to Celery; False (logged) if the broker did not take it."""
    global _broker_down_until
    task = _task(app, job.task)
    if task is None:
        logger.error("Outbox job %s names no known task %r; it waits", job.pk, job.task)
        return False
    if app.conf.task_always_eager:
        try:
            task.apply_async(job.args, job.kwargs)
        except Exception:  # the task's own failure, logged as a worker logs it
            logger.exception("Task %s of outbox job %s failed", job.task, job.pk)
        return True
    try:
        # No result is read back: a result backend that is down must not stop the send either.
        task.apply_async(job.args, job.kwargs, ignore_result=True, countdown=job.countdown or None)
    except Exception as error:  # noqa: BLE001 - kombu raises transport-specific errors
        _broker_down_until = time.monotonic() + BROKER_PAUSE_SECONDS
        logger.warning("Outbox job %s (%s) not sent, it waits for the relay: %s", job.pk, job.task, error)
        _note_failure(job, error)
        return False
    _broker_down_until = 0.0
    return True


def _task(app, name: str):
    """The task of this name, importing its module if nothing imported it yet (callers name tasks, not import them)."""
    if name not in app.tasks:
        try:
            import_module(name.rpartition(".")[0])
        except ImportError:
            return None
    return app.tasks.get(name)


def _note_failure(job: Job, error: Exception) -> None:
    wait = min(MAX_BACKOFF, timedelta(seconds=5 * 2 ** min(job.attempts, 10)))
    try:
        Job.objects.filter(pk=job.pk).update(
            attempts=F("attempts") + 1, next_try_at=timezone.now() + wait, last_error=str(error)[:500]
        )
    except DatabaseError:
        logger.exception("Outbox job %s: could not note the failure", job.pk)


def _forget(job_ids: list[int]) -> None:
    try:
        Job.objects.filter(pk__in=job_ids).delete()
    except DatabaseError:  # sent but kept: it is sent again later, which a task takes in its stride
        logger.exception("Outbox jobs %s sent but not deleted", job_ids)


def relay_waiting_jobs(*, now: datetime | None = None, everything: bool = False, limit: int = 10_000) -> int:
    """Send the jobs that wait (those due; every one with ``everything``). Returns how many were sent.

    Stops at the first job the broker does not take: the others wait for the next run.
    """
    sent = 0
    while sent < limit:
        jobs = _claim(now=now or timezone.now(), everything=everything)
        if not jobs:
            break
        for job in jobs:
            if not _send(job):
                return sent
            _forget([job.pk])
            sent += 1
    return sent


def _claim(*, now: datetime, everything: bool) -> list[Job]:
    """Take a batch of rows for LEASE: locked rows (another relay's) are skipped on PostgreSQL."""
    with transaction.atomic():
        due = Job.objects.all() if everything else Job.objects.filter(next_try_at__lte=now)
        jobs = list(due.select_for_update(skip_locked=True).order_by("next_try_at", "pk")[:BATCH])
        if jobs:
            Job.objects.filter(pk__in=[job.pk for job in jobs]).update(next_try_at=now + LEASE)
    return jobs


def waiting_count() -> int | None:
    """How many jobs wait to be sent (a healthy site has none older than a few seconds).

    None if the database does not answer: /healthz says so elsewhere and must not fail here.
    """
    try:
        return Job.objects.count()
    except DatabaseError:
        return None


def oldest_waiting() -> datetime | None:
    return Job.objects.aggregate(oldest=Min("created_at"))["oldest"]
