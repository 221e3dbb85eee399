from django.core.management.base import BaseCommand

from forum.recounting import recount_all


class Command(BaseCommand):
    help = "Rebuild every forum counter (replies, board totals, users' posts, likes) from the rows."

    def handle(self, *args, **options):
        for counter, corrected in recount_all().items():
            self.stdout.write(f"{counter}: {corrected} corrected")
