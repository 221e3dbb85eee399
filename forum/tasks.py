from celery import shared_task

from forum import viewcounts


@shared_task
def flush_thread_views():
    viewcounts.flush_views()
