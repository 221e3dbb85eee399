"""The tables get ideas's names: voting_idea becomes ideas_idea, and so on (a rename; no row is
rewritten). Constraint and index names keep their voting_ prefix: renaming them would rebuild tables on SQLite."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('ideas', '0001_initial'),
        ('voting', '0007_models_moved'),
    ]

    operations = [
        migrations.AlterModelTable(name='idea', table=None),
        migrations.AlterModelTable(name='ideavote', table=None),
        migrations.AlterModelTable(name='statuschange', table=None),
        migrations.AlterModelTable(name='ideaterm', table=None),
    ]
