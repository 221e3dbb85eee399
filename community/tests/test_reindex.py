"""manage.py reindex rebuilds the index from the rows: the same documents the processes wrote."""

from io import StringIO

import pytest
from django.core.management import call_command

from accounts.roles import Role
from accounts.tests.factories import UserFactory
from forum import moderation, posting
from forum.tests.factories import BoardFactory, make_thread
from ideas.tests.factories import ideas_product, propose
from search.models import Document

pytestmark = pytest.mark.django_db

FIELDS = (
    "kind",
    "object_id",
    "thread_id",
    "board_id",
    "product_id",
    "author_id",
    "title",
    "title_terms",
    "body_terms",
    "thread_hidden",
    "hidden",
    "created_at",
)


def snapshot():
    return sorted(Document.objects.values_list(*FIELDS))


def test_reindex_writes_what_the_processes_wrote():
    mod = UserFactory(roles=[Role.MODERATOR])
    board = BoardFactory()
    thread = make_thread(board=board, title="充电到 80% 自动停止", source="Stop charging", replies=3)
    hidden_thread = make_thread(board=board, title="Hidden one", source="spam")
    moderation.set_thread_flag(thread=hidden_thread, moderator=mod, kind="hide_thread")
    posts = list(thread.posts.order_by("floor"))
    moderation.set_post_hidden(post=posts[1], moderator=mod, hidden=True)
    posting.delete_post(post=posts[2], actor=mod)
    posting.edit_post(post=posts[3], editor=mod, source="edited 夜间模式")
    moderation.move_thread(thread=thread, moderator=mod, board=BoardFactory())
    propose(ideas_product(), title="深色模式 Dark mode")
    written = snapshot()
    Document.objects.all().delete()
    Document.objects.create(kind="post", object_id=999999, thread_id=999999, board_id=1, author=mod, title="gone")
    out = StringIO()
    call_command("reindex", batch=2, stdout=out)
    assert snapshot() == written
    assert "3/3 threads" in out.getvalue() and "removed 1" in out.getvalue()


def test_if_empty_leaves_a_built_index_alone():
    make_thread(title="Some thread")
    Document.objects.update(body_terms="changed")
    call_command("reindex", if_empty=True, stdout=StringIO())
    assert set(Document.objects.values_list("body_terms", flat=True)) == {"changed"}
    Document.objects.exclude(kind="person").delete()  # people are indexed as they sign up
    call_command("reindex", if_empty=True, stdout=StringIO())
    assert Document.objects.filter(kind="thread").count() == 1
