"""The transactional outbox: follow-up jobs recorded in the transaction of the change they follow.

``outbox.enqueue("forum.tasks.notify_about_post", post.pk)`` writes a row in
the caller's transaction: the job commits with the change, or not at all. Right
after the commit the row is sent to Celery and deleted (``outbox.relay``); what
could not be sent (the broker down) waits and is relayed by the beat task
``outbox.tasks.relay_waiting_jobs`` or by ``manage.py outbox --relay``.
"""


def enqueue(task, *args, **kwargs):
    """Record a job for the task (a task or its name) with these JSON arguments; relayed after commit."""
    return _relay().enqueue(task, *args, **kwargs)


def enqueue_in(seconds: int, task, *args, **kwargs):
    """As ``enqueue``, run by the worker ``seconds`` after it takes the job."""
    return _relay().enqueue_in(seconds, task, *args, **kwargs)


def _relay():
    from outbox import relay  # models are not importable while apps load

    return relay
