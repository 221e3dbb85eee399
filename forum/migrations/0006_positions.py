"""Post floors: each post's place in its thread, so a thread page is a range of an index.

Existing posts are numbered in id order, thread by thread, by one UPDATE with
a window function (about half a minute for 1 000 000 posts on PostgreSQL;
SQLite runs the same statement from 3.33 on), and each thread's last_floor is
set from them. Only then the unique constraint on (thread, floor) is built,
and the thread's own foreign-key index dropped: the constraint's index serves
every lookup by thread. The board page gets its index-only order and its
count of hidden threads.
"""

import sqlite3

import django.db.models.deletion
from django.db import migrations, models


def number_posts(apps, schema_editor):
    """Floors 1, 2, 3... by id within each thread, and each thread's last_floor; the same for any size."""
    connection = schema_editor.connection
    post = connection.ops.quote_name(apps.get_model("forum", "Post")._meta.db_table)
    thread = connection.ops.quote_name(apps.get_model("forum", "Thread")._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite" and sqlite3.sqlite_version_info < (3, 33):
            # No UPDATE ... FROM: a count per post, served by the (thread, id) index.
            cursor.execute(f"""
                UPDATE {post} SET floor = (
                    SELECT COUNT(*) FROM {post} AS earlier
                    WHERE earlier.thread_id = {post}.thread_id AND earlier.id <= {post}.id)""")
        else:
            cursor.execute(f"""
                UPDATE {post} SET floor = numbered.floor
                FROM (SELECT id, ROW_NUMBER() OVER (PARTITION BY thread_id ORDER BY id) AS floor FROM {post})
                     AS numbered
                WHERE {post}.id = numbered.id""")
        cursor.execute(f"""
            UPDATE {thread} SET last_floor = (SELECT COUNT(*) FROM {post} WHERE {post}.thread_id = {thread}.id)""")


class Migration(migrations.Migration):

    dependencies = [
        ("forum", "0005_daily_caps"),
    ]

    operations = [
        migrations.AddField(
            model_name="post",
            name="floor",
            field=models.PositiveIntegerField(default=0, verbose_name="floor"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="thread",
            name="last_floor",
            field=models.PositiveIntegerField(default=0, verbose_name="last floor"),
        ),
        migrations.RunPython(number_posts, migrations.RunPython.noop, elidable=True),
        migrations.AddConstraint(
            model_name="post",
            constraint=models.UniqueConstraint(fields=("thread", "floor"), name="forum_post_one_per_floor"),
        ),
        migrations.AlterField(
            model_name="post",
            name="thread",
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name="posts",
                                    to="forum.thread", verbose_name="thread"),
        ),
        migrations.AddIndex(
            model_name="post",
            index=models.Index(condition=models.Q(("hidden", True), ("deleted_at__isnull", False), _connector="OR"),
                               fields=["thread", "floor"], name="forum_post_unseen_floors"),
        ),
        migrations.RemoveIndex(
            model_name="thread",
            name="forum_thread_board_list",
        ),
        migrations.AddIndex(
            model_name="thread",
            index=models.Index(condition=models.Q(("hidden", False)), fields=["board", "-pinned", "-last_activity_at", "-id"],
                               name="forum_thread_board_visible"),
        ),
        migrations.AddIndex(
            model_name="thread",
            index=models.Index(fields=["board", "-pinned", "-last_activity_at", "-id"], name="forum_thread_board_order"),
        ),
        migrations.AddIndex(
            model_name="thread",
            index=models.Index(condition=models.Q(("hidden", True)), fields=["board"], name="forum_thread_board_hidden"),
        ),
    ]
