"""Notification e-mail tasks: thin wrappers around notifications.emailing.

Every one may run twice (see canyu/celery.py); emailing claims each
notification and records its mail in one transaction, so nobody is mailed
twice. A mail server that fails only delays a mail: outbox.mailing retries it.
"""

from datetime import datetime

from celery import shared_task

from notifications import emailing


@shared_task
def send_notification_emails(key: str, user_ids: list[int]):
    emailing.send_notification_emails(key=key, user_ids=user_ids)


@shared_task
def send_daily_digests():
    emailing.send_daily_digests()


@shared_task
def send_digest_batch(user_ids: list[int], since: str):
    emailing.send_digests(user_ids=user_ids, since=datetime.fromisoformat(since))
