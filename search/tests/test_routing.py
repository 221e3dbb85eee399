"""Search queries on a read replica, the searcher's own writes on the primary.

The replica here is a second database alias pointing at the same test
database (so what the primary commits, the "replica" reads at once): enough to
prove which connection each query goes through, not replication itself. The
tests commit (transaction=True) so the second connection sees the rows.
"""

import pytest
from django.db import connections, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.tests.factories import UserFactory
from forum.tests.factories import BoardFactory, make_thread
from search import routing
from search.models import Document

# The alias exists from collection on, before the test databases are set up, so the test runner makes it a
# mirror of the test database, as DATABASE_REPLICA_URL's "replica" is in canyu/settings.py. Searches use it
# only when SEARCH_REPLICA_ALIAS names it (the fixture below).
if "replica" not in connections.settings:
    connections.settings["replica"] = {**connections["default"].settings_dict, "TEST": {"MIRROR": "default"}}

pytestmark = [
    pytest.mark.django_db(transaction=True, databases=["default", "replica"]),
    pytest.mark.usefixtures("in_english"),
]

URL = reverse("search")


@pytest.fixture
def replica(settings):
    settings.SEARCH_REPLICA_ALIAS = "replica"
    yield connections["replica"]
    connections["replica"].close()


def searched(captured) -> bool:
    return any("search_document" in query["sql"] for query in captured.captured_queries)


def search_through(client, **params):
    with (
        CaptureQueriesContext(connections["replica"]) as on_replica,
        CaptureQueriesContext(connections["default"]) as on_primary,
    ):
        response = client.get(URL, params)
    assert response.status_code == 200
    return response.content.decode(), searched(on_replica), searched(on_primary)


def test_without_a_replica_everything_reads_the_primary():
    assert routing.SearchRouter().db_for_read(Document) == "default"


def test_searches_read_the_replica(client, replica):
    make_thread(board=BoardFactory(), title="Battery life", source="battery")
    html, on_replica, on_primary = search_through(client, q="battery")
    assert "1 result" in html
    assert on_replica and not on_primary


def test_after_posting_the_posters_searches_read_the_primary(client, replica, settings):
    settings.SEARCH_PRIMARY_AFTER_WRITE = 45
    fan = UserFactory()
    thread = make_thread(board=BoardFactory(), title="Battery life", source="battery")
    client.force_login(fan)
    response = client.post(reverse("forum:reply", args=[thread.pk]), {"source": "my battery reply"})
    assert response.status_code == 302
    assert response.cookies[routing.COOKIE]["max-age"] == 45
    html, on_replica, on_primary = search_through(client, q="battery")
    assert "2 results" in html
    assert on_primary and not on_replica


def test_other_readers_keep_reading_the_replica_after_someone_posts(client, replica):
    thread = make_thread(board=BoardFactory(), title="Battery life", source="battery")
    writer = client.__class__()
    writer.force_login(UserFactory())
    writer.post(reverse("forum:reply", args=[thread.pk]), {"source": "another battery reply"})
    _, on_replica, on_primary = search_through(client, q="battery")
    assert on_replica and not on_primary


def test_a_refused_post_sets_no_mark(client, replica):
    client.force_login(UserFactory())
    response = client.post(reverse("forum:reply", args=[999999]), {"source": "x"})
    assert response.status_code == 404 and routing.COOKIE not in response.cookies


def test_inside_a_transaction_the_index_is_read_on_the_primary(replica):
    with transaction.atomic():
        assert routing.SearchRouter().db_for_read(Document) == "default"
    assert routing.SearchRouter().db_for_read(Document) == "replica"


def test_writes_and_migrations_stay_on_the_primary(replica):
    router = routing.SearchRouter()
    assert router.db_for_write(Document) == "default"
    assert router.allow_migrate("replica", "search") is False
    assert router.allow_migrate("default", "search") is None
