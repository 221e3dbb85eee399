"""The activities page (/activities/): what is open now and coming up in each activity app, in one
place, so the header needs one link for all of them. Two queries per app, from each app's own page
function."""

from dataclasses import dataclass

from django.utils import timezone

from guesses.pages import TeaserList, teaser_list
from meetups.pages import MeetupList, meetup_list
from quiz.pages import QuizList, quiz_list


@dataclass
class ActivitiesPage:
    quizzes: QuizList
    teasers: TeaserList
    meetups: MeetupList


def activities_page(user) -> ActivitiesPage:
    now = timezone.now()
    return ActivitiesPage(
        quizzes=quiz_list(user, now=now), teasers=teaser_list(user, now=now), meetups=meetup_list(user, now=now)
    )
