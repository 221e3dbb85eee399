"""Demo data for `make run`: accounts of every role, boards and conversations, releases.
Safe to run again: it only creates what is missing."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from accounts.demo import DEMO_PASSWORD, DEMO_USERS, create_demo_users
from feedback.demo import create_demo_reports, create_past_reports
from forum.demo import create_demo_forum
from forum.demo_photos import create_demo_photos
from guesses.demo import create_demo_teasers
from honour.demo import create_demo_medals
from ideas.demo import create_demo_ideas
from meetups.demo import create_demo_meetups
from quiz.demo import create_demo_quizzes
from releases.demo import create_demo_releases, create_past_releases
from samples.demo import create_demo_programme


class Command(BaseCommand):
    help = "Create the demo accounts and forum (once) and print the accounts."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Allow running with DJANGO_ENV=production.")

    def handle(self, *args, force=False, **options):
        if settings.PRODUCTION and not force:
            raise CommandError("Refusing to create demo accounts with known passwords in production.")
        users = create_demo_users()
        forum = create_demo_forum()
        photos = create_demo_photos()
        releases = create_demo_releases()
        past = create_past_releases()
        ideas = create_demo_ideas()
        reports = create_demo_reports()
        past_reports = create_past_reports()
        medals = create_demo_medals()
        quizzes = create_demo_quizzes()
        teasers = create_demo_teasers()
        meetups = create_demo_meetups()
        programme = create_demo_programme()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready: {users} new accounts"
                + (", demo forum created" if forum else "")
                + (f", {photos} photos posted" if photos else "")
                + (", demo releases created" if releases else "")
                + (f", {len(past)} earlier builds" if past else "")
                + (", demo ideas created" if ideas else "")
                + (", demo reports created" if reports else "")
                + (f", reports on {past_reports} earlier builds" if past_reports else "")
                + (", demo medals granted" if medals else "")
                + (", demo quizzes created" if quizzes else "")
                + (", demo teasers created" if teasers else "")
                + (", demo meetups created" if meetups else "")
                + (", a demo sample programme created" if programme else "")
                + "."
            )
        )
        self.stdout.write(f"Demo accounts (password for all: {DEMO_PASSWORD}):")
        for username, _email, role, *_rest in DEMO_USERS:
            self.stdout.write(f"  {username:<12} {role.value}")
