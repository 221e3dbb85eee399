"""manage.py reindex: rebuild the search index (search.Document) from the forum's, ideas', people's and
releases' rows.

Threads are read in batches by id; each batch's documents are replaced in one
transaction, so while it runs search keeps finding what it found before (a
thread's documents are swapped whole, never missing). Documents of threads that
no longer exist are removed at the end. Hidden threads and posts are indexed with
their flags (never found while hidden); deleted posts are not indexed.

Run it once after deploying search onto a database that already has content
(the migration creates an empty index), and whenever the terms change
(search.terms). ``--if-empty`` (make run) builds the index only if it holds
nothing while threads exist: an embedded database from before search.
"""

import sys
import time

from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.models import User
from forum.models import Post, Thread
from releases.models import ChangelogItem, Release
from search import indexing, people
from search.models import Document


class Command(BaseCommand):
    help = "Rebuild the search index from the threads, posts, ideas, people and changelogs, in batches, with progress."

    def add_arguments(self, parser):
        parser.add_argument("--batch", type=int, default=500, help="Threads per transaction (default 500).")
        parser.add_argument(
            "--if-empty", action="store_true", help="Only if the index is empty while there are threads (make run)."
        )

    def handle(self, *args, batch: int, if_empty: bool, **options):
        # People are indexed as they sign up: "empty" is no thread's document.
        indexed = Document.objects.filter(kind__in=indexing.IN_THREADS).exists()
        if if_empty and (indexed or not Thread.objects.exists()):
            return
        total = Thread.objects.count()
        done = documents = 0
        last_id = 0
        started = time.monotonic()
        live = self.stdout.isatty() if hasattr(self.stdout, "isatty") else sys.stdout.isatty()
        while True:
            threads = list(
                Thread.objects.filter(pk__gt=last_id)
                .order_by("pk")
                .values("pk", "board_id", "author_id", "title", "created_at", "hidden", "idea__product_id")[:batch]
            )
            if not threads:
                break
            last_id = threads[-1]["pk"]
            documents += index_threads(threads)
            done += len(threads)
            elapsed = time.monotonic() - started
            line = f"{done}/{total} threads ({done * 100 // max(total, 1)} %), {documents} documents, {elapsed:.1f} s"
            self.stdout.write(line, ending="\r" if live else "\n")
            self.stdout.flush()
        people = index_people()
        changes = index_changelogs()
        self.stdout.write(f"\n{people} people, {changes} changelog items of published releases.")
        in_threads = Document.objects.filter(kind__in=indexing.IN_THREADS)
        removed, _ = in_threads.exclude(thread_id__in=Thread.objects.values("pk")).delete()
        self.stdout.write(
            f"\nIndexed {documents} documents of {done} threads"
            + (f"; removed {removed} of threads that no longer exist" if removed else "")
            + "."
        )


def index_people() -> int:
    """Every account's document (in batches of 1 000 by id, one transaction each); how many."""
    done, last_id = 0, 0
    while batch := list(User.objects.filter(pk__gt=last_id).order_by("pk")[:1000]):
        with transaction.atomic():
            for user in batch:
                people.index_person(user)
        done, last_id = done + len(batch), batch[-1].pk
    return done


def index_changelogs() -> int:
    """The changelog items of published releases (withdrawn ones' are hidden); how many."""
    done = 0
    for release in Release.objects.exclude(state=Release.State.DRAFT).select_related("product"):
        with transaction.atomic():
            items = list(ChangelogItem.objects.filter(release=release).values_list("pk", "title", "description"))
            if release.state == Release.State.PUBLISHED:
                indexing.put_changelog(
                    release_id=release.pk,
                    product_id=release.product_id,
                    author_id=release.created_by_id,
                    release_title=f"{release.product.name} {release.version}",
                    items=items,
                    published_at=release.published_at or release.publish_at,
                )
                done += len(items)
            else:
                Document.objects.filter(kind=Document.Kind.CHANGE, thread_id=release.pk).delete()
    return done


@transaction.atomic
def index_threads(threads: list[dict]) -> int:
    """Replace the documents of ``threads`` (rows of Thread.values) in one transaction; how many were written."""
    ids = [thread["pk"] for thread in threads]
    posts = (
        Post.objects.filter(thread_id__in=ids, deleted_at=None)
        .order_by("thread_id", "floor")
        .values_list("pk", "thread_id", "floor", "author_id", "source", "created_at", "hidden")
    )
    by_id = {thread["pk"]: thread for thread in threads}
    made = []
    for post_id, thread_id, floor, author_id, source, created_at, hidden in posts.iterator(chunk_size=2000):
        thread = by_id[thread_id]
        if floor == 1:
            made.append(
                indexing.thread_document(
                    thread_id=thread_id,
                    board_id=thread["board_id"],
                    author_id=thread["author_id"],
                    title=thread["title"],
                    text=source,
                    created_at=thread["created_at"],
                    hidden=thread["hidden"],
                    first_post_hidden=hidden,
                    idea_product_id=thread["idea__product_id"],
                )
            )
        else:
            made.append(
                indexing.post_document(
                    post_id=post_id,
                    thread_id=thread_id,
                    board_id=thread["board_id"],
                    author_id=author_id,
                    thread_title=thread["title"],
                    text=source,
                    created_at=created_at,
                    hidden=hidden,
                    thread_hidden=thread["hidden"],
                )
            )
    Document.objects.filter(kind__in=indexing.IN_THREADS, thread_id__in=ids).delete()
    Document.objects.bulk_create(made, batch_size=500)
    return len(made)
