from celery import shared_task

from honour import announcing, medals, points


@shared_task
def announce_level(user_id: int, level: int):
    announcing.announce_level(user_id=user_id, level=level)


@shared_task
def announce_medal(award_id: int):
    announcing.announce_medal(award_id=award_id)


@shared_task
def recount_standings():
    points.recount_standings()


@shared_task
def grant_medals():
    medals.grant_automatic_medals()
