"""search 0003 makes a document's author optional, which rebuilds the table on SQLite: what was indexed
before is still found after it, and what is written after is found too."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from accounts.tests.factories import UserFactory
from forum import posting
from forum.models import Thread
from forum.tests.factories import BoardFactory
from search import finding
from search.terms import document_terms, parse_query


@pytest.mark.django_db(transaction=True)
def test_what_was_indexed_before_0003_is_still_found_after_it():
    before, after = [("search", "0002_full_text")], [("search", "0003_pool_and_kinds")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    try:
        old = executor.loader.project_state(before).apps
        author = UserFactory()  # (its person document is removed with the rollback to 0002's model below)
        board = BoardFactory()
        old.get_model("search", "Document").objects.create(
            kind="thread",
            object_id=1,
            thread_id=1,
            board_id=board.pk,
            author_id=author.pk,
            title="充电到 80% 自动停止",
            title_terms=document_terms("充电到 80% 自动停止"),
            body_terms=document_terms("battery saver"),
        )
        executor = MigrationExecutor(connection)
        executor.migrate(after)

        def count(text):
            return finding.find(query=parse_query(text), board_ids=[board.pk]).count

        assert count("充电") == 1 and count("battery") == 1
        thread = Thread.objects.create(board=board, author=author, title="Another")
        posting.reply(thread=thread, author=author, source="battery too")
        assert count("battery") == 2
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
