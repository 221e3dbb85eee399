from django.core.management.base import BaseCommand
from django.utils import timezone

from outbox import relay


class Command(BaseCommand):
    help = "Show how many follow-up jobs wait to be sent to Celery; --relay sends them now."

    def add_arguments(self, parser):
        parser.add_argument("--relay", action="store_true", help="send every waiting job now, back-off or not")

    def handle(self, *args, relay_now=False, **options):
        if options["relay"]:
            sent = relay.relay_waiting_jobs(everything=True)
            self.stdout.write(f"sent: {sent}")
        waiting = relay.waiting_count()
        oldest = relay.oldest_waiting()
        age = f"{(timezone.now() - oldest).total_seconds():.0f} s" if oldest else "-"
        self.stdout.write(f"waiting: {waiting}\noldest: {age}")
