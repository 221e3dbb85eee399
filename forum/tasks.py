from celery import shared_task

from forum import attachments, notifying, recounting, telling, viewcounts


@shared_task
def flush_thread_views():
    viewcounts.flush_views()


@shared_task
def recount_counters():
    recounting.recount_recent()


@shared_task
def remove_unattached_images():
    attachments.remove_unattached_images()


@shared_task
def notify_about_post(post_id: int):
    notifying.notify_about_post(post_id=post_id)


@shared_task
def notify_about_like(post_id: int, user_id: int):
    notifying.notify_about_like(post_id=post_id, user_id=user_id)


@shared_task
def tell_followers(thread_id: int, run: int = 0):
    telling.tell(thread_id=thread_id, run=run)


@shared_task
def tell_forgotten():
    telling.tell_forgotten()
