"""Ideas, their votes, status history and title terms leave the ``voting`` app for this one without touching a row.

The models were created by voting's migrations 0001-0006. This migration only tells Django's
migration state that they are ``ideas``'s now, on their old tables (the next migration renames the
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
        ('releases', '0003_report_window'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ('voting', '0006_report_fan_recent'),
        ('contenttypes', '0002_remove_content_type_name'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[
            migrations.CreateModel(
                name='Idea',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('status', models.CharField(choices=[('new', 'New'), ('under_review', 'Under review'), ('planned', 'Planned'), ('in_build', 'In build'), ('shipped', 'Shipped'), ('declined', 'Declined'), ('duplicate', 'Duplicate')], default='new', max_length=20, verbose_name='status')),
                    ('vote_count', models.PositiveIntegerField(default=0, verbose_name='votes')),
                    ('anticipation_count', models.PositiveIntegerField(default=0, verbose_name='anticipation picks')),
                    ('trending_score', models.FloatField(default=0.0, verbose_name='trending score')),
                    ('term_count', models.PositiveSmallIntegerField(default=0, verbose_name='title terms')),
                    ('status_note', models.CharField(blank=True, max_length=500, verbose_name='status note')),
                    ('status_changed_at', models.DateTimeField(blank=True, null=True, verbose_name='status changed')),
                    ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='created')),
                    ('area', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='ideas', to='releases.featurearea', verbose_name='feature area')),
                    ('changelog_item', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='ideas', to='releases.changelogitem', verbose_name='changelog item')),
                    ('merged_into', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='duplicates', to='ideas.idea', verbose_name='merged into')),
                    ('product', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='ideas', to='releases.product', verbose_name='product')),
                    ('target_release', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='planned_ideas', to='releases.release', verbose_name='target release')),
                    ('thread', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='idea', to='forum.thread', verbose_name='thread')),
                ],
                options={
                    'verbose_name': 'idea',
                    'verbose_name_plural': 'ideas',
                },
            ),
            migrations.CreateModel(
                name='IdeaTerm',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('term', models.CharField(max_length=40, verbose_name='term')),
                    ('idea', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='terms', to='ideas.idea', verbose_name='idea')),
                ],
                options={
                    'verbose_name': 'title term',
                    'verbose_name_plural': 'title terms',
                },
            ),
            migrations.CreateModel(
                name='IdeaVote',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='voted')),
                    ('idea', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='votes', to='ideas.idea', verbose_name='idea')),
                    ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='idea_votes', to=settings.AUTH_USER_MODEL, verbose_name='user')),
                ],
                options={
                    'verbose_name': 'vote',
                    'verbose_name_plural': 'votes',
                },
            ),
            migrations.CreateModel(
                name='StatusChange',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('from_status', models.CharField(choices=[('new', 'New'), ('under_review', 'Under review'), ('planned', 'Planned'), ('in_build', 'In build'), ('shipped', 'Shipped'), ('declined', 'Declined'), ('duplicate', 'Duplicate')], max_length=20, verbose_name='from')),
                    ('to_status', models.CharField(choices=[('new', 'New'), ('under_review', 'Under review'), ('planned', 'Planned'), ('in_build', 'In build'), ('shipped', 'Shipped'), ('declined', 'Declined'), ('duplicate', 'Duplicate')], max_length=20, verbose_name='to')),
                    ('note', models.CharField(blank=True, max_length=500, verbose_name='note')),
                    ('at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='when')),
                    ('by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='by')),
                    ('idea', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='status_changes', to='ideas.idea', verbose_name='idea')),
                ],
                options={
                    'verbose_name': 'status change',
                    'verbose_name_plural': 'status changes',
                    'ordering': ['at', 'id'],
                },
            ),
            migrations.AddIndex(
                model_name='idea',
                index=models.Index(fields=['product', '-vote_count', '-id'], name='voting_idea_top'),
            ),
            migrations.AddIndex(
                model_name='idea',
                index=models.Index(fields=['product', '-trending_score', '-id'], name='voting_idea_trending'),
            ),
            migrations.AddIndex(
                model_name='idea',
                index=models.Index(fields=['product', '-created_at', '-id'], name='voting_idea_new'),
            ),
            migrations.AddIndex(
                model_name='idea',
                index=models.Index(condition=models.Q(('status', 'in_build')), fields=['changelog_item'], name='voting_idea_in_build'),
            ),
            migrations.AddConstraint(
                model_name='idea',
                constraint=models.CheckConstraint(condition=models.Q(models.Q(('status', 'duplicate'), ('merged_into__isnull', False)), models.Q(models.Q(('status', 'duplicate'), _negated=True), ('merged_into__isnull', True)), _connector='OR'), name='voting_idea_duplicate_iff_merged'),
            ),
            migrations.AddConstraint(
                model_name='idea',
                constraint=models.CheckConstraint(condition=models.Q(('merged_into', models.F('pk')), _negated=True), name='voting_idea_not_merged_into_itself'),
            ),
            migrations.AddConstraint(
                model_name='idea',
                constraint=models.CheckConstraint(condition=models.Q(models.Q(('status', 'planned'), _negated=True), ('target_release__isnull', False), _connector='OR'), name='voting_idea_planned_has_release'),
            ),
            migrations.AddConstraint(
                model_name='idea',
                constraint=models.CheckConstraint(condition=models.Q(models.Q(('status__in', ['in_build', 'shipped']), _negated=True), ('changelog_item__isnull', False), _connector='OR'), name='voting_idea_in_build_has_item'),
            ),
            migrations.AddConstraint(
                model_name='idea',
                constraint=models.CheckConstraint(condition=models.Q(models.Q(('status', 'declined'), _negated=True), models.Q(('status_note', ''), _negated=True), _connector='OR'), name='voting_idea_declined_has_note'),
            ),
            migrations.AddIndex(
                model_name='ideaterm',
                index=models.Index(fields=['term', 'idea'], name='voting_term_lookup'),
            ),
            migrations.AddConstraint(
                model_name='ideaterm',
                constraint=models.UniqueConstraint(fields=('idea', 'term'), name='voting_one_term_per_idea'),
            ),
            migrations.AddIndex(
                model_name='ideavote',
                index=models.Index(fields=['idea', 'created_at'], name='voting_vote_recent'),
            ),
            migrations.AddIndex(
                model_name='ideavote',
                index=models.Index(fields=['user', 'created_at'], name='voting_vote_user_recent'),
            ),
            migrations.AddConstraint(
                model_name='ideavote',
                constraint=models.UniqueConstraint(fields=('idea', 'user'), name='voting_one_vote_per_fan'),
            ),
            migrations.AddIndex(
                model_name='statuschange',
                index=models.Index(fields=['idea', 'at'], name='voting_status_history'),
            ),
            migrations.AlterModelTable(name='idea', table='voting_idea'),
            migrations.AlterModelTable(name='ideavote', table='voting_ideavote'),
            migrations.AlterModelTable(name='statuschange', table='voting_statuschange'),
            migrations.AlterModelTable(name='ideaterm', table='voting_ideaterm'),
        ]),
        move_content_types(['idea', 'ideavote', 'statuschange', 'ideaterm'], to='ideas'),
    ]
