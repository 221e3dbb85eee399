"""Notification e-mail tasks: thin wrappers around notifications.emailing.

Every one may run twice (see canyu/celery.py); emailing claims each
notification before mailing it, so nobody is mailed twice. A failed send gives
its claim back and is retried with growing delays.
"""

import smtplib
from datetime import datetime

from celery import shared_task

from notifications import emailing

_RETRY = {"autoretry_for": (smtplib.SMTPException, OSError), "retry_backoff": 60, "max_retries": 6}


@shared_task(**_RETRY)
def send_notification_emails(key: str, user_ids: list[int]):
    emailing.send_notification_emails(key=key, user_ids=user_ids)


@shared_task
def send_daily_digests():
    emailing.send_daily_digests()


@shared_task(**_RETRY)
def send_digest_batch(user_ids: list[int], since: str):
    emailing.send_digests(user_ids=user_ids, since=datetime.fromisoformat(since))
