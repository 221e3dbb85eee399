from django.core.management.base import BaseCommand
from django.utils import timezone

from outbox import mailing, relay


class Command(BaseCommand):
    help = "Show how many follow-up jobs and mails wait; --relay sends them now."

    def add_arguments(self, parser):
        parser.add_argument(
            "--relay",
            action="store_true",
            help="send every waiting job and try every waiting mail now, back-off or not",
        )

    def handle(self, *args, **options):
        if options["relay"]:
            self.stdout.write(f"jobs sent: {relay.relay_waiting_jobs(everything=True)}")
            self.stdout.write(f"mails sent: {mailing.deliver_waiting_mail(everything=True)}")
        oldest = relay.oldest_waiting()
        age = f"{(timezone.now() - oldest).total_seconds():.0f} s" if oldest else "-"
        mails = mailing.waiting_mail()
        self.stdout.write(
            f"jobs waiting: {relay.waiting_count()}\noldest job: {age}\n"
            f"mails waiting: {mails['pending']}\nmails being sent: {mails['sending']}\n"
            f"mails maybe sent (not retried): {mails['uncertain']}\nmails given up: {mails['failed']}"
        )
