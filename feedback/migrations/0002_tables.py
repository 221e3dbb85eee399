"""The tables get feedback's names: voting_report becomes feedback_report, and so on (a rename; no row is
rewritten). Constraint and index names keep their voting_ prefix: renaming them would rebuild tables on SQLite."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('feedback', '0001_initial'),
        ('voting', '0007_models_moved'),
    ]

    operations = [
        migrations.AlterModelTable(name='report', table=None),
        migrations.AlterModelTable(name='releasetally', table=None),
        migrations.AlterModelTable(name='itemtally', table=None),
        migrations.AlterModelTable(name='moodtally', table=None),
        migrations.AlterModelTable(name='ideatally', table=None),
        migrations.AlterModelTable(name='segmenttally', table=None),
        migrations.AlterModelTable(name='award', table=None),
    ]
