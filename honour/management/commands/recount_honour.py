from django.core.management.base import BaseCommand

from honour.points import recount_standings


class Command(BaseCommand):
    help = "Rebuild every person's points and level from the points ledger."

    def handle(self, *args, **options):
        self.stdout.write(f"standings: {recount_standings()} corrected")
