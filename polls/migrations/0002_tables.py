"""The tables get polls's names: voting_poll becomes polls_poll, and so on (a rename; no row is
rewritten). Constraint and index names keep their voting_ prefix: renaming them would rebuild tables on SQLite."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('polls', '0001_initial'),
        ('voting', '0007_models_moved'),
    ]

    operations = [
        migrations.AlterModelTable(name='poll', table=None),
        migrations.AlterModelTable(name='polloption', table=None),
        migrations.AlterModelTable(name='ballot', table=None),
        migrations.AlterModelTable(name='ballotchoice', table=None),
    ]
