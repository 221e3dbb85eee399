"""Polls, their answers and the fans' ballots leave the ``voting`` app for this one without touching a row.

The models were created by voting's migrations 0001-0006. This migration only tells Django's
migration state that they are ``polls``'s now, on their old tables (the next migration renames the
tables), and moves their content types (and so the permissions and admin history that point to them).
"""

from django.conf import settings
import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models

from voting.migrations._moving import move_content_types


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('forum', '0007_versions'),
        ('ideas', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ('voting', '0006_report_fan_recent'),
        ('contenttypes', '0002_remove_content_type_name'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[
            migrations.CreateModel(
                name='Poll',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('question', models.CharField(max_length=200, verbose_name='question')),
                    ('choice', models.CharField(choices=[('single', 'One answer'), ('multiple', 'Several answers')], default='single', max_length=10, verbose_name='answers')),
                    ('results', models.CharField(choices=[('live', 'Shown while the poll is open'), ('after_close', 'Hidden until the poll closes')], default='after_close', max_length=12, verbose_name='results')),
                    ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='opened')),
                    ('closes_at', models.DateTimeField(verbose_name='closes')),
                    ('closed_at', models.DateTimeField(blank=True, null=True, verbose_name='closed')),
                    ('ballot_count', models.PositiveIntegerField(default=0, verbose_name='ballots')),
                    ('opened_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='opened by')),
                    ('result_post', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='forum.post', verbose_name='result post')),
                    ('thread', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='polls', to='forum.thread', verbose_name='thread')),
                ],
                options={
                    'verbose_name': 'poll',
                    'verbose_name_plural': 'polls',
                },
            ),
            migrations.CreateModel(
                name='Ballot',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='cast')),
                    ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='ballots', to=settings.AUTH_USER_MODEL, verbose_name='user')),
                    ('poll', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='ballots', to='polls.poll', verbose_name='poll')),
                ],
                options={
                    'verbose_name': 'ballot',
                    'verbose_name_plural': 'ballots',
                },
            ),
            migrations.CreateModel(
                name='PollOption',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('position', models.PositiveSmallIntegerField(verbose_name='position')),
                    ('label', models.CharField(max_length=120, verbose_name='answer')),
                    ('vote_count', models.PositiveIntegerField(default=0, verbose_name='votes')),
                    ('idea', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='poll_options', to='ideas.idea', verbose_name='idea')),
                    ('poll', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='options', to='polls.poll', verbose_name='poll')),
                ],
                options={
                    'verbose_name': 'poll answer',
                    'verbose_name_plural': 'poll answers',
                    'ordering': ['poll', 'position'],
                },
            ),
            migrations.CreateModel(
                name='BallotChoice',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('ballot', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='choices', to='polls.ballot', verbose_name='ballot')),
                    ('option', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='choices', to='polls.polloption', verbose_name='answer')),
                ],
                options={
                    'verbose_name': 'ballot answer',
                    'verbose_name_plural': 'ballot answers',
                },
            ),
            migrations.AddIndex(
                model_name='poll',
                index=models.Index(condition=models.Q(('closed_at__isnull', True)), fields=['closes_at'], name='voting_poll_due'),
            ),
            migrations.AddIndex(
                model_name='poll',
                index=models.Index(fields=['thread', 'created_at'], name='voting_poll_thread'),
            ),
            migrations.AddConstraint(
                model_name='poll',
                constraint=models.CheckConstraint(condition=models.Q(('closes_at__gt', models.F('created_at'))), name='voting_poll_closes_later'),
            ),
            migrations.AddConstraint(
                model_name='ballot',
                constraint=models.UniqueConstraint(fields=('poll', 'user'), name='voting_one_ballot_per_fan'),
            ),
            migrations.AddConstraint(
                model_name='polloption',
                constraint=models.UniqueConstraint(fields=('poll', 'position'), name='voting_option_position'),
            ),
            migrations.AddIndex(
                model_name='ballotchoice',
                index=models.Index(fields=['option'], name='voting_choice_option'),
            ),
            migrations.AddConstraint(
                model_name='ballotchoice',
                constraint=models.UniqueConstraint(fields=('ballot', 'option'), name='voting_answer_once_per_ballot'),
            ),
            migrations.AlterModelTable(name='poll', table='voting_poll'),
            migrations.AlterModelTable(name='polloption', table='voting_polloption'),
            migrations.AlterModelTable(name='ballot', table='voting_ballot'),
            migrations.AlterModelTable(name='ballotchoice', table='voting_ballotchoice'),
        ]),
        move_content_types(['poll', 'polloption', 'ballot', 'ballotchoice'], to='polls'),
    ]
