import factory

from accounts.tests.factories import UserFactory
from forum import posting
from forum.models import Board


class BoardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Board
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Board {n}")
    slug = factory.Sequence(lambda n: f"board-{n}")

    @factory.post_generation
    def read_roles(self, create, extracted, **kwargs):
        if create and extracted:
            self.read_roles.set(extracted)

    @factory.post_generation
    def start_roles(self, create, extracted, **kwargs):
        if create and extracted:
            self.start_roles.set(extracted)


def make_thread(*, board=None, author=None, title="A thread title", source="First post", replies=0, repliers=None):
    """A thread built through the real posting functions."""
    board = board or BoardFactory()
    author = author or UserFactory()
    thread = posting.start_thread(board=board, author=author, title=title, source=source)
    for i in range(replies):
        replier = repliers[i % len(repliers)] if repliers else author
        posting.reply(thread=thread, author=replier, source=f"Reply {i + 1}")
    thread.refresh_from_db()
    return thread
