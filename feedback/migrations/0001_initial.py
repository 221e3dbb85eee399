"""The four-cell reports, the tallies and the Popcorn Awards leave the ``voting`` app for this one without touching a row.

The models were created by voting's migrations 0001-0006. This migration only tells Django's
migration state that they are ``feedback``'s now, on their old tables (the next migration renames the
tables), and moves their content types (and so the permissions and admin history that point to them).
"""

from django.conf import settings
import django.db.models.deletion
import django.db.models.expressions
import django.utils.timezone
from django.db import migrations, models

from voting.migrations._moving import move_content_types


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('releases', '0003_report_window'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ('forum', '0007_versions'),
        ('ideas', '0001_initial'),
        ('voting', '0006_report_fan_recent'),
        ('contenttypes', '0002_remove_content_type_name'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[
            migrations.CreateModel(
                name='IdeaTally',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('picks', models.PositiveIntegerField(verbose_name='anticipation picks')),
                ],
                options={
                    'verbose_name': 'idea tally',
                    'verbose_name_plural': 'idea tallies',
                    'ordering': ['release', '-picks', 'idea'],
                },
            ),
            migrations.CreateModel(
                name='ItemTally',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('title', models.CharField(max_length=120, verbose_name='title')),
                    ('loved', models.PositiveIntegerField(verbose_name='favourite picks')),
                    ('weakest', models.PositiveIntegerField(verbose_name='weakest picks')),
                    ('net', models.IntegerField(verbose_name='net')),
                    ('score', models.FloatField(verbose_name='score')),
                    ('rank', models.PositiveSmallIntegerField(verbose_name='rank')),
                ],
                options={
                    'verbose_name': 'item tally',
                    'verbose_name_plural': 'item tallies',
                    'ordering': ['release', 'rank'],
                },
            ),
            migrations.CreateModel(
                name='MoodTally',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('mood', models.CharField(choices=[('happy', 'Happy'), ('sad', 'Sad'), ('love_it', 'Love it'), ('looking_forward', 'Looking forward')], max_length=20, verbose_name='mood')),
                    ('count', models.PositiveIntegerField(verbose_name='reports')),
                ],
                options={
                    'verbose_name': 'mood tally',
                    'verbose_name_plural': 'mood tallies',
                },
            ),
            migrations.CreateModel(
                name='ReleaseTally',
                fields=[
                    ('release', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='tally', serialize=False, to='releases.release', verbose_name='release')),
                    ('opens_at', models.DateTimeField(verbose_name='reports open')),
                    ('closes_at', models.DateTimeField(verbose_name='reports close')),
                    ('remind_at', models.DateTimeField(verbose_name='reminder time')),
                    ('invited_at', models.DateTimeField(blank=True, null=True, verbose_name='voters of shipped ideas invited')),
                    ('reminded_at', models.DateTimeField(blank=True, null=True, verbose_name='reminder claimed')),
                    ('reminders_sent_at', models.DateTimeField(blank=True, null=True, verbose_name='reminders sent')),
                    ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='created')),
                    ('frozen_at', models.DateTimeField(blank=True, null=True, verbose_name='result frozen')),
                    ('report_count', models.PositiveIntegerField(default=0, verbose_name='reports')),
                    ('active_fans', models.PositiveIntegerField(blank=True, null=True, verbose_name='active fans')),
                    ('min_reports', models.PositiveIntegerField(default=0, verbose_name='minimum reports for the award')),
                ],
                options={
                    'verbose_name': 'release tally',
                    'verbose_name_plural': 'release tallies',
                },
            ),
            migrations.CreateModel(
                name='Report',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('mood', models.CharField(choices=[('happy', 'Happy'), ('sad', 'Sad'), ('love_it', 'Love it'), ('looking_forward', 'Looking forward')], max_length=20, verbose_name='my mood about this update')),
                    ('why_mood', models.CharField(blank=True, max_length=140, verbose_name='why (mood)')),
                    ('why_loved', models.CharField(blank=True, max_length=140, verbose_name='why (loved most)')),
                    ('why_weakest', models.CharField(blank=True, max_length=140, verbose_name='why (weakest)')),
                    ('why_awaited', models.CharField(blank=True, max_length=140, verbose_name='why (waiting for)')),
                    ('device', models.CharField(blank=True, max_length=60, verbose_name='device model')),
                    ('level', models.PositiveSmallIntegerField(verbose_name='level')),
                    ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='reported')),
                    ('updated_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='changed')),
                ],
                options={
                    'verbose_name': 'report',
                    'verbose_name_plural': 'reports',
                },
            ),
            migrations.CreateModel(
                name='SegmentTally',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('by', models.CharField(choices=[('device', 'Device model'), ('level', 'Level')], max_length=10, verbose_name='split by')),
                    ('segment', models.CharField(blank=True, max_length=60, verbose_name='segment')),
                    ('cell', models.CharField(choices=[('mood', 'Mood'), ('loved', 'Loved most'), ('weakest', 'Weakest'), ('awaited', 'Waiting for')], max_length=10, verbose_name='cell')),
                    ('mood', models.CharField(blank=True, choices=[('happy', 'Happy'), ('sad', 'Sad'), ('love_it', 'Love it'), ('looking_forward', 'Looking forward')], max_length=20, verbose_name='mood')),
                    ('count', models.PositiveIntegerField(verbose_name='reports')),
                ],
                options={
                    'verbose_name': 'segment tally',
                    'verbose_name_plural': 'segment tallies',
                },
            ),
            migrations.CreateModel(
                name='Award',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('season', models.CharField(max_length=6, verbose_name='season')),
                    ('score', models.FloatField(verbose_name='score')),
                    ('granted_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='granted')),
                    ('engineer', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='popcorn_awards', to=settings.AUTH_USER_MODEL, verbose_name='engineer')),
                    ('item', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='awards', to='releases.changelogitem', verbose_name='changelog item')),
                    ('release', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='awards', to='releases.release', verbose_name='release')),
                ],
                options={
                    'verbose_name': 'Popcorn Award',
                    'verbose_name_plural': 'Popcorn Awards',
                    'ordering': ['-granted_at', 'id'],
                },
            ),
            migrations.AddField(
                model_name='ideatally',
                name='idea',
                field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='tallies', to='ideas.idea', verbose_name='idea'),
            ),
            migrations.AddField(
                model_name='ideatally',
                name='release',
                field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='idea_tallies', to='releases.release', verbose_name='release'),
            ),
            migrations.AddField(
                model_name='itemtally',
                name='item',
                field=models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='tally', to='releases.changelogitem', verbose_name='changelog item'),
            ),
            migrations.AddField(
                model_name='itemtally',
                name='release',
                field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='item_tallies', to='releases.release', verbose_name='release'),
            ),
            migrations.AddField(
                model_name='moodtally',
                name='release',
                field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='mood_tallies', to='releases.release', verbose_name='release'),
            ),
            migrations.AddField(
                model_name='releasetally',
                name='awarded_item',
                field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='releases.changelogitem', verbose_name='Popcorn Award'),
            ),
            migrations.AddField(
                model_name='releasetally',
                name='result_post',
                field=models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='forum.post', verbose_name='result post'),
            ),
            migrations.AddField(
                model_name='report',
                name='awaited',
                field=models.ForeignKey(on_delete=django.db.models.deletion.RESTRICT, related_name='awaited_in_reports', to='ideas.idea', verbose_name='the feature I am waiting for'),
            ),
            migrations.AddField(
                model_name='report',
                name='fan',
                field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='reports', to=settings.AUTH_USER_MODEL, verbose_name='fan'),
            ),
            migrations.AddField(
                model_name='report',
                name='loved',
                field=models.ForeignKey(on_delete=django.db.models.deletion.RESTRICT, related_name='loved_in_reports', to='releases.changelogitem', verbose_name='the update I love most'),
            ),
            migrations.AddField(
                model_name='report',
                name='release',
                field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='reports', to='releases.release', verbose_name='release'),
            ),
            migrations.AddField(
                model_name='report',
                name='weakest',
                field=models.ForeignKey(on_delete=django.db.models.deletion.RESTRICT, related_name='weakest_in_reports', to='releases.changelogitem', verbose_name='the weakest update'),
            ),
            migrations.AddField(
                model_name='segmenttally',
                name='idea',
                field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='ideas.idea', verbose_name='idea'),
            ),
            migrations.AddField(
                model_name='segmenttally',
                name='item',
                field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='releases.changelogitem', verbose_name='changelog item'),
            ),
            migrations.AddField(
                model_name='segmenttally',
                name='release',
                field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='segment_tallies', to='releases.release', verbose_name='release'),
            ),
            migrations.AddIndex(
                model_name='award',
                index=models.Index(fields=['season', 'engineer'], name='voting_award_season'),
            ),
            migrations.AddConstraint(
                model_name='award',
                constraint=models.UniqueConstraint(fields=('release', 'engineer'), name='voting_award_once_per_engineer'),
            ),
            migrations.AddConstraint(
                model_name='ideatally',
                constraint=models.UniqueConstraint(fields=('release', 'idea'), name='voting_idea_tally_unique'),
            ),
            migrations.AddConstraint(
                model_name='itemtally',
                constraint=models.UniqueConstraint(fields=('release', 'rank'), name='voting_item_rank_unique'),
            ),
            migrations.AddConstraint(
                model_name='itemtally',
                constraint=models.CheckConstraint(condition=models.Q(('net', django.db.models.expressions.CombinedExpression(models.F('loved'), '-', models.F('weakest')))), name='voting_item_net'),
            ),
            migrations.AddConstraint(
                model_name='moodtally',
                constraint=models.UniqueConstraint(fields=('release', 'mood'), name='voting_mood_tally_unique'),
            ),
            migrations.AddIndex(
                model_name='releasetally',
                index=models.Index(condition=models.Q(('frozen_at__isnull', True)), fields=['closes_at'], name='voting_tally_due'),
            ),
            migrations.AddIndex(
                model_name='releasetally',
                index=models.Index(condition=models.Q(('reminded_at__isnull', True)), fields=['remind_at'], name='voting_tally_remind'),
            ),
            migrations.AddIndex(
                model_name='releasetally',
                index=models.Index(condition=models.Q(('frozen_at__isnull', False)), fields=['-frozen_at'], name='voting_tally_frozen'),
            ),
            migrations.AddConstraint(
                model_name='releasetally',
                constraint=models.CheckConstraint(condition=models.Q(('closes_at__gt', models.F('opens_at'))), name='voting_tally_closes_after_opening'),
            ),
            migrations.AddConstraint(
                model_name='releasetally',
                constraint=models.CheckConstraint(condition=models.Q(('frozen_at__isnull', False), ('awarded_item__isnull', True), _connector='OR'), name='voting_tally_award_only_when_frozen'),
            ),
            migrations.AddIndex(
                model_name='report',
                index=models.Index(fields=['release', '-id'], name='voting_report_newest'),
            ),
            migrations.AddIndex(
                model_name='report',
                index=models.Index(fields=['fan', 'created_at'], name='voting_report_fan_recent'),
            ),
            migrations.AddConstraint(
                model_name='report',
                constraint=models.UniqueConstraint(fields=('release', 'fan'), name='voting_one_report_per_fan'),
            ),
            migrations.AddConstraint(
                model_name='report',
                constraint=models.CheckConstraint(condition=models.Q(('loved', models.F('weakest')), _negated=True), name='voting_loved_is_not_weakest'),
            ),
            migrations.AddConstraint(
                model_name='report',
                constraint=models.CheckConstraint(condition=models.Q(('mood__in', ['happy', 'sad', 'love_it', 'looking_forward'])), name='voting_report_mood_known'),
            ),
            migrations.AddConstraint(
                model_name='report',
                constraint=models.CheckConstraint(condition=models.Q(('level__gte', 1)), name='voting_report_level_positive'),
            ),
            migrations.AddIndex(
                model_name='segmenttally',
                index=models.Index(fields=['release', 'by', 'cell'], name='voting_segment_lookup'),
            ),
            migrations.AddConstraint(
                model_name='segmenttally',
                constraint=models.CheckConstraint(condition=models.Q(models.Q(('cell', 'mood'), models.Q(('mood', ''), _negated=True), ('item__isnull', True), ('idea__isnull', True)), models.Q(('cell__in', ['loved', 'weakest']), ('mood', ''), ('item__isnull', False), ('idea__isnull', True)), models.Q(('cell', 'awaited'), ('mood', ''), ('item__isnull', True), ('idea__isnull', False)), _connector='OR'), name='voting_segment_one_choice'),
            ),
            migrations.AlterModelTable(name='report', table='voting_report'),
            migrations.AlterModelTable(name='releasetally', table='voting_releasetally'),
            migrations.AlterModelTable(name='itemtally', table='voting_itemtally'),
            migrations.AlterModelTable(name='moodtally', table='voting_moodtally'),
            migrations.AlterModelTable(name='ideatally', table='voting_ideatally'),
            migrations.AlterModelTable(name='segmenttally', table='voting_segmenttally'),
            migrations.AlterModelTable(name='award', table='voting_award'),
        ]),
        move_content_types(['report', 'releasetally', 'itemtally', 'moodtally', 'ideatally', 'segmenttally', 'award'], to='feedback'),
    ]
